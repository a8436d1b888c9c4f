/**
 * A half-open `[start, end)` window of u64 nanosecond timestamps, compared as two 32-bit
 * words (high, low) instead of as BigInts: reading a BigUint64Array element or building a
 * bigint from statistics bytes allocates, which a fresh process (interpreted, no escape
 * analysis yet) pays for on every row and every row group of a window read.
 */
import { markInWindowFast } from './parquet/u64-window-wasm.js';

export interface TsWindow {
  readonly startHigh: number;
  readonly startLow: number;
  /** 2^32 (above every word) when the window has no end. */
  readonly endHigh: number;
  readonly endLow: number;
}

const WORD = 0x1_0000_0000n;

export function tsWindow(start: bigint | undefined, end: bigint | undefined): TsWindow {
  const from = start === undefined || start < 0n ? 0n : start;
  const to = end === undefined || end >= WORD * WORD ? WORD * WORD : end < 0n ? 0n : end;
  return { startHigh: Number(from / WORD), startLow: Number(from % WORD), endHigh: Number(to / WORD), endLow: Number(to % WORD) };
}

/** Runs this long go to the WebAssembly marker: a fresh process would interpret the loop below. */
const FAST_MARK_FROM = 256;

/**
 * Sets `inside[i]` to 1 for each u64 inside the window (`words` holds them as little-endian
 * word pairs) and returns how many are. Long runs (a row group at a window's edge) are
 * marked by WebAssembly when it is available; the loop here gives the same answer.
 */
export function markInWindow(words: Uint32Array, w: TsWindow, inside: Uint8Array): number {
  const { startHigh, startLow, endHigh, endLow } = w;
  if (words.length >= 2 * FAST_MARK_FROM) {
    const marked = markInWindowFast(words, startHigh, startLow, endHigh, endLow, inside);
    if (marked !== undefined) return marked;
  }
  return markInWindowLoop(words, w, inside);
}

/** The JavaScript marker (comparisons inline: a call per row costs while the process interprets). */
export function markInWindowLoop(words: Uint32Array, w: TsWindow, inside: Uint8Array): number {
  const { startHigh, startLow, endHigh, endLow } = w;
  let count = 0;
  for (let i = 0, k = 0; k < words.length; i++, k += 2) {
    const low = words[k]!;
    const high = words[k + 1]!;
    const ok = (high > startHigh || (high === startHigh && low >= startLow)) && (high < endHigh || (high === endHigh && low < endLow));
    inside[i] = ok ? 1 : 0;
    count += ok ? 1 : 0;
  }
  return count;
}

/**
 * For each of the `fits.length` ranges: range `g` is at `k = first + g * stride`, present
 * when `present[k]` is set, as [minLow, minHigh, maxLow, maxHigh] at `words[4k..]` (the
 * layout of ColumnStatisticsWords). Sets `fits[g]` to 1 when no u64 in it is inside the
 * window, 2 when all are, and leaves 0 otherwise. One loop with the comparisons inline:
 * pruning a day file runs it over 2,000 row groups in a process that still interprets.
 */
export function classifyRanges(w: TsWindow, words: Uint32Array, present: Uint8Array, first: number, stride: number, fits: Uint8Array): void {
  const { startHigh, startLow, endHigh, endLow } = w;
  for (let g = 0, k = first; g < fits.length; g++, k += stride) {
    if (!present[k]) continue;
    const at = 4 * k;
    const minLow = words[at]!;
    const minHigh = words[at + 1]!;
    const maxLow = words[at + 2]!;
    const maxHigh = words[at + 3]!;
    const maxBeforeStart = maxHigh < startHigh || (maxHigh === startHigh && maxLow < startLow);
    const minAtOrAfterEnd = minHigh > endHigh || (minHigh === endHigh && minLow >= endLow);
    if (maxBeforeStart || minAtOrAfterEnd) {
      fits[g] = 1;
      continue;
    }
    const minAtOrAfterStart = minHigh > startHigh || (minHigh === startHigh && minLow >= startLow);
    const maxBeforeEnd = maxHigh < endHigh || (maxHigh === endHigh && maxLow < endLow);
    if (minAtOrAfterStart && maxBeforeEnd) fits[g] = 2;
  }
}

/**
 * For chained ranges (parquet/statistics-chain.ts; laid out as for classifyRanges): the run
 * `[from, to)` of the `count` ranges that can hold a u64 inside the window, i.e. max ≥ start
 * and min < end. Both bounds are found by binary search, since mins and maxes both rise
 * along a chain.
 */
export function chainedRunInWindow(w: TsWindow, words: Uint32Array, first: number, stride: number, count: number): { from: number; to: number } {
  // The first range whose max is at or after the start (word 2 and 3: maxLow, maxHigh).
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = 4 * (first + middle * stride);
    const maxLow = words[at + 2]!;
    const maxHigh = words[at + 3]!;
    if (maxHigh < w.startHigh || (maxHigh === w.startHigh && maxLow < w.startLow)) low = middle + 1;
    else high = middle;
  }
  const from = low;
  // The first range from there whose min is at or after the end.
  high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = 4 * (first + middle * stride);
    const minLow = words[at]!;
    const minHigh = words[at + 1]!;
    if (minHigh < w.endHigh || (minHigh === w.endHigh && minLow < w.endLow)) low = middle + 1;
    else high = middle;
  }
  return { from, to: low };
}
