/**
 * Runs the WebAssembly window marker (`wasm/u64-window.ts`, part of kernels.wasm) over a
 * run of little-endian u64 values. A fast path for the row groups at a window's edges: when
 * the module is missing, callers use their JavaScript loop, which gives the same answer.
 */
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

interface MarkerExports {
  memory: WasmMemory;
  markInWindow(valuesAt: number, count: number, startHigh: number, startLow: number, endHigh: number, endLow: number, open: number, flagsAt: number): number;
}


/** Above this, runs stay with JavaScript, so the module's memory stays small. */
const MAX_VALUES = 1 << 20;

/**
 * Sets `inside[i]` to 1 for each u64 of `words` (little-endian word pairs) in
 * `[start, end)`, given as 32-bit halves with `endHigh` 2^32 for no end, and returns how many
 * are; undefined when the fast path is unavailable (nothing written then).
 */
export function markInWindowFast(words: Uint32Array, startHigh: number, startLow: number, endHigh: number, endLow: number, inside: Uint8Array): number | undefined {
  const count = words.length >>> 1;
  const m = count <= MAX_VALUES ? loadKernels<MarkerExports>() : null;
  if (!m) return undefined;
  const flagsAt = align16(count * 8);
  claimMemory(markInWindowFast);
  ensureMemory(m.memory, flagsAt + count);
  new Uint32Array(m.memory.buffer, 0, count * 2).set(words.subarray(0, count * 2));
  const open = endHigh >= 0x1_0000_0000 ? 1 : 0;
  const n = m.markInWindow(0, count, startHigh, startLow, open ? 0 : endHigh, open ? 0 : endLow, open, flagsAt);
  inside.set(new Uint8Array(m.memory.buffer, flagsAt, count));
  return n;
}
