/*
 * AssemblyScript (the validation's kernels.wasm; one instance per detector, so its globals
 * and memory are that detector's state). The spike test of ../spike-detector.ts as its
 * `pushAll` runs it — tier 1 with its rest, the grid of ../median-grid.ts, the sorted window
 * of ../sorted-window.ts — step for step, with the same floating-point operations in the same
 * order, so every verdict, median and scale is the JavaScript detector's (a property test
 * holds the two to it). Two shortcuts have no twin there and never decide a spike: tier 1
 * for a whole block at once (blockClears) and the stretch bounds (startStretch). The
 * JavaScript detector stays the reference and the fallback.
 *
 * Why: bar closes go past tier 1 nearly always, and the grid's few counts and comparisons
 * cost about 50 ns a close in JavaScript (property loads and checks per step); here the
 * state is globals and raw memory. Ticks, which tier 1 clears, come here too: a block of
 * them costs two SIMD passes (about 5 ns a price on the bench quotes, 12–22 one at a time).
 *
 * Memory, laid out by `setUp` from __heap_base and never grown (growing would detach the
 * buffer the caller reads through): the ring, its cells, the grid's counts, the sorted
 * window and its spare, the merge's runs, tier 1's blocks, then `capacity` input prices and
 * as many spike slots (row, median, scale).
 */

const NORMAL_MAD: f64 = 1.4826;
const MIN_SCALE_RATIO: f64 = 1e-4;
const MISS_LIMIT: i32 = 64;
const REST: i32 = 4096;
const HISTORY: i32 = 64;
const MAX_CELLS: i32 = 1024;
/** Most prices one stretch bound covers (see startStretch); at a window of 100, 6 and 8 measured alike, 4 and 16 slower (56 and 153 against 46 ns a close). */
const STRETCH: i32 = 8;
/**
 * Stretches failed in a row before they pause, and for how many prices: the first pause is
 * short and each pause before a stretch holds again doubles it, up to the longest; each stretch
 * that holds halves it. Failures come in bursts on 1-minute closes (on the bench's 1 M bars,
 * a flat pause of 256 sent a quarter of all closes to the grid for 0.6 % failed stretches:
 * 65 → 58 ns a close), and run on for good on prices that jump (there the pause grows and the
 * bounds are seldom tried).
 */
const STRETCH_MISS_LIMIT: i32 = 4;
const STRETCH_FIRST_PAUSE: i32 = 16;
const STRETCH_LONGEST_PAUSE: i32 = 256;

// Settings.
let window: i32 = 0;
let mads: f64 = 0;
let step: f64 = 0;
// The last `window + HISTORY` prices; price number t is at t mod ringLength.
let ring: usize = 0;
let ringLength: i32 = 0;
let filled: i32 = 0;
let next: i32 = 0;
let total: i64 = 0;
// Tier 1.
let blockSize: i32 = 0;
let blocks: i32 = 0;
let blockMin: usize = 0;
let blockMax: usize = 0;
let block: i32 = 0;
let inBlock: i32 = 0;
let currentMin: f64 = Infinity;
let currentMax: f64 = -Infinity;
let low: f64 = Infinity;
let high: f64 = -Infinity;
let reachLimit: f64 = Infinity;
let misses: i32 = 0;
let resting: i32 = 0;
// Tier 2.
let cells: usize = 0;
let counts: usize = 0;
let cellCount: i32 = 0;
let origin: f64 = 0;
let cellWidth: f64 = 1;
let inverse: f64 = 1;
let delta: f64 = 0;
let gridReady = false;
let countedAt: i64 = 0;
let rankLo: i32 = 0;
let rankHi: i32 = 0;
let madRank: i32 = 0;
let cellLo: i32 = 0;
let belowLo: i32 = 0;
let cellHi: i32 = 0;
let belowHi: i32 = 0;
// Tier 2 for a stretch of prices while tier 1 rests (see startStretch): a price within
// stretchReach of both stretchLo and stretchHi is no spike, for stretchLeft more prices.
let stretchLeft: i32 = 0;
/** Prices a stretch covers: 0 for windows too short for the bounds to say anything. */
let stretch: i32 = 0;
/** Stretches failed in a row, and prices left without them after too many. */
let stretchMisses: i32 = 0;
let stretchPause: i32 = 0;
let nextPause: i32 = STRETCH_FIRST_PAUSE;
let stretchLo: f64 = 0;
let stretchHi: f64 = 0;
let stretchReach: f64 = 0;
// Tier 3.
let sorted: usize = 0;
let spare: usize = 0;
let outgoing: usize = 0;
let incoming: usize = 0;
let sortedReady = false;
let sortedAt: i64 = 0;
let lastMedian: f64 = 0;
let lastScale: f64 = 0;
// Input and output.
let prices: usize = 0;
let spikeRows: usize = 0;
let spikeMedians: usize = 0;
let spikeScales: usize = 0;
let top: usize = 0;

function take(bytes: usize): usize {
  const at = top;
  top = (top + bytes + 15) & ~15;
  return at;
}

@inline function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline function setF64(base: usize, i: i32, x: f64): void {
  store<f64>(base + (<usize>i << 3), x);
}

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

@inline function setI32(base: usize, i: i32, x: i32): void {
  store<i32>(base + (<usize>i << 2), x);
}

@inline function scaleFloor(magnitude: f64): f64 {
  return max(step, MIN_SCALE_RATIO * magnitude);
}

/**
 * Lays out a detector of `windowSize` prices, `k` MADs and price step `priceStep` with room
 * for `capacity` prices a call. Returns 0 when that does not fit the memory as it is.
 */
export function setUp(windowSize: i32, k: f64, priceStep: f64, capacity: i32): i32 {
  window = windowSize;
  mads = k;
  step = priceStep;
  ringLength = windowSize + HISTORY;
  blockSize = min(64, max(16, windowSize >> 1));
  blocks = (windowSize + blockSize - 1) / blockSize;
  cellCount = min(MAX_CELLS, 32 * windowSize);
  rankLo = (windowSize - 1) >> 1;
  rankHi = windowSize >> 1;
  madRank = windowSize & 1 ? (windowSize >> 1) + 1 : windowSize >> 1;
  // The bracket of 2·(stretch − 1) ranks must leave most of the MAD's rank to count: a 16th of the window.
  stretch = min(STRETCH, windowSize >> 4);
  top = (__heap_base + 15) & ~15;
  ring = take(<usize>ringLength << 3);
  cells = take(<usize>ringLength << 2);
  counts = take(<usize>cellCount << 2);
  sorted = take(<usize>windowSize << 3);
  spare = take(<usize>windowSize << 3);
  outgoing = take(<usize>(HISTORY + 1) << 3);
  incoming = take(<usize>(HISTORY + 1) << 3);
  blockMin = take(<usize>blocks << 3);
  blockMax = take(<usize>blocks << 3);
  prices = take(<usize>capacity << 3);
  spikeRows = take(<usize>capacity << 2);
  spikeMedians = take(<usize>capacity << 3);
  spikeScales = take(<usize>capacity << 3);
  if (top > (<usize>memory.size() << 16)) return 0;
  memory.fill(ring, 0, <usize>ringLength << 3);
  for (let b = 0; b < blocks; b++) {
    setF64(blockMin, b, Infinity);
    setF64(blockMax, b, -Infinity);
  }
  return 1;
}

export function pricesAt(): usize {
  return prices;
}

export function spikeRowsAt(): usize {
  return spikeRows;
}

export function spikeMediansAt(): usize {
  return spikeMedians;
}

export function spikeScalesAt(): usize {
  return spikeScales;
}

/** 1 while tier 1 rests (for tests). */
export function restingNow(): i32 {
  return resting > 0 ? 1 : 0;
}

/**
 * Tests the `count` prices at pricesAt() in order, each against the `window` before it, and
 * adds them; returns how many were spikes, whose indices, medians and scales it wrote to the
 * spike slots in order.
 */
export function pushAll(count: i32): i32 {
  let found = 0;
  for (let k = 0; k < count; k++) {
    const p = f64At(prices, k);
    if (resting > 0) {
      // Resting starts after misses, so the window is full.
      if (stretchLeft > 0 && p - stretchLo <= stretchReach && stretchHi - p <= stretchReach) {
        if (--stretchLeft == 0) {
          stretchMisses = 0;
          nextPause = max(STRETCH_FIRST_PAUSE, nextPause >> 1);
        }
      } else {
        if (stretchLeft > 0 && ++stretchMisses == STRETCH_MISS_LIMIT) {
          // The bounds keep failing here (volatile prices): the grid alone for a while.
          stretchPause = nextPause;
          nextPause = min(STRETCH_LONGEST_PAUSE, nextPause << 1);
          stretchMisses = 0;
        }
        if (beyondReach(p)) record(found++, k);
        stretchLeft = 0;
      }
      setF64(ring, next, p);
      next = next + 1 == ringLength ? 0 : next + 1;
      total++;
      if (--resting == 0) rebuildBlocks();
      else if (stretchLeft == 0) {
        if (stretchPause > 0) stretchPause--;
        else startStretch();
      }
      continue;
    }
    if (inBlock == 0 && filled == window && count - k >= blockSize && blockClears(k)) {
      k += blockSize - 1;
      continue;
    }
    const missed = filled == window && (p - low > high - p ? p - low : high - p) > reachLimit;
    if (push(p)) record(found++, k);
    misses = missed ? misses + 1 : 0;
    if (misses == MISS_LIMIT) {
      resting = REST;
      stretchLeft = 0;
    }
  }
  return found;
}

/**
 * Tier 1 for a whole block of prices at once (ticks, which tier 1 clears nearly always): with
 * the window's superset as the completed blocks' extremes and the block's own, a block whose
 * lowest and highest price are both within reach of those bounds holds no spike, and each of
 * its prices would have cleared tier 1 alone (its bounds lie inside these, its reach is at
 * least theirs). Then the block is added as `push` would add it, price by price: the ring,
 * the block's extremes, no misses. Otherwise nothing changes and the prices go one at a time.
 * Called where a block starts, with the window full and tier 1 awake.
 */
function blockClears(k: i32): bool {
  const at = prices + (<usize>k << 3);
  let lowest = f64x2.splat(Infinity);
  let highest = f64x2.splat(-Infinity);
  let j = 0;
  for (; j + 1 < blockSize; j += 2) {
    const pair = v128.load(at + (<usize>j << 3));
    // pmin/pmax are one instruction each (min/max must also order NaN and ±0: several);
    // a NaN is passed over, as push passes over it when it keeps a block's extremes.
    lowest = f64x2.pmin(lowest, pair);
    highest = f64x2.pmax(highest, pair);
  }
  let blockLow = min(f64x2.extract_lane(lowest, 0), f64x2.extract_lane(lowest, 1));
  let blockHigh = max(f64x2.extract_lane(highest, 0), f64x2.extract_lane(highest, 1));
  if (j < blockSize) {
    const x = f64At(at, j);
    if (x < blockLow) blockLow = x;
    if (x > blockHigh) blockHigh = x;
  }
  const lo = min(low, blockLow);
  const hi = max(high, blockHigh);
  const nearest = lo > 0 ? lo : hi < 0 ? -hi : 0;
  const limit = mads * scaleFloor(nearest);
  if (!(blockHigh - lo <= limit && hi - blockLow <= limit)) return false;
  // Into the ring in at most two straight runs (the part before its end, then its start).
  const before = min(blockSize, ringLength - next);
  copyF64(ring + (<usize>next << 3), at, before);
  copyF64(ring, at + (<usize>before << 3), blockSize - before);
  next = next + blockSize >= ringLength ? next + blockSize - ringLength : next + blockSize;
  total += <i64>blockSize;
  currentMin = blockLow;
  currentMax = blockHigh;
  misses = 0;
  completeBlock();
  return true;
}

/** Copies `count` doubles, two at a time (the regions never overlap). */
function copyF64(to: usize, from: usize, count: i32): void {
  let i = 0;
  for (; i + 1 < count; i += 2) v128.store(to + (<usize>i << 3), v128.load(from + (<usize>i << 3)));
  if (i < count) setF64(to, i, f64At(from, i));
}

function record(slot: i32, k: i32): void {
  setI32(spikeRows, slot, k);
  setF64(spikeMedians, slot, lastMedian);
  setF64(spikeScales, slot, lastScale);
}

function push(p: f64): bool {
  let spike = false;
  if (filled == window) {
    const reach = p - low > high - p ? p - low : high - p;
    if (reach > reachLimit) spike = beyondReach(p);
  } else {
    filled++;
  }
  setF64(ring, next, p);
  next = next + 1 == ringLength ? 0 : next + 1;
  total++;
  if (p < currentMin) {
    currentMin = p;
    if (p < low) widen(p, high);
  }
  if (p > currentMax) {
    currentMax = p;
    if (p > high) widen(low, p);
  }
  if (++inBlock == blockSize) completeBlock();
  return spike;
}

function widen(lowest: f64, highest: f64): void {
  low = lowest;
  high = highest;
  const nearest = lowest > 0 ? lowest : highest < 0 ? -highest : 0;
  reachLimit = mads * scaleFloor(nearest);
}

function widenToBlocks(): void {
  let lowest = Infinity;
  let highest = -Infinity;
  for (let b = 0; b < blocks; b++) {
    const a = f64At(blockMin, b);
    const z = f64At(blockMax, b);
    if (a < lowest) lowest = a;
    if (z > highest) highest = z;
  }
  widen(lowest, highest);
}

function completeBlock(): void {
  setF64(blockMin, block, currentMin);
  setF64(blockMax, block, currentMax);
  block = block + 1 == blocks ? 0 : block + 1;
  inBlock = 0;
  currentMin = Infinity;
  currentMax = -Infinity;
  widenToBlocks();
}

function rebuildBlocks(): void {
  let at = next - blocks * blockSize;
  if (at < 0) at += ringLength;
  for (let b = 0; b < blocks; b++) {
    let lowest = Infinity;
    let highest = -Infinity;
    for (let k = 0; k < blockSize; k++, at = at + 1 == ringLength ? 0 : at + 1) {
      const x = f64At(ring, at);
      if (x < lowest) lowest = x;
      if (x > highest) highest = x;
    }
    setF64(blockMin, b, lowest);
    setF64(blockMax, b, highest);
  }
  block = 0;
  inBlock = 0;
  currentMin = Infinity;
  currentMax = -Infinity;
  misses = 0;
  widenToBlocks();
}

function beyondReach(p: f64): bool {
  if (gridClears(p)) return false;
  return exact(p);
}

// Tier 2 (../median-grid.ts). gridClears and catchUp are inlined into beyondReach: one
// function for the path nearly every bar close takes (about 10 % less time a close).

@inline function cellOf(x: f64): i32 {
  const v = Math.floor((x - origin) * inverse);
  return v < 0 ? 0 : v >= <f64>cellCount ? cellCount - 1 : <i32>v;
}

@inline function gridClears(p: f64): bool {
  if (!gridReady) return false;
  if (countedAt != total) {
    if (total - countedAt > <i64>HISTORY) return false;
    catchUp();
  }
  const jl = cellLo;
  const jh = cellHi;
  if (jl == 0 || jh == cellCount - 1) return false;
  const g = cellWidth;
  const lo = origin + <f64>jl * g - delta;
  const hi = origin + <f64>(jh + 1) * g + delta;
  const deviation = p - lo > hi - p ? p - lo : hi - p;
  const floor = scaleFloor(lo > 0 ? lo : hi < 0 ? -hi : 0);
  if (deviation <= mads * floor) return true;
  let near = 0;
  for (let j = jl; j <= jh; j++) near += i32At(counts, j);
  for (let w = 1; jl - w >= 0 && jh + w < cellCount; w++) {
    near += i32At(counts, jl - w) + i32At(counts, jh + w);
    if (near >= madRank) return false;
    if (deviation <= mads * (NORMAL_MAD * (<f64>w * g - 2 * delta))) return true;
  }
  return false;
}

@inline function catchUp(): void {
  const pending = <i32>(total - countedAt);
  let into = next - pending;
  if (into < 0) into += ringLength;
  let out = into - window;
  if (out < 0) out += ringLength;
  let lo = cellLo;
  let below = belowLo;
  let hi = cellHi;
  let belowH = belowHi;
  for (let k = 0; k < pending; k++) {
    const a = i32At(cells, out);
    const b = cellOf(f64At(ring, into));
    setI32(cells, into, b);
    setI32(counts, a, i32At(counts, a) - 1);
    setI32(counts, b, i32At(counts, b) + 1);
    below += <i32>(b < lo) - <i32>(a < lo);
    belowH += <i32>(b < hi) - <i32>(a < hi);
    if (++out == ringLength) out = 0;
    if (++into == ringLength) into = 0;
  }
  while (below > rankLo) below -= i32At(counts, --lo);
  while (below + i32At(counts, lo) <= rankLo) below += i32At(counts, lo++);
  while (belowH > rankHi) belowH -= i32At(counts, --hi);
  while (belowH + i32At(counts, hi) <= rankHi) belowH += i32At(counts, hi++);
  cellLo = lo;
  belowLo = below;
  cellHi = hi;
  belowHi = belowH;
  countedAt = total;
}

/**
 * The grid's bounds made to hold for the next `stretch` prices at once (JavaScript has no twin
 * of this: it only spares the grid its per-price upkeep and tests, and never decides a
 * spike). With the counts current for the window W, the window a price d ≤ stretch prices on
 * is tested against differs from W by d − 1 prices out and as many in, so
 * - each rank's value lies within D = stretch − 1 ranks of W's: the median between the
 *   cells of W's ranks rankLo − D and rankHi + D;
 * - at most D more prices lie near the median: fewer than madRank − D of W's prices within w
 *   cells of those cells proves MAD ≥ w·g − 2δ, as in gridClears.
 * The prices that came meanwhile are counted by one catch-up when the next stretch starts.
 */
function startStretch(): void {
  if (stretch < 2 || !gridReady) return;
  if (countedAt != total) {
    if (total - countedAt > <i64>HISTORY) return;
    catchUp();
  }
  const spread = stretch - 1;
  if (rankLo - spread < 0 || rankHi + spread >= window) return;
  let jl = cellLo;
  let below = belowLo;
  while (below > rankLo - spread) below -= i32At(counts, --jl);
  let jh = cellHi;
  let belowH = belowHi;
  while (belowH + i32At(counts, jh) <= rankHi + spread) belowH += i32At(counts, jh++);
  if (jl == 0 || jh == cellCount - 1) return;
  const g = cellWidth;
  const lo = origin + <f64>jl * g - delta;
  const hi = origin + <f64>(jh + 1) * g + delta;
  let near = 0;
  for (let j = jl; j <= jh; j++) near += i32At(counts, j);
  let w = 0;
  while (jl - w - 1 >= 0 && jh + w + 1 < cellCount) {
    const wider = near + i32At(counts, jl - w - 1) + i32At(counts, jh + w + 1);
    if (wider + spread >= madRank) break;
    near = wider;
    w++;
  }
  const floorReach = mads * scaleFloor(lo > 0 ? lo : hi < 0 ? -hi : 0);
  const madReach = w > 0 ? mads * (NORMAL_MAD * (<f64>w * g - 2 * delta)) : 0;
  stretchLo = lo;
  stretchHi = hi;
  stretchReach = max(floorReach, madReach);
  stretchLeft = stretch;
}

function layOut(median: f64, mad: f64, first: i32): void {
  const g = max(max(0.25 * mad, 1e-6 * Math.abs(median)), step);
  cellWidth = g;
  inverse = 1 / g;
  origin = median - <f64>(cellCount >> 1) * g;
  delta = (Math.abs(origin) + <f64>(2 * cellCount) * g) * 1.4210854715202004e-14; // 2^-46
  memory.fill(counts, 0, <usize>cellCount << 2);
  for (let k = 0, at = first; k < window; k++, at = at + 1 == ringLength ? 0 : at + 1) {
    const b = cellOf(f64At(ring, at));
    setI32(cells, at, b);
    setI32(counts, b, i32At(counts, b) + 1);
  }
  cellLo = cellOf(f64At(sorted, rankLo));
  belowLo = rankLo;
  while (belowLo > 0 && cellOf(f64At(sorted, belowLo - 1)) == cellLo) belowLo--;
  cellHi = cellOf(f64At(sorted, rankHi));
  belowHi = rankHi;
  while (belowHi > 0 && cellOf(f64At(sorted, belowHi - 1)) == cellHi) belowHi--;
  countedAt = total;
  gridReady = true;
}

// Tier 3 (../sorted-window.ts).

function exact(p: f64): bool {
  const first = (next - window + ringLength) % ringLength;
  const pending = total - sortedAt;
  if (!sortedReady || pending > <i64>(ringLength - window) || pending > <i64>window) {
    rebuildSorted(first);
  } else if (pending > 0) {
    const n = <i32>pending;
    mergeSorted(n, (first - n + ringLength) % ringLength, (next - n + ringLength) % ringLength);
  }
  sortedReady = true;
  sortedAt = total;
  const median = window & 1 ? f64At(sorted, window >> 1) : (f64At(sorted, (window >> 1) - 1) + f64At(sorted, window >> 1)) / 2;
  const half = window >> 1;
  const mad = window & 1 ? kthDistance(median, half + 1) : (kthDistance(median, half) + kthDistance(median, half + 1)) / 2;
  layOut(median, mad, first);
  const deviation = Math.abs(p - median);
  const scale = max(NORMAL_MAD * mad, scaleFloor(Math.abs(median)));
  if (deviation <= mads * scale) return false;
  lastMedian = median;
  lastScale = scale;
  return true;
}

function rebuildSorted(first: i32): void {
  for (let k = 0, at = first; k < window; k++, at = at + 1 == ringLength ? 0 : at + 1) setF64(sorted, k, f64At(ring, at));
  heapSort(sorted, window);
}

function mergeSorted(n: i32, out: i32, into: i32): void {
  for (let k = 0; k < n; k++) {
    setF64(outgoing, k, f64At(ring, out));
    setF64(incoming, k, f64At(ring, into));
    out = out + 1 == ringLength ? 0 : out + 1;
    into = into + 1 == ringLength ? 0 : into + 1;
  }
  insertionSort(outgoing, n);
  insertionSort(incoming, n);
  // Sentinels end both runs: NaN equals no price, +Infinity is above every price.
  setF64(outgoing, n, NaN);
  setF64(incoming, n, Infinity);
  let w = 0;
  let skip = 0;
  let add = 0;
  let nextOut = f64At(outgoing, 0);
  let nextIn = f64At(incoming, 0);
  for (let r = 0; r < window; r++) {
    const x = f64At(sorted, r);
    if (x == nextOut) {
      nextOut = f64At(outgoing, ++skip);
      continue;
    }
    while (nextIn < x) {
      setF64(spare, w++, nextIn);
      nextIn = f64At(incoming, ++add);
    }
    setF64(spare, w++, x);
  }
  while (add < n) setF64(spare, w++, f64At(incoming, add++));
  const t = sorted;
  sorted = spare;
  spare = t;
}

/** The k-th smallest (1-based) of |sorted[i] − median|: see kthDistance in ../sorted-window.ts. */
function kthDistance(median: f64, k: i32): f64 {
  const s = sorted;
  const m = (window - 1) >> 1;
  const leftLength = m + 1;
  const rightLength = window - leftLength;
  let lo = max(0, k - rightLength);
  let hi = min(k, leftLength);
  while (lo <= hi) {
    const fromLeft = (lo + hi) >> 1;
    const fromRight = k - fromLeft;
    if (fromLeft < leftLength && fromRight > 0 && f64At(s, m + fromRight) - median > median - f64At(s, m - fromLeft)) {
      lo = fromLeft + 1;
    } else if (fromLeft > 0 && fromRight < rightLength && median - f64At(s, m - fromLeft + 1) > f64At(s, m + 1 + fromRight) - median) {
      hi = fromLeft - 1;
    } else {
      const a = fromLeft > 0 ? median - f64At(s, m - fromLeft + 1) : -Infinity;
      const b = fromRight > 0 ? f64At(s, m + fromRight) - median : -Infinity;
      return a > b ? a : b;
    }
  }
  unreachable();
  return 0;
}

function insertionSort(a: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const x = f64At(a, i);
    let j = i - 1;
    while (j >= 0 && f64At(a, j) > x) {
      setF64(a, j + 1, f64At(a, j));
      j--;
    }
    setF64(a, j + 1, x);
  }
}

/** Sorts `n` prices at `a` ascending (no NaN among them). A fresh sort is rare: 0.07 % of bench closes. */
function heapSort(a: usize, n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(a, i, n);
  for (let end = n - 1; end > 0; end--) {
    const x = f64At(a, 0);
    setF64(a, 0, f64At(a, end));
    setF64(a, end, x);
    siftDown(a, 0, end);
  }
}

function siftDown(a: usize, i: i32, n: i32): void {
  const x = f64At(a, i);
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && f64At(a, child + 1) > f64At(a, child)) child++;
    if (f64At(a, child) <= x) break;
    setF64(a, i, f64At(a, child));
    i = child;
  }
  setF64(a, i, x);
}
