/**
 * Event bridge speed against a throwaway redis-server, beside Redis's own XADD ceiling
 * measured in the same run:
 *
 *   ceiling     redis-benchmark -n 200000 -P 16 XADD (one C client, 16 commands in flight)
 *   throughput  a backlog of N QuoteTick entries (msgpack, NautilusTrader's 1.221.0 layout,
 *               4 source streams) drained by one bridge: events/s = N / time to publish all
 *               (decode + map + exact mid + publish-and-ack Lua, batches of --batch)
 *   latency     a producer paced at RATE events/s (10 per ms) writes quotes whose ts_init is its
 *               wall clock at the XADD; added latency = the bridge's publish reply − ts_init
 *               (includes the producer's XADD round trip); p50/p99 over DURATION
 *
 *   node dist/bench/bridge-bench.js   (BENCH_RUNS=3 BENCH_EVENTS=200000 BENCH_RATE=10000 BENCH_SECONDS=5)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { BridgeDaemon, type PublishedRecord } from '../src/bridge/bridge-daemon.js';
import { type RedisServer, startRedis } from '../test/helpers/redis-server.js';
import { busKey, encodePayload, quoteTick } from '../test/bridge/bus-payloads.js';
import { median } from './measure.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000);
const STREAMS = 4;
const execFileAsync = promisify(execFile);

async function xaddCeiling(server: RedisServer): Promise<number | undefined> {
  try {
    const { stdout } = await execFileAsync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(server.port), '-n', '200000', '-P', '16', '-c', '1', '-q', '--csv', 'XADD', 'bench:ceiling', '*', 'f', 'v']);
    const line = stdout.trim().split('\n').at(-1) ?? '';
    return Number(line.split(',')[1]?.replace(/"/g, ''));
  } catch {
    return undefined;
  }
}

const topicOf = (i: number) => `data.quotes.SIM.SYM${i % STREAMS}/USD`;

/** Writes the backlog once; every run reads it with a fresh consumer group. */
async function writeBacklog(redis: Redis): Promise<void> {
  for (let start = 0; start < EVENTS; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(EVENTS, start + 10_000); i++) {
      const payload = quoteTick({ instrumentId: `SYM${i % STREAMS}/USD.SIM`, bid: `1.${String(10000 + (i % 50000)).padStart(5, '0')}`, ask: `1.${String(10003 + (i % 50000)).padStart(5, '0')}`, tsInit: 1_700_000_000_000_000_000n + BigInt(i) });
      pipeline.xadd(busKey(topicOf(i), 'BENCH'), '*', 'topic', topicOf(i), 'payload', encodePayload(payload, 'msgpack'));
    }
    await pipeline.exec();
  }
}

/** Runs a bridge until `done` says so; returns seconds. */
async function runBridge(server: RedisServer, group: string, prefix: string, sources: string[], onPublished: (records: readonly PublishedRecord[], atMs: number) => boolean): Promise<number> {
  const stop = new AbortController();
  const daemon = new BridgeDaemon(
    { redisUrl: server.url, sources, group, prefix, batchSize: BATCH, blockMs: 100, scanIntervalMs: 60_000, archive: false, maxLen: 0 },
    { onPublished: (records, at) => (onPublished(records, at) ? stop.abort() : undefined), log: () => {} },
  );
  const started = performance.now();
  await daemon.run(stop.signal);
  const seconds = (performance.now() - started) / 1000;
  await daemon.close();
  return seconds;
}

async function throughput(server: RedisServer, redis: Redis, run: number): Promise<number> {
  let published = 0;
  const sources = Array.from({ length: STREAMS }, (_, i) => busKey(topicOf(i), 'BENCH'));
  const seconds = await runBridge(server, `bench-${run}`, `t${run}:`, sources, (records) => (published += records.length) >= EVENTS);
  const keys = await redis.keys(`t${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  return EVENTS / seconds;
}

async function latency(server: RedisServer, redis: Redis, run: number): Promise<{ p50: number; p99: number; max: number; sent: number }> {
  const key = busKey('data.quotes.SIM.LAT/USD', `LAT${run}`);
  await redis.xgroup('CREATE', key, `lat-${run}`, '$', 'MKSTREAM');
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  const perTick = Math.max(1, Math.round(RATE / 1000));
  let sent = 0;
  const producer = (async () => {
    const started = performance.now();
    while (sent < total) {
      // Keep to the schedule: send what is due by now (10 per ms at 10 k/s), then yield.
      const due = Math.min(total, Math.floor(((performance.now() - started) * RATE) / 1000) + perTick);
      const pipeline = redis.pipeline();
      for (; sent < due; sent++) {
        const payload = quoteTick({ instrumentId: 'LAT/USD.SIM', bid: '1.10000', ask: '1.10002', tsInit: wallNs() });
        pipeline.xadd(key, '*', 'topic', 'data.quotes.SIM.LAT/USD', 'payload', encodePayload(payload, 'msgpack'));
      }
      await pipeline.exec();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  await runBridge(server, `lat-${run}`, `l${run}:`, [key], (records, atMs) => {
    for (const r of records) latencies.push(atMs - Number(BigInt(r.tsInit!) / 1000n) / 1000);
    return latencies.length >= total;
  });
  await producer;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const keys = await redis.keys(`l${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1)!, sent };
}

async function main(): Promise<void> {
  console.log(`bridge benchmark: ${RUNS} runs (median), ${EVENTS} quotes backlog over ${STREAMS} streams, batch ${BATCH}; latency at ${RATE}/s for ${SECONDS} s; node ${process.version}`);
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    const ceilings: number[] = [];
    const rates: number[] = [];
    const p99s: number[] = [];
    const p50s: number[] = [];
    await writeBacklog(redis);
    for (let run = 0; run < RUNS; run++) {
      const ceiling = await xaddCeiling(server);
      if (ceiling) ceilings.push(ceiling);
      const rate = await throughput(server, redis, run);
      rates.push(rate);
      const lat = await latency(server, redis, run);
      p50s.push(lat.p50);
      p99s.push(lat.p99);
      console.log(`run ${run + 1}: XADD ceiling ${ceiling ? (ceiling / 1000).toFixed(0) : '?'} k/s; bridge ${(rate / 1000).toFixed(1)} k events/s; latency at ${RATE}/s p50 ${lat.p50.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms, max ${lat.max.toFixed(2)} ms`);
    }
    const ceiling = ceilings.length ? median(ceilings) : undefined;
    const rate = median(rates);
    console.log(`median: bridge ${(rate / 1000).toFixed(1)} k events/s` + (ceiling ? ` = ${((100 * rate) / ceiling).toFixed(0)}% of redis-benchmark XADD ${(ceiling / 1000).toFixed(0)} k/s` : ' (redis-benchmark not found)') + `; p50 ${median(p50s).toFixed(3)} ms, p99 ${median(p99s).toFixed(3)} ms added latency at ${RATE} events/s`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

await main();
