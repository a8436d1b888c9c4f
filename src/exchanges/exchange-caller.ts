/**
 * Every REST call to an exchange goes through one caller per exchange object, which:
 * - spends a unit of the shared rate limit first (when one is configured);
 * - after an HTTP 429/418 waits as long as the exchange's `Retry-After` says (at least
 *   `cooldownMs`) and makes every other caller, here and in other processes, wait too;
 * - retries network failures (timeouts, 5xx) with exponential backoff and jitter;
 * - turns what cannot be retried into a SeamlessError naming the exchange and request.
 */
import type { Exchange } from 'ccxt';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeamlessError } from '../seamless/errors.js';
import { classifyCcxtError, errorText, retryAfterMs } from './ccxt-errors.js';
import type { RequestLimiter } from './request-limiter.js';

export interface CallerPolicy {
  /** Attempts per request for network failures (default 5). */
  readonly maxAttempts: number;
  /** Rate-limit answers tolerated per request before giving up (default 8). */
  readonly maxCooldowns: number;
  /** First retry delay; doubles per attempt (default 250 ms). */
  readonly backoffMs: number;
  /** Cooldown after a 429/418 without a usable Retry-After (default 1000 ms). */
  readonly cooldownMs: number;
}

export const DEFAULT_CALLER_POLICY: CallerPolicy = { maxAttempts: 5, maxCooldowns: 8, backoffMs: 250, cooldownMs: 1000 };

export interface CallerCounters {
  requests: number;
  retries: number;
  cooldowns: number;
  cooldownMs: number;
}

export class ExchangeCaller {
  readonly counters: CallerCounters = { requests: 0, retries: 0, cooldowns: 0, cooldownMs: 0 };
  readonly policy: CallerPolicy;
  /** In-process cooldown, for when no shared limiter is configured (and as a floor when one is). */
  #coolUntil = 0;

  constructor(
    readonly exchange: Exchange,
    readonly limiter?: RequestLimiter,
    policy: Partial<CallerPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_CALLER_POLICY, ...policy };
  }

  /** Runs `request` (one REST call) under the limits; `what` names it in errors. */
  async call<T>(what: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let failures = 0;
    let cooldowns = 0;
    for (;;) {
      signal?.throwIfAborted();
      const wait = this.#coolUntil - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
      await this.limiter?.acquire(1, signal);
      this.counters.requests++;
      try {
        return await request();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof SeamlessError) throw error;
        const kind = classifyCcxtError(error);
        if (kind === 'rate-limit') {
          if (++cooldowns > this.policy.maxCooldowns) throw this.gaveUp(what, error, `${cooldowns - 1} rate-limit answers in a row`);
          const ms = Math.max(retryAfterMs(this.exchange) ?? 0, this.policy.cooldownMs);
          this.counters.cooldowns++;
          this.counters.cooldownMs += ms;
          this.#coolUntil = Math.max(this.#coolUntil, Date.now() + ms);
          await this.limiter?.cooldown(ms, `${this.exchange.id} ${what}: ${errorText(error)}`);
          continue;
        }
        if (kind === 'bad-symbol') {
          throw new SeamlessError('SEAMLESS_UNKNOWN_SYMBOL', `${this.exchange.id} ${what}: the exchange does not know this symbol (${errorText(error)})`, { exchange: this.exchange.id }, error);
        }
        if (kind === 'refused') {
          throw new SeamlessError('SEAMLESS_EXCHANGE', `${this.exchange.id} ${what} was refused: ${errorText(error)}`, { exchange: this.exchange.id }, error);
        }
        if (++failures >= this.policy.maxAttempts) throw this.gaveUp(what, error, `${failures} attempts`);
        this.counters.retries++;
        const delay = this.policy.backoffMs * 2 ** (failures - 1);
        await sleep(delay + Math.random() * delay * 0.25, undefined, signal ? { signal } : {});
      }
    }
  }

  private gaveUp(what: string, error: unknown, after: string): SeamlessError {
    return new SeamlessError(
      'SEAMLESS_EXCHANGE',
      `${this.exchange.id} ${what} failed after ${after}: ${errorText(error)}; check the exchange URL and network, then run again (stored data is kept)`,
      { exchange: this.exchange.id },
      error,
    );
  }
}
