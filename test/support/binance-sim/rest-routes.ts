/**
 * The REST endpoints of one market family: path → (request weight, answer). Answers come from
 * MarketData at the simulator's clock; weights are Binance's (as ccxt 4.5 records them).
 *
 * | path (spot /api/v3, USDⓈ-M /fapi/v1) | spot weight | USDⓈ-M weight |
 * |---|---|---|
 * | ping, time | 1 | 1 |
 * | exchangeInfo | 20 | 1 |
 * | klines (limit: default 500, max 1000 / 1500) | 2 | 1/2/5/10 by limit |
 * | aggTrades (limit ≤ 1000; startTime..endTime ≤ 1 h) | 2 | 20 |
 * | trades, historicalTrades | 10, 10 | 5, 20 |
 * | ticker/bookTicker, ticker/price, ticker/24hr (one symbol / all) | 2/4, 2/4, 2/80 | 2/5, 1/2, 1/40 |
 *
 * A spot simulator also answers /fapi/v1/exchangeInfo and /dapi/v1/exchangeInfo with no
 * symbols, because ccxt's `binance` loads spot, linear and inverse markets together.
 */
import { binanceErrors, type BinanceErrorAnswer } from './binance-errors.js';
import { emptyFuturesExchangeInfo, spotExchangeInfo, usdmExchangeInfo, type RateLimitEntry } from './exchange-info.js';
import type { MarketData } from './market-data.js';
import { intParam, limitParam, symbolParam, symbolsParam, type Parsed } from './rest-params.js';
import type { MarketFamily, SymbolSpec } from './symbols.js';
import { restAggTrade, restBookTicker, restDayTicker, restPriceTicker, restTrade } from './wire-format.js';

export type RestAnswer = { readonly status: 200; readonly body: unknown } | BinanceErrorAnswer;

export interface RouteContext {
  readonly data: MarketData;
  readonly nowMs: number;
  readonly weightLimit: RateLimitEntry;
}

export interface Route {
  weight(params: URLSearchParams): number;
  answer(params: URLSearchParams, context: RouteContext): RestAnswer;
}

const HOUR_MS = 3_600_000;

const okBody = (body: unknown): RestAnswer => ({ status: 200, body });

function fixed(weight: number, answer: Route['answer']): Route {
  return { weight: () => weight, answer };
}

/** Weight that depends on whether one symbol was named. */
function perSymbol(one: number, all: number, answer: Route['answer']): Route {
  return { weight: (params) => (params.has('symbol') ? one : all), answer };
}

/** USDⓈ-M klines weight grows with the limit. */
function usdmKlinesWeight(params: URLSearchParams): number {
  const limit = Number(params.get('limit') ?? 500);
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  return limit <= 1000 ? 5 : 10;
}

function klines(maxLimit: number): Route['answer'] {
  return (params, { data, nowMs }) => {
    const spec = symbolParam(params, data);
    if (!spec.ok) return spec.error;
    const name = params.get('interval');
    if (name === null || name === '') return binanceErrors.mandatoryParam('interval');
    const interval = data.interval(name);
    if (interval === undefined) return binanceErrors.invalidInterval();
    const limit = limitParam(params, 500, maxLimit);
    if (!limit.ok) return limit.error;
    const startTime = intParam(params, 'startTime');
    if (!startTime.ok) return startTime.error;
    const endTime = intParam(params, 'endTime');
    if (!endTime.ok) return endTime.error;
    const query = { limit: limit.value, ...(startTime.value === undefined ? {} : { startTime: startTime.value }), ...(endTime.value === undefined ? {} : { endTime: endTime.value }) };
    return okBody(data.klineRows(spec.value.symbol, interval, query, nowMs));
  };
}

interface IdRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Which trade ids an aggTrades request selects: from `fromId` on; else inside
 * startTime..endTime (both inclusive, at most an hour apart), oldest first; else the newest.
 */
function aggTradeIds(params: URLSearchParams, spec: SymbolSpec, { data, nowMs }: RouteContext, limit: number): Parsed<IdRange> {
  const generator = data.generator(spec.symbol);
  const newest = generator.lastIdBefore(nowMs);
  const fromId = intParam(params, 'fromId');
  if (!fromId.ok) return fromId;
  const start = intParam(params, 'startTime');
  if (!start.ok) return start;
  const end = intParam(params, 'endTime');
  if (!end.ok) return end;
  if (fromId.value !== undefined) {
    const from = Math.max(1, fromId.value);
    return { ok: true, value: { from, to: Math.min(newest, from + limit - 1) } };
  }
  if (start.value !== undefined && end.value !== undefined && end.value - start.value > HOUR_MS) {
    return { ok: false, error: binanceErrors.spanTooLong() };
  }
  const last = end.value === undefined ? newest : Math.min(newest, generator.lastIdBefore(end.value + 1));
  if (start.value !== undefined) {
    const from = generator.firstIdAtOrAfter(start.value);
    return { ok: true, value: { from, to: Math.min(last, from + limit - 1) } };
  }
  return { ok: true, value: { from: Math.max(1, last - limit + 1), to: last } };
}

function aggTrades(params: URLSearchParams, context: RouteContext): RestAnswer {
  const spec = symbolParam(params, context.data);
  if (!spec.ok) return spec.error;
  const limit = limitParam(params, 500, 1000);
  if (!limit.ok) return limit.error;
  const range = aggTradeIds(params, spec.value, context, limit.value);
  if (!range.ok) return range.error;
  return okBody(tradesIn(context, spec.value, range.value, restAggTrade));
}

/** Recent trades (`GET trades`), or from `fromId` on (`GET historicalTrades`). */
function trades(maxLimit: number, byId: boolean): Route['answer'] {
  return (params, context) => {
    const spec = symbolParam(params, context.data);
    if (!spec.ok) return spec.error;
    const limit = limitParam(params, 500, maxLimit);
    if (!limit.ok) return limit.error;
    const fromId = byId ? intParam(params, 'fromId') : { ok: true as const, value: undefined };
    if (!fromId.ok) return fromId.error;
    const newest = context.data.lastTradeId(spec.value.symbol, context.nowMs);
    const range =
      fromId.value === undefined
        ? { from: Math.max(1, newest - limit.value + 1), to: newest }
        : { from: Math.max(1, fromId.value), to: Math.min(newest, Math.max(1, fromId.value) + limit.value - 1) };
    return okBody(tradesIn(context, spec.value, range, restTrade));
  };
}

function tradesIn(context: RouteContext, spec: SymbolSpec, range: IdRange, write: typeof restTrade): unknown[] {
  const generator = context.data.generator(spec.symbol);
  const rows: unknown[] = [];
  for (let id = range.from; id <= range.to; id++) rows.push(write(spec, generator.trade(id)));
  return rows;
}

/** One object for `symbol=`, an array otherwise, as Binance answers its ticker endpoints. */
function tickers(write: (spec: SymbolSpec, context: RouteContext) => unknown): Route['answer'] {
  return (params, context) => {
    const specs = symbolsParam(params, context.data);
    if (!specs.ok) return specs.error;
    const rows = specs.value.map((spec) => write(spec, context));
    return okBody(params.has('symbol') ? rows[0] : rows);
  };
}

const bookTicker = tickers((spec, { data, nowMs }) => {
  const book = data.book(spec.symbol, nowMs) ?? { updateId: 0, bidUnits: 0, bidQtyUnits: 0, askUnits: 0, askQtyUnits: 0 };
  return restBookTicker(spec, book, nowMs);
});

const priceTicker = tickers((spec, { data, nowMs }) => {
  const last = data.lastTradeId(spec.symbol, nowMs);
  return restPriceTicker(spec, last >= 1 ? data.rawTrade(spec.symbol, last).priceUnits : 0, nowMs);
});

const dayTicker = tickers((spec, { data, nowMs }) => restDayTicker(spec, data.dayStats(spec.symbol, nowMs)));

const ping = fixed(1, () => okBody({}));
const time = fixed(1, (_params, { nowMs }) => okBody({ serverTime: nowMs }));

function exchangeInfo(weight: number, build: typeof spotExchangeInfo): Route {
  return fixed(weight, (params, { data, nowMs, weightLimit }) => {
    const specs = symbolsParam(params, data);
    if (!specs.ok) return specs.error;
    return okBody(build(specs.value, weightLimit, nowMs));
  });
}

const emptyFutures = fixed(1, (_params, { nowMs, weightLimit }) => okBody(emptyFuturesExchangeInfo(weightLimit, nowMs)));

/** The routes a simulator of `market` serves, by URL path. */
export function routesFor(market: MarketFamily): ReadonlyMap<string, Route> {
  if (market === 'spot') {
    return new Map<string, Route>([
      ['/api/v3/ping', ping],
      ['/api/v3/time', time],
      ['/api/v3/exchangeInfo', exchangeInfo(20, spotExchangeInfo)],
      ['/api/v3/klines', fixed(2, klines(1000))],
      ['/api/v3/aggTrades', fixed(2, aggTrades)],
      ['/api/v3/trades', fixed(10, trades(1000, false))],
      ['/api/v3/historicalTrades', fixed(10, trades(1000, true))],
      ['/api/v3/ticker/bookTicker', perSymbol(2, 4, bookTicker)],
      ['/api/v3/ticker/price', perSymbol(2, 4, priceTicker)],
      ['/api/v3/ticker/24hr', perSymbol(2, 80, dayTicker)],
      ['/fapi/v1/exchangeInfo', emptyFutures],
      ['/dapi/v1/exchangeInfo', emptyFutures],
    ]);
  }
  return new Map<string, Route>([
    ['/fapi/v1/ping', ping],
    ['/fapi/v1/time', time],
    ['/fapi/v1/exchangeInfo', exchangeInfo(1, usdmExchangeInfo)],
    ['/fapi/v1/klines', { weight: usdmKlinesWeight, answer: klines(1500) }],
    ['/fapi/v1/aggTrades', fixed(20, aggTrades)],
    ['/fapi/v1/trades', fixed(5, trades(1000, false))],
    ['/fapi/v1/historicalTrades', fixed(20, trades(500, true))],
    ['/fapi/v1/ticker/bookTicker', perSymbol(2, 5, bookTicker)],
    ['/fapi/v1/ticker/price', perSymbol(1, 2, priceTicker)],
    ['/fapi/v1/ticker/24hr', perSymbol(1, 40, dayTicker)],
  ]);
}
