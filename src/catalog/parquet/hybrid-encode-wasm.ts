/**
 * Encodes dictionary indices and definition levels with the RLE / bit-packing hybrid: by the
 * WebAssembly encoder (`wasm/hybrid-encode.ts`, part of kernels.wasm) when the values fit its
 * memory budget, else by rle.ts's encodeHybrid, which it matches byte for byte (a property
 * test holds it to that).
 */
import { encodeHybrid } from './rle.js';
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

interface EncoderExports {
  memory: WasmMemory;
  encodeHybrid(valuesAt: number, count: number, bitWidth: number, outAt: number): number;
}

/** Values, and their encoding, above this much of the kernels' memory go to JavaScript (the memory never grows for them). */
const KERNEL_BUDGET = 1 << 20;

/**
 * The most bytes the encoder writes for `count` values: 4 a value bit-packed at 32 bits, a
 * 5-byte header and 4 value bytes per RLE run (8 or more values each), a 5-byte literal
 * header before each run and at the end, and the 8 bytes its last 64-bit store may reach past.
 */
function outBound(count: number): number {
  return 6 * count + 32;
}

/** `values[0, count)` (each below 2^bitWidth) in the hybrid encoding, as encodeHybrid gives them. */
export function encodeHybridFast(values: Uint32Array, count: number, bitWidth: number): Uint8Array {
  const outAt = align16(count * 4);
  const end = outAt + outBound(count);
  const k = end <= KERNEL_BUDGET && bitWidth >= 0 && bitWidth <= 32 ? loadKernels<EncoderExports>() : null;
  if (!k) return encodeHybrid(values, count, bitWidth);
  claimMemory(encodeHybridFast);
  ensureMemory(k.memory, end);
  new Uint32Array(k.memory.buffer, 0, count).set(values.subarray(0, count));
  const length = k.encodeHybrid(0, count, bitWidth, outAt);
  return new Uint8Array(k.memory.buffer, outAt, length).slice();
}
