/**
 * Expands dictionary-encoded pages of fixed-width values (prices, sizes, timestamps, enums)
 * into packed values. For 4-, 8- and 16-byte values on aligned buffers the hybrid-encoded
 * indices are unpacked and their dictionary entries copied in one pass, as 32-bit words,
 * with no index array in between; other widths decode the indices first and copy entry by entry.
 */
import { expandDictionaryPageFast } from './dictionary-expand-wasm.js';
import { decodeHybrid, readHybrid, unpackBits } from './rle.js';
import type { PageWatch } from './wasm-module.js';

/** Thrown for a dictionary index past the dictionary's end. */
export class DictionaryIndexError extends Error {
  override name = 'DictionaryIndexError';
}

export interface FixedDictionary {
  readonly bytes: Uint8Array;
  /** Entries, each `width` bytes. */
  readonly count: number;
}

/** Dictionary indices of the page being expanded by the fallback path; reused (decoding is synchronous). */
let indexScratch = new Uint32Array(0);

/**
 * Decodes `count` indices (`bitWidth` bits, hybrid-encoded at `page[offset, end)`) and writes
 * their `width`-byte dictionary entries to `out` from value `at` on. 4-, 8- and 16-byte
 * values go through the WebAssembly expander when it accepts the page (measured on the
 * 10 M-quote file: decode ~30 % faster, and no cold start); the JavaScript below decides
 * every page it refuses and is what the tests compare it with (`fast: false`). `watch`: see
 * expandDictionaryPageFast (called only when the WebAssembly expander ran).
 */
export function expandDictionaryPage(page: Uint8Array, offset: number, end: number, bitWidth: number, count: number, dictionary: FixedDictionary, width: number, out: Uint8Array, at: number, fast = true, watch?: PageWatch): void {
  const words = width >> 2;
  if (fast && (width === 4 || width === 8 || width === 16) && expandDictionaryPageFast(page, offset, end, bitWidth, count, dictionary.bytes, dictionary.count, width, out, at, watch)) return;
  if ((width === 4 || width === 8 || width === 16) && out.byteOffset % 4 === 0) {
    const entries = dictionary.bytes;
    const dict = entries.byteOffset % 4 === 0 ? new Uint32Array(entries.buffer, entries.byteOffset, dictionary.count * words) : new Uint32Array(entries.slice(0, dictionary.count * width).buffer);
    const dst = new Uint32Array(out.buffer, out.byteOffset + at * width, count * words);
    readHybrid(page, offset, end, bitWidth, count, {
      repeat: (index, from, n) => repeatEntry(dict, index, words, dictionary.count, dst, from, n),
      packed: (bytes, pos, stop, bits, from, n) => unpackGather(bytes, pos, stop, bits, dict, dictionary.count, words, dst, from, n),
    });
    return;
  }
  if (indexScratch.length < count) indexScratch = new Uint32Array(count);
  const indices = indexScratch.subarray(0, count);
  decodeHybrid(page, offset, end, bitWidth, count, indices);
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (index >= dictionary.count) throw outOfRange(index, dictionary.count);
    out.set(dictionary.bytes.subarray(index * width, index * width + width), (at + i) * width);
  }
}

function repeatEntry(dict: Uint32Array, index: number, words: number, limit: number, dst: Uint32Array, from: number, n: number): void {
  if (index >= limit) throw outOfRange(index, limit);
  for (let i = from * words, stop = (from + n) * words; i < stop; i += words) {
    for (let w = 0; w < words; w++) dst[i + w] = dict[index * words + w]!;
  }
}

/** How many of `n` values of `bitWidth` bits at `pos` have their 32-bit window inside `[pos, end)`. */
function windowsInside(pos: number, end: number, bitWidth: number, n: number): number {
  return Math.max(0, Math.min(n, Math.floor(((end - pos - 4) * 8) / bitWidth) + 1));
}

/** The index at bit `bit` of a run near its end, bytes past `end` read as 0. */
function lastIndexAt(bytes: Uint8Array, pos: number, end: number, bit: number, mask: number): number {
  const p = pos + (bit >>> 3);
  let window = 0;
  for (let k = 0; k < 4 && p + k < end; k++) window |= bytes[p + k]! << (8 * k);
  return (window >>> (bit & 7)) & mask;
}

/*
 * The fused loop: an index of <= 25 bits is read from the 32-bit little-endian window at its
 * first byte (shift <= 7), as in rle.ts, inline (a call per value is what a fresh process
 * pays for while it still interprets); the last few values of a run, whose window would
 * reach past its end, and indices wider than 25 bits go through the helpers.
 */

function unpackGather(bytes: Uint8Array, pos: number, end: number, bitWidth: number, dict: Uint32Array, limit: number, words: number, dst: Uint32Array, from: number, n: number): void {
  if (bitWidth > 25) return unpackGatherWide(bytes, pos, end, bitWidth, dict, limit, words, dst, from, n);
  const mask = (1 << bitWidth) - 1;
  const whole = windowsInside(pos, end, bitWidth, n);
  let i = 0;
  for (let bit = 0, d = from * words; i < whole; i++, bit += bitWidth, d += words) {
    const p = pos + (bit >>> 3);
    const index = ((bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> (bit & 7)) & mask;
    if (index >= limit) throw outOfRange(index, limit);
    const s = index * words;
    dst[d] = dict[s]!;
    if (words > 1) {
      dst[d + 1] = dict[s + 1]!;
      if (words > 2) {
        dst[d + 2] = dict[s + 2]!;
        dst[d + 3] = dict[s + 3]!;
      }
    }
  }
  for (; i < n; i++) repeatEntry(dict, lastIndexAt(bytes, pos, end, i * bitWidth, mask), words, limit, dst, from + i, 1);
}

function unpackGatherWide(bytes: Uint8Array, pos: number, end: number, bitWidth: number, dict: Uint32Array, limit: number, words: number, dst: Uint32Array, from: number, n: number): void {
  const indices = new Uint32Array(n);
  unpackBits(bytes, pos, end, bitWidth, n, indices, 0);
  for (let i = 0; i < n; i++) repeatEntry(dict, indices[i]!, words, limit, dst, from + i, 1);
}

function outOfRange(index: number, limit: number): DictionaryIndexError {
  return new DictionaryIndexError(`dictionary index ${index} out of range (${limit} entries)`);
}
