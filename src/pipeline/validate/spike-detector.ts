/**
 * Price spikes against a rolling median and MAD (median absolute deviation) of the last
 * `window` prices, the robust pair: one wild print barely moves either.
 *
 *   spike  ⇔  |p − median| > k × σ,   σ = max(1.4826 × MAD, one price step, 1e-4 × |median|)
 *
 * 1.4826 × MAD estimates the standard deviation of normal data. The floor on σ handles
 * MAD = 0 (more than half of the window at one price, common in quiet books): then a move
 * must exceed k price steps and k basis points before it counts.
 *
 * The verdict is exact, but most prices never need the median. Since the median lies
 * between the window's lowest and highest price, and σ ≥ floor, a price whose distance to
 * both ends is within k × floor cannot be a spike. The ends come cheaply from a superset of
 * the window: min/max per block of BLOCK prices, plus the block being filled. Only prices
 * that fail this test get the exact median, from a sorted copy of the window that is
 * brought up to date lazily (replaying the prices that came and went since, or re-sorting
 * when that is cheaper), and only when the median test fails too is the MAD computed.
 * Busy, calm data costs a few comparisons per price; a fast trending market costs more.
 *
 * Prices are floats of the unscaled raws: the test is a ratio, so the fixed-point scale
 * cancels, and float rounding cannot matter at the size of a spike.
 */

const NORMAL_MAD = 1.4826;
const MIN_SCALE_RATIO = 1e-4;
const BLOCK = 16;

export class SpikeDetector {
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  // Block extremes: completed blocks in a ring, the current block running.
  private readonly blockMin: Float64Array;
  private readonly blockMax: Float64Array;
  private block = 0;
  private inBlock = 0;
  private currentMin = Infinity;
  private currentMax = -Infinity;
  private completedMin = Infinity;
  private completedMax = -Infinity;
  // The sorted window, valid after replaying `log` (prices out, prices in).
  private readonly sorted: Float64Array;
  private sortedValid = false;
  private readonly logOut: Float64Array;
  private readonly logIn: Float64Array;
  private logLength = 0;
  /** The median and σ of the last spike found (for its report line). */
  lastMedian = 0;
  lastScale = 0;

  constructor(
    readonly window: number,
    private readonly mads: number,
    /** One price step of the declared precision, in raw units. */
    private readonly step: number,
  ) {
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
    const blocks = Math.ceil(window / BLOCK);
    this.blockMin = new Float64Array(blocks).fill(Infinity);
    this.blockMax = new Float64Array(blocks).fill(-Infinity);
    this.logOut = new Float64Array(window >> 1);
    this.logIn = new Float64Array(window >> 1);
  }

  /** Tests `p` against the previous `window` prices, then adds it. True when `p` is a spike. */
  push(p: number): boolean {
    let spike = false;
    if (this.count === this.window) {
      const low = this.completedMin < this.currentMin ? this.completedMin : this.currentMin;
      const high = this.completedMax > this.currentMax ? this.completedMax : this.currentMax;
      const reach = p - low > high - p ? p - low : high - p;
      // |median| >= the smaller |end| when both ends have one sign, else >= 0.
      const nearest = low > 0 ? low : high < 0 ? -high : 0;
      const floor = MIN_SCALE_RATIO * nearest > this.step ? MIN_SCALE_RATIO * nearest : this.step;
      if (reach > this.mads * floor) spike = this.exact(p);
      if (this.sortedValid) this.log(this.ring[this.next]!, p);
    } else {
      this.count++;
    }
    this.ring[this.next] = p;
    this.next = this.next + 1 === this.window ? 0 : this.next + 1;
    if (p < this.currentMin) this.currentMin = p;
    if (p > this.currentMax) this.currentMax = p;
    if (++this.inBlock === BLOCK) this.completeBlock();
    return spike;
  }

  /** Notes that `old` left the window and `p` came in, for the sorted copy to replay. */
  private log(old: number, p: number): void {
    if (old === p) return;
    if (this.logLength < this.logOut.length) {
      this.logOut[this.logLength] = old;
      this.logIn[this.logLength++] = p;
    } else {
      this.sortedValid = false;
    }
  }

  /** Files the current block's extremes and recomputes the extremes of the completed blocks. */
  private completeBlock(): void {
    const blocks = this.blockMin.length;
    this.blockMin[this.block] = this.currentMin;
    this.blockMax[this.block] = this.currentMax;
    this.block = this.block + 1 === blocks ? 0 : this.block + 1;
    this.inBlock = 0;
    this.currentMin = Infinity;
    this.currentMax = -Infinity;
    let min = Infinity;
    let max = -Infinity;
    for (let b = 0; b < blocks; b++) {
      if (this.blockMin[b]! < min) min = this.blockMin[b]!;
      if (this.blockMax[b]! > max) max = this.blockMax[b]!;
    }
    this.completedMin = min;
    this.completedMax = max;
  }

  /** The exact test of `p` against the current window. */
  private exact(p: number): boolean {
    const s = this.sorted;
    const n = this.window;
    if (!this.sortedValid) {
      s.set(this.ring);
      s.sort();
      this.sortedValid = true;
    } else {
      for (let k = 0; k < this.logLength; k++) replace(s, this.logOut[k]!, this.logIn[k]!);
    }
    this.logLength = 0;
    const median = n & 1 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
    const deviation = Math.abs(p - median);
    const floor = Math.max(this.step, MIN_SCALE_RATIO * Math.abs(median));
    if (deviation <= this.mads * floor) return false;
    const scale = Math.max(NORMAL_MAD * mad(s, median), floor);
    if (deviation <= this.mads * scale) return false;
    this.lastMedian = median;
    this.lastScale = scale;
    return true;
  }
}

/**
 * Median of |x − median| over a sorted window, in O(log n): the distances are two sorted
 * runs — leftwards from the middle (median − s[m − t]) and rightwards (s[m + 1 + t] −
 * median) — and the k-th smallest of two sorted runs is found by bisecting how many of
 * it come from the left run.
 */
function mad(s: Float64Array, median: number): number {
  const n = s.length;
  const half = n >> 1;
  return n & 1 ? kthDistance(s, median, half + 1) : (kthDistance(s, median, half) + kthDistance(s, median, half + 1)) / 2;
}

/** The k-th smallest (1-based) of |s[i] − median|, s sorted, median between s[m] and s[m + 1]. */
function kthDistance(s: Float64Array, median: number, k: number): number {
  const m = (s.length - 1) >> 1;
  const leftLength = m + 1;
  const rightLength = s.length - leftLength;
  // left(t) = median − s[m − t] and right(t) = s[m + 1 + t] − median both increase with t.
  let lo = Math.max(0, k - rightLength);
  let hi = Math.min(k, leftLength);
  while (lo <= hi) {
    const fromLeft = (lo + hi) >> 1;
    const fromRight = k - fromLeft;
    if (fromLeft < leftLength && fromRight > 0 && s[m + fromRight]! - median > median - s[m - fromLeft]!) {
      lo = fromLeft + 1; // the next left distance is smaller than the last right one taken
    } else if (fromLeft > 0 && fromRight < rightLength && median - s[m - fromLeft + 1]! > s[m + 1 + fromRight]! - median) {
      hi = fromLeft - 1; // the last left distance taken is larger than the next right one
    } else {
      const a = fromLeft > 0 ? median - s[m - fromLeft + 1]! : -Infinity;
      const b = fromRight > 0 ? s[m + fromRight]! - median : -Infinity;
      return a > b ? a : b;
    }
  }
  throw new Error('kthDistance: inconsistent window');
}

/** Replaces one copy of `old` by `p` in the sorted array `s`, keeping it sorted. */
function replace(s: Float64Array, old: number, p: number): void {
  const at = lowerBound(s, old);
  if (p > old) {
    const end = lowerBound(s, p); // p lands at end − 1
    s.copyWithin(at, at + 1, end);
    s[end - 1] = p;
  } else {
    const start = upperBound(s, p); // p lands at start
    s.copyWithin(start + 1, start, at);
    s[start] = p;
  }
}

/** First index whose value is >= x. */
function lowerBound(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
function upperBound(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
