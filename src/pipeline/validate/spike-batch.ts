/**
 * The spike test of one frame as a pass of its own: a scan loop stores each row's price
 * here, and `reportSpikes` pushes them through the detector afterwards, the WebAssembly one
 * where it loads (spike-kernel.ts). Inlined into the bar loop, where every close goes past
 * tier 1, the JavaScript detector crowded out the loop's other inlined tests (V8 inlines by
 * size) and cost more than the two passes together. Quotes and trades, which tier 1 clears,
 * pushed inline until the kernel took tier 1 a block of prices at a time (their check loops
 * then took 6 to 22 % less time).
 */
import type { FixedWidth } from '../../model/fixed-point.js';
import type { FrameSink } from './finding-sink.js';
import { type SpikeReport, spikeValues } from './spike-values.js';

/** A spike test that takes a batch of prices: SpikeDetector, or its WebAssembly twin (spike-kernel.ts). */
export interface BatchSpikeTest extends SpikeReport {
  /** Tests each of the first `count` prices in order against the window before it, calling `spiked(k)` for each spike (with lastMedian and lastScale set). */
  pushAll(prices: Float64Array, count: number, spiked: (k: number) => void): void;
}

/** A series' spike test and the batch its scans fill (ticks; bars carry the same in BarSeries). */
export interface SeriesSpikes {
  readonly spikes: BatchSpikeTest;
  readonly batch: SpikeBatch;
}

/** Prices and their frame rows, reused from frame to frame of a series. */
export class SpikeBatch {
  prices = new Float64Array(0);
  rows = new Int32Array(0);

  /** Makes room for `length` prices (the scan fills them from index 0). */
  begin(length: number): void {
    if (this.prices.length < length) {
      this.prices = new Float64Array(length);
      this.rows = new Int32Array(length);
    }
  }
}

/**
 * One tick frame's scan and its spike test: `scanRows` runs the row checks, storing each
 * row's price and row in the arrays it gets, and returns how many; then the prices go
 * through the spike test. The row loop stays a function with nothing after its loop: V8
 * optimises such a loop while it runs, before code after it has ever run, and the optimised
 * code then bailed out at that code's first call on every frame (no type feedback there yet;
 * the quote loop was 15 % slower).
 */
export function scanTicks(ticks: SeriesSpikes, length: number, what: string, width: FixedWidth, sink: FrameSink, scanRows: (prices: Float64Array, rows: Int32Array) => number): void {
  const { spikes, batch } = ticks;
  batch.begin(length);
  const count = scanRows(batch.prices, batch.rows);
  reportSpikes(batch.prices, batch.rows, 0, count, spikes, what, width, sink);
}

/**
 * Tests the first `count` prices in order and reports each spike as `what` (the price's name)
 * at frame row `rowBase + rows[k]`: a batch's prices, or a block of closes where the bar
 * kernel wrote them (bar-scan-kernel.ts).
 */
export function reportSpikes(prices: Float64Array, rows: Int32Array, rowBase: number, count: number, spikes: BatchSpikeTest, what: string, width: FixedWidth, sink: FrameSink): void {
  spikes.pushAll(prices, count, (k) => sink.add('price_spike', rowBase + rows[k]!, spikeValues(what, prices[k]!, spikes, width)));
}
