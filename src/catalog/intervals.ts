/**
 * Closed integer intervals of nanoseconds, the semantics of catalog file names (spec §1.5,
 * §1.6).
 *
 * | relation   | definition                                   | example           |
 * |------------|----------------------------------------------|-------------------|
 * | overlap    | `a.first <= b.last && b.first <= a.last`     | [1,2] and [2,3]   |
 * | contiguous | `prev.last + 1n === next.first`              | [1,2] then [3,4]  |
 * | disjoint   | not overlapping                              | [1,2] and [4,5]   |
 *
 * Our public query API is half-open `[start, end)`; catalog names are closed `[first, last]`.
 * `halfOpenToClosed` / `closedToHalfOpen` convert between the two. Every function here expects
 * `first <= last`.
 */

/** A closed interval [first, last] of integer nanoseconds. */
export interface Interval {
  readonly first: bigint;
  readonly last: bigint;
}

function compare(a: Interval, b: Interval): number {
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  if (a.last !== b.last) return a.last < b.last ? -1 : 1;
  return 0;
}

/** Returns a new array of the intervals sorted by first, then by last. */
export function sortIntervals(list: readonly Interval[]): Interval[] {
  return [...list].sort(compare);
}

/** Returns true when two closed intervals share at least one point: [1,2] and [2,3] overlap. */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Returns every overlapping pair, each pair in sorted order, pairs ordered by their first member. */
export function findOverlaps(list: readonly Interval[]): Array<[Interval, Interval]> {
  const sorted = sortIntervals(list);
  const pairs: Array<[Interval, Interval]> = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    // Sorted by first, so the partners of `a` are exactly the following intervals starting by a.last.
    for (let j = i + 1; j < sorted.length && sorted[j]!.first <= a.last; j++) pairs.push([a, sorted[j]!]);
  }
  return pairs;
}

/** Returns the union as sorted disjoint intervals; overlapping and contiguous intervals merge. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const next of sortIntervals(list)) {
    const prev = merged[merged.length - 1];
    if (prev && next.first <= prev.last + 1n) {
      if (next.last > prev.last) merged[merged.length - 1] = { first: prev.first, last: next.last };
    } else {
      merged.push(next);
    }
  }
  return merged;
}

/**
 * Returns the closed gaps of the request [start, end] not covered by `intervals`, sorted, as
 * `get_missing_intervals_for_request` does: files [1,2] and [5,6] with request 0..10 give
 * [0,0], [3,4], [7,10]. Returns [] when start > end.
 */
export function missingIntervals(intervals: readonly Interval[], start: bigint, end: bigint): Interval[] {
  const gaps: Interval[] = [];
  let cursor = start;
  for (const covered of mergeIntervals(intervals)) {
    if (cursor > end) break;
    if (covered.last < cursor) continue;
    if (covered.first > end) break;
    if (covered.first > cursor) gaps.push({ first: cursor, last: covered.first - 1n });
    cursor = covered.last + 1n;
  }
  if (cursor <= end) gaps.push({ first: cursor, last: end });
  return gaps;
}

/** Returns true when the intervals, sorted, each start right after the previous one ends. */
export function isContiguous(list: readonly Interval[]): boolean {
  const sorted = sortIntervals(list);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.last + 1n !== sorted[i]!.first) return false;
  }
  return true;
}

/**
 * Returns the closed period [k*P, (k+1)*P - 1] that contains `ns`, as
 * `consolidate_data_by_period` cuts files.
 *
 * Throws RangeError when `periodNs` is not positive.
 */
export function periodBounds(ns: bigint, periodNs: bigint): Interval {
  if (periodNs <= 0n) throw new RangeError(`period must be positive, was ${periodNs}`);
  // bigint division truncates toward zero; step back one period for negative remainders.
  let k = ns / periodNs;
  if (ns % periodNs < 0n) k -= 1n;
  return { first: k * periodNs, last: (k + 1n) * periodNs - 1n };
}

/** Returns the closed form [start, end - 1] of a half-open range, or null when it is empty. */
export function halfOpenToClosed(start: bigint, end: bigint): Interval | null {
  return end > start ? { first: start, last: end - 1n } : null;
}

/** Returns the half-open form [first, last + 1) of a closed interval. */
export function closedToHalfOpen(first: bigint, last: bigint): { start: bigint; end: bigint } {
  return { start: first, end: last + 1n };
}
