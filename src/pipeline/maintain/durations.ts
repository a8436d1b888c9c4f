/**
 * Period and age flags of `seamless maintain`: `<n><unit>` with unit s, m, h, d or w, as
 * nanoseconds. Weeks are 7 days; periods are cut at multiples of their length since the Unix
 * epoch (as Nautilus' consolidate_data_by_period does), so `1w` periods start on Thursdays.
 */
import { DURATION_UNITS, type DurationGrammar } from '../../model/time.js';

/** Durations like `1d`, `6h`, `30m`, `10s` or `2w`; zero is refused. */
export const MAINTAIN_DURATION: DurationGrammar = { units: ['s', 'm', 'h', 'd', 'w'], positive: true, maxDigits: 9 };

/** Returns a period length as its shortest `<n><unit>` text (e.g. 86400000000000n → `1d`). */
export function formatDuration(ns: bigint): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit];
    if (ns % size === 0n) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}
