/*
 * AssemblyScript, part of kernels.wasm (see kernels.ts). Encodes u32 values (dictionary
 * indices, definition levels) with Parquet's RLE / bit-packing hybrid, byte for byte as
 * rle.ts's encodeHybrid does: runs of 8 or more equal values become RLE runs once pending
 * literals are topped up to a multiple of 8, everything else is bit-packed in groups of 8.
 *
 * Why WebAssembly: a catalog write spends its encoding time packing indices a bit field at a
 * time in JavaScript (an import of 3 M trades: ~9 % of the main thread in encodeHybrid and
 * its bit packer). Here a group of 8 indices of up to 8 bits is one 64-bit word.
 *
 * Memory: the caller copies the values to `valuesAt` and gives room for at most
 * outBound(count) bytes at `outAt` (see hybrid-encode-wasm.ts), which includes the
 * 8 bytes the last 64-bit store may write past the output.
 */

/** Writes `n` as a ULEB128 varint at `at`; returns the offset after it. */
// @ts-ignore: decorator
@inline function varint(at: u32, n: u32): u32 {
  while (n >= 0x80) {
    store<u8>(at, <u8>((n & 0x7f) | 0x80));
    at++;
    n >>= 7;
  }
  store<u8>(at, <u8>n);
  return at + 1;
}

/** Value `k` of the literals `[.., end)`, 0 past `end` (the padding of the last group). */
// @ts-ignore: decorator
@inline function valueOr0(valuesAt: u32, k: u32, end: u32): u64 {
  return k < end ? <u64>load<u32>(valuesAt + (k << 2)) : 0;
}

/** Bit-packs values `[start, end)` padded with zeros to `groups` groups of 8 at `at`; returns the offset after them. */
function packGroups(valuesAt: u32, start: u32, end: u32, groups: u32, bitWidth: u32, at: u32): u32 {
  const b = <u64>bitWidth;
  if (bitWidth <= 8) {
    // A group is 8 · bitWidth ≤ 64 bits: one word, of which the next group overwrites the rest.
    for (let g: u32 = 0, k = start; g < groups; g++, k += 8) {
      let word: u64;
      if (k + 8 <= end) {
        const p = valuesAt + (k << 2);
        word = <u64>load<u32>(p) | (<u64>load<u32>(p, 4) << b) | (<u64>load<u32>(p, 8) << (b * 2)) | (<u64>load<u32>(p, 12) << (b * 3))
          | (<u64>load<u32>(p, 16) << (b * 4)) | (<u64>load<u32>(p, 20) << (b * 5)) | (<u64>load<u32>(p, 24) << (b * 6)) | (<u64>load<u32>(p, 28) << (b * 7));
      } else {
        word = 0;
        for (let j: u32 = 0; j < 8; j++) word |= valueOr0(valuesAt, k + j, end) << (b * <u64>j);
      }
      store<u64>(at, word);
      at += bitWidth;
    }
    return at;
  }
  // Wider values: a 64-bit accumulator that hands out 32 bits at a time.
  let acc: u64 = 0;
  let bits: u64 = 0;
  const count = groups << 3;
  for (let j: u32 = 0, k = start; j < count; j++, k++) {
    acc |= valueOr0(valuesAt, k, end) << bits;
    bits += b;
    if (bits >= 32) {
      store<u32>(at, <u32>acc);
      at += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  // A group's bits are a whole number of bytes, so what is left is too.
  for (; bits > 0; bits -= 8) {
    store<u8>(at, <u8>acc);
    at++;
    acc >>= 8;
  }
  return at;
}

/** Encodes values `[0, count)` at `valuesAt`; returns the encoded length at `outAt`. */
export function encodeHybrid(valuesAt: u32, count: u32, bitWidth: u32, outAt: u32): u32 {
  const byteWidth = (bitWidth + 7) >> 3;
  let at = outAt;
  let literalStart: u32 = 0;
  let i: u32 = 0;
  while (i < count) {
    const value = load<u32>(valuesAt + (i << 2));
    let run: u32 = 1;
    while (i + run < count && load<u32>(valuesAt + ((i + run) << 2)) == value) run++;
    const pending = i - literalStart;
    const topUp: u32 = (8 - (pending & 7)) & 7;
    if (run >= topUp + 8) {
      const literalEnd = i + topUp;
      if (literalEnd > literalStart) {
        const groups = (literalEnd - literalStart + 7) >> 3;
        at = varint(at, (groups << 1) | 1);
        at = packGroups(valuesAt, literalStart, literalEnd, groups, bitWidth, at);
      }
      at = varint(at, (run - topUp) << 1);
      for (let k: u32 = 0, v = value; k < byteWidth; k++, v >>= 8) {
        store<u8>(at, <u8>v);
        at++;
      }
      i += run;
      literalStart = i;
    } else {
      i += run;
    }
  }
  if (count > literalStart) {
    const groups = (count - literalStart + 7) >> 3;
    at = varint(at, (groups << 1) | 1);
    at = packGroups(valuesAt, literalStart, count, groups, bitWidth, at);
  }
  return at - outAt;
}
