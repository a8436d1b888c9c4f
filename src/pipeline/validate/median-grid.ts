/**
 * Tier 2 of the spike test (spike-detector.ts): counts of the window's prices in cells of
 * one width g, which bound the median and the MAD from a few counts — O(1) per price, no
 * sorting, and valid for as long as the prices stay in the grid's range.
 *
 * Cells: cell(x) = ⌊(x − origin) / g⌋, clamped to [0, cellCount − 1], is monotone in x (every
 * float step rounds monotonically), so the sorted window has its prices in cell order and
 * its r-th smallest lies in the cell where the running count passes r. Two pointers follow
 * the cells of the median's two middle ranks as prices come and go.
 *
 * Bounds, with E(j) = origin + j·g and δ far above the float error of cell() and E():
 * - median ∈ [E(jLo) − δ, E(jHi + 1) + δ], so |p − median| ≤ the larger distance to either;
 * - a distance below t = w·g − 2δ from the median puts a price in cells jLo − w … jHi + w;
 *   fewer than k prices there means the k-th smallest distance, so the MAD, is at least t.
 * Both hold for the floats the exact test computes (its median lies between the two middle
 * prices, and a float distance below t is a real one below t), so a price they clear is no
 * spike. The exact test lays the grid out afresh (origin, g = MAD / 4) when they cannot.
 */

import { NORMAL_MAD, scaleFloor } from './spike-scale.js';

/** Most cells; small windows take fewer (a layout clears them all). */
const MAX_CELLS = 1024;

export class MedianGrid {
  private readonly cellCount: number;
  private readonly counts: Int32Array;
  /** Each ring slot's cell, from when its price came (the ring is the detector's). */
  private readonly cells: Int32Array;
  private origin = 0;
  private width = 1;
  private inverse = 1;
  private delta = 0;
  /** Prices pushed when the counts were last current; -Infinity: no grid. */
  private countedAt = -Infinity;
  // The middle ranks, their cells, and how many prices lie in lower cells.
  private readonly rankLo: number;
  private readonly rankHi: number;
  private cellLo = 0;
  private belowLo = 0;
  private cellHi = 0;
  private belowHi = 0;
  /** The smallest rank (1-based) the MAD takes a distance of. */
  private readonly madRank: number;

  constructor(
    private readonly window: number,
    ringLength: number,
    /** Most prices a catch-up takes from the ring (more: no grid until the next layout). */
    private readonly maxPending: number,
  ) {
    this.cells = new Int32Array(ringLength);
    this.cellCount = Math.min(MAX_CELLS, 32 * window);
    this.counts = new Int32Array(this.cellCount);
    this.rankLo = (window - 1) >> 1;
    this.rankHi = window >> 1;
    this.madRank = window & 1 ? (window >> 1) + 1 : window >> 1;
  }

  private cell(x: number): number {
    const v = Math.floor((x - this.origin) * this.inverse);
    return v < 0 ? 0 : v >= this.cellCount ? this.cellCount - 1 : v;
  }

  /**
   * True when `p` is surely no spike against the window of `total` prices, whose newest is
   * at ring index `next` − 1; `mads` and `step` as the spike test's.
   */
  clears(p: number, ring: Float64Array, next: number, total: number, mads: number, step: number): boolean {
    if (this.countedAt !== total) {
      if (this.countedAt === -Infinity || total - this.countedAt > this.maxPending) return false;
      this.catchUp(ring, next, total);
    }
    const jl = this.cellLo;
    const jh = this.cellHi;
    if (jl === 0 || jh === this.cellCount - 1) return false; // an edge cell is unbounded
    const g = this.width;
    const lo = this.origin + jl * g - this.delta;
    const hi = this.origin + (jh + 1) * g + this.delta;
    const deviation = p - lo > hi - p ? p - lo : hi - p;
    const floor = scaleFloor(step, lo > 0 ? lo : hi < 0 ? -hi : 0);
    if (deviation <= mads * floor) return true;
    const c = this.counts;
    let near = 0;
    for (let j = jl; j <= jh; j++) near += c[j]!;
    for (let w = 1; jl - w >= 0 && jh + w < this.cellCount; w++) {
      near += c[jl - w]! + c[jh + w]!;
      if (near >= this.madRank) return false;
      if (deviation <= mads * (NORMAL_MAD * (w * g - 2 * this.delta))) return true;
    }
    return false;
  }

  /** Counts the prices that came (and left) since the counts were current, and moves the pointers. */
  private catchUp(ring: Float64Array, next: number, total: number): void {
    const length = ring.length;
    const c = this.counts;
    const cells = this.cells;
    const pending = total - this.countedAt;
    let into = next - pending;
    if (into < 0) into += length;
    let out = into - this.window;
    if (out < 0) out += length;
    let cellLo = this.cellLo;
    let belowLo = this.belowLo;
    let cellHi = this.cellHi;
    let belowHi = this.belowHi;
    for (let k = 0; k < pending; k++) {
      const a = cells[out]!;
      const b = this.cell(ring[into]!);
      cells[into] = b;
      c[a]!--;
      c[b]!++;
      belowLo += (b < cellLo ? 1 : 0) - (a < cellLo ? 1 : 0);
      belowHi += (b < cellHi ? 1 : 0) - (a < cellHi ? 1 : 0);
      if (++out === length) out = 0;
      if (++into === length) into = 0;
    }
    while (belowLo > this.rankLo) belowLo -= c[--cellLo]!;
    while (belowLo + c[cellLo]! <= this.rankLo) belowLo += c[cellLo++]!;
    while (belowHi > this.rankHi) belowHi -= c[--cellHi]!;
    while (belowHi + c[cellHi]! <= this.rankHi) belowHi += c[cellHi++]!;
    this.cellLo = cellLo;
    this.belowLo = belowLo;
    this.cellHi = cellHi;
    this.belowHi = belowHi;
    this.countedAt = total;
  }

  /**
   * Lays the grid out around the exact `median` with cells a quarter of `mad` wide (no
   * narrower than a millionth of the median, so floats resolve them, nor than `step`), and
   * counts the window of `total` prices from ring index `first` on; `sorted` is that window
   * sorted, where the middle ranks' cells are found.
   */
  layOut(median: number, mad: number, step: number, sorted: Float64Array, ring: Float64Array, first: number, total: number): void {
    const g = Math.max(0.25 * mad, 1e-6 * Math.abs(median), step);
    this.width = g;
    this.inverse = 1 / g;
    this.origin = median - (this.cellCount >> 1) * g;
    this.delta = (Math.abs(this.origin) + 2 * this.cellCount * g) * 2 ** -46;
    const c = this.counts;
    c.fill(0);
    for (let k = 0, at = first; k < this.window; k++, at = at + 1 === ring.length ? 0 : at + 1) {
      const b = this.cell(ring[at]!);
      this.cells[at] = b;
      c[b]!++;
    }
    // The prices in lower cells are a prefix of the sorted window (cell() is monotone).
    this.cellLo = this.cell(sorted[this.rankLo]!);
    this.belowLo = this.rankLo;
    while (this.belowLo > 0 && this.cell(sorted[this.belowLo - 1]!) === this.cellLo) this.belowLo--;
    this.cellHi = this.cell(sorted[this.rankHi]!);
    this.belowHi = this.rankHi;
    while (this.belowHi > 0 && this.cell(sorted[this.belowHi - 1]!) === this.cellHi) this.belowHi--;
    this.countedAt = total;
  }
}
