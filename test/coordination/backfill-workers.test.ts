/**
 * Many workers, one fetch per range: several worker processes backfill the same range of
 * the same series from the exchange simulator into one shared catalog, coordinated by
 * Redis leases. Every bar is fetched from the exchange once and stored once, and every
 * worker answers with the whole range. Then the coordinator goes away, and each outage
 * policy does what it says, visibly.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Catalog } from '../../src/catalog/catalog.js';
import { buildProvider } from '../../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE, type CoordinationConfig, type ProviderConfig } from '../../src/seamless/provider-config.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { seamlessError } from '../helpers/seamless-assertions.js';
import { scratchDir } from '../helpers/seamless-setup.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

const run = promisify(execFile);
const MS = 1_000_000n;
const MINUTE = 60_000;
const NOW = Date.UTC(2024, 0, 5, 0, 0, 30);
const NODE = 'ohlcv:binance:BTC/USDT:1m';
const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const START = Date.UTC(2024, 0, 3, 0, 0);
const BARS = 1200;
const CHUNK = 100;

describe('backfill workers coordinated through Redis', () => {
  let redis: RedisServer;
  let sim: BinanceSim;

  before(async () => {
    redis = await startRedis();
    sim = await startBinanceSim({ market: 'spot', clock: () => NOW });
  });
  after(async () => {
    await sim.close();
    await redis.stop();
  });

  const klineRequests = (): number => sim.stats.requestsTo('/klines');

  it('four processes over one range: each chunk fetched once, each bar stored once, every worker gets all bars', async () => {
    const catalog = join(await scratchDir(), 'shared-catalog');
    const before = klineRequests();
    const input = { catalog, restUrl: sim.restUrl, redisUrl: redis.url, nodeId: NODE, start: String(BigInt(START) * MS), end: String(BigInt(START + BARS * MINUTE) * MS), nowMs: NOW, chunkBars: CHUNK };
    const worker = join(REPO_ROOT, 'dist', 'test', 'support', 'coordination', 'backfill-worker.js');
    const results = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, [worker, JSON.stringify(input)], { timeout: 60_000 })));
    const reports = results.map((r) => JSON.parse(r.stdout.trim()) as { rows: number; fetched: number; joined: number; first: string; last: string });
    for (const report of reports) {
      assert.equal(report.rows, BARS);
      assert.equal(report.first, String(BigInt(START + MINUTE) * MS));
      assert.equal(report.last, String(BigInt(START + BARS * MINUTE) * MS));
    }
    const chunks = BARS / CHUNK;
    assert.equal(reports.reduce((n, r) => n + r.fetched, 0), chunks, `fetched per worker: ${reports.map((r) => r.fetched).join(', ')}`);
    assert.equal(klineRequests() - before, chunks, 'one klines request per chunk, across all workers');

    const stored = await Catalog.open(catalog);
    const bars = await stored.readAll('bar', BAR_TYPE);
    assert.equal(bars?.length, BARS);
    assert.equal(new Set(Array.from(bars!.columns.ts_init, String)).size, BARS, 'no bar stored twice');
    const intervals = await stored.intervals('bar', BAR_TYPE);
    assert.equal(intervals.length, chunks, 'one file per chunk');
  });

  function config(catalog: string, coordination: CoordinationConfig): ProviderConfig {
    return {
      strategy: 'AUTO_BACKFILL',
      storage: { kind: 'catalog', path: catalog, width: 16 },
      backfill: { source: { kind: 'ccxt', restUrl: sim.restUrl }, policy: { ...DEFAULT_BACKFILL_POLICY, maxAttempts: 1 } },
      coordination,
      cache: DEFAULT_CACHE,
      conformance: {},
      stabilizationBars: 0,
    };
  }

  it('with Redis down, each outage policy acts and says so: fail, skip, local-only', async () => {
    const down = await startRedis({ password: 'hunter2-secret' });
    const redisUrl = down.url;
    await down.kill();
    const range = { start: BigInt(START) * MS, end: BigInt(START + 30 * MINUTE) * MS };
    const base = { redisUrl, requestsPerSecond: 100, burst: 10, leaseTtlMs: 5000 };
    const clock = { clock: () => BigInt(NOW) * MS };

    const failing = await buildProvider(config(join(await scratchDir(), 'c'), { ...base, onOutage: 'fail' }), clock);
    try {
      const error = await failing.fetch(NODE, range).then(() => undefined, (e: unknown) => e);
      seamlessError('SEAMLESS_COORDINATOR_DOWN', /127\.0\.0\.1:\d+/)(error);
      assert.doesNotMatch(String((error as Error).message), /hunter2/);
    } finally {
      await failing.close();
    }

    const skipping = await buildProvider({ ...config(join(await scratchDir(), 'c'), { ...base, onOutage: 'skip' }), strategy: 'AUTO_BACKFILL' }, clock);
    try {
      const result = await skipping.fetch(NODE, range);
      assert.equal(result.meta.rows, 0);
      assert.equal(result.meta.backfill.skipped.length, 1);
      assert.match(result.meta.backfill.skipped[0]!.reason, /backfill lease for ohlcv:binance:BTC\/USDT:1m .*coordinator|Redis/i);
      assert.deepEqual(result.meta.coverage.missing, [range]);
    } finally {
      await skipping.close();
    }

    const before = klineRequests();
    const local = await buildProvider(config(join(await scratchDir(), 'c'), { ...base, onOutage: 'local-only' }), clock);
    try {
      const result = await local.fetch(NODE, range);
      assert.equal(result.meta.rows, 30);
      assert.ok(klineRequests() > before);
    } finally {
      await local.close();
    }
  });
});
