// The bridge as a real process (`bin/seamless bridge`): SIGKILL mid-stream and a restart lose
// nothing and duplicate nothing (the new process re-claims the dead one's pending entries),
// and two processes in one consumer group share the work without duplicates.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { verifyArchive } from '../../src/bridge/fill-archive.js';
import { BridgeKeys } from '../../src/bridge/keys.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import * as bus from './bus-payloads.js';
import { client, drained, readStream, waitFor } from './harness.js';

let server: RedisServer;
let redis: Redis;
const children = new Set<ChildProcess>();

before(async () => {
  server = await startRedis();
  redis = client(server.url);
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  redis.disconnect();
  await server.stop();
});
beforeEach(() => redis.flushall());

interface BridgeProcess {
  readonly child: ChildProcess;
  /** Resolves with stdout once the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Its /metrics address once it printed one (with --metrics-port). */
  metricsUrl(): string | undefined;
}

function spawnBridge(...extra: string[]): BridgeProcess {
  const args = [join(REPO_ROOT, 'bin', 'seamless'), 'bridge', '--redis', server.url, '--streams', 'trader-*:stream*', '--scan-interval', '200ms', '--claim-interval', '200ms', '--claim-idle', '1s', '--block-ms', '100', '--batch', '100', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let metricsUrl: string | undefined;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
    metricsUrl ??= /"event":"metrics","url":"([^"]+)"/.exec(stderr)?.[1];
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited, metricsUrl: () => metricsUrl };
}

/** How many entries a bridge acknowledged so far, from its /metrics (0 before it serves them). */
async function processedSoFar(bridge: BridgeProcess): Promise<number> {
  const url = bridge.metricsUrl();
  if (url === undefined) return 0;
  const text = await (await fetch(url)).text();
  return Number(/^nautilus_bridge_events_processed(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

const FILL_STREAMS = ['events.fills.EUR/USD.SIM', 'events.fills.GBP/USD.SIM'];
const QUOTE_STREAMS = ['data.quotes.SIM.EUR/USD', 'data.quotes.SIM.GBP/USD'];

/** Writes `fills` fills and `quotes` quotes spread over four streams, in chunks, over time. */
function produce(fills: number, quotes: number, chunk = 250, pauseMs = 20): Promise<void> {
  return produceMore(0, 0, fills, quotes, chunk, pauseMs);
}

/** Like produce, numbering on after `fromFill` fills and `fromQuote` quotes already written. */
async function produceMore(fromFill: number, fromQuote: number, fills: number, quotes: number, chunk = 250, pauseMs = 20): Promise<void> {
  let f = fromFill;
  let q = fromQuote;
  fills += fromFill;
  quotes += fromQuote;
  while (f < fills || q < quotes) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < chunk && f < fills; i++, f++) {
      const topic = FILL_STREAMS[f % 2]!;
      const instrumentId = f % 2 ? 'GBP/USD.SIM' : 'EUR/USD.SIM';
      const payload = bus.orderFilled({ instrumentId, clientOrderId: `O-${f}`, venueOrderId: `V-${f}`, tradeId: `T-${f}`, side: f % 3 ? 'BUY' : 'SELL', qty: '1000', px: '1.10001', commission: '0.02 USD' });
      pipeline.xadd(bus.busKey(topic), '*', 'topic', topic, 'payload', bus.encodePayload(payload, 'msgpack'));
    }
    for (let i = 0; i < chunk && q < quotes; i++, q++) {
      const topic = QUOTE_STREAMS[q % 2]!;
      const payload = bus.quoteTick({ instrumentId: q % 2 ? 'GBP/USD.SIM' : 'EUR/USD.SIM', bid: '1.10000', ask: '1.10002', tsInit: 1_700_000_000_000_000_000n + BigInt(q) });
      pipeline.xadd(bus.busKey(topic), '*', 'topic', topic, 'payload', bus.encodePayload(payload, 'json'));
    }
    await pipeline.exec();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

const sources = () => [...FILL_STREAMS, ...QUOTE_STREAMS].map((topic) => bus.busKey(topic));

/** How many consumers `group` has on `key` (0 while the group does not exist). */
async function consumers(key: string, group: string): Promise<number> {
  return ((await redis.xinfo('CONSUMERS', key, group).catch(() => [])) as unknown[]).length;
}

/** Every fill and quote exactly once in the domain streams, and the archive complete and intact. */
async function assertExactlyOnce(fills: number, quotes: number): Promise<void> {
  const published = await readStream(redis, 'exec:fills');
  const tradeIds = published.map((e) => e.fields['fill_id']!);
  assert.equal(new Set(tradeIds).size, tradeIds.length, 'no fill duplicated');
  assert.equal(tradeIds.length, fills, 'no fill lost');
  const quoteIds: string[] = [];
  for (const key of ['market.raw.SIM.EUR/USD', 'market.raw.SIM.GBP/USD']) quoteIds.push(...(await readStream(redis, key)).map((e) => e.fields['ts_init']!));
  assert.equal(new Set(quoteIds).size, quoteIds.length, 'no quote duplicated');
  assert.equal(quoteIds.length, quotes, 'no quote lost');
  await waitFor('the archive', async () => (await redis.xlen('exec:fills:archive')) >= fills, 20_000);
  assert.deepEqual(await verifyArchive(redis, new BridgeKeys()), { ok: true, entries: fills });
}

describe('bridge processes', () => {
  it('SIGKILL mid-stream, then a restart: nothing lost, nothing duplicated', { timeout: 120_000 }, async () => {
    const FILLS = 3000;
    const QUOTES = 6000;
    const first = spawnBridge();
    const producing = produce(FILLS, QUOTES);
    await waitFor('the first bridge to publish part of the stream', async () => (await redis.xlen('exec:fills')) > 300, 30_000);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    const pendingAtKill = Number(((await redis.xpending(bus.busKey(FILL_STREAMS[0]!), 'seamless-bridge')) as [number])[0]);
    await producing;
    const second = spawnBridge();
    await waitFor('the restarted bridge to drain everything', () => drained(redis, 'seamless-bridge', sources()), 60_000);
    await assertExactlyOnce(FILLS, QUOTES);
    second.child.kill('SIGTERM');
    const stopped = await second.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    const summary = JSON.parse(stopped.stdout.trim()) as { processed: number };
    assert.ok(summary.processed > 0 && summary.processed < FILLS + QUOTES, `the restarted bridge resumed where the first stopped (processed ${summary.processed})`);
    console.log(`# pending entries of the killed bridge on one stream: ${pendingAtKill}; the restart processed ${summary.processed}`);
  });

  it('two processes share one consumer group without duplicates', { timeout: 120_000 }, async () => {
    // Empty source streams for the bridges to find, then both consumers in the group before the
    // first entry: otherwise the one that starts first may drain everything on its own.
    for (const key of sources()) await redis.multi().xadd(key, '*', 'probe', '1').xtrim(key, 'MAXLEN', 0).exec();
    const a = spawnBridge('--metrics-port', '0');
    const b = spawnBridge('--metrics-port', '0');
    await waitFor('both bridges to join the group on every stream', async () => {
      for (const key of sources()) if ((await consumers(key, 'seamless-bridge')) < 2) return false;
      return true;
    }, 30_000);
    // 2000 fills and 4000 quotes, then more of both while one bridge has not acknowledged any yet
    // (it was descheduled while the other drained the streams), for at most 30 s.
    let FILLS = 2000;
    let QUOTES = 4000;
    await produce(FILLS, QUOTES, 100, 10);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && ((await processedSoFar(a)) === 0 || (await processedSoFar(b)) === 0)) {
      await produceMore(FILLS, QUOTES, 20, 40);
      FILLS += 20;
      QUOTES += 40;
    }
    await waitFor('the group to drain', () => drained(redis, 'seamless-bridge', sources()), 60_000);
    await assertExactlyOnce(FILLS, QUOTES);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const [ra, rb] = await Promise.all([a.exited, b.exited]);
    const pa = (JSON.parse(ra.stdout.trim()) as { processed: number }).processed;
    const pb = (JSON.parse(rb.stdout.trim()) as { processed: number }).processed;
    assert.ok(pa > 0 && pb > 0, `both processes did part of the work (${pa} + ${pb})`);
    assert.equal(pa + pb, FILLS * 1 + QUOTES, 'every entry acknowledged by exactly one of them');
  });
});
