/**
 * Catalog file names (spec §1.4): `<T1>_<T2>.parquet`, where each T is the UTC RFC 3339
 * timestamp with exactly 9 fractional digits and `:`/`.` replaced by `-`, as
 * `_timestamps_to_filename` (Python) and `timestamps_to_filename` (Rust) write them.
 *
 * | ns                  | RFC 3339                         | in a file name                  |
 * |---------------------|----------------------------------|---------------------------------|
 * | 1                   | `1970-01-01T00:00:00.000000001Z` | `1970-01-01T00-00-00-000000001Z` |
 * | 1577898000000000065 | `2020-01-01T17:00:00.000000065Z` | `2020-01-01T17-00-00-000000065Z` |
 *
 * Nanoseconds are bigints. Formatting takes the whole seconds' date from `Date`, which is
 * exact over the whole range [0, 2^63) ns (years 1970..2262); parsing counts days by calendar
 * arithmetic, exact for every 4-digit year.
 */
import { CatalogError } from './errors.js';
import type { Interval } from './intervals.js';

const NS_PER_SECOND = 1_000_000_000n;
const NS_MAX = (1n << 63n) - 1n;
const EXTENSION = '.parquet';

/** `YYYY-MM-DDTHH?MM?SS?NNNNNNNNNZ`: 30 characters, the separators marked ? differ by format. */
const TIMESTAMP_LENGTH = 30;
const COLON = 0x3a;
const DOT = 0x2e;
const DASH = 0x2d;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function checkRange(ns: bigint): void {
  if (ns < 0n || ns > NS_MAX) throw new RangeError(`timestamp must be in [0, 2^63) ns, was ${ns}`);
}

/**
 * Returns `ns` as UTC RFC 3339 with exactly 9 fractional digits, as chrono's
 * `to_rfc3339_opts(SecondsFormat::Nanos, true)` does: `1970-01-01T00:00:00.000000001Z`.
 *
 * Throws RangeError when `ns` is outside [0, 2^63).
 */
export function nsToRfc3339(ns: bigint): string {
  checkRange(ns);
  const seconds = ns / NS_PER_SECOND;
  const fraction = ns % NS_PER_SECOND;
  // toISOString gives `YYYY-MM-DDTHH:MM:SS.mmmZ`; keep the whole seconds only.
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${fraction.toString().padStart(9, '0')}Z`;
}

/**
 * Returns the nanoseconds of a UTC RFC 3339 timestamp with exactly 9 fractional digits,
 * or null when the text is not exactly that form, names no real date or time, or lies
 * outside [0, 2^63) ns.
 */
export function rfc3339ToNs(text: string): bigint | null {
  return timestampToNs(text, COLON, DOT);
}

/**
 * The nanoseconds of a fixed-width timestamp (RFC 3339's, or a file name's with `-` for its
 * `:` and `.`), or null when it is malformed, not a real date or time, or outside [0, 2^63).
 * Read by character positions and calendar arithmetic: a catalog listing parses two per file,
 * and the regular expression, Date object and BigInt steps this replaces cost ~3 µs each.
 */
function timestampToNs(text: string, timeSeparator: number, fractionSeparator: number): bigint | null {
  if (text.length !== TIMESTAMP_LENGTH) return null;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== 0x54 /* T */) return null;
  if (text.charCodeAt(13) !== timeSeparator || text.charCodeAt(16) !== timeSeparator) return null;
  if (text.charCodeAt(19) !== fractionSeparator || text.charCodeAt(29) !== 0x5a /* Z */) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const fraction = digits(text, 20, 9);
  // digits() is -1 for a non-digit, so each lower bound also rejects those.
  if (year < 0 || fraction < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  // Whole seconds stay below 2^53 for every 4-digit year, so this sum is exact.
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  if (seconds < 0) return null;
  const ns = BigInt(seconds) * NS_PER_SECOND + BigInt(fraction);
  return ns > NS_MAX ? null : ns;
}

/** The `count` decimal digits of `text` from `at` as a number, or -1 if any is not a digit 0-9. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // from March 1st
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Returns the file-name form of a timestamp: RFC 3339 with `:` and `.` replaced by `-`. */
export function nsToFileTimestamp(ns: bigint): string {
  return nsToRfc3339(ns).replace(/[:.]/g, '-');
}

/**
 * Returns the catalog file name of the closed interval [first, last]:
 * `1970-01-01T00-00-00-000000001Z_1970-01-01T00-00-00-000000002Z.parquet` for (1n, 2n).
 *
 * Throws RangeError when a timestamp is outside [0, 2^63) or first > last.
 */
export function formatFileName(first: bigint, last: bigint): string {
  if (first > last) throw new RangeError(`file interval must have first <= last, was first=${first}, last=${last}`);
  return `${nsToFileTimestamp(first)}_${nsToFileTimestamp(last)}${EXTENSION}`;
}

/**
 * Returns the closed interval a catalog file name records, or null for a legacy name with no
 * `_` (such as `part-0.parquet`), which has no interval. The name is split at its first `_`,
 * as NautilusTrader does.
 *
 * Throws CatalogError `CATALOG_BAD_FILE_NAME` when the name does not end in `.parquet`, or
 * contains `_` but is not exactly `<T1>_<T2>.parquet` with real timestamps and T1 <= T2.
 */
export function parseFileName(name: string): Interval | null {
  if (!name.endsWith(EXTENSION)) throw badName(name, 'does not end in .parquet');
  const stem = name.slice(0, -EXTENSION.length);
  const cut = stem.indexOf('_');
  if (cut < 0) return null;
  const first = timestampToNs(stem.slice(0, cut), DASH, DASH);
  const last = timestampToNs(stem.slice(cut + 1), DASH, DASH);
  if (first === null || last === null) {
    throw badName(name, 'is not <T1>_<T2>.parquet with T like 2021-11-27T00-09-00-000000000Z');
  }
  if (first > last) throw badName(name, `starts after it ends (${first} > ${last})`);
  return { first, last };
}

function badName(name: string, reason: string): CatalogError {
  return new CatalogError(
    'CATALOG_BAD_FILE_NAME',
    `catalog file name ${reason}, was ${JSON.stringify(name)}; rename it to <T1>_<T2>.parquet or move it out of the catalog`,
  );
}
