/**
 * Loads the WebAssembly fast paths built beside this module (`npm run build` compiles
 * `wasm/*.ts` with AssemblyScript). Each is compiled on first use, so a process that never
 * reads Parquet pays nothing at start-up; a module that is missing or fails to load is
 * reported as null and callers use their JavaScript path.
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

/** A loader for `<name>.wasm`: compiles it on the first call, then returns the same exports (null when not available). */
export function wasmLoader<T extends { memory: WasmMemory }>(name: string): () => T | null {
  let exports: T | null | undefined;
  return () => {
    if (exports === undefined) {
      try {
        const bytes = readFileSync(new URL(`./${name}.wasm`, import.meta.url));
        exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as T;
      } catch {
        exports = null;
      }
    }
    return exports;
  };
}

/** Grows `memory` to hold at least `bytes`. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** Rounds up to a multiple of 16 (where each region of a module's memory starts). */
export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
