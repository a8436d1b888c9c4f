/*
 * AssemblyScript, part of kernels.wasm (see kernels.ts). Decodes one snappy block (a
 * Parquet page) — the raw format: a varint length, then literals and back-references.
 *
 * Why our own, in the kernels' memory: hysnappy grows a WebAssembly memory of its own on its
 * first page, and growing a memory detaches its ArrayBuffer; the first detach anywhere in a
 * process makes V8 check every typed array access of optimised JavaScript for detachment from
 * then on (measured: the validation loop over 2 M quotes, 52 → 45 ns/row without it). The
 * kernels' memory starts large enough for the usual pages (see scripts/build-wasm.mjs).
 *
 * Strict: every length and offset is checked, the output must come out exactly `size` bytes
 * and the input must be used up; anything else returns a negative code and the caller
 * reports the page as corrupt.
 */

/**
 * Bytes the decoder may write past the output and read past the input (short literals and
 * copies move 8 or 16 bytes at a time; what lands past a copy is overwritten by the next).
 * The caller leaves this much room after the output; the input is followed by the output
 * (exported, so the caller reads it from here).
 */
export const SLACK: u32 = 16;

/** Decodes the block at [inAt, inEnd) into `size` bytes at `outAt`; 0, or -1 when the block is corrupt. */
export function snappyDecode(inAt: u32, inEnd: u32, outAt: u32, size: u32): i32 {
  let pos = inAt;
  // The block's own length (the caller has checked it against the page header).
  let length: u64 = 0;
  let shift: u64 = 0;
  for (;;) {
    if (pos >= inEnd || shift > 28) return -1;
    const b = <u32>load<u8>(pos);
    pos++;
    length |= (<u64>(b & 0x7f)) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  if (length != <u64>size) return -1;
  const outEnd = outAt + size;
  let out = outAt;
  while (pos < inEnd) {
    const tag = <u32>load<u8>(pos);
    pos++;
    const kind = tag & 3;
    if (kind == 0) {
      // Literal: length - 1 in the tag, or in the 1–4 bytes after it.
      let n = tag >> 2;
      if (n >= 60) {
        const bytes = n - 59;
        if (pos + bytes > inEnd) return -1;
        n = 0;
        for (let k: u32 = 0; k < bytes; k++) n |= (<u32>load<u8>(pos + k)) << (k << 3);
        pos += bytes;
      }
      const count = <u64>n + 1;
      if (<u64>pos + count > <u64>inEnd || <u64>out + count > <u64>outEnd) return -1;
      // Most literals are short: one 16-byte move (see SLACK).
      if (count <= 16) v128.store(out, v128.load(pos));
      else memory.copy(out, pos, <u32>count);
      pos += <u32>count;
      out += <u32>count;
      continue;
    }
    // A copy, decoded without branching on its kind (a kind that changes from copy to copy
    // costs a mispredicted branch each time, and real pages mix kinds 1 and 2):
    // 1 → 4–11 bytes, an 11-bit offset (3 bits in the tag, a byte after it); 2 → 1–64
    // bytes, a 2-byte offset; 3 → 1–64 bytes, a 4-byte offset. The word may reach 3 bytes
    // past the block (see SLACK); only the bytes the kind owns are used, after the check.
    const word = load<u32>(pos);
    const one = kind == 1;
    const four = kind == 3;
    const count: u32 = select<u32>(4 + ((tag >> 2) & 7), (tag >> 2) + 1, one);
    const extra: u32 = select<u32>(4, kind, four);
    const offset: u32 = select<u32>(((tag >> 5) << 8) | (word & 0xff), select<u32>(word, word & 0xffff, four), one);
    if (pos + extra > inEnd) return -1;
    pos += extra;
    if (offset == 0 || offset > out - outAt || count > outEnd - out) return -1;
    const from = out - offset;
    if (count <= 16 && offset >= 8) {
      // Nearly every copy: two 8-byte moves, the second reading only bytes already written
      // (the source is at least 8 behind); what lands past the copy is overwritten by the
      // next (see SLACK). Not one 16-byte move when the source is 16 behind: offsets of 8
      // and of more are mixed on real pages, and the branch cost more than the move saved.
      store<u64>(out, load<u64>(from));
      store<u64>(out + 8, load<u64>(from + 8));
    } else if (offset >= 8) {
      // 8-byte steps: with the source at least 8 behind, each reads only bytes already
      // written, and the last may run up to 7 past the copy.
      if (count > 64 && offset >= count) memory.copy(out, from, count);
      else for (let k: u32 = 0; k < count; k += 8) store<u64>(out + k, load<u64>(from + k));
    } else {
      for (let k: u32 = 0; k < count; k++) store<u8>(out + k, load<u8>(from + k));
    }
    out += count;
  }
  return out == outEnd ? 0 : -1;
}
