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
