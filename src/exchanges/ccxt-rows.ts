/**
 * ccxt's unified answers → columnar frames, exactly: prices and sizes are the exchange's
 * decimal strings (the exchange object has `number = String`), parsed straight into
 * fixed-point. A value that is not a decimal, or has more decimals than the market's
 * precision, is a malformed answer and names the row and field.
 */
import type { OHLCV, Ticker, Trade } from 'ccxt';
import { AggressorSide } from '../model/enums.js';
import { parseRaw } from '../model/fixed-point.js';
import type { FixedWidth } from '../model/fixed-point.js';
import { type FixedColumn, type FrameMeta, allocFrame, setFixedRaw } from '../model/frames.js';
import { SeamlessError } from '../seamless/errors.js';
import type { Series, SeriesFrame } from '../seamless/series.js';
import type { MarketInfo } from './ccxt-market.js';

const MS = 1_000_000n;

export interface RowContext {
  readonly series: Series;
  readonly info: MarketInfo;
  readonly width: FixedWidth;
  /** Names the request in error messages, e.g. `binance fetchOHLCV`. */
  readonly source: string;
}

export function frameMeta(context: RowContext): FrameMeta {
  const { series, info } = context;
  return {
    instrumentId: series.instrumentId,
    pricePrecision: info.pricePrecision,
    sizePrecision: info.sizePrecision,
    ...(series.dataType === 'bar' ? { barType: series.identifier } : {}),
  };
}

function malformed(context: RowContext, row: number, field: string, value: unknown, why: string): SeamlessError {
  return new SeamlessError(
    'SEAMLESS_EXCHANGE',
    `${context.source} ${context.series.symbol}: row ${row} field ${field} ${why}, was ${JSON.stringify(value)}; the exchange answered with something malformed, so nothing from this answer was stored`,
    { nodeId: context.series.nodeId, row, field },
  );
}

function putDecimal(column: FixedColumn, i: number, value: unknown, precision: number, context: RowContext, field: string, signed: boolean): void {
  if (typeof value !== 'string' && typeof value !== 'number') throw malformed(context, i, field, value, 'is not a decimal');
  // ccxt may still hand back a number where it computed a value itself; its shortest text is
  // exact, and parseRaw refuses it when it has more decimals than the market allows.
  const text = typeof value === 'number' ? String(value) : value;
  try {
    setFixedRaw(column, i, parseRaw(text, precision, context.width, signed));
  } catch (error) {
    throw malformed(context, i, field, value, error instanceof Error ? error.message : 'is not a valid decimal');
  }
}

/** The last millisecond whose nanoseconds fit Nautilus's u64 timestamps (2554-07-21). */
const MAX_MS = Number((2n ** 64n - 1n) / MS);

function msToNs(value: unknown, context: RowContext, row: number, field: string): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_MS) throw malformed(context, row, field, value, 'is not a millisecond timestamp');
  return BigInt(value) * MS;
}

/**
 * Candles → bars. ccxt stamps a candle with its open time; Nautilus stamps a bar when it
 * closes, so `ts_event = ts_init = open + step`.
 */
export function barsFromOhlcv(candles: readonly OHLCV[], context: RowContext): SeriesFrame {
  const step = context.series.stepNs;
  if (step === undefined) throw new Error(`barsFromOhlcv: ${context.series.nodeId} is not an ohlcv series`);
  const { pricePrecision, sizePrecision } = context.info;
  const frame = allocFrame('bar', context.width, candles.length, frameMeta(context));
  const c = frame.columns;
  for (let i = 0; i < candles.length; i++) {
    const candle = candles[i] as unknown;
    if (!Array.isArray(candle) || candle.length < 6) throw malformed(context, i, 'candle', candle, 'is not [time, open, high, low, close, volume]');
    const close = msToNs(candle[0], context, i, 'timestamp') + step;
    if (close >= 2n ** 64n) throw malformed(context, i, 'timestamp', candle[0], 'closes after what u64 nanoseconds hold');
    putDecimal(c.open, i, candle[1], pricePrecision, context, 'open', true);
    putDecimal(c.high, i, candle[2], pricePrecision, context, 'high', true);
    putDecimal(c.low, i, candle[3], pricePrecision, context, 'low', true);
    putDecimal(c.close, i, candle[4], pricePrecision, context, 'close', true);
    putDecimal(c.volume, i, candle[5], sizePrecision, context, 'volume', false);
    c.ts_event[i] = close;
    c.ts_init[i] = close;
  }
  return frame;
}

/** Trades → trade ticks; `ts_init` is the trade time for history, the receive time live. */
export function ticksFromTrades(trades: readonly Trade[], context: RowContext, receivedNs?: bigint): SeriesFrame {
  const { pricePrecision, sizePrecision } = context.info;
  const frame = allocFrame('trade_tick', context.width, trades.length, frameMeta(context));
  const c = frame.columns;
  for (let i = 0; i < trades.length; i++) {
    const trade = trades[i]!;
    putDecimal(c.price, i, trade.price, pricePrecision, context, 'price', true);
    putDecimal(c.size, i, trade.amount, sizePrecision, context, 'amount', false);
    c.aggressor_side[i] = trade.side === 'buy' ? AggressorSide.BUYER : trade.side === 'sell' ? AggressorSide.SELLER : AggressorSide.NO_AGGRESSOR;
    if (typeof trade.id !== 'string' || trade.id === '') throw malformed(context, i, 'id', trade.id, 'is not a trade id');
    c.trade_id[i] = trade.id;
    const ts = msToNs(trade.timestamp, context, i, 'timestamp');
    c.ts_event[i] = ts;
    c.ts_init[i] = receivedNs !== undefined && receivedNs > ts ? receivedNs : ts;
  }
  return frame;
}

/** One best bid/ask → a one-row quote frame; venues without a timestamp get the receive time. */
export function quoteFromTicker(ticker: Ticker, context: RowContext, receivedNs: bigint): SeriesFrame {
  const { pricePrecision, sizePrecision } = context.info;
  const frame = allocFrame('quote_tick', context.width, 1, frameMeta(context));
  const c = frame.columns;
  putDecimal(c.bid_price, 0, ticker.bid, pricePrecision, context, 'bid', true);
  putDecimal(c.ask_price, 0, ticker.ask, pricePrecision, context, 'ask', true);
  putDecimal(c.bid_size, 0, ticker.bidVolume, sizePrecision, context, 'bidVolume', false);
  putDecimal(c.ask_size, 0, ticker.askVolume, sizePrecision, context, 'askVolume', false);
  const ts = typeof ticker.timestamp === 'number' ? msToNs(ticker.timestamp, context, 0, 'timestamp') : receivedNs;
  c.ts_event[0] = ts;
  c.ts_init[0] = receivedNs > ts ? receivedNs : ts;
  return frame;
}
