/**
 * The WebAssembly parser of plain Binance trade rows (wasm/trade-rows.ts, in the import's own
 * kernels.wasm) as TradeScanner drives it: a block of lines is copied into the kernel's memory
 * once, the kernel is run from any line of it, and the rows it took are copied into the
 * BatchBuilder's arrays (ids as numbers: model/trade-id-numbers.ts). A process without the module (not built)
 * gets no kernel, and the JavaScript scanner takes every row.
 *
 * Why WebAssembly: the scanner's byte loops cost about four times a bare JavaScript sum of the
 * same bytes; the kernel reads digits eight bytes at a time and finds trailing zeros without
 * dividing, and the parse stage of the benchmark's day fell from 286–330 to 169–211 ns a row
 * (BENCHMARKS.md, import).
 */
import { type WasmMemory, instantiateWasm } from '../../model/wasm-load.js';
import type { BatchBuilder } from './batch-builder.js';

interface TradeRowKernel {
  memory: WasmMemory;
  /** Where the kernel's own tables end (from 0). */
  TABLES_END: { value: number };
  scanTradeRows(
    inAt: number, inEnd: number, maxRows: number,
    priceAt: number, sizeAt: number, tsAt: number, idsAt: number, sidesAt: number, stateAt: number,
    lastId: number, lastMicros: number, dayStart: number, dayEnd: number, offsetNs: number,
    seenPrice: number, seenSize: number, width: number, skipsBeforeTime: number, skipsAfter: number,
  ): number;
}

// The kernel's memory (2 MB, never grown): its own tables from 0 (up to TABLES_END, checked at
// load), then the state it returns, the input and the output arrays.
const STATE_AT = 512;
const IN_AT = 1024;
/** Most bytes of lines copied in at once (a zlib chunk is 256 KB). */
const IN_MAX = 1 << 20;
/** Zero bytes after the copied lines: the kernel's 8-byte loads reach up to 15 bytes past the last newline. */
const PAD = 16;
/** Most rows one call takes (a 256 KB chunk holds about 3,500). */
const OUT_ROWS = 1 << 14;
const PRICE_AT = IN_AT + IN_MAX + 64;
const SIZE_AT = PRICE_AT + OUT_ROWS * 16;
const TS_AT = SIZE_AT + OUT_ROWS * 16;
const IDS_AT = TS_AT + OUT_ROWS * 8;
const SIDES_AT = IDS_AT + OUT_ROWS * 8;
const MEMORY_END = SIDES_AT + OUT_ROWS;

let loaded: TradeRowKernel | null | undefined;

function loadKernel(): TradeRowKernel | null {
  if (loaded === undefined) {
    const exports = instantiateWasm(new URL('./kernels.wasm', import.meta.url)) as TradeRowKernel | null;
    loaded = exports && exports.TABLES_END.value <= STATE_AT && exports.memory.buffer.byteLength >= MEMORY_END ? exports : null;
  }
  return loaded;
}

/** What the kernel checks rows against, from the series and the mapper (see TradeScanner.row). */
export interface TradeRowState {
  /** The last trade id taken, or -1. */
  readonly lastId: number;
  /** The last event time taken, µs, or -1. */
  readonly lastMicros: number;
  /** The current UTC day, `[start, end)` in µs. */
  readonly dayStartMicros: number;
  readonly dayEndMicros: number;
  /** Added to every time, ns. */
  readonly offsetNs: number;
  /** Most decimals seen so far in price and size. */
  readonly seenPrice: number;
  readonly seenSize: number;
}

export class TradeKernel {
  /** The block of lines in the kernel's memory: `source[from, end)` is at IN_AT. */
  private source: Uint8Array | undefined;
  private from = 0;
  private end = 0;
  /** After `take`: where it stopped (the first line not taken), and the last id and time taken. */
  stoppedAt = 0;
  lastId = -1;
  lastMicros = -1;

  // Views on the kernel's memory, made once: it never grows.
  private readonly bytes: Uint8Array;
  private readonly stopWord: Uint32Array;
  private readonly lastTaken: Float64Array;

  private constructor(
    private readonly k: TradeRowKernel,
    private readonly skipsBeforeTime: number,
    private readonly skipsAfter: number,
  ) {
    const memory = k.memory.buffer;
    this.bytes = new Uint8Array(memory);
    this.stopWord = new Uint32Array(memory, STATE_AT + 16, 1);
    this.lastTaken = new Float64Array(memory, STATE_AT, 2);
  }

  /** The kernel for rows of this shape, or undefined when the module is not available. */
  static load(skipsBeforeTime: number, skipsAfter: number): TradeKernel | undefined {
    const k = loadKernel();
    return k ? new TradeKernel(k, skipsBeforeTime, skipsAfter) : undefined;
  }

  /** Forgets the block in memory (the next `take` copies its lines again). */
  newBlock(): void {
    this.source = undefined;
  }

  /**
   * Takes rows from the line at `p` of `buf` (its lines `[p, end)` end with a newline) into
   * `builder` at its `length`, all of the builder's current day; returns how many. Sets
   * `stoppedAt`, `lastId` and `lastMicros`. Commits nothing: the caller does.
   */
  take(buf: Uint8Array, p: number, end: number, builder: BatchBuilder, state: TradeRowState): number {
    if (buf !== this.source || p < this.from || p >= this.end) {
      if (!this.copy(buf, p, end)) return 0;
    }
    const k = this.k;
    const width = builder.width;
    const maxRows = Math.min(OUT_ROWS, builder.capacity - builder.length);
    const rows = k.scanTradeRows(
      IN_AT + (p - this.from), IN_AT + (this.end - this.from), maxRows,
      PRICE_AT, SIZE_AT, TS_AT, IDS_AT, SIDES_AT, STATE_AT,
      state.lastId, state.lastMicros, state.dayStartMicros, state.dayEndMicros, state.offsetNs,
      state.seenPrice, state.seenSize, width, this.skipsBeforeTime, this.skipsAfter,
    );
    if (rows === 0) return 0;
    const bytes = this.bytes;
    this.stoppedAt = this.from + this.stopWord[0]! - IN_AT;
    this.lastId = this.lastTaken[0]!;
    this.lastMicros = this.lastTaken[1]!;
    const at = builder.length;
    builder.fixed[0]!.set(bytes.subarray(PRICE_AT, PRICE_AT + rows * width), at * width);
    builder.fixed[1]!.set(bytes.subarray(SIZE_AT, SIZE_AT + rows * width), at * width);
    builder.tsWords.set(new Uint32Array(bytes.buffer, TS_AT, rows * 2), at * 2);
    builder.aggressor.set(bytes.subarray(SIDES_AT, SIDES_AT + rows), at);
    builder.tradeIdNumber.set(new Float64Array(bytes.buffer, IDS_AT, rows), at);
    return rows;
  }

  /** Copies the lines from `p` on (up to IN_MAX bytes, cut after a newline) into memory; false when not one line fits. */
  private copy(buf: Uint8Array, p: number, end: number): boolean {
    let stop = end;
    if (stop - p > IN_MAX) {
      stop = buf.lastIndexOf(10, p + IN_MAX - 1) + 1;
      if (stop <= p) return false;
    }
    const bytes = this.bytes;
    bytes.set(buf.subarray(p, stop), IN_AT);
    bytes.fill(0, IN_AT + (stop - p), IN_AT + (stop - p) + PAD);
    this.source = buf;
    this.from = p;
    this.end = stop;
    return true;
  }
}
