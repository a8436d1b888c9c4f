/**
 * A series: what a node id names, resolved to the NautilusTrader catalog identity.
 * Produced only by the symbology module; everything else receives it ready-made.
 */
import type { Frame } from '../model/frames.js';

export type SeriesKind = 'ohlcv' | 'tick' | 'quote';
export type SeriesDataType = 'bar' | 'trade_tick' | 'quote_tick';

/** The frame a series produces. */
export type SeriesFrame = Frame<SeriesDataType>;

export interface Series {
  /** Canonical node id, e.g. `ohlcv:binance:BTC/USDT:1m`. */
  readonly nodeId: string;
  readonly kind: SeriesKind;
  /** Exchange or venue as written in the node id (ccxt exchange id, lowercase). */
  readonly exchange: string;
  /** ccxt unified symbol, e.g. `BTC/USDT` or `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** ccxt timeframe, ohlcv only (e.g. `1m`). */
  readonly timeframe?: string;
  /** Bar interval in nanoseconds, ohlcv only. */
  readonly stepNs?: bigint;
  /** Catalog data type. */
  readonly dataType: SeriesDataType;
  /** Nautilus instrument id, e.g. `BTCUSDT.BINANCE`. */
  readonly instrumentId: string;
  /** Catalog identifier: the bar type for bars, else the instrument id. */
  readonly identifier: string;
}
