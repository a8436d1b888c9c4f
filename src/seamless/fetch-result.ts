/**
 * What a fetch returns: the rows, and metadata saying where they came from, how complete
 * they are, what conformance found and whether the answer was downgraded.
 */
import type { ConformanceReport } from './conformance/index.js';
import type { Strategy, SlaPhase } from './provider-config.js';
import type { Series, SeriesFrame } from './series.js';
import type { TimeRange } from './time-range.js';

export type Tier = 'cache' | 'storage' | 'backfill' | 'live';

export interface Downgrade {
  readonly mode: 'partial' | 'hold';
  readonly reason: 'sla_violation' | 'backfill_pending' | 'live_disconnected';
  readonly violations?: ReadonlyArray<{ readonly phase: SlaPhase; readonly elapsedMs: number; readonly budgetMs: number }>;
}

export interface FetchMeta {
  readonly nodeId: string;
  readonly range: TimeRange;
  readonly strategy: Strategy;
  readonly rows: number;
  readonly tiers: Tier[];
  readonly rowsByTier: Readonly<Record<Tier, number>>;
  readonly coverage: {
    /** First and last `ts_init` of the rows served. */
    readonly bounds?: { readonly first: bigint; readonly last: bigint };
    /** Share of the range (up to now) that is covered: stored, known-empty or live. */
    readonly ratio: number;
    /** Ranges still missing when the answer was made. */
    readonly missing: TimeRange[];
  };
  readonly backfill: {
    readonly fetchedChunks: number;
    readonly joinedChunks: number;
    readonly rows: number;
    /** Ranges the venue had nothing for (known-empty from now on). */
    readonly empty: TimeRange[];
    /** Chunks not fetched on purpose (coordinator down under the skip policy), with why. */
    readonly skipped: readonly { readonly range: TimeRange; readonly reason: string }[];
    /** A backfill is still running in the background for this range. */
    readonly pending: boolean;
  };
  readonly conformance: ConformanceReport;
  /** Bars held back as possibly still changing (see stabilize.ts). */
  readonly stabilizedRows: number;
  readonly downgrade?: Downgrade;
  readonly artifact?: { readonly dir: string; readonly manifestPath: string };
  readonly elapsedMs: number;
  readonly cached: boolean;
}

export interface FetchResult {
  readonly series: Series;
  /** The rows as decoded, in `ts_init` order, without copying them into one frame. */
  readonly frames: readonly SeriesFrame[];
  /** The rows as one frame (joined from `frames` on first use; undefined when there are none). */
  readonly frame: SeriesFrame | undefined;
  readonly meta: FetchMeta;
  /** sha256 over canonical columns, computed on first use (it costs a pass over every byte). */
  fingerprint(): string;
}
