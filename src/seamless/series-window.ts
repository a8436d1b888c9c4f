/**
 * Where a series' rows live in `ts_init` for a half-open range, and back.
 *
 * Bars are stamped at their close: the bar closing at `c` occupies `[c - step, c)` and
 * belongs to `[start, end)` when that whole interval does, so its `ts_init` lies in
 * `[start + step, end]`. Ticks and quotes belong when `start <= ts_init < end`.
 */
import type { Series } from './series.js';
import { type TimeRange, ceilTo, floorTo, gridInside, mergeRanges } from './time-range.js';

/** The half-open `ts_init` window holding the rows that belong to `range`. */
export function tsWindow(series: Series, range: TimeRange): TimeRange {
  if (series.stepNs === undefined) return range;
  return { start: range.start + series.stepNs, end: range.end + 1n };
}

/** The range a closed `ts_init` interval `[first, last]` of stored rows covers. */
export function coveredBy(series: Series, first: bigint, last: bigint): TimeRange {
  if (series.stepNs === undefined) return { start: first, end: last + 1n };
  return { start: first - series.stepNs, end: last };
}

/**
 * The part of a request that can hold whole rows: bars shrink to whole grid cells, ticks
 * are unchanged. Undefined when not even one bar fits.
 */
export function planningWindow(series: Series, range: TimeRange): TimeRange | undefined {
  return series.stepNs === undefined ? range : gridInside(range, series.stepNs);
}

/** Snaps coverage inward to the bar grid (conservative: a partial cell is not covered). */
export function coverageOnGrid(series: Series, ranges: readonly TimeRange[]): TimeRange[] {
  const step = series.stepNs;
  if (step === undefined) return mergeRanges(ranges);
  return mergeRanges(ranges.flatMap((r) => {
    const cell = gridInside(r, step);
    return cell ? [cell] : [];
  }));
}

/** The latest time before which data can exist at `now`: bars must have closed. */
export function historyHorizon(series: Series, now: bigint): bigint {
  return series.stepNs === undefined ? now : floorTo(now, series.stepNs);
}

/** The first grid time at or after `t` (ticks: `t` itself). */
export function alignStart(series: Series, t: bigint): bigint {
  return series.stepNs === undefined ? t : ceilTo(t, series.stepNs);
}


/** First index whose value is >= `value` in a sorted array. */
export function lowerBound(values: BigUint64Array, value: bigint): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
