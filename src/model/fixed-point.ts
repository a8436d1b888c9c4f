/**
 * Fixed-point raw values exactly as NautilusTrader stores them.
 *
 * | width (bytes) | FIXED_PRECISION | scalar | price raw | quantity raw |
 * |---------------|-----------------|--------|-----------|--------------|
 * | 8  (standard) | 9               | 1e9    | i64       | u64          |
 * | 16 (high)     | 16              | 1e16   | i128      | u128         |
 *
 * value = raw / 10^FIXED_PRECISION. A raw written at display precision `p` is a
 * multiple of 10^(FIXED_PRECISION - p). Decimal text is parsed straight into the
 * raw integer, never through a float, so a round trip is exact.
 */

export type FixedWidth = 8 | 16;

/** Returns FIXED_PRECISION for a width: 9 for 8 bytes, 16 for 16 bytes. */
export function fixedPrecisionOf(width: FixedWidth): 9 | 16 {
  return width === 8 ? 9 : 16;
}

const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

/** Returns 10^n as a bigint (0 <= n < 40). */
export function pow10(n: number): bigint {
  const value = POW10[n];
  if (value === undefined) throw new RangeError(`pow10 exponent must be in 0..39, was ${n}`);
  return value;
}

/**
 * Raw bounds NautilusTrader 1.221.0 enforces in `Price::from_raw` / `Quantity::from_raw`.
 * 1.221.0 computes them in f64 (`(MAX * SCALAR) as Raw`), hence the odd digits; writing
 * inside these bounds keeps every file readable by 1.221.0 and later releases.
 */
export const PRICE_RAW_MAX: Record<FixedWidth, bigint> = {
  8: 9_223_372_036_000_000_000n,
  16: 170_141_183_460_459_988_838_491_619_328n,
};
export const QUANTITY_RAW_MAX: Record<FixedWidth, bigint> = {
  8: 18_446_744_072_999_999_488n,
  16: 340_282_366_920_929_970_038_656_466_944n,
};

/** `PRICE_UNDEF` = PriceRaw::MAX (precision 0); `PRICE_ERROR` = PriceRaw::MIN. */
export const PRICE_UNDEF: Record<FixedWidth, bigint> = { 8: 2n ** 63n - 1n, 16: 2n ** 127n - 1n };
export const PRICE_ERROR: Record<FixedWidth, bigint> = { 8: -(2n ** 63n), 16: -(2n ** 127n) };
/** `QUANTITY_UNDEF` = QuantityRaw::MAX (precision 0). */
export const QUANTITY_UNDEF: Record<FixedWidth, bigint> = { 8: 2n ** 64n - 1n, 16: 2n ** 128n - 1n };

/** Thrown for decimal text or raw values that cannot be a Nautilus fixed-point value. */
export class FixedPointError extends Error {
  override name = 'FixedPointError';
}

/** True when `raw` is one of the width's sentinels (UNDEF or ERROR). */
export function isSentinel(raw: bigint, width: FixedWidth, signed: boolean): boolean {
  return signed ? raw === PRICE_UNDEF[width] || raw === PRICE_ERROR[width] : raw === QUANTITY_UNDEF[width];
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/;

/**
 * Parses decimal text (`"112.13"`, `"-0.5"`, `"1e-3"` is rejected) into a raw value.
 * Throws FixedPointError when the text is not a plain decimal, has more decimals than
 * `precision`, is negative for a quantity, or is outside the width's range.
 */
export function parseRaw(text: string, precision: number, width: FixedWidth, signed: boolean): bigint {
  const fixed = fixedPrecisionOf(width);
  checkPrecision(precision, width);
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) throw new FixedPointError(`not a decimal number, was "${text}"`);
  const sign = match[1] ?? match[4] ?? '';
  const whole = match[2] ?? '0';
  const fraction = (match[3] ?? match[5] ?? '').replace(/0+$/, '');
  if (fraction.length > precision) {
    throw new FixedPointError(`"${text}" has ${fraction.length} decimals, more than precision ${precision}`);
  }
  const magnitude = BigInt(whole) * pow10(fixed) + BigInt(fraction.padEnd(fixed, '0') || '0');
  const raw = sign === '-' ? -magnitude : magnitude;
  checkRawRange(raw, width, signed, text);
  return raw;
}

/** Formats a raw value with exactly `precision` decimals (Nautilus `f"{value:.{p}f}"`). */
export function formatRaw(raw: bigint, precision: number, width: FixedWidth): string {
  const fixed = fixedPrecisionOf(width);
  const negative = raw < 0n;
  const magnitude = negative ? -raw : raw;
  const scalar = pow10(fixed);
  const whole = magnitude / scalar;
  const fraction = magnitude % scalar;
  const sign = negative ? '-' : '';
  if (precision === 0) return `${sign}${whole}`;
  const digits = fraction.toString().padStart(fixed, '0').slice(0, precision);
  return `${sign}${whole}.${digits}`;
}

/** Returns the raw value as a float (lossy beyond 2^53; for display and computation only). */
export function rawToNumber(raw: bigint, width: FixedWidth): number {
  const scalar = width === 8 ? 1e9 : 1e16;
  return Number(raw) / scalar;
}

/** Converts a raw value between widths (8 -> 16 multiplies by 10^7; 16 -> 8 must be exact). */
export function convertRaw(raw: bigint, from: FixedWidth, to: FixedWidth): bigint {
  if (from === to) return raw;
  if (from === 8) return raw * 10_000_000n;
  if (raw % 10_000_000n !== 0n) throw new FixedPointError(`raw ${raw} has more than 9 decimals and does not fit the 64-bit width`);
  return raw / 10_000_000n;
}

/** Throws unless 0 <= precision <= FIXED_PRECISION of the width. */
export function checkPrecision(precision: number, width: FixedWidth): void {
  const fixed = fixedPrecisionOf(width);
  if (!Number.isInteger(precision) || precision < 0 || precision > fixed) {
    throw new FixedPointError(`precision must be an integer in 0..${fixed} for width ${width}, was ${precision}`);
  }
}

/** Throws unless the raw is inside the Nautilus range for its kind (sentinels excluded). */
export function checkRawRange(raw: bigint, width: FixedWidth, signed: boolean, shown: string = raw.toString()): void {
  if (signed) {
    const max = PRICE_RAW_MAX[width];
    if (raw > max || raw < -max) throw new FixedPointError(`price ${shown} is outside the ${width * 8}-bit range ±${formatRaw(max, 0, width)}`);
  } else {
    if (raw < 0n) throw new FixedPointError(`quantity must not be negative, was ${shown}`);
    if (raw > QUANTITY_RAW_MAX[width]) throw new FixedPointError(`quantity ${shown} is outside the ${width * 8}-bit range 0..${formatRaw(QUANTITY_RAW_MAX[width], 0, width)}`);
  }
}

/** True when the raw is a multiple of 10^(FIXED_PRECISION - precision), as Nautilus requires. */
export function isRawAtPrecision(raw: bigint, precision: number, width: FixedWidth): boolean {
  return raw % pow10(fixedPrecisionOf(width) - precision) === 0n;
}

/** The smallest step at `precision` decimals as decimal text: 2 → `0.01`, 0 → `1` (an instrument's default increment). */
export function unitText(precision: number): string {
  return precision === 0 ? '1' : `0.${'0'.repeat(precision - 1)}1`;
}
