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
 * All arithmetic is on bigint nanoseconds; `Date` only handles whole seconds, which it
 * represents exactly over the whole range [0, 2^63) ns (years 1970..2262).
 */
import { CatalogError } from './errors.js';
import type { Interval } from './intervals.js';

const NS_PER_SECOND = 1_000_000_000n;
const NS_MAX = (1n << 63n) - 1n;
const EXTENSION = '.parquet';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{9})Z$/;
const FILE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{9})Z$/;

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
  return componentsToNs(RFC3339.exec(text));
}

function componentsToNs(match: RegExpExecArray | null): bigint | null {
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  // Date rolls 2021-02-30 over to March; a changed month or day means the date does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const seconds = BigInt(date.getTime() / 1000) + BigInt(hour * 3600 + minute * 60 + second);
  const ns = seconds * NS_PER_SECOND + BigInt(match[7]!);
  return ns < 0n || ns > NS_MAX ? null : ns;
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
  const first = componentsToNs(FILE_TIMESTAMP.exec(stem.slice(0, cut)));
  const last = componentsToNs(FILE_TIMESTAMP.exec(stem.slice(cut + 1)));
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
