/**
 * What the exchange caller needs from a rate limiter shared with other processes (the Redis
 * token bucket satisfies it). ccxt's own limiter paces this process on top of it.
 */
export interface RequestLimiter {
  /** Waits until `cost` request units may be spent, or the signal aborts. */
  acquire(cost: number, signal?: AbortSignal): Promise<void>;
  /** Makes every sharer wait `ms` (after an HTTP 429/418). */
  cooldown(ms: number, reason: string): Promise<void>;
}
