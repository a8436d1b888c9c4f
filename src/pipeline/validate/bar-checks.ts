/**
 * Bar checks in one pass: sentinels, OHLC invariants (high ≥ open, close, low; low ≤ open,
 * close), negative volume (zero is a quiet bar, not a fault), spikes of the close, and the
 * spacing of consecutive bars against the bar step: a multiple above one step means bars
 * are missing (bar_gap), anything else is off the grid (bar_spacing). Equal ts_init is
 * bar_duplicate, found by the time checks.
 */
import type { Frame } from '../../model/frames.js';
import { approxRaw, compareRaw, isSentinelAt, rawView } from '../../seamless/conformance/raw-view.js';
import { type FrameSink, rawText } from './finding-sink.js';
import type { SpikeDetector } from './spike-detector.js';
import { spikeValues } from './spike-values.js';
import { type NegativeSizeTest, maybeSentinel } from './value-checks.js';

const TWO_32 = 4294967296;

/** The last bar seen of a bar type, for spacing across frames and files. */
export class BarSpacingState {
  started = false;
  hi = 0;
  lo = 0;

  /** `stepNs` undefined: the bar type has no fixed time step (tick, volume, month bars). */
  constructor(readonly stepNs: number | undefined) {}
}

export function scanBars(frame: Frame<'bar'>, spacing: BarSpacingState, spikes: SpikeDetector, negative: NegativeSizeTest, sink: FrameSink): void {
  const c = frame.columns;
  const open = rawView(c.open);
  const high = rawView(c.high);
  const low = rawView(c.low);
  const close = rawView(c.close);
  const volume = rawView(c.volume);
  const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, frame.length * 2);
  const shown = (i: number) => ({ open: rawText(open, i), high: rawText(high, i), low: rawText(low, i), close: rawText(close, i), volume: rawText(volume, i) });
  const step = spacing.stepNs;
  for (let i = 0; i < frame.length; i++) {
    if (step !== undefined) {
      const lo = ts[2 * i]!;
      const hi = ts[2 * i + 1]!;
      // delta <= 0 is ts_init_order's or bar_duplicate's concern; the latest bar stays the reference.
      const delta = spacing.started ? (hi - spacing.hi) * TWO_32 + (lo - spacing.lo) : 1;
      if (delta > 0) {
        if (spacing.started) checkSpacing(i, delta, step);
        spacing.started = true;
        spacing.hi = hi;
        spacing.lo = lo;
      }
    }
    checkBarValues(i);
  }

  function checkSpacing(i: number, delta: number, step: number): void {
    if (delta === step) return;
    const previous = ((BigInt(spacing.hi) << 32n) | BigInt(spacing.lo)).toString();
    if (delta % step !== 0) sink.add('bar_spacing', i, { spacing_ns: String(delta), step_ns: String(step), previous_ts_init: previous });
    else sink.add('bar_gap', i, { missing_bars: String(delta / step - 1), previous_ts_init: previous }, delta / step - 1);
  }

  function checkBarValues(i: number): void {
    if (maybeSentinel(open, i) || maybeSentinel(high, i) || maybeSentinel(low, i) || maybeSentinel(close, i) || maybeSentinel(volume, i)) {
      if (isSentinelAt(open, i) || isSentinelAt(high, i) || isSentinelAt(low, i) || isSentinelAt(close, i) || isSentinelAt(volume, i)) {
        sink.add('sentinel', i, shown(i));
        return;
      }
    }
    if (
      compareRaw(high, i, open, i) < 0 ||
      compareRaw(high, i, close, i) < 0 ||
      compareRaw(high, i, low, i) < 0 ||
      compareRaw(low, i, open, i) > 0 ||
      compareRaw(low, i, close, i) > 0
    ) {
      sink.add('bar_ohlc', i, shown(i));
    }
    if (negative.negativeAt(volume, i)) sink.add('size_negative', i, shown(i));
    const p = approxRaw(close, i);
    if (spikes.push(p)) sink.add('price_spike', i, spikeValues('close', p, spikes, frame.width));
  }
}
