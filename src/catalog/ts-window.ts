/**
 * A half-open `[start, end)` window of u64 nanosecond timestamps, compared as two 32-bit
 * words (high, low) instead of as BigInts: reading a BigUint64Array element or building a
 * bigint from statistics bytes allocates, which a fresh process (interpreted, no escape
 * analysis yet) pays for on every row and every row group of a window read.
 */
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

/** True when the u64 `high * 2^32 + low` is inside the window. */
export function inWindow(w: TsWindow, high: number, low: number): boolean {
  return (high > w.startHigh || (high === w.startHigh && low >= w.startLow)) && (high < w.endHigh || (high === w.endHigh && low < w.endLow));
}

/** True when no u64 in `[min, max]` (8 little-endian bytes each) is inside the window. */
export function rangeMissesWindow(w: TsWindow, min: Uint8Array, max: Uint8Array): boolean {
  const maxHigh = word(max, 4);
  const minHigh = word(min, 4);
  const maxBeforeStart = maxHigh < w.startHigh || (maxHigh === w.startHigh && word(max, 0) < w.startLow);
  const minAtOrAfterEnd = minHigh > w.endHigh || (minHigh === w.endHigh && word(min, 0) >= w.endLow);
  return maxBeforeStart || minAtOrAfterEnd;
}

function word(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
