/**
 * Well-formed synthetic market data from a seeded random walk: bars stamped at their close
 * on an exact grid with valid OHLC, quotes with bid < ask, trades with increasing ids. Used
 * by the demo catalog, tests and benchmarks; the same seed always gives the same data.
 */
import type { FixedWidth } from './fixed-point.js';
import { fixedPrecisionOf, pow10 } from './fixed-point.js';
import { type Frame, type FrameMeta, allocFrame, setFixedRaw } from './frames.js';
import { seededRandom } from './seeded-random.js';

export interface SyntheticOptions {
  readonly meta: FrameMeta;
  /** First bar close, or first tick time, in ns. */
  readonly start: bigint;
  readonly count: number;
  /** Bar interval, or spacing between ticks, in ns. */
  readonly stepNs: bigint;
  readonly seed?: number;
  readonly width?: FixedWidth;
  /** Starting price in units of the price precision's step (e.g. cents at precision 2). */
  readonly startTicks?: bigint;
  /** First trade id (trades only). */
  readonly firstTradeId?: number;
}

function steps(options: SyntheticOptions): { price: bigint; size: bigint } {
  const fixed = fixedPrecisionOf(options.width ?? 16);
  return { price: pow10(fixed - options.meta.pricePrecision), size: pow10(fixed - options.meta.sizePrecision) };
}

export function syntheticBars(options: SyntheticOptions): Frame<'bar'> {
  const rand = seededRandom(options.seed ?? 1);
  const { price, size } = steps(options);
  const bars = allocFrame('bar', options.width ?? 16, options.count, options.meta);
  let last = options.startTicks ?? 4_250_000n;
  for (let i = 0; i < options.count; i++) {
    const path = [last];
    for (let k = 0; k < 4; k++) path.push(path[path.length - 1]! + BigInt(Math.round((rand() - 0.5) * 3000)));
    const close = path[path.length - 1]!;
    const high = path.reduce((a, b) => (b > a ? b : a));
    const low = path.reduce((a, b) => (b < a ? b : a));
    setFixedRaw(bars.columns.open, i, last * price);
    setFixedRaw(bars.columns.high, i, high * price);
    setFixedRaw(bars.columns.low, i, low * price);
    setFixedRaw(bars.columns.close, i, close * price);
    setFixedRaw(bars.columns.volume, i, BigInt(Math.round(rand() * 50_000_000)) * size);
    bars.columns.ts_event[i] = options.start + BigInt(i) * options.stepNs;
    bars.columns.ts_init[i] = bars.columns.ts_event[i]!;
    last = close;
  }
  return bars;
}

export function syntheticQuotes(options: SyntheticOptions): Frame<'quote_tick'> {
  const rand = seededRandom(options.seed ?? 2);
  const { price, size } = steps(options);
  const quotes = allocFrame('quote_tick', options.width ?? 16, options.count, options.meta);
  let mid = options.startTicks ?? 4_250_000n;
  for (let i = 0; i < options.count; i++) {
    mid += BigInt(Math.round((rand() - 0.5) * 400));
    setFixedRaw(quotes.columns.bid_price, i, (mid - 1n) * price);
    setFixedRaw(quotes.columns.ask_price, i, (mid + 1n) * price);
    setFixedRaw(quotes.columns.bid_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * size);
    setFixedRaw(quotes.columns.ask_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * size);
    const ts = options.start + BigInt(i) * options.stepNs;
    quotes.columns.ts_event[i] = ts;
    quotes.columns.ts_init[i] = ts;
  }
  return quotes;
}

export function syntheticTrades(options: SyntheticOptions): Frame<'trade_tick'> {
  const rand = seededRandom(options.seed ?? 3);
  const { price, size } = steps(options);
  const trades = allocFrame('trade_tick', options.width ?? 16, options.count, options.meta);
  let mid = options.startTicks ?? 4_250_000n;
  const firstId = options.firstTradeId ?? 100_000_000;
  for (let i = 0; i < options.count; i++) {
    mid += BigInt(Math.round((rand() - 0.5) * 400));
    const buyer = rand() < 0.5;
    setFixedRaw(trades.columns.price, i, (buyer ? mid + 1n : mid - 1n) * price);
    setFixedRaw(trades.columns.size, i, BigInt(1 + Math.floor(rand() * 2_000_000)) * size);
    trades.columns.aggressor_side[i] = buyer ? 1 : 2;
    trades.columns.trade_id[i] = String(firstId + i);
    const ts = options.start + BigInt(i) * options.stepNs;
    trades.columns.ts_event[i] = ts;
    trades.columns.ts_init[i] = ts;
  }
  return trades;
}
