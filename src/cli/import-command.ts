/**
 * `seamless import binance|bybit`: flags in, one import run, the summary out (stdout; `--json`
 * for the summary as JSON). Progress goes to stderr. Import errors print one line naming the
 * archive, line and field, and exit 1.
 */
import { Catalog } from '../catalog/catalog.js';
import type { FixedWidth } from '../model/fixed-point.js';
import { BINANCE_DATA_TYPES, BINANCE_MARKETS } from '../pipeline/import/binance-layout.js';
import { importBinance } from '../pipeline/import/binance-import.js';
import { BYBIT_MARKETS, importBybit } from '../pipeline/import/bybit-import.js';
import { ImportError } from '../pipeline/import/errors.js';
import { type ImportSummary, formatSummary } from '../pipeline/import/summary.js';
import { UsageError, catalogPath, choiceFlag, intFlag, parseVerbArgs } from './args.js';
import type { Output } from './output.js';

export const IMPORT_USAGE = `seamless import <exchange> ... [--catalog PATH]

  binance --source DIR|URL --market spot|um|cm --type trades|aggTrades|klines [--interval 1m]
          --symbol BTCUSDT --start 2025-01-01 --end 2025-01-31
          [--force] [--exchange-info FILE|URL] [--price-precision P --size-precision S]
          [--allow-missing-checksum] [--daily] [--width 8|16] [--json] [--quiet]
  bybit   --source DIR|URL --market linear|inverse|spot --symbol BTCUSDT --start D --end D
          [--force] [--price-precision P --size-precision S] [--width 8|16] [--json] [--quiet]

--source: a folder mirroring the exchange's layout, or its base URL (https://data.binance.vision/,
https://public.bybit.com/). --start/--end: UTC dates, both included. One catalog file per day;
days already in the catalog are skipped (--force replaces them). See docs/import.md.`;

const COMMON = {
  source: { type: 'string' },
  market: { type: 'string' },
  symbol: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  force: { type: 'boolean' },
  'price-precision': { type: 'string' },
  'size-precision': { type: 'string' },
  width: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export async function runImportCommand(argv: string[], out: Output): Promise<number> {
  const [exchange, ...rest] = argv;
  try {
    switch (exchange) {
      case 'binance':
        return await binance(rest, out);
      case 'bybit':
        return await bybit(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.write(`${IMPORT_USAGE}\n`);
        return 0;
      default:
        throw new UsageError(`unknown exchange "${exchange}" for import (binance or bybit)`);
    }
  } catch (error) {
    // A bad flag found deep in the importer is a usage error (exit 2); the rest go to main's handler.
    if (error instanceof ImportError && error.code === 'IMPORT_USAGE') throw new UsageError(error.message);
    throw error;
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function openCatalog(values: { catalog?: string; width?: string }): Promise<Catalog> {
  const width = intFlag('width', values.width, { min: 8, max: 16 });
  if (width !== undefined && width !== 8 && width !== 16) throw new UsageError(`--width must be 8 or 16, was ${width}`);
  return Catalog.open(catalogPath(values.catalog), width !== undefined ? { width: width as FixedWidth } : {});
}

function precisionFlags(values: Record<string, string | boolean | undefined>): { pricePrecision?: number; sizePrecision?: number } {
  const price = intFlag('price-precision', values['price-precision'] as string | undefined, { max: 16 });
  const size = intFlag('size-precision', values['size-precision'] as string | undefined, { max: 16 });
  return { ...(price !== undefined ? { pricePrecision: price } : {}), ...(size !== undefined ? { sizePrecision: size } : {}) };
}

function report(out: Output, summary: ImportSummary, json: boolean | undefined): number {
  if (json) out.write(`${JSON.stringify(summary, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  else out.write(formatSummary(summary));
  return 0;
}

async function binance(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, {
    ...COMMON,
    type: { type: 'string' },
    interval: { type: 'string' },
    'exchange-info': { type: 'string' },
    'allow-missing-checksum': { type: 'boolean' },
    daily: { type: 'boolean' },
  }, IMPORT_USAGE);
  const market = choiceFlag('market', required(values, 'market'), BINANCE_MARKETS)!;
  const type = choiceFlag('type', required(values, 'type'), BINANCE_DATA_TYPES)!;
  const summary = await importBinance({
    source: required(values, 'source'),
    market,
    type,
    ...(values.interval ? { interval: values.interval } : {}),
    symbol: required(values, 'symbol'),
    start: required(values, 'start'),
    end: required(values, 'end'),
    catalog: await openCatalog(values),
    force: values.force ?? false,
    ...(values['exchange-info'] ? { exchangeInfo: values['exchange-info'] } : {}),
    ...precisionFlags(values),
    allowMissingChecksum: values['allow-missing-checksum'] ?? false,
    dailyOnly: values.daily ?? false,
    progress: !values.quiet,
  });
  return report(out, summary, values.json);
}

async function bybit(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, COMMON, IMPORT_USAGE);
  const summary = await importBybit({
    source: required(values, 'source'),
    market: choiceFlag('market', required(values, 'market'), BYBIT_MARKETS)!,
    symbol: required(values, 'symbol'),
    start: required(values, 'start'),
    end: required(values, 'end'),
    catalog: await openCatalog(values),
    force: values.force ?? false,
    ...precisionFlags(values),
    progress: !values.quiet,
  });
  return report(out, summary, values.json);
}
