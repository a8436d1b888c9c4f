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

// The four price columns of `count` bars, each where the decoders left its values (open,
// high and low in their slots, close in place): 1 unless every bar has high >= open,
// high >= close, low <= open and low <= close, high not PRICE_UNDEF and low not PRICE_ERROR.
// That proves low <= open, close <= high exactly, and no sentinel anywhere: a sentinel in
// any price would force high to PRICE_UNDEF (the greatest raw) or low to PRICE_ERROR (the
// least). A high half of i64 max (high) or min (low) is refused, which covers both.
//
// One pass over all four columns, two bars a step: reading the values where they were
// decoded replaced kernels per column that kept copies for the later ones (2.75 against
// 4.6 ns a bar on hot data).

export function bars16(openAt: u32, highAt: u32, lowAt: u32, closeAt: u32, count: u32): i32 {
  const flip = i64x2.splat(I64_MIN);
  const undef = i64x2.splat(I64_MAX);
  const error = i64x2.splat(I64_MIN);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const at = i << 4;
    // Each pair of 16-byte raws as its high halves (i64) and low halves with the top bit
    // flipped, so that signed compares order them as unsigned.
    const openHi = highHalves(openAt + at);
    const openLo = lowHalves(openAt + at, flip);
    const highHi = highHalves(highAt + at);
    const highLo = lowHalves(highAt + at, flip);
    const lowHi = highHalves(lowAt + at);
    const lowLo = lowHalves(lowAt + at, flip);
    const closeHi = highHalves(closeAt + at);
    const closeLo = lowHalves(closeAt + at, flip);
    bad = v128.or(bad, v128.or(i64x2.eq(highHi, undef), i64x2.eq(lowHi, error)));
    bad = v128.or(bad, below16(highHi, highLo, openHi, openLo));
    bad = v128.or(bad, below16(highHi, highLo, closeHi, closeLo));
    bad = v128.or(bad, below16(openHi, openLo, lowHi, lowLo));
    bad = v128.or(bad, below16(closeHi, closeLo, lowHi, lowLo));
  }
  let odd: i32 = 0;
  if (i < count) {
    const at = i << 4;
    const openHi = load<i64>(openAt + at, 8);
    const openLo = load<i64>(openAt + at) ^ I64_MIN;
    const highHi = load<i64>(highAt + at, 8);
    const highLo = load<i64>(highAt + at) ^ I64_MIN;
    const lowHi = load<i64>(lowAt + at, 8);
    const lowLo = load<i64>(lowAt + at) ^ I64_MIN;
    const closeHi = load<i64>(closeAt + at, 8);
    const closeLo = load<i64>(closeAt + at) ^ I64_MIN;
    odd = <i32>(highHi == I64_MAX) | <i32>(lowHi == I64_MIN);
    odd |= below16Scalar(highHi, highLo, openHi, openLo) | below16Scalar(highHi, highLo, closeHi, closeLo);
    odd |= below16Scalar(openHi, openLo, lowHi, lowLo) | below16Scalar(closeHi, closeLo, lowHi, lowLo);
  }
  return odd | <i32>v128.any_true(bad);
}

/** As bars16, for 8-byte raws. */
export function bars8(openAt: u32, highAt: u32, lowAt: u32, closeAt: u32, count: u32): i32 {
  const undef = i64x2.splat(I64_MAX);
  const error = i64x2.splat(I64_MIN);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const at = i << 3;
    const open = v128.load(openAt + at);
    const high = v128.load(highAt + at);
    const low = v128.load(lowAt + at);
    const close = v128.load(closeAt + at);
    bad = v128.or(bad, v128.or(i64x2.eq(high, undef), i64x2.eq(low, error)));
    bad = v128.or(bad, v128.or(i64x2.lt_s(high, open), i64x2.lt_s(high, close)));
    bad = v128.or(bad, v128.or(i64x2.gt_s(low, open), i64x2.gt_s(low, close)));
  }
  let odd: i32 = 0;
  if (i < count) {
    const at = i << 3;
    const open = load<i64>(openAt + at);
    const high = load<i64>(highAt + at);
    const low = load<i64>(lowAt + at);
    const close = load<i64>(closeAt + at);
    odd = <i32>(high == I64_MAX) | <i32>(low == I64_MIN) | <i32>(high < open) | <i32>(high < close) | <i32>(low > open) | <i32>(low > close);
  }
  return odd | <i32>v128.any_true(bad);
}

/** The high halves (i64) of the two 16-byte raws at `at`. */
// @ts-ignore: decorator
@inline
function highHalves(at: u32): v128 {
  return v128.shuffle<i64>(v128.load(at), v128.load(at, 16), 1, 3);
}

/** The low halves of the two 16-byte raws at `at`, top bit flipped by `flip`. */
// @ts-ignore: decorator
@inline
function lowHalves(at: u32, flip: v128): v128 {
  return v128.xor(v128.shuffle<i64>(v128.load(at), v128.load(at, 16), 0, 2), flip);
}

/** All ones in a lane where (aHi, aLo) < (bHi, bLo), low halves flipped (see bars16). */
// @ts-ignore: decorator
@inline
function below16(aHi: v128, aLo: v128, bHi: v128, bLo: v128): v128 {
  return v128.or(i64x2.lt_s(aHi, bHi), v128.and(i64x2.eq(aHi, bHi), i64x2.lt_s(aLo, bLo)));
}

// @ts-ignore: decorator
@inline
function below16Scalar(aHi: i64, aLo: i64, bHi: i64, bLo: i64): i32 {
  return <i32>(aHi < bHi) | (<i32>(aHi == bHi) & <i32>(aLo < bLo));
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
