/*
 * AssemblyScript (part of kernels.wasm). The PLAIN BYTE_ARRAY body of integers' decimal
 * text (trade ids kept as numbers, ../decimal-text.ts): for each value a 4-byte
 * little-endian length, then its digits. A JavaScript loop wrote the ten-odd bytes of an id
 * one at a time, at 40–80 ns an id on this machine; here an id is made as sixteen digits in
 * two words and stored with two 8-byte stores.
 */
import { ZEROS, eightDigitsText } from './swar-digits';

/** Returned for a value that is not an integer in [0, 2^53) (JavaScript then words the error). */
const REFUSED: i32 = -1;
const MAX_SAFE: f64 = 9007199254740991;
const NINE: u64 = 0x39;

/**
 * Writes the text of `count` f64 values at `valuesAt` to `outAt`; returns the bytes written,
 * or REFUSED. The output needs 16 bytes of room past its end.
 */
export function plainDecimals(valuesAt: u32, count: u32, outAt: u32): i32 {
  let out = outAt;
  // The last value's sixteen digits (leading "0"s kept, the first digit in the lowest byte of
  // `first`) and how many of them lead.
  let previous: f64 = -2;
  let first: u64 = 0;
  let second: u64 = 0;
  let lead: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const f = load<f64>(valuesAt + (i << 3));
    if (f == previous + 1 && second >> 56 != NINE && f <= MAX_SAFE) {
      // Sequential ids, nine in ten: count the last digit up.
      second += <u64>1 << 56;
    } else {
      if (!(f >= 0 && f <= MAX_SAFE) || f != Math.floor(f)) return REFUSED;
      // f < 2^53 < 10^16: ⌊f / 10^8⌋ < 10^8 and the rest are eight digits each. The division
      // is a float one (an i64 division costs ~40 cycles), rounded, so one step corrects it.
      let high = <i64>(f / 1e8);
      let rest = <i64>f - high * 100000000;
      if (rest < 0) {
        high--;
        rest += 100000000;
      } else if (rest >= 100000000) {
        high++;
        rest -= 100000000;
      }
      first = eightDigitsText(<u32>high);
      second = eightDigitsText(<u32>rest);
      // Leading "0"s are low bytes equal to 0x30; a zero value keeps its last digit.
      lead = first != ZEROS ? <u32>(ctz(first ^ ZEROS) >> 3) : 8 + min<u32>(<u32>(ctz(second ^ ZEROS) >> 3), 7);
    }
    previous = f;
    const digits = 16 - lead;
    store<u32>(out, digits);
    // The digits from byte `lead` of the sixteen on, by shifts (stored words read back
    // unaligned would stall on store forwarding).
    if (lead >= 8) {
      store<u64>(out, second >> ((lead - 8) << 3), 4);
    } else if (lead == 0) {
      store<u64>(out, first, 4);
      store<u64>(out, second, 12);
    } else {
      const shift: u64 = lead << 3;
      store<u64>(out, (first >> shift) | (second << (64 - shift)), 4);
      store<u64>(out, second >> shift, 12);
    }
    out += 4 + digits;
  }
  return <i32>(out - outAt);
}
