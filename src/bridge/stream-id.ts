/** Redis stream entry ids (`<ms>-<seq>`): comparison, and the ms part. */

/**
 * Returns <0, 0, >0 like a sort comparator, comparing ms then seq numerically. Both parts are
 * decimal digits without leading zeros, so a shorter one is smaller and equal lengths compare
 * char by char: no number parsing and no substrings on the hot path.
 */
export function compareStreamIds(a: string, b: string): number {
  let da = a.indexOf('-');
  let db = b.indexOf('-');
  if (da < 0) da = a.length;
  if (db < 0) db = b.length;
  const byMs = compareDigits(a, 0, da, b, 0, db);
  if (byMs !== 0) return byMs;
  // A missing seq counts as 0.
  const sa = da < a.length ? da + 1 : -1;
  const sb = db < b.length ? db + 1 : -1;
  if (sa < 0 || sb < 0) return compareDigits(sa < 0 ? '0' : a, sa < 0 ? 0 : sa, sa < 0 ? 1 : a.length, sb < 0 ? '0' : b, sb < 0 ? 0 : sb, sb < 0 ? 1 : b.length);
  return compareDigits(a, sa, a.length, b, sb, b.length);
}

/** Compares the digit runs a[aStart, aEnd) and b[bStart, bEnd) numerically. */
function compareDigits(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): number {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return length - (bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const diff = a.charCodeAt(aStart + i) - b.charCodeAt(bStart + i);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** Milliseconds part of an entry id (`1700000000000-3` → 1700000000000). */
export function streamIdMs(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}
