/**
 * The exchange's view of a series: its ccxt market, the decimals its prices and sizes are
 * quoted with, and whether it has the timeframe. Markets load once per exchange object.
 */
import type { Exchange, Market } from 'ccxt';
import { SeamlessError } from '../seamless/errors.js';

// ccxt's precision modes (ccxt/js/src/base/functions/number.js).
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;
import type { Series } from '../seamless/series.js';

export interface MarketInfo {
  readonly market: Market;
  /** Decimals of the price tick, e.g. 2 for a 0.01 tick. */
  readonly pricePrecision: number;
  /** Decimals of the size step. */
  readonly sizePrecision: number;
}

/** Decimal places of a ccxt precision value, in either of ccxt's precision modes. */
export function decimalsOf(exchange: Exchange, value: unknown, what: string): number {
  const text = value === undefined || value === null ? '' : String(value);
  if (text === '') throw new SeamlessError('SEAMLESS_EXCHANGE', `${exchange.id} gave no ${what} precision for the market, so prices cannot be stored exactly; check the exchange's market listing`, { what });
  // ccxt's TICK_SIZE mode gives the tick itself, e.g. "0.01"; DECIMAL_PLACES gives decimals.
  if (exchange.precisionMode === DECIMAL_PLACES) return checkedDecimals(text, what, exchange);
  if (exchange.precisionMode !== TICK_SIZE) {
    throw new SeamlessError('SEAMLESS_EXCHANGE', `${exchange.id} counts ${what} precision in significant digits, which has no fixed decimals; Seamless cannot store its prices exactly yet`, { what });
  }
  // ccxt's own reading of a tick ("0.01000000" → 2, "1e-8" → 8), once the text is a number.
  if (!/^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(text)) {
    throw new SeamlessError('SEAMLESS_EXCHANGE', `${exchange.id} gave a malformed ${what} tick "${text}"`, { what, value: text });
  }
  return checkedDecimals(String(Math.max(0, exchange.precisionFromString(text))), what, exchange);
}

function checkedDecimals(text: string, what: string, exchange: Exchange): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new SeamlessError('SEAMLESS_EXCHANGE', `${exchange.id} gave ${what} precision "${text}", expected 0..16 decimals`, { what, value: text });
  return n;
}

/** Loads markets once; concurrent callers share the one request. */
export class MarketDirectory {
  #loading: Promise<unknown> | undefined;

  constructor(readonly exchange: Exchange) {}

  /** Whether markets are loaded (resolving then asks the exchange nothing). */
  get loaded(): boolean {
    return this.exchange.markets !== undefined && Object.keys(this.exchange.markets).length > 0;
  }

  async resolve(series: Series): Promise<MarketInfo> {
    await this.load();
    const market = this.exchange.markets?.[series.symbol];
    if (market === undefined) {
      const near = Object.keys(this.exchange.markets ?? {}).filter((s) => s.startsWith(series.symbol.split('/')[0] ?? '')).slice(0, 5);
      throw new SeamlessError(
        'SEAMLESS_UNKNOWN_SYMBOL',
        `${this.exchange.id} does not list ${series.symbol} (node ${series.nodeId})${near.length ? `; it lists ${near.join(', ')}` : ''}`,
        { exchange: this.exchange.id, symbol: series.symbol },
      );
    }
    if (series.timeframe !== undefined && this.exchange.timeframes !== undefined && !(series.timeframe in this.exchange.timeframes)) {
      throw new SeamlessError(
        'SEAMLESS_UNKNOWN_SYMBOL',
        `${this.exchange.id} has no ${series.timeframe} candles (node ${series.nodeId}); it offers ${Object.keys(this.exchange.timeframes).join(', ')}`,
        { exchange: this.exchange.id, timeframe: series.timeframe },
      );
    }
    return {
      market,
      pricePrecision: decimalsOf(this.exchange, market.precision.price, 'price'),
      sizePrecision: decimalsOf(this.exchange, market.precision.amount, 'amount'),
    };
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.#loading ??= this.exchange.loadMarkets().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    await this.#loading;
  }
}
