/**
 * The backfill runner's coordinator over Redis leases: a chunk's turn is a lease on
 * `leaseKey(nodeId, start, end)`; before the write the lease must still be held and its
 * fencing token must pass the storage fence, so a worker whose lease was taken over
 * (paused, partitioned) never writes over the newer holder. An outage is handled by the
 * configured policy and reported through `onOutage`, never read as "someone else has it".
 */
import type { BackfillCoordinator, ChunkTurn } from '../seamless/backfill-coordinator.js';
import type { Series } from '../seamless/series.js';
import { type TimeRange, formatRange } from '../seamless/time-range.js';
import { sleep } from './abortable-sleep.js';
import type { LeaseCoordinator } from './backfill-lease.js';
import { type CoordinatorOutagePolicy, type OutageReport, applyOutagePolicy } from './coordinator-policy.js';
import { leaseKey } from './lease-key.js';
import type { StorageFence } from './storage-fence.js';

export interface RedisBackfillCoordinatorOptions {
  readonly leases: LeaseCoordinator;
  readonly fence: StorageFence;
  readonly leaseTtlMs: number;
  readonly onOutage: CoordinatorOutagePolicy;
  /** How often a waiting worker looks whether the holder is done (default 100 ms). */
  readonly pollMs?: number;
  readonly report?: (report: OutageReport) => void;
}

export class RedisBackfillCoordinator implements BackfillCoordinator {
  constructor(private readonly options: RedisBackfillCoordinatorOptions) {}

  async turn(series: Series, chunk: TimeRange, retry = false): Promise<ChunkTurn> {
    const key = leaseKey(series.nodeId, chunk.start, chunk.end);
    const { leases, fence } = this.options;
    const outcome = await applyOutagePolicy<ChunkTurn>({
      policy: this.options.onOutage,
      what: `backfill lease for ${series.nodeId} ${formatRange(chunk)}`,
      coordinated: async () => {
        if (retry) await leases.clearDone(key);
        const claim = await leases.tryClaim(key, this.options.leaseTtlMs);
        if (claim.kind !== 'claimed') return { kind: 'elsewhere' };
        const lease = claim.lease;
        return {
          kind: 'mine',
          signal: lease.signal,
          beforeCommit: async () => {
            await lease.assertHeld();
            await fence.commitFenced(key, lease.token);
          },
          finished: () => lease.complete(),
          abandoned: async () => {
            await lease.release();
          },
        };
      },
      // Without Redis the in-process single-flight is all there is.
      localOnly: async () => ({ kind: 'mine', beforeCommit: async () => {}, finished: async () => {}, abandoned: async () => {} }),
      ...(this.options.report ? { onOutage: this.options.report } : {}),
    });
    if (outcome.kind === 'skipped') return { kind: 'skipped', reason: outcome.reason };
    return outcome.value;
  }

  async settled(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<void> {
    const key = leaseKey(series.nodeId, chunk.start, chunk.end);
    while ((await this.options.leases.status(key)).kind === 'held') {
      await sleep(this.options.pollMs ?? 100, signal);
    }
  }
}
