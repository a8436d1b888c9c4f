/**
 * The catalog's WebAssembly kernels (`wasm/kernels.ts`, built into `kernels.wasm` beside this
 * module) and the memory they share. The module is compiled on first use, so a process that
 * never reads Parquet pays nothing at start-up; a module that is missing or fails to load is
 * reported as null and callers use their JavaScript path (../../model/wasm-load.ts).
 */
import { type WasmMemory, instantiateWasm } from '../../model/wasm-load.js';

export type { WasmMemory } from '../../model/wasm-load.js';

const PAGE = 64 * 1024;

/** The kernels' exports once loaded; null when not available. */
let kernels: unknown;

/** The kernels' exports (each caller types the ones it uses), compiled on the first call; null when not available. */
export function loadKernels<T extends { memory: WasmMemory }>(): T | null {
  if (kernels === undefined) kernels = instantiateWasm(new URL('./kernels.wasm', import.meta.url));
  return kernels as T | null;
}

let memoryUser: unknown;

/**
 * Records that `user` is about to write the kernels' shared memory. Returns false when
 * another user has written it since `user` last did, so whatever `user` left resident
 * there (the dictionary expander keeps a column chunk's dictionary) must be copied again.
 */
export function claimMemory(user: unknown): boolean {
  const kept = memoryUser === user;
  memoryUser = user;
  return kept;
}

/** The highest byte a kernel asked for (ensureMemory) since resetHighWater. */
let highWater = 0;

/** Starts watching how high the kernels write (the conformance facts keep data above what pages use: ../row-group-facts.ts). */
export function resetHighWater(): void {
  highWater = 0;
}

/** The highest byte a kernel asked for since resetHighWater. */
export function kernelHighWater(): number {
  return highWater;
}

/**
 * Grows `memory` to hold at least `bytes`, which every kernel call asks for before it writes.
 * Growing detaches the memory's ArrayBuffer, which slows typed arrays process-wide (see
 * scripts/build-wasm.mjs): the kernels' memory starts large enough that the usual reads
 * never get here. `watched` false: the write goes to a slot the facts gave (PageWatch), which
 * the high-water mark leaves out.
 */
export function ensureMemory(memory: WasmMemory, bytes: number, watched = true): void {
  if (watched && bytes > highWater) highWater = bytes;
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/**
 * How the conformance facts (../row-group-facts.ts) follow one page of values through a
 * decoding kernel: where the kernel should put the values, and where it did.
 */
export interface PageWatch {
  /**
   * A slot of the facts' memory for exactly this page's values, or undefined. The kernel
   * writes there only when its own input lies below it, and then leaves it out of the
   * high-water mark: the facts compare slots of several columns later.
   */
  readonly placeAt: number | undefined;
  /** The values were decoded at byte `offset` of the kernels' memory (before being copied out). */
  seen(offset: number): void;
}

/**
 * Where a kernel writes `bytes` of output whose own input ends at `inputEnd`: the watch's
 * slot when the input lies below it (then left out of the high-water mark), else right after
 * the input. Makes the memory large enough for both.
 */
export function outputAt(memory: WasmMemory, watch: PageWatch | undefined, inputEnd: number, bytes: number): number {
  const placeAt = watch?.placeAt;
  if (placeAt === undefined || inputEnd > placeAt) {
    ensureMemory(memory, inputEnd + bytes);
    return inputEnd;
  }
  ensureMemory(memory, inputEnd);
  ensureMemory(memory, placeAt + bytes, false);
  return placeAt;
}

let wordsView: Int32Array | undefined;

/**
 * The kernels' memory as 32-bit words, one view for as long as the memory does not grow
 * (growing replaces its ArrayBuffer): the facts read and set a few words per row group,
 * and making a view each time cost about 2 µs.
 */
export function memoryWords(memory: WasmMemory): Int32Array {
  const buffer = memory.buffer;
  if (wordsView?.buffer !== buffer) wordsView = new Int32Array(buffer);
  return wordsView;
}

/** Rounds up to a multiple of 16 (where each region of a module's memory starts). */
export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
