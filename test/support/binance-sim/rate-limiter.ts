/**
 * Binance's request-weight limit: each endpoint costs a weight, the weight used in the
 * current fixed window (Binance: the calendar minute) is reported in `x-mbx-used-weight-1m`,
 * and a request that would pass the limit gets 429 with `Retry-After` (seconds to the next
 * window). Binance bans clients that keep going after 429s with 418; `banAfter429s` turns that
 * on. Windows follow the real clock, not the simulated one, so a benchmark's rate is real.
 */

export interface RateLimitOptions {
  /** Weight allowed per window (Binance spot: 6000 per minute; USDⓈ-M: 2400). */
  readonly weight: number;
  readonly windowMs: number;
  /** After this many 429s in one window, answer 418 for `banMs`. Off when undefined. */
  readonly banAfter429s?: number;
  readonly banMs?: number;
}

export type Admission =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 429; readonly retryAfterSec: number }
  | { readonly ok: false; readonly status: 418; readonly retryAfterSec: number; readonly bannedUntilMs: number };

const DEFAULT_BAN_MS = 120_000;

export class WeightLimiter {
  #windowStart = 0;
  #used = 0;
  #rejected = 0;
  #bannedUntil = 0;

  constructor(readonly options: RateLimitOptions, private readonly now: () => number = Date.now) {
    if (!(options.weight > 0) || !(options.windowMs > 0)) throw new Error(`rateLimit needs weight > 0 and windowMs > 0, was ${JSON.stringify(options)}`);
  }

  /** Weight used in the current window. */
  get used(): number {
    this.#roll();
    return this.#used;
  }

  /** Counts `weight` when it fits; otherwise says how the request is refused. */
  admit(weight: number): Admission {
    const now = this.#roll();
    if (now < this.#bannedUntil) return { ok: false, status: 418, retryAfterSec: secondsUntil(now, this.#bannedUntil), bannedUntilMs: this.#bannedUntil };
    if (this.#used + weight <= this.options.weight) {
      this.#used += weight;
      return { ok: true };
    }
    this.#rejected += 1;
    const { banAfter429s, banMs = DEFAULT_BAN_MS } = this.options;
    if (banAfter429s !== undefined && this.#rejected > banAfter429s) {
      this.#bannedUntil = now + banMs;
      return { ok: false, status: 418, retryAfterSec: secondsUntil(now, this.#bannedUntil), bannedUntilMs: this.#bannedUntil };
    }
    return { ok: false, status: 429, retryAfterSec: secondsUntil(now, this.#windowStart + this.options.windowMs) };
  }

  /** Binance's words for the window, e.g. "1 MINUTE" or "1 SECOND". */
  get windowLabel(): string {
    const { interval, intervalNum } = this.windowAsRateLimit();
    return `${intervalNum} ${interval}`;
  }

  /** The window as exchangeInfo's rateLimits entry writes it. */
  windowAsRateLimit(): { interval: 'SECOND' | 'MINUTE' | 'DAY'; intervalNum: number } {
    const ms = this.options.windowMs;
    if (ms % 86_400_000 === 0) return { interval: 'DAY', intervalNum: ms / 86_400_000 };
    if (ms % 60_000 === 0) return { interval: 'MINUTE', intervalNum: ms / 60_000 };
    return { interval: 'SECOND', intervalNum: Math.max(1, Math.round(ms / 1000)) };
  }

  #roll(): number {
    const now = this.now();
    const start = Math.floor(now / this.options.windowMs) * this.options.windowMs;
    if (start !== this.#windowStart) {
      this.#windowStart = start;
      this.#used = 0;
      this.#rejected = 0;
    }
    return now;
  }
}

function secondsUntil(now: number, until: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}
