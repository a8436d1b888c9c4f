/*
 * AssemblyScript (part of kernels.wasm). Facts about a bar row group's columns, taken while
 * each page's values sit in this memory, so that proving the bars clean later needs no pass
 * over them (see ../../bar-facts.ts for what the facts prove). Each kernel returns 0 when
 * every value passes, 1 otherwise. Comparisons are exact: 8-byte raws as i64, 16-byte raws
 * as (i64 high half, u64 low half), two rows per SIMD step (scalar loops of the same tests
 * took 2.5-6 ns a value).
 */

const I64_MAX: i64 = 0x7fffffffffffffff;
const I64_MIN: i64 = -0x8000000000000000;

// The four price columns, in the file's order: open is kept; high is at least open, not
// PRICE_UNDEF, and kept; low is at most open, not PRICE_ERROR, and kept; close lies between
// low and high. That proves low <= open, close <= high exactly, and no sentinel anywhere:
// a sentinel in any price would force high to PRICE_UNDEF (the greatest raw) or low to
// PRICE_ERROR (the least). A high half of i64 max or min is refused, which covers both.
//
// Kept 16-byte values are split for the comparisons: high halves at `keepAt`, low halves at
// `keepAt + half` with their top bit flipped, so the signed compares of i64x2 order them as
// unsigned. Kept 8-byte values are copied as they are. The callers pass kept columns'
// addresses already moved on to the page's first row (8 bytes a row in each half).

export function opens16(valuesAt: u32, count: u32, keepAt: u32, half: u32): i32 {
  return prices16(valuesAt, count, 0, 0, keepAt, half, false, false, true, 0);
}
export function highs16(valuesAt: u32, count: u32, openAt: u32, keepAt: u32, half: u32): i32 {
  return prices16(valuesAt, count, openAt, 0, keepAt, half, true, false, true, I64_MAX);
}
export function lows16(valuesAt: u32, count: u32, openAt: u32, keepAt: u32, half: u32): i32 {
  return prices16(valuesAt, count, 0, openAt, keepAt, half, false, true, true, I64_MIN);
}
export function closes16(valuesAt: u32, count: u32, lowAt: u32, highAt: u32, half: u32): i32 {
  return prices16(valuesAt, count, lowAt, highAt, 0, half, true, true, false, 0);
}
export function opens8(valuesAt: u32, count: u32, keepAt: u32): i32 {
  memory.copy(keepAt, valuesAt, count << 3);
  return 0;
}
export function highs8(valuesAt: u32, count: u32, openAt: u32, keepAt: u32): i32 {
  return prices8(valuesAt, count, openAt, 0, keepAt, true, false, true, I64_MAX);
}
export function lows8(valuesAt: u32, count: u32, openAt: u32, keepAt: u32): i32 {
  return prices8(valuesAt, count, 0, openAt, keepAt, false, true, true, I64_MIN);
}
export function closes8(valuesAt: u32, count: u32, lowAt: u32, highAt: u32): i32 {
  return prices8(valuesAt, count, lowAt, highAt, 0, true, true, false, 0);
}

/**
 * 1 unless each value is at least the kept one at `floorAt` (when `floored`), at most the one
 * at `ceilingAt` (when `ceiled`) and, when `sentinel` is not 0, its high half is not
 * `sentinel`; keeps the values at `keepAt` when `keep`. Two rows a step. Inlined with
 * constant flags, so each caller's loop has only its own tests.
 */
// @ts-ignore: decorator
@inline
function prices16(valuesAt: u32, count: u32, floorAt: u32, ceilingAt: u32, keepAt: u32, half: u32, floored: bool, ceiled: bool, keep: bool, sentinel: i64): i32 {
  const flip = i64x2.splat(I64_MIN);
  const refused = i64x2.splat(sentinel);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const x = v128.load(valuesAt + (i << 4));
    const y = v128.load(valuesAt + (i << 4), 16);
    const hi = v128.shuffle<i64>(x, y, 1, 3);
    const lo = v128.xor(v128.shuffle<i64>(x, y, 0, 2), flip);
    const at = i << 3;
    if (sentinel != 0) bad = v128.or(bad, i64x2.eq(hi, refused));
    if (floored) {
      const floorHi = v128.load(floorAt + at);
      bad = v128.or(bad, v128.or(i64x2.lt_s(hi, floorHi), v128.and(i64x2.eq(hi, floorHi), i64x2.lt_s(lo, v128.load(floorAt + half + at)))));
    }
    if (ceiled) {
      const ceilingHi = v128.load(ceilingAt + at);
      bad = v128.or(bad, v128.or(i64x2.gt_s(hi, ceilingHi), v128.and(i64x2.eq(hi, ceilingHi), i64x2.gt_s(lo, v128.load(ceilingAt + half + at)))));
    }
    if (keep) {
      v128.store(keepAt + at, hi);
      v128.store(keepAt + half + at, lo);
    }
  }
  let odd: i32 = 0;
  if (i < count) {
    const hi = load<i64>(valuesAt + (i << 4), 8);
    const lo = load<i64>(valuesAt + (i << 4)) ^ I64_MIN;
    const at = i << 3;
    if (sentinel != 0) odd |= <i32>(hi == sentinel);
    if (floored) {
      const floorHi = load<i64>(floorAt + at);
      odd |= <i32>(hi < floorHi) | (<i32>(hi == floorHi) & <i32>(lo < load<i64>(floorAt + half + at)));
    }
    if (ceiled) {
      const ceilingHi = load<i64>(ceilingAt + at);
      odd |= <i32>(hi > ceilingHi) | (<i32>(hi == ceilingHi) & <i32>(lo > load<i64>(ceilingAt + half + at)));
    }
    if (keep) {
      store<i64>(keepAt + at, hi);
      store<i64>(keepAt + half + at, lo);
    }
  }
  return odd | <i32>v128.any_true(bad);
}

/** As prices16, for 8-byte raws (kept as they are). */
// @ts-ignore: decorator
@inline
function prices8(valuesAt: u32, count: u32, floorAt: u32, ceilingAt: u32, keepAt: u32, floored: bool, ceiled: bool, keep: bool, sentinel: i64): i32 {
  const refused = i64x2.splat(sentinel);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const at = i << 3;
    const price = v128.load(valuesAt + at);
    if (sentinel != 0) bad = v128.or(bad, i64x2.eq(price, refused));
    if (floored) bad = v128.or(bad, i64x2.lt_s(price, v128.load(floorAt + at)));
    if (ceiled) bad = v128.or(bad, i64x2.gt_s(price, v128.load(ceilingAt + at)));
  }
  let odd: i32 = 0;
  if (i < count) {
    const at = i << 3;
    const price = load<i64>(valuesAt + at);
    if (sentinel != 0) odd |= <i32>(price == sentinel);
    if (floored) odd |= <i32>(price < load<i64>(floorAt + at));
    if (ceiled) odd |= <i32>(price > load<i64>(ceilingAt + at));
  }
  if (keep) memory.copy(keepAt, valuesAt, count << 3);
  return odd | <i32>v128.any_true(bad);
}

/** Values of `width` (8 or 16) bytes: 1 unless each one's top 32-bit word, unsigned, is below `limit`. */
export function topWordsBelow(valuesAt: u32, count: u32, width: u32, limit: u32): i32 {
  const below = i32x4.splat(limit);
  let bad = i32x4.splat(0);
  let i: u32 = 0;
  // Four values a step: their top words gathered into one vector.
  for (; i + 3 < count; i += 4) {
    const at = valuesAt + i * width;
    const tops = width == 16
      ? v128.shuffle<i32>(v128.shuffle<i32>(v128.load(at), v128.load(at, 16), 3, 7, 3, 7), v128.shuffle<i32>(v128.load(at, 32), v128.load(at, 48), 3, 7, 3, 7), 0, 1, 4, 5)
      : v128.shuffle<i32>(v128.load(at), v128.load(at, 16), 1, 3, 5, 7);
    bad = v128.or(bad, i32x4.ge_u(tops, below));
  }
  let odd: i32 = 0;
  for (; i < count; i++) odd |= <i32>(load<u32>(valuesAt + i * width + width - 4) >= limit);
  return odd | <i32>v128.any_true(bad);
}

/**
 * `ts_init` values: 1 unless each is the one before plus one stride, the stride is above 0
 * and every value is below 2^63 (so no sum wrapped). The state at `stateAt` is the last value
 * and the stride (two i64); `first` (a column's first page) sets both from the page's first
 * two values, and needs two of them.
 */
export function timesOnStride(valuesAt: u32, count: u32, stateAt: u32, first: i32): i32 {
  if (first != 0) {
    if (count < 2) return 1;
    const t0 = load<i64>(valuesAt);
    const stride = load<i64>(valuesAt, 8) - t0;
    store<i64>(stateAt, t0 - stride);
    store<i64>(stateAt, stride, 8);
  }
  if (count == 0) return 0;
  const stride = load<i64>(stateAt, 8);
  const strides = i64x2.splat(stride);
  const zero = i64x2.splat(0);
  let previous = i64x2.splat(load<i64>(stateAt));
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const ts = v128.load(valuesAt + (i << 3));
    const steps = i64x2.sub(ts, v128.shuffle<i64>(previous, ts, 1, 2));
    bad = v128.or(bad, v128.or(v128.not(i64x2.eq(steps, strides)), i64x2.lt_s(ts, zero)));
    previous = ts;
  }
  let last = i64x2.extract_lane(previous, 1);
  let odd: i32 = <i32>(stride <= 0);
  for (; i < count; i++) {
    const t = load<i64>(valuesAt + (i << 3));
    odd |= <i32>(t - last != stride) | <i32>(t < 0);
    last = t;
  }
  store<i64>(stateAt, last);
  return odd | <i32>v128.any_true(bad);
}
