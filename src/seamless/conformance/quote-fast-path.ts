/**
 * One fused pass that proves a run of quote frames clean under every quote rule, so the
 * common case (clean data straight from storage) costs one loop and no copy. It answers
 * only "certainly clean"; anything doubtful (a possible sentinel, a crossed, locked or
 * wide quote, a zero size, time going backwards) returns false and the caller runs the
 * rule engine, which decides exactly.
 */
import type { Frame } from '../../model/frames.js';
import { rawView } from './raw-view.js';

const TWO_32 = 4294967296;

export function quotesCertainlyClean(frames: readonly Frame<'quote_tick'>[], maxSpreadRatio: number): boolean {
  let lastHi = 0;
  let lastLo = 0;
  for (const frame of frames) {
    const c = frame.columns;
    const bid = rawView(c.bid_price).words;
    const ask = rawView(c.ask_price).words;
    const bidSize = rawView(c.bid_size).words;
    const askSize = rawView(c.ask_size).words;
    const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.length * 2);
    const stride = frame.width >>> 2;
    const top = stride - 1;
    for (let i = 0, base = 0; i < frame.length; i++, base += stride) {
      // Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, sizes' 0xFFFFFFFF.
      const bt = bid[base + top]!;
      const at = ask[base + top]!;
      if (bt === 0x7fffffff || bt === 0x80000000 || at === 0x7fffffff || at === 0x80000000) return false;
      if (bidSize[base + top] === 0xffffffff || askSize[base + top] === 0xffffffff) return false;
      // Sizes > 0 (unsigned): some word is non-zero.
      let bs = 0;
      let as = 0;
      for (let k = 0; k < stride; k++) {
        bs |= bidSize[base + k]!;
        as |= askSize[base + k]!;
      }
      if (bs === 0 || as === 0) return false;
      // Rounding to a float is monotonic, so b < a as floats proves bid < ask exactly.
      let b = bt | 0;
      let a = at | 0;
      for (let k = top - 1; k >= 0; k--) {
        b = b * TWO_32 + bid[base + k]!;
        a = a * TWO_32 + ask[base + k]!;
      }
      if (!(b < a)) return false;
      if (a - b > maxSpreadRatio * Math.abs((a + b) / 2)) return false;
      const lo = ts[2 * i]!;
      const hi = ts[2 * i + 1]!;
      if (hi < lastHi || (hi === lastHi && lo < lastLo)) return false;
      lastHi = hi;
      lastLo = lo;
    }
  }
  return true;
}
