import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type FixedWidth, parseRaw, PRICE_ERROR, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, fixedRawAt, setFixedRaw, tsInitOf } from '../../src/model/frames.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import type { Series } from '../../src/seamless/series.js';

const WIDTHS: FixedWidth[] = [8, 16];
const STEP = 60_000_000_000n;
const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const SERIES: Series = {
  nodeId: 'ohlcv:binance:BTC/USDT:1m',
  kind: 'ohlcv',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  stepNs: STEP,
  dataType: 'bar',
  instrumentId: 'BTCUSDT.BINANCE',
  identifier: BAR_TYPE,
};

/** [close time in minutes (number) or ns (bigint), open, high, low, close, volume?] */
type BarRow = [number | bigint, string, string, string, string, string?];

function bars(width: FixedWidth, rows: BarRow[]): Frame<'bar'> {
  const frame = allocFrame('bar', width, rows.length, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3, barType: BAR_TYPE });
  const c = frame.columns;
  rows.forEach(([t, o, h, l, cl, v], i) => {
    const ts = typeof t === 'bigint' ? t : BigInt(t) * STEP;
    setFixedRaw(c.open, i, parseRaw(o, 2, width, true));
    setFixedRaw(c.high, i, parseRaw(h, 2, width, true));
    setFixedRaw(c.low, i, parseRaw(l, 2, width, true));
    setFixedRaw(c.close, i, parseRaw(cl, 2, width, true));
    setFixedRaw(c.volume, i, parseRaw(v ?? '1', 3, width, false));
    c.ts_event[i] = ts;
    c.ts_init[i] = ts;
  });
  return frame;
}

/** A clean bar at minute `m` with price p. */
const ok = (m: number | bigint, p = '100'): BarRow => [m, p, p, p, p];

function minutes(frame: Frame | undefined): number[] {
  return frame ? Array.from(tsInitOf(frame), (t) => Number(t / STEP)) : [];
}

for (const width of WIDTHS) {
  describe(`bar rules, width ${width}`, () => {
    it('bar_ohlc flags each broken ordering and an out-of-range volume', () => {
      const frame = bars(width, [
        [1, '100', '101', '99', '100'],
        [2, '102', '101', '99', '100'], // high < open
        [3, '100', '101', '99', '102'], // high < close
        [4, '100', '101', '102', '101'], // low > high
        [5, '98', '101', '99', '100'], // low > open
        [6, '100', '101', '99', '98'], // low > close
        [7, '100', '101', '99', '100'],
      ]);
      setFixedRaw(frame.columns.volume, 6, QUANTITY_RAW_MAX[width] + 1n);
      const { frame: out, report } = checkConformance(SERIES, frame);
      assert.equal(out, frame);
      const rule = report.rules['bar_ohlc'];
      assert.ok(rule);
      assert.equal(rule.count, 6);
      assert.equal(rule.action, 'warn');
      assert.equal(rule.dropped, 0);
      assert.equal(rule.samples.length, 5);
      assert.deepEqual(rule.samples.map((s) => s['ts_init']), [2n, 3n, 4n, 5n, 6n].map((m) => (m * STEP).toString()));
      assert.equal(rule.samples[0]!['open'], '102.00');
      assert.equal(rule.samples[0]!['bar_type'], BAR_TYPE);
    });

    it('bar_ohlc compares exact raws where floats would round them equal', () => {
      const frame = bars(width, [ok(1)]);
      const big = width === 8 ? 9_000_000_000_000_000_001n : 10n ** 37n + 1n;
      setFixedRaw(frame.columns.open, 0, big);
      setFixedRaw(frame.columns.close, 0, big);
      setFixedRaw(frame.columns.low, 0, big);
      setFixedRaw(frame.columns.high, 0, big - 1n); // one raw below open
      const { report } = checkConformance(SERIES, frame);
      assert.equal(report.rules['bar_ohlc']?.count, 1);
    });

    it('bar_non_finite flags sentinel prices and sizes and keeps them out of bar_ohlc', () => {
      const frame = bars(width, [ok(1), ok(2), ok(3), ok(4)]);
      setFixedRaw(frame.columns.high, 1, PRICE_UNDEF[width]);
      setFixedRaw(frame.columns.low, 2, PRICE_ERROR[width]);
      setFixedRaw(frame.columns.volume, 3, QUANTITY_UNDEF[width]);
      const { report } = checkConformance(SERIES, frame, { bar_non_finite: 'drop' });
      assert.equal(report.rules['bar_non_finite']?.count, 3);
      assert.equal(report.rules['bar_non_finite']?.dropped, 3);
      assert.equal(report.rules['bar_ohlc'], undefined);
      assert.equal(report.rowsOut, 1);
    });

    it('bar_grid flags closes off the interval grid', () => {
      const frame = bars(width, [ok(1), ok(2n * STEP + 7n), ok(3), ok(4n * STEP - 1n)]);
      const { frame: out, report } = checkConformance(SERIES, frame, { bar_grid: 'drop', bar_gap: 'off' });
      assert.equal(report.rules['bar_grid']?.count, 2);
      assert.equal(report.rules['bar_grid']?.samples[0]?.['ts_init'], (2n * STEP + 7n).toString());
      assert.deepEqual(minutes(out), [1, 3]);
    });

    it('bar_order flags and drops rows below an earlier bar', () => {
      const frame = bars(width, [ok(1), ok(2), ok(5), ok(3), ok(4), ok(6)]);
      const warned = checkConformance(SERIES, frame, { bar_gap: 'off' });
      assert.equal(warned.frame, frame);
      assert.equal(warned.report.rules['bar_order']?.count, 2);
      const dropped = checkConformance(SERIES, frame, { bar_order: 'drop', bar_gap: 'off' });
      assert.deepEqual(minutes(dropped.frame), [1, 2, 5, 6]);
      assert.equal(dropped.report.rules['bar_order']?.dropped, 2);
    });

    it('bar_duplicate drops by default and keeps the last bar of each run', () => {
      const frame = bars(width, [ok(1, '1'), ok(2, '2'), ok(2, '3'), ok(2, '4'), ok(3, '5'), ok(3, '6')]);
      const { frame: out, report } = checkConformance(SERIES, frame);
      const rule = report.rules['bar_duplicate'];
      assert.equal(rule?.action, 'drop');
      assert.equal(rule?.count, 3);
      assert.equal(rule?.dropped, 3);
      assert.deepEqual(rule?.samples.map((s) => s['close']), ['2.00', '3.00', '5.00']);
      assert.ok(out);
      assert.deepEqual(minutes(out), [1, 2, 3]);
      assert.deepEqual([0, 1, 2].map((i) => fixedRawAt(out.columns.close, i)), ['1', '4', '6'].map((p) => parseRaw(p, 2, width, true)));
      assert.equal(report.rowsIn, 6);
      assert.equal(report.rowsOut, 3);
    });

    it('bar_duplicate keeps the last of a run that bar_order dropping reunites', () => {
      const frame = bars(width, [ok(5, '1'), ok(3, '2'), ok(5, '3')]);
      const { frame: out, report } = checkConformance(SERIES, frame, { bar_order: 'drop' });
      assert.equal(report.rules['bar_order']?.count, 1);
      assert.equal(report.rules['bar_duplicate']?.count, 1);
      assert.ok(out);
      assert.equal(out.length, 1);
      assert.equal(fixedRawAt(out.columns.close, 0), parseRaw('3', 2, width, true));
    });

    it('bar_gap counts missing bars on and off the grid, flagging the bar after each gap', () => {
      // 1→2 none; 2→5 two missing; 5→5.5 (off grid, <1 step) none; 5.5→8 floor(2.5) = 2.
      const frame = bars(width, [ok(1), ok(2), ok(5), ok(5n * STEP + STEP / 2n), ok(8)]);
      const { frame: out, report } = checkConformance(SERIES, frame, { bar_grid: 'off' });
      assert.equal(out, frame);
      const rule = report.rules['bar_gap'];
      assert.equal(rule?.count, 4);
      assert.deepEqual(rule?.samples.map((s) => s['ts_init']), [5n * STEP, 8n * STEP].map(String));
    });

    it('bar_gap cannot drop: a configured drop resolves to warn and keeps every row', () => {
      const frame = bars(width, [ok(1), ok(4)]);
      const { frame: out, report } = checkConformance(SERIES, frame, { bar_gap: 'drop' });
      assert.equal(out, frame);
      assert.deepEqual(report.rules['bar_gap'], { action: 'warn', count: 2, dropped: 0, samples: report.rules['bar_gap']?.samples });
    });

    it('bar_gap sees the rows left after earlier drops', () => {
      const frame = bars(width, [ok(1), ok(2n * STEP + 1n), ok(2)]);
      const { report } = checkConformance(SERIES, frame, { bar_grid: 'drop' });
      assert.equal(report.rules['bar_gap'], undefined);
    });
  });
}

describe('bar series checks', () => {
  it('a bar series without stepNs is a config error when grid or gap runs', () => {
    const { stepNs: _omit, ...rest } = SERIES;
    const frame = bars(8, [ok(1), ok(2)]);
    assert.throws(() => checkConformance(rest, frame), (e: unknown) => e instanceof SeamlessError && e.code === 'SEAMLESS_BAD_CONFIG' && /stepNs/.test(e.message));
    assert.equal(checkConformance(rest, frame, { bar_grid: 'off', bar_gap: 'off' }).frame, frame);
  });

  it('samples of a bar frame without meta.barType use the series identifier', () => {
    const frame = bars(8, [ok(1), ok(1)]);
    const bare: Frame<'bar'> = { ...frame, meta: { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 } };
    const { report } = checkConformance(SERIES, bare);
    assert.equal(report.rules['bar_duplicate']?.samples[0]?.['bar_type'], BAR_TYPE);
  });
});
