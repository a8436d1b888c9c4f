/**
 * Helpers for the tests of the fused conformance checks (quote, trade and bar fast paths):
 * cutting a series into frames as storage streams them, and the checks every damaged
 * series must pass through the stream proof.
 */
import assert from 'node:assert/strict';
import { type Frame, type MarketDataType, sliceFrame } from '../../src/model/frames.js';
import { StreamProof, checkConformance, checkConformanceFrames } from '../../src/seamless/conformance/index.js';
import { joinFrames } from '../../src/seamless/frame-select.js';
import type { Series, SeriesDataType, SeriesFrame } from '../../src/seamless/series.js';

/** `frame` cut at `cuts` (taken modulo its length), empty pieces left out. */
export function splitFrame<T extends MarketDataType>(frame: Frame<T>, cuts: number[]): Frame<T>[] {
  const points = [0, ...[...new Set(cuts.map((c) => c % frame.length))].sort((a, b) => a - b), frame.length];
  return points.slice(1).map((end, i) => sliceFrame(frame, points[i]!, end)).filter((f) => f.length > 0);
}

/**
 * Damaged frames streamed through a proof: it must call them doubtful, the report taken with
 * it must be the engine's on the joined rows, and the engine must flag something.
 */
export function assertLeftToEngine(series: Series, frames: SeriesFrame[], label: string): void {
  const proof = new StreamProof(series.dataType, 0.1, series.stepNs);
  for (const frame of frames) proof.add(frame);
  assert.equal(proof.verdict(frames, 0.1), 'doubtful', label);
  const joined = joinFrames(frames);
  assert.deepEqual(checkConformanceFrames(series, frames, {}, {}, proof).report, checkConformance(series, joined).report, label);
  assert.ok(Object.keys(checkConformance(series, joined).report.rules).length > 0, `${label}: the engine flags it`);
}

/**
 * Every defect at rows on both sides of the seam of two frames (cut at row 300 of a clean
 * 600-row frame): `certainlyClean` must refuse the frames, which assertLeftToEngine then
 * checks; the clean frame, whole and cut, must pass.
 */
export function assertDefectsLeftToEngine<T extends SeriesDataType, D>(
  series: Series,
  clean: Frame<T>,
  defects: readonly D[],
  damage: (frame: Frame<T>, row: number, defect: D) => void,
  certainlyClean: (frames: Frame<T>[]) => boolean,
): void {
  const label = `width ${clean.width}`;
  assert.equal(certainlyClean([clean]), true, label);
  assert.equal(certainlyClean(splitFrame(clean, [300])), true, label);
  for (const defect of defects) {
    for (const row of [1, 2, 299, 300, 301, 599]) {
      const frame = sliceFrame(clean, 0, clean.length);
      damage(frame, row, defect);
      const frames = splitFrame(frame, [300]);
      assert.equal(certainlyClean(frames), false, `${String(defect)} at ${row}, ${label}`);
      assertLeftToEngine(series, frames, `${String(defect)} at ${row}, ${label}`);
    }
  }
}
