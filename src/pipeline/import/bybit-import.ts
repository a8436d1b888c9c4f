/**
 * `seamless import bybit`: public.bybit.com's daily gzip CSVs of trades.
 *
 * | market          | path                                              | columns (header row)                          |
 * |-----------------|---------------------------------------------------|-----------------------------------------------|
 * | linear, inverse | `trading/{SYM}/{SYM}{YYYY-MM-DD}.csv.gz`           | timestamp (s.ffff), symbol, side (Buy/Sell), size, price, tickDirection, trdMatchID, grossValue, homeNotional, foreignNotional[, RPI] |
 * | spot            | `spot/{SYM}/{SYM}_{YYYY-MM-DD}.csv.gz` (or `-`)    | id, timestamp (ms), price, volume, side (buy/sell)[, rpi] |
 *
 * Bybit publishes no checksums; a day whose file is absent (HTTP 404) is reported as missing.
 * Files may be newest-first; they are put in time order through a disk spill.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { bybitInstrument } from './instrument-ids.js';
import type { RowLayout } from './row-mapper.js';
import { type PlannedArchive, runImport } from './run-import.js';
import { precisionFlags } from './precision-plan.js';
import { openSource } from './sources.js';
import type { ImportSummary } from './summary.js';
import { dayToIso, parseDayRange } from './utc-days.js';
import { checkArchiveSymbol } from './binance-layout.js';

export const BYBIT_MARKETS = ['linear', 'inverse', 'spot'] as const;
export type BybitMarket = (typeof BYBIT_MARKETS)[number];

export interface BybitImportOptions {
  readonly source: string;
  readonly market: BybitMarket;
  readonly symbol: string;
  readonly start: string;
  readonly end: string;
  readonly catalog: Catalog;
  readonly force?: boolean;
  readonly pricePrecision?: number;
  readonly sizePrecision?: number;
  readonly progress?: boolean;
  readonly batchRows?: number;
}

const DERIVATIVES: RowLayout = {
  names: ['timestamp', 'symbol', 'side', 'size', 'price', 'tickDirection', 'trdMatchID', 'grossValue', 'homeNotional', 'foreignNotional'],
  roles: ['seconds', 'skip', 'takerSide', 'fixed:1', 'fixed:0', 'skip', 'textId', 'skip', 'skip', 'skip'],
  header: 'required',
  optionalTrailing: ['RPI'],
  order: 'either',
};

const SPOT: RowLayout = {
  names: ['id', 'timestamp', 'price', 'volume', 'side'],
  roles: ['textId', 'time', 'fixed:0', 'fixed:1', 'takerSide'],
  header: 'required',
  optionalTrailing: ['rpi'],
  order: 'either',
};

/** Returns the candidate paths of one day's file. */
export function bybitDayPaths(market: BybitMarket, symbol: string, day: number): string[] {
  const iso = dayToIso(day);
  if (market === 'spot') return [`spot/${symbol}/${symbol}_${iso}.csv.gz`, `spot/${symbol}/${symbol}-${iso}.csv.gz`];
  return [`trading/${symbol}/${symbol}${iso}.csv.gz`];
}

export async function importBybit(options: BybitImportOptions): Promise<ImportSummary> {
  const symbol = checkArchiveSymbol(options.symbol);
  const { first, last } = parseDayRange(options.start, options.end);
  const archives: PlannedArchive[] = [];
  for (let day = first; day <= last; day++) archives.push({ paths: bybitDayPaths(options.market, symbol, day), format: 'gzip', firstDay: day, lastDay: day, days: [day] });
  const flags = precisionFlags(options.pricePrecision, options.sizePrecision);
  return runImport({
    catalog: options.catalog,
    source: openSource(options.source),
    type: 'trade_tick',
    naming: bybitInstrument(options.market, symbol),
    stampOffsetNs: 0n,
    layout: options.market === 'spot' ? SPOT : DERIVATIVES,
    archives,
    checksums: 'none',
    force: options.force ?? false,
    ...(flags ? { precisionFlags: flags } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.batchRows !== undefined ? { batchRows: options.batchRows } : {}),
  });
}
