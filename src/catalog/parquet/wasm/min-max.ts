/*
 * AssemblyScript (part of kernels.wasm): where a column chunk's min and max values are, for
 * its statistics (../column-write.ts). The JavaScript loops it replaces cost about 8 ns a value
 * on the non-dictionary columns of a quote file (sizes and timestamps); here a value costs a
 * compare or two on 64-bit words.
 */

/** Integers, little-endian 64-bit, unsigned. */
export const ORDER_UNSIGNED: i32 = 0;
/** Integers, little-endian 64-bit, two's complement. */
export const ORDER_SIGNED: i32 = 1;
/** FIXED_LEN_BYTE_ARRAY: bytewise (unsigned lexicographic), as parquet-mr and arrow-rs order it. */
export const ORDER_BYTES: i32 = 2;

/**
 * Whether 8 bytes `a` come before `b` bytewise (both loaded little-endian): the first byte
 * that differs decides. Equal words give false (ctz is 64: both shifted by 0, equal bytes).
 */
@inline function bytesBefore(a: u64, b: u64): bool {
  const shift = ctz(a ^ b) & 56;
  return ((a >> shift) & 0xff) < ((b >> shift) & 0xff);
}

/**
 * For the `count` values of `width` bytes (8 or 16; 16 only in bytes order) at `valuesAt`,
 * writes the index of the first least value and of the first greatest one as two u32 at
 * `resultAt`. `order` is one of the ORDER_ constants.
 */
export function minMaxAt(valuesAt: usize, count: i32, width: i32, order: i32, resultAt: usize): void {
  let minAt: i32 = 0;
  let maxAt: i32 = 0;
  if (width == 8) {
    let least = load<u64>(valuesAt);
    let greatest = least;
    for (let i: i32 = 1; i < count; i++) {
      const v = load<u64>(valuesAt + (<usize>i << 3));
      let below: bool;
      let above: bool;
      if (order == ORDER_UNSIGNED) {
        below = v < least;
        above = v > greatest;
      } else if (order == ORDER_SIGNED) {
        below = <i64>v < <i64>least;
        above = <i64>v > <i64>greatest;
      } else {
        below = bytesBefore(v, least);
        above = bytesBefore(greatest, v);
      }
      if (below) {
        least = v;
        minAt = i;
      }
      if (above) {
        greatest = v;
        maxAt = i;
      }
    }
  } else {
    let least0 = load<u64>(valuesAt);
    let least1 = load<u64>(valuesAt, 8);
    let greatest0 = least0;
    let greatest1 = least1;
    for (let i: i32 = 1; i < count; i++) {
      const at = valuesAt + (<usize>i << 4);
      const v0 = load<u64>(at);
      const v1 = load<u64>(at, 8);
      const below = v0 != least0 ? bytesBefore(v0, least0) : bytesBefore(v1, least1);
      if (below) {
        least0 = v0;
        least1 = v1;
        minAt = i;
      }
      const above = v0 != greatest0 ? bytesBefore(greatest0, v0) : bytesBefore(greatest1, v1);
      if (above) {
        greatest0 = v0;
        greatest1 = v1;
        maxAt = i;
      }
    }
  }
  store<u32>(resultAt, minAt);
  store<u32>(resultAt, maxAt, 4);
}
