/*
 * AssemblyScript, shared by the catalog's and the import's kernels: eight ASCII digits read
 * with word operations (SWAR) instead of one byte at a time.
 */

/** Eight ASCII "0"s. */
export const ZEROS: u64 = 0x3030303030303030;

/**
 * The number written by the eight digit values (each 0 to 9, ASCII less "0") of `v`, the
 * first digit in its lowest byte: pairs of digits, then fours, then all eight, each step one
 * multiply.
 */
// @ts-ignore: decorator
@inline
export function eightDigitsValue(v: u64): u64 {
  v = ((v & 0x0f0f0f0f0f0f0f0f) * 2561) >> 8;
  v = ((v & 0x00ff00ff00ff00ff) * 6553601) >> 16;
  return ((v & 0x0000ffff0000ffff) * 42949672960001) >> 32;
}

/**
 * The eight ASCII digits of `x` (below 10^8, leading zeros kept), the first digit in the
 * lowest byte: halves of four digits, then pairs, then digits, each split one multiply and
 * shift per lane (exact: x·5243 >> 19 is ⌊x / 100⌋ below 43,699, x·103 >> 10 is ⌊x / 10⌋
 * below 179).
 */
// @ts-ignore: decorator
@inline
export function eightDigitsText(x: u32): u64 {
  const high = <u32>((<u64>x * 3518437209) >> 45); // ⌊x / 10^4⌋ for any u32
  let v: u64 = <u64>high | (<u64>(x - high * 10000) << 32);
  let q = ((v * 5243) >> 19) & 0x0000007f0000007f;
  v = q | ((v - q * 100) << 16);
  q = ((v * 103) >> 10) & 0x000f000f000f000f;
  v = q | ((v - q * 10) << 8);
  return v + ZEROS;
}
