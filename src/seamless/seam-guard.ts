/**
 * Keeps a stream free of duplicates where history meets live and where a reconnect is
 * healed: remembers the keys of recently emitted rows (a sliding window of `marginNs`
 * behind the newest row) and lets through only rows it has not seen. Bars are also
 * dropped when they do not close after the last emitted bar.
 */
import { tsInitOf } from '../model/frames.js';
import { selectRows } from './frame-select.js';
import { rowKey } from './row-keys.js';
import type { SeriesFrame } from './series.js';
import { lowerBound } from './series-window.js';

export class SeamGuard {
  private readonly keys = new Map<string, bigint>();
  private last: bigint | undefined;
  /** Rows older than the newest emitted one that were still new (history lacked them). */
  late = 0;
  duplicates = 0;

  constructor(
    private readonly marginNs: bigint,
    /** Keys are recorded only for rows at or after this time (history far back can't meet live). */
    private recordFrom: bigint,
  ) {}

  get lastTs(): bigint | undefined {
    return this.last;
  }

  /** Records history rows as emitted (cheap: keys only near `recordFrom`). */
  noteEmitted(frame: SeriesFrame): void {
    const ts = tsInitOf(frame);
    if (ts.length === 0) return;
    const newest = ts[ts.length - 1]!;
    if (newest >= this.recordFrom) {
      for (let i = lowerBound(ts, this.recordFrom); i < ts.length; i++) this.keys.set(rowKey(frame, i), ts[i]!);
    }
    if (this.last === undefined || newest > this.last) this.last = newest;
    this.prune();
  }

  /** The rows of `frame` not emitted before; records them. Undefined when none are new. */
  admit(frame: SeriesFrame): SeriesFrame | undefined {
    const ts = tsInitOf(frame);
    const keep: number[] = [];
    for (let i = 0; i < frame.length; i++) {
      const t = ts[i]!;
      if (frame.type === 'bar' && this.last !== undefined && t <= this.last) {
        this.duplicates++;
        continue;
      }
      const key = rowKey(frame, i);
      if (this.keys.has(key)) {
        this.duplicates++;
        continue;
      }
      if (this.last !== undefined && t < this.last) this.late++;
      this.keys.set(key, t);
      keep.push(i);
      if (this.last === undefined || t > this.last) this.last = t;
    }
    this.recordFrom = this.last !== undefined && this.last - this.marginNs > this.recordFrom ? this.last - this.marginNs : this.recordFrom;
    this.prune();
    if (keep.length === 0) return undefined;
    return keep.length === frame.length ? frame : selectRows(frame, Uint32Array.from(keep));
  }

  private prune(): void {
    if (this.last === undefined || this.keys.size < 4096) return;
    const floor = this.last - this.marginNs;
    for (const [key, t] of this.keys) if (t < floor) this.keys.delete(key);
  }
}
