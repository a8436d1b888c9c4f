/**
 * Where a column chunk's least and greatest values are, for its statistics (column-write.ts):
 * the first of each, in the column's order. The WebAssembly kernel (`wasm/min-max.ts`, part of
 * kernels.wasm) takes 8-byte integers and 8- or 16-byte FIXED_LEN_BYTE_ARRAY values; the
 * JavaScript loops below take the rest, chunks over the kernel's budget, and a process
 * without the module (a property test holds the two to each other).
 */
import type { StatsOrder } from './column-write.js';
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

export interface MinMax {
  minAt: number;
  maxAt: number;
}

interface MinMaxExports {
  memory: WasmMemory;
  minMaxAt(valuesAt: number, count: number, width: number, order: number, resultAt: number): void;
}

/** The kernel's ORDER_ constants. */
const ORDER_CODE: Record<StatsOrder, number> = { unsigned: 0, signed: 1, bytes: 2 };
/** Chunks of more bytes than this stay in JavaScript (the kernels' memory never grows for them). */
const KERNEL_BUDGET = 1 << 20;

/** The indices of the first least and first greatest of `count` values (`count` ≥ 1), or undefined when the kernel does not take them. */
export function minMaxFast(bytes: Uint8Array, count: number, width: number, order: StatsOrder): MinMax | undefined {
  if (!(width === 8 || (width === 16 && order === 'bytes'))) return undefined;
  const resultAt = align16(count * width);
  if (resultAt + 8 > KERNEL_BUDGET) return undefined;
  const k = loadKernels<MinMaxExports>();
  if (!k) return undefined;
  claimMemory(minMaxFast);
  ensureMemory(k.memory, resultAt + 8);
  new Uint8Array(k.memory.buffer).set(bytes.subarray(0, count * width), 0);
  k.minMaxAt(0, count, width, ORDER_CODE[order], resultAt);
  const result = new Uint32Array(k.memory.buffer, resultAt, 2);
  return { minAt: result[0]!, maxAt: result[1]! };
}

/** The indices of the first least and first greatest of `count` ≥ 1 values of `width` bytes in `order`. */
export function minMaxOf(bytes: Uint8Array, count: number, width: number, order: StatsOrder): MinMax {
  return minMaxFast(bytes, count, width, order) ?? minMaxInJavaScript(bytes, count, width, order);
}

/** The JavaScript loops (see minMaxOf). */
export function minMaxInJavaScript(bytes: Uint8Array, count: number, width: number, order: StatsOrder): MinMax {
  // Integers are read as aligned words; bytewise order would be wrong for them (little-endian).
  if (order !== 'bytes' && bytes.byteOffset % 4 !== 0) return minMaxInJavaScript(bytes.slice(0, count * width), count, width, order);
  let minAt = 0;
  let maxAt = 0;
  if (order === 'bytes' && width % 4 === 0 && bytes.byteOffset % 4 === 0) {
    // Bytewise order is the order of the 4-byte words read big-endian, one after the other;
    // the first word nearly always decides (16-byte raws are little-endian: low bytes first).
    const step = width >> 2;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, count * step);
    let minKey = bigEndian(words[0]!);
    let maxKey = minKey;
    for (let i = 1, at = step; i < count; i++, at += step) {
      const key = bigEndian(words[at]!);
      if (key < minKey || (key === minKey && compareWords(words, at, minAt * step, step) < 0)) {
        minAt = i;
        minKey = key;
      } else if (key > maxKey || (key === maxKey && compareWords(words, at, maxAt * step, step) > 0)) {
        maxAt = i;
        maxKey = key;
      }
    }
  } else if (order === 'bytes') {
    for (let i = 1; i < count; i++) {
      if (compareBytes(bytes, i * width, minAt * width, width) < 0) minAt = i;
      else if (compareBytes(bytes, i * width, maxAt * width, width) > 0) maxAt = i;
    }
  } else if (width === 8) {
    // Little-endian 64-bit integers as (high, low) 32-bit words: no BigInt per value.
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, count * 2);
    const signed = order === 'signed';
    const high = (i: number) => (signed ? words[2 * i + 1]! | 0 : words[2 * i + 1]!);
    let minHigh = high(0);
    let minLow = words[0]!;
    let maxHigh = minHigh;
    let maxLow = minLow;
    for (let i = 1; i < count; i++) {
      const h = high(i);
      const l = words[2 * i]!;
      if (h < minHigh || (h === minHigh && l < minLow)) {
        minHigh = h;
        minLow = l;
        minAt = i;
      }
      if (h > maxHigh || (h === maxHigh && l > maxLow)) {
        maxHigh = h;
        maxLow = l;
        maxAt = i;
      }
    }
  } else {
    const values = order === 'signed' ? new Int32Array(bytes.buffer, bytes.byteOffset, count) : new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    for (let i = 1; i < count; i++) {
      if (values[i]! < values[minAt]!) minAt = i;
      if (values[i]! > values[maxAt]!) maxAt = i;
    }
  }
  return { minAt, maxAt };
}

/** The 32-bit word `w` (read little-endian) with its bytes reversed: unsigned order is then bytewise order. */
function bigEndian(w: number): number {
  return ((w << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
}

/** Compares `n` words from `a` and from `b` bytewise (each read big-endian). */
function compareWords(words: Uint32Array, a: number, b: number, n: number): number {
  for (let k = 0; k < n; k++) {
    const x = bigEndian(words[a + k]!);
    const y = bigEndian(words[b + k]!);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Compares `width` bytes at `a` and at `b`. */
function compareBytes(bytes: Uint8Array, a: number, b: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const d = bytes[a + k]! - bytes[b + k]!;
    if (d !== 0) return d;
  }
  return 0;
}
