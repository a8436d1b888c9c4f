/**
 * GET exchangeInfo bodies: spot (/api/v3) and USDⓈ-M (/fapi/v1) in Binance's field layout,
 * and the empty answers a spot simulator gives for the futures families ccxt's `binance`
 * class also loads, so `loadMarkets()` succeeds against a spot-only server.
 */
import { formatScaled } from './decimal-text.js';
import type { SymbolSpec } from './symbols.js';

export interface RateLimitEntry {
  readonly interval: 'SECOND' | 'MINUTE' | 'DAY';
  readonly intervalNum: number;
  readonly limit: number;
}

/** Far-future delivery date Binance gives perpetuals. */
const PERPETUAL_DELIVERY = 4_133_404_800_000;
const ONBOARD = 1_569_398_400_000;
const SPOT_ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
const STP_MODES = ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'];

const spotDecimal = (text: string): string => {
  const [whole = '0', fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(8, '0')}`;
};

function spotSymbol(spec: SymbolSpec): Record<string, unknown> {
  return {
    symbol: spec.symbol,
    status: 'TRADING',
    baseAsset: spec.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: spec.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: SPOT_ORDER_TYPES,
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: spotDecimal(spec.tickSize), maxPrice: '1000000.00000000', tickSize: spotDecimal(spec.tickSize) },
      { filterType: 'LOT_SIZE', minQty: spotDecimal(spec.stepSize), maxQty: '9000.00000000', stepSize: spotDecimal(spec.stepSize) },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
      { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
      { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
      { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT', 'MARGIN']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: STP_MODES,
  };
}

function usdmSymbol(spec: SymbolSpec): Record<string, unknown> {
  const minQty = formatScaled(spec.step.units, spec.step.scale, spec.qtyDecimals);
  return {
    symbol: spec.symbol,
    pair: spec.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: ONBOARD,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: spec.baseAsset,
    quoteAsset: spec.quoteAsset,
    marginAsset: spec.quoteAsset,
    pricePrecision: spec.priceDecimals,
    quantityPrecision: spec.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: ['PoW'],
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: spec.tickSize, maxPrice: '4529764', tickSize: spec.tickSize },
      { filterType: 'LOT_SIZE', minQty, maxQty: '1000', stepSize: spec.stepSize },
      { filterType: 'MARKET_LOT_SIZE', minQty, maxQty: '120', stepSize: spec.stepSize },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: '100' },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
    permissionSets: ['GRID', 'COPY'],
  };
}

function rateLimits(weight: RateLimitEntry, orders: readonly object[]): object[] {
  return [{ rateLimitType: 'REQUEST_WEIGHT', interval: weight.interval, intervalNum: weight.intervalNum, limit: weight.limit }, ...orders];
}

export function spotExchangeInfo(symbols: readonly SymbolSpec[], weight: RateLimitEntry, nowMs: number): object {
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    rateLimits: rateLimits(weight, [
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ]),
    exchangeFilters: [],
    symbols: symbols.map(spotSymbol),
  };
}

export function usdmExchangeInfo(symbols: readonly SymbolSpec[], weight: RateLimitEntry, nowMs: number): object {
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    futuresType: 'U_MARGINED',
    rateLimits: rateLimits(weight, [
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]),
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: symbols.map(usdmSymbol),
  };
}

/** A futures family the spot simulator does not list: valid, with no symbols. */
export function emptyFuturesExchangeInfo(weight: RateLimitEntry, nowMs: number): object {
  return { timezone: 'UTC', serverTime: nowMs, rateLimits: rateLimits(weight, []), exchangeFilters: [], symbols: [] };
}
