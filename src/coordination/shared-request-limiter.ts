/**
 * The exchange caller's rate limiter over the shared Redis token bucket, with the outage
 * policy applied: `local-only` falls back to ccxt's own per-process limiter (and says so),
 * `fail` and `skip` fail the request (a request cannot be skipped half-way; the chunk fails
 * and is reported, and its lease is released for another worker).
 */
import type { RequestLimiter } from '../exchanges/request-limiter.js';
import { type CoordinatorOutagePolicy, type OutageReport, applyOutagePolicy } from './coordinator-policy.js';
import type { SharedTokenBucket } from './token-bucket.js';

export class SharedRequestLimiter implements RequestLimiter {
  constructor(
    private readonly bucket: SharedTokenBucket,
    private readonly policy: CoordinatorOutagePolicy,
    private readonly report?: (report: OutageReport) => void,
  ) {}

  async acquire(cost: number, signal?: AbortSignal): Promise<void> {
    await applyOutagePolicy({
      policy: this.policy === 'local-only' ? 'local-only' : 'fail',
      what: `shared rate limit ${this.bucket.limiter}`,
      coordinated: () => this.bucket.acquire(cost, signal),
      localOnly: async () => {},
      ...(this.report ? { onOutage: this.report } : {}),
    });
  }

  async cooldown(ms: number, reason: string): Promise<void> {
    await applyOutagePolicy({
      policy: this.policy === 'local-only' ? 'local-only' : 'fail',
      what: `shared cooldown ${this.bucket.limiter}`,
      coordinated: () => this.bucket.cooldown(ms, reason),
      localOnly: async () => 0,
      ...(this.report ? { onOutage: this.report } : {}),
    });
  }
}
