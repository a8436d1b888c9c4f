// The node routes mounted in the real gateway under /v1 (its auth, error handler and websocket),
// through inject() and injectWS, with real runner processes: a backtest of NautilusTrader's EMACross
// through the API returns exactly the statistics of the same config run directly with BacktestNode
// (configs).run(); a grid of 4 runs completes with 2 in parallel; bad configs are refused precisely;
// mutations need a token.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { nodeRoutes } from '../../src/gateway/routes/node-routes.js';
import type { JsonObject } from '../../src/nodes/json-value.js';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { NodeSupervisor } from '../../src/nodes/supervisor.js';
import { AUTH as auth, type DemoGateway, demoGateway } from '../gateway/gateway-setup.js';
import { directRun } from './direct-run.js';
import { demoCatalog, emaConfig, tempDir } from './fixtures.js';

describe('node routes', () => {
  let dir: { path: string; remove(): Promise<void> };
  let catalog: string;
  let supervisor: NodeSupervisor;
  let gateway: DemoGateway;
  let app: FastifyInstance;
  before(async () => {
    dir = await tempDir('node-routes');
    catalog = await demoCatalog(join(dir.path, 'catalog'));
    supervisor = await NodeSupervisor.open({ stateDir: join(dir.path, 'state'), sampleIntervalMs: 250 });
    // The real gateway: its auth hook, error handler and websocket, the routes under /v1.
    gateway = await demoGateway({ plugins: [{ plugin: nodeRoutes, options: { supervisor, catalogPath: catalog }, prefix: '/v1' }] });
    app = gateway.app;
  });
  after(async () => {
    await gateway.close();
    await supervisor.close({ stopNodes: true });
    await dir.remove();
  });

  it('refuses state changes without a token', async () => {
    for (const [url, payload] of [
      ['/v1/backtests', { config: emaConfig() }],
      ['/v1/backtests/grid', { config: emaConfig(), params: [{ name: 'fast_ema_period', values: [5] }] }],
      ['/v1/configs/check', { config: emaConfig() }],
      ['/v1/nodes/bt-20240101-000000-abcdef/stop', {}],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, payload });
      assert.equal(res.statusCode, 401, url);
    }
    assert.equal(supervisor.list().length, 0, 'nothing started');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/nodes' })).statusCode, 200);
  });

  it('answers bad ids, unknown ids and malformed bodies with stable codes', async () => {
    const badId = await app.inject({ method: 'GET', url: '/v1/nodes/..%2F..%2Fetc' });
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().error, 'BAD_ID');
    const unknownRun = await app.inject({ method: 'GET', url: '/v1/backtests/bt-20240101-000000-abcdef' });
    assert.deepEqual(unknownRun.json(), { error: 'RUN_NOT_FOUND', message: 'no backtest run bt-20240101-000000-abcdef', statusCode: 404 });
    assert.equal((await app.inject({ method: 'GET', url: '/v1/grids/grid-20240101-000000-abcdef' })).json().error, 'GRID_NOT_FOUND');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/backtests/bt-20240101-000000-abcdef/results' })).json().error, 'RUN_NOT_FOUND');
    const extra = await app.inject({ method: 'POST', url: '/v1/backtests', headers: auth, payload: { config: emaConfig(), confg: 1 } });
    assert.equal(extra.statusCode, 400);
    assert.match(extra.json().message, /confg/);
  });

  it('rejects a config with a misspelt key, an unknown instrument or an uncovered window precisely', async () => {
    const config = emaConfig({ start: '2024-01-02T00:00:00Z', end: '2024-01-06T00:00:00Z' });
    const strategy = ((config['engine'] as JsonObject)['strategies'] as JsonObject[])[0]!['config'] as JsonObject;
    strategy['fast_ema_perod'] = 5;
    strategy['instrument_id'] = 'BTCUSD.BINANCE';
    const check = await app.inject({ method: 'POST', url: '/v1/configs/check', headers: auth, payload: { config } });
    assert.equal(check.statusCode, 200);
    const answer = check.json() as { ok: boolean; findings: Array<{ path: string; code: string; message: string }> };
    assert.equal(answer.ok, false);
    assert.deepEqual(
      answer.findings.map((f) => `${f.code} ${f.path}`),
      ['UNKNOWN_KEY engine.strategies[0].config.fast_ema_perod', 'WINDOW_UNCOVERED data[0]', 'UNKNOWN_INSTRUMENT engine.strategies[0].config.instrument_id'],
    );

    const submit = await app.inject({ method: 'POST', url: '/v1/backtests', headers: auth, payload: { config } });
    assert.equal(submit.statusCode, 422);
    const body = submit.json() as { error: string; message: string };
    assert.equal(body.error, 'CONFIG_INVALID');
    assert.match(body.message, /engine\.strategies\[0\]\.config\.fast_ema_perod: EMACrossConfig has no key 'fast_ema_perod'.*did you mean 'fast_ema_period'/);
    assert.match(body.message, /data\[0\]: Bar BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL: the catalog does not cover 2024-01-03T00:00:00\.000000001Z \.\. 2024-01-06T00:00:00\.000000000Z/);
    assert.match(body.message, /instrument BTCUSD\.BINANCE is not in the data catalogs; did you mean BTCUSDT\.BINANCE/);
  });

  it('runs EMACross through the API with the same statistics as BacktestNode(configs).run() directly', async () => {
    const submit = await app.inject({ method: 'POST', url: '/v1/backtests', headers: auth, payload: { config: emaConfig({ logLevel: 'INFO' }), name: 'ema 10/20' } });
    assert.equal(submit.statusCode, 202, submit.body);
    const started = submit.json() as NodeRecord;
    assert.equal(started.name, 'ema 10/20');

    // The stream: a snapshot, then live events, closed after the end.
    const messages: Array<{ type: string; [k: string]: unknown }> = [];
    let ended!: Promise<void>;
    // Listeners go on before the upgrade completes: the snapshot is sent at once. The server
    // closes after `end`; injected sockets only finish that handshake on ws's 30 s timeout,
    // so the client hangs up itself once `end` arrives.
    await app.injectWS(`/v1/nodes/${started.id}/stream`, {}, {
      onInit: (ws) => {
        ended = new Promise<void>((resolve) =>
          ws.on('message', (data: Buffer) => {
            const message = JSON.parse(data.toString()) as { type: string };
            messages.push(message);
            if (message.type === 'end') {
              ws.terminate();
              resolve();
            }
          }),
        );
      },
    });
    await ended;
    const types = new Set(messages.map((m) => m.type));
    assert.equal(messages[0]?.type, 'snapshot');
    for (const type of ['progress', 'log', 'result', 'end']) assert.ok(types.has(type), `stream has ${type}: ${[...types].join(',')}`);

    const record = (await app.inject({ method: 'GET', url: `/v1/backtests/${started.id}` })).json() as NodeRecord;
    assert.equal(record.state, 'finished', JSON.stringify(record.error));
    assert.equal(record.progress?.fraction, 1);
    const res = await app.inject({ method: 'GET', url: `/v1/backtests/${started.id}/results` });
    assert.equal(res.statusCode, 200);
    const results = res.json() as { summary: Record<string, unknown>; orders: unknown[]; fills: unknown[]; positions: unknown[]; equity: Array<{ equity: number }>; execution: { fills: number } };
    assert.ok(results.orders.length > 0 && results.fills.length > 0 && results.positions.length > 0);
    assert.equal(results.execution.fills, results.fills.length);
    assert.ok(results.equity.length >= 100, 'an equity curve across the window');

    const direct = (await directRun(await readFile(supervisor.store.file(started.id, 'config.json'), 'utf8'), dir.path)).result;
    assert.deepEqual(results.summary['stats_pnls'], direct.stats_pnls);
    assert.deepEqual(results.summary['stats_returns'], direct.stats_returns);
    for (const key of ['total_orders', 'total_positions', 'iterations', 'total_events'] as const) assert.equal(results.summary[key], direct[key], key);
    const pnl = (direct.stats_pnls['USDT'] ?? {})['PnL (total)'];
    assert.ok(typeof pnl === 'number' && pnl !== 0, 'the strategy traded');
    const lastEquity = results.equity[results.equity.length - 1]!.equity;
    assert.ok(Math.abs(lastEquity - (100_000 + pnl)) < 1e-6, 'the equity curve ends at starting balance + PnL');

    const stop = await app.inject({ method: 'POST', url: `/v1/nodes/${started.id}/stop`, headers: auth });
    assert.equal(stop.json().error, 'NODE_NOT_RUNNING');
  });

  it('runs a grid of 4 with 2 nodes at a time and ranks it', async () => {
    const submit = await app.inject({
      method: 'POST',
      url: '/v1/backtests/grid',
      headers: auth,
      payload: { config: emaConfig(), params: [{ name: 'fast_ema_period', values: [5, 10] }, { name: 'slow_ema_period', values: [20, 40] }], parallel: 2 },
    });
    assert.equal(submit.statusCode, 202, submit.body);
    const grid = submit.json() as { id: string; runs: unknown[]; parallel: number };
    assert.equal(grid.runs.length, 4);
    assert.equal(grid.parallel, 2);
    let view: { state: string; counts: Record<string, number>; ranking: Array<{ rank: number; nodeId: string; state: string; value: number | null; params: Record<string, number> }> };
    for (;;) {
      view = (await app.inject({ method: 'GET', url: `/v1/grids/${grid.id}` })).json();
      if (view.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(view.state, 'finished');
    assert.equal(view.counts['finished'], 4);
    const values = view.ranking.map((r) => r.value!);
    assert.deepEqual([...values].sort((a, b) => b - a), values, 'ranked by PnL, best first');
    assert.deepEqual(new Set(view.ranking.map((r) => JSON.stringify(r.params))).size, 4);
    // Parallel: some two runs were alive at the same time.
    const spans = view.ranking.map((r) => supervisor.get(r.nodeId)).map((r) => [Date.parse(r.startedAt!), Date.parse(r.endedAt!)] as const);
    const overlap = spans.some(([s1, e1], i) => spans.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    assert.ok(overlap, JSON.stringify(spans));
    assert.equal(spans.filter(([s], i) => spans.filter(([s2, e2], j) => j !== i && s2 <= s && s < e2).length >= 2).length, 0, 'never more than 2 at once');
  });
});
