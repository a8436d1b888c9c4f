/**
 * The validation's WebAssembly module (wasm/kernels.ts, built into kernels.wasm beside this
 * file), compiled once per process; each user instantiates it for a memory and globals of
 * its own (spike-kernel.ts, bar-scan-kernel.ts, time-scan-kernel.ts).
 */
import { compileWasm, instantiateCompiled } from '../../model/wasm-load.js';

let compiled: object | null | undefined;

/** The compiled module, or null when it is missing (not built) or fails to compile. */
function validationModule(): object | null {
  if (compiled === undefined) compiled = compileWasm(new URL('./kernels.wasm', import.meta.url));
  return compiled;
}

/** A fresh instance's exports (its own memory and globals), or null when the module is not available. */
export function validationInstance<T>(): T | null {
  const module = validationModule();
  return module && (instantiateCompiled(module) as T | null);
}
