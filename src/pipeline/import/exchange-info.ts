/**
 * Reads one symbol out of a Binance exchangeInfo JSON (spot `/api/v3/exchangeInfo`, USD-M
 * `/fapi/v1/exchangeInfo` and COIN-M `/dapi/v1/exchangeInfo` share the parts we use):
 * `symbols[].{symbol, baseAsset, quoteAsset, marginAsset?, contractSize?, filters[]}` with the
 * `PRICE_FILTER` (tickSize, minPrice, maxPrice) and `LOT_SIZE` (stepSize, minQty, maxQty).
 * Precisions are the decimals of tickSize and stepSize with trailing zeros dropped
 * (`0.01000000` → 2): the decimals the data can have.
 */
import { readFile } from 'node:fs/promises';
import { ImportError } from './errors.js';
import { httpGet } from './sources.js';

export interface SymbolRules {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly margin?: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minPrice?: string;
  readonly maxPrice?: string;
  readonly minQty?: string;
  readonly maxQty?: string;
  readonly contractSize?: number;
}

/** Returns the decimals a decimal text needs: `0.01000000` → 2, `1.00` → 0. */
export function decimalsOf(text: string): number {
  const fraction = text.split('.')[1] ?? '';
  return fraction.replace(/0+$/, '').length;
}

const DECIMAL = /^\d+(\.\d+)?$/;

const FETCH_TIMEOUT_MS = 30_000;

/**
 * Reads `symbol`'s rules from an exchangeInfo file, or from the exchange itself when `path` is
 * an http(s) URL (e.g. https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT). Throws
 * ImportError naming the file or URL and the missing part.
 */
export async function readExchangeInfo(path: string, symbol: string): Promise<SymbolRules> {
  const body = /^https?:\/\//i.test(path) ? await download(path) : await readFile(path, 'utf8').catch((error: Error) => {
    throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: cannot read it (${error.message}); give the path of a saved exchangeInfo JSON, or its URL`);
  });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: cannot read it as JSON (${(error as Error).message}); give the body of GET /api/v3/exchangeInfo (or /fapi/v1, /dapi/v1), saved or by URL`);
  }
  const symbols = (json as { symbols?: unknown }).symbols;
  if (!Array.isArray(symbols)) throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: has no "symbols" array; is it an exchangeInfo response?`);
  const entry = symbols.find((s: unknown) => (s as { symbol?: unknown }).symbol === symbol) as Record<string, unknown> | undefined;
  if (!entry) throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: has no symbol ${JSON.stringify(symbol)}; download it for the right market (spot, um or cm)`);
  const filters = Array.isArray(entry['filters']) ? (entry['filters'] as Array<Record<string, unknown>>) : [];
  const filter = (type: string) => filters.find((f) => f['filterType'] === type);
  const text = (obj: Record<string, unknown> | undefined, key: string): string | undefined => {
    const value = obj?.[key];
    return typeof value === 'string' && DECIMAL.test(value) ? value : undefined;
  };
  const price = filter('PRICE_FILTER');
  const lot = filter('LOT_SIZE');
  const tickSize = text(price, 'tickSize');
  const stepSize = text(lot, 'stepSize');
  if (!tickSize || !stepSize || Number(tickSize) === 0 || Number(stepSize) === 0) {
    throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: ${symbol} needs PRICE_FILTER.tickSize and LOT_SIZE.stepSize as non-zero decimal text`);
  }
  const base = entry['baseAsset'];
  const quote = entry['quoteAsset'];
  if (typeof base !== 'string' || typeof quote !== 'string') throw new ImportError('IMPORT_USAGE', `--exchange-info ${path}: ${symbol} needs baseAsset and quoteAsset`);
  const margin = typeof entry['marginAsset'] === 'string' ? (entry['marginAsset'] as string) : undefined;
  const contractSize = typeof entry['contractSize'] === 'number' ? (entry['contractSize'] as number) : undefined;
  const optional = (key: string, value: string | undefined) => (value !== undefined && Number(value) > 0 ? { [key]: value } : {});
  return {
    symbol,
    base,
    quote,
    ...(margin ? { margin } : {}),
    pricePrecision: decimalsOf(tickSize),
    sizePrecision: decimalsOf(stepSize),
    tickSize,
    stepSize,
    ...optional('minPrice', text(price, 'minPrice')),
    ...optional('maxPrice', text(price, 'maxPrice')),
    ...optional('minQty', text(lot, 'minQty')),
    ...optional('maxQty', text(lot, 'maxQty')),
    ...(contractSize !== undefined ? { contractSize } : {}),
  };
}

/** GETs an exchangeInfo URL; an unreachable or failing server is IMPORT_FETCH naming the URL. */
async function download(url: string): Promise<string> {
  const whatToDo = 'check the URL and the network, or save the JSON to a file and pass its path';
  const response = await httpGet(url, whatToDo, { timeoutMs: FETCH_TIMEOUT_MS });
  const body = await response.text();
  if (!response.ok) throw new ImportError('IMPORT_FETCH', `--exchange-info ${url}: the server answered ${response.status} ${response.statusText}: ${body.slice(0, 200)}; ${whatToDo}`, { archive: url });
  return body;
}
