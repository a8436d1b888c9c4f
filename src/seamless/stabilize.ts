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

/**
 * Drops bars closing after the stable limit from frames in `ts_init` order, frame by frame
 * (the frames served stay as storage streamed them: no join); returns the kept frames and
 * how many bars were trimmed.
 */
export function stabilize(series: Series, frames: readonly SeriesFrame[], now: bigint, bars: number): { frames: SeriesFrame[]; trimmed: number } {
  const limit = stableUntil(series, now, bars);
  if (limit === undefined) return { frames: [...frames], trimmed: 0 };
  const kept: SeriesFrame[] = [];
  let trimmed = 0;
  for (const frame of frames) {
    const keep = lowerBound(tsInitOf(frame), limit + 1n);
    const span = rowSpan(frame, 0, keep);
    if (span) kept.push(span);
    trimmed += frame.length - keep;
  }
  return { frames: kept, trimmed };
}
