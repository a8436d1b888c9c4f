/**
 * "Suspected gaps": a pause much longer than the instrument usually pauses. The reference
 * is the instrument's own recent inter-arrival times, so a thin pair that trades every few
 * minutes does not alarm on a five-minute pause, while a busy pair does.
 *
 * Inter-arrival times (ns, positive ones only: equal stamps say nothing about pauses) go
 * into a histogram of power-of-two buckets, one increment per row. Every REFRESH samples
 * the histogram is folded into a decaying one (halved each time, so roughly the last two
 * thousand arrivals count) and the threshold becomes
 *
 *   max(floor, factor × p99), with p99 the 99th percentile rounded up to a power of two.
 *
 * Until WARMUP samples are seen the threshold is infinite: no reference, no verdict.
 */

const BUCKETS = 64;
const WARMUP = 256;
const REFRESH = 1024;
const TWO_32 = 4294967296;

export class GapEstimator {
  /** Deltas above this (ns) are suspected gaps. */
  threshold = Infinity;
  /** Counts of the samples since the last refresh, per bucket (scanTimes files them in place). */
  readonly block = new Float64Array(BUCKETS);
  /** Samples until the next refresh: whoever files a sample counts it down and calls `refresh` at 0. */
  left = WARMUP;
  private readonly recent = new Float64Array(BUCKETS);

  constructor(
    private readonly factor: number,
    private readonly floorNs: number,
  ) {}

  /** Counts one positive inter-arrival time `delta` (ns, exact below 2^53). */
  add(delta: number): void {
    this.block[bucketOf(delta)]!++;
    if (--this.left === 0) this.refresh();
  }

  /** Folds the block into the decaying histogram and sets the threshold anew. */
  refresh(): void {
    let total = 0;
    for (let b = 0; b < BUCKETS; b++) {
      this.recent[b] = this.recent[b]! * 0.5 + this.block[b]!;
      this.block[b] = 0;
      total += this.recent[b]!;
    }
    this.left = REFRESH;
    // Walk down from the longest bucket until 1 % of the weight is above.
    let above = 0;
    let b = BUCKETS - 1;
    for (; b > 0; b--) {
      above += this.recent[b]!;
      if (above > total * 0.01) break;
    }
    this.threshold = Math.max(this.floorNs, this.factor * 2 ** (b + 1));
  }
}

/** floor(log2(delta)) for a positive delta: clz32 truncates its argument to 32 bits, hence the two ranges. */
export function bucketOf(delta: number): number {
  return delta < TWO_32 ? 31 - Math.clz32(delta) : 63 - Math.clz32(delta / TWO_32);
}
