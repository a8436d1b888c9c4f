/**
 * Escaping for one part of a `:`-separated Redis key, so a part may hold any text.
 *
 * Node ids contain `:` (`ohlcv:binance:BTC/USDT:1m`), and the Python design split its lease
 * keys on `:` and read the wrong fields back. Here `%` becomes `%25` and `:` becomes `%3A`,
 * so an escaped part never contains `:` and splitting on `:` is exact. Nothing else changes,
 * which keeps keys readable in `redis-cli` (`/` stays `/`) and works for any JS string,
 * lone surrogates included (encodeURIComponent would throw on those).
 */

/** Returns `text` with `%` and `:` escaped; the result contains no `:`. */
export function escapeKeyPart(text: string): string {
  return text.replace(/[%:]/g, (char) => (char === '%' ? '%25' : '%3A'));
}

/**
 * Returns the text `escapeKeyPart` was given, or undefined when `part` is not something it
 * can return (a `:`, or a `%` not followed by `25`/`3A`), so every accepted part round-trips.
 */
export function unescapeKeyPart(part: string): string | undefined {
  if (part.includes(':') || /%(?!25|3A)/.test(part)) return undefined;
  return part.replace(/%25|%3A/g, (escape) => (escape === '%25' ? '%' : ':'));
}
