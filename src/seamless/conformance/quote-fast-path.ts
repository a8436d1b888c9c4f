/**
 * One fused pass that proves quote frames clean under every quote rule, so the common case
 * (clean data straight from storage) costs one loop and no copy. It answers only
 * "certainly clean"; anything doubtful (a possible sentinel, a crossed, locked or wide
 * quote, a zero size, time going backwards) returns false and the caller runs the rule
 * engine, which decides exactly.
 *
 * The loop is bound by typed-array loads and float work (a few ns a row on the 2-core
 * machine), so it does as little per row as the verdict needs. The spread rule is settled
 * for a whole band of prices at once (`bandTop`): a quote whose bid and ask both lie in
 * the band cannot be wider than the limit, so a row costs two compares and no float
 * arithmetic for it. Rows outside the band, or that the band loop does not clear, go to an
 * exact one-row test, and the band moves to the price there.
 */
import { quoteMarkOf } from '../../catalog/quote-facts.js';
import type { Frame } from '../../model/frames.js';
import { rawView } from './raw-view.js';

/**
 * The last `ts_init` proven in order, carried from frame to frame, as the float whose bits
 * are that u64 (see "Time order" below on why that orders exactly).
 */
export interface OrderState {
  last: number;
}

/** A fresh order state: the least time the loops can prove in order (u64 1). */
export function orderStart(): OrderState {
  return { last: Number.MIN_VALUE };
}

/** The spread limit the loops test against: a hair inside the rule's, never above it. */
export function spreadLimitOf(maxSpreadRatio: number): number {
  return maxSpreadRatio * (1 - 1e-9);
}

/**
 * Band loop runs a frame may take (each ends at a row it leaves to the row test) before its
 * remaining rows go to the loops that test the spread on every row: prices that keep leaving
 * the band (a crash within seconds) or whose spread is below a band loop's resolution
 * (16-byte raws closer than 2^32) would otherwise cost a row test each.
 */
const MAX_BAND_RUNS = 16;
/** The band's proof needs float rounding far inside the limit's margin; tighter limits use the per-row loops. */
const MIN_BANDED_LIMIT = 1e-6;
/** Band bounds stay exact integers as floats. */
const MAX_EXACT = 2 ** 53 - 1;

/** True when every row of `frame` is certainly clean; advances `order` past it when so. */
export function quoteFrameCertainlyClean(frame: Frame<'quote_tick'>, spreadLimit: number, order: OrderState): boolean {
  const c = frame.columns;
  const ts = new Float64Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.length);
  const bid = rawView(c.bid_price).words;
  const ask = rawView(c.ask_price).words;
  const bidSize = rawView(c.bid_size).words;
  const askSize = rawView(c.ask_size).words;
  const n = frame.length;
  const wide = frame.width === 16;
  let last = order.last;
  let bandRuns = 0;
  for (let i = 0; i < n;) {
    // The loop orders rows after its first; the first is ordered here, which also proves it
    // positive (see "Time order").
    if (!(ts[i]! >= last)) return false;
    const lo = Math.ceil(bandUnits(bid, i, wide) * (1 - spreadLimit / 4));
    const hi = bandTop(lo, spreadLimit);
    const banded = bandRuns < MAX_BAND_RUNS && spreadLimit >= MIN_BANDED_LIMIT && lo >= 1 && hi > lo;
    let cleared: number;
    if (banded) {
      bandRuns++;
      cleared = wide ? band16(bid, ask, bidSize, askSize, ts, i, n - i, lo, hi) : band8(bid, ask, bidSize, askSize, ts, i, n - i, lo, hi);
    } else {
      cleared = wide ? clean16(bid, ask, bidSize, askSize, ts, i, n - i, spreadLimit) : clean8(bid, ask, bidSize, askSize, ts, i, n - i, spreadLimit);
    }
    const stop = cleared < 0 ? n : cleared;
    if (stop > i) last = ts[stop - 1]!;
    if (stop === n) break;
    // A row the loop did not clear: the integer test of that one row decides, or leaves the frame to the engine.
    if (!(wide ? row16(bid, ask, bidSize, askSize, ts, stop, spreadLimit, last) : row8(bid, ask, bidSize, askSize, ts, stop, spreadLimit, last))) return false;
    last = ts[stop]!;
    i = stop + 1;
  }
  order.last = last;
  return true;
}

/**
 * A price of row `i` in the band loops' units: for 16-byte raws its bits 32 to 95 (the
 * raw's floor over 2^32, when its top word is 0), for 8-byte raws the raw itself; both
 * as unsigned words, so a negative raw reads as a huge number.
 */
function bandUnits(words: Uint32Array, i: number, wide: boolean): number {
  return wide ? words[4 * i + 2]! * 4294967296 + words[4 * i + 1]! : words[2 * i + 1]! * 4294967296 + words[2 * i]!;
}

/**
 * True (advancing `order`) for a frame decoded with quote facts (src/catalog/quote-facts.ts)
 * whose mark puts all its prices in one band [least bid, greatest ask]: the facts are the
 * band loops' tests, taken while the frame was decoded, so every row passes them and only
 * the order against the frames before is left. Only for a frame just read from storage (the
 * provider's StreamProof): the mark says nothing about a frame changed since.
 */
export function markedClean(frame: Frame<'quote_tick'>, spreadLimit: number, order: OrderState): boolean {
  const mark = quoteMarkOf(frame);
  if (mark === undefined || spreadLimit < MIN_BANDED_LIMIT || frame.length === 0) return false;
  const lo = mark.leastBid;
  if (!(lo >= 1 && lo <= MAX_EXACT && mark.greatestAsk <= bandTop(lo, spreadLimit))) return false;
  const ts = new Float64Array(frame.columns.ts_init.buffer, frame.columns.ts_init.byteOffset, frame.length);
  if (!(ts[0]! >= order.last)) return false;
  order.last = ts[frame.length - 1]!;
  return true;
}

/**
 * The top of the band that starts at `lo` (units, an integer >= 1): the largest `hi` with
 * `hi + 1 - lo <= limit * lo`, a thousandth inside it, at most 2^53 - 1. Why it proves the
 * spread: a quote with `lo <= bid units < ask units <= hi` has, in raws (unit u = 2^32 or 1),
 * `ask - bid < (hi + 1 - lo) * u <= limit * lo * u <= limit * bid <= limit * mid`. The
 * thousandth dwarfs the engine's float rounding (about 2^-50 of a price) for any limit of at
 * least MIN_BANDED_LIMIT, so the engine's `spread > ratio * |mid|` is false too.
 */
function bandTop(lo: number, limit: number): number {
  return Math.min(MAX_EXACT, Math.floor(lo * (1 + limit * 0.999) - 1));
}

/** The fused check over a run of frames in `ts_init` order. */
export function quotesCertainlyClean(frames: readonly Frame<'quote_tick'>[], maxSpreadRatio: number): boolean {
  const limit = spreadLimitOf(maxSpreadRatio);
  const order = orderStart();
  return frames.every((frame) => quoteFrameCertainlyClean(frame, limit, order));
}

// Words are Uint32 views: a price's top word is read `| 0` (signed), the rest as they are
// (an Int32 view read `>>> 0` had the compiled loop assume words below 2^31, and deopt).
// Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, sizes' all ones.
//
// The loops (`clean16`, `clean8`) return the first row they do not clear, or -1;
// `row16`/`row8` then test that row on integer words (false: doubtful), and the loop resumes after it.
//
// Compiled code: V8 compiles the loop while its first call runs, and that call began before
// V8 kept feedback for the function, so anything before the loop (or after it) had none.
// Compiled code deopts on an operation without feedback; it did so at the next call, and V8
// then entered the on-stack code compiled for the first call's loop on every later call
// (every value tagged, a heap number allocated per row) and never compiled the function
// again. So the loops do nothing outside the loop but return constants, use each argument
// as it is inside it, start `prev` at a constant, and run every test on every clean row
// (an untried branch deopts too). They touch no object; 2^32 is written out (a module
// `const` was re-read with a hole check per use).
//
// Sizes: word 1 neither 0 nor all ones means the raw is neither zero nor the all-ones
// sentinel (the row test reads the other words).
//
// bid < ask on floats: approxRaw's float of a raw is within 3.0001 * 2^-53 of the raw,
// relatively (exact multiplications by 2^32, three roundings of prefix sums; a prefix is
// rounded only when it exceeds 2^53), and the difference rounds once more. So a float
// difference above 2^-48 * (|a| + |b|) proves ask > bid exactly; anything closer goes to the
// row test, which compares integer words. The loops write 2^-48 out as 3.552713678800501e-15.
//
// Time order on one float load: the bits of a u64 from 1 to 0x7FF0000000000000 read as a
// float64 are a positive number (subnormal, normal or +Infinity), and positive floats
// order as their bits do. Everything else reads as zero, negative or NaN, and fails
// `t >= last` against a last that starts at the least positive float, so it is doubtful.

// The band loops (`band16`, `band8`): a row is cleared when both sizes pass the word test
// above ("Sizes"), both prices' units lie in [lo, hi] (16-byte raws: with a top word of 0, which also
// excludes sentinels and negatives; 8-byte raws: sentinels and negatives read as units far
// above any hi), bid units < ask units (exact integers below 2^53: for 16-byte raws a
// smaller unit means a smaller raw, whatever the low words hold), and time is in order.
// The spread needs no per-row test: see bandTop. They follow the compiled-code rules above.

function band16(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, from: number, count: number, lo: number, hi: number): number {
  let prev = 0;
  for (let j = 0; j < count; j++) {
    const i = from + j;
    const k = i << 2;
    const bs1 = bidSize[k + 1]!;
    const as1 = askSize[k + 1]!;
    if (bs1 === 0 || bs1 === 0xffffffff || as1 === 0 || as1 === 0xffffffff) return i;
    if ((bid[k + 3]! | ask[k + 3]!) !== 0) return i;
    const b = bid[k + 2]! * 4294967296 + bid[k + 1]!;
    const a = ask[k + 2]! * 4294967296 + ask[k + 1]!;
    if (!(b >= lo && a > b && a <= hi)) return i;
    const t = ts[i]!;
    if (!(t >= prev)) return i;
    prev = t;
  }
  return -1;
}

function band8(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, from: number, count: number, lo: number, hi: number): number {
  let prev = 0;
  for (let j = 0; j < count; j++) {
    const i = from + j;
    const k = i << 1;
    const bst = bidSize[k + 1]!;
    const ast = askSize[k + 1]!;
    if (bst === 0xffffffff || ast === 0xffffffff || (bst | bidSize[k]!) === 0 || (ast | askSize[k]!) === 0) return i;
    const b = bid[k + 1]! * 4294967296 + bid[k]!;
    const a = ask[k + 1]! * 4294967296 + ask[k]!;
    if (!(b >= lo && a > b && a <= hi)) return i;
    const t = ts[i]!;
    if (!(t >= prev)) return i;
    prev = t;
  }
  return -1;
}

function clean16(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, from: number, count: number, spreadLimit: number): number {
  let prev = 0;
  for (let j = 0; j < count; j++) {
    const i = from + j;
    const k = i << 2;
    const bs1 = bidSize[k + 1]!;
    const as1 = askSize[k + 1]!;
    if (bs1 === 0 || bs1 === 0xffffffff || as1 === 0 || as1 === 0xffffffff) return i;
    const bt = bid[k + 3]! | 0;
    const at = ask[k + 3]! | 0;
    if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return i;
    // approxRaw's floats (all 128 bits), so the spread test below is the engine's own.
    const b = ((bt * 4294967296 + bid[k + 2]!) * 4294967296 + bid[k + 1]!) * 4294967296 + bid[k]!;
    const a = ((at * 4294967296 + ask[k + 2]!) * 4294967296 + ask[k + 1]!) * 4294967296 + ask[k]!;
    const d = a - b;
    // The spread tested a hair inside its limit: passing means the engine's `spread > ratio * |mid|` is false.
    if (!(d > 3.552713678800501e-15 /* 2^-48 */ * (Math.abs(a) + Math.abs(b))) || d > spreadLimit * Math.abs((a + b) / 2)) return i;
    const t = ts[i]!;
    if (!(t >= prev)) return i;
    prev = t;
  }
  return -1;
}

function clean8(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, from: number, count: number, spreadLimit: number): number {
  let prev = 0;
  for (let j = 0; j < count; j++) {
    const i = from + j;
    const k = i << 1;
    const bst = bidSize[k + 1]!;
    const ast = askSize[k + 1]!;
    if (bst === 0xffffffff || ast === 0xffffffff || (bst | bidSize[k]!) === 0 || (ast | askSize[k]!) === 0) return i;
    const bt = bid[k + 1]! | 0;
    const at = ask[k + 1]! | 0;
    if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return i;
    // approxRaw's floats for 8-byte raws.
    const b = bt * 4294967296 + bid[k]!;
    const a = at * 4294967296 + ask[k]!;
    const d = a - b;
    if (!(d > 3.552713678800501e-15 /* 2^-48 */ * (Math.abs(a) + Math.abs(b))) || d > spreadLimit * Math.abs((a + b) / 2)) return i;
    const t = ts[i]!;
    if (!(t >= prev)) return i;
    prev = t;
  }
  return -1;
}

/**
 * Row `i` of 16-byte raws, every rule on integer words; conservative like the loops (a top
 * word that could belong to a sentinel is doubtful), so false leaves the frame to the engine.
 */
function row16(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, i: number, limit: number, last: number): boolean {
  const k = 4 * i;
  const bst = bidSize[k + 3]!;
  const ast = askSize[k + 3]!;
  if (bst === 0xffffffff || ast === 0xffffffff) return false;
  if ((bst | bidSize[k + 2]! | bidSize[k + 1]! | bidSize[k]!) === 0 || (ast | askSize[k + 2]! | askSize[k + 1]! | askSize[k]!) === 0) return false;
  const bt = bid[k + 3]! | 0;
  const at = ask[k + 3]! | 0;
  if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return false;
  const b2 = bid[k + 2]!;
  const a2 = ask[k + 2]!;
  const b1 = bid[k + 1]!;
  const a1 = ask[k + 1]!;
  const b0 = bid[k]!;
  const a0 = ask[k]!;
  // bid < ask exactly, on integer words from the top (floats of 128 bits may collapse).
  if (!(bt < at || (bt === at && (b2 < a2 || (b2 === a2 && (b1 < a1 || (b1 === a1 && b0 < a0))))))) return false;
  const b = ((bt * 4294967296 + b2) * 4294967296 + b1) * 4294967296 + b0;
  const a = ((at * 4294967296 + a2) * 4294967296 + a1) * 4294967296 + a0;
  if (a - b > limit * Math.abs((a + b) / 2)) return false;
  return ts[i]! >= last;
}

/** Row `i` of 8-byte raws, the same way as row16. */
function row8(bid: Uint32Array, ask: Uint32Array, bidSize: Uint32Array, askSize: Uint32Array, ts: Float64Array, i: number, limit: number, last: number): boolean {
  const k = 2 * i;
  const bst = bidSize[k + 1]!;
  const ast = askSize[k + 1]!;
  if (bst === 0xffffffff || ast === 0xffffffff || (bst | bidSize[k]!) === 0 || (ast | askSize[k]!) === 0) return false;
  const bt = bid[k + 1]! | 0;
  const at = ask[k + 1]! | 0;
  if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return false;
  const b0 = bid[k]!;
  const a0 = ask[k]!;
  if (!(bt < at || (bt === at && b0 < a0))) return false;
  const b = bt * 4294967296 + b0;
  const a = at * 4294967296 + a0;
  if (a - b > limit * Math.abs((a + b) / 2)) return false;
  return ts[i]! >= last;
}
