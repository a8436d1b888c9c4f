/*
 * AssemblyScript (part of kernels.wasm). Facts about a quote row group's columns, taken
 * while each page's values sit in this memory (just decompressed or expanded), so that
 * proving the rows clean later needs no pass over them (see ../../quote-facts.ts for what
 * the facts prove and why). Each kernel returns 0 when every value passes, 1 otherwise.
 *
 * Price units: a 16-byte raw's bits 32 to 95 (with its top word 0), an 8-byte raw itself,
 * as signed 64-bit integers. Loads of 128 bits go two rows at a time; a pair's second load
 * starts 4 bytes into its row and ends 4 bytes into the next, so pairs stop one row early
 * and the last rows go one at a time (nothing is read past the values). The bids wait in
 * a slot of their own for the asks (../../quote-facts.ts).
 */

/** The largest `ts_init` whose bits read as a float are not NaN (+Infinity). */
const LAST_TIME: i64 = 0x7ff0000000000000;

/**
 * 16-byte asks against the bids (16-byte raws at `bidsAt`, where the bids' pages were
 * decoded): 1 unless every bid's and ask's top word is 0 and every ask's units exceed its
 * bid's. Widens the running least bid and greatest ask kept at `rangeAt` (two i64) by this
 * page's rows. (Copying the bids' units aside for this pass, as before, made the two passes
 * 4.3 ns a row against this one's 3.3 on the 2-core machine.)
 */
export function askAboveBid16(valuesAt: u32, count: u32, bidsAt: u32, rangeAt: u32): i32 {
  let least = i64x2.splat(load<i64>(rangeAt));
  let most = i64x2.splat(load<i64>(rangeAt, 8));
  let below = i64x2.splat(-1);
  // Lane 2 gathers the rows' top words (lane 3, the next row's word 0, is ignored).
  let tops = i32x4.splat(0);
  let i: u32 = 0;
  for (; i + 2 < count; i += 2) {
    const at = i << 4;
    const askX = v128.load(valuesAt + at, 4);
    const askY = v128.load(valuesAt + at, 20);
    const bidX = v128.load(bidsAt + at, 4);
    const bidY = v128.load(bidsAt + at, 20);
    const ask = v128.shuffle<i64>(askX, askY, 0, 2);
    const bid = v128.shuffle<i64>(bidX, bidY, 0, 2);
    tops = v128.or(tops, v128.or(v128.or(askX, askY), v128.or(bidX, bidY)));
    below = v128.and(below, i64x2.lt_s(bid, ask));
    least = v128.bitselect(bid, least, i64x2.lt_s(bid, least));
    most = v128.bitselect(ask, most, i64x2.gt_s(ask, most));
  }
  let low = min<i64>(i64x2.extract_lane(least, 0), i64x2.extract_lane(least, 1));
  let high = max<i64>(i64x2.extract_lane(most, 0), i64x2.extract_lane(most, 1));
  let bad = !v128.all_true<i64>(below) || i32x4.extract_lane(tops, 2) != 0;
  for (; i < count; i++) {
    const ask = load<i64>(valuesAt + (i << 4), 4);
    const bid = load<i64>(bidsAt + (i << 4), 4);
    if ((load<i32>(valuesAt + (i << 4), 12) | load<i32>(bidsAt + (i << 4), 12)) != 0 || !(bid < ask)) bad = true;
    if (bid < low) low = bid;
    if (ask > high) high = ask;
  }
  store<i64>(rangeAt, low);
  store<i64>(rangeAt, high, 8);
  return bad ? 1 : 0;
}

/** 8-byte asks against the bids (8-byte raws at `bidsAt`), as askAboveBid16 (no top word: a raw is its units). */
export function askAboveBid8(valuesAt: u32, count: u32, bidsAt: u32, rangeAt: u32): i32 {
  let least = i64x2.splat(load<i64>(rangeAt));
  let most = i64x2.splat(load<i64>(rangeAt, 8));
  let below = i64x2.splat(-1);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const ask = v128.load(valuesAt + (i << 3));
    const bid = v128.load(bidsAt + (i << 3));
    below = v128.and(below, i64x2.lt_s(bid, ask));
    least = v128.bitselect(bid, least, i64x2.lt_s(bid, least));
    most = v128.bitselect(ask, most, i64x2.gt_s(ask, most));
  }
  let low = min<i64>(i64x2.extract_lane(least, 0), i64x2.extract_lane(least, 1));
  let high = max<i64>(i64x2.extract_lane(most, 0), i64x2.extract_lane(most, 1));
  let bad = !v128.all_true<i64>(below);
  for (; i < count; i++) {
    const ask = load<i64>(valuesAt + (i << 3));
    const bid = load<i64>(bidsAt + (i << 3));
    if (!(bid < ask)) bad = true;
    if (bid < low) low = bid;
    if (ask > high) high = ask;
  }
  store<i64>(rangeAt, low);
  store<i64>(rangeAt, high, 8);
  return bad ? 1 : 0;
}

/** 16-byte sizes: 1 when some size's word 1 is 0 or all ones (the fast path's word test). */
export function sizesPlausible16(valuesAt: u32, count: u32): i32 {
  let least = i32x4.splat(-1);
  let most = i32x4.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const a = v128.load(valuesAt + (i << 4));
    const b = v128.load(valuesAt + (i << 4), 16);
    least = i32x4.min_u(least, i32x4.min_u(a, b));
    most = i32x4.max_u(most, i32x4.max_u(a, b));
  }
  if (i < count) {
    const size = v128.load(valuesAt + (i << 4));
    least = i32x4.min_u(least, size);
    most = i32x4.max_u(most, size);
  }
  return count > 0 && (i32x4.extract_lane(least, 1) == 0 || i32x4.extract_lane(most, 1) == -1) ? 1 : 0;
}

/** 8-byte sizes: 1 when some size is 0 or has a top word of all ones. */
export function sizesPlausible8(valuesAt: u32, count: u32): i32 {
  let zero = i64x2.splat(0);
  let most = i32x4.splat(0);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const sizes = v128.load(valuesAt + (i << 3));
    zero = v128.or(zero, i64x2.eq(sizes, i64x2.splat(0)));
    most = i32x4.max_u(most, sizes);
  }
  let bad = v128.any_true(zero) || i32x4.extract_lane(most, 1) == -1 || i32x4.extract_lane(most, 3) == -1;
  for (; i < count; i++) {
    const size = load<i64>(valuesAt + (i << 3));
    if (size == 0 || <i32>(size >> 32) == -1) bad = true;
  }
  return bad ? 1 : 0;
}

/**
 * `ts_init` values: 1 unless each is at least the one before and at most LAST_TIME, as
 * signed 64-bit integers. The one before the first is the i64 at `lastAt` (the previous
 * page's last value, or 1 for a column's first page), where the last value is left.
 */
export function timesInOrder(valuesAt: u32, count: u32, lastAt: u32): i32 {
  if (count == 0) return 0;
  let previous = load<i64>(lastAt);
  let prev = i64x2.splat(previous);
  let ordered = i64x2.splat(-1);
  let i: u32 = 0;
  for (; i + 1 < count; i += 2) {
    const ts = v128.load(valuesAt + (i << 3));
    ordered = v128.and(ordered, i64x2.ge_s(ts, v128.shuffle<i64>(prev, ts, 1, 2)));
    prev = ts;
  }
  let bad = !v128.all_true<i64>(ordered);
  previous = i64x2.extract_lane(prev, 1);
  for (; i < count; i++) {
    const t = load<i64>(valuesAt + (i << 3));
    if (!(t >= previous)) bad = true;
    previous = t;
  }
  store<i64>(lastAt, previous);
  // In order, the last is the greatest (and at least 1, from the first's bound).
  return bad || previous > LAST_TIME ? 1 : 0;
}
