/**
 * The quote and trade row checks in WebAssembly (wasm/tick-scan.ts, the validation's
 * kernels.wasm, one instance per process): a frame's fixed columns are copied into the
 * kernel's memory a block at a time, the kernel tests every row on the raws as integers and
 * writes each row's price for the spike test, and the few rows it records are worded by
 * quote-checks.ts and trade-checks.ts in the order their JavaScript loops add findings. Those
 * loops stay the reference (a property test holds both paths to the same reports) and the
 * path for a process without the module.
 *
 * Why: the JavaScript loops build their floats from 32-bit words with a bounds check per
 * load and test precision through several float steps; they were ~60 % of a quote
 * validation's check loop (88 ns a row on this machine). The kernel's loads are plain and its
 * precision test ends in one integer product.
 */
import type { WasmMemory } from '../../catalog/parquet/wasm-module.js';
import { type FixedWidth, QUANTITY_RAW_MAX } from '../../model/fixed-point.js';
import type { FixedColumn } from '../../model/frames.js';
import { divisibilityOf } from './divisibility.js';
import { validationInstance } from './kernel-module.js';
import type { PrecisionCheck } from './precision-check.js';

interface TickScanKernel {
  memory: WasmMemory;
  TICK_SENTINEL: { value: number };
  TICK_CROSSED: { value: number };
  TICK_LOCKED: { value: number };
  TICK_ZERO: { value: number };
  TICK_NEGATIVE: { value: number };
  TICK_DRIFT: { value: number };
  setUpTicks(rows: number): number;
  tickRegion(k: number): number;
  setPrecision(pInverse: number, pDivisor: bigint, pLimit: number, sInverse: number, sDivisor: bigint, sLimit: number, maxHigh: bigint, maxLow: bigint, sShift: number, sOddInverse: bigint, sOddLimit: bigint): void;
  pricesWritten(): number;
  scanQuotes16(count: number): number;
  scanQuotes8(count: number): number;
  scanTrades16(count: number): number;
  scanTrades8(count: number): number;
}

/** Rows a block holds: 16,384 × (4 columns of 16 bytes, a price, its row, a record) inside the kernel's 2 MB. */
const ROWS = 1 << 14;
const MASK_64 = (1n << 64n) - 1n;

/** The kernel's record bits, read from its exports. */
export interface TickFlags {
  readonly sentinel: number;
  readonly crossed: number;
  readonly locked: number;
  readonly zero: number;
  readonly negative: number;
  /** Drift of column k is `drift << k`. */
  readonly drift: number;
}

export class TickScanner {
  readonly flags: TickFlags;
  /** The prices the last scan wrote, and their block-relative rows. */
  readonly prices: Float64Array;
  readonly priceRows: Int32Array;
  readonly recordRows: Int32Array;
  readonly recordBits: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly columnAt: number[];

  private constructor(private readonly kernel: TickScanKernel) {
    const buffer = kernel.memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.columnAt = [0, 1, 2, 3].map((k) => kernel.tickRegion(k));
    this.prices = new Float64Array(buffer, kernel.tickRegion(4), ROWS);
    this.priceRows = new Int32Array(buffer, kernel.tickRegion(5), ROWS);
    this.recordRows = new Int32Array(buffer, kernel.tickRegion(6), ROWS);
    this.recordBits = new Int32Array(buffer, kernel.tickRegion(7), ROWS);
    this.flags = {
      sentinel: kernel.TICK_SENTINEL.value,
      crossed: kernel.TICK_CROSSED.value,
      locked: kernel.TICK_LOCKED.value,
      zero: kernel.TICK_ZERO.value,
      negative: kernel.TICK_NEGATIVE.value,
      drift: kernel.TICK_DRIFT.value,
    };
  }

  static create(): TickScanner | undefined {
    const kernel = validationInstance<TickScanKernel>();
    return kernel && kernel.setUpTicks(ROWS) === 1 ? new TickScanner(kernel) : undefined;
  }

  /** Rows one scan takes. */
  get capacity(): number {
    return ROWS;
  }

  /** Sets the precision tests and the size limit of the scans that follow (per frame). */
  begin(width: FixedWidth, price: PrecisionCheck, size: PrecisionCheck): void {
    const max = QUANTITY_RAW_MAX[width];
    const sizes = divisibilityOf(size.excess);
    this.kernel.setPrecision(
      price.constants[0]!, divisorOf(price), limitOf(price, width),
      size.constants[0]!, divisorOf(size), limitOf(size, width),
      BigInt.asIntN(64, max >> 64n), BigInt.asIntN(64, max & MASK_64),
      sizes.shift, sizes.inverse, sizes.limit,
    );
  }

  /** Checks quotes [from, from + count) (count <= capacity); returns the number of records. */
  scanQuotes(columns: readonly [FixedColumn, FixedColumn, FixedColumn, FixedColumn], width: FixedWidth, from: number, count: number): number {
    for (let k = 0; k < 4; k++) this.load(k, columns[k]!, width, from, count);
    return width === 16 ? this.kernel.scanQuotes16(count) : this.kernel.scanQuotes8(count);
  }

  /** Checks trades [from, from + count) (count <= capacity); returns the number of records. */
  scanTrades(price: FixedColumn, size: FixedColumn, width: FixedWidth, from: number, count: number): number {
    this.load(0, price, width, from, count);
    this.load(1, size, width, from, count);
    return width === 16 ? this.kernel.scanTrades16(count) : this.kernel.scanTrades8(count);
  }

  /** Prices the last scan wrote. */
  get pricesWritten(): number {
    return this.kernel.pricesWritten();
  }

  private load(k: number, column: FixedColumn, width: FixedWidth, from: number, count: number): void {
    this.bytes.set(column.bytes.subarray(from * width, (from + count) * width), this.columnAt[k]!);
  }
}

/**
 * Scans rows [0, length) a block at a time: `scan` checks a block (from, count) and returns its
 * records, `word` gets each record's frame row and bits, then `afterBlock` the block's start
 * (while the block's prices are still in the kernel's memory).
 */
export function scanInBlocks(scanner: TickScanner, length: number, scan: (from: number, count: number) => number, word: (i: number, bits: number) => void, afterBlock: (from: number) => void): void {
  const { recordRows, recordBits } = scanner;
  for (let from = 0; from < length; from += scanner.capacity) {
    const recorded = scan(from, Math.min(scanner.capacity, length - from));
    for (let r = 0; r < recorded; r++) word(from + recordRows[r]!, recordBits[r]!);
    afterBlock(from);
  }
}

/** 10^k as the kernel takes it; 0 when the column is declared at the finest precision (nothing to test). */
function divisorOf(check: PrecisionCheck): bigint {
  return check.excess === 0 ? 0n : BigInt(check.constants[1]!);
}

/**
 * The kernel's limit on |v| for a column: where its float test is exact (PrecisionCheck's
 * vLimit; any value when nothing is tested), and below every sentinel (±2^63 and 2^64 − 1 at
 * 8 bytes, beyond 2^126 at 16) and every size above QUANTITY_RAW_MAX (≈ 2^64 at 8 bytes,
 * ≈ 2^98 at 16), so the fast test alone clears a row.
 */
function limitOf(check: PrecisionCheck, width: FixedWidth): number {
  const below = width === 8 ? 2 ** 62 : 2 ** 78;
  return check.excess === 0 ? below : Math.min(check.constants[2]!, below);
}

let scanner: TickScanner | null | undefined;
let kernelAllowed = true;

/** The process's tick scanner, or undefined when the module is not built (or a test disallowed it). */
export function tickScanner(): TickScanner | undefined {
  if (!kernelAllowed) return undefined;
  if (scanner === undefined) scanner = TickScanner.create() ?? null;
  return scanner ?? undefined;
}

/** Tests only: false makes every quote and trade frame take the JavaScript loops (the reference). */
export function allowTickKernel(allowed: boolean): void {
  kernelAllowed = allowed;
}
