/**
 * What a failed ccxt call means for the caller: wait and retry (rate limit), retry with
 * backoff (network), or stop (unknown symbol, anything else the exchange refused).
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';

export type FailureKind = 'rate-limit' | 'network' | 'bad-symbol' | 'refused';

export function classifyCcxtError(error: unknown): FailureKind {
  // DDoSProtection (HTTP 418/429) and RateLimitExceeded are NetworkErrors in ccxt, so they
  // must be tested first.
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) return 'rate-limit';
  if (error instanceof ccxt.BadSymbol) return 'bad-symbol';
  // OperationFailed covers network errors, bad responses (truncated bodies) and exchange-side
  // failures such as Binance's -1001 on HTTP 500: all worth another try.
  if (error instanceof ccxt.OperationFailed) return 'network';
  return 'refused';
}

/** The exchange's `Retry-After` header of the last response, in ms, if it sent one. */
export function retryAfterMs(exchange: Exchange): number | undefined {
  const headers = (exchange as unknown as { last_response_headers?: Record<string, unknown> }).last_response_headers;
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'retry-after') continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(String(value));
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}
