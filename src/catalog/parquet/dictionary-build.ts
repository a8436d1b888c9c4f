/**
 * A column chunk's dictionary of fixed-width values (RLE_DICTIONARY encoding): the distinct
 * values in order of first appearance, and each row's index. Built by a WebAssembly kernel
 * (`wasm/dictionary-build.ts`, part of kernels.wasm) when the chunk fits its memory budget,
 * else by the JavaScript builder below; both use the same hash table, so they give the same
 * bytes (a property test holds them to it).
 */
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

export interface Dictionary {
  values: Uint8Array;
  count: number;
  indices: Uint32Array;
}

/** A dictionary may hold at most this share of the rows: unique ids are better PLAIN. */
const MAX_DICTIONARY_FRACTION = 0.5;
/** Chunks whose values, table and output need more of the kernels' memory than this go to JavaScript (the memory never grows for them). */
const KERNEL_BUDGET = 1 << 20;

interface BuilderExports {
  memory: WasmMemory;
  buildDictionary(valuesAt: number, count: number, words: number, limit: number, slotsAt: number, mask: number, entriesAt: number, indicesAt: number): number;
}

/** Most distinct values, and the hash table's slots (a power of two, at least twice that). */
function tableSize(count: number): { limit: number; size: number } {
  const limit = Math.max(1, Math.floor(count * MAX_DICTIONARY_FRACTION));
  let size = 16;
  while (size < limit * 2) size <<= 1;
  return { limit, size };
}

/**
 * Builds the dictionary of `count` values of `width` bytes (a multiple of 4, 4-byte aligned),
 * or returns undefined once the distinct values exceed half the rows, as they would for unique
 * ids, so PLAIN is used instead.
 */
export function buildDictionary(bytes: Uint8Array, count: number, width: number): Dictionary | undefined {
  if (count === 0 || width % 4 !== 0 || bytes.byteOffset % 4 !== 0) return undefined;
  const fast = buildDictionaryFast(bytes, count, width);
  return fast === 'declined' ? buildDictionaryPlainly(bytes, count, width) : fast;
}

/** The WebAssembly builder: its result, or `declined` when the module is missing or the chunk is over its budget (then JavaScript builds). */
export function buildDictionaryFast(bytes: Uint8Array, count: number, width: number): Dictionary | undefined | 'declined' {
  const { limit, size } = tableSize(count);
  const slotsAt = align16(count * width);
  const entriesAt = align16(slotsAt + size * 4);
  const indicesAt = align16(entriesAt + (limit + 1) * width);
  const end = indicesAt + count * 4;
  if (end > KERNEL_BUDGET) return 'declined';
  const k = loadKernels<BuilderExports>();
  if (!k) return 'declined';
  claimMemory(buildDictionaryFast);
  ensureMemory(k.memory, end);
  const memory = new Uint8Array(k.memory.buffer);
  memory.set(bytes.subarray(0, count * width), 0);
  const distinct = k.buildDictionary(0, count, width >> 2, limit, slotsAt, size - 1, entriesAt, indicesAt);
  if (distinct < 0) return undefined;
  return {
    values: memory.slice(entriesAt, entriesAt + distinct * width),
    count: distinct,
    indices: new Uint32Array(memory.slice(indicesAt, indicesAt + count * 4).buffer),
  };
}

/** Reused hash tables: a row group's dictionary attempt allocates nothing when it fails. */
const scratch = {
  slotBuffer: new Int32Array(0),
  entryBuffer: new Uint32Array(0),
  slots(size: number): Int32Array {
    if (this.slotBuffer.length < size) this.slotBuffer = new Int32Array(size);
    const view = this.slotBuffer.subarray(0, size);
    view.fill(-1);
    return view;
  },
  entries(size: number): Uint32Array {
    if (this.entryBuffer.length < size) this.entryBuffer = new Uint32Array(size);
    return this.entryBuffer;
  },
};

/** The JavaScript builder (the WebAssembly one's reference); same contract as buildDictionary. */
export function buildDictionaryPlainly(bytes: Uint8Array, count: number, width: number): Dictionary | undefined {
  if (count === 0 || width % 4 !== 0 || bytes.byteOffset % 4 !== 0) return undefined;
  const words = width >> 2;
  const data = new Uint32Array(bytes.buffer, bytes.byteOffset, count * words);
  const { limit, size } = tableSize(count);
  const mask = size - 1;
  const slots = scratch.slots(size); // slot -> dictionary entry, -1 = empty
  const entries = scratch.entries((limit + 1) * words);
  const indices = new Uint32Array(count);
  let distinct = 0;
  for (let i = 0; i < count; i++) {
    const base = i * words;
    let h = 0x811c9dc5;
    for (let w = 0; w < words; w++) h = Math.imul(h ^ data[base + w]!, 0x01000193);
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === -1) {
        if (distinct >= limit) return undefined;
        slots[slot] = distinct;
        entries.set(data.subarray(base, base + words), distinct * words);
        indices[i] = distinct++;
        break;
      }
      let same = true;
      const e = entry * words;
      for (let w = 0; w < words; w++) {
        if (entries[e + w] !== data[base + w]) {
          same = false;
          break;
        }
      }
      if (same) {
        indices[i] = entry;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { values: new Uint8Array(entries.buffer, 0, distinct * width).slice(), count: distinct, indices };
}

