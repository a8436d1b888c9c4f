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
 * The verdict is exact, but most prices never need the median, in three tiers:
 * 1. The median lies between the window's lowest and highest price, and σ ≥ floor, so a
 *    price within k × floor of both ends cannot be a spike. The ends come cheaply from a
 *    superset of the window: min/max per block of BLOCK prices, plus the block being
 *    filled. Busy, calm ticks almost never go further.
 * 2. A sorted copy of the window a few prices old (SortedWindow) still brackets the median
 *    between two of its order statistics and bounds the MAD from below by a shortest span
 *    (see sorted-window.ts); a price within k × σ of both brackets, σ from those bounds,
 *    cannot be a spike. Bar closes, which move more than k basis points within a window,
 *    mostly stop here.
 * 3. Otherwise the copy is brought up to date (one merge of the prices that came and went
 *    since, kept in a ring `history` prices longer than the window, or a fresh sort) and
 *    the exact median and, if still in doubt, the MAD decide. A fresh copy serves tier 2
 *    for the next `maxPending` prices.
 *
 * Prices are floats of the unscaled raws: the test is a ratio, so the fixed-point scale
 * cancels, and float rounding cannot matter at the size of a spike. The tiers' bounds hold
 * for the float computation of tier 3 itself (every step rounds monotonically; the MAD
 * bound is shrunk by a few ulps), so the shortcuts never change a verdict.
 */
import { SortedWindow } from './sorted-window.js';

const NORMAL_MAD = 1.4826;
const MIN_SCALE_RATIO = 1e-4;
const BLOCK = 16;
/** Shrinks the float shortest span below the exact one, and the MAD's rounded distances (1 − 2^-50). */
const MAD_BOUND_SHRINK = 1 - 2 ** -50;
/** Absolute margin, relative to the operands, for a difference of rounded distances. */
const ROUNDING_MARGIN = 2 ** -50;

export class SpikeDetector {
  /** The last `window + history` prices; price number t is at t mod its length. */
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  /** Prices pushed so far. */
  private total = 0;
  // Tier 1: bounds of a superset of the window, and the reach they allow.
  private readonly blockMin: Float64Array;
  private readonly blockMax: Float64Array;
  private block = 0;
  private inBlock = 0;
  private currentMin = Infinity;
  private currentMax = -Infinity;
  private low = Infinity;
  private high = -Infinity;
  private reachLimit = Infinity;
  // Tier 2: the sorted window as it was after `sortedAt` prices, and per j <= maxPending
  // prices since, a bracket of the median and the largest deviation that is surely no spike.
  private readonly sorted: SortedWindow;
  private sortedAt = -Infinity;
  private readonly maxPending: number;
  private readonly bracketLow: Float64Array;
  private readonly bracketHigh: Float64Array;
  private readonly clearReach: Float64Array;
  private readonly distances: Float64Array;
  /** The median and σ of the last spike found (for its report line). */
  lastMedian = 0;
  lastScale = 0;

  constructor(
    readonly window: number,
    private readonly mads: number,
    /** One price step of the declared precision, in raw units. */
    private readonly step: number,
  ) {
    // Bounds from a copy j prices old loosen with j: (n − 1) / 4 keeps the median's bracket
    // within the middle half; 4√n caps it for long windows, where a merge costs O(n).
    this.maxPending = Math.min((window - 1) >> 2, Math.floor(2 * Math.sqrt(window)));
    const history = Math.max(2 * this.maxPending, 32);
    this.bracketLow = new Float64Array(this.maxPending + 1);
    this.bracketHigh = new Float64Array(this.maxPending + 1);
    this.clearReach = new Float64Array(this.maxPending + 1);
    this.distances = new Float64Array(this.maxPending + 1);
    this.ring = new Float64Array(window + history);
    this.sorted = new SortedWindow(window, history);
    const blocks = Math.ceil(window / BLOCK);
    this.blockMin = new Float64Array(blocks).fill(Infinity);
    this.blockMax = new Float64Array(blocks).fill(-Infinity);
  }

  /** Tests `p` against the previous `window` prices, then adds it. True when `p` is a spike. */
  push(p: number): boolean {
    let spike = false;
    if (this.count === this.window) {
      const reach = p - this.low > this.high - p ? p - this.low : this.high - p;
      if (reach > this.reachLimit) spike = this.beyondReach(p);
    } else {
      this.count++;
    }
    this.ring[this.next] = p;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    this.total++;
    if (p < this.currentMin) {
      this.currentMin = p;
      if (p < this.low) this.widen(p, this.high);
    }
    if (p > this.currentMax) {
      this.currentMax = p;
      if (p > this.high) this.widen(this.low, p);
    }
    if (++this.inBlock === BLOCK) this.completeBlock();
    return spike;
  }

  /** Tier 1's bounds changed: |median| >= the smaller |end| when both ends have one sign, else >= 0. */
  private widen(low: number, high: number): void {
    this.low = low;
    this.high = high;
    const nearest = low > 0 ? low : high < 0 ? -high : 0;
    const floor = MIN_SCALE_RATIO * nearest > this.step ? MIN_SCALE_RATIO * nearest : this.step;
    this.reachLimit = this.mads * floor;
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
    this.widen(min, max);
  }

  /** Tiers 2 and 3, for a price tier 1 could not clear. */
  private beyondReach(p: number): boolean {
    const pending = this.total - this.sortedAt;
    if (pending <= this.maxPending && this.clearedBySnapshot(p, pending)) return false;
    this.catchUp(pending);
    return this.exact(p);
  }

  /** Tier 2: true when the sorted copy, `pending` prices old, proves `p` is no spike. */
  private clearedBySnapshot(p: number, pending: number): boolean {
    // The median is in [low, high], so |p − median| is at most the larger distance to either.
    const deviation = Math.max(Math.abs(p - this.bracketLow[pending]!), Math.abs(p - this.bracketHigh[pending]!));
    return deviation <= this.clearReach[pending]!;
  }

  /** Brings the sorted copy up to the current window (`pending` prices came and went since) and renews tier 2's table. */
  private catchUp(pending: number): void {
    const length = this.ring.length;
    const first = (this.next - this.window + length) % length; // the oldest price of the window
    // A merge needs the prices that left still in the ring, and none that came and left since.
    if (pending > length - this.window || pending > this.window) {
      this.sorted.rebuild(this.ring, first);
    } else if (pending > 0) {
      const out = (first - pending + length) % length;
      const into = (this.next - pending + length) % length;
      this.sorted.merge(this.ring, pending, out, into);
    }
    this.sortedAt = this.total;
    this.renewTable();
  }

  /**
   * For j = 0 … maxPending further replacements: the median's bracket (sorted-window.ts),
   * a lower bound L_j of the MAD, and the reach k × max(1.4826 L_j, floor_j) within which
   * a price is surely no spike. L_j is the larger of
   * - shorth_{q − J} / 2 (q: the MAD's rank, J = maxPending), and
   * - d_{q − j}(median now) − δ_j: the MAD is d_q around the future median c, at least
   *   d_{q − j}(c) of today's window, and moving the centre from today's median to c,
   *   both in the bracket, changes every distance by at most δ_j (the bracket's larger
   *   half-width).
   * Both are rounded down by far more than the float error of their few operations, so
   * the float MAD of tier 3 is at least L_j.
   */
  private renewTable(): void {
    const s = this.sorted.values;
    const n = this.window;
    const pendingMax = this.maxPending;
    const q = (n + 1) >> 1;
    const median = this.sorted.median();
    this.sorted.distancesBelow(median, q, pendingMax + 1, this.distances);
    const shorthBound = 0.5 * this.sorted.shorth(q - pendingMax) * MAD_BOUND_SHRINK;
    for (let j = 0; j <= pendingMax; j++) {
      const low = s[((n - 1) >> 1) - j]!;
      const high = s[(n >> 1) + j]!;
      const d = this.distances[j]!;
      const delta = Math.max(median - low, high - median);
      const madLow = Math.max(shorthBound, d - delta - (d + delta) * ROUNDING_MARGIN);
      const nearest = low > 0 ? low : high < 0 ? -high : 0;
      const floor = Math.max(this.step, MIN_SCALE_RATIO * nearest);
      this.bracketLow[j] = low;
      this.bracketHigh[j] = high;
      this.clearReach[j] = this.mads * Math.max(NORMAL_MAD * madLow, floor);
    }
  }

  /** Tier 3: the exact test of `p` against the current window (the sorted copy is up to date). */
  private exact(p: number): boolean {
    const median = this.sorted.median();
    const deviation = Math.abs(p - median);
    const floor = Math.max(this.step, MIN_SCALE_RATIO * Math.abs(median));
    if (deviation <= this.mads * floor) return false;
    const scale = Math.max(NORMAL_MAD * this.sorted.mad(median), floor);
    if (deviation <= this.mads * scale) return false;
    this.lastMedian = median;
    this.lastScale = scale;
    return true;
  }
}
