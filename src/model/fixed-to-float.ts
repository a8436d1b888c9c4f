/**
 * Fixed-point columns as float64 (`value = raw / 10^FIXED_PRECISION`): lossy beyond 2^53, for
 * computation and display. Every element is bit-identical to `rawToNumber(raw, width)`, i.e.
 * `Number(raw) / 10^FIXED_PRECISION`: the raw rounded once to the nearest double, then one
 * IEEE division, so the column and the scalar API never disagree.
 *
 * The WebAssembly kernels (wasm/fixed-to-float.ts) convert blocks of rows copied into their
 * memory; without the module (not built) the JavaScript loop below does the same. Both take
 * an exact path through BigInt for the rare raw too large for their word sums (sentinels,
 * values beyond ~3.9e9 at width 16).
 */
import { fixedPrecisionOf, rawToNumber } from './fixed-point.js';
import { type FixedColumn, fixedRawAt } from './frames.js';
import { type WasmMemory, instantiateWasm } from './wasm-load.js';

interface FloatKernels {
  memory: WasmMemory;
  fixed16ToFloat64(rawsAt: number, count: number, floatsAt: number, scale: number, bias: number, limitBits: number): number;
  fixed8ToFloat64(rawsAt: number, count: number, floatsAt: number, scale: number, signed: number): void;
}

/** Rows per kernel call: 256 KB of 16-byte raws in, 128 KB of doubles out. */
const BLOCK_ROWS = 1 << 14;
const RAWS_AT = 0;
/** The kernels work on pairs of rows: room for one more raw and one more double after a block. */
const FLOATS_AT = RAWS_AT + (BLOCK_ROWS + 1) * 16;
const MEMORY_END = FLOATS_AT + (BLOCK_ROWS + 1) * 8;
/** A width-16 raw's upper 64 bits must lie in [-2^21, 2^21) (prices) or [0, 2^21) (quantities) for the word sums to be exact. */
const HIGH_LIMIT = 2 ** 21;

let loaded: FloatKernels | null | undefined;
let bytesView: Uint8Array | undefined;
let floatsView: Float64Array | undefined;

function floatKernels(): FloatKernels | null {
  if (loaded === undefined) {
    const exports = instantiateWasm(new URL('./kernels.wasm', import.meta.url)) as FloatKernels | null;
    loaded = exports && exports.memory.buffer.byteLength >= MEMORY_END ? exports : null;
  }
  return loaded;
}

/** Whether the WebAssembly kernels are loaded (false: the JavaScript path converts). */
export function hasFloatKernels(): boolean {
  return floatKernels() !== null;
}

/** Returns the column as floats (see the module comment), into `out` when given. */
export function fixedToFloat64(column: FixedColumn, out: Float64Array = new Float64Array(column.bytes.length / column.width)): Float64Array {
  const kernels = floatKernels();
  if (kernels === null) return fixedToFloat64InJavaScript(column, out);
  const { bytes, width } = column;
  const length = bytes.length / width;
  const scale = 10 ** fixedPrecisionOf(width); // 1e9 or 1e16, both exact doubles
  const signed = column.kind === 'price';
  // The memory never grows (MEMORY_END fits its initial size), so the views stay valid.
  if (bytesView?.buffer !== kernels.memory.buffer) {
    bytesView = new Uint8Array(kernels.memory.buffer);
    floatsView = new Float64Array(kernels.memory.buffer);
  }
  const memory = bytesView;
  const floats = floatsView!;
  for (let start = 0; start < length; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, length - start);
    memory.set(bytes.subarray(start * width, (start + count) * width), RAWS_AT);
    // An odd block's pair partner: zero, so a stale raw there never sends the block to
    // redoLargeRaws (which would still be right, only slower).
    if (count % 2 === 1) memory.fill(0, RAWS_AT + count * width, RAWS_AT + (count + 1) * width);
    let outside = 0;
    if (width === 16) outside = kernels.fixed16ToFloat64(RAWS_AT, count, FLOATS_AT, scale, signed ? HIGH_LIMIT : 0, signed ? 22 : 21);
    else kernels.fixed8ToFloat64(RAWS_AT, count, FLOATS_AT, scale, signed ? 1 : 0);
    out.set(floats.subarray(FLOATS_AT / 8, FLOATS_AT / 8 + count), start);
    if (outside !== 0) redoLargeRaws(column, start, start + count, out);
  }
  return out;
}

/** Redoes, through BigInt, the width-16 rows in `[start, end)` whose upper 64 bits leave the word sums' range. */
function redoLargeRaws(column: FixedColumn, start: number, end: number, out: Float64Array): void {
  const view = new DataView(column.bytes.buffer, column.bytes.byteOffset, column.bytes.length);
  const lowest = column.kind === 'price' ? -HIGH_LIMIT : 0;
  for (let i = start; i < end; i++) {
    const high = view.getInt32(i * 16 + 12, true) * 4294967296 + view.getUint32(i * 16 + 8, true);
    if (high < lowest || high >= HIGH_LIMIT) out[i] = rawToNumber(fixedRawAt(column, i), column.width);
  }
}

/**
 * The JavaScript path (used when the kernels are not built; tested against them): reads
 * 32-bit words, no BigInt per row. At width 16 a raw whose upper 64 bits are a small integer
 * is summed from exact doubles, adding the lowest word being the one rounding; the loop only
 * tracks the range of the upper halves, and a column that leaves it has those rows redone
 * through BigInt.
 */
export function fixedToFloat64InJavaScript(column: FixedColumn, out: Float64Array = new Float64Array(column.bytes.length / column.width)): Float64Array {
  const { bytes, width } = column;
  const length = bytes.length / width;
  const scale = 10 ** fixedPrecisionOf(width);
  const signed = column.kind === 'price';
  if (bytes.byteOffset % 4 !== 0) return fixedToFloat64InJavaScript({ ...column, bytes: bytes.slice() }, out);
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  if (width === 8) {
    for (let i = 0, w = 0; i < length; i++, w += 2) {
      const high = signed ? i32[w + 1]! : u32[w + 1]!;
      out[i] = (u32[w]! + high * 4294967296) / scale;
    }
    return out;
  }
  // Upper 64 bits read as signed: a quantity (unsigned) fits only when they are >= 0.
  const floor = signed ? -HIGH_LIMIT : -1;
  let lowest = 0;
  let highest = 0;
  for (let i = 0, w = 0; i < length; i++, w += 4) {
    const high = i32[w + 3]! * 4294967296 + u32[w + 2]!; // exact whenever it is in range
    lowest = Math.min(lowest, high);
    highest = Math.max(highest, high);
    out[i] = (high * 18446744073709551616 + u32[w + 1]! * 4294967296 + u32[w]!) / scale;
  }
  if (lowest <= floor || highest >= HIGH_LIMIT) {
    for (let i = 0, w = 0; i < length; i++, w += 4) {
      const high = i32[w + 3]! * 4294967296 + u32[w + 2]!;
      if (high <= floor || high >= HIGH_LIMIT) out[i] = Number(fixedRawAt(column, i)) / scale;
    }
  }
  return out;
}
