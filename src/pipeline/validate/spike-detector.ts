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
 *    superset of the window: min/max per block of `blockSize` prices, plus the block being
 *    filled. Busy, calm ticks almost never go further. Where it keeps missing, it rests:
 *    for a while its upkeep is skipped and its blocks are rebuilt from the ring after.
 * 2. Counts of the window's prices in a grid of cells a quarter MAD wide bound the median
 *    and the MAD from a few counts (median-grid.ts). Bar closes, which move more than k
 *    basis points within a window, mostly stop here: the grid holds as long as the MAD
 *    keeps its size and the prices stay in its range.
 * 3. Otherwise a sorted copy of the window is brought up to date (one merge of the prices
 *    that came and went since, kept in a ring HISTORY prices longer than the window, or a
 *    fresh sort), the exact median and MAD decide, and the grid is laid out afresh.
 *
 * Prices are floats of the unscaled raws: the test is a ratio, so the fixed-point scale
 * cancels, and float rounding cannot matter at the size of a spike. The tiers' bounds hold
 * for the float computation of tier 3 itself (every step rounds monotonically), so the
 * shortcuts never change a verdict.
 */
import { MedianGrid } from './median-grid.js';
import { SortedWindow } from './sorted-window.js';
import { NORMAL_MAD, scaleFloor } from './spike-scale.js';

/** In `pushAll`, tier 1 rests for REST prices after MISS_LIMIT misses in a row (bar closes miss it all the time). */
const MISS_LIMIT = 64;
const REST = 4096;
/** Prices the ring keeps beyond the window, for catching up the grid and the sorted copy. */
const HISTORY = 64;

export class SpikeDetector {
  /** The last `window + HISTORY` prices; price number t is at t mod its length. */
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  /** Prices pushed so far. */
  private total = 0;
  // Tier 1: bounds of a superset of the window, and the reach they allow.
  private readonly blockSize: number;
  private readonly blockMin: Float64Array;
  private readonly blockMax: Float64Array;
  private block = 0;
  private inBlock = 0;
  private currentMin = Infinity;
  private currentMax = -Infinity;
  private low = Infinity;
  private high = -Infinity;
  private reachLimit = Infinity;
  /** Tier 1's misses in a row, and the prices left while it rests (then its blocks are stale). */
  private misses = 0;
  private resting = 0;
  // Tier 2.
  private readonly grid: MedianGrid;
  // Tier 3: the sorted window as it was after `sortedAt` prices.
  private readonly sorted: SortedWindow;
  private sortedAt = -Infinity;
  /** The median and σ of the last spike found (for its report line). */
  lastMedian = 0;
  lastScale = 0;

  constructor(
    readonly window: number,
    private readonly mads: number,
    /** One price step of the declared precision, in raw units. */
    private readonly step: number,
  ) {
    this.ring = new Float64Array(window + HISTORY);
    this.grid = new MedianGrid(window, this.ring.length, HISTORY);
    this.sorted = new SortedWindow(window, HISTORY);
    // Filing a block costs a pass over all blocks: long blocks make that rare, at the price
    // of a superset up to two blocks longer than the window.
    this.blockSize = Math.min(64, Math.max(16, window >> 1));
    const blocks = Math.ceil(window / this.blockSize);
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
    if (++this.inBlock === this.blockSize) this.completeBlock();
    return spike;
  }

  /** Tier 1's bounds changed: |median| >= the smaller |end| when both ends have one sign, else >= 0. */
  private widen(low: number, high: number): void {
    this.low = low;
    this.high = high;
    const nearest = low > 0 ? low : high < 0 ? -high : 0;
    this.reachLimit = this.mads * scaleFloor(this.step, nearest);
  }

  /** Sets the bounds to the extremes of the completed blocks. */
  private widenToBlocks(): void {
    let min = Infinity;
    let max = -Infinity;
    for (let b = 0; b < this.blockMin.length; b++) {
      if (this.blockMin[b]! < min) min = this.blockMin[b]!;
      if (this.blockMax[b]! > max) max = this.blockMax[b]!;
    }
    this.widen(min, max);
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
    this.widenToBlocks();
  }

  /**
   * `push` for each of `count` prices in order, calling `spiked(k)` for each spike (with
   * lastMedian and lastScale set). Here tier 1 may rest (see MISS_LIMIT): a separate loop,
   * so `push`, inlined into the tick loops, stays small.
   */
  pushAll(prices: Float64Array, count: number, spiked: (k: number) => void): void {
    for (let k = 0; k < count; k++) {
      const p = prices[k]!;
      if (this.resting > 0) {
        // Resting starts after misses, so the window is full.
        if (this.beyondReach(p)) spiked(k);
        this.ring[this.next] = p;
        this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
        this.total++;
        if (--this.resting === 0) this.rebuildBlocks();
        continue;
      }
      const missed = this.count === this.window && (p - this.low > this.high - p ? p - this.low : this.high - p) > this.reachLimit;
      if (this.push(p)) spiked(k);
      this.misses = missed ? this.misses + 1 : 0;
      if (this.misses === MISS_LIMIT) this.resting = REST;
    }
  }

  /** Tier 1 back from rest: its blocks are the last prices of the ring, the partial block empty. */
  private rebuildBlocks(): void {
    const blocks = this.blockMin.length;
    const length = this.ring.length;
    // blocks × blockSize < window + blockSize <= the ring; slots never written hold 0, which only widens the bounds.
    let at = this.next - blocks * this.blockSize;
    if (at < 0) at += length;
    for (let b = 0; b < blocks; b++) {
      let min = Infinity;
      let max = -Infinity;
      for (let k = 0; k < this.blockSize; k++, at = at + 1 === length ? 0 : at + 1) {
        const x = this.ring[at]!;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      this.blockMin[b] = min;
      this.blockMax[b] = max;
    }
    this.block = 0; // the oldest
    this.inBlock = 0;
    this.currentMin = Infinity;
    this.currentMax = -Infinity;
    this.misses = 0;
    this.widenToBlocks();
  }

  /** Tiers 2 and 3, for a price tier 1 could not clear. */
  private beyondReach(p: number): boolean {
    if (this.grid.clears(p, this.ring, this.next, this.total, this.mads, this.step)) return false;
    return this.exact(p);
  }

  /** Tier 3: brings the sorted copy up to the current window, tests `p` exactly, and lays the grid out afresh. */
  private exact(p: number): boolean {
    const length = this.ring.length;
    const first = (this.next - this.window + length) % length; // the oldest price of the window
    const pending = this.total - this.sortedAt;
    // A merge needs the prices that left still in the ring, and none that came and left since.
    if (pending > length - this.window || pending > this.window) {
      this.sorted.rebuild(this.ring, first);
    } else if (pending > 0) {
      this.sorted.merge(this.ring, pending, (first - pending + length) % length, (this.next - pending + length) % length);
    }
    this.sortedAt = this.total;
    const median = this.sorted.median();
    const mad = this.sorted.mad(median);
    this.grid.layOut(median, mad, this.step, this.sorted.values, this.ring, first, this.total);
    const deviation = Math.abs(p - median);
    const scale = Math.max(NORMAL_MAD * mad, scaleFloor(this.step, Math.abs(median)));
    if (deviation <= this.mads * scale) return false;
    this.lastMedian = median;
    this.lastScale = scale;
    return true;
  }
}
