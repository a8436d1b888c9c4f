/**
 * Where data.binance.vision keeps an archive, and what a request for one names:
 *
 *   data/{spot|futures/um|futures/cm}/{daily|monthly}/{dataType}/{SYMBOL}/[{interval}/]
 *        {SYMBOL}-{dataType|interval}-{YYYY-MM|YYYY-MM-DD}.zip   (+ `.zip.CHECKSUM` beside it)
 *
 * | market | folder         | Nautilus instrument            |
 * |--------|----------------|--------------------------------|
 * | spot   | `spot`         | CurrencyPair `BTCUSDT.BINANCE` |
 * | um     | `futures/um`   | CryptoPerpetual `BTCUSDT-PERP.BINANCE` |
 * | cm     | `futures/cm`   | CryptoPerpetual `BTCUSD-PERP.BINANCE` (archive symbol `BTCUSD_PERP`) |
 */
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_SECOND } from '../../model/time.js';
import { ImportError } from './errors.js';
import { dayToIso, monthOfDay } from './utc-days.js';

export const BINANCE_MARKETS = ['spot', 'um', 'cm'] as const;
export type BinanceMarket = (typeof BINANCE_MARKETS)[number];

export const BINANCE_DATA_TYPES = ['trades', 'aggTrades', 'klines'] as const;
export type BinanceDataType = (typeof BINANCE_DATA_TYPES)[number];

/** A kline interval with a fixed length; `1mo` (calendar months) is not offered (see docs/import.md). */
export interface KlineInterval {
  readonly name: string;
  readonly ns: bigint;
  /** Nautilus BarSpecification step and aggregation, e.g. 1 MINUTE. */
  readonly step: number;
  readonly aggregation: 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK';
}

const INTERVALS: KlineInterval[] = [
  ['1s', 1, 'SECOND', NS_PER_SECOND],
  ['1m', 1, 'MINUTE', NS_PER_MINUTE], ['3m', 3, 'MINUTE', NS_PER_MINUTE], ['5m', 5, 'MINUTE', NS_PER_MINUTE],
  ['15m', 15, 'MINUTE', NS_PER_MINUTE], ['30m', 30, 'MINUTE', NS_PER_MINUTE],
  ['1h', 1, 'HOUR', NS_PER_HOUR], ['2h', 2, 'HOUR', NS_PER_HOUR], ['4h', 4, 'HOUR', NS_PER_HOUR], ['6h', 6, 'HOUR', NS_PER_HOUR],
  ['8h', 8, 'HOUR', NS_PER_HOUR], ['12h', 12, 'HOUR', NS_PER_HOUR],
  ['1d', 1, 'DAY', NS_PER_DAY], ['3d', 3, 'DAY', NS_PER_DAY], ['1w', 1, 'WEEK', 7n * NS_PER_DAY],
].map(([name, step, aggregation, unit]) => ({
  name: name as string,
  step: step as number,
  aggregation: aggregation as KlineInterval['aggregation'],
  ns: BigInt(step as number) * (unit as bigint),
}));

/** Returns the interval named `text` (`1m`, `1h`, ...); throws ImportError listing the names. */
export function klineInterval(text: string): KlineInterval {
  const found = INTERVALS.find((i) => i.name === text);
  if (!found) {
    const hint = text === '1mo' || text === '1M' ? ' (monthly bars have no fixed length, so their close cannot be open + interval; import 1d and aggregate)' : '';
    throw new ImportError('IMPORT_USAGE', `--interval must be one of ${INTERVALS.map((i) => i.name).join(', ')}, was ${JSON.stringify(text)}${hint}`);
  }
  return found;
}

export interface BinanceDataset {
  readonly market: BinanceMarket;
  readonly type: BinanceDataType;
  /** The archive symbol, e.g. `BTCUSDT` or `BTCUSD_PERP`. */
  readonly symbol: string;
  readonly interval?: KlineInterval;
}

/** One archive: a UTC day, or a calendar month given by its first day. */
export type ArchivePeriod = { readonly kind: 'daily'; readonly day: number } | { readonly kind: 'monthly'; readonly day: number };

/** Archive symbols are upper-case letters, digits and `_`; nothing else can reach a path. */
export function checkArchiveSymbol(symbol: string): string {
  if (!/^[A-Z0-9_]{2,40}$/.test(symbol)) {
    throw new ImportError('IMPORT_USAGE', `--symbol must be an exchange symbol of A-Z, 0-9 and _ (e.g. BTCUSDT, BTCUSD_PERP), was ${JSON.stringify(symbol)}`);
  }
  return symbol;
}

/** Returns the archive's path relative to the mirror root, e.g. `data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2025-01-01.zip`. */
export function binanceArchivePath(dataset: BinanceDataset, period: ArchivePeriod): string {
  const marketFolder = dataset.market === 'spot' ? 'spot' : `futures/${dataset.market}`;
  const stamp = period.kind === 'daily' ? dayToIso(period.day) : monthOfDay(period.day);
  const symbol = checkArchiveSymbol(dataset.symbol);
  if (dataset.type === 'klines') {
    const interval = dataset.interval?.name;
    if (!interval) throw new ImportError('IMPORT_USAGE', '--type klines needs --interval (e.g. 1m)');
    return `data/${marketFolder}/${period.kind}/klines/${symbol}/${interval}/${symbol}-${interval}-${stamp}.zip`;
  }
  return `data/${marketFolder}/${period.kind}/${dataset.type}/${symbol}/${symbol}-${dataset.type}-${stamp}.zip`;
}
