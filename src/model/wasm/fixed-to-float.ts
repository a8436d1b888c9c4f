/*
 * AssemblyScript (part of the model's kernels.wasm): fixed-point raws to float64, two rows per
 * 128-bit step. The JavaScript loop this replaces cost 10–20 ns a value on this project's
 * machine (more than decoding the column); these kernels take about 3.5 (BENCHMARKS.md).
 *
 * Every result equals `Number(raw) / scale`: the raw rounded once to the nearest double, then
 * one IEEE division. A raw is split into 32-bit words, each made an exact double without a
 * conversion instruction (its bits ORed into the mantissa of 2^52, or added to 1.5 × 2^52 for
 * a signed word, and that constant subtracted); the words are summed so that only the last
 * addition rounds.
 */

/** The double 2^52: a 32-bit word w ORed into its mantissa reads as 2^52 + w. */
const TWO_52_BITS: i64 = 0x4330000000000000;
const TWO_52: f64 = 4503599627370496.0;
/** The double 1.5 × 2^52: a signed word w below 2^51 in magnitude added to its bits reads as 1.5 × 2^52 + w. */
const THREE_51_BITS: i64 = 0x4338000000000000;
const THREE_51: f64 = 6755399441055744.0;
const TWO_32: f64 = 4294967296.0;

// The same constants in both lanes.
const wordBits = i64x2(TWO_52_BITS, TWO_52_BITS);
const wordBase = f64x2(TWO_52, TWO_52);
const signedBits = i64x2(THREE_51_BITS, THREE_51_BITS);
const signedBase = f64x2(THREE_51, THREE_51);
const twoTo32 = f64x2(TWO_32, TWO_32);
const lowWord = i64x2(0xffffffff, 0xffffffff);

/**
 * Width 16: the `count` raws (16 bytes each, little-endian two's complement) at `rawsAt` as
 * doubles at `floatsAt`, divided by `scale`. Exact when the upper 64 bits `high` of every raw
 * satisfy `(high + bias) >>> limitBits == 0` (prices: bias 2^21, 22 bits, so |high| ≤ 2^21;
 * quantities: bias 0, 21 bits), since then `high × 2^32 + middle word` is an integer within
 * 2^53 and only adding the lowest word rounds. Returns 1 when some raw is outside that range
 * (the caller redoes those), else 0. `count` is rounded up to even: the memory after the last
 * raw must be writable.
 */
export function fixed16ToFloat64(rawsAt: usize, count: i32, floatsAt: usize, scale: f64, bias: i32, limitBits: i32): i32 {
  const divisor = f64x2.splat(scale);
  const bias64 = <i64>bias;
  let outside: i64 = 0;
  const end = floatsAt + ((<usize>(count + 1) >> 1) << 4);
  while (floatsAt < end) {
    const first = v128.load(rawsAt);
    const second = v128.load(rawsAt, 16);
    outside |= (load<i64>(rawsAt, 8) + bias64) | (load<i64>(rawsAt, 24) + bias64);
    const lows = i64x2.shuffle(first, second, 0, 2);
    const highs = i64x2.shuffle(first, second, 1, 3);
    const low = f64x2.sub(v128.or(v128.and(lows, lowWord), wordBits), wordBase);
    const middle = f64x2.sub(v128.or(i64x2.shr_u(lows, 32), wordBits), wordBase);
    const high = f64x2.sub(i64x2.add(highs, signedBits), signedBase);
    const value = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(high, twoTo32), middle), twoTo32), low);
    v128.store(floatsAt, f64x2.div(value, divisor));
    rawsAt += 32;
    floatsAt += 16;
  }
  return <i32>(<u64>outside >> <u64>limitBits != 0);
}

/**
 * Width 8: the `count` raws (8 bytes each; signed when `signed` is 1, else unsigned) at
 * `rawsAt` as doubles at `floatsAt`, divided by `scale`. Always exact: `high × 2^32` is, and
 * adding the low word rounds once. `count` is rounded up to even, as above.
 */
export function fixed8ToFloat64(rawsAt: usize, count: i32, floatsAt: usize, scale: f64, signed: i32): void {
  const divisor = f64x2.splat(scale);
  const end = floatsAt + ((<usize>(count + 1) >> 1) << 4);
  while (floatsAt < end) {
    const raws = v128.load(rawsAt);
    const highs = signed != 0 ? i64x2.shr_s(raws, 32) : i64x2.shr_u(raws, 32);
    const low = f64x2.sub(v128.or(v128.and(raws, lowWord), wordBits), wordBase);
    const high = f64x2.sub(i64x2.add(highs, signedBits), signedBase);
    v128.store(floatsAt, f64x2.div(f64x2.add(f64x2.mul(high, twoTo32), low), divisor));
    rawsAt += 16;
    floatsAt += 16;
  }
}
