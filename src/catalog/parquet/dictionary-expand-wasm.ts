/**
 * Runs the WebAssembly dictionary expander (`wasm/dictionary-expand.ts`, part of kernels.wasm)
 * on one data page. A fast path: when the module is missing or it refuses the page, callers use
 * the JavaScript expander, which decides every page the same way and words the errors.
 */
import { type PageWatch, type WasmMemory, align16, claimMemory, loadKernels, outputAt } from './wasm-module.js';

interface ExpanderExports {
  memory: WasmMemory;
  expandDictionaryPage(indexAt: number, indexEnd: number, bitWidth: number, count: number, dictAt: number, dictCount: number, words: number, outAt: number): number;
}

/** Dictionaries above this stay with JavaScript, so the module's memory stays small. */
const MAX_DICTIONARY = 16 << 20;


/**
 * The dictionary left in the kernels' memory at 0, so the pages of one column chunk copy it
 * once; valid only while no other kernel has written the memory since (claimMemory).
 */
let residentDictionary: Uint8Array | undefined;

/**
 * Writes the `width`-byte dictionary entries of `count` hybrid-encoded indices
 * (`page[offset, end)`, `bitWidth` bits) to `out` from value `at`; false when the fast
 * path is unavailable or refuses the page (nothing written then). `watch` (PageWatch) may
 * ask for the values at a slot of the kernels' memory, and sees where they were expanded,
 * before they are copied out.
 */
export function expandDictionaryPageFast(page: Uint8Array, offset: number, end: number, bitWidth: number, count: number, dictionary: Uint8Array, dictionaryCount: number, width: number, out: Uint8Array, at: number, watch?: PageWatch): boolean {
  const dictionaryBytes = dictionaryCount * width;
  if (dictionaryBytes > MAX_DICTIONARY || dictionary.length < dictionaryBytes) return false;
  const x = loadKernels<ExpanderExports>();
  if (!x) return false;
  const indexAt = align16(dictionaryBytes);
  const outAt = outputAt(x.memory, watch, align16(indexAt + (end - offset)), count * width);
  const memory = new Uint8Array(x.memory.buffer);
  if (!claimMemory(expandDictionaryPageFast) || residentDictionary !== dictionary) {
    memory.set(dictionary.subarray(0, dictionaryBytes), 0);
    residentDictionary = dictionary;
  }
  memory.set(page.subarray(offset, end), indexAt);
  if (x.expandDictionaryPage(indexAt, indexAt + (end - offset), bitWidth, count, 0, dictionaryCount, width >> 2, outAt) !== 0) return false;
  watch?.seen(outAt);
  out.set(memory.subarray(outAt, outAt + count * width), at * width);
  return true;
}
