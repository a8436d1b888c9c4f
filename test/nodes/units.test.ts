// Node units without Python: config paths and loading, grids, execution metrics, comparison,
// ranking, /proc sampling, the runner protocol and the output tail.
import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareRuns } from '../../src/nodes/compare.js';
import { parseConfigText } from '../../src/nodes/config-load.js';
import { formatPath, getAt, parsePath, setAt } from '../../src/nodes/config-path.js';
import { NodeError } from '../../src/nodes/errors.js';
import { executionMetrics } from '../../src/nodes/execution-metrics.js';
import { cartesian, parseParamFlag, parseParamValue, resolveParam } from '../../src/nodes/grid.js';
import { stringifyJson } from '../../src/nodes/json-value.js';
import { LineTail } from '../../src/nodes/line-tail.js';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { ProcessSampler, isSameProcess, readProcStat } from '../../src/nodes/proc-stat.js';
import { rankRuns } from '../../src/nodes/ranking.js';
import type { RunResults } from '../../src/nodes/run-results.js';
import { checkId, newId } from '../../src/nodes/run-store.js';
import { parseRunnerLine } from '../../src/nodes/runner-protocol.js';
import { emaConfig, tempDir } from './fixtures.js';

describe('config paths', () => {
  it('formats and parses NautilusTrader-style paths', () => {
    const path = ['engine', 'strategies', 0, 'config', 'fast_ema_period'];
    assert.equal(formatPath(path), 'engine.strategies[0].config.fast_ema_period');
    assert.deepEqual(parsePath('engine.strategies[0].config.fast_ema_period'), path);
    assert.equal(formatPath(['data', 0, 'odd key']), 'data[0]["odd key"]');
    assert.throws(() => parsePath('engine..x'), /not a config path at character 7/);
    assert.throws(() => parsePath(''), /must not be empty/);
  });

  it('round-trips any path (property)', () => {
    const part = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.nat({ max: 50 }));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (path) => {
        // A leading index has no text form distinct from a key path; start with a key.
        const p = typeof path[0] === 'number' ? ['root', ...path] : path;
        assert.deepEqual(parsePath(formatPath(p)), p);
      }),
    );
  });

  it('gets and sets values, refusing missing parents', () => {
    const config = emaConfig();
    setAt(config, ['engine', 'strategies', 0, 'config', 'fast_ema_period'], 5);
    assert.equal(getAt(config, parsePath('engine.strategies[0].config.fast_ema_period')), 5);
    assert.throws(() => setAt(config, ['engine', 'actors', 0, 'x'], 1), /engine\.actors\[0\]\.x/);
  });
});

describe('config loading', () => {
  it('reads YAML with lines, keeps big integers exact, unwraps a one-run list', () => {
    const loaded = parseConfigText('- data:\n    - end_time: 1580515200000000001\n      bar_spec: 1-MINUTE-LAST\n  chunk_size: 10\n', 'x.yaml');
    const data = loaded.config['data'] as Array<Record<string, unknown>>;
    assert.equal(data[0]!['end_time'], 1580515200000000001n);
    assert.equal(loaded.config['chunk_size'], 10);
    assert.equal(loaded.lineOf('data[0].bar_spec'), 3);
    assert.equal(loaded.lineOf('chunk_size'), 4);
    assert.equal(loaded.lineOf('data[0].missing_key'), 2, 'a missing key points at its parent');
    assert.equal(stringifyJson(loaded.config), '{"data":[{"end_time":1580515200000000001,"bar_spec":"1-MINUTE-LAST"}],"chunk_size":10}');
  });

  it('refuses duplicate keys, syntax errors and non-mappings with the source and line', () => {
    assert.throws(() => parseConfigText('a: 1\na: 2\n', 'dup.yaml'), (e: NodeError) => e.code === 'CONFIG_UNREADABLE' && /dup\.yaml:2/.test(e.message));
    assert.throws(() => parseConfigText('{"a": [1,}', 'bad.json'), (e: NodeError) => e.code === 'CONFIG_UNREADABLE' && /bad\.json:1/.test(e.message));
    assert.throws(() => parseConfigText('[1, 2]', 'list.json'), /must be one mapping .* was a list of 2/);
    assert.throws(() => parseConfigText('', 'empty.yaml'), /was empty/);
  });

  it('never fails with anything but CONFIG_UNREADABLE on arbitrary text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseConfigText(text, 'fuzz.yaml');
        } catch (error) {
          assert.ok(error instanceof NodeError && error.code === 'CONFIG_UNREADABLE', String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('grids', () => {
  it('types CLI values as YAML would', () => {
    assert.deepEqual(['5', '0.5', 'true', 'null', 'abc', '12345678901234567890'].map(parseParamValue), [5, 0.5, true, null, 'abc', 12345678901234567890n]);
    assert.deepEqual(parseParamFlag('fast_ema_period=5,10,20'), { name: 'fast_ema_period', values: [5, 10, 20] });
    assert.throws(() => parseParamFlag('fast_ema_period'), (e: NodeError) => e.code === 'BAD_PARAM' && /name=value1/.test(e.message));
  });

  it('resolves short names to the one strategy config, full paths as given', () => {
    const config = emaConfig();
    assert.equal(resolveParam(config, { name: 'fast_ema_period', values: [5] }).pathText, 'engine.strategies[0].config.fast_ema_period');
    assert.equal(resolveParam(config, { name: 'venues[0].oms_type', values: ['HEDGING'] }).pathText, 'venues[0].oms_type');
    assert.throws(() => resolveParam(config, { name: 'engine.actors[0].config.x', values: [1] }), /has no engine\.actors\[0\]\.config/);
    assert.throws(
      () => resolveParam(config, { name: 'data[9]', values: [1] }),
      (e: NodeError) => e.code === 'BAD_PARAM' && /grid parameter data\[9\]: data\[9\]: data has no such index/.test(e.message),
    );
    assert.throws(
      () => resolveParam(config, { name: 'engine.strategies[0].config.fast_ema_period.x', values: [1] }),
      (e: NodeError) => e.code === 'BAD_PARAM' && /engine\.strategies\[0\]\.config\.fast_ema_period has no such mapping/.test(e.message),
    );
    const two = emaConfig();
    const strategies = (two['engine'] as { strategies: unknown[] }).strategies;
    strategies.push(structuredClone(strategies[0]));
    assert.throws(() => resolveParam(two, { name: 'fast_ema_period', values: [5] }), /matches engine\.strategies\[0\]\.config\.fast_ema_period and engine\.strategies\[1\]/);
  });

  it('expands the cartesian product, first parameter slowest, without touching the base', () => {
    const config = emaConfig();
    const params = [resolveParam(config, { name: 'fast_ema_period', values: [5, 10, 20] }), resolveParam(config, { name: 'slow_ema_period', values: [50, 100] })];
    const combos = cartesian(config, params);
    assert.equal(combos.length, 6);
    assert.deepEqual(
      combos.map((c) => [getAt(c.config, params[0]!.path), getAt(c.config, params[1]!.path)]),
      [[5, 50], [5, 100], [10, 50], [10, 100], [20, 50], [20, 100]],
    );
    assert.equal(getAt(config, params[0]!.path), 10, 'the base config is unchanged');
  });
});

/** A minimal results file: one buy market order and one sell limit order. */
function results(fills: Array<{ id: string; side: 'BUY' | 'SELL'; px: string; qty: string }>, options: { pnl?: number; limit?: Record<string, string>; arrival?: Record<string, string> } = {}): RunResults {
  return {
    summary: { stats_pnls: { USDT: { 'PnL (total)': options.pnl ?? 100, 'PnL% (total)': (options.pnl ?? 100) / 1000 } }, starting_balances: { SIM: ['100000 USDT'] }, total_orders: fills.length },
    orders: fills.map((f) => ({ client_order_id: f.id, side: f.side, type: options.limit?.[f.id] ? 'LIMIT' : 'MARKET', ...(options.limit?.[f.id] ? { price: options.limit[f.id] } : {}) })),
    fills: fills.map((f) => ({ client_order_id: f.id, order_side: f.side, last_px: f.px, last_qty: f.qty })),
    positions: [],
    accounts: {},
    equity: [],
    arrivals: fills.map((f) => ({ client_order_id: f.id, instrument_id: 'X.SIM', side: f.side, ts_init: '1', arrival_px: options.arrival?.[f.id] ?? '100.00', arrival_source: 'mid' })),
  };
}

describe('execution metrics and compare', () => {
  it('signs shortfall by side and weights by notional', () => {
    // BUY 1 @ 100.10 vs arrival 100: +10 bps; SELL 3 @ 99.90 vs arrival 100: +10 bps (a cost too).
    const m = executionMetrics(results([{ id: 'a', side: 'BUY', px: '100.10', qty: '1' }, { id: 'b', side: 'SELL', px: '99.90', qty: '3' }]));
    assert.equal(m.fills, 2);
    assert.ok(Math.abs(m.implementationShortfallBps! - 10) < 1e-9);
    // A SELL above arrival is a gain: -10 bps, weighted 3:1 against the buy's +10 → -5.
    const n = executionMetrics(results([{ id: 'a', side: 'BUY', px: '100.10', qty: '1' }, { id: 'b', side: 'SELL', px: '100.10', qty: '3' }]));
    assert.ok(Math.abs(n.implementationShortfallBps! - -5) < 0.01, String(n.implementationShortfallBps));
  });

  it('measures slippage against the limit price, else the arrival', () => {
    const m = executionMetrics(results([{ id: 'a', side: 'BUY', px: '99.00', qty: '1' }], { limit: { a: '99.00' }, arrival: { a: '100.00' } }));
    assert.equal(m.slippageBps, 0);
    assert.ok(Math.abs(m.implementationShortfallBps! - -100) < 1e-9);
    assert.equal(executionMetrics(results([])).implementationShortfallBps, null);
  });

  it('passes within tolerances and fails outside, naming the check', () => {
    const a = results([{ id: 'a', side: 'BUY', px: '100.00', qty: '1' }], { pnl: 100 });
    const same = compareRuns('A', a, 'B', a);
    assert.ok(same.pass);
    // 40 USDT on 100000 starting balance = 0.04 % < 0.05 %.
    assert.ok(compareRuns('A', a, 'B', results([{ id: 'a', side: 'BUY', px: '100.00', qty: '1' }], { pnl: 140 })).pass);
    const pnlOff = compareRuns('A', a, 'B', results([{ id: 'a', side: 'BUY', px: '100.00', qty: '1' }], { pnl: 160 }));
    assert.equal(pnlOff.pass, false);
    assert.equal(pnlOff.checks.find((c) => !c.pass)?.name, 'PnL difference USDT');
    // 0.6 bps worse fills: IS and slippage differ by 0.6 bps → IS fails (0.5), slippage passes (1.0).
    const isOff = compareRuns('A', a, 'B', results([{ id: 'a', side: 'BUY', px: '100.006', qty: '1' }], { pnl: 100 }));
    assert.deepEqual(isOff.checks.map((c) => c.pass), [true, false, true]);
    // Fills only in one run cannot be compared: fail.
    assert.equal(compareRuns('A', a, 'B', results([], { pnl: 100 })).pass, false);
  });
});

describe('ranking', () => {
  const record = (id: string, pnl: number | null): NodeRecord => ({
    id,
    kind: 'backtest',
    state: pnl === null ? 'failed' : 'finished',
    createdAt: '2024-01-01T00:00:00Z',
    progress: null,
    sample: null,
    lastLogLines: [],
    ...(pnl === null ? {} : { summary: { stats_pnls: { USDT: { 'PnL (total)': pnl } }, stats_returns: { 'Sharpe Ratio (252 days)': pnl / 10 } } }),
  });
  it('ranks by the statistic, runs without one last', () => {
    const rows = rankRuns([record('a', 5), record('b', null), record('c', 20), record('d', -3)]);
    assert.deepEqual(rows.map((r) => [r.rank, r.nodeId]), [[1, 'c'], [2, 'a'], [3, 'd'], [4, 'b']]);
    assert.deepEqual(rankRuns([record('a', 5), record('c', 20)], 'Sharpe Ratio (252 days)', 'asc').map((r) => r.nodeId), ['a', 'c']);
  });
});

describe('ids, /proc and the runner protocol', () => {
  it('makes ids that pass their own check and refuses path tricks', () => {
    assert.equal(checkId(newId('bt'), 'bt').slice(0, 3), 'bt-');
    for (const bad of ['../etc', 'bt-20240101-000000-zzzzzz', 'grid-20240101-000000-abcdef', 'bt-20240101-000000-abcdef/..']) {
      assert.throws(() => checkId(bad, 'bt'), (e: NodeError) => e.code === 'BAD_ID');
    }
  });

  it('reads this process from /proc and tells it from a pid reuse', async () => {
    const stat = await readProcStat(process.pid);
    assert.ok(stat && /^\d+$/.test(stat.startTicks));
    assert.equal(await isSameProcess(process.pid, stat.startTicks), true);
    assert.equal(await isSameProcess(process.pid, String(Number(stat.startTicks) + 1)), false);
    assert.equal(await readProcStat(2 ** 22 + 12345), undefined);
    const sampler = new ProcessSampler(process.pid);
    await sampler.sample();
    const t = Date.now();
    while (Date.now() - t < 150); // burn some CPU
    const sample = await sampler.sample();
    assert.ok(sample && sample.rssBytes > 1_000_000 && sample.cpuSeconds > 0);
  });

  it('keeps unexpected output as RAW log records', () => {
    assert.deepEqual(parseRunnerLine('{"type":"progress","fraction":0.5,"sim_ts":"12"}'), { type: 'progress', fraction: 0.5, sim_ts: '12' });
    assert.equal(parseRunnerLine('{"type":"progress","fraction":2,"sim_ts":"12"}').type, 'log');
    assert.deepEqual(parseRunnerLine('Traceback (most recent call last):'), { type: 'log', level: 'RAW', component: null, sim_ts: null, message: 'Traceback (most recent call last):' });
  });

  it('tails a file line by line, holding a partial line until its newline', async () => {
    const dir = await tempDir('tail');
    try {
      const file = join(dir.path, 'events.ndjson');
      await writeFile(file, 'one\ntw');
      const seen: string[] = [];
      const tail = new LineTail(file, (line) => seen.push(line));
      await tail.drain();
      assert.deepEqual(seen, ['one']);
      await appendFile(file, 'o\nthree\nfour');
      await tail.drain();
      assert.deepEqual(seen, ['one', 'two', 'three']);
      await tail.stop();
      assert.deepEqual(seen, ['one', 'two', 'three', 'four'], 'the last line without newline arrives on stop');
    } finally {
      await dir.remove();
    }
  });
});
