/**
 * Binance kline intervals and where their bars open. Fixed-length intervals are aligned to
 * the Unix epoch (UTC), weeks open on Monday 00:00 UTC, months on the 1st 00:00 UTC.
 */
import type { MarketFamily } from './symbols.js';

export interface KlineInterval {
  readonly name: string;
  /** Open time of the bar holding `ms`. */
  floor(ms: number): number;
  /** Open time of the bar after the one opening at `openMs`. */
  next(openMs: number): number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-01 was a Thursday; the first Monday is 4 days later. */
const FIRST_MONDAY = 4 * DAY;

const FIXED: Readonly<Record<string, number>> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
};

function fixed(name: string, length: number, offset = 0): KlineInterval {
  return {
    name,
    floor: (ms) => Math.floor((ms - offset) / length) * length + offset,
    next: (openMs) => openMs + length,
  };
}

const MONTH: KlineInterval = {
  name: '1M',
  floor: (ms) => {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  },
  next: (openMs) => {
    const d = new Date(openMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  },
};

/** Returns the interval Binance calls `name` for this market family; undefined when it has none. */
export function klineInterval(name: string, market: MarketFamily): KlineInterval | undefined {
  if (name === '1s' && market !== 'spot') return undefined;
  const length = FIXED[name];
  if (length !== undefined) return fixed(name, length);
  if (name === '1w') return fixed(name, 7 * DAY, FIRST_MONDAY);
  if (name === '1M') return MONTH;
  return undefined;
}
