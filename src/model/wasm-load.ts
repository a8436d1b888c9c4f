/**
 * Loads the project's WebAssembly modules: each layer's `wasm/kernels.ts` is compiled by
 * `npm run build` (AssemblyScript, scripts/build-wasm.mjs) into a `kernels.wasm` beside the
 * module that uses it. A module that is missing or fails to load is reported as null, and
 * its callers use their JavaScript path.
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

/** The exports of the WebAssembly module at `url` (built by `npm run build`, no imports), or null when it is missing or fails to load. */
export function instantiateWasm(url: URL): unknown {
  const module = compileWasm(url);
  return module && instantiateCompiled(module);
}

/** The compiled WebAssembly module at `url`, for instantiating it more than once, or null when it is missing or fails to compile. */
export function compileWasm(url: URL): object | null {
  try {
    return new WebAssembly.Module(readFileSync(url));
  } catch {
    return null;
  }
}

/** A fresh instance of `module` (no imports): its exports, or null when it fails to instantiate. */
export function instantiateCompiled(module: object): unknown {
  try {
    return new WebAssembly.Instance(module, {}).exports;
  } catch {
    return null;
  }
}
