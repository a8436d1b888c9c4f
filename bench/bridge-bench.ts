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
 *   latency     a lean producer (paced-bus-producer.ts) in a worker thread paced at RATE
 *               events/s writes quotes whose ts_init is its wall clock just before sending;
 *               each XADD runs in a two-line script that also returns Redis's TIME, so every
 *               entry's moment of insertion is known to the microsecond.
 *               added latency = the bridge's publish reply − the source entry's insertion
 *               (what the bridge adds once the event is on the bus); beside it the end-to-end
 *               figure from ts_init (adds the producer's own send and round trip) and the
 *               floor: the same producer read by a bare XREAD loop, measured both ways.
 *               The first WARMUP seconds of events are not counted (steady state).
 *
 *   node dist/bench/bridge-bench.js   (BENCH_RUNS=3 BENCH_EVENTS=200000 BENCH_RATE=10000 BENCH_SECONDS=5
 *                                      BENCH_WARMUP_SECONDS=2 BENCH_BATCH=1000)
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { BridgeDaemon, type PublishedRecord } from '../src/bridge/bridge-daemon.js';
import { type RedisServer, startRedis } from '../test/helpers/redis-server.js';
import { busKey, encodePayload, quoteTick } from '../test/bridge/bus-payloads.js';
import { type PacedProducerJob, XADD_AND_TIME, producePaced } from './paced-bus-producer.js';
import { decodePayload } from '../src/bridge/bus-entry.js';
import { compareStreamIds } from '../src/bridge/stream-id.js';
import { median, percentile, redisBenchmark, wallMs } from './measure.js';
import { REPO_ROOT } from './repo-root.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
/** Seconds of paced events before the measured ones: a bridge runs for days, so its steady state is what counts (JIT, heap sizes). */
const WARMUP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000);
const SCALING = process.env['BENCH_SCALING'] !== '0';
const STREAMS = 4;

/** redis-benchmark XADD rate: `pipelined` = one client, 16 in flight; otherwise its defaults (50 clients, no pipelining). */
async function xaddCeiling(server: RedisServer, redis: Redis, pipelined: boolean): Promise<number | undefined> {
  const shape = pipelined ? ['-P', '16', '-c', '1'] : [];
  try {
    return (await redisBenchmark(server.port, [...shape, 'XADD', 'bench:ceiling', '*', 'f', 'v'], 200_000))?.[0];
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
async function runBridge(url: string, group: string, prefix: string, sources: string[], onPublished: (records: readonly PublishedRecord[], atMs: number) => boolean, onReady?: () => void): Promise<number> {
  const stop = new AbortController();
  const daemon = new BridgeDaemon(
    { redisUrl: url, sources, group, prefix, batchSize: BATCH, blockMs: 100, scanIntervalMs: 60_000, archive: false, maxLen: 0 },
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
  const seconds = await runBridge(server.url, `bench-${run}`, `t${run}:`, sources, (records) => (published += records.length) >= EVENTS);
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

/** The paced producer (paced-bus-producer.ts) runs in a worker thread: its own event loop and heap. */
interface ProducerJob {
  readonly url: string;
  readonly key: string;
  readonly total: number;
}

async function startProducer(redis: Redis, job: ProducerJob): Promise<Float64Array> {
  const sha = (await redis.script('LOAD', XADD_AND_TIME)) as string;
  const paced: PacedProducerJob = { port: Number(new URL(job.url).port), sha, key: job.key, total: job.total, rate: RATE };
  const producer = new Worker(new URL(import.meta.url), { workerData: paced });
  return new Promise<Float64Array>((resolve, reject) => {
    let insertedAt: Float64Array | undefined;
    producer.once('message', (times: Float64Array) => (insertedAt = times));
    producer.once('error', reject);
    producer.once('exit', (code) => (code === 0 && insertedAt ? resolve(insertedAt) : reject(new Error(`producer exited with ${code}`))));
  });
}

/**
 * Redis's clock minus ours (ms), from the middle of a TIME round trip: the insertion times
 * come from Redis, the publish and read times from this process.
 */
async function clockOffset(redis: Redis): Promise<number> {
  const offsets: number[] = [];
  for (let i = 0; i < 21; i++) {
    const before = wallMs();
    const [seconds, micros] = await redis.time();
    const after = wallMs();
    offsets.push(Number(seconds) * 1000 + Number(micros) / 1000 - (before + after) / 2);
  }
  return median(offsets);
}

/** Per event, in stream order: when it was seen (ms since the epoch) and its ts_init (ms). */
class Arrivals {
  readonly seenAt: Float64Array;
  readonly tsInit: Float64Array;
  count = 0;
  private lastId = '0-0';

  constructor(readonly total: number) {
    this.seenAt = new Float64Array(total);
    this.tsInit = new Float64Array(total);
  }

  get complete(): boolean {
    return this.count >= this.total;
  }

  add(entryId: string, atMs: number, tsInitNs: bigint): void {
    // One source stream read in order: the n-th arrival is the n-th insertion.
    if (compareStreamIds(entryId, this.lastId) <= 0) throw new Error(`entries out of order: ${entryId} after ${this.lastId}`);
    this.lastId = entryId;
    this.seenAt[this.count] = atMs;
    this.tsInit[this.count] = Number(tsInitNs / 1000n) / 1000;
    this.count++;
  }

  /** Added latency (from insertion) and end-to-end latency (from ts_init), after the first `skip` events (warm-up). */
  latencies(insertedAt: Float64Array, offsetMs: number, skip: number): Latency {
    if (insertedAt.length !== this.count) throw new Error(`${this.count} arrivals for ${insertedAt.length} insertions`);
    const added = Array.from(this.seenAt.subarray(skip), (at, i) => at + offsetMs - insertedAt[skip + i]!);
    const endToEnd = Array.from(this.seenAt.subarray(skip), (at, i) => at - this.tsInit[skip + i]!);
    return { added: percentiles(added), endToEnd: percentiles(endToEnd), gc: gcWithin(this.seenAt[skip]!, this.seenAt[this.count - 1]!) };
  }
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(latencies: number[]): Percentiles {
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1)! };
}

interface Latency {
  readonly added: Percentiles;
  readonly endToEnd: Percentiles;
  /** This process's garbage-collection pauses within the measured window. */
  readonly gc: GcPauses;
}

interface GcPauses {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

/** Every GC pause of this process's main thread (wall-clock start, duration), for the latency report. */
const gcPauses: [number, number][] = [];

/** Records GC pauses into gcPauses: only a latency part needs them (measurePart). */
function observeGcPauses(): PerformanceObserver {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push([performance.timeOrigin + entry.startTime, entry.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  return observer;
}

function gcWithin(fromMs: number, toMs: number): GcPauses {
  const inside = gcPauses.filter(([at]) => at >= fromMs && at <= toMs).map(([, ms]) => ms);
  return { count: inside.length, totalMs: inside.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...inside) };
}

/**
 * The floor under "added latency" on this machine right now: the same paced producer, read by a
 * bare XREAD BLOCK loop that only decodes ts_init (no group, no mapping, no publish).
 */
async function floorLatency(url: string, redis: Redis, run: number): Promise<Latency> {
  const key = busKey('data.quotes.SIM.FLOOR/USD', `FLOOR${run}`);
  const reader = new Redis(url);
  const arrivals = new Arrivals(RATE * (WARMUP + SECONDS));
  // Read from a marker entry written now: '$' would race with the reader's connection.
  let last = (await redis.xadd(key, '*', 'marker', '1'))!;
  let producerDone: Promise<Float64Array> | undefined;
  while (!arrivals.complete) {
    const reading = reader.callBuffer('XREAD', 'COUNT', 1000, 'BLOCK', 100, 'STREAMS', key, last) as Promise<[Buffer, [Buffer, Buffer[]][]][] | null>;
    producerDone ??= new Promise((resolve) => setTimeout(resolve, 50)).then(() => startProducer(redis, { url, key, total: arrivals.total }));
    const reply = await reading;
    const atMs = wallMs();
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      last = id.toString();
      const payload = decodePayload(fields[3]!).value as { ts_init: string };
      arrivals.add(last, atMs, BigInt(payload.ts_init));
    }
  }
  const insertedAt = await producerDone!;
  reader.disconnect();
  await redis.del(key);
  return arrivals.latencies(insertedAt, await clockOffset(redis), RATE * WARMUP);
}

async function latency(url: string, redis: Redis, run: number): Promise<Latency> {
  const key = busKey('data.quotes.SIM.LAT/USD', `LAT${run}`);
  await redis.xgroup('CREATE', key, `lat-${run}`, '$', 'MKSTREAM');
  const arrivals = new Arrivals(RATE * (WARMUP + SECONDS));
  const job: ProducerJob = { url, key, total: arrivals.total };
  let producerDone: Promise<Float64Array> | undefined;
  await runBridge(
    url,
    `lat-${run}`,
    `l${run}:`,
    [key],
    (records, atMs) => {
      for (const r of records) arrivals.add(r.entryId, atMs, BigInt(r.tsInit!));
      return arrivals.complete;
    },
    // The producer starts once the bridge reads: its start-up is not "added latency".
    () => (producerDone = startProducer(redis, job)),
  );
  const insertedAt = await producerDone!;
  const keys = await redis.keys(`l${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.del(key);
  return arrivals.latencies(insertedAt, await clockOffset(redis), RATE * WARMUP);
}

type LatencyPart = 'latency' | 'floor';

/**
 * Runs a latency measurement in a new node process (this file, BRIDGE_BENCH_PART set): a bridge
 * is a process of its own, and the throughput drain before it leaves this one's heap full of
 * old garbage whose collection would land in the measured window.
 */
function inFreshProcess(part: LatencyPart, url: string, run: number): Promise<Latency> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BRIDGE_BENCH_PART: part, BRIDGE_BENCH_URL: url, BRIDGE_BENCH_RUN: String(run) } });
  return new Promise<Latency>((resolve, reject) => {
    let result: Latency | undefined;
    child.once('message', (message) => (result = message as Latency));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${part} measurement exited with ${code}`))));
  });
}

async function measurePart(part: LatencyPart, url: string, run: number): Promise<void> {
  const gc = observeGcPauses();
  const redis = new Redis(url);
  try {
    const result = part === 'latency' ? await latency(url, redis, run) : await floorLatency(url, redis, run);
    await new Promise<void>((resolve, reject) => process.send!(result, (error: Error | null) => (error ? reject(error) : resolve())));
  } finally {
    gc.disconnect();
    redis.disconnect();
  }
}

const show = (p: Percentiles) => `p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, max ${p.max.toFixed(2)} ms`;
const k = (rate: number) => `${(rate / 1000).toFixed(1)} k`;

async function main(): Promise<void> {
  console.log(`bridge benchmark: ${RUNS} runs (median), ${EVENTS} quotes backlog over ${STREAMS} streams, batch ${BATCH}; latency at ${RATE}/s for ${SECONDS} s after ${WARMUP} s of warm-up; node ${process.version}`);
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    const rows: { pipelined?: number; plain?: number; drain: Drain; one?: number; two?: number; lat: Latency; floor: Latency }[] = [];
    await writeBacklog(redis);
    for (let run = 0; run < RUNS; run++) {
      const pipelined = await xaddCeiling(server, redis, true);
      const plain = await xaddCeiling(server, redis, false);
      const drain = await throughput(server, redis, run);
      const one = SCALING ? await scaling(server, redis, 1, run) : undefined;
      const two = SCALING ? await scaling(server, redis, 2, run) : undefined;
      const lat = await inFreshProcess('latency', server.url, run);
      const floor = await inFreshProcess('floor', server.url, run);
      rows.push({ ...(pipelined ? { pipelined } : {}), ...(plain ? { plain } : {}), drain, ...(one ? { one, two: two! } : {}), lat, floor });
      console.log(
        `run ${run + 1}: XADD ceiling ${pipelined ? k(pipelined) : '?'}/s (-c 1 -P 16), ${plain ? k(plain) : '?'}/s (default -c 50); ` +
          `bridge ${k(drain.rate)} events/s (CPU ${drain.nodeUs.toFixed(2)} µs/event node, ${drain.redisUs.toFixed(2)} µs/event Redis)` +
          (one ? `; CLI processes: 1 → ${k(one)}/s, 2 → ${k(two!)}/s` : '') +
          `; added latency at ${RATE}/s ${show(lat.added)} (end to end from ts_init ${show(lat.endToEnd)};` +
          ` GC pauses meanwhile ${lat.gc.count}, ${lat.gc.totalMs.toFixed(1)} ms in all, longest ${lat.gc.maxMs.toFixed(1)} ms)` +
          `; bare XREAD floor ${show(floor.added)} (from ts_init ${show(floor.endToEnd)})`,
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
    const ms = (pick: (row: (typeof rows)[number]) => number) => `${med(pick)!.toFixed(3)} ms`;
    console.log(`median: added latency at ${RATE} events/s (publish reply − insertion) p50 ${ms((r) => r.lat.added.p50)}, p99 ${ms((r) => r.lat.added.p99)} | target p99 <= 2 ms`);
    console.log(`median: end to end from ts_init p50 ${ms((r) => r.lat.endToEnd.p50)}, p99 ${ms((r) => r.lat.endToEnd.p99)}; bare XREAD floor from insertion p50 ${ms((r) => r.floor.added.p50)}, p99 ${ms((r) => r.floor.added.p99)}, from ts_init p99 ${ms((r) => r.floor.endToEnd.p99)}`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

const part = process.env['BRIDGE_BENCH_PART'] as LatencyPart | undefined;
if (!isMainThread) {
  const insertedAt = await producePaced(workerData as PacedProducerJob);
  parentPort!.postMessage(insertedAt, [insertedAt.buffer as ArrayBuffer]);
  parentPort!.close();
} else if (part) {
  await measurePart(part, process.env['BRIDGE_BENCH_URL']!, Number(process.env['BRIDGE_BENCH_RUN']));
  process.disconnect?.();
} else {
  await main();
}
