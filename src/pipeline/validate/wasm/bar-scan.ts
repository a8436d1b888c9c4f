/*
 * AssemblyScript (the validation's kernels.wasm). The per-bar checks of ../bar-checks.ts for
 * 8-byte raws, where every raw is an i64 (prices) or u64 (volume), so each test is exact in
 * one or two instructions: the spacing of ts_init against the bar step, sentinels, OHLC order,
 * a volume above QUANTITY_RAW_MAX (a negative one, wrapped), and the declared precision of the
 * five columns. A row that fails anything is recorded (its row and what failed, and for a
 * spacing finding the ts_init it was measured from); ../bar-scan-kernel.ts words the findings
 * in the order the JavaScript loop adds them. Closes of the rows without a sentinel are
 * written as floats for the spike pass, converted as JavaScript converts them (one rounding
 * to nearest).
 *
 * Precision: a raw is a multiple of 10^k = 2^k · 5^k when its low k bits are zero and the
 * rest is a multiple of 5^k, which for an odd divisor d is one multiplication:
 * n · d⁻¹ mod 2^64 ≤ ⌊(2^64 − 1) / d⌋ (d⁻¹ the inverse of d mod 2^64). No division.
 *
 * Memory (an instance of its own, laid out by `setUpBars` from __heap_base, never grown):
 * per row the five columns and ts_init (8 bytes each), then the closes (f64) and their rows,
 * then the records (row, bits, previous ts_init).
 */

export const SPACING: i32 = 1;
export const SENTINEL: i32 = 2;
export const OHLC: i32 = 4;
export const NEGATIVE: i32 = 8;
/** Drift of open, high, low, close, volume: DRIFT << column. */
export const DRIFT: i32 = 16;

const PRICE_UNDEF: i64 = 0x7fffffffffffffff;
const PRICE_ERROR: i64 = -0x8000000000000000;
const VOLUME_UNDEF: u64 = 0xffffffffffffffff;

let openAt: usize = 0;
let highAt: usize = 0;
let lowAt: usize = 0;
let closeAt: usize = 0;
let volumeAt: usize = 0;
let tsAt: usize = 0;
let closesAt: usize = 0;
let closeRowsAt: usize = 0;
let recordRowsAt: usize = 0;
let recordBitsAt: usize = 0;
let recordPreviousAt: usize = 0;
let closeCount: i32 = 0;
// The spacing state (../bar-checks.ts BarSpacingState), in and out.
let started: i32 = 0;
let last: u64 = 0;

/** Lays out room for `rows` bars a call; 0 when that does not fit the memory as it is. */
export function setUpBars(rows: i32): i32 {
  const column = <usize>rows << 3;
  let at = (__heap_base + 15) & ~15;
  openAt = at;
  highAt = (at += column);
  lowAt = (at += column);
  closeAt = (at += column);
  volumeAt = (at += column);
  tsAt = (at += column);
  closesAt = (at += column);
  closeRowsAt = (at += column);
  recordRowsAt = (at += <usize>rows << 2);
  recordBitsAt = (at += <usize>rows << 2);
  recordPreviousAt = (at += <usize>rows << 2);
  at += column;
  return at <= (<usize>memory.size() << 16) ? 1 : 0;
}

/** Where region `k` starts: open, high, low, close, volume, ts_init, closes, close rows, record rows, record bits, record previous ts_init. */
export function barRegion(k: i32): usize {
  switch (k) {
    case 0: return openAt;
    case 1: return highAt;
    case 2: return lowAt;
    case 3: return closeAt;
    case 4: return volumeAt;
    case 5: return tsAt;
    case 6: return closesAt;
    case 7: return closeRowsAt;
    case 8: return recordRowsAt;
    case 9: return recordBitsAt;
    default: return recordPreviousAt;
  }
}

export function setSpacing(isStarted: i32, lastTs: u64): void {
  started = isStarted;
  last = lastTs;
}

export function spacingStarted(): i32 {
  return started;
}

export function spacingLast(): u64 {
  return last;
}

/** Closes written by the last scan. */
export function closesWritten(): i32 {
  return closeCount;
}

@inline function multipleOf(n: u64, shift: i32, inverse: u64, limit: u64): bool {
  return (n & ((<u64>1 << <u64>shift) - 1)) == 0 && (n >> <u64>shift) * inverse <= limit;
}

@inline function magnitude(x: i64): u64 {
  return <u64>(x < 0 ? -x : x);
}

/**
 * Bars i and i + 1 are fine (no record, a close each) when this is all ones: no sentinel,
 * OHLC in order, the volume at most volumeMax and all five raws at their precision. Two bars a
 * step; unsigned comparisons as signed ones with the sign bit flipped. The volume's sentinel
 * (all ones) is above volumeMax, so the volume test already turns such a pair away.
 */
// @ts-ignore: decorator
@inline function pairFine(
  at: usize, undef: v128, error: v128, sign: v128,
  priceMask: v128, priceShift: i32, priceInverse: v128, priceLimit: v128,
  sizeMask: v128, sizeShift: i32, sizeInverse: v128, sizeLimit: v128, volumeMax: v128,
): bool {
  const o = v128.load(openAt + at);
  const h = v128.load(highAt + at);
  const l = v128.load(lowAt + at);
  const c = v128.load(closeAt + at);
  const v = v128.load(volumeAt + at);
  const sentinels = v128.or(
    v128.or(v128.or(i64x2.eq(o, undef), i64x2.eq(o, error)), v128.or(i64x2.eq(h, undef), i64x2.eq(h, error))),
    v128.or(v128.or(i64x2.eq(l, undef), i64x2.eq(l, error)), v128.or(i64x2.eq(c, undef), i64x2.eq(c, error))),
  );
  const ordered = v128.and(v128.and(v128.and(i64x2.ge_s(h, o), i64x2.ge_s(h, c)), v128.and(i64x2.ge_s(h, l), i64x2.ge_s(o, l))), i64x2.ge_s(c, l));
  const volumeFine = i64x2.le_s(v128.xor(v, sign), volumeMax);
  const precise = v128.and(
    v128.and(pricePrecise(o, sign, priceMask, priceShift, priceInverse, priceLimit), pricePrecise(h, sign, priceMask, priceShift, priceInverse, priceLimit)),
    v128.and(
      v128.and(pricePrecise(l, sign, priceMask, priceShift, priceInverse, priceLimit), pricePrecise(c, sign, priceMask, priceShift, priceInverse, priceLimit)),
      multipleOf2(v, sign, sizeMask, sizeShift, sizeInverse, sizeLimit),
    ),
  );
  return i64x2.all_true(v128.andnot(v128.and(v128.and(ordered, volumeFine), precise), sentinels));
}

/** multipleOf for two u64 lanes: `limit` with its sign bit flipped. */
// @ts-ignore: decorator
@inline function multipleOf2(n: v128, sign: v128, mask: v128, shift: i32, inverse: v128, limit: v128): v128 {
  const lowZero = i64x2.eq(v128.and(n, mask), i64x2.splat(0));
  const product = i64x2.mul(i64x2.shr_u(n, shift), inverse);
  return v128.and(lowZero, i64x2.le_s(v128.xor(product, sign), limit));
}

// @ts-ignore: decorator
@inline function pricePrecise(x: v128, sign: v128, mask: v128, shift: i32, inverse: v128, limit: v128): v128 {
  return multipleOf2(i64x2.abs(x), sign, mask, shift, inverse, limit);
}

/**
 * Checks `count` bars; `step` 0: no spacing test. Prices' precision: 10^priceShift ·
 * (odd part with inverse priceInverse, limit priceLimit); likewise the volume's. Returns
 * the number of records.
 *
 * Two bars a step while both are fine and evenly spaced (pairFine, nearly every pair of a
 * clean series); a pair that is not takes the per-bar loop for its first bar, which records
 * exactly what it finds.
 */
export function scanBars8(
  count: i32, step: u64,
  priceShift: i32, priceInverse: u64, priceLimit: u64,
  sizeShift: i32, sizeInverse: u64, sizeLimit: u64,
  volumeMax: u64,
): i32 {
  let records = 0;
  let closes = 0;
  let isStarted = started;
  let previous = last;
  const SIGN: u64 = 0x8000000000000000;
  const undef = i64x2.splat(PRICE_UNDEF);
  const error = i64x2.splat(PRICE_ERROR);
  const sign = i64x2.splat(<i64>SIGN);
  const priceMask = i64x2.splat(<i64>((<u64>1 << <u64>priceShift) - 1));
  const priceInverseV = i64x2.splat(<i64>priceInverse);
  const priceLimitV = i64x2.splat(<i64>(priceLimit ^ SIGN));
  const sizeMask = i64x2.splat(<i64>((<u64>1 << <u64>sizeShift) - 1));
  const sizeInverseV = i64x2.splat(<i64>sizeInverse);
  const sizeLimitV = i64x2.splat(<i64>(sizeLimit ^ SIGN));
  const volumeMaxV = i64x2.splat(<i64>(volumeMax ^ SIGN));
  let i = 0;
  while (i < count) {
    const at = <usize>i << 3;
    if (i + 1 < count && (step == 0 || isStarted)) {
      let spaced = true;
      let t1: u64 = 0;
      if (step != 0) {
        const t0 = load<u64>(tsAt + at);
        t1 = load<u64>(tsAt + at + 8);
        // As the loop below decides each: both later than the bar before, by one step.
        spaced = t0 > previous && t0 - previous == step && t1 > t0 && t1 - t0 == step;
      }
      if (spaced && pairFine(at, undef, error, sign, priceMask, priceShift, priceInverseV, priceLimitV, sizeMask, sizeShift, sizeInverseV, sizeLimitV, volumeMaxV)) {
        if (step != 0) previous = t1;
        store<f64>(closesAt + (<usize>closes << 3), <f64>load<i64>(closeAt + at));
        store<f64>(closesAt + (<usize>closes << 3) + 8, <f64>load<i64>(closeAt + at + 8));
        store<i32>(closeRowsAt + (<usize>closes << 2), i);
        store<i32>(closeRowsAt + (<usize>closes << 2) + 4, i + 1);
        closes += 2;
        i += 2;
        continue;
      }
    }
    let bits = 0;
    if (step != 0) {
      const ts = load<u64>(tsAt + at);
      // Time not moving forward is ts_init_order's or bar_duplicate's; the latest bar stays the reference.
      if (!isStarted || ts > previous) {
        if (isStarted && ts - previous != step) {
          bits = SPACING;
          store<u64>(recordPreviousAt + (<usize>records << 3), previous);
        }
        isStarted = 1;
        previous = ts;
      }
    }
    const o = load<i64>(openAt + at);
    const h = load<i64>(highAt + at);
    const l = load<i64>(lowAt + at);
    const c = load<i64>(closeAt + at);
    const v = load<u64>(volumeAt + at);
    if (
      o == PRICE_UNDEF || o == PRICE_ERROR || h == PRICE_UNDEF || h == PRICE_ERROR || l == PRICE_UNDEF || l == PRICE_ERROR ||
      c == PRICE_UNDEF || c == PRICE_ERROR || v == VOLUME_UNDEF
    ) {
      bits |= SENTINEL;
    } else {
      if (!(h >= o && h >= c && h >= l && o >= l && c >= l)) bits |= OHLC;
      if (v > volumeMax) bits |= NEGATIVE;
      if (!multipleOf(magnitude(o), priceShift, priceInverse, priceLimit)) bits |= DRIFT;
      if (!multipleOf(magnitude(h), priceShift, priceInverse, priceLimit)) bits |= DRIFT << 1;
      if (!multipleOf(magnitude(l), priceShift, priceInverse, priceLimit)) bits |= DRIFT << 2;
      if (!multipleOf(magnitude(c), priceShift, priceInverse, priceLimit)) bits |= DRIFT << 3;
      if (!multipleOf(v, sizeShift, sizeInverse, sizeLimit)) bits |= DRIFT << 4;
      store<f64>(closesAt + (<usize>closes << 3), <f64>c);
      store<i32>(closeRowsAt + (<usize>closes << 2), i);
      closes++;
    }
    if (bits != 0) {
      store<i32>(recordRowsAt + (<usize>records << 2), i);
      store<i32>(recordBitsAt + (<usize>records << 2), bits);
      records++;
    }
    i++;
  }
  started = isStarted;
  last = previous;
  closeCount = closes;
  return records;
}
