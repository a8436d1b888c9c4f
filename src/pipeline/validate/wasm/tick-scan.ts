/*
 * AssemblyScript (the validation's kernels.wasm, an instance of its own). The per-row checks
 * of ../quote-checks.ts and ../trade-checks.ts on the raws as integers: sentinels, crossed and
 * locked quotes, zero sizes, sizes above QUANTITY_RAW_MAX (negative ones, wrapped), and the
 * declared precision of every column. A row that fails anything is recorded (its row and what
 * failed); ../tick-scan-kernel.ts words the records in the order the JavaScript loops add
 * them. Each row without a sentinel gets its price for the spike test (a quote's mid), built
 * with the same floating-point steps as the JavaScript loop (Horner over the 32-bit words),
 * so both paths hand the spike test identical prices.
 *
 * Precision: the JavaScript loops' float test (../precision-check.ts), made exact by one
 * integer product. With v the raw's float and Q = v / 10^k rounded to an integer: a multiple of 10^k
 * below vLimit has Q as its exact quotient, and conversely, if Q · 10^k equals the raw in the
 * low 64 bits, the two are equal, because |raw − Q · 10^k| ≤ |raw − v| + |v − Q · 10^k| is far
 * below 2^64 there. A raw beyond vLimit is recorded as drift to be decided exactly (BigInt)
 * by the caller; none of the files NautilusTrader writes comes near.
 *
 * Sizes need no float when they are below 2^(64+k): then the size shifted right by k is a u64,
 * and the test of ../divisibility.ts (low k bits zero, one multiplication for 5^k) decides it,
 * which leaves out two Horner sums and two float tests a quote (~17 % of the kernel's time).
 * Larger sizes take the float test.
 *
 * Memory (laid out by `setUpTicks` from __heap_base, never grown): four columns of up to
 * `rows` raws of 16 bytes, then the prices (f64) and their rows, then the records (row, bits).
 */

export const TICK_SENTINEL: i32 = 1;
export const TICK_CROSSED: i32 = 2;
export const TICK_LOCKED: i32 = 4;
export const TICK_ZERO: i32 = 8;
export const TICK_NEGATIVE: i32 = 16;
/** Drift of column k (quotes: bid, ask, bid size, ask size; trades: price, size): TICK_DRIFT << k. */
export const TICK_DRIFT: i32 = 32;

const TWO_32: f64 = 4294967296;
const PRICE_TOP_UNDEF: i64 = 0x7fffffffffffffff;
const PRICE_TOP_ERROR: i64 = -0x8000000000000000;
const ROUNDER: f64 = 6755399441055744;
const ROUNDER_BITS: i64 = 0x4338000000000000;

let columnAt: usize = 0;
let columnBytes: usize = 0;
let pricesAt: usize = 0;
let priceRowsAt: usize = 0;
let recordRowsAt: usize = 0;
let recordBitsAt: usize = 0;
let priceCount: i32 = 0;
// The precision tests' constants (set by `setPrecision`): 1/10^k, 10^k (0: nothing to test) and vLimit.
let priceInverse: f64 = 0;
let priceDivisor: i64 = 0;
let priceLimit: f64 = 0;
let sizeInverse: f64 = 0;
let sizeDivisor: i64 = 0;
let sizeLimit: f64 = 0;
// QUANTITY_RAW_MAX: high and low 64 bits (8-byte raws: the low word only).
let sizeMaxHigh: u64 = 0;
let sizeMaxLow: u64 = 0;
// The sizes' integer test (../divisibility.ts): shift k, its mask, 5^k's inverse and limit.
let sizeShift: u64 = 0;
let sizeMask: u64 = 0;
let sizeOddInverse: u64 = 1;
let sizeOddLimit: u64 = 0;

/** Lays out room for `rows` rows a call; 0 when that does not fit the memory as it is. */
export function setUpTicks(rows: i32): i32 {
  columnBytes = <usize>rows << 4;
  let at = (__heap_base + 15) & ~15;
  columnAt = at;
  pricesAt = (at += columnBytes << 2);
  priceRowsAt = (at += <usize>rows << 3);
  recordRowsAt = (at += <usize>rows << 2);
  recordBitsAt = (at += <usize>rows << 2);
  at += <usize>rows << 2;
  return at <= (<usize>memory.size() << 16) ? 1 : 0;
}

/** Where region `k` starts: columns 0–3, prices, price rows, record rows, record bits. */
export function tickRegion(k: i32): usize {
  if (k < 4) return columnAt + <usize>k * columnBytes;
  switch (k) {
    case 4: return pricesAt;
    case 5: return priceRowsAt;
    case 6: return recordRowsAt;
    default: return recordBitsAt;
  }
}

/**
 * The precision tests and the size limit the next scans use: per kind 1/10^k, 10^k (0: the
 * column is declared at the finest precision, nothing to test) and a limit on |v| below which
 * the float test is exact and which lies below every sentinel and every negative size.
 */
export function setPrecision(pInverse: f64, pDivisor: i64, pLimit: f64, sInverse: f64, sDivisor: i64, sLimit: f64, maxHigh: u64, maxLow: u64, sShift: i32, sOddInverse: u64, sOddLimit: u64): void {
  sizeShift = <u64>sShift;
  sizeMask = (<u64>1 << <u64>sShift) - 1;
  sizeOddInverse = sOddInverse;
  sizeOddLimit = sOddLimit;
  priceInverse = pInverse;
  priceDivisor = pDivisor;
  priceLimit = pLimit;
  sizeInverse = sInverse;
  sizeDivisor = sDivisor;
  sizeLimit = sLimit;
  sizeMaxHigh = maxHigh;
  sizeMaxLow = maxLow;
}

/** Prices written by the last scan. */
export function pricesWritten(): i32 {
  return priceCount;
}

/** A signed 16-byte raw as the JavaScript loops read it: Horner over its words, top word signed. */
// @ts-ignore: decorator
@inline function signed16(at: usize): f64 {
  return ((<f64>load<i32>(at, 12) * TWO_32 + <f64>load<u32>(at, 8)) * TWO_32 + <f64>load<u32>(at, 4)) * TWO_32 + <f64>load<u32>(at);
}

// @ts-ignore: decorator
@inline function unsigned16(at: usize): f64 {
  return ((<f64>load<u32>(at, 12) * TWO_32 + <f64>load<u32>(at, 8)) * TWO_32 + <f64>load<u32>(at, 4)) * TWO_32 + <f64>load<u32>(at);
}

// @ts-ignore: decorator
@inline function signed8(at: usize): f64 {
  return <f64>load<i32>(at, 4) * TWO_32 + <f64>load<u32>(at);
}

// @ts-ignore: decorator
@inline function unsigned8(at: usize): f64 {
  return <f64>load<u32>(at, 4) * TWO_32 + <f64>load<u32>(at);
}

/**
 * The raw whose float is `v` and low 64 bits `low`, tested against the divisor (see the
 * header): 1 when it is a multiple, 0 when not or when it lies beyond the limit (the caller
 * then decides exactly). Q comes from adding ROUNDER (1.5 · 2^52): the sum's unit is 1, so the
 * addition itself rounds v / 10^k to an integer, and below 2^51 the sum's bits less ROUNDER's
 * bits are that integer — no floor, no conversion (each cost more than the rest of the test).
 * Which integer a tie rounds to does not matter: only a multiple's quotient passes the product.
 */
// @ts-ignore: decorator
@inline function precise(v: f64, low: i64, inverse: f64, divisor: i64, limit: f64): i32 {
  const q = reinterpret<i64>(v * inverse + ROUNDER) - ROUNDER_BITS;
  return <i32>(abs(v) < limit) & (<i32>(divisor == 0) | <i32>(q * divisor == low));
}

/**
 * A size of high and low 64 bits with high < 2^k: 1 when above zero and a multiple of 10^k.
 * (high << (64 − k) takes the bits the shift moves down; for k = 0, high is 0 and the shift is 0.)
 */
// @ts-ignore: decorator
@inline function smallSizeFine(low: u64, high: u64, shift: u64, mask: u64, inverse: u64, limit: u64): i32 {
  return <i32>((low | high) != 0) & <i32>((low & mask) == 0) & <i32>(((low >> shift) | (high << (64 - shift))) * inverse <= limit);
}

// @ts-ignore: decorator
@inline function priceSentinel16(high: i64, low: i64): i32 {
  return (<i32>(high == PRICE_TOP_UNDEF) & <i32>(low == -1)) | (<i32>(high == PRICE_TOP_ERROR) & <i32>(low == 0));
}

// @ts-ignore: decorator
@inline function priceSentinel8(raw: i64): i32 {
  return <i32>(raw == PRICE_TOP_UNDEF) | <i32>(raw == PRICE_TOP_ERROR);
}

/** A 16-byte size above QUANTITY_RAW_MAX (the all-ones sentinel is tested before). */
// @ts-ignore: decorator
@inline function above16(high: u64, low: u64): i32 {
  return <i32>(high > sizeMaxHigh) | (<i32>(high == sizeMaxHigh) & <i32>(low > sizeMaxLow));
}

/** Records row `i` with `bits` at record `records`. */
// @ts-ignore: decorator
@inline function record(records: i32, i: i32, bits: i32): void {
  store<i32>(recordRowsAt + (<usize>records << 2), i);
  store<i32>(recordBitsAt + (<usize>records << 2), bits);
}

/** Stores price `k` (row `i`). */
// @ts-ignore: decorator
@inline function pushPrice(k: i32, price: f64, i: i32): void {
  store<f64>(pricesAt + (<usize>k << 3), price);
  store<i32>(priceRowsAt + (<usize>k << 2), i);
}

/**
 * Checks `count` quotes of 16-byte raws (bid, ask, bid size, ask size in columns 0–3); returns
 * the number of records. A row whose prices are precise within their limits, with bid < ask
 * on the floats, and whose sizes are above zero and precise, is clean: the limits lie below
 * every sentinel and every size above QUANTITY_RAW_MAX (see `setPrecision`), as does a size
 * below 2^(64+k), and floats round monotonically, so bf < af proves bid < ask. Any other row
 * takes quoteRow16, which tests it exactly.
 */
export function scanQuotes16(count: i32): i32 {
  const bidAt = columnAt;
  const askAt = bidAt + columnBytes;
  const bidSizeAt = askAt + columnBytes;
  const askSizeAt = bidSizeAt + columnBytes;
  const pInverse = priceInverse;
  const pDivisor = priceDivisor;
  const pLimit = priceLimit;
  const shift = sizeShift;
  const mask = sizeMask;
  const oddInverse = sizeOddInverse;
  const oddLimit = sizeOddLimit;
  let records = 0;
  let prices = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 4;
    const bf = signed16(bidAt + at);
    const af = signed16(askAt + at);
    const bsl = load<u64>(bidSizeAt + at);
    const bsh = load<u64>(bidSizeAt + at, 8);
    const asl = load<u64>(askSizeAt + at);
    const ash = load<u64>(askSizeAt + at, 8);
    const sizes = ((bsh | ash) >> shift) == 0
      ? smallSizeFine(bsl, bsh, shift, mask, oddInverse, oddLimit) & smallSizeFine(asl, ash, shift, mask, oddInverse, oddLimit)
      : largeSizeFine(bidSizeAt + at) & largeSizeFine(askSizeAt + at);
    const clean =
      precise(bf, load<i64>(bidAt + at), pInverse, pDivisor, pLimit) &
      precise(af, load<i64>(askAt + at), pInverse, pDivisor, pLimit) &
      <i32>(bf < af) & sizes;
    if (!clean) {
      const bits = quoteRow16(at, bf, af, unsigned16(bidSizeAt + at), unsigned16(askSizeAt + at));
      if (bits != 0) {
        record(records++, i, bits);
        if (bits == TICK_SENTINEL) continue;
      }
    }
    pushPrice(prices++, (bf + af) / 2, i);
  }
  priceCount = prices;
  return records;
}

/** A 16-byte size at or beyond 2^(64+k): 1 when above zero and precise by the float test within its limit. */
function largeSizeFine(at: usize): i32 {
  const v = unsigned16(at);
  return precise(v, load<i64>(at), sizeInverse, sizeDivisor, sizeLimit) & <i32>(v != 0);
}

/** What is wrong with a quote the fast test did not clear (0 when nothing after all), exactly; a sentinel row is TICK_SENTINEL alone. */
function quoteRow16(at: usize, bf: f64, af: f64, bsf: f64, asf: f64): i32 {
  const bidAt = columnAt + at;
  const askAt = bidAt + columnBytes;
  const bidSizeAt = askAt + columnBytes;
  const askSizeAt = bidSizeAt + columnBytes;
  const bl = load<i64>(bidAt);
  const bh = load<i64>(bidAt, 8);
  const al = load<i64>(askAt);
  const ah = load<i64>(askAt, 8);
  const bsl = load<i64>(bidSizeAt);
  const bsh = load<i64>(bidSizeAt, 8);
  const asl = load<i64>(askSizeAt);
  const ash = load<i64>(askSizeAt, 8);
  if (priceSentinel16(bh, bl) | priceSentinel16(ah, al) | <i32>((bsh & bsl) == -1) | <i32>((ash & asl) == -1)) return TICK_SENTINEL;
  let bits = 0;
  if (bh > ah || (bh == ah && <u64>bl > <u64>al)) bits = TICK_CROSSED;
  else if (bh == ah && bl == al) bits = TICK_LOCKED;
  if (bsf == 0 || asf == 0) bits |= TICK_ZERO;
  else bits |= (above16(<u64>bsh, <u64>bsl) | above16(<u64>ash, <u64>asl)) * TICK_NEGATIVE;
  bits |= (precise(bf, bl, priceInverse, priceDivisor, priceLimit) ^ 1) * TICK_DRIFT;
  bits |= (precise(af, al, priceInverse, priceDivisor, priceLimit) ^ 1) * (TICK_DRIFT << 1);
  bits |= (precise(bsf, bsl, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 2);
  bits |= (precise(asf, asl, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 3);
  return bits;
}

/** scanQuotes16 for 8-byte raws. */
export function scanQuotes8(count: i32): i32 {
  const bidAt = columnAt;
  const askAt = bidAt + columnBytes;
  const bidSizeAt = askAt + columnBytes;
  const askSizeAt = bidSizeAt + columnBytes;
  const pInverse = priceInverse;
  const pDivisor = priceDivisor;
  const pLimit = priceLimit;
  const shift = sizeShift;
  const mask = sizeMask;
  const oddInverse = sizeOddInverse;
  const oddLimit = sizeOddLimit;
  const max = sizeMaxLow;
  let records = 0;
  let prices = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 3;
    const bf = signed8(bidAt + at);
    const af = signed8(askAt + at);
    const bs = load<u64>(bidSizeAt + at);
    const as = load<u64>(askSizeAt + at);
    // At most QUANTITY_RAW_MAX, which leaves out the sentinel too.
    const clean =
      precise(bf, load<i64>(bidAt + at), pInverse, pDivisor, pLimit) &
      precise(af, load<i64>(askAt + at), pInverse, pDivisor, pLimit) &
      <i32>(bf < af) & <i32>(bs <= max) & <i32>(as <= max) &
      smallSizeFine(bs, 0, shift, mask, oddInverse, oddLimit) & smallSizeFine(as, 0, shift, mask, oddInverse, oddLimit);
    if (!clean) {
      const bits = quoteRow8(at, bf, af, unsigned8(bidSizeAt + at), unsigned8(askSizeAt + at));
      if (bits != 0) {
        record(records++, i, bits);
        if (bits == TICK_SENTINEL) continue;
      }
    }
    pushPrice(prices++, (bf + af) / 2, i);
  }
  priceCount = prices;
  return records;
}

/** quoteRow16 for 8-byte raws. */
function quoteRow8(at: usize, bf: f64, af: f64, bsf: f64, asf: f64): i32 {
  const bidAt = columnAt + at;
  const askAt = bidAt + columnBytes;
  const bidSizeAt = askAt + columnBytes;
  const askSizeAt = bidSizeAt + columnBytes;
  const b = load<i64>(bidAt);
  const a = load<i64>(askAt);
  const bs = load<i64>(bidSizeAt);
  const as = load<i64>(askSizeAt);
  if (priceSentinel8(b) | priceSentinel8(a) | <i32>(bs == -1) | <i32>(as == -1)) return TICK_SENTINEL;
  let bits = 0;
  if (b > a) bits = TICK_CROSSED;
  else if (b == a) bits = TICK_LOCKED;
  if (bsf == 0 || asf == 0) bits |= TICK_ZERO;
  else bits |= (<i32>(<u64>bs > sizeMaxLow) | <i32>(<u64>as > sizeMaxLow)) * TICK_NEGATIVE;
  bits |= (precise(bf, b, priceInverse, priceDivisor, priceLimit) ^ 1) * TICK_DRIFT;
  bits |= (precise(af, a, priceInverse, priceDivisor, priceLimit) ^ 1) * (TICK_DRIFT << 1);
  bits |= (precise(bsf, bs, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 2);
  bits |= (precise(asf, as, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 3);
  return bits;
}

/** Checks `count` trades of 16-byte raws (price, size in columns 0–1), as scanQuotes16 does quotes; returns the number of records. */
export function scanTrades16(count: i32): i32 {
  const priceAt = columnAt;
  const sizeAt = priceAt + columnBytes;
  const pInverse = priceInverse;
  const pDivisor = priceDivisor;
  const pLimit = priceLimit;
  const shift = sizeShift;
  const mask = sizeMask;
  const oddInverse = sizeOddInverse;
  const oddLimit = sizeOddLimit;
  let records = 0;
  let prices = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 4;
    const pf = signed16(priceAt + at);
    const sl = load<u64>(sizeAt + at);
    const sh = load<u64>(sizeAt + at, 8);
    const size = (sh >> shift) == 0 ? smallSizeFine(sl, sh, shift, mask, oddInverse, oddLimit) : largeSizeFine(sizeAt + at);
    const clean = precise(pf, load<i64>(priceAt + at), pInverse, pDivisor, pLimit) & size;
    if (!clean) {
      const bits = tradeRow16(at, pf, unsigned16(sizeAt + at));
      if (bits != 0) {
        record(records++, i, bits);
        if (bits == TICK_SENTINEL) continue;
      }
    }
    pushPrice(prices++, pf, i);
  }
  priceCount = prices;
  return records;
}

function tradeRow16(at: usize, pf: f64, sf: f64): i32 {
  const priceAt = columnAt + at;
  const sizeAt = priceAt + columnBytes;
  const pl = load<i64>(priceAt);
  const ph = load<i64>(priceAt, 8);
  const sl = load<i64>(sizeAt);
  const sh = load<i64>(sizeAt, 8);
  if (priceSentinel16(ph, pl) | <i32>((sh & sl) == -1)) return TICK_SENTINEL;
  let bits = sf == 0 ? TICK_ZERO : above16(<u64>sh, <u64>sl) * TICK_NEGATIVE;
  bits |= (precise(pf, pl, priceInverse, priceDivisor, priceLimit) ^ 1) * TICK_DRIFT;
  bits |= (precise(sf, sl, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 1);
  return bits;
}

/** scanTrades16 for 8-byte raws. */
export function scanTrades8(count: i32): i32 {
  const priceAt = columnAt;
  const sizeAt = priceAt + columnBytes;
  const pInverse = priceInverse;
  const pDivisor = priceDivisor;
  const pLimit = priceLimit;
  const shift = sizeShift;
  const mask = sizeMask;
  const oddInverse = sizeOddInverse;
  const oddLimit = sizeOddLimit;
  const max = sizeMaxLow;
  let records = 0;
  let prices = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 3;
    const pf = signed8(priceAt + at);
    const s = load<u64>(sizeAt + at);
    const clean = precise(pf, load<i64>(priceAt + at), pInverse, pDivisor, pLimit) & <i32>(s <= max) & smallSizeFine(s, 0, shift, mask, oddInverse, oddLimit);
    if (!clean) {
      const bits = tradeRow8(at, pf, unsigned8(sizeAt + at));
      if (bits != 0) {
        record(records++, i, bits);
        if (bits == TICK_SENTINEL) continue;
      }
    }
    pushPrice(prices++, pf, i);
  }
  priceCount = prices;
  return records;
}

function tradeRow8(at: usize, pf: f64, sf: f64): i32 {
  const priceAt = columnAt + at;
  const sizeAt = priceAt + columnBytes;
  const p = load<i64>(priceAt);
  const s = load<i64>(sizeAt);
  if (priceSentinel8(p) | <i32>(s == -1)) return TICK_SENTINEL;
  let bits = sf == 0 ? TICK_ZERO : <i32>(<u64>s > sizeMaxLow) * TICK_NEGATIVE;
  bits |= (precise(pf, p, priceInverse, priceDivisor, priceLimit) ^ 1) * TICK_DRIFT;
  bits |= (precise(sf, s, sizeInverse, sizeDivisor, sizeLimit) ^ 1) * (TICK_DRIFT << 1);
  return bits;
}
