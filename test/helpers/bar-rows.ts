/**
 * Bars for the tests of the bar checks (bar-fast-path.ts, the catalog's bar facts): frames
 * from raw rows, clean random walks, and every defect the bar rules flag.
 */
import { type FixedWidth, PRICE_ERROR, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, fixedRawAt, setFixedRaw } from '../../src/model/frames.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { DAY0 } from './seamless-setup.js';

export const STEP = NS_PER_MINUTE;
export const BAR_META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };

export type Row = readonly [open: bigint, high: bigint, low: bigint, close: bigint, volume: bigint, ts: bigint];

export function rawBars(width: FixedWidth, rows: readonly Row[]): Frame<'bar'> {
  const frame = allocFrame('bar', width, rows.length, BAR_META);
  const c = frame.columns;
  rows.forEach(([open, high, low, close, volume, ts], i) => {
    setFixedRaw(c.open, i, open);
    setFixedRaw(c.high, i, high);
    setFixedRaw(c.low, i, low);
    setFixedRaw(c.close, i, close);
    setFixedRaw(c.volume, i, volume);
    c.ts_init[i] = ts;
    c.ts_event[i] = ts;
  });
  return frame;
}

export type Defect = 'high_below_open' | 'high_below_close' | 'low_above_open' | 'low_above_close' | 'volume_max' | 'price_undef' | 'price_error' | 'prices_undef' | 'prices_error' | 'volume_undef' | 'gap' | 'duplicate' | 'off_grid' | 'backwards';

export function damage(frame: Frame<'bar'>, row: number, defect: Defect): void {
  const c = frame.columns;
  const w = frame.width;
  const unit = w === 16 ? 10n ** 14n : 10n ** 7n;
  switch (defect) {
    case 'high_below_open': return setFixedRaw(c.high, row, fixedRawAt(c.open, row) - unit);
    case 'high_below_close': return setFixedRaw(c.high, row, fixedRawAt(c.close, row) - unit);
    case 'low_above_open': return setFixedRaw(c.low, row, fixedRawAt(c.open, row) + unit);
    case 'low_above_close': return setFixedRaw(c.low, row, fixedRawAt(c.close, row) + unit);
    case 'volume_max': return setFixedRaw(c.volume, row, QUANTITY_RAW_MAX[w] + 1n);
    case 'price_undef': return setFixedRaw(c.close, row, PRICE_UNDEF[w]);
    case 'price_error': return setFixedRaw(c.open, row, PRICE_ERROR[w]);
    // All four prices one sentinel: in OHLC order, so only a test for sentinels refuses them.
    case 'prices_undef': for (const prices of [c.open, c.high, c.low, c.close]) setFixedRaw(prices, row, PRICE_UNDEF[w]); return;
    case 'prices_error': for (const prices of [c.open, c.high, c.low, c.close]) setFixedRaw(prices, row, PRICE_ERROR[w]); return;
    case 'volume_undef': return setFixedRaw(c.volume, row, QUANTITY_UNDEF[w]);
    // Later bars move with the damaged one, so only its own step changes.
    case 'gap': for (let i = row; i < frame.length; i++) c.ts_init[i] = c.ts_init[i]! + STEP; return;
    case 'duplicate': for (let i = row; i < frame.length; i++) c.ts_init[i] = c.ts_init[i]! - STEP; return;
    case 'off_grid': for (let i = row; i < frame.length; i++) c.ts_init[i] = c.ts_init[i]! + 1n; return;
    case 'backwards': c.ts_init[row] = c.ts_init[row - 1]! - STEP; return;
  }
}

export const DEFECTS: Defect[] = ['high_below_open', 'high_below_close', 'low_above_open', 'low_above_close', 'volume_max', 'price_undef', 'price_error', 'prices_undef', 'prices_error', 'volume_undef', 'gap', 'duplicate', 'off_grid', 'backwards'];

/** Clean bars: a random walk, high and low around open and close, ties included. */
export function cleanBars(width: FixedWidth, count: number, seed: number): Frame<'bar'> {
  let x = seed;
  const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
  const unit = width === 16 ? 10n ** 14n : 10n ** 7n;
  let price = 4_250_000n;
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = price + BigInt(rand(401) - 200);
    const high = (open > close ? open : close) + BigInt(rand(3) === 0 ? 0 : rand(50));
    const low = (open < close ? open : close) - BigInt(rand(3) === 0 ? 0 : rand(50));
    rows.push([open * unit, high * unit, low * unit, close * unit, BigInt(rand(1_000_000)) * 1000n, DAY0 + BigInt(i + 1) * STEP]);
    price = close;
  }
  return rawBars(width, rows);
}
