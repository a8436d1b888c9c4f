/**
 * Live events as the simulator's clock advances. Every `tickMs` of real time the feed reads
 * the clock and publishes what happened since the last tick on the streams someone watches:
 * each new trade (`@trade`, `@aggTrade`) and the book after it (`@bookTicker`); for klines an
 * `x: false` update when the open bar gained trades and the `x: true` final once it closed;
 * the 24 h ticker and mini ticker at most once a second (real time). Everything comes from MarketData, so trade id n is
 * the same live as over REST, and a client can backfill a gap with identical rows.
 */
import type { MarketData } from './market-data.js';
import type { StreamName } from './stream-names.js';
import { bookAfter } from './trade-generator.js';
import { wsAggTrade, wsBookTicker, wsDayTicker, wsKline, wsMiniTicker, wsTrade } from './wire-format.js';

export type Publish = (stream: string, payload: object) => void;

/** A manual clock may jump far ahead; catch up in bounded slices instead of one burst. */
const MAX_TRADES_PER_TICK = 5000;
const MAX_CLOSED_BARS_PER_TICK = 100;
const TICKER_EVERY_MS = 1000;

interface Watched {
  readonly stream: StreamName;
  watchers: number;
  /** Klines: open time of the bar in progress and the newest trade id sent for it. */
  barOpen?: number;
  barLastId?: number;
  /** Ticker: real time of the last push. */
  lastPushMs?: number;
}

export class LiveFeed {
  readonly #watched = new Map<string, Watched>();
  /** Per symbol: the newest trade id already published. */
  readonly #cursors = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly data: MarketData,
    private readonly clock: () => number,
    private readonly tickMs: number,
    private readonly publish: Publish,
  ) {}

  watch(stream: StreamName): void {
    if (stream.kind === 'unserved' || this.data.spec(stream.symbol) === undefined) return;
    const existing = this.#watched.get(stream.name);
    if (existing !== undefined) {
      existing.watchers += 1;
      return;
    }
    const now = this.clock();
    this.#watched.set(stream.name, { stream, watchers: 1 });
    // Live trades start after the newest trade that exists now; older ones are REST's.
    if (!this.#cursors.has(stream.symbol)) this.#cursors.set(stream.symbol, this.data.lastTradeId(stream.symbol, now));
    this.#timer ??= setInterval(() => this.tick(), this.tickMs);
  }

  unwatch(stream: StreamName): void {
    if (stream.kind === 'unserved') return;
    const watched = this.#watched.get(stream.name);
    if (watched === undefined || --watched.watchers > 0) return;
    this.#watched.delete(stream.name);
    if (![...this.#watched.values()].some((w) => w.stream.symbol === stream.symbol)) this.#cursors.delete(stream.symbol);
    if (this.#watched.size === 0) this.stop();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Publishes everything that happened since the previous tick. */
  tick(): void {
    const now = this.clock();
    for (const [symbol, cursor] of this.#cursors) this.#publishTrades(symbol, cursor, now);
    for (const watched of this.#watched.values()) {
      if (watched.stream.kind === 'kline') this.#publishKline(watched, now);
      else if (watched.stream.kind === 'ticker' || watched.stream.kind === 'miniTicker') this.#publishTicker(watched, now);
    }
  }

  #publishTrades(symbol: string, cursor: number, now: number): void {
    const lower = symbol.toLowerCase();
    const streams = {
      trade: this.#watched.has(`${lower}@trade`),
      aggTrade: this.#watched.has(`${lower}@aggTrade`),
      bookTicker: this.#watched.has(`${lower}@bookTicker`),
    };
    const generator = this.data.generator(symbol);
    const spec = generator.spec;
    if (!streams.trade && !streams.aggTrade && !streams.bookTicker) {
      // Only klines or tickers are watched: nothing per trade to send.
      this.#cursors.set(symbol, generator.lastIdBefore(now));
      return;
    }
    const last = Math.min(generator.lastIdBefore(now), cursor + MAX_TRADES_PER_TICK);
    for (let id = cursor + 1; id <= last; id++) {
      const trade = generator.trade(id);
      if (streams.trade) this.publish(`${lower}@trade`, wsTrade(spec, trade, now));
      if (streams.aggTrade) this.publish(`${lower}@aggTrade`, wsAggTrade(spec, trade, now));
      if (streams.bookTicker) this.publish(`${lower}@bookTicker`, wsBookTicker(spec, bookAfter(generator, id), now, trade.timeMs));
    }
    this.#cursors.set(symbol, Math.max(cursor, last));
  }

  #publishKline(watched: Watched, now: number): void {
    const { symbol, interval, name } = watched.stream;
    if (interval === undefined) return;
    const spec = this.data.generator(symbol).spec;
    const currentOpen = interval.floor(now);
    let closedBars = 0;
    while (watched.barOpen !== undefined && watched.barOpen < currentOpen && closedBars < MAX_CLOSED_BARS_PER_TICK) {
      this.publish(name, wsKline(spec, interval.name, this.data.bar(symbol, interval, watched.barOpen, now), now));
      watched.barOpen = interval.next(watched.barOpen);
      watched.barLastId = undefined;
      closedBars += 1;
    }
    if (watched.barOpen !== undefined && watched.barOpen < currentOpen) return;
    const newest = this.data.lastTradeId(symbol, now);
    if (watched.barOpen === currentOpen && watched.barLastId === newest) return;
    watched.barOpen = currentOpen;
    watched.barLastId = newest;
    this.publish(name, wsKline(spec, interval.name, this.data.bar(symbol, interval, currentOpen, now), now));
  }

  #publishTicker(watched: Watched, now: number): void {
    const real = Date.now();
    if (watched.lastPushMs !== undefined && real - watched.lastPushMs < TICKER_EVERY_MS) return;
    watched.lastPushMs = real;
    const { symbol, name, kind } = watched.stream;
    const write = kind === 'ticker' ? wsDayTicker : wsMiniTicker;
    this.publish(name, write(this.data.generator(symbol).spec, this.data.dayStats(symbol, now), now));
  }
}
