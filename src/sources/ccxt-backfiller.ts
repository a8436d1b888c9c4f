/**
 * Backfill from an exchange through ccxt: candles for ohlcv series, trades for tick series
 * (quotes have no history on exchanges' REST APIs, so `canBackfill` says no).
 *
 * Candles page forward with `since`/`limit`/`until` from the first bar of the range; only
 * closed candles are kept (an exchange returns the open one too). Trades page in windows
 * of at most `tradeWindowMs` (Binance refuses wider aggTrades windows); a full page
 * continues from its last millisecond, whose trades are re-read whole, so trades sharing a
 * millisecond at a page boundary are never lost or doubled. Rows the exchange sends outside
 * the window, out of order or twice are dropped. Every request goes through the
 * ExchangeCaller (shared rate limit, Retry-After cooldowns, retries).
 */
import type { Exchange, OHLCV, Trade } from 'ccxt';
import type { FixedWidth } from '../model/fixed-point.js';
import { barsFromOhlcv, type RowContext, ticksFromTrades } from '../exchanges/ccxt-rows.js';
import { type MarketInfo, MarketDirectory } from '../exchanges/ccxt-market.js';
import { ExchangeCaller } from '../exchanges/exchange-caller.js';
import type { Backfiller } from '../seamless/contracts.js';
import { SeamlessError } from '../seamless/errors.js';
import type { Series, SeriesFrame } from '../seamless/series.js';
import type { TimeRange } from '../seamless/time-range.js';

const MS = 1_000_000n;

export interface CcxtBackfillerOptions {
  readonly exchange: Exchange;
  /** The caller shared with other users of this exchange object (default: a new one). */
  readonly caller?: ExchangeCaller;
  /** Fixed-point width of the frames, matching the storage catalog (default 16). */
  readonly width?: FixedWidth;
  /** Rows per request (default 1000, Binance's maximum for spot klines and aggTrades). */
  readonly pageLimit?: number;
  /** Widest trades window per request (default 1 h − 1 ms, Binance's aggTrades limit). */
  readonly tradeWindowMs?: number;
  /** The current time in ns; candles closing after it are still open (default: the wall clock). */
  readonly now?: () => bigint;
}

export class CcxtBackfiller implements Backfiller {
  readonly name: string;
  readonly exchange: Exchange;
  readonly caller: ExchangeCaller;
  readonly markets: MarketDirectory;
  readonly #width: FixedWidth;
  readonly #pageLimit: number;
  readonly #tradeWindowMs: number;
  readonly #now: () => bigint;

  constructor(options: CcxtBackfillerOptions) {
    this.exchange = options.exchange;
    this.name = `ccxt:${this.exchange.id}`;
    this.caller = options.caller ?? new ExchangeCaller(this.exchange);
    this.markets = new MarketDirectory(this.exchange);
    this.#width = options.width ?? 16;
    this.#pageLimit = options.pageLimit ?? 1000;
    this.#tradeWindowMs = options.tradeWindowMs ?? 3_599_999;
    this.#now = options.now ?? (() => BigInt(Date.now()) * MS);
  }

  canBackfill(series: Series): boolean {
    if (series.exchange !== this.exchange.id) return false;
    if (series.kind === 'ohlcv') return this.exchange.has['fetchOHLCV'] === true;
    if (series.kind === 'tick') return this.exchange.has['fetchTrades'] === true;
    return false;
  }

  async *backfill(series: Series, range: TimeRange, signal?: AbortSignal): AsyncGenerator<SeriesFrame> {
    if (!this.canBackfill(series)) {
      throw new SeamlessError('SEAMLESS_NO_BACKFILL', `${this.name} cannot backfill ${series.nodeId}: ${series.kind === 'quote' ? 'exchanges keep no quote history on their REST APIs' : `the series is not on ${this.exchange.id}`}`, { nodeId: series.nodeId });
    }
    const context = this.rowContext(series, await this.marketOf(series, signal), series.kind === 'ohlcv' ? 'fetchOHLCV' : 'fetchTrades');
    if (series.kind === 'ohlcv') {
      for await (const page of this.candlePages(series, range, signal)) yield barsFromOhlcv(page, context);
    } else {
      for await (const page of this.tradePages(series, range, signal)) yield ticksFromTrades(page, context);
    }
  }

  /** How rows of `series` become frames: its market precision and the storage width. */
  rowContext(series: Series, info: MarketInfo, method: string): RowContext {
    return { series, info, width: this.#width, source: `${this.exchange.id} ${method}` };
  }

  private notAList(series: Series, method: string, value: unknown): SeamlessError {
    return new SeamlessError('SEAMLESS_EXCHANGE', `${this.exchange.id} ${method} ${series.symbol} answered ${typeof value} instead of a list; nothing from this answer was stored`, { nodeId: series.nodeId });
  }

  /** The market info of a series (loads markets once). */
  async marketOf(series: Series, signal?: AbortSignal): Promise<MarketInfo> {
    // Only loading asks the exchange (and spends from the rate limit); resolving is local.
    if (!this.markets.loaded) await this.caller.call(`loadMarkets for ${series.symbol}`, () => this.markets.load(), signal);
    return this.markets.resolve(series);
  }

  /** The closed candles opening in `[range.start, range.end - step]`, page by page, in order. */
  async *candlePages(series: Series, range: TimeRange, signal?: AbortSignal): AsyncGenerator<OHLCV[]> {
    const step = series.stepNs!;
    const stepMs = Number(step / MS);
    // Bars of [start, end) open in [start, end - step]; only closed ones are history.
    const lastOpen = minBig(range.end - step, this.#now() - step);
    let since = ceilMs(range.start);
    while (BigInt(since) * MS <= lastOpen) {
      const until = Number(lastOpen / MS);
      const page = await this.caller.call(
        `fetchOHLCV ${series.symbol} ${series.timeframe} since ${new Date(since).toISOString()}`,
        () => this.exchange.fetchOHLCV(series.symbol, series.timeframe, since, this.#pageLimit, { until }),
        signal,
      );
      if (!Array.isArray(page)) throw this.notAList(series, 'fetchOHLCV', page);
      const kept = page.filter((c: OHLCV) => Array.isArray(c) && typeof c[0] === 'number' && c[0] >= since && c[0] <= until);
      const rows = increasingBy(kept, (c) => c[0]!);
      if (rows.length > 0) yield rows;
      const last = rows.at(-1)?.[0];
      // An answer with nothing new in the window means the exchange has no more candles there.
      if (last === undefined) return;
      since = last + stepMs;
    }
  }

  /** The trades of `[range.start, range.end)`, page by page, in time order, each once. */
  async *tradePages(series: Series, range: TimeRange, signal?: AbortSignal): AsyncGenerator<Trade[]> {
    const endMs = ceilMs(range.end); // exclusive
    let cursor = ceilMs(range.start);
    /** Ids already emitted in the cursor's millisecond (it is re-read after a full page). */
    let seenAtCursor = new Set<string>();
    while (cursor < endMs) {
      const until = Math.min(endMs - 1, cursor + this.#tradeWindowMs);
      const at = cursor;
      const page = await this.caller.call(
        `fetchTrades ${series.symbol} since ${new Date(at).toISOString()}`,
        () => this.exchange.fetchTrades(series.symbol, at, this.#pageLimit, { until }),
        signal,
      );
      if (!Array.isArray(page)) throw this.notAList(series, 'fetchTrades', page);
      const inWindow = page.filter((t: Trade) => typeof t?.timestamp === 'number' && t.timestamp >= at && t.timestamp <= until);
      const sorted = sortTrades(inWindow);
      const full = page.length >= this.#pageLimit;
      const lastTs = sorted.at(-1)?.timestamp;
      if (full && lastTs === at) {
        throw new SeamlessError('SEAMLESS_EXCHANGE', `${this.exchange.id} has more than ${this.#pageLimit} trades of ${series.symbol} in the millisecond ${new Date(at).toISOString()}; raise the page limit`, { nodeId: series.nodeId });
      }
      // A full page may have cut its last millisecond short: keep it for the next request.
      const cut = full && lastTs !== undefined ? lastTs : undefined;
      const rows: Trade[] = [];
      const seen = new Set<string>();
      for (const trade of sorted) {
        if (cut !== undefined && trade.timestamp === cut) break;
        const id = String(trade.id);
        if (trade.timestamp === at && seenAtCursor.has(id)) continue;
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push(trade);
      }
      if (rows.length > 0) yield rows;
      if (cut !== undefined) {
        seenAtCursor = cut === at ? new Set([...seenAtCursor, ...seen]) : new Set();
        cursor = cut;
      } else {
        seenAtCursor = new Set();
        cursor = until + 1;
      }
    }
  }
}

function ceilMs(ns: bigint): number {
  return Number((ns + MS - 1n) / MS);
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Keeps rows whose key strictly increases (drops repeats and stragglers), in order. */
function increasingBy<T>(rows: readonly T[], key: (row: T) => number): T[] {
  const sorted = [...rows].sort((a, b) => key(a) - key(b));
  const out: T[] = [];
  let last = -Infinity;
  for (const row of sorted) {
    const k = key(row);
    if (k > last) {
      out.push(row);
      last = k;
    }
  }
  return out;
}

/** By time, then by id numerically where ids are numbers (the exchange's own order). */
function sortTrades(trades: readonly Trade[]): Trade[] {
  return [...trades].sort(compareTrades);
}

/** Trade order: time, then id (numeric ids by value). */
export function compareTrades(a: Trade, b: Trade): number {
  return (a.timestamp! - b.timestamp!) || compareIds(String(a.id), String(b.id));
}

export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

