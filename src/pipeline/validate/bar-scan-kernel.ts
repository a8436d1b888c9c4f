/**
 * The bar checks of 8-byte bars in WebAssembly (wasm/bar-scan.ts, the validation's
 * kernels.wasm, one instance per process): the frame's columns are copied into the kernel's
 * memory a block at a time, the kernel tests every bar exactly on i64 raws, and the few rows
 * it records are worded here in the order scanBarsPlainly (bar-checks.ts) adds them. That loop
 * stays the reference (a property test holds the two to the same findings) and the path for
 * 16-byte bars and for a process without the module.
 *
 * Why: the JavaScript loop builds a float per raw from 32-bit words and tests precision
 * through them; the kernel's tests are a compare or a multiplication each.
 */
import type { Frame } from '../../model/frames.js';
import { QUANTITY_RAW_MAX } from '../../model/fixed-point.js';
import type { WasmMemory } from '../../catalog/parquet/wasm-module.js';
import { validationInstance } from './kernel-module.js';
import type { PrecisionCheck } from './precision-check.js';
import { divisibilityOf } from './divisibility.js';

interface BarScanKernel {
  memory: WasmMemory;
  SPACING: { value: number };
  SENTINEL: { value: number };
  OHLC: { value: number };
  NEGATIVE: { value: number };
  DRIFT: { value: number };
  setUpBars(rows: number): number;
  barRegion(k: number): number;
  setSpacing(started: number, last: bigint): void;
  spacingStarted(): number;
  spacingLast(): bigint;
  closesWritten(): number;
  scanBars8(
    count: number, step: bigint,
    priceShift: number, priceInverse: bigint, priceLimit: bigint,
    sizeShift: number, sizeInverse: bigint, sizeLimit: bigint,
    volumeMax: bigint,
  ): number;
}

/** Bars a call takes: 16,384 × 80 bytes, inside the kernel's 2 MB. */
const ROWS = 1 << 14;
/** QUANTITY_RAW_MAX at 8 bytes, as the i64 the kernel takes for its u64. */
const VOLUME_MAX = BigInt.asIntN(64, QUANTITY_RAW_MAX[8]);

/** What a scan found for the rows it recorded (chunk-relative rows; bits as wasm/bar-scan.ts). */
export interface BarScanRecords {
  readonly rows: Int32Array;
  readonly bits: Int32Array;
  /** The ts_init a spacing finding was measured from, as 32-bit words (low, high). */
  readonly previous: Uint32Array;
}

/** The kernel's flags, read from its exports. */
export interface BarFlags {
  readonly spacing: number;
  readonly sentinel: number;
  readonly ohlc: number;
  readonly negative: number;
  readonly drift: number;
}

export class BarScanner {
  readonly flags: BarFlags;
  private readonly bytes: Uint8Array;
  private readonly regions: number[];
  readonly closes: Float64Array;
  readonly closeRows: Int32Array;
  readonly records: BarScanRecords;

  private constructor(private readonly kernel: BarScanKernel) {
    const buffer = kernel.memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.regions = Array.from({ length: 11 }, (_, k) => kernel.barRegion(k));
    this.closes = new Float64Array(buffer, this.regions[6]!, ROWS);
    this.closeRows = new Int32Array(buffer, this.regions[7]!, ROWS);
    this.records = {
      rows: new Int32Array(buffer, this.regions[8]!, ROWS),
      bits: new Int32Array(buffer, this.regions[9]!, ROWS),
      previous: new Uint32Array(buffer, this.regions[10]!, 2 * ROWS),
    };
    this.flags = { spacing: kernel.SPACING.value, sentinel: kernel.SENTINEL.value, ohlc: kernel.OHLC.value, negative: kernel.NEGATIVE.value, drift: kernel.DRIFT.value };
  }

  static create(): BarScanner | undefined {
    const kernel = validationInstance<BarScanKernel>();
    return kernel && kernel.setUpBars(ROWS) === 1 ? new BarScanner(kernel) : undefined;
  }

  /** Bars one `scan` takes. */
  get capacity(): number {
    return ROWS;
  }

  /** Sets the spacing state the next scan starts from: the reference ts_init, if any. */
  setSpacing(started: boolean, last: bigint): void {
    this.kernel.setSpacing(started ? 1 : 0, last);
  }

  get spacingStarted(): boolean {
    return this.kernel.spacingStarted() === 1;
  }

  get spacingLast(): bigint {
    return BigInt.asUintN(64, this.kernel.spacingLast());
  }

  /** Closes the last scan wrote (closes and closeRows hold them). */
  get closesWritten(): number {
    return this.kernel.closesWritten();
  }

  /**
   * Checks bars [from, from + count) of `frame` (8-byte raws, count <= capacity); `stepNs`
   * undefined: no spacing test. Returns the number of records.
   */
  scan(frame: Frame<'bar'>, from: number, count: number, stepNs: number | undefined, price: PrecisionCheck, size: PrecisionCheck): number {
    const c = frame.columns;
    const columns = [c.open.bytes, c.high.bytes, c.low.bytes, c.close.bytes, c.volume.bytes];
    for (let k = 0; k < 5; k++) this.bytes.set(columns[k]!.subarray(from * 8, (from + count) * 8), this.regions[k]!);
    const ts = c.ts_init;
    this.bytes.set(new Uint8Array(ts.buffer, ts.byteOffset + from * 8, count * 8), this.regions[5]!);
    const p = divisibilityOf(price.excess);
    const s = divisibilityOf(size.excess);
    return this.kernel.scanBars8(count, stepNs === undefined ? 0n : BigInt(stepNs), p.shift, p.inverse, p.limit, s.shift, s.inverse, s.limit, VOLUME_MAX);
  }
}

let scanner: BarScanner | null | undefined;

/** The process's bar scanner, or undefined when the module is not built. */
export function barScanner(): BarScanner | undefined {
  if (scanner === undefined) scanner = BarScanner.create() ?? null;
  return scanner ?? undefined;
}
