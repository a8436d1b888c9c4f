/**
 * One fused pass that proves quote frames clean under every quote rule, so the common case
 * (clean data straight from storage) costs one loop and no copy. It answers only
 * "certainly clean"; anything doubtful (a possible sentinel, a crossed, locked or wide
 * quote, a zero size, time going backwards) returns false and the caller runs the rule
 * engine, which decides exactly.
 *
 * The loop is bound by typed-array loads (about 1 ns each here), so it reads as few words
 * as the verdict needs: a size's top word and usually one more, a price's four words once.
 */
import type { Frame } from '../../model/frames.js';

/** The last `ts_init` proven in order, as 32-bit words, carried from frame to frame. */
export interface OrderState {
  hi: number;
  lo: number;
}

/** A fresh order state: every u64 time is at or above zero. */
export function orderStart(): OrderState {
  return { hi: 0, lo: 0 };
}

/** The spread limit the loops test against: a hair inside the rule's, never above it. */
export function spreadLimitOf(maxSpreadRatio: number): number {
  return maxSpreadRatio * (1 - 1e-9);
}

/** True when every row of `frame` is certainly clean; advances `order` past it when so. */
export function quoteFrameCertainlyClean(frame: Frame<'quote_tick'>, spreadLimit: number, order: OrderState): boolean {
  const c = frame.columns;
  const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.length * 2);
  const words = (bytes: Uint8Array) => {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
  };
  const bid = words(c.bid_price.bytes);
  const ask = words(c.ask_price.bytes);
  const bidSize = words(c.bid_size.bytes);
  const askSize = words(c.ask_size.bytes);
  const n = frame.length;
  if (n === 0) return true;
  const clean = frame.width === 16
    ? clean16(bid, ask, bidSize, askSize, ts, n, spreadLimit, order.hi, order.lo)
    : clean8(bid, ask, bidSize, askSize, ts, n, spreadLimit, order.hi, order.lo);
  if (clean) {
    order.hi = ts[2 * n - 1]!;
    order.lo = ts[2 * n - 2]!;
  }
  return clean;
}

/** The fused check over a run of frames in `ts_init` order. */
export function quotesCertainlyClean(frames: readonly Frame<'quote_tick'>[], maxSpreadRatio: number): boolean {
  const limit = spreadLimitOf(maxSpreadRatio);
  const order = orderStart();
  return frames.every((frame) => quoteFrameCertainlyClean(frame, limit, order));
}

// Words are Int32 views: a top word is signed as it is, lower words are read `>>> 0`.
// Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, sizes' 0xFFFFFFFF (-1).
//
// The loops take and return plain numbers and touch no object: the first call is usually
// compiled on-stack mid-loop, before anything after the loop has run, and a property store
// there (the order state) had no feedback, so that code deopted at the end of every later
// frame (up to ~1,100 deopts per 2 M rows). The order start is taken as `>>> 0` words and
// the limit as `+`, so the loop keeps them untagged (a tagged u32 above 2^31 is a heap
// number allocated per row). 2^32 is written out: a module `const` is re-read with a TDZ
// check per use.

function clean16(bid: Int32Array, ask: Int32Array, bidSize: Int32Array, askSize: Int32Array, ts: Uint32Array, rows: number, spreadLimit: number, startHi: number, startLo: number): boolean {
  const n = rows | 0;
  const limit = +spreadLimit;
  let lastHi = startHi >>> 0;
  let lastLo = startLo >>> 0;
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    // Sizes > 0: word 1 alone decides it for raws from 2^32 to 2^64 (4.3e-7 to 1.8e3 units).
    const bst = bidSize[k + 3]!;
    const ast = askSize[k + 3]!;
    if (bst === -1 || ast === -1) return false;
    if (bidSize[k + 1] === 0 && (bst | bidSize[k + 2]! | bidSize[k]!) === 0) return false;
    if (askSize[k + 1] === 0 && (ast | askSize[k + 2]! | askSize[k]!) === 0) return false;
    const bt = bid[k + 3]!;
    const at = ask[k + 3]!;
    if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return false;
    const b2 = bid[k + 2]! >>> 0;
    const a2 = ask[k + 2]! >>> 0;
    const b1 = bid[k + 1]! >>> 0;
    const a1 = ask[k + 1]! >>> 0;
    const b0 = bid[k]! >>> 0;
    const a0 = ask[k]! >>> 0;
    // bid < ask exactly, on integer words from the top (floats of 128 bits may collapse).
    if (!(bt < at || (bt === at && (b2 < a2 || (b2 === a2 && (b1 < a1 || (b1 === a1 && b0 < a0))))))) return false;
    // The spread in the engine's own floats (approxRaw, all 128 bits), tested a hair inside
    // its limit: passing here means the engine's `spread > ratio * |mid|` is false.
    const b = ((bt * 4294967296 + b2) * 4294967296 + b1) * 4294967296 + b0;
    const a = ((at * 4294967296 + a2) * 4294967296 + a1) * 4294967296 + a0;
    if (a - b > limit * Math.abs((a + b) / 2)) return false;
    const lo = ts[2 * i]!;
    const hi = ts[2 * i + 1]!;
    if (hi < lastHi || (hi === lastHi && lo < lastLo)) return false;
    lastHi = hi;
    lastLo = lo;
  }
  return true;
}

function clean8(bid: Int32Array, ask: Int32Array, bidSize: Int32Array, askSize: Int32Array, ts: Uint32Array, rows: number, spreadLimit: number, startHi: number, startLo: number): boolean {
  const n = rows | 0;
  const limit = +spreadLimit;
  let lastHi = startHi >>> 0;
  let lastLo = startLo >>> 0;
  for (let i = 0, k = 0; i < n; i++, k += 2) {
    const bst = bidSize[k + 1]!;
    const ast = askSize[k + 1]!;
    if (bst === -1 || ast === -1) return false;
    if ((bst | bidSize[k]!) === 0 || (ast | askSize[k]!) === 0) return false;
    const bt = bid[k + 1]!;
    const at = ask[k + 1]!;
    if (bt === 0x7fffffff || bt === -0x80000000 || at === 0x7fffffff || at === -0x80000000) return false;
    const b0 = bid[k]! >>> 0;
    const a0 = ask[k]! >>> 0;
    if (!(bt < at || (bt === at && b0 < a0))) return false;
    // approxRaw's floats for 8-byte raws.
    const b = bt * 4294967296 + b0;
    const a = at * 4294967296 + a0;
    if (a - b > limit * Math.abs((a + b) / 2)) return false;
    const lo = ts[2 * i]!;
    const hi = ts[2 * i + 1]!;
    if (hi < lastHi || (hi === lastHi && lo < lastLo)) return false;
    lastHi = hi;
    lastLo = lo;
  }
  return true;
}
