/**
 * The three contracts every tier implements. Ranges are half-open `[start, end)` in ns;
 * frames hold the rows that belong to the range (bars: whole interval inside), sorted by
 * `ts_init`.
 */
import type { Series, SeriesFrame } from './series.js';
import type { TimeRange } from './time-range.js';

/** What a storage tier may do while it streams rows for the provider. */
export interface StorageStreamOptions {
  /**
   * The provider proves every frame it serves clean: a tier that can take facts for that
   * while it decodes (the catalog, for quotes, trades and bars: row-group-facts.ts) may, so the
   * proof needs no pass over the rows.
   */
  readonly facts?: boolean;
}

/**
 * What a source holds for a series at one moment: its coverage, and a read of exactly that.
 * One look serves both (the catalog lists its folders once), and the rows read are the ones
 * the coverage describes, even if a write lands in between.
 */
export interface SourceSnapshot {
  readonly coverage: TimeRange[];
  stream(range: TimeRange, options?: StorageStreamOptions): AsyncIterable<SeriesFrame>;
}

/** A place that already has data: the memory cache, the catalog, QuestDB. */
export interface DataSource {
  readonly name: string;
  /** Ranges this source can serve in full, merged and sorted. */
  coverage(series: Series): Promise<TimeRange[]>;
  /** The rows of `range` this source holds, or undefined when it holds none. */
  fetch(series: Series, range: TimeRange): Promise<SeriesFrame | undefined>;
  /** The rows of `range` frame by frame, for replays that must not hold it all at once. */
  stream?(series: Series, range: TimeRange, options?: StorageStreamOptions): AsyncIterable<SeriesFrame>;
  /** Cheaper than `coverage` where the source can answer directly. */
  isAvailable?(series: Series, range: TimeRange): Promise<boolean>;
  /** `coverage` and `stream` from one look at the source (SourceSnapshot). */
  snapshot?(series: Series): Promise<SourceSnapshot>;
}

/** A source the provider writes backfilled data through to. */
export interface WritableSource extends DataSource {
  /**
   * Stores rows fetched for `range` and marks the whole range covered, even where the
   * frame has no rows near its ends. `frame` is undefined when the venue had nothing.
   */
  write(series: Series, range: TimeRange, frame: SeriesFrame | undefined): Promise<void>;
}

/** Something that can fetch history from outside (an exchange, another catalog). */
export interface Backfiller {
  readonly name: string;
  canBackfill(series: Series, range: TimeRange): boolean | Promise<boolean>;
  /** Yields the rows of `range` in batches, sorted; may yield nothing for an empty range. */
  backfill(series: Series, range: TimeRange, signal?: AbortSignal): AsyncIterable<SeriesFrame>;
}

export type LiveEvent =
  | { readonly type: 'rows'; readonly frame: SeriesFrame }
  /** The connection dropped at `at` (ns); rows may be missing until `reconnected`. */
  | { readonly type: 'disconnected'; readonly at: bigint; readonly reason: string }
  | { readonly type: 'reconnected'; readonly at: bigint }
  /** Rows in `[start, end)` (ns) are missing for good: the feed could not fill them. */
  | { readonly type: 'gap'; readonly range: TimeRange; readonly reason: string };

/** A live feed: rows as they happen, with explicit connection events. */
export interface LiveFeed {
  readonly name: string;
  /**
   * True when the feed fills its own disconnects from history before resuming and reports
   * what it cannot fill as `gap` events; consumers then need not heal `disconnected` themselves.
   */
  readonly heals?: boolean;
  /** Ends when `signal` aborts or the feed gives up for good. Bars are emitted only once closed. */
  subscribe(series: Series, signal?: AbortSignal): AsyncIterable<LiveEvent>;
}
