/**
 * `seamless backtest` through `main()` without Python: ls, show and compare read records and
 * results written here by hand (as the supervisor would), bad input is one line and an exit
 * code, and a command sharing the state folder with a gateway leaves the gateway's nodes running.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { isSameProcess } from '../../src/nodes/proc-stat.js';
import type { RunResults } from '../../src/nodes/run-results.js';
import { RunStore, newId } from '../../src/nodes/run-store.js';
import { runToExit } from '../gateway/gateway-process.js';
import { run } from '../helpers/cli-run.js';
import { recordRunningNode } from '../helpers/live-node.js';
import { withLiveProcess } from '../helpers/live-process.js';
import { emaConfig, tempDir } from '../nodes/fixtures.js';

function record(patch: Partial<NodeRecord>): NodeRecord {
  return { id: newId('bt'), kind: 'backtest', state: 'finished', createdAt: new Date().toISOString(), progress: null, sample: null, lastLogLines: [], ...patch };
}

/** Results with a PnL in USDT on a 100000 USDT account and no fills. */
function results(pnl: number): RunResults {
  return {
    summary: { stats_pnls: { USDT: { 'PnL (total)': pnl } }, starting_balances: { BINANCE: ['100000 USDT'] }, total_orders: 4 },
    orders: [],
    fills: [],
    positions: [],
    accounts: {},
    equity: [],
    arrivals: [],
  };
}

describe('seamless backtest ls / show / compare', () => {
  let dir: { path: string; remove(): Promise<void> };
  let state: string;
  const a = record({ name: 'first', createdAt: '2024-01-02T00:00:00.000Z', summary: results(100).summary });
  const b = record({ name: 'second', createdAt: '2024-01-02T00:01:00.000Z', summary: results(120).summary });
  const far = record({ createdAt: '2024-01-02T00:02:00.000Z', summary: results(200).summary });
  const running = record({ state: 'running', createdAt: '2024-01-02T00:03:00.000Z' });

  before(async () => {
    dir = await tempDir('backtest-cli');
    state = join(dir.path, 'state');
    const store = new RunStore(state);
    for (const [r, pnl] of [[a, 100], [b, 120], [far, 200]] as const) {
      await store.createNode(r, '{}');
      await writeFile(store.file(r.id, 'results.json'), JSON.stringify(results(pnl)));
    }
    await store.createNode(running, '{}');
  });
  after(() => dir.remove());

  it('ls lists every run newest first', async () => {
    const json = await run('backtest', 'ls', '--state', state, '--json');
    assert.equal(json.code, 0, json.err);
    assert.deepEqual((JSON.parse(json.out) as NodeRecord[]).map((r) => r.id), [running.id, far.id, b.id, a.id]);
    const table = await run('backtest', 'ls', '--state', state);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, new RegExp(`${a.id}\\s+finished\\s+2024-01-02T00:00:00.000Z\\s+100.00\\s+4\\s+first`));
  });

  it('show prints one run with its statistics and execution metrics', async () => {
    const shown = await run('backtest', 'show', a.id, '--state', state);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, new RegExp(`^${a.id} finished\\n`));
    assert.match(shown.out, /PnL \(total\)\s+100\n/);
    assert.match(shown.out, /fills 0, implementation shortfall  bps, slippage  bps/);
    const json = JSON.parse((await run('backtest', 'show', a.id, '--state', state, '--json')).out) as NodeRecord & { execution: { fills: number } };
    assert.equal(json.id, a.id);
    assert.equal(json.execution.fills, 0);
  });

  it('compare passes within the tolerances and fails outside them', async () => {
    const pass = await run('backtest', 'compare', a.id, b.id, '--state', state);
    assert.equal(pass.code, 0, pass.err);
    assert.match(pass.out, /PnL difference USDT\s+0\.0200 %\s+0\.05 %\s+pass/);
    assert.match(pass.out, /PASS\n$/);
    const fail = await run('backtest', 'compare', a.id, far.id, '--state', state, '--json');
    assert.equal(fail.code, 1, fail.err);
    assert.equal((JSON.parse(fail.out) as { pass: boolean }).pass, false);
  });

  it('refuses an unknown verb, unknown runs and unfinished runs', async () => {
    const verb = await run('backtest', 'frobnicate', '--state', state);
    assert.equal(verb.code, 2);
    assert.match(verb.err, /unknown backtest verb "frobnicate"/);
    const unknown = newId('bt');
    for (const argv of [['show', unknown], ['compare', a.id, unknown]]) {
      const result = await run('backtest', ...argv, '--state', state);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.err, new RegExp(`^seamless: no backtest run ${unknown}.*\\[RUN_NOT_FOUND\\]\\n$`));
    }
    const unfinished = await run('backtest', 'compare', a.id, running.id, '--state', state);
    assert.equal(unfinished.code, 1);
    assert.match(unfinished.err, new RegExp(`^seamless: run ${running.id} has no results: it is running \\[RESULTS_NOT_READY\\]\\n$`));
  });
});

describe('seamless backtest beside a gateway', () => {
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir('backtest-cli-shared');
  });
  after(() => dir.remove());

  it("leaves the nodes it did not start running when it ends", async () => {
    // A node the gateway runs: any long process recorded as live in the shared state folder.
    const state = join(dir.path, 'state');
    await withLiveProcess(async (pid, gatewayNode) => {
      const { record: node, startTicks } = await recordRunningNode(state, pid);
      const store = new RunStore(state);
      await writeFile(store.file(node.id, 'events.ndjson'), '{"type":"state","state":"running"}\n');
      const config = join(dir.path, 'ema.json');
      await writeFile(config, JSON.stringify(emaConfig()));

      // The command opens its supervisor on the folder (re-attaching that node), fails, and closes.
      const result = await run('backtest', 'grid', config, '--param', 'engine.nothing.here=1,2', '--state', state, '--catalog', dir.path);
      assert.equal(result.code, 1);
      assert.match(result.err, /\[BAD_PARAM\]/);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a SIGTERM would have landed by now
      assert.equal(await isSameProcess(pid, startTicks), true, "the gateway's node still runs");
      assert.equal(gatewayNode.exitCode, null);
      assert.equal(gatewayNode.signalCode, null);
    });
  });

  it('exits with a clear error on an unreadable grid record after re-attaching a node', { timeout: 20_000 }, async () => {
    const state = join(dir.path, 'state-bad-grid');
    const store = new RunStore(state);
    const gridId = newId('grid');
    await store.saveGrid(gridId, {});
    await writeFile(store.gridPath(gridId), 'not json{');
    const config = join(dir.path, 'ema.json');
    await writeFile(config, JSON.stringify(emaConfig()));
    await withLiveProcess(async (pid) => {
      const { startTicks } = await recordRunningNode(state, pid);
      // bin/seamless, so a supervisor left open would keep the process from exiting.
      const exited = await runToExit(['backtest', 'grid', config, '--param', 'engine.trader_id=A,B', '--state', state, '--catalog', dir.path]);
      assert.equal(exited.code, 1, `exits instead of hanging on the re-attached node's timers; stderr: ${exited.stderr}`);
      assert.match(exited.stderr, new RegExp(`^seamless: unreadable grid record ${store.gridPath(gridId)}: .*not valid JSON; move it out of the state folder or delete it .*\\[STATE_UNREADABLE\\]\\n$`));
      assert.equal(await isSameProcess(pid, startTicks), true, 'the re-attached node still runs');
    });
  });
});
