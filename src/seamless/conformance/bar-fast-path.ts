/**
 * One pass that proves bar frames clean under every bar rule (no sentinel, OHLC in order,
 * volume in range, each bar one interval after the one before: on the grid, in order, no
 * duplicate and no gap), so serving clean bars from storage needs neither joining the frames
 * nor the rule engine. Like quote-fast-path.ts it answers only "certainly clean": a bar it
 * cannot clear (a gap, a price it cannot compare exactly, anything flagged) leaves the frames
 * to the engine, which decides exactly.
 *
 * Prices are compared exactly on 32-bit words: 8-byte raws as floats when below 2^53 in
 * size; 16-byte raws with a top word of 0 (positive, below 2^96) by their bits 32 to 95 as
 * a float (below 2^53), then word 0 when those are equal. `high >= low` follows from
 * `high >= open >= low`.
 */
import { barMarkOf } from '../../catalog/bar-facts.js';
import { type FixedWidth, QUANTITY_RAW_MAX } from '../../model/fixed-point.js';
import type { Frame } from '../../model/frames.js';
import { rawView } from './raw-view.js';

/** The last bar proven, carried from frame to frame: its `ts_init` as 32-bit words. */
export interface BarOrderState {
  started: boolean;
  high: number;
  low: number;
}

export function barOrderStart(): BarOrderState {
  return { started: false, high: 0, low: 0 };
}

/** Volumes whose top word is below this are below QUANTITY_RAW_MAX (the volume check's bound). */
const VOLUME_TOP: Record<FixedWidth, number> = {
  8: Number(QUANTITY_RAW_MAX[8] >> 32n),
  16: Number(QUANTITY_RAW_MAX[16] >> 96n),
};

/** True when every bar of `frame` is certainly clean for bars of `stepNs`; advances `state` when so. */
export function barFrameCertainlyClean(frame: Frame<'bar'>, stepNs: bigint, state: BarOrderState): boolean {
  return provenBy(frame, stepNs, state, (ts, step) => {
    const c = frame.columns;
    const o = rawView(c.open).words;
    const h = rawView(c.high).words;
    const l = rawView(c.low).words;
    const cl = rawView(c.close).words;
    const v = rawView(c.volume).words;
    const n = frame.length;
    return frame.width === 16 ? clean16(o, h, l, cl, v, ts, n, step, VOLUME_TOP[16]) : clean8(o, h, l, cl, v, ts, n, step, VOLUME_TOP[8]);
  });
}

/**
 * True when `frame`'s mark (src/catalog/bar-facts.ts) proves it certainly clean: its bars
 * rise by exactly `stepNs`, and its first bar follows the last proven; advances `state` when
 * so. Only for a frame just read from storage (the provider's StreamProof): the mark says
 * nothing about a frame changed since.
 */
export function markedBarsClean(frame: Frame<'bar'>, stepNs: bigint, state: BarOrderState): boolean {
  const mark = barMarkOf(frame);
  return mark !== undefined && provenBy(frame, stepNs, state, (_, step) => mark.stride === step);
}

/**
 * The checks every proof of a bar frame shares: a usable interval, and the first bar one
 * interval after the last proven (or, the first of all, on the grid); then `rowsClean` for
 * the rest. Advances `state` to the frame's last bar when all pass.
 */
function provenBy(frame: Frame<'bar'>, stepNs: bigint, state: BarOrderState, rowsClean: (ts: Uint32Array, step: number) => boolean): boolean {
  const n = frame.length;
  if (n === 0) return true;
  const step = Number(stepNs);
  if (!(step > 0 && step < 2 ** 52)) return false;
  const c = frame.columns;
  const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, n * 2);
  if (state.started) {
    if ((ts[1]! - state.high) * 4294967296 + (ts[0]! - state.low) !== step) return false;
  } else if (c.ts_init[0]! % stepNs !== 0n) {
    return false;
  }
  if (!rowsClean(ts, step)) return false;
  state.started = true;
  state.high = ts[2 * n - 1]!;
  state.low = ts[2 * n - 2]!;
  return true;
}

/** The pass over a run of bar frames in `ts_init` order. */
export function barsCertainlyClean(frames: readonly Frame<'bar'>[], stepNs: bigint): boolean {
  const state = barOrderStart();
  return frames.every((frame) => barFrameCertainlyClean(frame, stepNs, state));
}

// The loops follow quote-fast-path.ts's compiled-code rules. Row 0's time was checked by the
// caller; each later row must be one step on (row 0 is compared with itself less a step,
// as words: the low word may go below 0, which the float sum absorbs).

function clean16(o: Uint32Array, h: Uint32Array, l: Uint32Array, c: Uint32Array, v: Uint32Array, ts: Uint32Array, n: number, step: number, volumeTop: number): boolean {
  let previousLow = ts[0]! - step;
  let previousHigh = ts[1]!;
  for (let i = 0; i < n; i++) {
    const k = i << 2;
    if ((o[k + 3]! | h[k + 3]! | l[k + 3]! | c[k + 3]!) !== 0) return false;
    const o2 = o[k + 2]!;
    const h2 = h[k + 2]!;
    const l2 = l[k + 2]!;
    const c2 = c[k + 2]!;
    if (((o2 | h2 | l2 | c2) >>> 0) >= 0x200000) return false;
    const ou = o2 * 4294967296 + o[k + 1]!;
    const hu = h2 * 4294967296 + h[k + 1]!;
    const lu = l2 * 4294967296 + l[k + 1]!;
    const cu = c2 * 4294967296 + c[k + 1]!;
    // Without branches: whether a high equals its open is data, and guessing it cost ~17 ns a bar.
    const o0 = o[k]!;
    const h0 = h[k]!;
    const l0 = l[k]!;
    const c0 = c[k]!;
    const ordered =
      (Number(hu > ou) | (Number(hu === ou) & Number(h0 >= o0))) &
      (Number(hu > cu) | (Number(hu === cu) & Number(h0 >= c0))) &
      (Number(lu < ou) | (Number(lu === ou) & Number(l0 <= o0))) &
      (Number(lu < cu) | (Number(lu === cu) & Number(l0 <= c0)));
    if (ordered === 0) return false;
    if (!(v[k + 3]! < volumeTop)) return false;
    const low = ts[2 * i]!;
    const high = ts[2 * i + 1]!;
    if ((high - previousHigh) * 4294967296 + (low - previousLow) !== step) return false;
    previousLow = low;
    previousHigh = high;
  }
  return true;
}

function clean8(o: Uint32Array, h: Uint32Array, l: Uint32Array, c: Uint32Array, v: Uint32Array, ts: Uint32Array, n: number, step: number, volumeTop: number): boolean {
  let previousLow = ts[0]! - step;
  let previousHigh = ts[1]!;
  for (let i = 0; i < n; i++) {
    const k = i << 1;
    const ot = o[k + 1]! | 0;
    const ht = h[k + 1]! | 0;
    const lt = l[k + 1]! | 0;
    const ct = c[k + 1]! | 0;
    // Floats exact: top words within ±2^21 (no sentinel has one).
    if (((ot + 0x200000) | (ht + 0x200000) | (lt + 0x200000) | (ct + 0x200000)) >>> 0 >= 0x400000) return false;
    const of = ot * 4294967296 + o[k]!;
    const hf = ht * 4294967296 + h[k]!;
    const lf = lt * 4294967296 + l[k]!;
    const cf = ct * 4294967296 + c[k]!;
    if ((Number(hf >= of) & Number(hf >= cf) & Number(lf <= of) & Number(lf <= cf)) === 0) return false;
    if (!(v[k + 1]! < volumeTop)) return false;
    const low = ts[2 * i]!;
    const high = ts[2 * i + 1]!;
    if ((high - previousHigh) * 4294967296 + (low - previousLow) !== step) return false;
    previousLow = low;
    previousHigh = high;
  }
  return true;
}
