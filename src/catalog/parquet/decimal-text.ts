/**
 * A BYTE_ARRAY column whose values are the decimal text of integers (trade ids kept as
 * numbers, model/trade-id-numbers.ts), encoded straight from the numbers: the same bytes
 * and statistics as the strings `String(value)` would give, without making a string per
 * value. Values must be integers in [0, 2^53).
 *
 * The page is written by a WebAssembly kernel (wasm/decimal-text.ts, part of kernels.wasm)
 * when the chunk fits its budget; JavaScript writes the others and words every error. A
 * property test holds both to the bytes of `String(value)`.
 */
import { readPlainStrings } from './column-read.js';
import type { Statistics } from './format.js';
import { type WasmMemory, align16, claimMemory, ensureMemory, loadKernels } from './wasm-module.js';

interface DecimalExports {
  memory: WasmMemory;
  plainDecimals(valuesAt: number, count: number, outAt: number): number;
}

/** Chunks whose values and text need more of the kernels' memory than this go to JavaScript (the memory never grows for them). */
const KERNEL_BUDGET = 1 << 20;
/** Most bytes a value's entry takes: a 4-byte length and 16 digits. */
const MAX_ENTRY = 20;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const ZERO = 48;
const NINE = 57;
/** 10^0 … 10^16, all exact doubles. */
const POW10 = Array.from({ length: 17 }, (_, k) => 10 ** k);

/**
 * ⌊value / divisor⌋ of a non-negative integer below 2^53 by an even divisor such as 10^4 or
 * 10^8, with one float division: it may round across an integer, so the remainder decides one
 * correcting step. The product and the remainder are exact: quotient × divisor is even and
 * below 2^54, and every even integer there is a double. (`%` would be an fmod call.)
 */
function floorDiv(value: number, divisor: number): number {
  const quotient = Math.floor(value / divisor);
  const rest = value - quotient * divisor;
  return rest < 0 ? quotient - 1 : rest >= divisor ? quotient + 1 : quotient;
}

/** Digits in the decimal text of an integer in [0, 2^53). */
function digitCount(value: number): number {
  let digits = 1;
  while (digits < 16 && value >= POW10[digits]!) digits++;
  return digits;
}

/** Throws unless `value` is an integer in [0, 2^53); `i` names the row. */
function checkValue(value: number, i: number): void {
  if (!(value >= 0 && value <= MAX_SAFE && Math.floor(value) === value)) {
    throw new RangeError(`decimal text column: row ${i} holds ${value}, not an integer in [0, 2^53)`);
  }
}

/** Writes the text of `value` into `scratch` from index 0; returns its length. */
function format(value: number, scratch: Uint8Array): number {
  let high = floorDiv(value, 1e8);
  let low = value - high * 1e8;
  // Both halves are below 2^31 here: integer arithmetic.
  const length = high === 0 ? digitCount(low) : digitCount(high) + 8;
  let p = length;
  if (high === 0) {
    do {
      scratch[--p] = ZERO + (low % 10);
      low = (low / 10) | 0;
    } while (low > 0);
  } else {
    for (let k = 0; k < 8; k++) {
      scratch[--p] = ZERO + (low % 10);
      low = (low / 10) | 0;
    }
    do {
      scratch[--p] = ZERO + (high % 10);
      high = (high / 10) | 0;
    } while (high > 0);
  }
  return length;
}

/** PLAIN BYTE_ARRAY page body of the first `count` values: a 4-byte little-endian length, then the text. */
export function encodePlainDecimals(values: Float64Array, count: number): Uint8Array {
  return encodePlainDecimalsFast(values, count) ?? encodePlainDecimalsPlainly(values, count);
}

/** Values per page `decimalTexts` makes: its values and text stay within the kernel's budget. */
const TEXT_PART = 16_384;

/**
 * `String(value)` of each value, made as a reader makes a PLAIN page's strings: the page
 * written from the numbers, then one native decode and a substring per value (about half
 * the time of `String` per value on the numbers of trade ids).
 */
export function decimalTexts(values: Float64Array): string[] {
  const out = new Array<string>(values.length);
  for (let from = 0; from < values.length; from += TEXT_PART) {
    const part = values.subarray(from, Math.min(values.length, from + TEXT_PART));
    const page = encodePlainDecimals(part, part.length);
    readPlainStrings(page, 0, page.length, part.length, out, from, 'trade_id');
  }
  return out;
}

/** The WebAssembly writer: the page, or undefined when the module is missing, the chunk is over budget or a value is refused. */
export function encodePlainDecimalsFast(values: Float64Array, count: number): Uint8Array | undefined {
  const outAt = align16(count * 8);
  const end = outAt + count * MAX_ENTRY + 16; // 16: the last value's 8-byte stores reach past its digits
  if (end > KERNEL_BUDGET) return undefined;
  const k = loadKernels<DecimalExports>();
  if (!k) return undefined;
  claimMemory(encodePlainDecimalsFast);
  ensureMemory(k.memory, end);
  new Float64Array(k.memory.buffer, 0, count).set(values.subarray(0, count));
  const written = k.plainDecimals(0, count, outAt);
  return written < 0 ? undefined : new Uint8Array(k.memory.buffer, outAt, written).slice();
}

/** The JavaScript writer, which also words the error for a value that is not an id. */
export function encodePlainDecimalsPlainly(values: Float64Array, count: number): Uint8Array {
  let total = 4 * count;
  // Digit counts change rarely along a column: keep the bounds of the last one.
  let digits = 0;
  let from = 1;
  let below = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    if (!(value >= from && value < below && Math.floor(value) === value)) {
      checkValue(value, i);
      digits = digitCount(value);
      from = digits === 1 ? 0 : POW10[digits - 1]!;
      below = Math.min(POW10[digits]!, MAX_SAFE + 1); // 2^53 has sixteen digits too
    }
    total += digits;
  }
  // allocUnsafeSlow: a buffer of its own (offset 0, not the shared pool); every byte is written below.
  const out = Buffer.allocUnsafeSlow(total);
  const text = new Uint8Array(16);
  let length = 0;
  let previous = -2;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    if (value === previous + 1) length = countUp(text, length);
    else length = format(value, text);
    previous = value;
    out[pos] = length;
    out[pos + 1] = 0;
    out[pos + 2] = 0;
    out[pos + 3] = 0;
    pos += 4;
    for (let k = 0; k < length; k++) out[pos + k] = text[k]!;
    pos += length;
  }
  return out;
}

/** Adds one to the decimal text `text[0, length)` in place; returns its new length. */
function countUp(text: Uint8Array, length: number): number {
  let k = length - 1;
  while (k >= 0 && text[k] === NINE) text[k--] = ZERO;
  if (k >= 0) {
    text[k]!++;
    return length;
  }
  // 99…9 + 1: a one and `length` zeros (the zeros are in place already).
  text[0] = ZERO + 1;
  text[length] = ZERO;
  return length + 1;
}

/**
 * Compares the decimal texts of `a` and `b` bytewise, as Parquet orders BYTE_ARRAY
 * statistics ("10" < "9"). Texts of one length order as their numbers. Otherwise the
 * shorter, padded with zeros to the longer's length, decides; equal means it is a prefix,
 * so it is the smaller. The padded value is a multiple of ten below 10^16 < 2^54, even, so
 * a double holds it exactly.
 */
export function compareDecimalText(a: number, b: number): number {
  const da = digitCount(a);
  const db = digitCount(b);
  if (da === db) return a < b ? -1 : a > b ? 1 : 0;
  if (da < db) return a * POW10[db - da]! <= b ? -1 : 1;
  return b * POW10[da - db]! <= a ? 1 : -1;
}

/** Min/max statistics of the first `count` values' texts, bytewise. */
export function decimalStatistics(values: Float64Array, count: number): Statistics | undefined {
  if (count === 0) return undefined;
  let min = values[0]!;
  let max = min;
  for (let i = 1; i < count; i++) {
    const value = values[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // When every text has one length, bytewise order is numeric order; otherwise compare texts.
  if (digitCount(min) !== digitCount(max)) {
    min = values[0]!;
    max = min;
    for (let i = 1; i < count; i++) {
      const value = values[i]!;
      if (compareDecimalText(value, min) < 0) min = value;
      else if (compareDecimalText(value, max) > 0) max = value;
    }
  }
  return { min: Buffer.from(String(min), 'latin1'), max: Buffer.from(String(max), 'latin1'), nullCount: 0 };
}
