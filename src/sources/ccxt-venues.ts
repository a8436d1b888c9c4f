/**
 * One ccxt exchange object per exchange id, shared by backfill and the live feed of a
 * provider, and the routers that send each series to the exchange its node id names (or
 * to the one exchange a config pins).
 *
 * REST and websockets use separate exchange objects: closing a feed's sockets must not
 * touch requests in flight, and ccxt's rate limiter then paces only the REST calls.
 */
import type { Exchange } from 'ccxt';
import { createCcxtExchange } from '../exchanges/ccxt-exchange.js';
import { ExchangeCaller } from '../exchanges/exchange-caller.js';
import type { RequestLimiter } from '../exchanges/request-limiter.js';
import type { FixedWidth } from '../model/fixed-point.js';
import type { Backfiller, LiveEvent, LiveFeed } from '../seamless/contracts.js';
import type { CcxtSourceConfig } from '../seamless/provider-config.js';
import type { Series, SeriesFrame } from '../seamless/series.js';
import type { TimeRange } from '../seamless/time-range.js';
import { CcxtBackfiller } from './ccxt-backfiller.js';
import { CcxtLiveFeed } from './ccxt-live-feed.js';

export interface CcxtVenuesOptions {
  readonly width?: FixedWidth;
  /** The shared rate limit of an exchange id, when coordination is configured. */
  readonly limiterFor?: (exchangeId: string) => RequestLimiter | undefined;
  readonly now?: () => bigint;
}

export class CcxtVenues {
  readonly #backfillers = new Map<string, CcxtBackfiller>();
  readonly #feeds = new Map<string, CcxtLiveFeed>();
  readonly #exchanges: Exchange[] = [];

  constructor(readonly config: CcxtSourceConfig, readonly options: CcxtVenuesOptions = {}) {}

  /** The exchange a series is fetched from. */
  exchangeIdOf(series: Series): string {
    return this.config.exchange ?? series.exchange;
  }

  backfiller(exchangeId: string): CcxtBackfiller {
    let backfiller = this.#backfillers.get(exchangeId);
    if (!backfiller) {
      const exchange = this.open(exchangeId);
      const limiter = this.options.limiterFor?.(exchangeId);
      backfiller = new CcxtBackfiller({
        exchange,
        caller: new ExchangeCaller(exchange, limiter),
        ...(this.options.width ? { width: this.options.width } : {}),
        ...(this.config.pageLimit ? { pageLimit: this.config.pageLimit } : {}),
        ...(this.options.now ? { now: this.options.now } : {}),
      });
      this.#backfillers.set(exchangeId, backfiller);
    }
    return backfiller;
  }

  feed(exchangeId: string): CcxtLiveFeed {
    let feed = this.#feeds.get(exchangeId);
    if (!feed) {
      feed = new CcxtLiveFeed({
        exchange: this.open(exchangeId),
        backfiller: this.backfiller(exchangeId),
        ...(this.options.width ? { width: this.options.width } : {}),
        ...(this.options.now ? { now: this.options.now } : {}),
      });
      this.#feeds.set(exchangeId, feed);
    }
    return feed;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#exchanges.map((e) => e.close()));
  }

  private open(exchangeId: string): Exchange {
    const exchange = createCcxtExchange(exchangeId, {
      ...(this.config.restUrl ? { restUrl: this.config.restUrl } : {}),
      ...(this.config.wsUrl ? { wsUrl: this.config.wsUrl } : {}),
    });
    this.#exchanges.push(exchange);
    return exchange;
  }
}

/** Backfills each series from its exchange. */
export class CcxtBackfillRouter implements Backfiller {
  readonly name: string;

  constructor(readonly venues: CcxtVenues) {
    this.name = `ccxt:${venues.config.exchange ?? '<exchange of the node id>'}`;
  }

  canBackfill(series: Series): boolean {
    if (this.venues.config.exchange !== undefined && this.venues.config.exchange !== series.exchange) return false;
    return series.kind !== 'quote' && this.venues.backfiller(this.venues.exchangeIdOf(series)).canBackfill(series);
  }

  backfill(series: Series, range: TimeRange, signal?: AbortSignal): AsyncIterable<SeriesFrame> {
    return this.venues.backfiller(this.venues.exchangeIdOf(series)).backfill(series, range, signal);
  }
}

/** Subscribes each series on its exchange's websocket. */
export class CcxtFeedRouter implements LiveFeed {
  readonly name: string;
  readonly heals = true;

  constructor(readonly venues: CcxtVenues) {
    this.name = `ccxt-ws:${venues.config.exchange ?? '<exchange of the node id>'}`;
  }

  subscribe(series: Series, signal?: AbortSignal): AsyncIterable<LiveEvent> {
    return this.venues.feed(this.venues.exchangeIdOf(series)).subscribe(series, signal);
  }
}
