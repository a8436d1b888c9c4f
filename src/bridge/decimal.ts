/**
 * Exact decimal arithmetic on the strings NautilusTrader puts in its payloads ("1.10002",
 * "100", "-0.5"): a value is `units / 10^scale` with `units` a bigint, so sums, differences,
 * products and halves are exact and never pass through a float.
 *
 * src/model/fixed-point.ts is bound to the catalog's raw widths (scale 1e9 or 1e16, 64/128-bit
 * ranges); the bridge needs any scale (a price times a quantity has the sum of both scales)
 * and no range limit, hence this small separate type.
 *
 * | operation | scale of the result |
 * |-----------|---------------------|
 * | a + b, a - b | max(a.scale, b.scale) |
 * | a * b     | a.scale + b.scale |
 * | half(a)   | a.scale, or a.scale + 1 when units is odd (x.5 needs one more digit) |
 */
import { pow10 } from '../model/fixed-point.js';

export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

export class DecimalError extends Error {
  override name = 'DecimalError';
}

/** Parses plain decimal text (`-12.340`); throws DecimalError naming `what` otherwise. */
export function parseDecimal(text: string, what = 'value'): Decimal {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new DecimalError(`${what} must be a plain decimal like 1.25, was "${text}"`);
  const fraction = match[3] ?? '';
  const magnitude = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

/** True when `text` is plain decimal text parseDecimal accepts. */
export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

/** Formats with exactly `scale` decimals (trailing zeros kept: "1.10000" stays as it was). */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const sign = negative ? '-' : '';
  if (value.scale === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
}

/** Returns `value` expressed with `scale` decimals (scale must not shrink). */
export function rescale(value: Decimal, scale: number): Decimal {
  if (scale < value.scale) throw new RangeError(`cannot rescale from ${value.scale} to fewer decimals (${scale}) exactly`);
  return { units: value.units * pow10(scale - value.scale), scale };
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { units: -b.units, scale: b.scale });
}

export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function negateDecimal(a: Decimal): Decimal {
  return { units: -a.units, scale: a.scale };
}

/** Returns value / 2 exactly (one more decimal when the last digit is odd). */
export function halfDecimal(value: Decimal): Decimal {
  if (value.units % 2n === 0n) return { units: value.units / 2n, scale: value.scale };
  return { units: value.units * 5n, scale: value.scale + 1 };
}

/** Returns -1, 0 or 1. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const diff = subDecimal(a, b).units;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** Drops trailing fractional zeros (for sums whose scale grew); keeps at least `minScale`. */
export function normalizeDecimal(value: Decimal, minScale = 0): Decimal {
  let { units, scale } = value;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return { units, scale };
}

/** The exact mid of two decimal strings: ("1.10000", "1.10003") → "1.100015". */
export function midText(bid: string, ask: string): string {
  return smallMid(bid, ask) ?? formatDecimal(halfDecimal(addDecimal(parseDecimal(bid, 'bid'), parseDecimal(ask, 'ask'))));
}

/**
 * midText for the usual tick prices (up to 14 digits each), in exact integer Number math:
 * every intermediate stays below 2^53, so the result is the same text the bigint path gives,
 * without its allocations. undefined for anything else (the bigint path then decides).
 */
function smallMid(bid: string, ask: string): string | undefined {
  const a = smallDecimal(bid);
  const b = smallDecimal(ask);
  if (a === undefined || b === undefined) return undefined;
  const scale = Math.max(a.scale, b.scale);
  const sum = a.units * 10 ** (scale - a.scale) + b.units * 10 ** (scale - b.scale);
  if (!Number.isSafeInteger(sum * 5)) return undefined;
  const even = sum % 2 === 0;
  const units = even ? sum / 2 : sum * 5;
  const outScale = even ? scale : scale + 1;
  const digits = String(Math.abs(units)).padStart(outScale + 1, '0');
  const sign = units < 0 ? '-' : '';
  if (outScale === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -outScale)}.${digits.slice(-outScale)}`;
}

/** Plain decimal text with at most 14 digits as integer units and scale; undefined otherwise. */
function smallDecimal(text: string): { units: number; scale: number } | undefined {
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const negative = i === 1;
  let units = 0;
  let digits = 0;
  let scale = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      units = units * 10 + (c - 0x30);
      digits++;
      if (scale >= 0) scale++;
    } else if (c === 0x2e && scale < 0 && digits > 0) scale = 0;
    else return undefined;
  }
  // "1." has no fraction digits: not plain decimal text (parseDecimal rejects it too).
  if (digits === 0 || digits > 14 || scale === 0) return undefined;
  return { units: negative ? -units : units, scale: scale < 0 ? 0 : scale };
}

export const ZERO: Decimal = { units: 0n, scale: 0 };
