/**
 * The batch spike test in WebAssembly (wasm/spike-test.ts, the validation's own kernels.wasm),
 * for bar closes and tick prices: nearly every close goes past tier 1 to the grid, whose few
 * counts and comparisons cost about 50 ns a close as JavaScript, and ticks pass tier 1 a block
 * at a time. The kernel takes the same steps with the same floating-point operations as
 * SpikeDetector.pushAll, which stays the reference (a property test holds the two to the same
 * verdicts, medians and scales) and the fallback: for a process without the module, and for
 * windows too long for the kernel's memory.
 *
 * Each detector instantiates the module once more (compiled once per process), so the
 * module's globals and its 2 MB memory are that detector's state. The memory is never grown.
 */
import type { WasmMemory } from '../../catalog/parquet/wasm-module.js';
import { validationInstance } from './kernel-module.js';
import type { BatchSpikeTest } from './spike-batch.js';
import { SpikeDetector } from './spike-detector.js';

interface SpikeKernel {
  memory: WasmMemory;
  /** 0 when the detector does not fit the memory. */
  setUp(window: number, mads: number, step: number, capacity: number): number;
  pricesAt(): number;
  spikeRowsAt(): number;
  spikeMediansAt(): number;
  spikeScalesAt(): number;
  restingNow(): number;
  /** Tests the prices at pricesAt(); returns how many spikes it wrote to the spike slots. */
  pushAll(count: number): number;
}

/** Prices a call takes (the caller's batch is cut into pieces of this many). */
const CAPACITY = 4096;

export class WasmSpikeDetector implements BatchSpikeTest {
  lastMedian = 0;
  lastScale = 0;
  private readonly prices: Float64Array;
  private readonly spikeRows: Int32Array;
  private readonly spikeMedians: Float64Array;
  private readonly spikeScales: Float64Array;

  private constructor(
    readonly window: number,
    private readonly kernel: SpikeKernel,
  ) {
    const buffer = kernel.memory.buffer;
    this.prices = new Float64Array(buffer, kernel.pricesAt(), CAPACITY);
    this.spikeRows = new Int32Array(buffer, kernel.spikeRowsAt(), CAPACITY);
    this.spikeMedians = new Float64Array(buffer, kernel.spikeMediansAt(), CAPACITY);
    this.spikeScales = new Float64Array(buffer, kernel.spikeScalesAt(), CAPACITY);
  }

  /** A detector as SpikeDetector's constructor takes it, or undefined when the kernel is not built or the window does not fit its memory. */
  static create(window: number, mads: number, step: number): WasmSpikeDetector | undefined {
    const kernel = validationInstance<SpikeKernel>();
    if (!kernel || kernel.setUp(window, mads, step, CAPACITY) === 0) return undefined;
    return new WasmSpikeDetector(window, kernel);
  }

  pushAll(prices: Float64Array, count: number, spiked: (k: number) => void): void {
    for (let start = 0; start < count; start += CAPACITY) {
      const n = Math.min(CAPACITY, count - start);
      this.prices.set(start === 0 && n === prices.length ? prices : prices.subarray(start, start + n));
      const found = this.kernel.pushAll(n);
      for (let j = 0; j < found; j++) {
        this.lastMedian = this.spikeMedians[j]!;
        this.lastScale = this.spikeScales[j]!;
        spiked(start + this.spikeRows[j]!);
      }
    }
  }

  /** True while tier 1 rests (for tests). */
  get resting(): boolean {
    return this.kernel.restingNow() === 1;
  }
}

/** The batch spike test for a series: the kernel when it loads and the window fits, else SpikeDetector. */
export function batchSpikeTest(window: number, mads: number, step: number): BatchSpikeTest {
  return WasmSpikeDetector.create(window, mads, step) ?? new SpikeDetector(window, mads, step);
}
