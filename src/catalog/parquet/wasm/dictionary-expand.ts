/*
 * AssemblyScript, part of kernels.wasm (see kernels.ts, and footer-walk.ts for why
 * WebAssembly). Expands one dictionary-encoded data page of
 * 4-, 8- or 16-byte values: hybrid RLE / bit-packed indices in, dictionary entries out.
 *
 * A fast path only: on anything wrong (an index past the dictionary, a run past the page)
 * it returns -1 and the caller runs the JavaScript expander, which throws the exact error.
 * For every page it accepts, its output equals the JavaScript expander's (tested).
 *
 * Memory: the caller copies the page's index bytes to [indexAt, indexEnd), the dictionary
 * to `dictAt` and gets `count` values at `outAt`.
 */

/** Byte `p` of a run ending at `end`; bytes past a truncated run read as 0, as in rle.ts. */
function byteAt(p: u32, end: u32): u64 {
  return p < end ? <u64>load<u8>(p) : 0;
}

/** Copies dictionary entry `index` (`words` u32 words) to output value `i`. */
// @ts-ignore: decorator
@inline function copyEntry(dictAt: u32, index: u32, words: u32, outAt: u32, i: u32): void {
  const from = dictAt + ((index * words) << 2);
  const to = outAt + ((i * words) << 2);
  if (words == 4) v128.store(to, v128.load(from));
  else if (words == 2) store<u64>(to, load<u64>(from));
  else store<u32>(to, load<u32>(from));
}

/** What expandGroups returns for an index past the dictionary. */
const BAD_INDEX: u32 = 0xffffffff;

/**
 * The bit-packed run's whole groups of 8 indices at `pos` (up to `take` values), for widths
 * up to 16 bits: a group is `bitWidth` bytes, and its two halves of 4 indices each fit in an
 * 8-byte word (the second starts 4·bitWidth bits in: bitWidth / 2 bytes and 4 bits more
 * when the width is odd), so one group costs two loads and eight independent extractions
 * instead of a load and a bounds test per index. Stops where a word would reach past
 * `runEnd`; returns the values written (a multiple of 8), or BAD_INDEX. `T` is the entry's
 * type (v128, u64 or u32).
 */
// @ts-ignore: decorator
@inline function expandGroups<T>(pos: u32, runEnd: u32, bitWidth: u32, take: u32, dictAt: u32, dictCount: u32, outAt: u32): u32 {
  if (bitWidth > 16) return 0;
  const size = <u32>sizeof<T>();
  const mask: u64 = (<u64>1 << <u64>bitWidth) - 1;
  const bw = <u64>bitWidth;
  const half = bitWidth >> 1;
  const halfShift = <u64>((bitWidth & 1) << 2);
  let i: u32 = 0;
  for (let at = pos; i + 8 <= take && at + half + 8 <= runEnd; i += 8, at += bitWidth) {
    const low = load<u64>(at);
    const high = load<u64>(at + half) >> halfShift;
    const i0 = <u32>(low & mask);
    const i1 = <u32>((low >> bw) & mask);
    const i2 = <u32>((low >> (bw << 1)) & mask);
    const i3 = <u32>((low >> (bw * 3)) & mask);
    const i4 = <u32>(high & mask);
    const i5 = <u32>((high >> bw) & mask);
    const i6 = <u32>((high >> (bw << 1)) & mask);
    const i7 = <u32>((high >> (bw * 3)) & mask);
    if (max(max(max(i0, i1), max(i2, i3)), max(max(i4, i5), max(i6, i7))) >= dictCount) return BAD_INDEX;
    const o = outAt + i * size;
    store<T>(o, load<T>(dictAt + i0 * size));
    store<T>(o + size, load<T>(dictAt + i1 * size));
    store<T>(o + 2 * size, load<T>(dictAt + i2 * size));
    store<T>(o + 3 * size, load<T>(dictAt + i3 * size));
    store<T>(o + 4 * size, load<T>(dictAt + i4 * size));
    store<T>(o + 5 * size, load<T>(dictAt + i5 * size));
    store<T>(o + 6 * size, load<T>(dictAt + i6 * size));
    store<T>(o + 7 * size, load<T>(dictAt + i7 * size));
  }
  return i;
}

export function expandDictionaryPage(indexAt: u32, indexEnd: u32, bitWidth: u32, count: u32, dictAt: u32, dictCount: u32, words: u32, outAt: u32): i32 {
  if (bitWidth > 32) return -1;
  if (bitWidth == 0) {
    if (count > 0 && dictCount == 0) return -1;
    for (let i: u32 = 0; i < count; i++) copyEntry(dictAt, 0, words, outAt, i);
    return 0;
  }
  const byteWidth = (bitWidth + 7) >> 3;
  const mask: u64 = (<u64>1 << bitWidth) - 1;
  let pos = indexAt;
  let written: u32 = 0;
  while (written < count) {
    // Run header: a varint of at most 6 bytes (rle.ts refuses longer).
    let header: u64 = 0;
    let shift: u64 = 0;
    for (;;) {
      if (pos >= indexEnd) return -1;
      const b = load<u8>(pos);
      pos++;
      header |= (<u64>(b & 0x7f)) << shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 35) return -1;
    }
    if ((header & 1) == 0) {
      const runLength = header >> 1;
      if (pos + byteWidth > indexEnd) return -1;
      let value: u64 = 0;
      for (let k: u32 = 0; k < byteWidth; k++) value |= (<u64>load<u8>(pos + k)) << (k << 3);
      pos += byteWidth;
      if (value >= <u64>dictCount) return -1;
      const left = <u64>(count - written);
      const take = <u32>(runLength < left ? runLength : left);
      for (let i: u32 = 0; i < take; i++) copyEntry(dictAt, <u32>value, words, outAt, written + i);
      written += take;
    } else {
      const groups = header >> 1;
      const byteCount = groups * <u64>bitWidth;
      const valueCount = groups * 8;
      let runEnd: u32 = indexEnd;
      if (<u64>pos + byteCount <= <u64>indexEnd) runEnd = pos + <u32>byteCount;
      else if (<u64>written + ((<u64>(indexEnd - pos) * 8) / <u64>bitWidth) < <u64>count) return -1; // a truncated last run must still hold every value
      const left = <u64>(count - written);
      const take = <u32>(valueCount < left ? valueCount : left);
      const out = outAt + ((written * words) << 2);
      const grouped = words == 4
        ? expandGroups<v128>(pos, runEnd, bitWidth, take, dictAt, dictCount, out)
        : words == 2
          ? expandGroups<u64>(pos, runEnd, bitWidth, take, dictAt, dictCount, out)
          : expandGroups<u32>(pos, runEnd, bitWidth, take, dictAt, dictCount, out);
      if (grouped == BAD_INDEX) return -1;
      // The rest one index at a time: wider indices, and the run's last bytes.
      for (let i: u32 = grouped, bit: u64 = <u64>grouped * <u64>bitWidth; i < take; i++, bit += bitWidth) {
        const p = pos + <u32>(bit >> 3);
        let window: u64;
        if (p + 8 <= runEnd) window = load<u64>(p);
        else {
          window = 0;
          for (let k: u32 = 0; k < 8; k++) window |= byteAt(p + k, runEnd) << (<u64>k << 3);
        }
        const index = (window >> (bit & 7)) & mask;
        if (index >= <u64>dictCount) return -1;
        copyEntry(dictAt, <u32>index, words, outAt, written + i);
      }
      written += take;
      if (<u64>pos + byteCount > <u64>0xffffffff) return -1;
      pos += <u32>byteCount;
    }
  }
  return 0;
}
