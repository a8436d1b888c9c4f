/**
 * The simulator's whole market: every trade, bar, book and ticker of one market family as a
 * pure function of (seed, symbol, trade id / time). The server answers from it, and tests
 * build one with the same options to compute what the server must answer:
 *
 *     const data = new MarketData({ market: 'spot', tradeSpacingMs: 1000 });
 *     data.expectedKlines('BTCUSDT', '1m', start, end, now);   // wire rows, strings and all
 *     data.expectedTrades('BTCUSDT', 1, 500);
 *
 * Only the past exists: a trade exists at `nowMs` when its time is < nowMs; a bar exists once
 * it has opened (open time ≤ nowMs), and the still-open bar holds the trades so far.
 */
import { klineInterval, type KlineInterval } from './intervals.js';
import { symbolsOf, type MarketFamily, type SymbolSpec } from './symbols.js';
import { bookAfter, TradeGenerator, type GeneratorConfig, type RawBook, type RawTrade } from './trade-generator.js';
import { TradeSummarizer } from './trade-summary.js';
import { klineRow, priceText, qtyText, quoteText, type Bar, type DayStats, type KlineRow } from './wire-format.js';

export const DEFAULT_GENESIS_MS = Date.UTC(2024, 0, 1);
/** One trade a second: a day of 1 m klines walks 86 400 trades (a few ms, then cached). */
export const DEFAULT_TRADE_SPACING_MS = 1000;
const DAY_MS = 86_400_000;

export interface MarketDataOptions {
  readonly market: MarketFamily;
  readonly seed?: number;
  readonly genesisMs?: number;
  readonly tradeSpacingMs?: number;
}

/** A trade as the wire writes it, for comparing with what ccxt returns. */
export interface SimTrade {
  readonly id: number;
  readonly timeMs: number;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly isBuyerMaker: boolean;
}

/** Which bars a klines request selects (Binance's rules; see `barOpens`). */
export interface KlineQuery {
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

interface SymbolState {
  readonly spec: SymbolSpec;
  readonly generator: TradeGenerator;
  readonly summarizer: TradeSummarizer;
}

export class MarketData {
  readonly market: MarketFamily;
  readonly config: GeneratorConfig;
  readonly symbols: readonly SymbolSpec[];
  readonly #states = new Map<string, SymbolState>();

  constructor(options: MarketDataOptions) {
    this.market = options.market;
    this.config = {
      seed: options.seed ?? 1,
      genesisMs: options.genesisMs ?? DEFAULT_GENESIS_MS,
      tradeSpacingMs: options.tradeSpacingMs ?? DEFAULT_TRADE_SPACING_MS,
    };
    this.symbols = symbolsOf(this.market);
    for (const spec of this.symbols) {
      const generator = new TradeGenerator(spec, this.config);
      this.#states.set(spec.symbol, { spec, generator, summarizer: new TradeSummarizer(generator) });
    }
  }

  /** The listed instrument `symbol` (Binance id, e.g. BTCUSDT); undefined when not listed. */
  spec(symbol: string): SymbolSpec | undefined {
    return this.#states.get(symbol)?.spec;
  }

  interval(name: string): KlineInterval | undefined {
    return klineInterval(name, this.market);
  }

  /** Throws when `symbol` is not listed. */
  generator(symbol: string): TradeGenerator {
    return this.#state(symbol).generator;
  }

  /** The newest trade id that exists at `nowMs`; 0 before the first trade. */
  lastTradeId(symbol: string, nowMs: number): number {
    return this.#state(symbol).generator.lastIdBefore(nowMs);
  }

  rawTrade(symbol: string, id: number): RawTrade {
    return this.#state(symbol).generator.trade(id);
  }

  /** Trades `fromId..toId` inclusive, as the wire writes them. */
  expectedTrades(symbol: string, fromId: number, toId: number): SimTrade[] {
    const { spec, generator } = this.#state(symbol);
    const out: SimTrade[] = [];
    for (let id = Math.max(1, fromId); id <= toId; id++) {
      const t = generator.trade(id);
      out.push({
        id,
        timeMs: t.timeMs,
        price: priceText(spec, t.priceUnits),
        qty: qtyText(spec, t.qtyUnits),
        quoteQty: quoteText(spec, t.priceUnits * t.qtyUnits),
        isBuyerMaker: t.isBuyerMaker,
      });
    }
    return out;
  }

  /** The bar opening at `openMs` as it stands at `nowMs`. */
  bar(symbol: string, interval: KlineInterval, openMs: number, nowMs: number): Bar {
    const { generator, summarizer } = this.#state(symbol);
    const nextOpen = interval.next(openMs);
    const fromId = generator.firstIdAtOrAfter(openMs);
    const toId = generator.lastIdBefore(Math.min(nextOpen, nowMs));
    return {
      openMs,
      closeMs: nextOpen - 1,
      summary: summarizer.summarize(fromId, toId),
      carriedUnits: generator.priceUnitsOf(Math.max(1, fromId - 1)),
      closed: nowMs >= nextOpen,
    };
  }

  /**
   * Open times a klines request selects at `nowMs`, oldest first. Bars open from the one
   * holding genesis up to the one holding now. With startTime: the first `limit` bars opening
   * at or after it (and at or before endTime); otherwise the last `limit` bars opening at or
   * before endTime (default now).
   */
  barOpens(interval: KlineInterval, query: KlineQuery, nowMs: number): number[] {
    const firstOpen = interval.floor(this.config.genesisMs);
    const lastOpen = interval.floor(Math.min(query.endTime ?? nowMs, nowMs));
    const opens: number[] = [];
    if (query.startTime !== undefined) {
      const floor = interval.floor(query.startTime);
      let open = Math.max(firstOpen, floor === query.startTime ? floor : interval.next(floor));
      while (open <= lastOpen && opens.length < query.limit) {
        opens.push(open);
        open = interval.next(open);
      }
      return opens;
    }
    for (let open = lastOpen; open >= firstOpen && opens.length < query.limit; open = interval.floor(open - 1)) opens.push(open);
    return opens.reverse();
  }

  /** Kline rows for a request, as GET klines answers them. */
  klineRows(symbol: string, interval: KlineInterval, query: KlineQuery, nowMs: number): KlineRow[] {
    const spec = this.#state(symbol).spec;
    return this.barOpens(interval, query, nowMs).map((open) => klineRow(spec, this.bar(symbol, interval, open, nowMs)));
  }

  /**
   * Every bar opening in [startMs, endMs] as the wire writes it at `nowMs` (default: long
   * after, so all bars are closed).
   *
   * Throws when the symbol is not listed or the interval is not one of Binance's.
   */
  expectedKlines(symbol: string, intervalName: string, startMs: number, endMs: number, nowMs = Number.MAX_SAFE_INTEGER): KlineRow[] {
    const interval = this.interval(intervalName);
    if (interval === undefined) throw new Error(`no kline interval ${intervalName} on ${this.market}`);
    return this.klineRows(symbol, interval, { startTime: startMs, endTime: endMs, limit: Number.MAX_SAFE_INTEGER }, nowMs);
  }

  /** The top of book right after trade `id`, as the wire writes it (`@bookTicker` carries u = id). */
  expectedBookTicker(symbol: string, id: number): { bid: string; bidQty: string; ask: string; askQty: string } {
    const { spec, generator } = this.#state(symbol);
    const book = bookAfter(generator, id);
    return { bid: priceText(spec, book.bidUnits), bidQty: qtyText(spec, book.bidQtyUnits), ask: priceText(spec, book.askUnits), askQty: qtyText(spec, book.askQtyUnits) };
  }

  /** The top of book at `nowMs` (after the newest trade); undefined before the first trade. */
  book(symbol: string, nowMs: number): RawBook | undefined {
    const { generator } = this.#state(symbol);
    const last = generator.lastIdBefore(nowMs);
    return last >= 1 ? bookAfter(generator, last) : undefined;
  }

  /** Rolling 24 h statistics ending at `nowMs`. */
  dayStats(symbol: string, nowMs: number): DayStats {
    const { generator, summarizer } = this.#state(symbol);
    const fromId = generator.firstIdAtOrAfter(nowMs - DAY_MS);
    const toId = generator.lastIdBefore(nowMs);
    return {
      openMs: nowMs - DAY_MS,
      closeMs: nowMs,
      summary: summarizer.summarize(fromId, toId),
      prevCloseUnits: fromId > 1 ? generator.priceUnitsOf(fromId - 1) : 0,
      lastQtyUnits: toId >= 1 ? generator.qtyUnitsOf(toId) : 0,
      book: toId >= 1 ? bookAfter(generator, toId) : undefined,
    };
  }

  #state(symbol: string): SymbolState {
    const state = this.#states.get(symbol);
    if (state === undefined) throw new Error(`${symbol} is not listed on the simulated ${this.market} market`);
    return state;
  }
}
