import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type FixedWidth, parseRaw, PRICE_ERROR, PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, setFixedRaw, tsInitOf } from '../../src/model/frames.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import type { Series } from '../../src/seamless/series.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const WIDTHS: FixedWidth[] = [8, 16];
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 };
const base = { exchange: 'binance', symbol: 'BTC/USDT', instrumentId: 'BTCUSDT.BINANCE', identifier: 'BTCUSDT.BINANCE' };
const TRADES: Series = { ...base, nodeId: 'tick:binance:BTC/USDT', kind: 'tick', dataType: 'trade_tick' };
const QUOTES: Series = { ...base, nodeId: 'quote:binance:BTC/USDT', kind: 'quote', dataType: 'quote_tick' };

/** [ts_init, price, size, trade_id] */
type TradeRow = [number, string, string, string];

function trades(width: FixedWidth, rows: TradeRow[]): Frame<'trade_tick'> {
  const frame = allocFrame('trade_tick', width, rows.length, META);
  const c = frame.columns;
  rows.forEach(([ts, price, size, id], i) => {
    setFixedRaw(c.price, i, parseRaw(price, 2, width, true));
    setFixedRaw(c.size, i, parseRaw(size, 3, width, false));
    c.aggressor_side[i] = 1;
    c.trade_id[i] = id;
    c.ts_event[i] = BigInt(ts);
    c.ts_init[i] = BigInt(ts);
  });
  return frame;
}

/** [ts_init, bid, ask, bid size?, ask size?] */
type QuoteRow = [number, string, string, string?, string?];

function quotes(width: FixedWidth, rows: QuoteRow[]): Frame<'quote_tick'> {
  const frame = allocFrame('quote_tick', width, rows.length, META);
  const c = frame.columns;
  rows.forEach(([ts, bid, ask, bidSize, askSize], i) => {
    setFixedRaw(c.bid_price, i, parseRaw(bid, 2, width, true));
    setFixedRaw(c.ask_price, i, parseRaw(ask, 2, width, true));
    setFixedRaw(c.bid_size, i, parseRaw(bidSize ?? '1', 3, width, false));
    setFixedRaw(c.ask_size, i, parseRaw(askSize ?? '1', 3, width, false));
    c.ts_event[i] = BigInt(ts);
    c.ts_init[i] = BigInt(ts);
  });
  return frame;
}

const times = (frame: Frame | undefined): number[] => (frame ? Array.from(tsInitOf(frame), Number) : []);

for (const width of WIDTHS) {
  describe(`trade rules, width ${width}`, () => {
    it('trade_price flags zero and negative prices', () => {
      const frame = trades(width, [[1, '10', '1', 'a'], [2, '0', '1', 'b'], [3, '-0.01', '1', 'c'], [4, '0.01', '1', 'd']]);
      const { frame: out, report } = checkConformance(TRADES, frame, { trade_price: 'drop' });
      assert.equal(report.rules['trade_price']?.count, 2);
      assert.deepEqual(report.rules['trade_price']?.samples.map((s) => s['price']), ['0.00', '-0.01']);
      assert.deepEqual(times(out), [1, 4]);
    });

    it('trade_size flags zero sizes', () => {
      const frame = trades(width, [[1, '10', '0', 'a'], [2, '10', '0.001', 'b']]);
      const { report } = checkConformance(TRADES, frame);
      assert.equal(report.rules['trade_size']?.count, 1);
      assert.equal(report.rules['trade_size']?.samples[0]?.['trade_id'], 'a');
    });

    it('trade_order allows equal times and flags rows that go backwards', () => {
      const frame = trades(width, [[1, '1', '1', 'a'], [1, '1', '1', 'b'], [3, '1', '1', 'c'], [2, '1', '1', 'd'], [3, '1', '1', 'e']]);
      const { frame: out, report } = checkConformance(TRADES, frame, { trade_order: 'drop' });
      assert.equal(report.rules['trade_order']?.count, 1);
      assert.deepEqual(times(out), [1, 1, 3, 3]);
    });

    it('trade_duplicate_id drops later repeats by default, keeping the first', () => {
      const frame = trades(width, [[1, '1', '1', 'a'], [2, '2', '1', 'b'], [3, '3', '1', 'a'], [4, '4', '1', 'a'], [5, '5', '1', 'b']]);
      const { frame: out, report } = checkConformance(TRADES, frame);
      assert.deepEqual(report.rules['trade_duplicate_id'], {
        action: 'drop',
        count: 3,
        dropped: 3,
        samples: report.rules['trade_duplicate_id']?.samples,
      });
      assert.deepEqual(report.rules['trade_duplicate_id']?.samples.map((s) => s['price']), ['3.00', '4.00', '5.00']);
      assert.deepEqual(times(out), [1, 2]);
    });

    it('trade_non_finite flags sentinels, which the value rules then skip', () => {
      const frame = trades(width, [[1, '1', '1', 'a'], [2, '1', '1', 'b'], [3, '1', '1', 'c']]);
      setFixedRaw(frame.columns.price, 0, PRICE_ERROR[width]);
      setFixedRaw(frame.columns.price, 1, PRICE_UNDEF[width]);
      setFixedRaw(frame.columns.size, 2, QUANTITY_UNDEF[width]);
      const { report } = checkConformance(TRADES, frame);
      assert.equal(report.rules['trade_non_finite']?.count, 3);
      assert.equal(report.rules['trade_price'], undefined);
    });
  });

  describe(`quote rules, width ${width}`, () => {
    it('quote_crossed flags bid above ask and a locked book', () => {
      const frame = quotes(width, [[1, '100', '100.01'], [2, '100.01', '100.01'], [3, '100.02', '100.01']]);
      const { frame: out, report } = checkConformance(QUOTES, frame, { quote_crossed: 'drop' });
      assert.equal(report.rules['quote_crossed']?.count, 2);
      assert.deepEqual(report.rules['quote_crossed']?.samples.map((s) => s['bid_price']), ['100.01', '100.02']);
      assert.deepEqual(times(out), [1]);
    });

    it('quote_size flags a zero bid or ask size', () => {
      const frame = quotes(width, [[1, '1', '1.01', '0', '1'], [2, '1', '1.01', '1', '0'], [3, '1', '1.01', '0.001', '0.001']]);
      const { report } = checkConformance(QUOTES, frame);
      assert.equal(report.rules['quote_size']?.count, 2);
    });

    it('quote_spread flags spread / mid above the ratio, default 0.1, configurable', () => {
      // spread / mid: 0.095, 0.104, 0.667, and a zero mid (infinitely wide)
      const frame = quotes(width, [[1, '100', '110'], [2, '100', '111'], [3, '1', '2'], [4, '-1', '1']]);
      const defaults = checkConformance(QUOTES, frame);
      assert.equal(defaults.report.rules['quote_spread']?.count, 3);
      assert.deepEqual(defaults.report.rules['quote_spread']?.samples.map((s) => s['ts_init']), ['2', '3', '4']);
      const loose = checkConformance(QUOTES, frame, {}, { maxSpreadRatio: 0.7 });
      assert.equal(loose.report.rules['quote_spread']?.count, 1);
      const strict = checkConformance(QUOTES, frame, {}, { maxSpreadRatio: 0.05 });
      assert.equal(strict.report.rules['quote_spread']?.count, 4);
    });

    it('quote_order flags rows that go backwards', () => {
      const frame = quotes(width, [[5, '1', '1.01'], [4, '1', '1.01'], [5, '1', '1.01'], [6, '1', '1.01']]);
      const { frame: out, report } = checkConformance(QUOTES, frame, { quote_order: 'drop' });
      assert.equal(report.rules['quote_order']?.count, 1);
      assert.deepEqual(times(out), [5, 5, 6]);
    });

    it('quote_non_finite flags sentinels and keeps them out of crossed and spread', () => {
      const frame = quotes(width, [[1, '1', '1.01'], [2, '1', '1.01']]);
      setFixedRaw(frame.columns.ask_price, 0, PRICE_UNDEF[width]);
      setFixedRaw(frame.columns.bid_price, 1, PRICE_UNDEF[width]);
      const { report } = checkConformance(QUOTES, frame);
      assert.deepEqual(Object.keys(report.rules), ['quote_non_finite']);
      assert.equal(report.rules['quote_non_finite']?.count, 2);
    });
  });
}

describe('tick option and type checks', () => {
  it('bad options and a frame of another type are config errors', () => {
    const frame = quotes(8, [[1, '1', '1.01']]);
    const isBadConfig = seamlessError('SEAMLESS_BAD_CONFIG');
    assert.throws(() => checkConformance(QUOTES, frame, {}, { maxSpreadRatio: Number.NaN }), isBadConfig);
    assert.throws(() => checkConformance(QUOTES, frame, {}, { sampleLimit: -1 }), isBadConfig);
    assert.throws(() => checkConformance(TRADES, frame), isBadConfig);
  });

  it('sampleLimit caps the samples but not the count', () => {
    const frame = trades(8, Array.from({ length: 9 }, (_, i): TradeRow => [i, '0', '1', `t${i}`]));
    const { report } = checkConformance(TRADES, frame, {}, { sampleLimit: 2 });
    assert.equal(report.rules['trade_price']?.count, 9);
    assert.equal(report.rules['trade_price']?.samples.length, 2);
  });

  it('a row with an unknown enum value still reports, with a fallback sample', () => {
    const frame = trades(8, [[1, '0', '1', 'a']]);
    frame.columns.aggressor_side[0] = 9;
    const { report } = checkConformance(TRADES, frame);
    const sample = report.rules['trade_price']?.samples[0];
    assert.equal(sample?.['row'], 0);
    assert.equal(sample?.['ts_init'], '1');
    assert.equal(typeof sample?.['error'], 'string');
  });
});
