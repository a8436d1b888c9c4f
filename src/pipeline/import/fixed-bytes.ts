/**
 * Decimal digits straight into the little-endian fixed-point bytes of a FixedColumn, with
 * Number arithmetic only (no BigInt, no string, no float rounding), plus u64 nanoseconds into
 * the 32-bit words of a BigUint64Array.
 *
 * A value with `d` decimals and digits `M` (an integer below 2^53) has the raw
 * `M × 10^(F − d)` (F = 16 at width 16, 9 at width 8). Both factors are split into base-2^24
 * limbs, so every partial product is below 2^48 and every sum below 2^53 — exact in a double;
 * the limbs are then packed into the column's little-endian 32-bit words. Values with more than 15 digits
 * or above 10^12 take the exact BigInt path of src/model/fixed-point.ts instead (its range
 * checks included).
 */
import { type FixedWidth, fixedPrecisionOf, parseRaw } from '../../model/fixed-point.js';

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
 * The most integer digits a value may have for `writeScaledDigits`: its raw then stays far
 * inside the width's range (below 10^18 at width 8, 10^28 at 16), so no range check is due.
 */
export function fastIntegerDigits(width: FixedWidth): 9 | 12 {
  return width === 8 ? 9 : 12;
}

const INV_LIMB = 1 / LIMB; // a power of two: x * INV_LIMB is exact, so floor() splits exactly

/**
 * Writes `digits × 10^shift` (digits < 2^53, 0 <= shift <= 16) as an unsigned little-endian
 * integer of `width` bytes at 32-bit word `word` of `words` (the FixedColumn bytes viewed as
 * a Uint32Array; width 16 = four words, 8 = two). The caller guarantees the value fits.
 * Splits use multiply-by-2^-24 and floor (exact) rather than `%` (an fmod call per use).
 */
export function writeScaledDigits(words: Uint32Array, word: number, digits: number, shift: number, width: FixedWidth): void {
  if (digits < LIMB) {
    writeSmallScaledDigits(words, word, digits, shift, width);
    return;
  }
  let q = Math.floor(digits * INV_LIMB);
  const m0 = digits - q * LIMB;
  const m2 = Math.floor(q * INV_LIMB);
  const m1 = q - m2 * LIMB;
  const p0 = P0[shift]!;
  const p1 = P1[shift]!;
  const p2 = P2[shift]!;
  let c = m0 * p0;
  q = Math.floor(c * INV_LIMB);
  const r0 = c - q * LIMB;
  c = q + m0 * p1 + m1 * p0;
  q = Math.floor(c * INV_LIMB);
  const r1 = c - q * LIMB;
  c = q + m0 * p2 + m1 * p1 + m2 * p0;
  q = Math.floor(c * INV_LIMB);
  const r2 = c - q * LIMB;
  // Three 24-bit limbs fill two 32-bit words and 8 bits of the third.
  // Limbs are below 2^24, so int32 bit operations on them are exact.
  words[word] = (r0 | ((r1 & 0xff) << 24)) >>> 0;
  words[word + 1] = ((r1 >>> 8) | ((r2 & 0xffff) << 16)) >>> 0;
  if (width === 8) return;
  c = q + m1 * p2 + m2 * p1;
  q = Math.floor(c * INV_LIMB);
  const r3 = c - q * LIMB;
  const r4 = q + m2 * p2;
  words[word + 2] = ((r2 >>> 16) | (r3 << 8)) >>> 0;
  words[word + 3] = r4;
}

/**
 * `writeScaledDigits` for digits below 2^24 (most prices and sizes once trailing zeros are
 * dropped): one limb of digits times three of the power, so three partial products instead
 * of nine, and the top column stays below 2^31, where integer bit operations split it.
 */
function writeSmallScaledDigits(words: Uint32Array, word: number, digits: number, shift: number, width: FixedWidth): void {
  let c = digits * P0[shift]!; // < 2^48
  let q = Math.floor(c * INV_LIMB);
  const r0 = c - q * LIMB;
  c = q + digits * P1[shift]!; // < 2^49
  q = Math.floor(c * INV_LIMB);
  const r1 = c - q * LIMB;
  const top = q + digits * P2[shift]!; // P2 < 2^6: top < 2^31
  words[word] = (r0 | ((r1 & 0xff) << 24)) >>> 0;
  words[word + 1] = ((r1 >>> 8) | ((top & 0xffff) << 16)) >>> 0;
  if (width === 8) return;
  words[word + 2] = top >>> 16;
  words[word + 3] = 0;
}

/**
 * Writes the raw of decimal `text` exactly, through BigInt (the slow path for long or huge
 * values). Throws FixedPointError (from parseRaw) when it does not fit the width.
 */
export function writeDecimalTextExact(bytes: Uint8Array, offset: number, text: string, width: FixedWidth, signed: boolean): void {
  let raw = parseRaw(text, fixedPrecisionOf(width), width, signed);
  for (let i = 0; i < width; i++) {
    bytes[offset + i] = Number(raw & 0xffn);
    raw >>= 8n;
  }
}

const TWO32 = 4_294_967_296;
const INV_TWO32 = 1 / TWO32;
const INV_TWO16 = 1 / 65536;

/**
 * Writes `value × mult + add` as a u64 into `words[at]` (low) and `words[at + 1]` (high) —
 * the two halves of one BigUint64Array element on a little-endian machine. Requires
 * value < 2^53, mult <= 2^30, add < 2^30 and a result below 2^64. Splits by multiplying with
 * exact inverse powers of two and flooring, never `%` (an fmod call).
 */
export function writeScaledU64(words: Uint32Array, at: number, value: number, mult: number, add: number): void {
  const high32 = Math.floor(value * INV_TWO32);
  const low32 = value - high32 * TWO32;
  const a1 = Math.floor(low32 * INV_TWO16);
  const a0 = low32 - a1 * 65536;
  const t1 = a1 * mult; // < 2^46
  const t1High = Math.floor(t1 * INV_TWO16);
  const w0 = a0 * mult + add + (t1 - t1High * 65536) * 65536; // < 2^48
  const carry = Math.floor(w0 * INV_TWO32);
  words[at] = w0 - carry * TWO32;
  words[at + 1] = high32 * mult + carry + t1High;
}
