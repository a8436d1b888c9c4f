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
  const spreadLimit = maxSpreadRatio * (1 - 1e-9);
  let lastHi = 0;
  let lastLo = 0;
  for (const frame of frames) {
    const c = frame.columns;
    const bid = rawView(c.bid_price).words;
    const ask = rawView(c.ask_price).words;
    const bidSize = rawView(c.bid_size).words;
    const askSize = rawView(c.ask_size).words;
    const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.length * 2);
    const wide = frame.width === 16;
    const stride = wide ? 4 : 2;
    const top = stride - 1;
    for (let i = 0, base = 0; i < frame.length; i++, base += stride) {
      // Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, sizes' 0xFFFFFFFF.
      const bt = bid[base + top]!;
      const at = ask[base + top]!;
      if (bt === 0x7fffffff || bt === 0x80000000 || at === 0x7fffffff || at === 0x80000000) return false;
      const bst = bidSize[base + top]!;
      const ast = askSize[base + top]!;
      if (bst === 0xffffffff || ast === 0xffffffff) return false;
      // Sizes > 0 (unsigned): some word is non-zero.
      const bs = wide ? bst | bidSize[base + 2]! | bidSize[base + 1]! | bidSize[base]! : bst | bidSize[base]!;
      const as = wide ? ast | askSize[base + 2]! | askSize[base + 1]! | askSize[base]! : ast | askSize[base]!;
      if (bs === 0 || as === 0) return false;
      // Prices as floats of raw >> 32 (16-byte) or raw (8-byte). Both steps round
      // monotonically, so b < a proves bid < ask exactly; the ratio needs no more bits.
      const b = wide ? ((bt | 0) * TWO_32 + bid[base + 2]!) * TWO_32 + bid[base + 1]! : (bt | 0) * TWO_32 + bid[base]!;
      const a = wide ? ((at | 0) * TWO_32 + ask[base + 2]!) * TWO_32 + ask[base + 1]! : (at | 0) * TWO_32 + ask[base]!;
      if (!(b < a)) return false;
      // A hair inside the limit: a spread within 1e-9 of it goes to the engine's exact test.
      if (a - b > spreadLimit * Math.abs((a + b) / 2)) return false;
      const lo = ts[2 * i]!;
      const hi = ts[2 * i + 1]!;
      if (hi < lastHi || (hi === lastHi && lo < lastLo)) return false;
      lastHi = hi;
      lastLo = lo;
    }
  }
  return true;
}
