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
 * Ids mostly come in runs of one length, each the one before plus one, so a run sits at a fixed
 * stride: a loop over it needs no id's length to find the next (the length is only checked),
 * tests each id without a branch but the one that ends the run, and reads its value eight
 * digits at a time (SWAR: one 64-bit load, two tests for all eight, three multiplies). Only a
 * page's first id, a change of length, or a carry into the ninth digit from the end goes to
 * the one-id step. (The loop that found each id from the one before, and tested most ids by
 * their last digit with branches, took 13-16 ns an id on the 2-core machine; see
 * BENCHMARKS.md.)
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
 * Reads `count` ids from the page bytes `[pageAt, end)`. `last` is the id before the page's
 * first, or -1 when the page starts the row group. Returns the page's last id, or -2 when a
 * value is not a canonical number of 1 to 15 digits, does not follow the one before, or runs
 * past `end`. Reads nothing at or past `end`, and up to 8 bytes before `pageAt` (ignored):
 * callers leave room there.
 */
export function idsCountUp(pageAt: u32, end: u32, count: u32, last: f64): f64 {
  let previous = <i64>last;
  let pos = pageAt;
  // The previous id's length in this page; 0: none yet.
  let previousLength: u32 = 0;
  let i: u32 = 0;
  while (i < count) {
    if (previousLength != 0) {
      const taken = previousLength <= 8
        ? shortRun(pos, end, count - i, previousLength, previous)
        : longRun(pos, end, count - i, previousLength, previous % 100000000);
      i += taken;
      previous += taken;
      pos += taken * (previousLength + 4);
      if (i == count) break;
    }
    // One id: a page's first, one of another length than the one before, or a carry.
    if (end - pos < 4) return REFUSED;
    const length = load<u32>(pos);
    const at = pos + 4;
    // Unsigned: a length of 0 wraps past 14.
    if (length - 1 > 14 || length > end - at) return REFUSED;
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
    pos = at + length;
    i++;
  }
  return <f64>previous;
}

// The runs. Each takes ids from `pos` while each is `length` (the previous id's) bytes of
// digits worth the previous id plus one, at most `limit` of them and only those wholly
// before `end`, and returns how many it took. A run's ids need no leading-zero test: each
// is greater than the previous id, which had none and as many digits. Every test of an id
// is folded into one word (`bad`), so the loop branches once an id, and only at the id that
// ends the run does that branch go the other way.

/** A run of ids of 1 to 8 digits after `previous`. */
function shortRun(pos: u32, end: u32, limit: u32, length: u32, previous: i64): u32 {
  const stride = length + 4;
  const most = min<u32>(limit, (end - pos) / stride);
  // The digits as the top bytes of the word that ends with them, "0"s below.
  const digits: u64 = (<u64>-1) << (<u64>(8 - length) << 3);
  const zeros = ZEROS & ~digits;
  const stop = pos + most * stride;
  let expected = <u64>previous + 1;
  let id = pos;
  for (; id < stop; id += stride) {
    const text = (load<u64>(id + length - 4) & digits) | zeros;
    let bad = <u64>(load<u32>(id) != length);
    bad |= ((text & HIGH_NIBBLES) ^ ZEROS) | (((text + SIXES) & HIGH_NIBBLES) ^ ZEROS);
    bad |= eightDigitsValue(text - ZEROS) ^ expected;
    if (bad != 0) break;
    expected++;
  }
  return (id - pos) / stride;
}

/**
 * A run of ids of 9 to 15 digits whose last eight digits are worth `previousLow` (the
 * previous id's) plus one, and whose first digits are the previous id's (no carry into them).
 */
function longRun(pos: u32, end: u32, limit: u32, length: u32, previousLow: i64): u32 {
  const stride = length + 4;
  const most = min<u32>(limit, (end - pos) / stride);
  // The first `length - 8` digits as the top bytes of the word that ends 8 bytes before the
  // id does; the previous id's end at `pos`.
  const head: u64 = (<u64>-1) << (<u64>(16 - length) << 3);
  const previousHead = load<u64>(pos - 16) & head;
  const stop = pos + most * stride;
  let expected = <u64>previousLow + 1;
  let id = pos;
  for (; id < stop; id += stride) {
    const text = load<u64>(id + length - 4);
    let bad = <u64>(load<u32>(id) != length) | ((load<u64>(id + length - 12) & head) ^ previousHead);
    bad |= ((text & HIGH_NIBBLES) ^ ZEROS) | (((text + SIXES) & HIGH_NIBBLES) ^ ZEROS);
    bad |= eightDigitsValue(text - ZEROS) ^ expected;
    if (bad != 0) break;
    expected++;
  }
  return (id - pos) / stride;
}
