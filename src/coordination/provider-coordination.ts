/**
 * Everything a provider needs from Redis when `coordination` is configured: the chunk
 * coordinator (leases + fence) and one shared token bucket per exchange, over one client.
 * Outage decisions are reported on stderr as they happen, and in the fetch metadata.
 */
import type { Redis } from 'ioredis';
import type { RequestLimiter } from '../exchanges/request-limiter.js';
import type { BackfillCoordinator } from '../seamless/backfill-coordinator.js';
import type { CoordinationConfig } from '../seamless/provider-config.js';
import { LeaseCoordinator } from './backfill-lease.js';
import type { OutageReport } from './coordinator-policy.js';
import { RedisBackfillCoordinator } from './redis-backfill-coordinator.js';
import { closeCoordinatorRedis, createCoordinatorRedis } from './redis-connection.js';
import { SharedRequestLimiter } from './shared-request-limiter.js';
import { StorageFence } from './storage-fence.js';
import { SharedTokenBucket } from './token-bucket.js';

export class ProviderCoordination {
  readonly redis: Redis;
  readonly coordinator: BackfillCoordinator;
  readonly #limiters = new Map<string, RequestLimiter>();

  constructor(
    readonly config: CoordinationConfig,
    readonly report: (report: OutageReport) => void = warnOnStderr,
  ) {
    this.redis = createCoordinatorRedis(config.redisUrl, { connectionName: 'seamless-backfill' });
    this.coordinator = new RedisBackfillCoordinator({
      leases: new LeaseCoordinator(this.redis),
      fence: new StorageFence(this.redis),
      leaseTtlMs: config.leaseTtlMs,
      onOutage: config.onOutage,
      report,
    });
  }

  /** The fleet-wide request budget of one exchange. */
  limiterFor(exchangeId: string): RequestLimiter {
    let limiter = this.#limiters.get(exchangeId);
    if (!limiter) {
      const bucket = new SharedTokenBucket(this.redis, { limiter: `ccxt:${exchangeId}`, ratePerSecond: this.config.requestsPerSecond, burst: this.config.burst });
      limiter = new SharedRequestLimiter(bucket, this.config.onOutage, this.report);
      this.#limiters.set(exchangeId, limiter);
    }
    return limiter;
  }

  async close(): Promise<void> {
    await closeCoordinatorRedis(this.redis);
  }
}

function warnOnStderr(report: OutageReport): void {
  process.stderr.write(`seamless: warning: coordinator down, policy ${report.policy} → ${report.outcome}: ${report.reason}\n`);
}
