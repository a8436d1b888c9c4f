import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FixedWidth, isSentinel, parseRaw, PRICE_ERROR, PRICE_RAW_MAX, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, allocFixedColumn, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { checkConformance, CONFORMANCE_RULES, resolveConformanceConfig } from '../../src/seamless/conformance/index.js';
import { compareRaw, isSentinelAt, rawView, signAt } from '../../src/seamless/conformance/raw-view.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import type { RuleAction } from '../../src/seamless/provider-config.js';
import type { Series } from '../../src/seamless/series.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const WIDTHS: FixedWidth[] = [8, 16];
const STEP = 60_000_000_000n;
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 };
const BAR_META = { ...META, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };
const base = { exchange: 'binance', symbol: 'BTC/USDT', instrumentId: 'BTCUSDT.BINANCE' };
const BARS: Series = { ...base, nodeId: 'ohlcv:binance:BTC/USDT:1m', kind: 'ohlcv', timeframe: '1m', stepNs: STEP, dataType: 'bar', identifier: BAR_META.barType };
const TRADES: Series = { ...base, nodeId: 'tick:binance:BTC/USDT', kind: 'tick', dataType: 'trade_tick', identifier: base.instrumentId };
const QUOTES: Series = { ...base, nodeId: 'quote:binance:BTC/USDT', kind: 'quote', dataType: 'quote_tick', identifier: base.instrumentId };
const isBadConfig = seamlessError('SEAMLESS_BAD_CONFIG');

/** Trades at ts 1..n with the given prices (size 1, distinct ids). */
function trades(width: FixedWidth, prices: string[]): Frame<'trade_tick'> {
  const frame = allocFrame('trade_tick', width, prices.length, META);
  prices.forEach((price, i) => {
    setFixedRaw(frame.columns.price, i, parseRaw(price, 2, width, true));
    setFixedRaw(frame.columns.size, i, 1000n);
    frame.columns.trade_id[i] = `t${i}`;
    frame.columns.ts_init[i] = BigInt(i + 1);
  });
  return frame;
}

describe('rule registry and config', () => {
  it('lists the rules of each data type in run order with their defaults', () => {
    const ids = (type: keyof typeof CONFORMANCE_RULES) => CONFORMANCE_RULES[type].map((r) => `${r.id}:${r.defaultAction}`);
    assert.deepEqual(ids('bar'), ['bar_non_finite:warn', 'bar_ohlc:warn', 'bar_grid:warn', 'bar_order:warn', 'bar_duplicate:drop', 'bar_gap:warn']);
    assert.deepEqual(ids('trade_tick'), ['trade_non_finite:warn', 'trade_price:warn', 'trade_size:warn', 'trade_order:warn', 'trade_duplicate_id:drop']);
    assert.deepEqual(ids('quote_tick'), ['quote_non_finite:warn', 'quote_crossed:warn', 'quote_size:warn', 'quote_spread:warn', 'quote_order:warn']);
    for (const rules of Object.values(CONFORMANCE_RULES)) for (const rule of rules) assert.ok(rule.description.length > 10);
  });

  it('resolves defaults, overrides, and drop of bar_gap to warn', () => {
    assert.deepEqual(resolveConformanceConfig('trade_tick'), {
      trade_non_finite: 'warn',
      trade_price: 'warn',
      trade_size: 'warn',
      trade_order: 'warn',
      trade_duplicate_id: 'drop',
    });
    const bars = resolveConformanceConfig('bar', { bar_ohlc: 'block', bar_duplicate: 'off', bar_gap: 'drop' });
    assert.equal(bars['bar_ohlc'], 'block');
    assert.equal(bars['bar_duplicate'], 'off');
    assert.equal(bars['bar_gap'], 'warn');
  });

  it('ignores ids of other data types, since one provider config serves every series', () => {
    assert.deepEqual(resolveConformanceConfig('bar', { trade_price: 'block' }), resolveConformanceConfig('bar'));
  });

  it('rejects an unknown id, listing the valid ids of the data type', () => {
    assert.throws(
      () => resolveConformanceConfig('quote_tick', { quote_spred: 'warn' }),
      (e: unknown) =>
        isBadConfig(e) &&
        (e as SeamlessError).message.includes('"quote_spred"') &&
        (e as SeamlessError).message.includes('quote_non_finite, quote_crossed, quote_size, quote_spread, quote_order') &&
        (e as SeamlessError).details['rule'] === 'quote_spred',
    );
    assert.throws(() => checkConformance(BARS, undefined, { bar_foo: 'warn' }), isBadConfig);
  });

  it('rejects an action that is not off, warn, drop or block', () => {
    assert.throws(() => resolveConformanceConfig('bar', { bar_ohlc: 'ignore' as RuleAction }), seamlessError('SEAMLESS_BAD_CONFIG', /off, warn, drop, block/));
  });
});

describe('actions', () => {
  for (const width of WIDTHS) {
    const frame = trades(width, ['1', '0', '2', '-3']);

    it(`off skips the rule (width ${width})`, () => {
      const { frame: out, report } = checkConformance(TRADES, frame, { trade_price: 'off' });
      assert.equal(out, frame);
      assert.deepEqual(report, { rowsIn: 4, rowsOut: 4, rules: {}, blocked: false });
    });

    it(`warn reports and keeps every row (width ${width})`, () => {
      const { frame: out, report } = checkConformance(TRADES, frame);
      assert.equal(out, frame);
      assert.equal(report.blocked, false);
      assert.deepEqual({ ...report.rules['trade_price'], samples: [] }, { action: 'warn', count: 2, dropped: 0, samples: [] });
    });

    it(`drop removes the flagged rows into a new frame (width ${width})`, () => {
      const { frame: out, report } = checkConformance(TRADES, frame, { trade_price: 'drop' });
      assert.notEqual(out, frame);
      assert.ok(out);
      assert.equal(out.width, width);
      assert.equal(out.meta, frame.meta);
      assert.deepEqual(Array.from(out.columns.ts_init), [1n, 3n]);
      assert.deepEqual(out.columns.trade_id, ['t0', 't2']);
      assert.equal(report.rowsOut, 2);
      assert.equal(report.rules['trade_price']?.dropped, 2);
      assert.equal(frame.length, 4, 'the input is left as it was');
    });

    it(`block reports blocked without dropping (width ${width})`, () => {
      const { frame: out, report } = checkConformance(TRADES, frame, { trade_price: 'block' });
      assert.equal(out, frame);
      assert.equal(report.blocked, true);
      assert.equal(report.rules['trade_price']?.action, 'block');
      assert.equal(report.rules['trade_price']?.dropped, 0);
    });
  }

  it('a block rule that does not fire does not block', () => {
    const { report } = checkConformance(TRADES, trades(8, ['1', '2']), { trade_price: 'block' });
    assert.equal(report.blocked, false);
  });

  it('returns undefined when every row is dropped, and passes undefined and empty frames through', () => {
    assert.equal(checkConformance(TRADES, trades(8, ['0', '-1']), { trade_price: 'drop' }).frame, undefined);
    assert.deepEqual(checkConformance(TRADES, undefined), { frame: undefined, report: { rowsIn: 0, rowsOut: 0, rules: {}, blocked: false } });
    const empty = trades(8, []);
    assert.equal(checkConformance(TRADES, empty).frame, empty);
  });
});

describe('raw view', () => {
  for (const width of WIDTHS) {
    const priceMax = PRICE_UNDEF[width];
    const price = fc.oneof(fc.bigInt({ min: PRICE_ERROR[width], max: priceMax }), fc.constantFrom(0n, 1n, -1n, priceMax, PRICE_ERROR[width], 2n ** 32n, -(2n ** 32n)));
    const quantity = fc.oneof(fc.bigInt({ min: 0n, max: QUANTITY_UNDEF[width] }), fc.constantFrom(0n, 1n, 2n ** 32n, QUANTITY_UNDEF[width]));
    for (const [kind, arb] of [['price', price], ['quantity', quantity]] as const) {
      it(`compares, signs and spots sentinels exactly like bigint (${kind}, width ${width})`, () => {
        fc.assert(
          fc.property(arb, arb, (a, b) => {
            const column = allocFixedColumn(kind, width, 2);
            setFixedRaw(column, 0, a);
            setFixedRaw(column, 1, b);
            const view = rawView(column);
            assert.equal(compareRaw(view, 0, view, 1), a < b ? -1 : a > b ? 1 : 0);
            assert.equal(signAt(view, 0), a < 0n ? -1 : a > 0n ? 1 : 0);
            assert.equal(isSentinelAt(view, 0), isSentinel(a, width, kind === 'price'));
          }),
        );
      });
    }
  }
});

/** Clean frames: every rule passes with the default config. */
function cleanFrame(type: 'bar' | 'trade_tick' | 'quote_tick', width: FixedWidth, seeds: bigint[][]): Frame<'bar' | 'trade_tick' | 'quote_tick'> {
  const n = seeds.length;
  if (type === 'bar') {
    const frame = allocFrame('bar', width, n, BAR_META);
    const c = frame.columns;
    seeds.forEach((s, i) => {
      const [low, a, b, high] = [...s.slice(0, 4)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) as [bigint, bigint, bigint, bigint];
      setFixedRaw(c.low, i, low);
      setFixedRaw(c.open, i, s[4]! % 2n === 0n ? a : b);
      setFixedRaw(c.close, i, s[4]! % 2n === 0n ? b : a);
      setFixedRaw(c.high, i, high);
      setFixedRaw(c.volume, i, s[5]!);
      c.ts_init[i] = c.ts_event[i] = BigInt(1000 + i) * STEP;
    });
    return frame;
  }
  if (type === 'trade_tick') {
    const frame = allocFrame('trade_tick', width, n, META);
    seeds.forEach((s, i) => {
      setFixedRaw(frame.columns.price, i, s[0]! + 1n);
      setFixedRaw(frame.columns.size, i, s[5]! + 1n);
      frame.columns.trade_id[i] = `id-${i}`;
      frame.columns.ts_init[i] = BigInt(i >> 1); // ties are allowed
    });
    return frame;
  }
  const frame = allocFrame('quote_tick', width, n, META);
  seeds.forEach((s, i) => {
    const bid = s[0]! + 20n;
    setFixedRaw(frame.columns.bid_price, i, bid);
    setFixedRaw(frame.columns.ask_price, i, bid + 1n + (s[1]! % (bid / 20n)));
    setFixedRaw(frame.columns.bid_size, i, s[5]! + 1n);
    setFixedRaw(frame.columns.ask_size, i, s[2]! + 1n);
    frame.columns.ts_init[i] = BigInt(i);
  });
  return frame;
}

const SERIES_OF = { bar: BARS, trade_tick: TRADES, quote_tick: QUOTES } as const;
const TYPES = ['bar', 'trade_tick', 'quote_tick'] as const;

describe('default config on clean data', () => {
  for (const type of TYPES) {
    for (const width of WIDTHS) {
      it(`returns the same ${type} frame untouched with an empty report (width ${width})`, () => {
        const raw = fc.bigInt({ min: 0n, max: PRICE_RAW_MAX[width] / 2n });
        const size = fc.bigInt({ min: 0n, max: QUANTITY_RAW_MAX[width] - 1n });
        const seed = fc.tuple(raw, raw, raw, raw, fc.bigInt({ min: 0n, max: 1n }), size);
        fc.assert(
          fc.property(fc.array(seed, { minLength: 1, maxLength: 40 }), (seeds) => {
            const frame = cleanFrame(type, width, seeds);
            const { frame: out, report } = checkConformance(SERIES_OF[type], frame);
            assert.equal(out, frame);
            assert.deepEqual(report, { rowsIn: frame.length, rowsOut: frame.length, rules: {}, blocked: false });
          }),
          { numRuns: 50 },
        );
      });
    }
  }
});
