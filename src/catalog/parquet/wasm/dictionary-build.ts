/*
 * AssemblyScript (part of kernels.wasm). Builds a column chunk's dictionary of fixed-width
 * values: the distinct values in order of first appearance, and each value's index. The same
 * open-addressing table over 32-bit words as the JavaScript builder in ../dictionary-build.ts
 * (FNV-1a over the words, linear probing), so both give the same dictionary, byte for byte.
 */

/** Returned when the distinct values exceed `limit` (the column is better PLAIN). */
const TOO_MANY: i32 = -1;

/**
 * Reads `count` values of `words` 32-bit words at `valuesAt`; the table is `mask + 1` slots
 * (i32) at `slotsAt`, entries go to `entriesAt`, indices (u32) to `indicesAt`. Returns the
 * number of distinct values, or TOO_MANY once more than `limit` would be needed.
 */
export function buildDictionary(valuesAt: u32, count: u32, words: u32, limit: u32, slotsAt: u32, mask: u32, entriesAt: u32, indicesAt: u32): i32 {
  memory.fill(slotsAt, 0xff, (mask + 1) << 2); // every slot -1: empty
  const bytes = words << 2;
  let distinct: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const at = valuesAt + i * bytes;
    let h: u32 = 0x811c9dc5;
    for (let w: u32 = 0; w < words; w++) h = (h ^ load<u32>(at + (w << 2))) * 0x01000193;
    let slot = (h ^ (h >> 15)) & mask;
    while (true) {
      const entry = load<i32>(slotsAt + (slot << 2));
      if (entry == -1) {
        if (distinct >= limit) return TOO_MANY;
        store<i32>(slotsAt + (slot << 2), distinct);
        memory.copy(entriesAt + distinct * bytes, at, bytes);
        store<u32>(indicesAt + (i << 2), distinct);
        distinct++;
        break;
      }
      const e = entriesAt + <u32>entry * bytes;
      let same = true;
      for (let w: u32 = 0; w < words; w++) {
        if (load<u32>(e + (w << 2)) != load<u32>(at + (w << 2))) {
          same = false;
          break;
        }
      }
      if (same) {
        store<u32>(indicesAt + (i << 2), <u32>entry);
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return <i32>distinct;
}
