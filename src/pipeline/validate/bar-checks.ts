/**
 * Bar checks in one pass: sentinels, OHLC invariants (high ≥ open, close, low; low ≤ open,
 * close), negative volume (zero is a quiet bar, not a fault), declared precision of the five
 * fixed columns, and the spacing of consecutive bars against the bar step: a multiple above
 * one step means bars are missing (bar_gap), anything else is off the grid (bar_spacing).
 * Equal ts_init is bar_duplicate, found by the time checks. Spikes of the close are tested
 * after the loop, from the closes it kept (spike-batch.ts).
 *
 * The loop reads 32-bit words directly (see quote-checks.ts): top words decide sentinels
 * and negative volume, and one float per raw serves the OHLC order, the precision test and
 * the spike. Floats round monotonically, so a < b between floats proves it between raws,
 * and floats below 2^53 are exact; only equal floats beyond need the exact comparison.
 */
import type { Frame } from '../../model/frames.js';
import { type RawView, compareRaw, isSentinelAt, rawView } from '../../seamless/conformance/raw-view.js';
import { type FrameSink, rawText } from './finding-sink.js';
import type { PrecisionCheck, PrecisionPair } from './precision-check.js';
import { type BarScanner, barScanner } from './bar-scan-kernel.js';
import { type SeriesSpikes, reportSpikes } from './spike-batch.js';
import { type NegativeSizeTest, addDrift } from './value-checks.js';

const TWO_32 = 4294967296;
const TWO_53 = 2 ** 53;
const NAMES = ['open', 'high', 'low', 'close', 'volume'];

/** The last bar seen of a bar type, for spacing across frames and files. */
export class BarSpacingState {
  started = false;
  hi = 0;
  lo = 0;

  /** `stepNs` undefined: the bar type has no fixed time step (tick, volume, month bars). */
  constructor(readonly stepNs: number | undefined) {}
}

/** A bar series' state: its spacing, and the closes' spike test with the batch where the JavaScript loop keeps a frame's closes (the kernel's blocks keep theirs). */
export interface BarSeries extends SeriesSpikes {
  readonly spacing: BarSpacingState;
}

export function scanBars(frame: Frame<'bar'>, bars: BarSeries, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): void {
  const scanner = frame.width === 8 && kernelAllowed ? barScanner() : undefined;
  if (scanner) scanBarsWithKernel(scanner, frame, bars, precision, sink);
  else scanBarsPlainly(frame, bars, negative, precision, sink);
}

let kernelAllowed = true;

/** Tests only: false makes every bar frame take the JavaScript loop (the reference). */
export function allowBarKernel(allowed: boolean): void {
  kernelAllowed = allowed;
}

/**
 * scanBarsPlainly's findings, in its order, from the kernel's records (bar-scan-kernel.ts):
 * per recorded row its spacing, then a sentinel row as sentinelRow words it, OHLC, negative
 * volume and the row's drift; then each block's closes through the spike test, straight from
 * the kernel's memory; then drift column by column. (The report keeps each check's examples
 * in row order, and the checks apart, so spikes coming per block changes nothing.)
 */
function scanBarsWithKernel(scanner: BarScanner, frame: Frame<'bar'>, bars: BarSeries, precision: PrecisionPair, sink: FrameSink): void {
  const { spacing, spikes } = bars;
  const c = frame.columns;
  const views: Views = [rawView(c.open), rawView(c.high), rawView(c.low), rawView(c.close), rawView(c.volume)];
  const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, frame.length * 2);
  const drift: Drift = [[], [], [], [], []];
  const step = spacing.stepNs;
  const flags = scanner.flags;
  const { rows, bits, previous } = scanner.records;
  scanner.setSpacing(spacing.started, (BigInt(spacing.hi) << 32n) | BigInt(spacing.lo));
  for (let from = 0; from < frame.length; from += scanner.capacity) {
    const count = Math.min(scanner.capacity, frame.length - from);
    const recorded = scanner.scan(frame, from, count, step, precision.price, precision.size);
    for (let r = 0; r < recorded; r++) {
      const i = from + rows[r]!;
      const b = bits[r]!;
      if (b & flags.spacing) {
        // The float difference scanBarsPlainly computes, for the same words in its report.
        spacing.lo = previous[2 * r]!;
        spacing.hi = previous[2 * r + 1]!;
        const delta = (ts[2 * i + 1]! - spacing.hi) * TWO_32 + (ts[2 * i]! - spacing.lo);
        reportSpacing(spacing, i, delta, step!, sink);
      }
      if (b & flags.sentinel) {
        sentinelRow(views, i, precision, drift, sink);
        continue;
      }
      if (b & flags.ohlc) sink.add('bar_ohlc', i, shown(views, i));
      if (b & flags.negative) sink.add('size_negative', i, shown(views, i));
      for (let k = 0; k < 5; k++) if (b & (flags.drift << k)) drift[k]!.push(i);
    }
    reportSpikes(scanner.closes, scanner.closeRows, from, scanner.closesWritten, spikes, 'close', frame.width, sink);
  }
  spacing.started = scanner.spacingStarted;
  const last = scanner.spacingLast;
  spacing.hi = Number(last >> 32n);
  spacing.lo = Number(last & 0xffffffffn);
  for (let k = 0; k < 5; k++) {
    const check = k === 4 ? precision.size : precision.price;
    for (const i of drift[k]!) addDrift(check, views[k]!, i, NAMES[k]!, sink);
  }
}

/** The bar checks in JavaScript, on 32-bit words: the reference for the kernel, and the path for 16-byte bars. */
function scanBarsPlainly(frame: Frame<'bar'>, bars: BarSeries, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): void {
  const { spacing, spikes, batch } = bars;
  const c = frame.columns;
  const views: Views = [rawView(c.open), rawView(c.high), rawView(c.low), rawView(c.close), rawView(c.volume)];
  const o = views[0].words;
  const h = views[1].words;
  const l = views[2].words;
  const cl = views[3].words;
  const v = views[4].words;
  const wide = frame.width === 16;
  const stride = wide ? 4 : 2;
  const top = stride - 1;
  const maxTop = negative.maxTop;
  const { price, size } = precision;
  const ts = new Uint32Array(c.ts_init.buffer, c.ts_init.byteOffset, frame.length * 2);
  // Drift is reported column by column after the loop, in the order a scan per column found it.
  const drift: Drift = [[], [], [], [], []];
  const step = spacing.stepNs;
  batch.begin(frame.length);
  const closes = batch.prices;
  const closeRows = batch.rows;
  let closeCount = 0;
  // Helpers live outside this function: a closure would move the loop's variables to the heap.
  for (let i = 0, base = 0; i < frame.length; i++, base += stride) {
    if (step !== undefined) {
      const lo = ts[2 * i]!;
      const hi = ts[2 * i + 1]!;
      // delta <= 0 is ts_init_order's or bar_duplicate's concern; the latest bar stays the reference.
      const delta = spacing.started ? (hi - spacing.hi) * TWO_32 + (lo - spacing.lo) : 1;
      if (delta > 0) {
        if (spacing.started && delta !== step) reportSpacing(spacing, i, delta, step, sink);
        spacing.started = true;
        spacing.hi = hi;
        spacing.lo = lo;
      }
    }
    const ot = o[base + top]!;
    const ht = h[base + top]!;
    const lt = l[base + top]!;
    const ct = cl[base + top]!;
    const vt = v[base + top]!;
    // Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, volume's 0xFFFFFFFF.
    if (
      (ot === 0x7fffffff || ot === 0x80000000 || ht === 0x7fffffff || ht === 0x80000000 || lt === 0x7fffffff || lt === 0x80000000 || ct === 0x7fffffff || ct === 0x80000000 || vt === 0xffffffff) &&
      sentinelRow(views, i, precision, drift, sink)
    ) {
      continue;
    }
    const of = wide ? (((ot | 0) * TWO_32 + o[base + 2]!) * TWO_32 + o[base + 1]!) * TWO_32 + o[base]! : (ot | 0) * TWO_32 + o[base]!;
    const hf = wide ? (((ht | 0) * TWO_32 + h[base + 2]!) * TWO_32 + h[base + 1]!) * TWO_32 + h[base]! : (ht | 0) * TWO_32 + h[base]!;
    const lf = wide ? (((lt | 0) * TWO_32 + l[base + 2]!) * TWO_32 + l[base + 1]!) * TWO_32 + l[base]! : (lt | 0) * TWO_32 + l[base]!;
    const cf = wide ? (((ct | 0) * TWO_32 + cl[base + 2]!) * TWO_32 + cl[base + 1]!) * TWO_32 + cl[base]! : (ct | 0) * TWO_32 + cl[base]!;
    const vf = wide ? ((vt * TWO_32 + v[base + 2]!) * TWO_32 + v[base + 1]!) * TWO_32 + v[base]! : vt * TWO_32 + v[base]!;
    // A float order broken proves the raws' broken; floats equal at 2^53 or beyond may hide one.
    const ordered = hf >= of && hf >= cf && hf >= lf && of >= lf && cf >= lf;
    if (!ordered || ((hf === of || hf === cf || hf === lf || of === lf || cf === lf) && !(hf < TWO_53 && lf > -TWO_53) && !ohlcOrdered(views, i))) {
      sink.add('bar_ohlc', i, shown(views, i));
    }
    if (vt >= maxTop && negative.negativeAt(views[4], i)) sink.add('size_negative', i, shown(views, i));
    if (ordered && hf < TWO_53 && lf > -TWO_53 && vf < TWO_53) {
      // Floats below 2^53 are the raws themselves: the exact test is one rounding (precision-check.ts).
      // Its verdict is final, so a drifted row is filed as it is (no second, BigInt test).
      if (!price.exactBelow53(of)) drift[0]!.push(i);
      if (!price.exactBelow53(hf)) drift[1]!.push(i);
      if (!price.exactBelow53(lf)) drift[2]!.push(i);
      if (!price.exactBelow53(cf)) drift[3]!.push(i);
      if (!size.exactBelow53(vf)) drift[4]!.push(i);
    } else {
      if (!price.surely(of, o[base]!)) drifted(price, views, 0, i, drift);
      if (!price.surely(hf, h[base]!)) drifted(price, views, 1, i, drift);
      if (!price.surely(lf, l[base]!)) drifted(price, views, 2, i, drift);
      if (!price.surely(cf, cl[base]!)) drifted(price, views, 3, i, drift);
      if (!size.surely(vf, v[base]!)) drifted(size, views, 4, i, drift);
    }
    closes[closeCount] = cf;
    closeRows[closeCount++] = i;
  }
  reportSpikes(batch.prices, batch.rows, 0, closeCount, spikes, 'close', frame.width, sink);
  for (let k = 0; k < 5; k++) {
    const check = k === 4 ? size : price;
    for (const i of drift[k]!) addDrift(check, views[k]!, i, NAMES[k]!, sink);
  }
}

/** Open, high, low, close, volume. */
type Views = [RawView, RawView, RawView, RawView, RawView];
/** Per column, the rows off the declared precision. */
type Drift = number[][];

function shown(views: Views, i: number): Record<string, string> {
  return { open: rawText(views[0], i), high: rawText(views[1], i), low: rawText(views[2], i), close: rawText(views[3], i), volume: rawText(views[4], i) };
}

/** Files row `i` of column `k` as drift unless the exact test clears it (the fast one could not). */
function drifted(check: PrecisionCheck, views: Views, k: number, i: number, drift: Drift): void {
  if (!check.exactAt(views[k]!, i)) drift[k]!.push(i);
}

/** A row with a sentinel is reported as such (its other columns' precision still counts); false when none is. */
function sentinelRow(views: Views, i: number, precision: PrecisionPair, drift: Drift, sink: FrameSink): boolean {
  if (!views.some((view) => isSentinelAt(view, i))) return false;
  sink.add('sentinel', i, shown(views, i));
  for (let k = 0; k < 5; k++) {
    const check = k === 4 ? precision.size : precision.price;
    if (!isSentinelAt(views[k]!, i) && !check.atPrecision(views[k]!, i)) drift[k]!.push(i);
  }
  return true;
}

/** The OHLC invariants, compared exactly. */
function ohlcOrdered(views: Views, i: number): boolean {
  const [open, high, low, close] = views;
  return compareRaw(high, i, open, i) >= 0 && compareRaw(high, i, close, i) >= 0 && compareRaw(high, i, low, i) >= 0 && compareRaw(low, i, open, i) <= 0 && compareRaw(low, i, close, i) <= 0;
}

function reportSpacing(spacing: BarSpacingState, i: number, delta: number, step: number, sink: FrameSink): void {
  const previous = ((BigInt(spacing.hi) << 32n) | BigInt(spacing.lo)).toString();
  if (delta % step !== 0) sink.add('bar_spacing', i, { spacing_ns: String(delta), step_ns: String(step), previous_ts_init: previous });
  else sink.add('bar_gap', i, { missing_bars: String(delta / step - 1), previous_ts_init: previous }, delta / step - 1);
}
