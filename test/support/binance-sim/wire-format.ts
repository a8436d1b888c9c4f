/**
 * Binance's JSON shapes, REST and websocket, for spot and USDⓈ-M futures. Decimals are text
 * at the family's digits (see symbols.ts), times are ms integers, field names are Binance's.
 * Where the two families differ it is noted at the function.
 */
import { formatRatio, formatScaled } from './decimal-text.js';
import type { SymbolSpec } from './symbols.js';
import type { RawBook, RawTrade } from './trade-generator.js';
import type { TradeSummary } from './trade-summary.js';

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore] */
export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

/** One bar: its bounds and the trades in it (undefined when none traded yet). */
export interface Bar {
  readonly openMs: number;
  readonly closeMs: number;
  readonly summary: TradeSummary | undefined;
  /** The price a bar without trades shows: the last trade before it. */
  readonly carriedUnits: number;
  readonly closed: boolean;
}

/** The trade-window statistics behind the 24 h ticker. */
export interface DayStats {
  readonly openMs: number;
  readonly closeMs: number;
  readonly summary: TradeSummary | undefined;
  readonly prevCloseUnits: number;
  readonly lastQtyUnits: number;
  readonly book: RawBook | undefined;
}

export function priceText(spec: SymbolSpec, units: number): string {
  return formatScaled(units, spec.tick.scale, spec.priceDecimals);
}

export function qtyText(spec: SymbolSpec, units: number): string {
  return formatScaled(units, spec.step.scale, spec.qtyDecimals);
}

export function quoteText(spec: SymbolSpec, units: number | bigint): string {
  return formatScaled(units, spec.tick.scale + spec.step.scale, spec.quoteDecimals);
}

const isSpot = (spec: SymbolSpec): boolean => spec.market === 'spot';

/** GET aggTrades row. Spot adds `M` (Binance: "ignore"). One aggregate per trade: a = f = l = id. */
export function restAggTrade(spec: SymbolSpec, t: RawTrade): Record<string, unknown> {
  const row: Record<string, unknown> = { a: t.id, p: priceText(spec, t.priceUnits), q: qtyText(spec, t.qtyUnits), f: t.id, l: t.id, T: t.timeMs, m: t.isBuyerMaker };
  if (isSpot(spec)) row['M'] = true;
  return row;
}

/** GET trades / historicalTrades row. Spot adds `isBestMatch`. */
export function restTrade(spec: SymbolSpec, t: RawTrade): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: t.id,
    price: priceText(spec, t.priceUnits),
    qty: qtyText(spec, t.qtyUnits),
    quoteQty: quoteText(spec, t.priceUnits * t.qtyUnits),
    time: t.timeMs,
    isBuyerMaker: t.isBuyerMaker,
  };
  if (isSpot(spec)) row['isBestMatch'] = true;
  return row;
}

export function klineRow(spec: SymbolSpec, bar: Bar): KlineRow {
  const s = bar.summary;
  const p = (units: number): string => priceText(spec, units);
  if (s === undefined) {
    const flat = p(bar.carriedUnits);
    const zeroQty = qtyText(spec, 0);
    const zeroQuote = quoteText(spec, 0);
    return [bar.openMs, flat, flat, flat, flat, zeroQty, bar.closeMs, zeroQuote, 0, zeroQty, zeroQuote, '0'];
  }
  return [bar.openMs, p(s.open), p(s.high), p(s.low), p(s.close), qtyText(spec, s.volume), bar.closeMs, quoteText(spec, s.quote), s.count, qtyText(spec, s.takerBuyVolume), quoteText(spec, s.takerBuyQuote), '0'];
}

/** GET ticker/bookTicker. Futures add `time` and `lastUpdateId`. */
export function restBookTicker(spec: SymbolSpec, book: RawBook, nowMs: number): Record<string, unknown> {
  const row: Record<string, unknown> = {
    symbol: spec.symbol,
    bidPrice: priceText(spec, book.bidUnits),
    bidQty: qtyText(spec, book.bidQtyUnits),
    askPrice: priceText(spec, book.askUnits),
    askQty: qtyText(spec, book.askQtyUnits),
  };
  if (!isSpot(spec)) Object.assign(row, { time: nowMs, lastUpdateId: book.updateId });
  return row;
}

/** GET ticker/price. Futures add `time`. */
export function restPriceTicker(spec: SymbolSpec, priceUnits: number, nowMs: number): Record<string, unknown> {
  const row: Record<string, unknown> = { symbol: spec.symbol, price: priceText(spec, priceUnits) };
  if (!isSpot(spec)) row['time'] = nowMs;
  return row;
}

/** The numbers both the REST 24 h ticker and the `@ticker` stream carry. */
function dayNumbers(spec: SymbolSpec, d: DayStats) {
  const s = d.summary;
  const open = s?.open ?? 0;
  const last = s?.close ?? 0;
  const priceScale = 10n ** BigInt(spec.tick.scale);
  return {
    change: priceText(spec, last - open),
    changePercent: formatRatio(BigInt(last - open) * 100n, BigInt(open), 3),
    weightedAvg: formatRatio(s?.quote ?? 0n, BigInt(s?.volume ?? 0) * priceScale, spec.priceDecimals),
    open: priceText(spec, open),
    last: priceText(spec, last),
    high: priceText(spec, s?.high ?? 0),
    low: priceText(spec, s?.low ?? 0),
    volume: qtyText(spec, s?.volume ?? 0),
    quote: quoteText(spec, s?.quote ?? 0n),
    firstId: s?.firstId ?? -1,
    lastId: s?.lastId ?? -1,
    count: s?.count ?? 0,
  };
}

/** GET ticker/24hr. Spot adds prevClosePrice and the top of book. */
export function restDayTicker(spec: SymbolSpec, d: DayStats): Record<string, unknown> {
  const n = dayNumbers(spec, d);
  const row: Record<string, unknown> = { symbol: spec.symbol, priceChange: n.change, priceChangePercent: n.changePercent, weightedAvgPrice: n.weightedAvg };
  if (isSpot(spec)) row['prevClosePrice'] = priceText(spec, d.prevCloseUnits);
  Object.assign(row, { lastPrice: n.last, lastQty: qtyText(spec, d.lastQtyUnits) });
  if (isSpot(spec)) {
    Object.assign(row, {
      bidPrice: priceText(spec, d.book?.bidUnits ?? 0),
      bidQty: qtyText(spec, d.book?.bidQtyUnits ?? 0),
      askPrice: priceText(spec, d.book?.askUnits ?? 0),
      askQty: qtyText(spec, d.book?.askQtyUnits ?? 0),
    });
  }
  Object.assign(row, { openPrice: n.open, highPrice: n.high, lowPrice: n.low, volume: n.volume, quoteVolume: n.quote, openTime: d.openMs, closeTime: d.closeMs, firstId: n.firstId, lastId: n.lastId, count: n.count });
  return row;
}

/** `<symbol>@trade`. Futures add `X` (MARKET) and drop `M`. */
export function wsTrade(spec: SymbolSpec, t: RawTrade, eventMs: number): Record<string, unknown> {
  if (isSpot(spec)) {
    return { e: 'trade', E: eventMs, s: spec.symbol, t: t.id, p: priceText(spec, t.priceUnits), q: qtyText(spec, t.qtyUnits), T: t.timeMs, m: t.isBuyerMaker, M: true };
  }
  return { e: 'trade', E: eventMs, T: t.timeMs, s: spec.symbol, t: t.id, p: priceText(spec, t.priceUnits), q: qtyText(spec, t.qtyUnits), X: 'MARKET', m: t.isBuyerMaker };
}

/** `<symbol>@aggTrade`. Spot adds `M`. */
export function wsAggTrade(spec: SymbolSpec, t: RawTrade, eventMs: number): Record<string, unknown> {
  const event: Record<string, unknown> = { e: 'aggTrade', E: eventMs, s: spec.symbol, a: t.id, p: priceText(spec, t.priceUnits), q: qtyText(spec, t.qtyUnits), f: t.id, l: t.id, T: t.timeMs, m: t.isBuyerMaker };
  if (isSpot(spec)) event['M'] = true;
  return event;
}

/** `<symbol>@kline_<interval>`; `x` is true on the bar's final update. Empty bars carry f = L = -1. */
export function wsKline(spec: SymbolSpec, interval: string, bar: Bar, eventMs: number): Record<string, unknown> {
  const row = klineRow(spec, bar);
  return {
    e: 'kline',
    E: eventMs,
    s: spec.symbol,
    k: {
      t: row[0], T: row[6], s: spec.symbol, i: interval,
      f: bar.summary?.firstId ?? -1, L: bar.summary?.lastId ?? -1,
      o: row[1], c: row[4], h: row[2], l: row[3], v: row[5], n: row[8], x: bar.closed, q: row[7], V: row[9], Q: row[10], B: '0',
    },
  };
}

/** `<symbol>@bookTicker`. Spot has no event type or times; futures add `e`, `E`, `T`. */
export function wsBookTicker(spec: SymbolSpec, book: RawBook, eventMs: number, transactMs: number): Record<string, unknown> {
  const sides = { b: priceText(spec, book.bidUnits), B: qtyText(spec, book.bidQtyUnits), a: priceText(spec, book.askUnits), A: qtyText(spec, book.askQtyUnits) };
  if (isSpot(spec)) return { u: book.updateId, s: spec.symbol, ...sides };
  return { e: 'bookTicker', u: book.updateId, E: eventMs, T: transactMs, s: spec.symbol, ...sides };
}

/** `<symbol>@ticker`. Spot adds the previous close (`x`) and the top of book. */
export function wsDayTicker(spec: SymbolSpec, d: DayStats, eventMs: number): Record<string, unknown> {
  const n = dayNumbers(spec, d);
  const event: Record<string, unknown> = { e: '24hrTicker', E: eventMs, s: spec.symbol, p: n.change, P: n.changePercent, w: n.weightedAvg };
  if (isSpot(spec)) event['x'] = priceText(spec, d.prevCloseUnits);
  Object.assign(event, { c: n.last, Q: qtyText(spec, d.lastQtyUnits) });
  if (isSpot(spec)) {
    Object.assign(event, {
      b: priceText(spec, d.book?.bidUnits ?? 0),
      B: qtyText(spec, d.book?.bidQtyUnits ?? 0),
      a: priceText(spec, d.book?.askUnits ?? 0),
      A: qtyText(spec, d.book?.askQtyUnits ?? 0),
    });
  }
  Object.assign(event, { o: n.open, h: n.high, l: n.low, v: n.volume, q: n.quote, O: d.openMs, C: d.closeMs, F: n.firstId, L: n.lastId, n: n.count });
  return event;
}

/** `<symbol>@miniTicker`: the 24 h ticker without changes, book or ids. Same in both families. */
export function wsMiniTicker(spec: SymbolSpec, d: DayStats, eventMs: number): Record<string, unknown> {
  const n = dayNumbers(spec, d);
  return { e: '24hrMiniTicker', E: eventMs, s: spec.symbol, c: n.last, o: n.open, h: n.high, l: n.low, v: n.volume, q: n.quote };
}
