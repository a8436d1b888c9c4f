/** A local Binance (spot or USDⓈ-M) for tests and benchmarks; see server.ts. */
export { startBinanceSim, type BinanceSim, type BinanceSimOptions } from './server.js';
export { MarketData, DEFAULT_GENESIS_MS, DEFAULT_TRADE_SPACING_MS, type MarketDataOptions, type SimTrade, type KlineQuery } from './market-data.js';
export { FaultInjector, type FaultHandle, type HttpFault, type HttpScope, type MalformedShape, type StreamScope } from './faults.js';
export { SimStats } from './stats.js';
export type { RateLimitOptions } from './rate-limiter.js';
export type { MarketFamily, SymbolSpec } from './symbols.js';
export type { KlineRow } from './wire-format.js';
