/**
 * A sorted copy of a rolling window of prices, for the spike test's exact median and MAD:
 * brought up to date when the test needs it, by one merge of the prices that came and went
 * since (or a fresh sort when too many did).
 */

/** A sorted window of `size` prices. */
export class SortedWindow {
  values: Float64Array;
  private spare: Float64Array;
  private readonly outgoing: Float64Array;
  private readonly incoming: Float64Array;

  constructor(
    readonly size: number,
    /** Most replacements `merge` takes (more: rebuild). */
    readonly maxMerge: number,
  ) {
    this.values = new Float64Array(size);
    this.spare = new Float64Array(size);
    this.outgoing = new Float64Array(maxMerge + 1);
    this.incoming = new Float64Array(maxMerge + 1);
  }

  /** Sorts the `size` prices of `ring` from index `first` on (wrapping around). */
  rebuild(ring: Float64Array, first: number): void {
    const s = this.values;
    for (let k = 0, at = first; k < this.size; k++, at = at + 1 === ring.length ? 0 : at + 1) s[k] = ring[at]!;
    s.sort();
  }

  /**
   * Removes the `count` prices of `ring` from index `out` on (all present) and inserts the
   * `count` from index `into` on (both wrapping around), in one merge pass:
   * O(size + count log count) instead of a shift per price.
   */
  merge(ring: Float64Array, count: number, out: number, into: number): void {
    const o = this.outgoing;
    const n = this.incoming;
    for (let k = 0; k < count; k++) {
      o[k] = ring[out]!;
      n[k] = ring[into]!;
      out = out + 1 === ring.length ? 0 : out + 1;
      into = into + 1 === ring.length ? 0 : into + 1;
    }
    sortPrefix(o, count);
    sortPrefix(n, count);
    // Sentinels end both runs: NaN equals no price, +Infinity is above every price.
    o[count] = NaN;
    n[count] = Infinity;
    const s = this.values;
    const t = this.spare;
    let w = 0;
    let skip = 0;
    let add = 0;
    let nextOut = o[0]!;
    let nextIn = n[0]!;
    for (let r = 0; r < this.size; r++) {
      const x = s[r]!;
      if (x === nextOut) {
        nextOut = o[++skip]!; // one copy of an outgoing price
        continue;
      }
      while (nextIn < x) {
        t[w++] = nextIn;
        nextIn = n[++add]!;
      }
      t[w++] = x;
    }
    while (add < count) t[w++] = n[add++]!;
    this.spare = s;
    this.values = t;
  }

  /** The median (for an even size, the mean of the middle two, as the spike test defines it). */
  median(): number {
    const s = this.values;
    const n = this.size;
    return n & 1 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
  }

  /** The MAD around `median` (which must be this window's median), in O(log n). */
  mad(median: number): number {
    const half = this.size >> 1;
    return this.size & 1 ? kthDistance(this.values, median, half + 1) : (kthDistance(this.values, median, half) + kthDistance(this.values, median, half + 1)) / 2;
  }
}

/** Sorts the first `count` values of `a` (insertion sort: counts are small). */
function sortPrefix(a: Float64Array, count: number): void {
  if (count > 32) {
    a.subarray(0, count).sort();
    return;
  }
  for (let i = 1; i < count; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * The k-th smallest (1-based) of |s[i] − median|, s sorted, median between s[m] and s[m + 1]
 * (m = (n − 1) >> 1). The distances are two sorted runs — leftwards from the middle
 * (median − s[m − t]) and rightwards (s[m + 1 + t] − median) — and the k-th smallest of two
 * sorted runs is found by bisecting how many of it come from the left run.
 */
function kthDistance(s: Float64Array, median: number, k: number): number {
  const m = (s.length - 1) >> 1;
  const leftLength = m + 1;
  const rightLength = s.length - leftLength;
  let lo = Math.max(0, k - rightLength);
  let hi = Math.min(k, leftLength);
  while (lo <= hi) {
    const fromLeft = (lo + hi) >> 1;
    const fromRight = k - fromLeft;
    if (fromLeft < leftLength && fromRight > 0 && s[m + fromRight]! - median > median - s[m - fromLeft]!) {
      lo = fromLeft + 1; // the next left distance is smaller than the last right one taken
    } else if (fromLeft > 0 && fromRight < rightLength && median - s[m - fromLeft + 1]! > s[m + 1 + fromRight]! - median) {
      hi = fromLeft - 1; // the last left distance taken is larger than the next right one
    } else {
      const a = fromLeft > 0 ? median - s[m - fromLeft + 1]! : -Infinity;
      const b = fromRight > 0 ? s[m + fromRight]! - median : -Infinity;
      return a > b ? a : b;
    }
  }
  throw new Error('kthDistance: inconsistent window');
}
