/**
 * Binance stream names the simulator serves: `<symbol>@trade`, `@aggTrade`, `@bookTicker`,
 * `@ticker`, `@miniTicker` and `@kline_<interval>`, symbol in lower case as Binance writes it.
 * Other well-formed names (`@depth`, …) are accepted and never send anything.
 */
import type { KlineInterval } from './intervals.js';
import type { MarketData } from './market-data.js';

export type StreamKind = 'trade' | 'aggTrade' | 'bookTicker' | 'ticker' | 'miniTicker' | 'kline' | 'unserved';

export interface StreamName {
  readonly name: string;
  /** Binance id, upper case; may be unlisted (Binance accepts those and sends nothing). */
  readonly symbol: string;
  readonly kind: StreamKind;
  readonly interval?: KlineInterval;
}

const SIMPLE_KINDS: ReadonlySet<string> = new Set(['trade', 'aggTrade', 'bookTicker', 'ticker', 'miniTicker']);

/** Returns the parsed stream, or undefined when the name is not a Binance stream name at all. */
export function parseStreamName(name: string, data: MarketData): StreamName | undefined {
  const match = /^([a-z0-9]+)@([A-Za-z]+)(?:_([0-9]+[smhdwM]))?(@[0-9a-z]+)?$/.exec(name);
  if (!match) return /^!?[A-Za-z0-9]+@[A-Za-z0-9_@!]+$/.test(name) ? { name, symbol: '', kind: 'unserved' } : undefined;
  if (match[4] !== undefined) return { name, symbol: '', kind: 'unserved' };
  const [, lower = '', kind = '', intervalName] = match;
  const symbol = lower.toUpperCase();
  if (kind === 'kline' && intervalName !== undefined) {
    const interval = data.interval(intervalName);
    return interval === undefined ? undefined : { name, symbol, kind: 'kline', interval };
  }
  if (intervalName !== undefined || !SIMPLE_KINDS.has(kind)) return { name, symbol, kind: 'unserved' };
  return { name, symbol, kind: kind as StreamKind };
}
