/**
 * Backtests and grids on top of the supervisor — the one code path the HTTP routes and the CLI
 * share: check a config (config-check.ts), start it as a node, read its stored results, run a
 * grid's combinations with bounded parallelism and rank them.
 *
 * A grid's scheduler lives in this process. Its runs are ordinary nodes (they survive a
 * restart like any node); a grid found `running` on open was cut short by a restart and is
 * marked `interrupted`, listing the combinations that never started.
 */
import { availableParallelism } from 'node:os';
import * as z from 'zod';
import { type CheckedConfig, type ConfigCheckOptions, assertRunnable, checkConfigs } from './config-check.js';
import type { LoadedConfig } from './config-load.js';
import { NodeError } from './errors.js';
import { type GridParam, cartesian, resolveParam } from './grid.js';
import { type NodeRecord, isTerminal } from './node-record.js';
import { DEFAULT_RANK_BY, type RankedRow, rankRuns } from './ranking.js';
import { type RunResults, runResultsSchema } from './run-results.js';
import { type RunStore, checkId, newId } from './run-store.js';
import type { NodeSupervisor } from './supervisor.js';

export type BacktestServiceOptions = Omit<ConfigCheckOptions, 'catalogPath'> & { readonly catalogPath: string };

export const gridRecordSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'finished', 'interrupted']),
  createdAt: z.string(),
  endedAt: z.string().optional(),
  elapsedMs: z.number().optional(),
  parallel: z.number().int().positive(),
  rankBy: z.string(),
  order: z.enum(['desc', 'asc']),
  params: z.array(z.object({ path: z.string(), values: z.array(z.unknown()) })),
  runs: z.array(z.object({ index: z.number().int(), params: z.record(z.string(), z.unknown()), nodeId: z.string().optional() })),
  note: z.string().optional(),
});

export type GridRecord = z.infer<typeof gridRecordSchema>;

export interface GridView extends GridRecord {
  /** Per state, how many runs are in it (`pending` = not started yet). */
  readonly counts: Record<string, number>;
  readonly ranking: RankedRow[];
}

export interface GridOptions {
  /** Concurrent nodes (default: one per core). */
  readonly parallel?: number;
  readonly rankBy?: string;
  readonly order?: 'desc' | 'asc';
}

/**
 * The stored results of a finished run (`record` as the caller knows it; undefined = unknown).
 *
 * Throws NodeError RUN_NOT_FOUND, or RESULTS_NOT_READY when the run has not finished.
 */
export async function finishedResults(store: RunStore, id: string, record: NodeRecord | undefined): Promise<RunResults> {
  if (!record) throw new NodeError('RUN_NOT_FOUND', `no backtest run ${id}; list runs with GET /backtests or \`seamless backtest ls\``);
  if (record.state !== 'finished') throw new NodeError('RESULTS_NOT_READY', `run ${id} has no results: it is ${record.state}${record.error ? ` (${record.error.message})` : ''}`);
  const raw = await store.readResults(id);
  if (raw === undefined) throw new NodeError('RESULTS_NOT_READY', `run ${id} finished but its results file is missing`);
  return runResultsSchema.parse(raw);
}

export class BacktestService {
  private readonly grids = new Map<string, GridRecord>();
  private readonly gridDone = new Map<string, Promise<GridRecord>>();

  private constructor(
    readonly supervisor: NodeSupervisor,
    readonly options: BacktestServiceOptions,
  ) {}

  /** Loads stored grids; a grid left `running` by a previous process becomes `interrupted`. */
  static async open(supervisor: NodeSupervisor, options: BacktestServiceOptions): Promise<BacktestService> {
    const service = new BacktestService(supervisor, options);
    for (const id of await supervisor.store.listGridIds()) {
      const parsed = gridRecordSchema.safeParse(await supervisor.store.loadGrid(id));
      if (!parsed.success) continue;
      let grid = parsed.data;
      if (grid.state === 'running') {
        const unstarted = grid.runs.filter((r) => r.nodeId === undefined).length;
        grid = { ...grid, state: 'interrupted', note: `the gateway stopped while the grid ran; ${unstarted} combination(s) never started (started runs continue as nodes)` };
        await supervisor.store.saveGrid(id, grid);
      }
      service.grids.set(id, grid);
    }
    return service;
  }

  /** Checks configs without running them. */
  check(loaded: readonly LoadedConfig[]): Promise<CheckedConfig[]> {
    return checkConfigs(loaded, this.options);
  }

  /**
   * Checks a config and starts it as a node.
   *
   * Throws NodeError CONFIG_INVALID (details.findings) when the config has errors.
   */
  async submit(loaded: LoadedConfig, meta: { name?: string } = {}): Promise<{ record: NodeRecord; checked: CheckedConfig }> {
    const [checked] = await this.check([loaded]);
    assertRunnable(checked!);
    const record = await this.supervisor.start({ config: checked!.config, ...(checked!.window ? { window: checked!.window } : {}), ...meta });
    return { record, checked: checked! };
  }

  /**
   * The stored results of a finished run.
   *
   * Throws NodeError RUN_NOT_FOUND, or RESULTS_NOT_READY when the run has not finished.
   */
  async results(id: string): Promise<RunResults> {
    let record: NodeRecord | undefined;
    try {
      record = this.supervisor.get(id);
    } catch (error) {
      if (!(error instanceof NodeError && error.code === 'NODE_NOT_FOUND')) throw error;
    }
    return finishedResults(this.supervisor.store, id, record);
  }

  /**
   * Checks every combination (one checker process for all), then runs them in the background
   * with at most `parallel` nodes at a time. Resolves with the grid once it is scheduled.
   *
   * Throws NodeError BAD_PARAM for a bad parameter, CONFIG_INVALID when any combination has
   * errors (details.findings and details.combination name the first bad one).
   */
  async startGrid(loaded: LoadedConfig, params: readonly GridParam[], options: GridOptions = {}): Promise<GridRecord> {
    if (params.length === 0) throw new NodeError('BAD_PARAM', 'a grid needs at least one parameter (example: --param fast_ema_period=5,10,20)');
    const resolved = params.map((p) => resolveParam(loaded.config, p));
    const duplicate = resolved.find((p, i) => resolved.findIndex((q) => q.pathText === p.pathText) !== i);
    if (duplicate) throw new NodeError('BAD_PARAM', `grid parameter ${duplicate.pathText} is given twice`);
    const combos = cartesian(loaded.config, resolved);
    const checked = await this.check(combos.map((c) => ({ ...loaded, config: c.config })));
    for (const [i, one] of checked.entries()) {
      try {
        assertRunnable(one);
      } catch (error) {
        if (error instanceof NodeError) {
          throw new NodeError('CONFIG_INVALID', `grid combination ${JSON.stringify(combos[i]!.params)}: ${error.message}`, { ...error.details, combination: combos[i]!.params });
        }
        throw error;
      }
    }
    const parallel = Math.max(1, Math.min(options.parallel ?? availableParallelism(), combos.length));
    const grid: GridRecord = {
      id: newId('grid'),
      state: 'running',
      createdAt: new Date().toISOString(),
      parallel,
      rankBy: options.rankBy ?? DEFAULT_RANK_BY,
      order: options.order ?? 'desc',
      params: resolved.map((p) => ({ path: p.pathText, values: [...p.values].map((v) => (typeof v === 'bigint' ? v.toString() : v)) })),
      runs: combos.map((c) => ({ index: c.index, params: c.params })),
    };
    this.grids.set(grid.id, grid);
    await this.supervisor.store.saveGrid(grid.id, grid);
    this.gridDone.set(grid.id, this.runGrid(grid, checked));
    return grid;
  }

  /** Resolves with the grid once every run has ended. */
  async waitForGrid(id: string): Promise<GridView> {
    await (this.gridDone.get(checkId(id, 'grid')) ?? Promise.resolve());
    return this.grid(id);
  }

  /**
   * A grid with its runs' states and the ranked comparison table (ranked so far while running).
   *
   * Throws NodeError BAD_ID or GRID_NOT_FOUND.
   */
  grid(id: string): GridView {
    const grid = this.grids.get(checkId(id, 'grid'));
    if (!grid) throw new NodeError('GRID_NOT_FOUND', `no grid ${id}`);
    const records = grid.runs.flatMap((r) => (r.nodeId ? [this.supervisor.get(r.nodeId)] : []));
    const counts: Record<string, number> = { pending: grid.runs.length - records.length };
    for (const r of records) counts[r.state] = (counts[r.state] ?? 0) + 1;
    return { ...grid, counts, ranking: rankRuns(records, grid.rankBy, grid.order) };
  }

  private async runGrid(grid: GridRecord, checked: CheckedConfig[]): Promise<GridRecord> {
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= checked.length) return;
        const run = grid.runs[i]!;
        const one = checked[i]!;
        const record = await this.supervisor.start({ config: one.config, ...(one.window ? { window: one.window } : {}), gridId: grid.id, params: run.params, name: `${grid.id}#${i}` });
        grid.runs[i] = { ...run, nodeId: record.id };
        await this.supervisor.store.saveGrid(grid.id, grid);
        const end = await this.supervisor.waitForEnd(record.id);
        if (!isTerminal(end.state)) return; // the supervisor closed under us
      }
    };
    const problems: string[] = [];
    await Promise.all(Array.from({ length: grid.parallel }, () => worker().catch((error: Error) => void problems.push(error.message))));
    const note = problems.length > 0 ? `${problems.length} worker(s) stopped early: ${problems.join('; ')}` : undefined;
    const done: GridRecord = { ...grid, state: 'finished', endedAt: new Date().toISOString(), elapsedMs: Date.now() - started, ...(note ? { note } : {}) };
    this.grids.set(grid.id, done);
    await this.supervisor.store.saveGrid(grid.id, done);
    return done;
  }
}
