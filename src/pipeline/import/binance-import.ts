/**
 * `seamless import binance`: plans the data.binance.vision archives of a range and runs them.
 *
 * Planning: a calendar month wholly inside [--start, --end] is read from its monthly archive
 * (one download and checksum instead of ~30); when that archive does not exist (the current
 * month, or a gap on the server) its daily archives are read instead. Partial months are read
 * from daily archives. `--daily` reads daily archives only (Binance's monthly files have been
 * seen missing rows the daily ones have, binance-public-data #140).
 */
import type { Catalog } from '../../catalog/catalog.js';
import { formatBarType } from '../../model/identifiers.js';
import { type BinanceDataType, type BinanceMarket, type BinanceDataset, type KlineInterval, binanceArchivePath, checkArchiveSymbol, klineInterval } from './binance-layout.js';
import { binanceLayout } from './binance-formats.js';
import { ImportError } from './errors.js';
import { readExchangeInfo } from './exchange-info.js';
import { binanceInstrument } from './instrument-ids.js';
import { type PlannedArchive, runImport } from './run-import.js';
import { precisionFlags } from './precision-plan.js';
import { openSource } from './sources.js';
import type { ImportSummary } from './summary.js';
import { monthBounds, parseDayRange } from './utc-days.js';

export interface BinanceImportOptions {
  /** A folder mirroring data.binance.vision, or its base URL. */
  readonly source: string;
  readonly market: BinanceMarket;
  readonly type: BinanceDataType;
  /** Klines only: `1m`, `1h`, ... */
  readonly interval?: string;
  readonly symbol: string;
  /** UTC dates YYYY-MM-DD, both included. */
  readonly start: string;
  readonly end: string;
  readonly catalog: Catalog;
  readonly force?: boolean;
  readonly exchangeInfo?: string;
  readonly pricePrecision?: number;
  readonly sizePrecision?: number;
  /** Import archives that have no .CHECKSUM (reported) instead of refusing them. */
  readonly allowMissingChecksum?: boolean;
  /** Read daily archives only. */
  readonly dailyOnly?: boolean;
  readonly progress?: boolean;
  readonly batchRows?: number;
}

/** Returns the archives covering days [first, last], months whole where possible. */
export function planBinanceArchives(dataset: BinanceDataset, first: number, last: number, dailyOnly: boolean): PlannedArchive[] {
  const daily = (day: number): PlannedArchive => ({ paths: [binanceArchivePath(dataset, { kind: 'daily', day })], format: 'zip', firstDay: day, lastDay: day, days: [day] });
  const plan: PlannedArchive[] = [];
  for (let day = first; day <= last; ) {
    const month = monthBounds(day);
    if (!dailyOnly && month.first === day && month.next - 1 <= last) {
      const days = Array.from({ length: month.next - month.first }, (_, i) => month.first + i);
      plan.push({
        paths: [binanceArchivePath(dataset, { kind: 'monthly', day })],
        format: 'zip',
        firstDay: month.first,
        lastDay: month.next - 1,
        days,
        fallback: days.map(daily),
      });
      day = month.next;
    } else {
      plan.push(daily(day));
      day++;
    }
  }
  return plan;
}

export async function importBinance(options: BinanceImportOptions): Promise<ImportSummary> {
  const symbol = checkArchiveSymbol(options.symbol);
  const { first, last } = parseDayRange(options.start, options.end);
  let interval: KlineInterval | undefined;
  if (options.type === 'klines') {
    if (!options.interval) throw new ImportError('IMPORT_USAGE', '--type klines needs --interval (e.g. 1m)');
    interval = klineInterval(options.interval);
  } else if (options.interval) {
    throw new ImportError('IMPORT_USAGE', `--interval is only for --type klines, was given with --type ${options.type}`);
  }
  const rules = options.exchangeInfo ? await readExchangeInfo(options.exchangeInfo, symbol) : undefined;
  const naming = binanceInstrument(options.market, symbol, rules ? { base: rules.base, quote: rules.quote, ...(rules.margin ? { margin: rules.margin } : {}) } : undefined);
  const dataset: BinanceDataset = { market: options.market, type: options.type, symbol, ...(interval ? { interval } : {}) };
  const barType = interval
    ? formatBarType({ instrumentId: naming.id, spec: { step: interval.step, aggregation: interval.aggregation, priceType: 'LAST' }, aggregationSource: 'EXTERNAL' })
    : undefined;
  const flags = precisionFlags(options.pricePrecision, options.sizePrecision);
  return runImport({
    catalog: options.catalog,
    source: openSource(options.source),
    type: interval ? 'bar' : 'trade_tick',
    naming,
    ...(barType ? { barType } : {}),
    stampOffsetNs: interval?.ns ?? 0n,
    layout: binanceLayout(options.market, options.type),
    archives: planBinanceArchives(dataset, first, last, options.dailyOnly ?? false),
    checksums: options.allowMissingChecksum ? 'warn' : 'required',
    force: options.force ?? false,
    ...(flags ? { precisionFlags: flags } : {}),
    ...(rules ? { rules } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.batchRows !== undefined ? { batchRows: options.batchRows } : {}),
  });
}
