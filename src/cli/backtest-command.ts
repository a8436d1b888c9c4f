/**
 * `seamless backtest run|grid|compare|ls|show`: backtests from the command line through the
 * same supervisor and service the gateway's routes use, with records and results in the state
 * folder (--state, else $SEAMLESS_STATE_DIR, else <catalog>/.seamless). Ctrl-C stops running nodes
 * gracefully.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { nsToIso } from '../model/time.js';
import { BacktestService, finishedResults } from '../nodes/backtest-service.js';
import { DEFAULT_TOLERANCES, type Tolerances, compareRuns } from '../nodes/compare.js';
import { loadConfigFile } from '../nodes/config-load.js';
import { NodeError } from '../nodes/errors.js';
import { executionMetrics } from '../nodes/execution-metrics.js';
import { formatFinding } from '../nodes/findings.js';
import { parseParamFlag } from '../nodes/grid.js';
import type { NodeRecord } from '../nodes/node-record.js';
import { summaryMetric } from '../nodes/run-results.js';
import { RunStore, checkId, defaultStateDir } from '../nodes/run-store.js';
import { NodeSupervisor } from '../nodes/supervisor.js';
import { UsageError, type VerbValues, catalogPath, intFlag, parseVerbArgs, positional } from './args.js';
import { type Output, printTable } from './output.js';
import { StopSignals } from './stop-signals.js';

export const BACKTEST_USAGE = `backtest verbs (records and results under --state DIR, default $SEAMLESS_STATE_DIR or <catalog>/.seamless):
  backtest run <config> [--catalog PATH] [--name N] [--json]
                        check and run one BacktestRunConfig, with progress; prints its statistics
  backtest grid <config> --param NAME=V1,V2,... [--param ...] [--parallel N] [--rank-by STAT] [--asc]
                        run the cartesian product in parallel (default one node per core), ranked
  backtest compare <runA> <runB> [--pnl-tol PCT] [--is-tol BPS] [--slippage-tol BPS] [--json]
                        PnL, implementation-shortfall and slippage differences vs tolerances
                        (defaults 0.05 %, 0.5 bps, 1.0 bps); exit 0 pass, 1 fail
  backtest ls [--json]  every run, newest first
  backtest show <id> [--json]   one run: state, statistics, execution metrics, last log lines`;

const OPTIONS = {
  state: { type: 'string' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  param: { type: 'string', multiple: true },
  parallel: { type: 'string' },
  'rank-by': { type: 'string' },
  asc: { type: 'boolean' },
  'pnl-tol': { type: 'string' },
  'is-tol': { type: 'string' },
  'slippage-tol': { type: 'string' },
} as const;

type Values = VerbValues<typeof OPTIONS>;

export async function runBacktestCommand(argv: string[], out: Output): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    out.write(`${BACKTEST_USAGE}\n`);
    return 0;
  }
  const { values, positionals } = parseVerbArgs(rest, OPTIONS, BACKTEST_USAGE);
  const stateDir = values.state ? resolve(values.state) : defaultStateDir(catalogPath(values.catalog));
  switch (verb) {
    case 'run':
      return await run(positionals, values, stateDir, out);
    case 'grid':
      return await grid(positionals, values, stateDir, out);
    case 'compare':
      return await compare(positionals, values, stateDir, out);
    case 'ls':
      return await list(values, stateDir, out);
    case 'show':
      return await show(positionals, values, stateDir, out);
    default:
      throw new UsageError(`unknown backtest verb ${JSON.stringify(verb ?? '')}; use run, grid, compare, ls or show`);
  }
}

async function configArg(positionals: string[]) {
  const file = positional(positionals, 0, '<config> (a YAML or JSON BacktestRunConfig)');
  if (!existsSync(file)) throw new UsageError(`no config file ${file}`);
  return loadConfigFile(file);
}

/**
 * Opens supervisor + service; Ctrl-C (or SIGTERM) and the end of the command stop the nodes this command
 * started. The supervisor also re-attaches the nodes a gateway on the same state folder runs:
 * those are left running.
 */
async function openService(values: Values, stateDir: string) {
  const supervisor = await NodeSupervisor.open({ stateDir });
  let service: BacktestService;
  try {
    service = await BacktestService.open(supervisor, { catalogPath: catalogPath(values.catalog) });
  } catch (error) {
    // The re-attached nodes' timers would keep the process alive; those nodes keep running.
    await supervisor.close();
    throw error;
  }
  const stop = new StopSignals();
  stop.signal.addEventListener('abort', () => {
    process.stderr.write('seamless: stopping nodes (Ctrl-C again kills)\n');
    for (const id of supervisor.spawnedLive()) void supervisor.stop(id).catch(() => {});
  }, { once: true });
  const close = async (): Promise<void> => {
    stop.dispose();
    await supervisor.close({ stopNodes: 'spawned' });
  };
  return { supervisor, service, close };
}

async function run(positionals: string[], values: Values, stateDir: string, out: Output): Promise<number> {
  const loaded = await configArg(positionals);
  const { supervisor, service, close } = await openService(values, stateDir);
  try {
    const { record, checked } = await service.submit(loaded, values.name ? { name: values.name } : {});
    for (const f of checked.findings) process.stderr.write(`${formatFinding(f, loaded.source)}\n`);
    process.stderr.write(`started ${record.id} (pid ${record.pid ?? '?'})\n`);
    let shown = -1;
    supervisor.subscribe(record.id, (event) => {
      if (event.type === 'progress' && event.progress.fraction !== null) {
        const pct = Math.floor(event.progress.fraction * 10) * 10;
        if (pct > shown) {
          shown = pct;
          process.stderr.write(`${record.id} ${String(pct).padStart(3)}%  sim ${nsToIso(BigInt(event.progress.simTs))}\n`);
        }
      } else if (event.type === 'state') process.stderr.write(`${record.id} ${event.state}\n`);
    });
    const end = await supervisor.waitForEnd(record.id);
    printRecord(end, values, out);
    return end.state === 'finished' ? 0 : 1;
  } finally {
    await close();
  }
}

async function grid(positionals: string[], values: Values, stateDir: string, out: Output): Promise<number> {
  const loaded = await configArg(positionals);
  if (!values.param || values.param.length === 0) throw new UsageError('backtest grid needs at least one --param NAME=V1,V2,...');
  const params = values.param.map(parseParamFlag);
  const parallel = intFlag('parallel', values.parallel, { min: 1 }) ?? availableParallelism();
  const { supervisor, service, close } = await openService(values, stateDir);
  try {
    const started = await service.startGrid(loaded, params, { parallel, ...(values['rank-by'] ? { rankBy: values['rank-by'] } : {}), order: values.asc ? 'asc' : 'desc' });
    process.stderr.write(`grid ${started.id}: ${started.runs.length} runs, ${started.parallel} in parallel\n`);
    const seen = new Set<string>();
    const report = (): void => {
      for (const r of supervisor.list({ gridId: started.id })) {
        if (r.endedAt !== undefined && !seen.has(r.id)) {
          seen.add(r.id);
          const pnl = r.summary ? summaryMetric(r.summary, 'PnL (total)') : null;
          process.stderr.write(`${r.id} ${r.state} ${JSON.stringify(r.params)}${pnl === null ? '' : ` PnL ${pnl.toFixed(2)}`} (${seen.size}/${started.runs.length})\n`);
        }
      }
    };
    const timer = setInterval(report, 250);
    const view = await service.waitForGrid(started.id).finally(() => {
      clearInterval(timer);
      report();
    });
    if (values.json) {
      out.write(`${JSON.stringify(view, null, 2)}\n`);
    } else {
      out.write(`grid ${view.id}: ${view.runs.length} runs in ${((view.elapsedMs ?? 0) / 1000).toFixed(1)} s, ${view.parallel} in parallel, ranked by ${view.rankBy}\n`);
      const paths = view.params.map((p) => p.path);
      printTable(
        out,
        ['rank', 'run', 'state', ...paths.map((p) => p.split('.').pop()!), view.rankBy, 'PnL%', 'Sharpe', 'orders'],
        view.ranking.map((r) => [String(r.rank), r.nodeId, r.state, ...paths.map((p) => JSON.stringify(r.params[p])), fmt(r.value), fmt(r.pnlPct, 4), fmt(r.sharpe, 3), fmt(r.orders, 0)]),
      );
    }
    return view.ranking.every((r) => r.state === 'finished') ? 0 : 1;
  } finally {
    await close();
  }
}

function tolerance(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number >= 0, was "${text}"`);
  return n;
}

/** Records straight from the state folder: read-only verbs never take over live nodes. */
async function storeRecords(stateDir: string): Promise<{ store: RunStore; records: Map<string, NodeRecord> }> {
  const store = new RunStore(stateDir);
  const { records } = await store.loadNodes();
  return { store, records: new Map(records.map((r) => [r.id, r])) };
}

async function compare(positionals: string[], values: Values, stateDir: string, out: Output): Promise<number> {
  const a = checkId(positional(positionals, 0, '<runA>'), 'bt');
  const b = checkId(positional(positionals, 1, '<runB>'), 'bt');
  const tolerances: Tolerances = {
    pnlPct: tolerance('pnl-tol', values['pnl-tol'], DEFAULT_TOLERANCES.pnlPct),
    isBps: tolerance('is-tol', values['is-tol'], DEFAULT_TOLERANCES.isBps),
    slippageBps: tolerance('slippage-tol', values['slippage-tol'], DEFAULT_TOLERANCES.slippageBps),
  };
  const { store, records } = await storeRecords(stateDir);
  const [ra, rb] = await Promise.all([finishedResults(store, a, records.get(a)), finishedResults(store, b, records.get(b))]);
  const result = compareRuns(a, ra, b, rb, tolerances);
  if (values.json) {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    out.write(`compare A ${a} with B ${b}\n`);
    printTable(
      out,
      ['check', 'difference', 'tolerance', 'result', 'detail'],
      result.checks.map((c) => [c.name, c.value === null ? 'n/a' : `${c.value.toFixed(4)} ${c.unit}`, `${c.tolerance} ${c.unit}`, c.pass ? 'pass' : 'FAIL', c.detail]),
    );
    out.write(`${result.pass ? 'PASS' : 'FAIL'}\n`);
  }
  return result.pass ? 0 : 1;
}

async function list(values: Values, stateDir: string, out: Output): Promise<number> {
  const { records } = await storeRecords(stateDir);
  const rows = [...records.values()].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1));
  if (values.json) {
    out.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  printTable(
    out,
    ['run', 'state', 'created', 'progress', 'PnL', 'orders', 'name'],
    rows.map((r) => [
      r.id,
      r.state,
      r.createdAt,
      r.progress?.fraction == null ? '' : `${Math.round(r.progress.fraction * 100)}%`,
      fmt(r.summary ? summaryMetric(r.summary, 'PnL (total)') : null),
      fmt(r.summary ? summaryMetric(r.summary, 'total_orders') : null, 0),
      r.name ?? '',
    ]),
  );
  return 0;
}

async function show(positionals: string[], values: Values, stateDir: string, out: Output): Promise<number> {
  const id = checkId(positional(positionals, 0, '<run id>'), 'bt');
  const { store, records } = await storeRecords(stateDir);
  const record = records.get(id);
  if (!record) throw new NodeError('RUN_NOT_FOUND', `no backtest run ${id} in ${stateDir}`);
  const execution = record.state === 'finished' ? executionMetrics(await finishedResults(store, id, record)) : undefined;
  if (values.json) {
    out.write(`${JSON.stringify({ ...record, ...(execution ? { execution } : {}) }, null, 2)}\n`);
    return 0;
  }
  printRecord(record, values, out);
  if (execution) {
    out.write(`fills ${execution.fills}, implementation shortfall ${fmt(execution.implementationShortfallBps, 3)} bps, slippage ${fmt(execution.slippageBps, 3)} bps\n`);
  }
  return 0;
}

function printRecord(r: NodeRecord, values: Values, out: Output): void {
  if (values.json) {
    out.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const lines = [`${r.id} ${r.state}${r.note ? ` (${r.note})` : ''}`];
  if (r.exitCode !== undefined || r.signal) lines.push(`exit: ${r.signal ? `signal ${r.signal}` : `code ${r.exitCode}`}`);
  if (r.error) lines.push(`error: ${r.error.message}`);
  if (r.summary) {
    const s = r.summary;
    for (const stat of ['PnL (total)', 'PnL% (total)', 'Win Rate', 'Sharpe Ratio (252 days)', 'Profit Factor', 'total_orders', 'total_positions', 'iterations']) {
      const value = summaryMetric(s, stat);
      lines.push(`  ${stat.padEnd(24)} ${value !== null && Number.isInteger(value) ? String(value) : fmt(value, 6)}`);
    }
  }
  if (r.lastLogLines.length > 0) lines.push('last log lines:', ...r.lastLogLines.map((l) => `  ${l}`));
  out.write(`${lines.join('\n')}\n`);
}

function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '' : value.toFixed(digits);
}
