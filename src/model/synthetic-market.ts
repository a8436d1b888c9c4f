/**
 * Well-formed synthetic market data from a seeded random walk: bars stamped at their close
 * on an exact grid with valid OHLC, quotes with bid < ask, trades with increasing ids. Used
 * by the demo catalog, tests and benchmarks; the same seed always gives the same data.
 * Quotes and trades given the same seed, grid and jitter share one mid path and the same
 * times, so each trade prints at the quoted bid or ask.
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
  /**
   * Ticks only: each tick lands a random `[0, jitterNs)` after its grid time (keep it below
   * `stepNs` so times stay in order). Default 0: ticks exactly on the grid.
   */
  readonly jitterNs?: bigint;
  /** Ticks only: `ts_init = ts_event + initLagNs`, the time the data reached the system. Default 0. */
  readonly initLagNs?: bigint;
}

function steps(options: SyntheticOptions): { price: bigint; size: bigint } {
  const fixed = fixedPrecisionOf(options.width ?? 16);
  return { price: pow10(fixed - options.meta.pricePrecision), size: pow10(fixed - options.meta.sizePrecision) };
}

/** Stamps tick `i` with its grid time, plus jitter and ts_init lag; draws from `rand` only for jitter. */
function stampTick(frame: Frame<'quote_tick' | 'trade_tick'>, i: number, options: SyntheticOptions, rand: () => number): void {
  let ts = options.start + BigInt(i) * options.stepNs;
  if (options.jitterNs !== undefined && options.jitterNs > 0n) ts += BigInt(Math.floor(rand() * Number(options.jitterNs)));
  frame.columns.ts_event[i] = ts;
  frame.columns.ts_init[i] = ts + (options.initLagNs ?? 0n);
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
    stampTick(quotes, i, options, rand);
    setFixedRaw(quotes.columns.bid_price, i, (mid - 1n) * price);
    setFixedRaw(quotes.columns.ask_price, i, (mid + 1n) * price);
    setFixedRaw(quotes.columns.bid_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * size);
    setFixedRaw(quotes.columns.ask_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * size);
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
    stampTick(trades, i, options, rand);
    const buyer = rand() < 0.5;
    setFixedRaw(trades.columns.price, i, (buyer ? mid + 1n : mid - 1n) * price);
    setFixedRaw(trades.columns.size, i, BigInt(1 + Math.floor(rand() * 2_000_000)) * size);
    trades.columns.aggressor_side[i] = buyer ? 1 : 2;
    trades.columns.trade_id[i] = String(firstId + i);
  }
  return trades;
}
