/**
 * Scaled integers ↔ Binance's decimal text. The simulator keeps every price and size as an
 * integer count of 10^-scale units, so sums are exact and the text it sends is the same on
 * every call (Binance pads with zeros: spot to 8 decimals, futures to the symbol's precision).
 */

/** A decimal as `units × 10^-scale`, e.g. "0.10" → { units: 1, scale: 1 }. */
export interface ScaledDecimal {
  readonly units: number;
  readonly scale: number;
}

/**
 * Returns the scaled form of a plain decimal such as "0.01" or "0.10" (trailing zeros dropped).
 *
 * Throws when `text` is not a plain non-negative decimal.
 */
export function parseScaled(text: string): ScaledDecimal {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal, was ${JSON.stringify(text)}`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { units: Number(`${match[1]}${fraction}`), scale: fraction.length };
}

/**
 * Returns `units × 10^-scale` written with exactly `decimals` digits after the point.
 *
 * Throws when `decimals` is smaller than `scale` (the text would have to round).
 */
export function formatScaled(units: number | bigint, scale: number, decimals: number): string {
  if (decimals < scale) throw new Error(`cannot write ${scale} decimals in ${decimals}`);
  const negative = units < 0;
  const digits = (negative ? -BigInt(units) : BigInt(units)).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = (digits.slice(digits.length - scale) + '0'.repeat(decimals - scale));
  const text = decimals === 0 ? whole : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

/** Returns `numerator / denominator` (both scaled by 10^-scale) rounded down to `decimals` digits. */
export function formatRatio(numerator: bigint, denominator: bigint, decimals: number): string {
  if (denominator === 0n) return formatScaled(0, 0, decimals);
  const scaled = (numerator * 10n ** BigInt(decimals)) / denominator;
  return formatScaled(scaled, decimals, decimals);
}
