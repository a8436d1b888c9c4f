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
  /** Running without the shared limit since the last report; reported once per outage, not per request. */
  #degraded = false;

  constructor(
    private readonly bucket: SharedTokenBucket,
    private readonly policy: CoordinatorOutagePolicy,
    private readonly report?: (report: OutageReport) => void,
  ) {}

  async acquire(cost: number, signal?: AbortSignal): Promise<void> {
    await this.run(`shared rate limit ${this.bucket.limiter}`, () => this.bucket.acquire(cost, signal));
  }

  async cooldown(ms: number, reason: string): Promise<void> {
    await this.run(`shared cooldown ${this.bucket.limiter}`, () => this.bucket.cooldown(ms, reason));
  }

  private async run(what: string, coordinated: () => Promise<unknown>): Promise<void> {
    const outcome = await applyOutagePolicy({
      policy: this.policy === 'local-only' ? 'local-only' : 'fail',
      what,
      coordinated,
      localOnly: async () => undefined,
      onOutage: (report) => {
        if (report.outcome === 'local-only' && this.#degraded) return;
        if (report.outcome === 'local-only') this.#degraded = true;
        this.report?.(report);
      },
    });
    if (outcome.kind === 'coordinated') this.#degraded = false;
  }
}
