/**
 * Frame helpers for building a day file: split rows by UTC day, drop rows a day file already
 * has, and merge two frames by `ts_init` (stable: on equal times the earlier frame's rows
 * come first, so rows recorded earlier stay first). Rows are copied in runs, not one by one.
 */
import { NS_PER_DAY } from '../../model/time.js';
import { type Frame, type MarketDataType, allocFrame, concatFrames, copyRows, sliceFrame, tsInitOf } from '../../model/frames.js';
import { selectRows } from '../../seamless/frame-select.js';

/** The UTC day number (days since 1970-01-01) of a nanosecond time. */
export function dayOf(ns: bigint): bigint {
  return ns / NS_PER_DAY;
}

/** Splits a frame into runs of rows of one UTC day each (a batch straddling midnight splits). */
export function splitByDay<T extends MarketDataType>(frame: Frame<T>): Array<{ day: bigint; frame: Frame<T> }> {
  const ts = tsInitOf(frame);
  const out: Array<{ day: bigint; frame: Frame<T> }> = [];
  let start = 0;
  for (let i = 1; i <= frame.length; i++) {
    if (i === frame.length || dayOf(ts[i]!) !== dayOf(ts[start]!)) {
      out.push({ day: dayOf(ts[start]!), frame: start === 0 && i === frame.length ? frame : sliceFrame(frame, start, i) });
      start = i;
    }
  }
  return out;
}

/** Keeps the rows of `frame` where `keep(i)` is true. */
export function filterRows<T extends MarketDataType>(frame: Frame<T>, keep: (i: number) => boolean): Frame<T> {
  const kept = new Uint32Array(frame.length);
  let n = 0;
  for (let i = 0; i < frame.length; i++) if (keep(i)) kept[n++] = i;
  return n === frame.length ? frame : selectRows(frame, kept.subarray(0, n));
}

/** Merges two frames sorted by `ts_init` into one sorted frame; `a` wins ties. */
export function mergeByTs<T extends MarketDataType>(a: Frame<T>, b: Frame<T>): Frame<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const ta = tsInitOf(a);
  const tb = tsInitOf(b);
  // The common case: everything new comes after what the day already holds.
  if (tb[0]! >= ta[a.length - 1]!) return concatFrames([a, b]);
  const out = allocFrame(a.type, a.width, a.length + b.length, a.meta);
  let i = 0;
  let j = 0;
  let at = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && ta[i]! <= tb[j]!)) {
      const from = i;
      while (i < a.length && (j >= b.length || ta[i]! <= tb[j]!)) i++;
      copyRows(a, from, i, out, at);
      at += i - from;
    } else {
      const from = j;
      while (j < b.length && (i >= a.length || tb[j]! < ta[i]!)) j++;
      copyRows(b, from, j, out, at);
      at += j - from;
    }
  }
  return out;
}
