/**
 * The instruments each simulated market family lists, with the filters Binance publishes for
 * them and the decimals Binance writes their prices and sizes with. Spot writes every decimal
 * with 8 digits ("43127.51000000"); USDⓈ-M futures write prices with `pricePrecision` digits
 * and sizes with `quantityPrecision` digits ("43127.50", "0.010"), which can be more digits
 * than the tick has (BTCUSDT: tick 0.10, two price digits).
 */
import { parseScaled, type ScaledDecimal } from './decimal-text.js';

export type MarketFamily = 'spot' | 'usdm';

export interface SymbolSpec {
  readonly market: MarketFamily;
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** Binance's PRICE_FILTER tickSize and LOT_SIZE stepSize, as plain decimals. */
  readonly tickSize: string;
  readonly stepSize: string;
  readonly tick: ScaledDecimal;
  readonly step: ScaledDecimal;
  /** Digits after the point on the wire. */
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  readonly quoteDecimals: number;
  /** Centre of the generated price path, and the largest generated trade, in ticks and steps. */
  readonly referenceTicks: number;
  readonly maxQtySteps: number;
}

interface SymbolSeed {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly referencePrice: number;
  readonly maxQty: number;
  /** Futures only: Binance's pricePrecision / quantityPrecision. */
  readonly pricePrecision?: number;
  readonly quantityPrecision?: number;
}

const SPOT: readonly SymbolSeed[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', tickSize: '0.01', stepSize: '0.00001', referencePrice: 43_000, maxQty: 0.5 },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', tickSize: '0.01', stepSize: '0.0001', referencePrice: 2_300, maxQty: 8 },
  { symbol: 'SOLUSDT', baseAsset: 'SOL', tickSize: '0.01', stepSize: '0.001', referencePrice: 100, maxQty: 200 },
];

const USDM: readonly SymbolSeed[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', tickSize: '0.10', stepSize: '0.001', referencePrice: 43_000, maxQty: 2, pricePrecision: 2, quantityPrecision: 3 },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', tickSize: '0.01', stepSize: '0.001', referencePrice: 2_300, maxQty: 30, pricePrecision: 2, quantityPrecision: 3 },
];

const SPOT_DECIMALS = 8;

function toSpec(market: MarketFamily, seed: SymbolSeed): SymbolSpec {
  const tick = parseScaled(seed.tickSize);
  const step = parseScaled(seed.stepSize);
  const priceDecimals = seed.pricePrecision ?? SPOT_DECIMALS;
  const qtyDecimals = seed.quantityPrecision ?? SPOT_DECIMALS;
  return {
    market,
    symbol: seed.symbol,
    baseAsset: seed.baseAsset,
    quoteAsset: 'USDT',
    tickSize: seed.tickSize,
    stepSize: seed.stepSize,
    tick,
    step,
    priceDecimals,
    qtyDecimals,
    // A quote amount is price × size, so it needs both scales' digits.
    quoteDecimals: market === 'spot' ? SPOT_DECIMALS : priceDecimals + qtyDecimals,
    referenceTicks: Math.round((seed.referencePrice * 10 ** tick.scale) / tick.units),
    maxQtySteps: Math.round((seed.maxQty * 10 ** step.scale) / step.units),
  };
}

/** Returns the instruments a market family lists, in exchangeInfo order. */
export function symbolsOf(market: MarketFamily): readonly SymbolSpec[] {
  return (market === 'spot' ? SPOT : USDM).map((seed) => toSpec(market, seed));
}
