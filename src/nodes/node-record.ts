/**
 * A node's record: what the supervisor knows about one runner process, persisted as JSON so it
 * survives a gateway restart. Times are ISO strings, simulated times ns strings.
 *
 * | state      | meaning                                                                  |
 * |------------|--------------------------------------------------------------------------|
 * | starting   | the process is being spawned (no protocol line yet)                       |
 * | loading    | NautilusTrader is importing, building the engine and reading the catalog  |
 * | running    | the engine runs; progress arrives                                         |
 * | stopping   | a stop was asked for; the runner unwinds (killed after the stop timeout)  |
 * | finished   | the run completed and its results are stored                              |
 * | stopped    | stopped on request                                                        |
 * | failed     | the runner reported an error, or the process died (exit status, signal)   |
 * | lost       | the process ended while nobody watched it (gateway down) without a report |
 */
import * as z from 'zod';

export const NODE_STATES = ['starting', 'loading', 'running', 'stopping', 'finished', 'stopped', 'failed', 'lost'] as const;
export type NodeState = (typeof NODE_STATES)[number];
export const TERMINAL_STATES: ReadonlySet<NodeState> = new Set(['finished', 'stopped', 'failed', 'lost']);

export const progressSchema = z.object({ fraction: z.number().nullable(), simTs: z.string() });
export const sampleSchema = z.object({ at: z.string(), cpuPercent: z.number(), rssBytes: z.number(), cpuSeconds: z.number() });

export const nodeRecordSchema = z.object({
  id: z.string(),
  kind: z.literal('backtest'),
  name: z.string().optional(),
  gridId: z.string().optional(),
  /** Grid parameters of this run (path → value). */
  params: z.record(z.string(), z.unknown()).optional(),
  state: z.enum(NODE_STATES),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  firstProgressAt: z.string().optional(),
  endedAt: z.string().optional(),
  pid: z.number().int().optional(),
  /** /proc/<pid>/stat start time: tells our process from a later one reusing the pid. */
  procStartTicks: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  stopRequested: z.boolean().optional(),
  progress: progressSchema.nullable(),
  sample: sampleSchema.nullable(),
  peakRssBytes: z.number().optional(),
  /** The data window (ns strings) progress is measured against. */
  window: z.object({ start: z.string(), end: z.string() }).optional(),
  nautilusTrader: z.string().optional(),
  /** NautilusTrader's BacktestResult (stats_pnls, stats_returns, counts) once finished. */
  summary: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ message: z.string(), traceback: z.string().optional() }).optional(),
  /** The last log lines when the node failed or was lost (the rest is in events.ndjson). */
  lastLogLines: z.array(z.string()),
  /** Said once about unusual history, e.g. "re-attached after a gateway restart". */
  note: z.string().optional(),
  reattached: z.boolean().optional(),
});

export type NodeRecord = z.infer<typeof nodeRecordSchema>;
export type NodeProgress = z.infer<typeof progressSchema>;

export function isTerminal(state: NodeState): boolean {
  return TERMINAL_STATES.has(state);
}
