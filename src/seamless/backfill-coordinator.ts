/**
 * How backfill workers in many processes agree on who fetches a chunk. The runner asks for
 * a turn before fetching; only the worker whose turn it is fetches and stores the chunk, the
 * others wait until it is settled and then read what it stored. The Redis implementation is
 * in src/coordination/redis-backfill-coordinator.ts; without one, coordination is per process.
 */
import type { Series } from './series.js';
import type { TimeRange } from './time-range.js';

export type ChunkTurn =
  /** Fetch and store it. `signal` aborts when the turn is lost (e.g. the lease expired). */
  | {
    readonly kind: 'mine';
    readonly signal?: AbortSignal;
    /** Throws when the turn was lost, so the caller must not write (fencing). */
    beforeCommit(): Promise<void>;
    /** Stored: others may read it. */
    finished(): Promise<void>;
    /** Not stored (failure or abort): others may try. */
    abandoned(): Promise<void>;
  }
  /** Another worker has it, or has finished it. */
  | { readonly kind: 'elsewhere' }
  /** Not fetched, on purpose (coordinator down under the `skip` policy); `reason` says why. */
  | { readonly kind: 'skipped'; readonly reason: string };

export interface BackfillCoordinator {
  /** `retry`: storage still lacks the chunk although it was marked finished; take it anyway. */
  turn(series: Series, chunk: TimeRange, retry?: boolean): Promise<ChunkTurn>;
  /** Resolves once no other worker holds the chunk (finished, given up or expired). */
  settled(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<void>;
}
