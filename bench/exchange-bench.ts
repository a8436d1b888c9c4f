/**
 * Exchange tier benchmarks (issue "Exchange and database tiers", Speed), against the local
 * Binance simulator and a real redis-server, each the median of BENCH_RUNS runs (default 3):
 * - backfill throughput as a share of the allowed request rate: a backfill of many pages of
 *   1-minute candles, paced by the shared Redis token bucket at ALLOWED requests/s (ccxt's
 *   own per-request delay relaxed so the bucket is what allows); target >= 90 %;
 * - live feed throughput and added latency: trades pushed over the simulator's websocket,
 *   read through CcxtLiveFeed and, as the anchor, through a bare ccxt `watchTrades` loop in
 *   the same run; latency is receive time minus the trade's exchange time, per row.
 * Run with `npm run bench:exchange`.
 */
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createCcxtExchange } from '../src/exchanges/ccxt-exchange.js';
import { createCoordinatorRedis, closeCoordinatorRedis } from '../src/coordination/redis-connection.js';
import { buildProvider } from '../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY, type ProviderConfig } from '../src/seamless/provider-config.js';
import { Symbology } from '../src/seamless/symbology.js';
import { CcxtLiveFeed } from '../src/sources/ccxt-live-feed.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { startBinanceSim } from '../test/support/binance-sim/index.js';
import { median } from './measure.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ALLOWED = Number(process.env['BENCH_ALLOWED_RPS'] ?? 8);
const PAGES = Number(process.env['BENCH_PAGES'] ?? 60);
const LIVE_SECONDS = Number(process.env['BENCH_LIVE_SECONDS'] ?? 5);
const MS = 1_000_000n;
const symbology = new Symbology();

/**
 * A real `fetch` with AUTO_BACKFILL into a fresh catalog: chunks fetched concurrently, each
 * request through ccxt's own limiter and the shared Redis bucket (ALLOWED req/s, below
 * ccxt's own pace for binance klines), bars written to the catalog.
 */
async function backfillShare(): Promise<void> {
  const redis = await startRedis();
  const now = Date.UTC(2024, 6, 1);
  const sim = await startBinanceSim({ market: 'spot', clock: () => now, rateLimit: { weight: 1_000_000, windowMs: 60_000 } });
  const client = createCoordinatorRedis(redis.url);
  const shares: number[] = [];
  const burst = 2;
  try {
    for (let run = 0; run < RUNS; run++) {
      if (client.status === 'wait') await client.connect();
      await client.flushall();
      const catalog = await mkdtemp(join(tmpdir(), 'seamless-bench-'));
      const config: ProviderConfig = {
        strategy: 'AUTO_BACKFILL',
        storage: { kind: 'catalog', path: catalog, width: 16 },
        backfill: { source: { kind: 'ccxt', restUrl: sim.restUrl }, policy: { ...DEFAULT_BACKFILL_POLICY, chunkBars: 1000, maxConcurrent: 4 } },
        coordination: { redisUrl: redis.url, requestsPerSecond: ALLOWED, burst, leaseTtlMs: 30_000, onOutage: 'fail' },
        cache: false,
        conformance: {},
        stabilizationBars: 0,
      };
      const provider = await buildProvider(config, { clock: () => BigInt(now) * MS });
      const klines = (): number => sim.stats.requestsTo('/klines');
      const requestsBefore = klines();
      const start = Date.UTC(2024, 0, 1);
      const began = performance.now();
      const result = await provider.fetch('ohlcv:binance:BTC/USDT:1m', { start: BigInt(start) * MS, end: BigInt(start + PAGES * 1000 * 60_000) * MS });
      const seconds = (performance.now() - began) / 1000;
      await provider.close();
      await rm(catalog, { recursive: true, force: true });
      // Rate-limited requests: the klines pages plus one markets load (one token, though ccxt
      // sends it as three exchangeInfo calls).
      const requests = klines() - requestsBefore + 1;
      const allowed = burst + ALLOWED * seconds;
      shares.push(requests / allowed);
      console.log(`  run ${run + 1}: ${requests} requests (klines + markets), ${result.meta.rows} bars stored in ${seconds.toFixed(2)} s → ${(requests / seconds).toFixed(2)} req/s of ${ALLOWED} allowed (${((100 * requests) / allowed).toFixed(1)} %)`);
    }
  } finally {
    await closeCoordinatorRedis(client);
    await sim.close();
    await redis.stop();
  }
  console.log(`backfill: median ${(100 * median(shares)).toFixed(1)} % of the allowed request rate (target >= 90 %)`);
}

interface LiveFigures {
  rowsPerSecond: number;
  /** Median ms from the trade's exchange time to the consumer (sim clock, 1 ms steps). */
  latencyMs: number;
  /** Median µs between ccxt resolving a `watchTrades` batch and the consumer seeing it. */
  addedUs: number;
}

/**
 * 1,000 trades a second over the simulator's websocket for LIVE_SECONDS, read through the
 * feed or through a bare `watchTrades` loop. `watchTrades` is wrapped (not replaced) to
 * stamp when ccxt hands a batch over; what the feed adds is the time from there to us.
 */
async function liveRun(kind: 'feed' | 'raw'): Promise<LiveFigures> {
  const sim = await startBinanceSim({ market: 'spot', tradeSpacingMs: 1, genesisMs: Date.now() - 60_000, liveTickMs: 5 });
  const exchange = createCcxtExchange('binance', { restUrl: sim.restUrl, wsUrl: sim.wsUrl });
  let handedOver = 0;
  const watch = exchange.watchTrades.bind(exchange);
  exchange.watchTrades = async (...args: Parameters<typeof watch>) => {
    const trades = await watch(...args);
    handedOver = performance.now();
    return trades;
  };
  const latencies: number[] = [];
  const added: number[] = [];
  let rows = 0;
  let first = 0;
  let last = 0;
  const stop = new AbortController();
  // Rows over the time from the first batch to the last one (not to the end of the loop,
  // which for the feed includes unsubscribing).
  const note = (count: number, times: Iterable<number>): void => {
    const at = sim.now();
    last = performance.now();
    if (first === 0) {
      first = last;
      rows -= count;
    }
    added.push((performance.now() - handedOver) * 1000);
    for (const t of times) latencies.push(at - t);
    rows += count;
  };
  try {
    setTimeout(() => stop.abort(), LIVE_SECONDS * 1000);
    if (kind === 'feed') {
      const feed = new CcxtLiveFeed({ exchange, now: () => BigInt(sim.now()) * MS });
      for await (const event of feed.subscribe(symbology.series('tick:binance:BTC/USDT'), stop.signal)) {
        if (event.type === 'rows') note(event.frame.length, Array.from(event.frame.columns.ts_event, (ns) => Number(ns / MS)));
      }
    } else {
      while (!stop.signal.aborted) {
        const trades = await exchange.watchTrades('BTC/USDT');
        note(trades.length, trades.map((t) => t.timestamp!));
      }
    }
    return { rowsPerSecond: rows / ((last - first) / 1000), latencyMs: median(latencies), addedUs: median(added) };
  } finally {
    await exchange.close();
    await sim.close();
  }
}

async function liveFigures(): Promise<void> {
  const feed: LiveFigures[] = [];
  const raw: LiveFigures[] = [];
  const show = (f: LiveFigures): string => `${f.rowsPerSecond.toFixed(0)} rows/s, ${f.latencyMs.toFixed(1)} ms from trade time, ${f.addedUs.toFixed(0)} µs after ccxt`;
  for (let run = 0; run < RUNS; run++) {
    raw.push(await liveRun('raw'));
    feed.push(await liveRun('feed'));
    console.log(`  run ${run + 1}: feed ${show(feed.at(-1)!)}; bare ccxt ${show(raw.at(-1)!)}`);
  }
  const m = (list: LiveFigures[], key: keyof LiveFigures): number => median(list.map((x) => x[key]));
  console.log(`live: feed ${m(feed, 'rowsPerSecond').toFixed(0)} rows/s vs bare ccxt ${m(raw, 'rowsPerSecond').toFixed(0)} rows/s (${(m(feed, 'rowsPerSecond') / m(raw, 'rowsPerSecond')).toFixed(3)}x) at 1,000 trades/s offered`);
  console.log(`live: median time from trade to consumer ${m(feed, 'latencyMs').toFixed(1)} ms vs ${m(raw, 'latencyMs').toFixed(1)} ms bare; the feed adds ${(m(feed, 'addedUs') - m(raw, 'addedUs')).toFixed(0)} µs per batch after ccxt hands it over (bare loop: ${m(raw, 'addedUs').toFixed(0)} µs)`);
}

console.log(`exchange benchmarks: ${RUNS} runs, allowed ${ALLOWED} req/s, ${PAGES} pages of 1000 candles; live ${LIVE_SECONDS} s per run (${join('bench', 'exchange-bench.ts')})`);
await backfillShare();
await liveFigures();
