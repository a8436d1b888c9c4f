/**
 * Starts a local exchange that speaks Binance's REST and websocket wire format for one market
 * family, on 127.0.0.1 and a free port:
 *
 *     const sim = await startBinanceSim({ market: 'spot' });
 *     const exchange = createCcxtExchange('binance', { restUrl: sim.restUrl, wsUrl: sim.wsUrl });
 *     …
 *     await exchange.close();
 *     await sim.close();
 *
 * The data is `sim.data` (see market-data.ts); the clock is `sim.now()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faults.js';
import { MarketData, type MarketDataOptions } from './market-data.js';
import { WeightLimiter, type RateLimitOptions } from './rate-limiter.js';
import { restHandler } from './rest-server.js';
import { SimStats } from './stats.js';
import { StreamServer } from './ws-streams.js';

export interface BinanceSimOptions extends MarketDataOptions {
  /**
   * The simulated clock in ms. Default: `startAtMs` (default: real now) advancing at
   * `liveSpeed` × real time. Trades exist up to the clock; live streams follow it.
   */
  readonly clock?: () => number;
  readonly startAtMs?: number;
  readonly liveSpeed?: number;
  /** Real ms between live-feed ticks (default 20). */
  readonly liveTickMs?: number;
  /** Request-weight limit (default Binance's: spot 6000, USDⓈ-M 2400 per minute). */
  readonly rateLimit?: RateLimitOptions;
  /** Server → client websocket pings, ms (default off). */
  readonly pingIntervalMs?: number;
}

export interface BinanceSim {
  /** e.g. http://127.0.0.1:53124 — give it to createCcxtExchange as `restUrl`. */
  readonly restUrl: string;
  /** e.g. ws://127.0.0.1:53124 — give it to createCcxtExchange as `wsUrl`. */
  readonly wsUrl: string;
  readonly market: MarketDataOptions['market'];
  readonly data: MarketData;
  readonly faults: FaultInjector;
  readonly stats: SimStats;
  readonly limiter: WeightLimiter;
  now(): number;
  /** Publishes pending live events now instead of waiting for the next tick (for manual clocks). */
  publishNow(): void;
  close(): Promise<void>;
}

const DEFAULT_WEIGHT = { spot: 6000, usdm: 2400 } as const;

function simClock(options: BinanceSimOptions): () => number {
  if (options.clock !== undefined) return options.clock;
  const realStart = Date.now();
  const simStart = options.startAtMs ?? realStart;
  const speed = options.liveSpeed ?? 1;
  return () => simStart + Math.floor((Date.now() - realStart) * speed);
}

export async function startBinanceSim(options: BinanceSimOptions): Promise<BinanceSim> {
  const data = new MarketData(options);
  const clock = simClock(options);
  const limiter = new WeightLimiter(options.rateLimit ?? { weight: DEFAULT_WEIGHT[options.market], windowMs: 60_000 });
  const stats = new SimStats(() => limiter.used);
  let streams: StreamServer | undefined;
  const faults = new FaultInjector(() => streams?.terminateAll() ?? 0);
  const server: Server = createServer(restHandler({ data, clock, limiter, faults, stats }));
  streams = new StreamServer(server, { data, clock, faults, stats, tickMs: options.liveTickMs ?? 20, pingIntervalMs: options.pingIntervalMs ?? 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const liveStreams = streams;
  return {
    restUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    market: options.market,
    data,
    faults,
    stats,
    limiter,
    now: clock,
    publishNow: () => liveStreams.publishNow(),
    close: async () => {
      await liveStreams.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
