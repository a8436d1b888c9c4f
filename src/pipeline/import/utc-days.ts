/**
 * UTC calendar days as whole numbers (days since 1970-01-01), the unit the importer plans in:
 * one archive per day or month, one catalog file per instrument, type and day.
 */
import { NS_PER_DAY } from '../../model/time.js';
import { ImportError } from './errors.js';

export const MS_PER_DAY = 86_400_000;

/** Returns the day number of `YYYY-MM-DD`; throws ImportError naming `flag` for anything else. */
export function parseDay(text: string, flag: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || dayToIso(ms / MS_PER_DAY) !== text || ms < 0) {
    throw new ImportError('IMPORT_USAGE', `--${flag} must be a UTC date YYYY-MM-DD (e.g. 2025-01-31), was ${JSON.stringify(text)}`);
  }
  return ms / MS_PER_DAY;
}

/** Returns the days of `--start` and `--end` (both included); throws ImportError when either is bad or the end comes first. */
export function parseDayRange(start: string, end: string): { first: number; last: number } {
  const first = parseDay(start, 'start');
  const last = parseDay(end, 'end');
  if (last < first) throw new ImportError('IMPORT_USAGE', `--end ${end} is before --start ${start}`);
  return { first, last };
}

/** Returns `YYYY-MM-DD` of a day number. */
export function dayToIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Returns `YYYY-MM` of a day number. */
export function monthOfDay(day: number): string {
  return dayToIso(day).slice(0, 7);
}

/** Returns the first day and the day after the last day of the month holding `day`. */
export function monthBounds(day: number): { first: number; next: number } {
  const date = new Date(day * MS_PER_DAY);
  const first = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / MS_PER_DAY;
  const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / MS_PER_DAY;
  return { first, next };
}

/** Returns the nanosecond instant a day starts at. */
export function dayStartNs(day: number): bigint {
  return BigInt(day) * NS_PER_DAY;
}
