/**
 * Rules every data type has in the same shape: sentinel raws and time order.
 */
import { tsInitOf } from '../../model/frames.js';
import type { ConformanceRule, RuleContext } from './engine.js';

/** Flags kept rows whose price or size raw is an UNDEF/ERROR sentinel. */
export function nonFiniteRule(id: string, what: string): ConformanceRule {
  return {
    id,
    defaultAction: 'warn',
    description: `a ${what} price or size is an UNDEF/ERROR sentinel raw (not a finite value)`,
    droppable: true,
    check(ctx: RuleContext, flags: Uint8Array): number {
      const { keep, nonFinite } = ctx;
      let count = 0;
      for (let i = 0; i < keep.length; i++) {
        if (keep[i] === 1 && nonFinite[i] === 1) {
          flags[i] = 1;
          count++;
        }
      }
      return count;
    },
  };
}

/**
 * Flags kept rows whose `ts_init` is below an earlier unflagged row's. Flagged rows never
 * become the reference, so the unflagged rows are non-decreasing: exactly what `drop`
 * keeps. Equal times are not flagged here; for bars they are `bar_duplicate`'s concern.
 */
export function orderRule(id: string, description: string): ConformanceRule {
  return {
    id,
    defaultAction: 'warn',
    description,
    droppable: true,
    check(ctx: RuleContext, flags: Uint8Array): number {
      const { keep } = ctx;
      const ts = tsInitOf(ctx.frame);
      // Compare the u64 times as (high, low) 32-bit words: reading a BigUint64Array
      // element allocates a BigInt, which made this the slowest rule.
      const words = new Uint32Array(ts.buffer, ts.byteOffset, ts.length * 2);
      let count = 0;
      let maxHi = 0;
      let maxLo = 0;
      for (let i = 0; i < ts.length; i++) {
        if (keep[i] === 0) continue;
        const lo = words[2 * i]!;
        const hi = words[2 * i + 1]!;
        if (hi < maxHi || (hi === maxHi && lo < maxLo)) {
          flags[i] = 1;
          count++;
        } else {
          maxHi = hi;
          maxLo = lo;
        }
      }
      return count;
    },
  };
}
