/**
 * How numbers reach QuestDB's SQL: as digits in the statement text, rendered by our code.
 *
 * Text goes as bind parameters (`$1`), always. Numbers cannot: node-postgres sends every
 * parameter untyped, and QuestDB 9.3 then reads `'1704153600123456789'` bound to a LONG (or
 * cast with `$1::long`) through a double, returning ...768 instead of ...789. A literal
 * `1704153600123456789` compared with a TIMESTAMP_NS column is exact nanoseconds and keeps
 * the interval scan. Only a `bigint` or a safe integer becomes a literal, so no caller text
 * ever lands in SQL.
 */

/** The largest TIMESTAMP_NS QuestDB stores (a signed 64-bit count of ns). */
export const TIMESTAMP_NS_MAX = 2n ** 63n - 1n;

/** An integer as SQL literal digits. Throws RangeError for anything but an integer. */
export function sqlInteger(value: bigint | number): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`not a safe integer, was ${value}`);
  return BigInt(value).toString();
}

/** A nanosecond bound clamped into what a TIMESTAMP_NS comparison accepts. */
export function sqlNs(ns: bigint): string {
  return sqlInteger(ns < 0n ? 0n : ns > TIMESTAMP_NS_MAX ? TIMESTAMP_NS_MAX : ns);
}
