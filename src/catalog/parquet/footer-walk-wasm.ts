/**
 * Runs the WebAssembly row-group walker (`wasm/footer-walk.ts`, part of kernels.wasm) on a
 * footer. A fast path for cold processes: when
 * the module is missing or the walker gives up, callers use the JavaScript walker, which
 * decides every footer the same way (see the walker's file comment).
 */
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

/** What the walk found, in the layout of footer-read's FooterIndex. */
export interface WalkedRowGroups {
  /** Offset in the footer just after the row group list. */
  readonly end: number;
  /** Column chunks noted (the arrays hold `capacity`). */
  readonly used: number;
  readonly chunkAt: Uint32Array;
  readonly statisticsAt: Uint32Array;
  /** Per chunk: 8-byte min and max as [minLow, minHigh, maxLow, maxHigh]. */
  readonly statisticsWords: Uint32Array;
  /** Per chunk: 1 when both min and max are 8 bytes (0 too for columns not asked for). */
  readonly statisticsPresent: Uint8Array;
  readonly groupFirst: Uint32Array;
  readonly groupColumns: Uint32Array;
  readonly numRows: Float64Array;
  readonly totalByteSize: Float64Array;
  /** The column count every row group has, or -1 when they differ (or there are none). */
  readonly uniformColumns: number;
  /** With uniformColumns ≥ 1: bit c set when column c's statistics words are chained (see statistics-chain.ts); else 0. */
  readonly chainedColumns: number;
}

interface WalkerExports {
  memory: WasmMemory;
  uniformColumns: { value: number };
  chainedColumns: { value: number };
  walkRowGroups(
    base: number, end: number, at: number, count: number, capacity: number,
    chunkAt: number, statsAt: number, statWords: number, statPresent: number,
    groupFirst: number, groupColumns: number, numRows: number, totalByteSize: number,
    statisticsColumns: number,
  ): number;
}

/** Footers above this stay with JavaScript, so the module's memory stays small. */
const MAX_FOOTER = 64 << 20;


/** True when the WebAssembly kernels are built and load (the tests check the built tree has them). */
export function footerWalkerAvailable(): boolean {
  return loadKernels<WalkerExports>() !== null;
}

/**
 * Walks `count` row groups of `footer` starting at `at`, with room for `capacity` column
 * chunks; returns undefined when the walker is unavailable or gives up. Statistics words
 * are taken for the columns (by position in a row group) whose bit is set in
 * `statisticsColumns`, and for every column from the 33rd on.
 */
export function walkRowGroupsFast(footer: Uint8Array, at: number, count: number, capacity: number, statisticsColumns = 0xffffffff): WalkedRowGroups | undefined {
  const w = footer.length <= MAX_FOOTER ? loadKernels<WalkerExports>() : null;
  if (!w) return undefined;
  // Layout: footer at 0, then the outputs, each 16-byte aligned.
  const chunkAt = align16(footer.length);
  const statsAt = chunkAt + align16(capacity * 4);
  const statWords = statsAt + align16(capacity * 4);
  const statPresent = statWords + capacity * 16;
  const groupFirst = statPresent + align16(capacity);
  const groupColumns = groupFirst + align16(count * 4);
  const numRows = groupColumns + align16(count * 4);
  const totalByteSize = numRows + count * 8;
  claimMemory(walkRowGroupsFast);
  ensureMemory(w.memory, totalByteSize + count * 8);
  new Uint8Array(w.memory.buffer, 0, footer.length).set(footer);
  const end = w.walkRowGroups(0, footer.length, at, count, capacity, chunkAt, statsAt, statWords, statPresent, groupFirst, groupColumns, numRows, totalByteSize, statisticsColumns);
  if (end < 0) return undefined;
  const memory = w.memory.buffer;
  const firsts = new Uint32Array(memory, groupFirst, count).slice();
  const columns = new Uint32Array(memory, groupColumns, count).slice();
  return {
    end,
    used: count === 0 ? 0 : firsts[count - 1]! + columns[count - 1]!,
    chunkAt: new Uint32Array(memory, chunkAt, capacity).slice(),
    statisticsAt: new Uint32Array(memory, statsAt, capacity).slice(),
    statisticsWords: new Uint32Array(memory, statWords, capacity * 4).slice(),
    statisticsPresent: new Uint8Array(memory, statPresent, capacity).slice(),
    groupFirst: firsts,
    groupColumns: columns,
    numRows: new Float64Array(memory, numRows, count).slice(),
    totalByteSize: new Float64Array(memory, totalByteSize, count).slice(),
    uniformColumns: w.uniformColumns.value,
    chainedColumns: w.chainedColumns.value >>> 0,
  };
}
