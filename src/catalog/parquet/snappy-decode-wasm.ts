/**
 * Runs the WebAssembly snappy decoder (`wasm/snappy-decode.ts`, part of kernels.wasm) on one
 * page. A fast path: when the module is missing or the kernel finds the block corrupt,
 * callers use the JavaScript decoder, which decides and words the error.
 */
import { type WasmMemory, align16, claimMemory, ensureMemory, wasmLoader } from './wasm-module.js';

interface SnappyExports {
  memory: WasmMemory;
  snappyDecode(inAt: number, inEnd: number, outAt: number, size: number): number;
}

const kernels = wasmLoader<SnappyExports>('kernels');

/** SLACK in wasm/snappy-decode.ts. */
const SLACK = 16;

/** The `size` bytes the snappy block `input` holds, in a new array; undefined when the fast path declines (see above). */
export function snappyDecodeFast(input: Uint8Array, size: number): Uint8Array | undefined {
  const k = kernels();
  if (!k) return undefined;
  // The kernel may read up to SLACK bytes past the input (into the output's room) and write
  // as many past the output.
  const outAt = align16(input.length + SLACK);
  claimMemory(kernels);
  ensureMemory(k.memory, outAt + size + SLACK);
  const memory = new Uint8Array(k.memory.buffer);
  memory.set(input, 0);
  if (k.snappyDecode(0, input.length, outAt, size) !== 0) return undefined;
  return memory.slice(outAt, outAt + size);
}
