/**
 * Event bridge speed against a throwaway redis-server, beside Redis's own XADD ceiling
 * measured in the same run:
 *
 *   ceiling     redis-benchmark -n 200000 -c 1 -P 16 XADD (one C client, 16 commands in flight:
 *               what Redis alone sustains; the ratio uses this one) and, beside it, the
 *               default redis-benchmark XADD (-c 50, no pipelining)
 *   throughput  a backlog of N QuoteTick entries (msgpack, NautilusTrader's 1.221.0 layout,
 *               4 source streams) drained by one in-process bridge: events/s = N / time to
 *               publish all (decode + map + exact mid + publish-and-ack Lua, batches of --batch),
 *               plus CPU µs per event of this process (process.cpuUsage) and of Redis (INFO cpu)
 *   scaling     the same backlog drained by 1 and by 2 `seamless bridge` processes in one
 *               consumer group (BENCH_SCALING=0 skips it)
 *   latency     a producer in a worker thread (its own event loop) paced at RATE events/s
 *               (10 per ms) writes quotes whose ts_init is its wall clock just before the XADD;
 *               added latency = the bridge's publish reply − ts_init (includes the producer's
 *               XADD round trip); p50/p99 over DURATION
 *
 *   node dist/bench/bridge-bench.js   (BENCH_RUNS=3 BENCH_EVENTS=200000 BENCH_RATE=10000 BENCH_SECONDS=5 BENCH_BATCH=1000)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { BridgeDaemon, type PublishedRecord } from '../src/bridge/bridge-daemon.js';
import { type RedisServer, startRedis } from '../test/helpers/redis-server.js';
import { busKey, encodePayload, quoteTick } from '../test/bridge/bus-payloads.js';
import { decodePayload } from '../src/bridge/bus-entry.js';
import { median } from './measure.js';
import { REPO_ROOT } from './repo-root.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000);
const SCALING = process.env['BENCH_SCALING'] !== '0';
const STREAMS = 4;
const execFileAsync = promisify(execFile);

/** redis-benchmark XADD rate: `pipelined` = one client, 16 in flight; otherwise its defaults (50 clients, no pipelining). */
async function xaddCeiling(server: RedisServer, redis: Redis, pipelined: boolean): Promise<number | undefined> {
  const shape = pipelined ? ['-P', '16', '-c', '1'] : [];
  try {
    const { stdout } = await execFileAsync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(server.port), '-n', '200000', ...shape, '-q', '--csv', 'XADD', 'bench:ceiling', '*', 'f', 'v']);
    const line = stdout.trim().split('\n').at(-1) ?? '';
    return Number(line.split(',')[1]?.replace(/"/g, ''));
  } catch {
    return undefined;
  } finally {
    await redis.del('bench:ceiling');
  }
}

/** Redis' own CPU seconds so far (user + sys), from INFO cpu. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
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
async function runBridge(server: RedisServer, group: string, prefix: string, sources: string[], onPublished: (records: readonly PublishedRecord[], atMs: number) => boolean, onReady?: () => void): Promise<number> {
  const stop = new AbortController();
  const daemon = new BridgeDaemon(
    { redisUrl: server.url, sources, group, prefix, batchSize: BATCH, blockMs: 100, scanIntervalMs: 60_000, archive: false, maxLen: 0 },
    { onPublished: (records, at) => (onPublished(records, at) ? stop.abort() : undefined), log: () => {} },
  );
  const started = performance.now();
  const running = daemon.run(stop.signal);
  if (onReady) {
    // Ready = connected and reading (the first loop turn marks it healthy), plus a settling moment.
    while (!daemon.isHealthy()) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    onReady();
  }
  await running;
  const seconds = (performance.now() - started) / 1000;
  await daemon.close();
  return seconds;
}

interface Drain {
  readonly rate: number;
  /** CPU µs per event: the bridge's process and Redis. */
  readonly nodeUs: number;
  readonly redisUs: number;
}

async function throughput(server: RedisServer, redis: Redis, run: number): Promise<Drain> {
  let published = 0;
  const sources = Array.from({ length: STREAMS }, (_, i) => busKey(topicOf(i), 'BENCH'));
  const redisBefore = await redisCpuSeconds(redis);
  const cpuBefore = process.cpuUsage();
  const seconds = await runBridge(server, `bench-${run}`, `t${run}:`, sources, (records) => (published += records.length) >= EVENTS);
  const cpu = process.cpuUsage(cpuBefore);
  const redisUs = ((await redisCpuSeconds(redis)) - redisBefore) * 1e6;
  const keys = await redis.keys(`t${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  return { rate: EVENTS / seconds, nodeUs: (cpu.user + cpu.system) / EVENTS, redisUs: redisUs / EVENTS };
}

/**
 * Drains the backlog with `processes` `seamless bridge` processes in one new consumer group;
 * events/s from start until the published streams hold every event (polled every 20 ms).
 */
async function scaling(server: RedisServer, redis: Redis, processes: number, run: number): Promise<number> {
  const sources = Array.from({ length: STREAMS }, (_, i) => busKey(topicOf(i), 'BENCH'));
  const prefix = `s${processes}-${run}:`;
  const group = `scale-${processes}-${run}`;
  // Create the group first so no process starts after another already took entries.
  for (const key of sources) await redis.xgroup('CREATE', key, group, '0');
  const cli = join(REPO_ROOT, 'bin', 'seamless');
  const children: ChildProcess[] = [];
  const started = performance.now();
  for (let i = 0; i < processes; i++) {
    const args = [cli, 'bridge', '--redis', server.url, '--streams', sources.join(','), '--group', group, '--consumer', `c${i}`, '--prefix', prefix, '--batch', String(BATCH), '--block-ms', '100', '--no-archive', '--max-len', '0', '--scan-interval', '60s'];
    children.push(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] }));
  }
  const dests = Array.from({ length: STREAMS }, (_, i) => `${prefix}market.raw.SIM.SYM${i}/USD`);
  let seconds = 0;
  try {
    for (;;) {
      const pipeline = redis.pipeline();
      for (const d of dests) pipeline.xlen(d);
      const total = ((await pipeline.exec()) ?? []).reduce((sum, [, n]) => sum + Number(n), 0);
      if (total >= EVENTS) {
        seconds = (performance.now() - started) / 1000;
        break;
      }
      if (performance.now() - started > 300_000) throw new Error(`scaling run with ${processes} processes did not finish in 300 s (${total} of ${EVENTS})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)))));
  }
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  return EVENTS / seconds;
}

/** The paced producer, run in a worker thread so its pacing does not share the bridge's event loop. */
interface ProducerJob {
  readonly url: string;
  readonly key: string;
  readonly total: number;
}

async function produce(job: ProducerJob): Promise<void> {
  const redis = new Redis(job.url);
  const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  const perTick = Math.max(1, Math.round(RATE / 1000));
  let sent = 0;
  const started = performance.now();
  while (sent < job.total) {
    // Keep to the schedule: send what is due by now (10 per ms at 10 k/s), then yield.
    const due = Math.min(job.total, Math.floor(((performance.now() - started) * RATE) / 1000) + perTick);
    const pipeline = redis.pipeline();
    for (; sent < due; sent++) {
      const payload = quoteTick({ instrumentId: 'LAT/USD.SIM', bid: '1.10000', ask: '1.10002', tsInit: wallNs() });
      pipeline.xadd(job.key, '*', 'topic', 'data.quotes.SIM.LAT/USD', 'payload', encodePayload(payload, 'msgpack'));
    }
    await pipeline.exec();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  redis.disconnect();
}

function startProducer(job: ProducerJob): Promise<void> {
  const producer = new Worker(new URL(import.meta.url), { workerData: job });
  return new Promise<void>((resolve, reject) => {
    producer.once('error', reject);
    producer.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`producer exited with ${code}`))));
  });
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(latencies: number[]): Percentiles {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1)! };
}

/**
 * The floor under "added latency" on this machine right now: the same paced producer, read by a
 * bare XREAD BLOCK loop that only decodes ts_init (no group, no mapping, no publish).
 */
async function floorLatency(server: RedisServer, run: number): Promise<Percentiles> {
  const key = busKey('data.quotes.SIM.FLOOR/USD', `FLOOR${run}`);
  const reader = new Redis(server.url);
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  let last = '$';
  let producerDone: Promise<void> | undefined;
  while (latencies.length < total) {
    const reading = reader.callBuffer('XREAD', 'COUNT', 1000, 'BLOCK', 100, 'STREAMS', key, last) as Promise<[Buffer, [Buffer, Buffer[]][]][] | null>;
    producerDone ??= new Promise((resolve) => setTimeout(resolve, 50)).then(() => startProducer({ url: server.url, key, total }));
    const reply = await reading;
    const atMs = performance.timeOrigin + performance.now();
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      last = id.toString();
      const payload = decodePayload(fields[3]!).value as { ts_init: string };
      latencies.push(atMs - Number(BigInt(payload.ts_init) / 1000n) / 1000);
    }
  }
  await producerDone;
  reader.disconnect();
  return percentiles(latencies);
}

async function latency(server: RedisServer, redis: Redis, run: number): Promise<Percentiles> {
  const key = busKey('data.quotes.SIM.LAT/USD', `LAT${run}`);
  await redis.xgroup('CREATE', key, `lat-${run}`, '$', 'MKSTREAM');
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  const job: ProducerJob = { url: server.url, key, total };
  let producerDone: Promise<void> = Promise.resolve();
  await runBridge(
    server,
    `lat-${run}`,
    `l${run}:`,
    [key],
    (records, atMs) => {
      for (const r of records) latencies.push(atMs - Number(BigInt(r.tsInit!) / 1000n) / 1000);
      return latencies.length >= total;
    },
    // The producer starts once the bridge reads: its start-up is not "added latency".
    () => (producerDone = startProducer(job)),
  );
  await producerDone;
  const keys = await redis.keys(`l${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  return percentiles(latencies);
}

const k = (rate: number) => `${(rate / 1000).toFixed(1)} k`;

async function main(): Promise<void> {
  console.log(`bridge benchmark: ${RUNS} runs (median), ${EVENTS} quotes backlog over ${STREAMS} streams, batch ${BATCH}; latency at ${RATE}/s for ${SECONDS} s; node ${process.version}`);
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    const rows: { pipelined?: number; plain?: number; drain: Drain; one?: number; two?: number; lat: Percentiles; floor: Percentiles }[] = [];
    await writeBacklog(redis);
    for (let run = 0; run < RUNS; run++) {
      const pipelined = await xaddCeiling(server, redis, true);
      const plain = await xaddCeiling(server, redis, false);
      const drain = await throughput(server, redis, run);
      const one = SCALING ? await scaling(server, redis, 1, run) : undefined;
      const two = SCALING ? await scaling(server, redis, 2, run) : undefined;
      const lat = await latency(server, redis, run);
      const floor = await floorLatency(server, run);
      rows.push({ ...(pipelined ? { pipelined } : {}), ...(plain ? { plain } : {}), drain, ...(one ? { one, two: two! } : {}), lat, floor });
      console.log(
        `run ${run + 1}: XADD ceiling ${pipelined ? k(pipelined) : '?'}/s (-c 1 -P 16), ${plain ? k(plain) : '?'}/s (default -c 50); ` +
          `bridge ${k(drain.rate)} events/s (CPU ${drain.nodeUs.toFixed(2)} µs/event node, ${drain.redisUs.toFixed(2)} µs/event Redis)` +
          (one ? `; CLI processes: 1 → ${k(one)}/s, 2 → ${k(two!)}/s` : '') +
          `; latency at ${RATE}/s p50 ${lat.p50.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms, max ${lat.max.toFixed(2)} ms` +
          ` (bare XREAD floor: p50 ${floor.p50.toFixed(3)} ms, p99 ${floor.p99.toFixed(3)} ms)`,
      );
    }
    const med = (pick: (row: (typeof rows)[number]) => number | undefined) => {
      const values = rows.map(pick).filter((v): v is number => v !== undefined);
      return values.length ? median(values) : undefined;
    };
    const rate = med((r) => r.drain.rate)!;
    const pipelined = med((r) => r.pipelined);
    const plain = med((r) => r.plain);
    const ratio = (ceiling: number | undefined, what: string) => (ceiling ? `${((100 * rate) / ceiling).toFixed(0)}% of ${what} ${k(ceiling)}/s` : `${what} not measured`);
    console.log(`median: bridge ${k(rate)} events/s = ${ratio(pipelined, 'redis-benchmark XADD -c 1 -P 16')} (${ratio(plain, 'default redis-benchmark XADD')}); CPU ${med((r) => r.drain.nodeUs)!.toFixed(2)} µs/event node + ${med((r) => r.drain.redisUs)!.toFixed(2)} µs/event Redis`);
    if (SCALING) console.log(`median: seamless bridge processes in one group: 1 → ${k(med((r) => r.one)!)}/s, 2 → ${k(med((r) => r.two)!)}/s`);
    console.log(`median: added latency at ${RATE} events/s p50 ${med((r) => r.lat.p50)!.toFixed(3)} ms, p99 ${med((r) => r.lat.p99)!.toFixed(3)} ms; bare XREAD floor p50 ${med((r) => r.floor.p50)!.toFixed(3)} ms, p99 ${med((r) => r.floor.p99)!.toFixed(3)} ms`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

if (isMainThread) await main();
else {
  await produce(workerData as ProducerJob);
  parentPort?.close();
}
