/**
 * Decimal digits straight into the little-endian fixed-point bytes of a FixedColumn, with
 * Number arithmetic only (no BigInt, no string, no float rounding), plus u64 nanoseconds into
 * the 32-bit words of a BigUint64Array.
 *
 * A value with `d` decimals and digits `M` (an integer below 2^53) has the raw
 * `M × 10^(F − d)` (F = 16 at width 16, 9 at width 8). Both factors are split into base-2^24
 * limbs, so every partial product is below 2^48 and every sum below 2^53 — exact in a double —
 * and a base-2^24 limb is exactly three little-endian bytes. Values with more than 15 digits
 * or above 10^12 take the exact BigInt path of src/model/fixed-point.ts instead (its range
 * checks included).
 */
import { type FixedWidth, parseRaw } from '../../model/fixed-point.js';

const LIMB = 16_777_216; // 2^24
const P0: number[] = [];
const P1: number[] = [];
const P2: number[] = [];
for (let k = 0; k <= 16; k++) {
  const p = 10n ** BigInt(k);
  P0.push(Number(p & 0xffffffn));
  P1.push(Number((p >> 24n) & 0xffffffn));
  P2.push(Number(p >> 48n));
}

/**
 * Writes `digits × 10^shift` (digits < 2^53, 0 <= shift <= 16) as an unsigned little-endian
 * integer of `width` bytes at `bytes[offset]`. The caller guarantees the value fits.
 */
export function writeScaledDigits(bytes: Uint8Array, offset: number, digits: number, shift: number, width: FixedWidth): void {
  const m0 = digits % LIMB;
  const upper = (digits - m0) / LIMB;
  const m1 = upper % LIMB;
  const m2 = (upper - m1) / LIMB;
  const p0 = P0[shift]!;
  const p1 = P1[shift]!;
  const p2 = P2[shift]!;
  let c = m0 * p0;
  const r0 = c % LIMB;
  c = (c - r0) / LIMB + m0 * p1 + m1 * p0;
  const r1 = c % LIMB;
  c = (c - r1) / LIMB + m0 * p2 + m1 * p1 + m2 * p0;
  const r2 = c % LIMB;
  c = (c - r2) / LIMB + m1 * p2 + m2 * p1;
  const r3 = c % LIMB;
  c = (c - r3) / LIMB + m2 * p2;
  const r4 = c % LIMB;
  bytes[offset] = r0 & 255;
  bytes[offset + 1] = (r0 >>> 8) & 255;
  bytes[offset + 2] = r0 >>> 16;
  bytes[offset + 3] = r1 & 255;
  bytes[offset + 4] = (r1 >>> 8) & 255;
  bytes[offset + 5] = r1 >>> 16;
  bytes[offset + 6] = r2 & 255;
  bytes[offset + 7] = (r2 >>> 8) & 255;
  if (width === 8) return;
  bytes[offset + 8] = r2 >>> 16;
  bytes[offset + 9] = r3 & 255;
  bytes[offset + 10] = (r3 >>> 8) & 255;
  bytes[offset + 11] = r3 >>> 16;
  bytes[offset + 12] = r4 & 255;
  bytes[offset + 13] = (r4 >>> 8) & 255;
  bytes[offset + 14] = r4 >>> 16;
  bytes[offset + 15] = 0;
}

/**
 * Writes the raw of decimal `text` exactly, through BigInt (the slow path for long or huge
 * values). Throws FixedPointError (from parseRaw) when it does not fit the width.
 */
export function writeDecimalTextExact(bytes: Uint8Array, offset: number, text: string, width: FixedWidth, signed: boolean): void {
  const fixed = width === 8 ? 9 : 16;
  let raw = parseRaw(text, fixed, width, signed);
  for (let i = 0; i < width; i++) {
    bytes[offset + i] = Number(raw & 0xffn);
    raw >>= 8n;
  }
}

const TWO32 = 4_294_967_296;

/**
 * Writes `value × mult + add` as a u64 into `words[at]` (low) and `words[at + 1]` (high) —
 * the two halves of one BigUint64Array element on a little-endian machine. Requires
 * value < 2^53, mult <= 2^30, add < 2^30 and a result below 2^64.
 */
export function writeScaledU64(words: Uint32Array, at: number, value: number, mult: number, add: number): void {
  const low32 = value % TWO32;
  const high32 = (value - low32) / TWO32;
  const a0 = low32 % 65536;
  const a1 = (low32 - a0) / 65536;
  const t0 = a0 * mult + add;
  const t1 = a1 * mult;
  const t1Low = t1 % 65536;
  const w0 = t0 + t1Low * 65536;
  const lo = w0 % TWO32;
  words[at] = lo;
  words[at + 1] = high32 * mult + (w0 - lo) / TWO32 + (t1 - t1Low) / 65536;
}
