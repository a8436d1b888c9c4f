/**
 * The time checks in WebAssembly (wasm/time-scan.ts, the validation's kernels.wasm, one
 * instance per process): a frame's ts_init and ts_event are copied into the kernel's memory a
 * block at a time, and the kernel records the rows that need words. time-checks.ts handles
 * those records in the JavaScript loop's order; that loop (scanTimesPlainly) stays the
 * reference, held to the same reports by a property test, and the path for a process without
 * the module.
 *
 * Why: the JavaScript loop reads each stamp as two 32-bit words and computes offsets as
 * doubles, about 11 ns a row on a quiet machine and over 40 % of the quote checks' time; the
 * kernel compares u64 stamps.
 */
import type { WasmMemory } from '../../catalog/parquet/wasm-module.js';
import { validationInstance } from './kernel-module.js';

interface TimeScanKernel {
  memory: WasmMemory;
  DAY: { value: number };
  GAP: { value: number };
  TIE: { value: number };
  ORDER: { value: number };
  SKEW: { value: number };
  setUpTimes(rows: number): number;
  timeRegion(k: number): number;
  beginTimes(started: number, latest: bigint, samplesLeft: number, threshold: number): void;
  refreshed(samplesLeft: number, threshold: number): void;
  timesStarted(): number;
  timesLatest(): bigint;
  samplesLeft(): number;
  timesStoppedAt(): number;
  scanTimes(from: number, count: number, maxLag: number): number;
}

/** Rows a block holds: 16,384 × 32 bytes with the records, inside the kernel's 2 MB. */
const ROWS = 1 << 14;

/** The kernel's record bits, read from its exports. */
export interface TimeFlags {
  readonly day: number;
  readonly gap: number;
  readonly tie: number;
  readonly order: number;
  readonly skew: number;
}

export class TimeScanner {
  readonly flags: TimeFlags;
  /** The gap histogram's counts in the kernel's memory (64 buckets). */
  readonly histogram: Float64Array;
  readonly recordRows: Int32Array;
  readonly recordBits: Int32Array;
  /** The latest ts_init before a recorded row, as 32-bit words (low, high). */
  readonly recordLatest: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly initAt: number;
  private readonly eventAt: number;

  private constructor(private readonly kernel: TimeScanKernel) {
    const buffer = kernel.memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.initAt = kernel.timeRegion(0);
    this.eventAt = kernel.timeRegion(1);
    this.histogram = new Float64Array(buffer, kernel.timeRegion(2), 64);
    this.recordRows = new Int32Array(buffer, kernel.timeRegion(3), ROWS);
    this.recordBits = new Int32Array(buffer, kernel.timeRegion(4), ROWS);
    this.recordLatest = new Uint32Array(buffer, kernel.timeRegion(5), 2 * ROWS);
    this.flags = { day: kernel.DAY.value, gap: kernel.GAP.value, tie: kernel.TIE.value, order: kernel.ORDER.value, skew: kernel.SKEW.value };
  }

  static create(): TimeScanner | undefined {
    const kernel = validationInstance<TimeScanKernel>();
    return kernel && kernel.setUpTimes(ROWS) === 1 ? new TimeScanner(kernel) : undefined;
  }

  /** Rows one block holds. */
  get capacity(): number {
    return ROWS;
  }

  /** Starts a frame from the latest ts_init (if any), the gap samples left (0: no gap estimate) and the threshold. */
  begin(started: boolean, latest: bigint, samplesLeft: number, threshold: number): void {
    this.kernel.beginTimes(started ? 1 : 0, latest, samplesLeft, threshold);
  }

  /** Copies rows [from, from + count) of the two columns into the kernel (count <= capacity). */
  load(tsInit: BigUint64Array, tsEvent: BigUint64Array, from: number, count: number): void {
    this.bytes.set(new Uint8Array(tsInit.buffer, tsInit.byteOffset + from * 8, count * 8), this.initAt);
    this.bytes.set(new Uint8Array(tsEvent.buffer, tsEvent.byteOffset + from * 8, count * 8), this.eventAt);
  }

  /** Scans loaded rows from `from` (block-relative) until `count` or a stop for a refresh; returns the number of records. */
  scan(from: number, count: number, maxLagNs: number): number {
    return this.kernel.scanTimes(from, count, maxLagNs);
  }

  refreshed(samplesLeft: number, threshold: number): void {
    this.kernel.refreshed(samplesLeft, threshold);
  }

  get stoppedAt(): number {
    return this.kernel.timesStoppedAt();
  }

  get started(): boolean {
    return this.kernel.timesStarted() === 1;
  }

  get latest(): bigint {
    return BigInt.asUintN(64, this.kernel.timesLatest());
  }

  get samplesLeft(): number {
    return this.kernel.samplesLeft();
  }
}

let scanner: TimeScanner | null | undefined;

/** The process's time scanner, or undefined when the module is not built. */
export function timeScanner(): TimeScanner | undefined {
  if (scanner === undefined) scanner = TimeScanner.create() ?? null;
  return scanner ?? undefined;
}
