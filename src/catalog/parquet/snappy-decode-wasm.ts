/**
 * Runs the WebAssembly snappy decoder (`wasm/snappy-decode.ts`, part of kernels.wasm) on one
 * page. A fast path: when the module is missing or the kernel finds the block corrupt,
 * callers use the JavaScript decoder, which decides and words the error.
 */
import { copyOf } from './fresh-bytes.js';
import { type PageWatch, type WasmMemory, align16, claimMemory, loadKernels, outputAt } from './wasm-module.js';

interface SnappyExports {
  memory: WasmMemory;
  snappyDecode(inAt: number, inEnd: number, outAt: number, size: number): number;
  /** Bytes the kernel may read past the input and write past the output. */
  SLACK: { value: number };
}


/**
 * The `size` bytes the snappy block `input` holds, in a new array; undefined when the fast
 * path declines (see above). `watch` may ask for the bytes at its slot, and sees where in
 * the kernels' memory they were decoded, before they are copied out.
 */
export function snappyDecodeFast(input: Uint8Array, size: number, watch?: PageWatch): Uint8Array | undefined {
  const k = loadKernels<SnappyExports>();
  if (!k) return undefined;
  // The kernel may read up to its SLACK bytes past the input (into the output's room) and
  // write as many past the output.
  const slack = k.SLACK.value;
  claimMemory(snappyDecodeFast);
  const outAt = outputAt(k.memory, watch, align16(input.length + slack), size + slack);
  const memory = new Uint8Array(k.memory.buffer);
  memory.set(input, 0);
  if (k.snappyDecode(0, input.length, outAt, size) !== 0) return undefined;
  watch?.seen(outAt);
  return copyOf(memory.subarray(outAt, outAt + size));
}
