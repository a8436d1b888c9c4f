/**
 * Nanosecond timestamps (Nautilus `UnixNanos`, a u64) as `bigint`, and their ISO-8601 text.
 *
 * No float ever holds nanoseconds: `Date` only turns whole seconds into a calendar date,
 * and the 9 fractional digits come straight from the bigint. The range is the u64 range,
 * 1970-01-01T00:00:00Z to 2554-07-21T23:34:33.709551615Z.
 */
import { ModelError } from './errors.js';

export const NS_PER_MS = 1_000_000n;
export const NS_PER_SECOND = 1_000_000_000n;
export const NS_PER_MINUTE = 60n * NS_PER_SECOND;
export const NS_PER_HOUR = 60n * NS_PER_MINUTE;
export const NS_PER_DAY = 24n * NS_PER_HOUR;
/** The largest UnixNanos (u64::MAX). */
export const NS_MAX = 2n ** 64n - 1n;

/** Lengths of the duration units in ns; a week is 7 days. */
export const DURATION_UNITS = { ns: 1n, us: 1_000n, ms: NS_PER_MS, s: NS_PER_SECOND, m: NS_PER_MINUTE, h: NS_PER_HOUR, d: NS_PER_DAY, w: 7n * NS_PER_DAY } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** The durations a caller accepts: `<digits><unit>`, or bare digits when it has a bareUnit. */
export interface DurationGrammar {
  readonly units: readonly DurationUnit[];
  /** The unit of bare digits; without it a unit is required. */
  readonly bareUnit?: DurationUnit;
  /** Refuse zero. */
  readonly positive?: boolean;
  readonly maxDigits?: number;
}

const ISO_EXAMPLE = '(example: "2024-01-02T03:04:05.123456789Z", "2024-01-02" or 1704164645123456789)';

function checkNs(ns: bigint, shown: string): bigint {
  if (ns < 0n || ns > NS_MAX) {
    throw new ModelError('time', shown, `time must be between 1970-01-01T00:00:00Z and 2554-07-21T23:34:33.709551615Z (u64 nanoseconds), was ${shown}`);
  }
  return ns;
}

/**
 * Returns `ns` as RFC 3339 UTC with exactly 9 fractional digits,
 * e.g. 1577919652000000125n → `"2020-01-01T23:00:52.000000125Z"`.
 *
 * Throws ModelError when `ns` is outside the u64 range.
 */
export function nsToIso(ns: bigint): string {
  checkNs(ns, ns.toString());
  const seconds = ns / NS_PER_SECOND;
  const fraction = ns % NS_PER_SECOND;
  // Whole seconds × 1000 stays far below 2^53, so Date is exact here.
  const wholeSeconds = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${wholeSeconds}.${fraction.toString().padStart(9, '0')}Z`;
}

const ISO_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Returns the nanoseconds of `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z`,
 * `±HH:MM` or no zone (read as UTC). The fraction has 1 to 9 digits.
 *
 * Throws ModelError naming the text when it has another form, a field is out of range,
 * or the instant is before 1970 or beyond u64 nanoseconds.
 */
export function isoToNs(text: string): bigint {
  const match = ISO_TEXT.exec(text);
  if (!match) throw new ModelError('time', text, `time must be ISO-8601 ${ISO_EXAMPLE}, was "${text}"`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, offH = '0', offM = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const fields: Array<[string, number, number, number]> = [
    ['month', month, 1, 12],
    ['day', day, 1, month >= 1 && month <= 12 ? daysInMonth(year, month) : 31],
    ['hour', Number(h), 0, 23],
    ['minute', Number(mi), 0, 59],
    ['second', Number(s), 0, 59],
    ['zone hour', Number(offH), 0, 23],
    ['zone minute', Number(offM), 0, 59],
  ];
  for (const [name, value, min, max] of fields) {
    if (value < min || value > max) {
      throw new ModelError('time', text, `time ${name} must be in ${min}..${max}, was ${value} in "${text}" ${ISO_EXAMPLE}`);
    }
  }
  // Date.UTC on integers is exact; years >= 1970 avoid its 0..99 → 1900s quirk, and
  // earlier years are rejected below anyway because UnixNanos is unsigned.
  const ms = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s));
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const ns = BigInt(ms) * NS_PER_MS + BigInt(fraction.padEnd(9, '0') || '0') - BigInt(offsetMinutes) * NS_PER_MINUTE;
  return checkNs(ns, `"${text}"`);
}

/**
 * Returns the nanoseconds of a CLI or row argument: all digits are nanoseconds since the
 * epoch, anything else is ISO-8601 (see `isoToNs`).
 *
 * Throws ModelError when the text is neither or is out of range.
 */
export function parseTimeArg(text: string): bigint {
  if (/^\d+$/.test(text)) return checkNs(BigInt(text), text);
  return isoToNs(text);
}

/**
 * Returns the nanoseconds of a duration like `500ms`, `6h` or `1w` as `grammar` allows it,
 * or undefined for any other text: each caller words its own error (it names a flag or a
 * request field).
 */
export function parseDuration(text: string, grammar: DurationGrammar): bigint | undefined {
  const match = /^(\d+)([a-z]*)$/.exec(text);
  if (!match) return undefined;
  const digits = match[1]!;
  const unit = match[2] === '' ? grammar.bareUnit : grammar.units.find((u) => u === match[2]);
  if (unit === undefined || (grammar.maxDigits !== undefined && digits.length > grammar.maxDigits)) return undefined;
  const count = BigInt(digits);
  if (grammar.positive && count === 0n) return undefined;
  return count * DURATION_UNITS[unit];
}

function integerToNs(kind: string, value: number | bigint, scale: bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new ModelError('time', String(value), `${kind} must be a whole number below 2^53 (pass a bigint for larger values), was ${value}`);
  }
  return checkNs(BigInt(value) * scale, String(value));
}

/** Returns milliseconds since the epoch as nanoseconds. Throws ModelError for fractions or negatives. */
export function msToNs(ms: number | bigint): bigint {
  return integerToNs('milliseconds', ms, NS_PER_MS);
}

/** Returns seconds since the epoch as nanoseconds. Throws ModelError for fractions or negatives. */
export function secondsToNs(seconds: number | bigint): bigint {
  return integerToNs('seconds', seconds, NS_PER_SECOND);
}

/** Returns a Date as nanoseconds. Throws ModelError for an invalid or pre-1970 Date. */
export function dateToNs(date: Date): bigint {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new ModelError('time', 'Invalid Date', 'time must be a valid Date, was Invalid Date');
  return msToNs(ms);
}

/** Returns nanoseconds as whole milliseconds (rounded down), for `Date` and display. */
export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}
