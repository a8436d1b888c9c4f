/**
 * Half-open nanosecond ranges `[start, end)`: the one range convention of our API, and the
 * set algebra the provider plans with (merge, subtract, intersect, missing, grid, chunks).
 *
 * Bars are stamped at their close; a bar with close `c` and step `s` occupies `[c - s, c)`
 * and belongs to a range when that whole interval does. Catalog file names are closed
 * `[first, last]` intervals of `ts_init`; series-window.ts converts at that one boundary.
 */
import { ModelError } from '../model/errors.js';
import { dateToNs, msToNs, nsToIso, parseTimeArg, secondsToNs } from '../model/time.js';
import { SeamlessError } from './errors.js';

export interface TimeRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** What our API accepts as a time: ns as bigint, a Date, ISO-8601 text, or explicit units. */
export type TimeInput = bigint | Date | string | { readonly seconds: number | bigint } | { readonly millis: number | bigint };

/** Returns a time input as nanoseconds since the epoch. Throws SEAMLESS_BAD_RANGE. */
export function toNs(value: TimeInput, field = 'time'): bigint {
  try {
    if (typeof value === 'bigint') return parseTimeArg(value < 0n ? fail(value) : value.toString());
    if (value instanceof Date) return dateToNs(value);
    if (typeof value === 'string') return parseTimeArg(value);
    if ('seconds' in value) return secondsToNs(value.seconds);
    return msToNs(value.millis);
  } catch (error) {
    if (error instanceof ModelError) throw new SeamlessError('SEAMLESS_BAD_RANGE', `${field}: ${error.message}`, { field }, error);
    throw error;
  }
}

function fail(value: bigint): never {
  throw new ModelError('time', String(value), `time must be >= 0 ns since the epoch, was ${value}`);
}

/** Builds a validated half-open range; throws SEAMLESS_BAD_RANGE when end <= start. */
export function timeRange(start: TimeInput, end: TimeInput): TimeRange {
  return checkRange({ start: toNs(start, 'start'), end: toNs(end, 'end') });
}

/** Returns the range when it is non-empty; throws SEAMLESS_BAD_RANGE otherwise. */
export function checkRange(range: TimeRange): TimeRange {
  if (range.end <= range.start) {
    throw new SeamlessError('SEAMLESS_BAD_RANGE', `range end must be after start, was ${formatRange(range)}; ranges are half-open [start, end)`, { start: range.start, end: range.end });
  }
  return range;
}


export function totalLength(ranges: readonly TimeRange[]): bigint {
  let total = 0n;
  for (const range of ranges) total += range.end - range.start;
  return total;
}

/** Sorts and fuses ranges that overlap or touch; drops empty ones. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: TimeRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      if (range.end > last.end) merged[merged.length - 1] = { start: last.start, end: range.end };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** Returns the parts of `from` not covered by `minus` (both may be unsorted). */
export function subtractRanges(from: readonly TimeRange[], minus: readonly TimeRange[]): TimeRange[] {
  const holes = mergeRanges(minus);
  const result: TimeRange[] = [];
  for (const range of mergeRanges(from)) {
    let cursor = range.start;
    for (const hole of holes) {
      if (hole.end <= cursor) continue;
      if (hole.start >= range.end) break;
      if (hole.start > cursor) result.push({ start: cursor, end: hole.start });
      cursor = hole.end;
      if (cursor >= range.end) break;
    }
    if (cursor < range.end) result.push({ start: cursor, end: range.end });
  }
  return result;
}

/** Returns the parts common to both lists. A single-bar overlap counts: `[0,60)∩[0,60)` is kept. */
export function intersectRanges(a: readonly TimeRange[], b: readonly TimeRange[]): TimeRange[] {
  const left = mergeRanges(a);
  const right = mergeRanges(b);
  const result: TimeRange[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const x = left[i]!;
    const y = right[j]!;
    const start = x.start > y.start ? x.start : y.start;
    const end = x.end < y.end ? x.end : y.end;
    if (start < end) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}

/** The gaps of `window` that `covered` does not cover. */
export function missingRanges(covered: readonly TimeRange[], window: TimeRange): TimeRange[] {
  return subtractRanges([window], covered);
}

export function floorTo(ns: bigint, step: bigint): bigint {
  return ns - (ns % step);
}

export function ceilTo(ns: bigint, step: bigint): bigint {
  const rest = ns % step;
  return rest === 0n ? ns : ns - rest + step;
}

/**
 * Shrinks a range to whole grid cells `[ceil(start), floor(end))`: the bars that fit
 * entirely inside it. Returns undefined when no whole cell fits.
 */
export function gridInside(range: TimeRange, step: bigint): TimeRange | undefined {
  const start = ceilTo(range.start, step);
  const end = floorTo(range.end, step);
  return end > start ? { start, end } : undefined;
}

/** Grows a range to the grid cells it touches `[floor(start), ceil(end))`. */
export function gridAround(range: TimeRange, step: bigint): TimeRange {
  return { start: floorTo(range.start, step), end: ceilTo(range.end, step) };
}

/**
 * Splits a range into pieces whose inner boundaries fall on multiples of `chunk` (ns since
 * the epoch), so the same data always splits the same way across calls and processes.
 */
export function chunkRange(range: TimeRange, chunk: bigint): TimeRange[] {
  if (chunk <= 0n) return [range];
  const pieces: TimeRange[] = [];
  let cursor = range.start;
  while (cursor < range.end) {
    const next = floorTo(cursor, chunk) + chunk;
    const end = next < range.end ? next : range.end;
    pieces.push({ start: cursor, end });
    cursor = end;
  }
  return pieces;
}


export function formatRange(range: TimeRange): string {
  return `[${nsToIso(range.start)}, ${nsToIso(range.end)})`;
}
