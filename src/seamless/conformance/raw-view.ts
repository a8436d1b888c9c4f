/**
 * Exact comparisons of fixed-point raws, read as 32-bit words: no BigInt per row, and
 * none of the rounding the float view has beyond 2^53 (where two distinct prices can
 * become one float and a `high < close` would go unseen).
 *
 * Words are read in platform order, which is little-endian on every Node target; the
 * model's `fixedToFloat64` (model/fixed-to-float.ts) makes the same assumption.
 */
import type { FixedWidth } from '../../model/fixed-point.js';
import { type FixedColumn, allocFixedColumn, setFixedRaw } from '../../model/frames.js';

export interface RawView {
  /** Prices are signed two's complement; quantities unsigned. */
  readonly signed: boolean;
  /** 32-bit words per raw: 2 for width 8, 4 for width 16. */
  readonly stride: number;
  readonly words: Uint32Array;
}

/** Returns a word view of the column (a copy only when its bytes are not 4-byte aligned). */
export function rawView(column: FixedColumn): RawView {
  const bytes = column.bytes.byteOffset % 4 === 0 ? column.bytes : column.bytes.slice();
  return {
    signed: column.kind === 'price',
    stride: column.width >>> 2,
    words: new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2),
  };
}

/** Returns a one-row view holding `raw`, to compare rows against a constant. */
export function constantView(kind: 'price' | 'quantity', width: FixedWidth, raw: bigint): RawView {
  const column = allocFixedColumn(kind, width, 1);
  setFixedRaw(column, 0, raw);
  return rawView(column);
}

/** Compares raw `i` of `a` with raw `j` of `b` (same width and kind): -1, 0 or 1. */
export function compareRaw(a: RawView, i: number, b: RawView, j: number): number {
  const stride = a.stride;
  let x = i * stride + stride - 1;
  let y = j * stride + stride - 1;
  const p = a.words[x]!;
  const q = b.words[y]!;
  // Only the top word carries the sign; lower words compare unsigned.
  if (p !== q) return a.signed ? ((p | 0) < (q | 0) ? -1 : 1) : p < q ? -1 : 1;
  for (let k = 1; k < stride; k++) {
    const u = a.words[--x]!;
    const v = b.words[--y]!;
    if (u !== v) return u < v ? -1 : 1;
  }
  return 0;
}

/** Returns the sign of raw `i`: -1, 0 or 1. */
export function signAt(view: RawView, i: number): number {
  const base = i * view.stride;
  const top = view.words[base + view.stride - 1]!;
  if (view.signed && (top | 0) < 0) return -1;
  for (let k = 0; k < view.stride; k++) if (view.words[base + k] !== 0) return 1;
  return 0;
}

/** True when raw `i` is PRICE_UNDEF / PRICE_ERROR (prices) or QUANTITY_UNDEF (quantities). */
export function isSentinelAt(view: RawView, i: number): boolean {
  const base = i * view.stride;
  const last = view.stride - 1;
  const top = view.words[base + last]!;
  // UNDEF is 0x7FFF…F (signed) or 0xFFFF…F (unsigned); ERROR is 0x8000…0.
  let fill: number;
  if (view.signed) {
    if (top === 0x7fffffff) fill = 0xffffffff;
    else if (top === 0x80000000) fill = 0;
    else return false;
  } else {
    if (top !== 0xffffffff) return false;
    fill = 0xffffffff;
  }
  for (let k = 0; k < last; k++) if (view.words[base + k] !== fill) return false;
  return true;
}

/** Raw `i` as a float (unscaled, ~53 significant bits): for ratios, where exactness is not needed. */
export function approxRaw(view: RawView, i: number): number {
  const w = view.words;
  const base = i * view.stride;
  if (view.stride === 2) return (view.signed ? w[base + 1]! | 0 : w[base + 1]!) * 4294967296 + w[base]!;
  const top = view.signed ? w[base + 3]! | 0 : w[base + 3]!;
  return ((top * 4294967296 + w[base + 2]!) * 4294967296 + w[base + 1]!) * 4294967296 + w[base]!;
}
