/**
 * OHLCV-style summaries over a range of trade ids, the one computation behind klines and
 * 24 h tickers. Each summary is exact (integer units, bigint quote sums).
 *
 * Speed: a range is covered by aligned blocks of BLOCK ids whose summaries are cached (they
 * are pure, so never go stale), plus at most two partial blocks walked trade by trade. A day
 * of 1 m klines therefore costs one pass over the day's trades the first time (86 400 trades
 * at the default 1 s spacing: a few ms) and little after.
 */
import type { TradeGenerator } from './trade-generator.js';

export interface TradeSummary {
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base volume in step units; quote volume in 10^-(tick.scale + step.scale) units. */
  readonly volume: number;
  readonly quote: bigint;
  /** The part bought by takers (the buyer was not the maker). */
  readonly takerBuyVolume: number;
  readonly takerBuyQuote: bigint;
}

const BLOCK = 4096;
/** Per-trade quote products stay below 2^38, so 4096 of them sum exactly in a double. */
const FLUSH_EVERY = 4096;
const MAX_CACHED_BLOCKS = 200_000;

export class TradeSummarizer {
  readonly #blocks = new Map<number, TradeSummary>();

  constructor(readonly generator: TradeGenerator) {}

  /** Summary of trades `fromId..toId` (inclusive); undefined when the range is empty. */
  summarize(fromId: number, toId: number): TradeSummary | undefined {
    const first = Math.max(1, fromId);
    if (toId < first) return undefined;
    let result: TradeSummary | undefined;
    let id = first;
    while (id <= toId) {
      const block = Math.floor((id - 1) / BLOCK);
      const blockFirst = block * BLOCK + 1;
      const blockLast = blockFirst + BLOCK - 1;
      const part = id === blockFirst && blockLast <= toId ? this.#block(block, blockFirst, blockLast) : this.#walk(id, Math.min(blockLast, toId));
      result = result === undefined ? part : merge(result, part);
      id = Math.min(blockLast, toId) + 1;
    }
    return result;
  }

  #block(block: number, first: number, last: number): TradeSummary {
    const cached = this.#blocks.get(block);
    if (cached !== undefined) return cached;
    const summary = this.#walk(first, last);
    if (this.#blocks.size >= MAX_CACHED_BLOCKS) this.#blocks.clear();
    this.#blocks.set(block, summary);
    return summary;
  }

  #walk(first: number, last: number): TradeSummary {
    const g = this.generator;
    const open = g.priceUnitsOf(first);
    let high = open;
    let low = open;
    let close = open;
    let volume = 0;
    let takerBuyVolume = 0;
    let quote = 0n;
    let takerBuyQuote = 0n;
    let quotePart = 0;
    let takerQuotePart = 0;
    for (let id = first; id <= last; id++) {
      const price = id === first ? open : g.priceUnitsOf(id);
      const qty = g.qtyUnitsOf(id);
      if (price > high) high = price;
      if (price < low) low = price;
      close = price;
      volume += qty;
      quotePart += price * qty;
      if (!g.isBuyerMaker(id)) {
        takerBuyVolume += qty;
        takerQuotePart += price * qty;
      }
      if ((id - first + 1) % FLUSH_EVERY === 0) {
        quote += BigInt(quotePart);
        takerBuyQuote += BigInt(takerQuotePart);
        quotePart = 0;
        takerQuotePart = 0;
      }
    }
    quote += BigInt(quotePart);
    takerBuyQuote += BigInt(takerQuotePart);
    return { firstId: first, lastId: last, count: last - first + 1, open, high, low, close, volume, quote, takerBuyVolume, takerBuyQuote };
  }
}

function merge(a: TradeSummary, b: TradeSummary): TradeSummary {
  return {
    firstId: a.firstId,
    lastId: b.lastId,
    count: a.count + b.count,
    open: a.open,
    high: Math.max(a.high, b.high),
    low: Math.min(a.low, b.low),
    close: b.close,
    volume: a.volume + b.volume,
    quote: a.quote + b.quote,
    takerBuyVolume: a.takerBuyVolume + b.takerBuyVolume,
    takerBuyQuote: a.takerBuyQuote + b.takerBuyQuote,
  };
}
