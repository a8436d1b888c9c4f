/**
 * The live tail of one series: a running subscription whose recent rows a SEAMLESS fetch
 * adds after what storage and backfill hold. Bounded in rows; the oldest frames go first.
 */
import { tsInitOf } from '../model/frames.js';
import type { LiveFeed } from './contracts.js';
import { joinFrames, keepTsWindow } from './frame-select.js';
import type { Series, SeriesFrame } from './series.js';
import { tsWindow } from './series-window.js';
import type { TimeRange } from './time-range.js';

export class LiveTail {
  private readonly frames: SeriesFrame[] = [];
  private rowCount = 0;
  private readonly stop = new AbortController();
  private connectedState = false;
  /** Rows are complete from this time on (reset by every disconnect). */
  private since: bigint | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly feed: LiveFeed,
    readonly series: Series,
    private readonly maxRows = 1_000_000,
  ) {
    this.done = this.consume().catch(() => {
      this.connectedState = false;
    });
  }

  get connected(): boolean {
    return this.connectedState;
  }

  /** Rows of `range` received while connected; undefined when there are none. */
  rows(range: TimeRange): SeriesFrame | undefined {
    const window = tsWindow(this.series, range);
    return joinFrames(this.frames.map((f) => keepTsWindow(f, window.start, window.end)));
  }

  /** The time from which the tail has every row (undefined before the first row). */
  completeSince(): bigint | undefined {
    return this.since;
  }

  private forget(): void {
    this.frames.length = 0;
    this.rowCount = 0;
    this.since = undefined;
  }

  close(): void {
    this.stop.abort();
  }

  private async consume(): Promise<void> {
    for await (const event of this.feed.subscribe(this.series, this.stop.signal)) {
      if (event.type === 'rows') {
        this.connectedState = true;
        if (event.frame.length === 0) continue;
        if (this.since === undefined) this.since = tsInitOf(event.frame)[0];
        this.frames.push(event.frame);
        this.rowCount += event.frame.length;
        while (this.rowCount > this.maxRows && this.frames.length > 1) {
          const dropped = this.frames.shift()!;
          this.rowCount -= dropped.length;
          this.since = tsInitOf(this.frames[0]!)[0];
        }
      } else if (event.type === 'disconnected') {
        // Rows before the drop can no longer be trusted to be complete up to now, unless
        // the feed fills its own holes (it then reports what it cannot as a gap).
        this.connectedState = false;
        if (!this.feed.heals) this.forget();
      } else if (event.type === 'gap') {
        this.forget();
      } else {
        this.connectedState = true;
      }
    }
    this.connectedState = false;
  }
}
