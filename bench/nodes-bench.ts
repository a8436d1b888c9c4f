/**
 * Node benchmarks (issue "gateway", nodes part). Medians of BENCH_RUNS runs (default 3):
 * - supervisor overhead per backtest: process start → first progress, and total wall time
 *   through the supervisor, beside a bare Python `BacktestNode(configs).run()` of the same
 *   config in the same run (the anchor), interleaved;
 * - grid speed-up: the same 4-run grid with 1 and with 2 nodes at a time (target >= 1.7x on 2
 *   free cores).
 * Data: EMACross on BENCH_NODES_DAYS (default 5) days of BTCUSDT 1-minute bars in a temp catalog.
 * Run with `npm run bench:nodes`.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BacktestService } from '../src/nodes/backtest-service.js';
import { configFromValue } from '../src/nodes/config-load.js';
import { checkRunnable } from '../src/nodes/config-check.js';
import { stringifyJson } from '../src/nodes/json-value.js';
import { NodeSupervisor } from '../src/nodes/supervisor.js';
import { directRun } from '../test/nodes/direct-run.js';
import { emaConfig, longCatalog, tempDir } from '../test/nodes/fixtures.js';
import { median } from './measure.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const DAYS = Number(process.env['BENCH_NODES_DAYS'] ?? 5);

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  console.log(`node benchmarks: EMACross on ${DAYS} days of 1-minute bars (${DAYS * 1440} bars), median of ${RUNS} runs, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  const dir = await tempDir('nodes-bench');
  const supervisor = await NodeSupervisor.open({ stateDir: join(dir.path, 'state') });
  try {
    const catalog = await longCatalog(join(dir.path, 'catalog'), DAYS);
    const checked = await checkRunnable(configFromValue(emaConfig()), { catalogPath: catalog });
    const configJson = stringifyJson(checked.config);

    // 1. Overhead per backtest, interleaved with the bare anchor.
    const bare: number[] = [];
    const total: number[] = [];
    const toProgress: number[] = [];
    const toRunning: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push((await directRun(configJson, dir.path)).ms);
      const started = performance.now();
      let running = 0;
      let progress = 0;
      const record = await supervisor.start({ config: checked.config, ...(checked.window ? { window: checked.window } : {}) });
      const off = supervisor.subscribe(record.id, (e) => {
        if (e.type === 'state' && e.state === 'running' && running === 0) running = performance.now() - started;
        if (e.type === 'progress' && progress === 0) progress = performance.now() - started;
      });
      const end = await supervisor.waitForEnd(record.id);
      off();
      if (end.state !== 'finished') throw new Error(`bench run ${record.id} ended ${end.state}: ${end.error?.message}`);
      total.push(performance.now() - started);
      toRunning.push(running);
      toProgress.push(progress);
    }
    const bareMs = median(bare);
    const totalMs = median(total);
    console.log('\n1. one backtest: supervisor vs bare Python BacktestNode.run()');
    console.log(`   bare python (spawn → exit)            ${s(bareMs)}`);
    console.log(`   supervisor: start → engine running    ${s(median(toRunning))}`);
    console.log(`   supervisor: start → first progress   ${s(median(toProgress))}`);
    console.log(`   supervisor: start → finished record  ${s(totalMs)}   (${(totalMs / bareMs).toFixed(2)}x bare, +${s(totalMs - bareMs)}; includes writing orders/fills/positions/equity results)`);

    // 2. Grid speed-up: 4 runs with 1 and with 2 nodes at a time.
    const service = await BacktestService.open(supervisor, { catalogPath: catalog });
    const params = [
      { name: 'fast_ema_period', values: [5, 10] },
      { name: 'slow_ema_period', values: [20, 40] },
    ];
    const serial: number[] = [];
    const parallel: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [n, into] of [[1, serial], [2, parallel]] as const) {
        const grid = await service.startGrid(configFromValue(emaConfig()), params, { parallel: n });
        const view = await service.waitForGrid(grid.id);
        if (view.counts['finished'] !== 4) throw new Error(`grid ${grid.id}: ${JSON.stringify(view.counts)}`);
        into.push(view.elapsedMs!);
      }
    }
    const speedup = median(serial) / median(parallel);
    console.log('\n2. grid of 4 runs');
    console.log(`   1 node at a time    ${s(median(serial))}`);
    console.log(`   2 nodes at a time   ${s(median(parallel))}`);
    console.log(`   speed-up            ${speedup.toFixed(2)}x (target >= 1.7x with 2 free cores)`);
    console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine inflates every figure)`);
  } finally {
    await supervisor.close({ stopNodes: true });
    await dir.remove();
  }
}

await main();
