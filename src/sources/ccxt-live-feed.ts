/**
 * A live feed over ccxt's websocket `watch*` methods: trades (`watchTrades`), best bid/ask
 * quotes (`watchBidsAsks`) and closed bars (`watchOHLCV`).
 *
 * When the socket drops, the feed says `disconnected`, reconnects with ReconnectBackoff,
 * and on the first message after reconnecting fills the hole from REST before resuming:
 * - trades: by trade-id continuity where the venue numbers trades sequentially (Binance),
 *   which also catches messages lost while connected; else by time since the last trade;
 * - bars: the stream only signals that bars closed; they are read from REST (exact decimals),
 *   so a drop just means more bars in the next read;
 * - quotes: exchanges keep no quote history, so the hole is reported as a `gap` event.
 * Whatever cannot be filled becomes an explicit `gap` event, never a silent skip.
 *
 * Rows are stamped with exchange time (`ts_init = ts_event`) for trades and bars, so live
 * rows and backfilled rows of the same trade or bar are identical. Quotes without an
 * exchange timestamp (Binance spot bookTicker) get the receive time.
 */
import type { Exchange, OHLCV, Trade } from 'ccxt';
import { setTimeout as sleep } from 'node:timers/promises';
import { barsFromOhlcv, quoteFromTicker, type RowContext, ticksFromTrades } from '../exchanges/ccxt-rows.js';
import { classifyCcxtError, errorText } from '../exchanges/ccxt-errors.js';
import { type BackoffPolicy, ReconnectBackoff } from '../exchanges/reconnect-backoff.js';
import type { FixedWidth } from '../model/fixed-point.js';
import type { LiveEvent, LiveFeed } from '../seamless/contracts.js';
import { SeamlessError } from '../seamless/errors.js';
import type { Series } from '../seamless/series.js';
import { CcxtBackfiller, compareIds, compareTrades } from './ccxt-backfiller.js';

const MS = 1_000_000n;

/** Exchanges whose trade ids count up by one per trade, so a missing id is a missing trade. */
export const SEQUENTIAL_TRADE_IDS = new Set(['binance', 'binanceusdm', 'binancecoinm', 'binanceus']);

export interface CcxtLiveFeedOptions {
  /** A ccxt pro exchange object for the websockets. */
  readonly exchange: Exchange;
  /** Fills holes from REST (default: one over the same exchange object). */
  readonly backfiller?: CcxtBackfiller;
  readonly width?: FixedWidth;
  /** Whether trade ids are consecutive integers (default: known per exchange). */
  readonly sequentialTradeIds?: boolean;
  readonly backoff?: Partial<BackoffPolicy>;
  /** The current time in ns (receive stamps of quotes; default the wall clock). */
  readonly now?: () => bigint;
}

export class CcxtLiveFeed implements LiveFeed {
  readonly name: string;
  readonly heals = true;
  readonly exchange: Exchange;
  readonly backfiller: CcxtBackfiller;
  readonly #sequential: boolean;
  readonly #backoff: Partial<BackoffPolicy>;
  readonly #now: () => bigint;

  constructor(options: CcxtLiveFeedOptions) {
    this.exchange = options.exchange;
    this.name = `ccxt-ws:${this.exchange.id}`;
    this.#now = options.now ?? (() => BigInt(Date.now()) * MS);
    this.backfiller = options.backfiller ?? new CcxtBackfiller({ exchange: this.exchange, now: this.#now, ...(options.width ? { width: options.width } : {}) });
    this.#sequential = options.sequentialTradeIds ?? SEQUENTIAL_TRADE_IDS.has(this.exchange.id);
    this.#backoff = options.backoff ?? {};
    // ccxt has its own redial delay; ReconnectBackoff alone decides, so there is one policy.
    const ws = (this.exchange.options['ws'] ?? {}) as Record<string, unknown>;
    this.exchange.options['ws'] = { ...ws, backoff: { base: 0, max: 0 } };
  }

  async *subscribe(series: Series, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    const context = this.backfiller.rowContext(series, await this.backfiller.marketOf(series, signal), 'websocket');
    this.shareMarkets();
    const session = series.kind === 'tick' ? new TradeSession(this, series, context, this.#sequential)
      : series.kind === 'ohlcv' ? new BarSession(this, series, context)
        : new QuoteSession(this, series, context);
    const backoff = new ReconnectBackoff(this.#backoff);
    let down: { at: bigint; reason: string } | undefined;
    try {
      for (;;) {
        if (signal?.aborted) return;
        let update: unknown;
        try {
          update = await untilAborted(session.watch(), signal);
        } catch (error) {
          if (signal?.aborted) return;
          if (classifyCcxtError(error) === 'bad-symbol') throw new SeamlessError('SEAMLESS_UNKNOWN_SYMBOL', `${this.name} ${series.symbol}: ${errorText(error)}`, { nodeId: series.nodeId }, error);
          if (!down) {
            down = { at: this.#now(), reason: errorText(error) };
            yield { type: 'disconnected', at: down.at, reason: down.reason };
          }
          const delay = backoff.failed();
          if (delay === undefined) {
            throw new SeamlessError('SEAMLESS_EXCHANGE', `${this.name} ${series.symbol}: gave up after ${backoff.failures - 1} reconnect attempts; last error: ${errorText(error)}`, { nodeId: series.nodeId }, error);
          }
          await sleep(delay, undefined, signal ? { signal } : {}).catch(() => undefined);
          continue;
        }
        backoff.connected();
        if (down) {
          yield { type: 'reconnected', at: this.#now() };
          down = undefined;
        }
        yield* session.accept(update, signal);
      }
    } finally {
      await session.unwatch().catch(() => undefined);
    }
  }

  /**
   * Hands the markets the backfiller loaded (through the rate-limited caller) to the
   * websocket object; ccxt's watch* methods would otherwise load them a second time,
   * outside the rate limit.
   */
  private shareMarkets(): void {
    const rest = this.backfiller.exchange;
    if (rest === this.exchange || Object.keys(this.exchange.markets ?? {}).length > 0) return;
    // ccxt types `currencies` as undefined, yet setMarkets takes the dictionary loadMarkets gives it.
    this.exchange.setMarkets(rest.markets, rest.currencies as never);
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }

  now(): bigint {
    return this.#now();
  }
}

/** Resolves like `promise`, or rejects as soon as `signal` aborts. */
async function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

interface Session {
  watch(): Promise<unknown>;
  accept(update: unknown, signal?: AbortSignal): AsyncGenerator<LiveEvent>;
  unwatch(): Promise<unknown>;
}

function gap(start: bigint, end: bigint, reason: string): LiveEvent {
  return { type: 'gap', range: { start, end }, reason };
}

/** Trades, with holes found by id continuity (or time) and filled from REST. */
class TradeSession implements Session {
  #lastId: bigint | undefined;
  #lastMs: number | undefined;
  /** Ids seen in the last trade's millisecond (trades sharing it may straddle a hole). */
  #idsAtLastMs = new Set<string>();
  #reconnected = false;

  constructor(private readonly feed: CcxtLiveFeed, private readonly series: Series, private readonly context: RowContext, private readonly sequential: boolean) {}

  watch(): Promise<unknown> {
    return this.feed.exchange.watchTrades(this.series.symbol).catch((error: unknown) => {
      this.#reconnected = true;
      throw error;
    });
  }

  unwatch(): Promise<unknown> {
    return this.feed.exchange.has['unWatchTrades'] ? this.feed.exchange.unWatchTrades(this.series.symbol) : Promise.resolve();
  }

  async *accept(update: unknown, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    // filter makes the copy, so the sort may reorder it in place.
    const trades = (Array.isArray(update) ? update as Trade[] : []).filter((t) => typeof t?.timestamp === 'number').sort(compareTrades);
    let run: Trade[] = [];
    for (const trade of trades) {
      const id = String(trade.id);
      if (this.isOld(trade, id)) continue;
      const hole = this.holeBefore(trade, id);
      if (hole) {
        if (run.length > 0) yield this.rows(run);
        run = [];
        yield* this.fill(trade, id, signal);
        this.#reconnected = false;
      }
      run.push(trade);
      this.note(trade, id);
    }
    this.#reconnected = false;
    if (run.length > 0) yield this.rows(run);
  }

  private rows(trades: Trade[]): LiveEvent {
    return { type: 'rows', frame: ticksFromTrades(trades, this.context) };
  }

  /** Repeats and stragglers: at or before what was already emitted. */
  private isOld(trade: Trade, id: string): boolean {
    if (this.#lastMs === undefined) return false;
    if (this.sequential && this.#lastId !== undefined && /^\d+$/.test(id)) return BigInt(id) <= this.#lastId;
    return trade.timestamp! < this.#lastMs || (trade.timestamp === this.#lastMs && this.#idsAtLastMs.has(id));
  }

  private holeBefore(trade: Trade, id: string): boolean {
    if (this.#lastMs === undefined) return false;
    if (this.sequential && this.#lastId !== undefined && /^\d+$/.test(id)) return BigInt(id) > this.#lastId + 1n;
    // Without sequential ids a hole is only suspected after a reconnect.
    return this.#reconnected && trade.timestamp! >= this.#lastMs;
  }

  private note(trade: Trade, id: string): void {
    if (trade.timestamp !== this.#lastMs) this.#idsAtLastMs = new Set();
    this.#idsAtLastMs.add(id);
    this.#lastMs = trade.timestamp!;
    if (this.sequential && /^\d+$/.test(id)) this.#lastId = BigInt(id);
  }

  /** Fetches the trades between the last emitted one and `next` from REST. */
  private async *fill(next: Trade, nextId: string, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    const fromMs = this.#lastMs!;
    const range = { start: BigInt(fromMs) * MS, end: (BigInt(next.timestamp!) + 1n) * MS };
    const expected = this.sequential && this.#lastId !== undefined ? BigInt(nextId) - this.#lastId - 1n : undefined;
    const firstMissing = this.#lastId;
    let filled = 0n;
    try {
      for await (const page of this.feed.backfiller.tradePages(this.series, range, signal)) {
        const fresh = page.filter((t) => {
          const id = String(t.id);
          if (this.isOld(t, id)) return false;
          if (this.sequential && /^\d+$/.test(id)) return BigInt(id) < BigInt(nextId);
          return t.timestamp! < next.timestamp! || (t.timestamp === next.timestamp && compareIds(id, nextId) < 0);
        });
        for (const t of fresh) this.note(t, String(t.id));
        filled += BigInt(fresh.length);
        if (fresh.length > 0) yield this.rows(fresh);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      yield gap(range.start, range.end - MS, `trades after ${firstMissing ?? new Date(fromMs).toISOString()} could not be fetched from REST: ${errorText(error)}`);
      return;
    }
    if (expected !== undefined && filled < expected) {
      yield gap(range.start, range.end - MS, `${expected - filled} of ${expected} trades between ids ${firstMissing} and ${nextId} are missing from REST too`);
    }
  }
}

/**
 * Bars: the stream only says when a bar has closed (a later one started); the closed bars
 * themselves come from REST, because ccxt parses kline stream messages into floats, which
 * would not be exact. Bars missing from REST too become a gap event.
 */
class BarSession implements Session {
  /** Open time of the last bar emitted (or, before the first, of the bar before the stream began). */
  #lastOpen: number | undefined;
  readonly #stepMs: number;

  constructor(private readonly feed: CcxtLiveFeed, private readonly series: Series, private readonly context: RowContext) {
    this.#stepMs = Number(series.stepNs! / MS);
  }

  watch(): Promise<unknown> {
    return this.feed.exchange.watchOHLCV(this.series.symbol, this.series.timeframe);
  }

  unwatch(): Promise<unknown> {
    return this.feed.exchange.has['unWatchOHLCV'] ? this.feed.exchange.unWatchOHLCV(this.series.symbol, this.series.timeframe) : Promise.resolve();
  }

  async *accept(update: unknown, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    let newest: number | undefined;
    for (const candle of Array.isArray(update) ? update as OHLCV[] : []) {
      const open = Number(candle?.[0]);
      if (Number.isSafeInteger(open) && (newest === undefined || open > newest)) newest = open;
    }
    if (newest === undefined) return;
    // History before the subscription is the caller's business (stream replays it).
    if (this.#lastOpen === undefined) {
      this.#lastOpen = newest - this.#stepMs;
      return;
    }
    if (newest > this.#lastOpen + this.#stepMs) yield* this.closedBars(this.#lastOpen + this.#stepMs, newest, signal);
  }

  /** Bars opening in `[fromOpen, toOpen)` from REST. */
  private async *closedBars(fromOpen: number, toOpen: number, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    const range = { start: BigInt(fromOpen) * MS, end: BigInt(toOpen) * MS };
    let got = 0;
    try {
      for await (const page of this.feed.backfiller.candlePages(this.series, range, signal)) {
        const fresh = page.filter((c) => c[0]! >= fromOpen && c[0]! < toOpen && c[0]! > this.#lastOpen!);
        if (fresh.length === 0) continue;
        this.#lastOpen = fresh.at(-1)![0]!;
        got += fresh.length;
        yield { type: 'rows', frame: barsFromOhlcv(fresh, this.context) };
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      this.#lastOpen = toOpen - this.#stepMs;
      yield gap(range.start, range.end, `closed bars could not be fetched from REST: ${errorText(error)}`);
      return;
    }
    const expected = (toOpen - fromOpen) / this.#stepMs;
    this.#lastOpen = toOpen - this.#stepMs;
    if (got < expected) yield gap(range.start, range.end, `${expected - got} of ${expected} bars are missing from REST`);
  }
}

/** Best bid/ask: one row per update; holes cannot be filled and are reported. */
class QuoteSession implements Session {
  #lastNs: bigint | undefined;
  #reconnected = false;

  constructor(private readonly feed: CcxtLiveFeed, private readonly series: Series, private readonly context: RowContext) {}

  watch(): Promise<unknown> {
    return this.feed.exchange.watchBidsAsks([this.series.symbol]).catch((error: unknown) => {
      this.#reconnected = true;
      throw error;
    });
  }

  unwatch(): Promise<unknown> {
    return this.feed.exchange.has['unWatchBidsAsks'] ? this.feed.exchange.unWatchBidsAsks([this.series.symbol]) : Promise.resolve();
  }

  async *accept(update: unknown): AsyncGenerator<LiveEvent> {
    const ticker = (update as Record<string, unknown> | undefined)?.[this.series.symbol];
    if (ticker === undefined) return;
    const frame = quoteFromTicker(ticker as Parameters<typeof quoteFromTicker>[0], this.context, this.feed.now());
    const ts = frame.columns.ts_init[0]!;
    if (this.#reconnected && this.#lastNs !== undefined && ts > this.#lastNs + 1n) {
      yield gap(this.#lastNs + 1n, ts, 'quotes missed while disconnected; exchanges keep no quote history to fill them from');
    }
    this.#reconnected = false;
    if (this.#lastNs !== undefined && ts < this.#lastNs) return;
    this.#lastNs = ts;
    yield { type: 'rows', frame };
  }
}
