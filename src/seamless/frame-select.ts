/**
 * Row selection on frames for the provider: keep the rows of a range, put rows in
 * `ts_init` order, stitch tiers together. Copies whole runs, never one object per row.
 */
import { type MarketDataType, type Frame, allocFrame, concatFrames, copyRows, sliceFrame, tsInitOf } from '../model/frames.js';

/** Rows at the given ascending-or-not indices, copied run by run. */
export function selectRows<T extends MarketDataType>(frame: Frame<T>, indices: Uint32Array): Frame<T> {
  const out = allocFrame(frame.type, frame.width, indices.length, frame.meta);
  let k = 0;
  while (k < indices.length) {
    const from = indices[k]!;
    let run = 1;
    while (k + run < indices.length && indices[k + run] === from + run) run++;
    copyRows(frame, from, from + run, out, k);
    k += run;
  }
  return out;
}

export function isSortedByTs(frame: Frame): boolean {
  const ts = tsInitOf(frame);
  for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}

/** The frame in `ts_init` order, stable for ties; the same object when already sorted. */
export function sortByTs<T extends MarketDataType>(frame: Frame<T>): Frame<T> {
  if (isSortedByTs(frame)) return frame;
  const ts = tsInitOf(frame);
  const order = Uint32Array.from({ length: frame.length }, (_, i) => i);
  order.sort((a, b) => (ts[a]! < ts[b]! ? -1 : ts[a]! > ts[b]! ? 1 : a - b));
  return selectRows(frame, order);
}

/** Rows with `start <= ts_init < end`, any order in, same order out; the same object when all are kept. */
export function keepTsWindow<T extends MarketDataType>(frame: Frame<T>, start: bigint, end: bigint): Frame<T> {
  const ts = tsInitOf(frame);
  const keep: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i]! >= start && ts[i]! < end) keep.push(i);
  if (keep.length === frame.length) return frame;
  return selectRows(frame, Uint32Array.from(keep));
}

/** Concatenates non-empty frames; undefined when there are none. */
export function joinFrames<T extends MarketDataType>(frames: ReadonlyArray<Frame<T> | undefined>): Frame<T> | undefined {
  const present = frames.filter((f): f is Frame<T> => f !== undefined && f.length > 0);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : concatFrames(present);
}

/** Rows `[from, to)`; the same object when that is all of it. */
export function rowSpan<T extends MarketDataType>(frame: Frame<T>, from: number, to: number): Frame<T> | undefined {
  if (to <= from) return undefined;
  return from === 0 && to === frame.length ? frame : sliceFrame(frame, from, to);
}
