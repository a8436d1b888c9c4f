/** datasetFingerprint / FingerprintBuilder: deterministic, content-sensitive, chunking-independent. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatFrames, fixedRawAt, setFixedRaw, sliceFrame, type Frame } from '../../src/model/frames.js';
import { FingerprintBuilder, datasetFingerprint } from '../../src/seamless/fingerprint.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { prng, randomFrame } from '../helpers/random-frames.js';

const SYMBOLOGY = new Symbology();
const START = 1_700_000_000_000_000_000n;
const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const BAR_META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3, barType: BAR_TYPE };
const BARS = SYMBOLOGY.series('ohlcv:binance:BTC/USDT:1m');
const TRADES = SYMBOLOGY.series('tick:binance:BTC/USDT');
const TRADE_META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 };

const bars = (seed: number, width: 8 | 16 = 8, rows = 300) => randomFrame('bar', prng(seed), { width, rows, startNs: START, meta: BAR_META });
const trades = (seed: number, rows = 300) => randomFrame('trade_tick', prng(seed), { width: 8, rows, startNs: START, meta: TRADE_META });

function chunked(frame: Frame, cuts: number[]): string {
  const builder = new FingerprintBuilder(frame.type === 'bar' ? BARS : TRADES);
  let at = 0;
  for (const cut of [...cuts, frame.length]) {
    builder.add(sliceFrame(frame, at, cut));
    at = cut;
  }
  return builder.digest();
}

describe('datasetFingerprint', () => {
  it('is deterministic and formatted as sha256:<hex>', () => {
    const a = datasetFingerprint(BARS, bars(1));
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    assert.equal(datasetFingerprint(BARS, bars(1)), a);
    assert.notEqual(datasetFingerprint(BARS, bars(2)), a);
  });

  it('changes when a single raw changes', () => {
    const frame = bars(3);
    const before = datasetFingerprint(BARS, frame);
    const close = frame.columns.close;
    setFixedRaw(close, 150, fixedRawAt(close, 150) + 1n);
    assert.notEqual(datasetFingerprint(BARS, frame), before);
    const ts = frame.columns.ts_event;
    ts[7] = ts[7]! + 1n;
    assert.notEqual(datasetFingerprint(BARS, frame), before);
  });

  it('changes when one trade id changes, including moving bytes between neighbours', () => {
    const frame = trades(4, 3);
    frame.columns.trade_id.splice(0, 3, 'ab', 'c', 'x');
    const before = datasetFingerprint(TRADES, frame);
    frame.columns.trade_id.splice(0, 2, 'a', 'bc');
    assert.notEqual(datasetFingerprint(TRADES, frame), before);
  });

  it('does not depend on how the rows are chunked', () => {
    for (const frame of [bars(5), trades(6)] as Frame[]) {
      const series = frame.type === 'bar' ? BARS : TRADES;
      const whole = datasetFingerprint(series, frame);
      assert.equal(chunked(frame, [1, 2, 100, 299]), whole);
      assert.equal(chunked(frame, [0, 0, 150]), whole);
      const parts = [sliceFrame(frame, 0, 10), sliceFrame(frame, 10, 300)];
      assert.equal(datasetFingerprint(series, concatFrames(parts as Frame<'bar'>[])), whole);
    }
  });

  it('hashes long trade ids that overflow the scratch buffer the same in any chunking', () => {
    const frame = trades(7, 4);
    frame.columns.trade_id.splice(0, 4, 'x'.repeat(70_000), 'é'.repeat(40_000), 'y', 'z'.repeat(65_532));
    assert.equal(chunked(frame, [1, 3]), datasetFingerprint(TRADES, frame));
  });

  it('differs between widths and precisions', () => {
    const frame = bars(8);
    const wide = randomFrame('bar', prng(8), { width: 16, rows: 0, startNs: START, meta: BAR_META });
    const narrowEmpty = sliceFrame(frame, 0, 0);
    assert.notEqual(datasetFingerprint(BARS, narrowEmpty), datasetFingerprint(BARS, wide));
    assert.notEqual(datasetFingerprint(BARS, bars(9, 8)), datasetFingerprint(BARS, bars(9, 16)));
    const otherPrecision = { ...frame, meta: { ...BAR_META, pricePrecision: 3 } };
    assert.notEqual(datasetFingerprint(BARS, otherPrecision), datasetFingerprint(BARS, frame));
  });

  it('differs between series and between no frame and an empty one', () => {
    const frame = bars(10);
    assert.notEqual(datasetFingerprint({ ...BARS, nodeId: 'ohlcv:binance:BTC/USDT:5m' }, frame), datasetFingerprint(BARS, frame));
    assert.notEqual(datasetFingerprint(BARS, undefined), datasetFingerprint(BARS, sliceFrame(frame, 0, 0)));
    assert.equal(new FingerprintBuilder(BARS).digest(), datasetFingerprint(BARS, undefined));
  });

  it('refuses frames of another type, width or precision', () => {
    assert.throws(() => datasetFingerprint(BARS, trades(11)), RangeError);
    const builder = new FingerprintBuilder(BARS).add(bars(12, 8));
    assert.throws(() => builder.add(bars(12, 16)), RangeError);
    assert.throws(() => builder.add({ ...bars(12), meta: { ...BAR_META, sizePrecision: 1 } }), RangeError);
  });
});
