/**
 * Loads the WebAssembly kernels built beside this module (`npm run build` compiles
 * `wasm/kernels.ts` with AssemblyScript into `kernels.wasm`). The module is compiled on first
 * use, once per process however many loaders ask for it, so a process that never reads
 * Parquet pays nothing at start-up; a module that is missing or fails to load is reported as
 * null and callers use their JavaScript path.
 */
import { readFileSync } from 'node:fs';

/** The little of WebAssembly used here (the project's `lib` has no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** A module's linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 64 * 1024;

/** Exports by module name (null: not available). */
const loaded = new Map<string, unknown>();

/** A loader for `<name>.wasm`: compiles it on the first call of any loader of that name, then returns the same exports (null when not available). */
export function wasmLoader<T extends { memory: WasmMemory }>(name: string): () => T | null {
  let exports: T | null | undefined;
  return () => {
    if (exports === undefined) {
      if (!loaded.has(name)) {
        try {
          const bytes = readFileSync(new URL(`./${name}.wasm`, import.meta.url));
          loaded.set(name, new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports);
        } catch {
          loaded.set(name, null);
        }
      }
      exports = loaded.get(name) as T | null;
    }
    return exports;
  };
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

/**
 * Grows `memory` to hold at least `bytes`. Growing detaches the memory's ArrayBuffer, which
 * slows typed arrays process-wide (see scripts/build-wasm.mjs): the kernels' memory starts
 * large enough that the usual reads never get here.
 */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** Rounds up to a multiple of 16 (where each region of a module's memory starts). */
export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
