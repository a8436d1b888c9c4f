/*
 * AssemblyScript (part of kernels.wasm). Facts about a trade row group's prices and sizes,
 * taken while each page's values sit in this memory (see ../../trade-facts.ts); `ts_init`
 * goes through quote-facts.ts's timesInOrder. Each kernel returns 0 when every value
 * passes, 1 otherwise. Two rows a SIMD step, the odd last one alone.
 */

const I64_MAX: i64 = 0x7fffffffffffffff;

/** 16-byte prices: 1 unless each is above 0 and its high half is not PRICE_UNDEF's (i64 max). */
export function tradePrices16(valuesAt: u32, count: u32): i32 {
  return raws16(valuesAt, count, false);
}

/** 16-byte sizes: 1 unless each is above 0 and its top 32-bit word is not all ones (QUANTITY_UNDEF's). */
export function tradeSizes16(valuesAt: u32, count: u32): i32 {
  return raws16(valuesAt, count, true);
}

/**
 * Both 16-byte tests, two rows a step: a value refused when it is 0, and besides, for prices,
 * when below 0 or of PRICE_UNDEF's high half; for sizes, when its top word is all ones.
 * Inlined with a constant flag, so each caller's loop has only its own tests.
 */
// @ts-ignore: decorator
@inline
function raws16(valuesAt: u32, count: u32, sizes: bool): i32 {
  const zero = i64x2.splat(0);
  const undef = i64x2.splat(I64_MAX);
  const ones = i64x2.splat(-1);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const x = v128.load(valuesAt + (i << 4));
    const y = v128.load(valuesAt + (i << 4), 16);
    const hi = v128.shuffle<i64>(x, y, 1, 3);
    const lo = v128.shuffle<i64>(x, y, 0, 2);
    const isZero = v128.and(i64x2.eq(hi, zero), i64x2.eq(lo, zero));
    const refused = sizes ? i64x2.eq(i64x2.shr_s(hi, 32), ones) : v128.or(i64x2.lt_s(hi, zero), i64x2.eq(hi, undef));
    bad = v128.or(bad, v128.or(isZero, refused));
  }
  let odd: i32 = 0;
  if (i < count) {
    const lo = load<i64>(valuesAt + (i << 4));
    const hi = load<i64>(valuesAt + (i << 4), 8);
    const refused = sizes ? <i32>((hi >> 32) == -1) : <i32>(hi < 0) | <i32>(hi == I64_MAX);
    odd = (<i32>(hi == 0) & <i32>(lo == 0)) | refused;
  }
  return odd | <i32>v128.any_true(bad);
}

/** 8-byte prices: 1 unless each is above 0 and not PRICE_UNDEF (i64 max). */
export function tradePrices8(valuesAt: u32, count: u32): i32 {
  const zero = i64x2.splat(0);
  const undef = i64x2.splat(I64_MAX);
  let bad = i64x2.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const price = v128.load(valuesAt + (i << 3));
    bad = v128.or(bad, v128.or(i64x2.le_s(price, zero), i64x2.eq(price, undef)));
  }
  let odd: i32 = 0;
  if (i < count) {
    const price = load<i64>(valuesAt + (i << 3));
    odd = <i32>(price <= 0) | <i32>(price == I64_MAX);
  }
  return odd | <i32>v128.any_true(bad);
}
