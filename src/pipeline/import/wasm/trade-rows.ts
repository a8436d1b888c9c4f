/*
 * AssemblyScript (part of the import's kernels.wasm). The plain Binance trade row
 * (`id, price, qty, <skipped>…, time, isBuyerMaker, <skipped>…`), parsed in WebAssembly: the
 * same rules, field by field, as TradeScanner.row in ../trade-scanner.ts, which stays the
 * JavaScript path and the one that takes every line this kernel refuses.
 *
 * A row is taken only whole, and the kernel stops at the first line it does not take: a
 * header, a blank line, an id that does not follow, more decimals than seen so far, a zero, a
 * time before the last or outside the current UTC day, anything odd. The caller then hands
 * that line to the JavaScript paths, which decide it and word any error, and calls again.
 *
 * Digits are read eight at a time (SWAR). A number of more than 16 digits is refused (the
 * JavaScript scanner reads any length, so "above 2^53 − 1" stays its decision there), so
 * every number the kernel reads fits a u64 exactly.
 *
 * Memory (the caller's layout, see ../trade-kernel.ts): the lines at [inAt, inEnd), ending
 * with a newline; each taken row's price and size raws (width bytes each), ts (u64 ns),
 * trade id (f64) and aggressor side (u8) in the output arrays; the last id and time taken at
 * `stateAt` (two f64) and where the kernel stopped (u32 after them).
 */

import { ZEROS, eightDigitsValue } from '../../../catalog/parquet/wasm/swar-digits';

const MAX_SAFE: u64 = 9007199254740991;
const COMMA: u32 = 44;
const NEWLINE: u32 = 10;
const CR: u32 = 13;
const DOT: u32 = 46;
const SELLER: u8 = 2;
const BUYER: u8 = 1;
/** Returned by `decimal` for a value the kernel does not take. */
const REFUSED: u32 = 0xffffffff;

// Eight bytes at a time (SWAR): a run of digits is found and read with a few word operations,
// a skipped field's end with two byte searches.
const HIGH_BITS: u64 = 0x8080808080808080;
const LOW_BITS: u64 = 0x0101010101010101;
const COMMAS: u64 = 0x2c2c2c2c2c2c2c2c;
const NEWLINES: u64 = 0x0a0a0a0a0a0a0a0a;

/**
 * 10^k (k = 0..16) at TABLE_AT, then ⌊(2^53 − 1) / 10^k⌋ at LIMIT_AT: 272 bytes from 0, filled
 * on the first call (the caller's layout starts above them).
 */
const TABLE_AT: u32 = 0;
const LIMIT_AT: u32 = 17 * 8;
/** Where the tables end: the caller's memory layout starts at or above it. */
export const TABLES_END: u32 = LIMIT_AT + 17 * 8;
let tableReady = false;

function fillTable(): void {
  let p: u64 = 1;
  for (let k: u32 = 0; k <= 16; k++) {
    store<u64>(TABLE_AT + (k << 3), p);
    store<u64>(LIMIT_AT + (k << 3), MAX_SAFE / p);
    p *= 10;
  }
  tableReady = true;
}

// @ts-ignore: decorator
@inline
function power(k: u32): u64 {
  return load<u64>(TABLE_AT + (k << 3));
}

/** How many of the 8 bytes of `word` (first byte lowest) are ASCII digits before the first that is not. */
// @ts-ignore: decorator
@inline
function leadingDigits(word: u64): u32 {
  // Bit 7 of each byte, with bit 7 cleared first so no sum carries into the next byte:
  // set in `atLeastZero` for bytes >= "0", in `pastNine` for bytes > "9"; bytes >= 0x80 are no digits.
  const low = word & ~HIGH_BITS;
  const atLeastZero = low + 0x5050505050505050;
  const pastNine = low + 0x4646464646464646;
  const digits = atLeastZero & ~pastNine & ~word & HIGH_BITS;
  return <u32>ctz(~digits & HIGH_BITS) >> 3;
}

/** The value of the `count` (1 to 8) ASCII digits at `at`. Loads the 8 bytes ending there (so up to 7 before `at`). */
// @ts-ignore: decorator
@inline
function digitsValue(at: u32, count: u32): u64 {
  // The digits as the top bytes of a word, "0"s below them (leading zeros of the number).
  const mask: u64 = (<u64>-1) << (<u64>(8 - count) << 3);
  return eightDigitsValue(((load<u64>(at + count - 8) & mask) | (ZEROS & ~mask)) - ZEROS);
}

/** The value of the `count` (0 to 16) ASCII digits at `at`. */
// @ts-ignore: decorator
@inline
function valueOf(at: u32, count: u32): u64 {
  if (count <= 8) return count == 0 ? 0 : digitsValue(at, count);
  return digitsValue(at, 8) * power(count - 8) + digitsValue(at + 8, count - 8);
}

/** How many of the `count` (0 to 8) ASCII digits at `at` come up to the last that is not "0" (0: all are "0"). */
// @ts-ignore: decorator
@inline
function upToLastNonZero8(at: u32, count: u32): u32 {
  if (count == 0) return 0;
  // A byte is non-zero in `x` where its digit is not "0"; bytes past the digits are cleared.
  const keep: u64 = count == 8 ? <u64>-1 : ((<u64>1) << (<u64>count << 3)) - 1;
  const x = (load<u64>(at) ^ ZEROS) & keep;
  if (x == 0) return 0;
  return 8 - (<u32>clz(x) >> 3);
}

/**
 * The length of the run of ASCII digits at `at`, counting at most 16: a longer run leaves a
 * digit after them, which the check of the character after a number refuses.
 */
// @ts-ignore: decorator
@inline
function digitRun(at: u32): u32 {
  const first = leadingDigits(load<u64>(at));
  return first < 8 ? first : 8 + leadingDigits(load<u64>(at + 8));
}

/** The position of the first comma or newline at or after `at` (the block's last byte is a newline). */
// @ts-ignore: decorator
@inline
function fieldEnd(at: u32): u32 {
  let p = at;
  while (true) {
    const word = load<u64>(p);
    const comma = word ^ COMMAS;
    const newline = word ^ NEWLINES;
    // A zero byte in either marks a match; the lowest is exact (borrows only run upwards).
    const found = (((comma - LOW_BITS) & ~comma) | ((newline - LOW_BITS) & ~newline)) & HIGH_BITS;
    if (found != 0) return p + (<u32>ctz(found) >> 3);
    p += 8;
  }
}

/** The fixed-point raw of `digits × 10^shift` at `dest`, `width` bytes, unsigned. */
// @ts-ignore: decorator
@inline
function writeRaw(dest: u32, digits: u64, shift: u32, width: u32): void {
  const scale = power(shift);
  if (width == 8) {
    // digits × 10^shift < 10^18 (at most 9 integer digits): one u64.
    store<u64>(dest, digits * scale);
    return;
  }
  // digits < 2^53 and scale <= 10^16 < 2^54: the 128-bit product from 32-bit halves.
  const aLo = digits & 0xffffffff;
  const aHi = digits >> 32;
  const bLo = scale & 0xffffffff;
  const bHi = scale >> 32;
  const lowProduct = aLo * bLo;
  const middle = aHi * bLo + aLo * bHi; // < 2^55
  const low = lowProduct + (middle << 32);
  const carry: u64 = low < lowProduct ? 1 : 0;
  store<u64>(dest, low);
  store<u64>(dest, aHi * bHi + (middle >> 32) + carry, 8);
}

/**
 * Reads a plain unsigned decimal at `p` into the raw at `dest`; returns the position after
 * it, or REFUSED: no integer digit, more than `maxIntegerDigits`, more decimals than `fixed`
 * or than `seen`, above 2^53 − 1 once trailing fraction zeros are dropped, or zero. (A
 * fraction of more than 16 digits is refused too, by the character after it.)
 */
// @ts-ignore: decorator
@inline
function decimal(p: u32, dest: u32, width: u32, fixed: u32, maxIntegerDigits: u32, seen: u32): u32 {
  const integerDigits = digitRun(p);
  if (integerDigits == 0 || integerDigits > maxIntegerDigits) return REFUSED;
  const whole = valueOf(p, integerDigits);
  p += integerDigits;
  let value = whole;
  let decimals: u32 = 0;
  if (<u32>load<u8>(p) == DOT) {
    // Only the fraction's length is needed from the run; its digits are read once trimmed.
    const at = p + 1;
    const digits = digitRun(at);
    p = at + digits;
    // Trailing zeros dropped (found on the bytes: a division per zero cost ~40 cycles): the decimals the value needs.
    decimals = digits > 8 ? upToLastNonZero8(at + 8, digits - 8) : 0;
    decimals = decimals > 0 ? 8 + decimals : upToLastNonZero8(at, digits < 8 ? digits : 8);
    if (decimals > 0) {
      if (decimals > fixed || decimals > seen || whole > load<u64>(LIMIT_AT + (decimals << 3))) return REFUSED;
      value = whole * power(decimals) + valueOf(at, decimals);
    }
  }
  if (value > MAX_SAFE || value == 0) return REFUSED;
  writeRaw(dest, value, fixed - decimals, width);
  return p;
}

/** Skips `count` fields, each a comma and anything up to the next comma or newline; REFUSED when a comma is missing. */
// @ts-ignore: decorator
@inline
function skipFields(p: u32, count: u32): u32 {
  for (let k: u32 = 0; k < count; k++) {
    if (<u32>load<u8>(p) != COMMA) return REFUSED;
    p = fieldEnd(p + 1);
  }
  return p;
}

/**
 * Parses rows from `[inAt, inEnd)` until `maxRows` are taken or a line is refused; returns
 * the rows taken. Row i goes to `priceAt + i·width`, `sizeAt + i·width`, `tsAt + 8i` (u64),
 * `idsAt + 8i` (f64) and `sidesAt + i`. `lastId`/`lastMicros` are the series' (-1: none), the
 * day is `[dayStart, dayEnd)` in µs, `offsetNs` is added to every time; `seenPrice` and
 * `seenSize` are the most decimals seen so far; `width` is 8 or 16.
 */
export function scanTradeRows(
  inAt: u32, inEnd: u32, maxRows: u32,
  priceAt: u32, sizeAt: u32, tsAt: u32, idsAt: u32, sidesAt: u32, stateAt: u32,
  lastIdIn: f64, lastMicrosIn: f64, dayStartIn: f64, dayEndIn: f64, offsetIn: f64,
  seenPrice: u32, seenSize: u32, width: u32, skipsBeforeTime: u32, skipsAfter: u32,
): u32 {
  if (!tableReady) fillTable();
  const fixed: u32 = width == 16 ? 16 : 9;
  const maxIntegerDigits: u32 = width == 16 ? 12 : 9;
  const dayStart = <i64>dayStartIn;
  const dayEnd = <i64>dayEndIn;
  const offset = <i64>offsetIn;
  let lastId = <i64>lastIdIn;
  let lastMicros = <i64>lastMicrosIn;
  let p = inAt;
  let rows: u32 = 0;
  while (p < inEnd && rows < maxRows) {
    // id
    const idDigits = digitRun(p);
    if (idDigits == 0) break;
    const id = valueOf(p, idDigits);
    p += idDigits;
    if (<u32>load<u8>(p) != COMMA || id > MAX_SAFE) break;
    if (lastId >= 0 && <i64>id != lastId + 1) break;
    // price, size
    p = decimal(p + 1, priceAt + rows * width, width, fixed, maxIntegerDigits, seenPrice);
    if (p == REFUSED || <u32>load<u8>(p) != COMMA) break;
    p = decimal(p + 1, sizeAt + rows * width, width, fixed, maxIntegerDigits, seenSize);
    if (p == REFUSED) break;
    p = skipFields(p, skipsBeforeTime);
    if (p == REFUSED || <u32>load<u8>(p) != COMMA) break;
    // time: µs (16 digits) or ms (13), decided per value
    const timeDigits = digitRun(++p);
    if (timeDigits == 0) break;
    const time = valueOf(p, timeDigits);
    p += timeDigits;
    if (<u32>load<u8>(p) != COMMA || time > MAX_SAFE) break;
    let micros: i64 = 0;
    if (time >= 1000000000000000 && time < 100000000000000000) micros = <i64>time;
    else if (time >= 1000000000000 && time < 100000000000000) micros = <i64>time * 1000;
    else break;
    if (micros < lastMicros || micros < dayStart || micros >= dayEnd) break;
    // isBuyerMaker, in any letter case: `| 0x20` lower-cases ASCII letters
    let c = <u32>load<u8>(++p) | 0x20;
    let side: u8 = 0;
    if (c == 116 && (<u32>load<u8>(p + 1) | 0x20) == 114 && (<u32>load<u8>(p + 2) | 0x20) == 117 && (<u32>load<u8>(p + 3) | 0x20) == 101) {
      side = SELLER;
      p += 4;
    } else if (c == 102 && (<u32>load<u8>(p + 1) | 0x20) == 97 && (<u32>load<u8>(p + 2) | 0x20) == 108 && (<u32>load<u8>(p + 3) | 0x20) == 115 && (<u32>load<u8>(p + 4) | 0x20) == 101) {
      side = BUYER;
      p += 5;
    } else {
      break;
    }
    p = skipFields(p, skipsAfter);
    if (p == REFUSED) break;
    c = <u32>load<u8>(p);
    if (c == CR && <u32>load<u8>(p + 1) == NEWLINE) p++;
    else if (c != NEWLINE) break;
    // Taken whole.
    store<u64>(tsAt + (rows << 3), <u64>(micros * 1000 + offset));
    store<f64>(idsAt + (rows << 3), <f64>id);
    store<u8>(sidesAt + rows, side);
    lastId = <i64>id;
    lastMicros = micros;
    rows++;
    p++;
    store<u32>(stateAt, p, 16);
  }
  store<f64>(stateAt, <f64>lastId);
  store<f64>(stateAt, <f64>lastMicros, 8);
  return rows;
}
