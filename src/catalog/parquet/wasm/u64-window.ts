/*
 * AssemblyScript (part of kernels.wasm). Marks which little-endian u64 values (a row
 * group's `ts_init`) lie in a half-open window, for trimming the row groups at a window's
 * edges: 5,000 rows each, where a fresh process would otherwise interpret the JavaScript
 * loop row by row.
 */

/**
 * For the `count` u64 at `valuesAt`, writes 1 (inside `[start, end)`) or 0 to the byte at
 * `flagsAt + i` and returns how many are inside. Bounds come as 32-bit halves; `endHigh`
 * 2^32 (no end) arrives as 0 with `open` set.
 */
export function markInWindow(valuesAt: u32, count: u32, startHigh: u32, startLow: u32, endHigh: u32, endLow: u32, open: u32, flagsAt: u32): u32 {
  const start = (<u64>startHigh << 32) | <u64>startLow;
  const end = (<u64>endHigh << 32) | <u64>endLow;
  let inside: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const value = load<u64>(valuesAt + (i << 3));
    const ok: u32 = value >= start && (open != 0 || value < end) ? 1 : 0;
    store<u8>(flagsAt + i, <u8>ok);
    inside += ok;
  }
  return inside;
}
