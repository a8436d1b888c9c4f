/**
 * A token bucket shared by every process that talks to one exchange (or account): each request
 * takes `cost` tokens (its weight); tokens refill at `ratePerSecond` up to `burst`. One Lua
 * script (token-bucket-lua.ts) refills, checks and takes atomically with the server's clock,
 * and tells a caller that cannot take how long to wait, so `acquire` sleeps once per shortage
 * rather than spinning (the Python limiter polled with 1-100 ms backoff).
 *
 * After an HTTP 429/418, `cooldown(retryAfterMs, reason)` pauses every process until the
 * cooldown key expires.
 *
 * When Redis is down, every method rejects with SEAMLESS_COORDINATOR_DOWN: there is no silent
 * pass-through. The caller picks the outage policy (coordinator-policy.ts).
 *
 * All processes sharing a limiter must agree on rate and burst: the script uses whatever the
 * caller passes. Takes are not queued: under constant contention a cost-10 request can wait
 * behind a stream of cost-1 requests.
 */
import type { Redis } from 'ioredis';
import { SeamlessError } from '../seamless/errors.js';
import { sleep } from './abortable-sleep.js';
import { CoordinationKeys, DEFAULT_KEY_PREFIX } from './redis-keys.js';
import { EXTEND_COOLDOWN, TAKE_TOKENS } from './token-bucket-lua.js';

export interface TokenBucketOptions {
  /** Who shares the bucket, e.g. an exchange id (`binance`) or `binance:acct42`. */
  readonly limiter: string;
  readonly ratePerSecond: number;
  /** Capacity: how many tokens an idle bucket holds. */
  readonly burst: number;
  /** Key prefix (default `seamless`). */
  readonly prefix?: string;
  /** For jitter; tests may pin it. */
  readonly random?: () => number;
}

export interface TakeResult {
  readonly taken: boolean;
  /** When not taken: milliseconds until a retry can succeed (cooldown included). */
  readonly waitMs: number;
  /** Tokens left after this call (fractional; refill is continuous). */
  readonly tokens: number;
  /** Milliseconds of shared cooldown left (0 when none). */
  readonly cooldownMs: number;
}

export interface BucketState {
  readonly tokens: number;
  readonly cooldownMs: number;
  readonly cooldownReason?: string;
}

/** Waiters that wake together would collide again; spread them by up to 10 % (at most 25 ms). */
const MAX_JITTER_MS = 25;

export class SharedTokenBucket {
  readonly limiter: string;
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly keys: readonly [string, string];
  private readonly random: () => number;

  /** Throws SEAMLESS_BAD_CONFIG when rate or burst is not a positive finite number. */
  constructor(
    private readonly redis: Redis,
    options: TokenBucketOptions,
  ) {
    for (const field of ['ratePerSecond', 'burst'] as const) {
      const value = options[field];
      if (!(Number.isFinite(value) && value > 0)) {
        throw new SeamlessError('SEAMLESS_BAD_CONFIG', `token bucket ${options.limiter}: ${field} must be a positive number, was ${value}`, { limiter: options.limiter, field });
      }
    }
    this.limiter = options.limiter;
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    const keys = new CoordinationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.keys = [keys.bucket(options.limiter), keys.cooldown(options.limiter)];
    this.random = options.random ?? Math.random;
  }

  /** The Redis key of the bucket (its cooldown key adds `:cooldown`). */
  get key(): string {
    return this.keys[0];
  }

  /**
   * Takes `cost` tokens if they are there now; otherwise takes nothing and says how long to wait.
   * Throws SEAMLESS_BAD_CONFIG for a cost that could never be taken, SEAMLESS_COORDINATOR_DOWN.
   */
  async tryTake(cost = 1): Promise<TakeResult> {
    this.checkCost(cost);
    return this.take(cost);
  }

  /**
   * Resolves once `cost` tokens are taken, sleeping as the bucket says between tries.
   * Throws SEAMLESS_COORDINATOR_DOWN (also mid-wait), or `signal.reason` when it aborts.
   */
  async acquire(cost = 1, signal?: AbortSignal): Promise<void> {
    this.checkCost(cost);
    for (;;) {
      signal?.throwIfAborted();
      const result = await this.take(cost);
      if (result.taken) return;
      const jitter = this.random() * Math.min(result.waitMs * 0.1, MAX_JITTER_MS);
      await sleep(result.waitMs + jitter, signal);
    }
  }

  /**
   * Makes every process wait `ms` before taking again (e.g. Retry-After of an HTTP 429/418).
   * Never shortens a longer cooldown already set. Returns the cooldown now left, in ms.
   * Throws SEAMLESS_COORDINATOR_DOWN.
   */
  async cooldown(ms: number, reason: string): Promise<number> {
    if (!(Number.isFinite(ms) && ms > 0)) return (await this.state()).cooldownMs;
    return Number(await EXTEND_COOLDOWN.run(this.redis, [this.keys[1]], [Math.ceil(ms), reason]));
  }

  /** Returns the tokens there are now and any cooldown, without taking. Throws SEAMLESS_COORDINATOR_DOWN. */
  async state(): Promise<BucketState> {
    const reply = await this.run(0);
    const reason = reply[4];
    return {
      tokens: Number(reply[2]),
      cooldownMs: Number(reply[3]),
      ...(typeof reason === 'string' ? { cooldownReason: reason } : {}),
    };
  }

  private async take(cost: number): Promise<TakeResult> {
    const reply = await this.run(cost);
    return { taken: reply[0] === 1, waitMs: Number(reply[1]), tokens: Number(reply[2]), cooldownMs: Number(reply[3]) };
  }

  private async run(cost: number): Promise<unknown[]> {
    const reply = await TAKE_TOKENS.run(this.redis, this.keys, [this.ratePerSecond, this.burst, cost]);
    if (!Array.isArray(reply)) throw new TypeError(`script "${TAKE_TOKENS.name}" replied ${String(reply)}, expected an array`);
    return reply;
  }

  private checkCost(cost: number): void {
    if (!(Number.isFinite(cost) && cost > 0 && cost <= this.burst)) {
      throw new SeamlessError(
        'SEAMLESS_BAD_CONFIG',
        `token bucket ${this.limiter}: cost must be > 0 and <= burst ${this.burst} (more could never be taken), was ${cost}`,
        { limiter: this.limiter, cost, burst: this.burst },
      );
    }
  }
}
