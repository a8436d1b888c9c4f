/**
 * The JSON-lines protocol python/seamless_runner.py writes on stdout (see the header of that
 * file). One zod schema per line type; a line that fits none is kept as a RAW log record, so a
 * stray print never breaks the supervisor.
 */
import * as z from 'zod';

export const RUNNER_STATES = ['loading', 'running', 'stopping', 'finished', 'stopped', 'failed'] as const;

const hello = z.object({ type: z.literal('hello'), pid: z.number().int(), nautilus_trader: z.string(), python: z.string() });
const state = z.object({ type: z.literal('state'), state: z.enum(RUNNER_STATES) });
const progress = z.object({ type: z.literal('progress'), fraction: z.number().min(0).max(1).nullable(), sim_ts: z.string().regex(/^\d+$/) });
const log = z.object({ type: z.literal('log'), level: z.string(), component: z.string().nullable(), sim_ts: z.string().nullable(), message: z.string() });
const result = z.object({ type: z.literal('result'), path: z.string(), summary: z.record(z.string(), z.unknown()) });
const error = z.object({ type: z.literal('error'), message: z.string(), traceback: z.string() });

export const runnerLineSchema = z.discriminatedUnion('type', [hello, state, progress, log, result, error]);

export type RunnerLine = z.infer<typeof runnerLineSchema>;
export type RunnerLog = z.infer<typeof log>;

/** Parses one stdout line; anything unexpected becomes a RAW log record carrying the text. */
export function parseRunnerLine(text: string): RunnerLine {
  try {
    const parsed = runnerLineSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through
  }
  return { type: 'log', level: 'RAW', component: null, sim_ts: null, message: text };
}

/** A log record as one human line: `LEVEL component: message`. */
export function formatLog(line: RunnerLog): string {
  return `${line.level} ${line.component ? `${line.component}: ` : ''}${line.message}`;
}
