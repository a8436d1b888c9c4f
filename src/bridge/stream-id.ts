/** Redis stream entry ids (`<ms>-<seq>`): comparison, and the ms part. */

/**
 * Returns <0, 0, >0 like a sort comparator, comparing ms then seq numerically. Both parts are
 * decimal digits without leading zeros, so a shorter one is smaller and equal lengths compare
 * as text: no number parsing on the hot path.
 */
export function compareStreamIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const ams = da < 0 ? a : a.slice(0, da);
  const bms = db < 0 ? b : b.slice(0, db);
  const byMs = compareDigits(ams, bms);
  if (byMs !== 0) return byMs;
  return compareDigits(da < 0 ? '0' : a.slice(da + 1), db < 0 ? '0' : b.slice(db + 1));
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Milliseconds part of an entry id (`1700000000000-3` → 1700000000000). */
export function streamIdMs(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}
