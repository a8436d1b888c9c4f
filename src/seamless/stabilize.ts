/**
 * Stabilisation: a bar that closed very recently may still be revised by the venue (late
 * trades), so bars closing within the last N intervals before now are held back. Closed
 * history is never trimmed, whatever the range asked for.
 */
import { tsInitOf } from '../model/frames.js';
import { rowSpan } from './frame-select.js';
import type { Series, SeriesFrame } from './series.js';
import { lowerBound } from './series-window.js';

/** The latest bar close that counts as stable at `now`; undefined for ticks (never revised). */
export function stableUntil(series: Series, now: bigint, bars: number): bigint | undefined {
  if (series.stepNs === undefined) return undefined;
  return now - BigInt(bars) * series.stepNs;
}

/** Drops bars closing after the stable limit; returns the kept frame and how many were trimmed. */
export function stabilize(series: Series, frame: SeriesFrame | undefined, now: bigint, bars: number): { frame: SeriesFrame | undefined; trimmed: number } {
  const limit = stableUntil(series, now, bars);
  if (!frame || limit === undefined) return { frame, trimmed: 0 };
  const keep = lowerBound(tsInitOf(frame), limit + 1n);
  return { frame: rowSpan(frame, 0, keep), trimmed: frame.length - keep };
}
