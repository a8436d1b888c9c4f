/**
 * Period and age flags of `seamless maintain`: `<n><unit>` with unit s, m, h, d or w, as
 * nanoseconds. Weeks are 7 days; periods are cut at multiples of their length since the Unix
 * epoch (as Nautilus' consolidate_data_by_period does), so `1w` periods start on Thursdays.
 */
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_SECOND } from '../../model/time.js';

const UNITS: Record<string, bigint> = { s: NS_PER_SECOND, m: NS_PER_MINUTE, h: NS_PER_HOUR, d: NS_PER_DAY, w: 7n * NS_PER_DAY };

/**
 * Returns the nanoseconds of a duration like `1d`, `6h`, `30m`, `10s` or `2w`.
 *
 * Throws RangeError naming `what` when the text has another form or is zero.
 */
export function parseDuration(text: string, what: string): bigint {
  const match = /^(\d{1,9})([smhdw])$/.exec(text);
  if (!match || BigInt(match[1]!) === 0n) throw new RangeError(`${what} must be a positive duration like 1d, 6h, 30m, 10s or 1w, was "${text}"`);
  return BigInt(match[1]!) * UNITS[match[2]!]!;
}

/** Returns a period length as its shortest `<n><unit>` text (e.g. 86400000000000n → `1d`). */
export function formatDuration(ns: bigint): string {
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNITS[unit]!;
    if (ns % size === 0n) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}
