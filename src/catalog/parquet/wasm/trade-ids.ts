/*
 * AssemblyScript (part of kernels.wasm). Whether a PLAIN page of trade ids counts up by one,
 * as venues that number their trades per instrument do (Binance: 1, 2, 3, …), taken while the
 * page's bytes sit in this memory (see ../../trade-facts.ts for what the fact proves).
 *
 * Each value must be 1 to 15 ASCII digits without a leading zero (so the ids are exact as
 * floats, and their numeric order is their order by length, then text), and be the value
 * before it plus one. A value of Parquet's PLAIN BYTE_ARRAY encoding is a little-endian
 * 32-bit length and that many bytes.
 *
 * Most ids are the one before with the last digit one up: that is tested on the bytes, the
 * id against the one before it (the same length, a subtraction of two 64-bit words). Only
 * a page's first id, a carry (…9 → …0) or a change of length is read as a number, eight
 * digits at a time (SWAR: one 64-bit load, two tests for all eight, three multiplies).
 */

import { ZEROS, eightDigitsValue } from './swar-digits';

/** Returned for a page that does not count up (ids are never negative). */
const REFUSED: f64 = -2;

const HIGH_NIBBLES: u64 = 0xf0f0f0f0f0f0f0f0;
const SIXES: u64 = 0x0606060606060606;

/**
 * The value of the `count` (1 to 8) ASCII digits ending at byte `at + count`, or -1 when one
 * is not a digit. Loads the 8 bytes ending there, so it reads up to 7 bytes before `at`
 * (and ignores them).
 */
// @ts-ignore: decorator
@inline
function eightDigits(at: u32, count: u32): i64 {
  // Little-endian: the first digit is the lowest byte of the digits. The bytes below it
  // become "0"s, leading zeros of the number.
  const digitsMask: u64 = (<u64>-1) << (<u64>(8 - count) << 3);
  const text = (load<u64>(at + count - 8) & digitsMask) | (ZEROS & ~digitsMask);
  // Each byte 0x30..0x3F, and still below 0x40 with 6 added: "0".."9".
  if ((text & HIGH_NIBBLES) != ZEROS || ((text + SIXES) & HIGH_NIBBLES) != ZEROS) return -1;
  return <i64>eightDigitsValue(text - ZEROS);
}

/**
 * True when the `length` bytes at `at` are those at `previousAt` with the last one up by one,
 * and not past "9": the next number, given that the previous bytes are digits.
 */
// @ts-ignore: decorator
@inline
function lastDigitUp(previousAt: u32, at: u32, length: u32): bool {
  // The last up to 8 bytes as the top of a word (the bytes below the id masked off), and for
  // longer ids their first 8 bytes as another word.
  const mask: u64 = length >= 8 ? <u64>-1 : (<u64>-1) << (<u64>(8 - length) << 3);
  const word = load<u64>(at + length - 8) & mask;
  const before = load<u64>(previousAt + length - 8) & mask;
  if (word - before != LAST_BYTE_ONE || word >> 56 > 0x39) return false;
  return length <= 8 || load<u64>(at) == load<u64>(previousAt);
}

const LAST_BYTE_ONE: u64 = 1 << 56;

/**
 * Reads `count` ids from the page bytes `[pageAt, end)`. `last` is the id before the page's
 * first, or -1 when the page starts the row group. Returns the page's last id, or -2 when a
 * value is not a canonical number of 1 to 15 digits, does not follow the one before, or runs
 * past `end`. Reads nothing at or past `end`, and up to 8 bytes before `pageAt` (ignored):
 * callers leave room there.
 */
export function idsCountUp(pageAt: u32, end: u32, count: u32, last: f64): f64 {
  let previous = <i64>last;
  let pos = pageAt;
  // The previous id's bytes in this page; length 0: none yet.
  let previousAt: u32 = 0;
  let previousLength: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    if (end - pos < 4) return REFUSED;
    const length = load<u32>(pos);
    const at = pos + 4;
    // Unsigned: a length of 0 wraps past 14.
    if (length - 1 > 14 || length > end - at) return REFUSED;
    if (length == previousLength && lastDigitUp(previousAt, at, length)) {
      previous++;
    } else {
      // A leading zero only as the id "0" itself.
      if (load<u8>(at) == 48 && length > 1) return REFUSED;
      let value: i64;
      if (length <= 8) {
        value = eightDigits(at, length);
      } else {
        const high = eightDigits(at, length - 8);
        const low = eightDigits(at + length - 8, 8);
        value = (high | low) < 0 ? -1 : high * 100000000 + low;
      }
      if (value < 0 || (previous >= 0 && value != previous + 1)) return REFUSED;
      previous = value;
      previousLength = length;
    }
    previousAt = at;
    // The same as `length`; taken from the register the common step leaves unchanged, the next
    // id's address need not wait for this one's length to load.
    pos = at + previousLength;
  }
  return <f64>previous;
}
