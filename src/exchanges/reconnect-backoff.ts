/**
 * Reconnect delays: exponential with jitter, capped, and back to the first step once a
 * connection has stayed healthy for `healthyMs` (so one blip a day never waits minutes).
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Connected this long counts as healthy: the next failure starts from `initialMs`. */
  readonly healthyMs: number;
  /** Consecutive failed attempts before giving up (Infinity: never). */
  readonly maxFailures: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000, healthyMs: 30_000, maxFailures: 20 };

export class ReconnectBackoff {
  readonly policy: BackoffPolicy;
  #failures = 0;
  #connectedAt: number | undefined;

  constructor(policy: Partial<BackoffPolicy> = {}, private readonly clock: () => number = Date.now) {
    this.policy = { ...DEFAULT_BACKOFF, ...policy };
  }

  /** Consecutive failures since the last healthy period. */
  get failures(): number {
    return this.#failures;
  }

  /** Data is flowing. */
  connected(): void {
    this.#connectedAt ??= this.clock();
  }

  /** The connection failed: the delay before the next attempt, or undefined to give up. */
  failed(): number | undefined {
    const now = this.clock();
    if (this.#connectedAt !== undefined && now - this.#connectedAt >= this.policy.healthyMs) this.#failures = 0;
    this.#connectedAt = undefined;
    this.#failures++;
    if (this.#failures > this.policy.maxFailures) return undefined;
    const ceiling = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** (this.#failures - 1));
    // Half fixed, half random: spreads reconnect storms without ever retrying instantly.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}
