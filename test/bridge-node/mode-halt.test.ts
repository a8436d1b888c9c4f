// HALT PROOF: the Redis `mode` flag, set by this test between backtest chunks, drives a real
// NautilusTrader node's RiskEngine through python/seamless_mode_actor.py (loaded from its
// ImportableActorConfig). python/mode_probe_node.py never touches the trading state; its probe
// strategy does the same cancel / limit BUY / market BUY / market SELL(half) at minute 5 of
// every 10-minute chunk. What the RiskEngine lets through in each chunk therefore shows the
// state the flag put it in:
//   chunk 1 active   -> all pass (long 50 000, one resting limit)
//   chunk 2 halt     -> the cancel passes, all three submits are denied "TradingState.HALTED"
//   chunk 3 reducing -> both BUYs denied (REDUCING and LONG), the reducing SELL fills
//   chunk 4 active   -> all pass again
// Every change is acked on nautilus:mode:acks and shows up as TradingStateChanged on the bus.
// A control run (flag left active, then set to garbage) shows no denial, no state change.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { busPayload, type Payload, pythonScript, readStream, startInteractive, textFields } from './node-process.js';
import { useRedisAndFolder } from './redis-and-folder.js';

const ACKS = 'nautilus:mode:acks';
const MINUTE_NS = 60_000_000_000n;

interface Chunk {
  chunk: number;
  start_ns: string;
  end_ns: string;
}

interface ProbeRun {
  chunks: Chunk[];
  /** Acks present when each chunk had finished, before the next flag change. */
  acksAfterChunk: number[];
  stderr: string;
  report: { orders: Array<{ client_order_id: string; side: string; status: string }> };
}

const env = useRedisAndFolder('seamless-mode-halt-');

beforeEach(async () => {
  await env.redis.flushall();
});

/** Runs the probe node; before chunk i+1 the test sets `mode` to modes[i]. */
async function runProbe(traderId: string, initialMode: string, modes: string[]): Promise<ProbeRun> {
  await env.redis.set('mode', initialMode);
  const reportPath = join(env.dir, `probe-${traderId}.json`);
  const node = startInteractive([
    pythonScript('mode_probe_node.py'),
    '--redis-port', String(env.server.port),
    '--trader-id', traderId,
    '--report', reportPath,
    '--chunks', String(modes.length + 1),
  ]);
  try {
    const chunks: Chunk[] = [];
    const acksAfterChunk: number[] = [];
    for (let i = 0; i <= modes.length; i++) {
      const line = (await node.nextJson()) as unknown as Chunk;
      assert.equal(line.chunk, i + 1);
      chunks.push(line);
      acksAfterChunk.push(await env.redis.xlen(ACKS));
      const mode = modes[i];
      if (mode !== undefined) {
        await env.redis.set('mode', mode);
        node.send('next');
      }
    }
    const done = await node.nextJson();
    assert.equal(done['done'], true);
    const { code, stderr } = await node.exited;
    assert.equal(code, 0, stderr.slice(-3000));
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as ProbeRun['report'];
    return { chunks, acksAfterChunk, stderr, report };
  } finally {
    node.kill();
  }
}

async function busEvents(key: string): Promise<Payload[]> {
  return (await readStream(env.redis, key)).map((entry) => busPayload(entry, 'msgpack').payload);
}

function chunkOf(chunks: Chunk[], ts: unknown): number {
  const t = BigInt(String(ts));
  const found = chunks.find((c) => BigInt(c.start_ns) <= t && t <= BigInt(c.end_ns));
  assert.ok(found, `timestamp ${String(ts)} is in no chunk`);
  return found.chunk;
}

describe('mode actor halt proof', () => {
  it('halt denies new orders but passes cancels, reducing denies only exposure, active restores; all acked', async () => {
    const traderId = 'TESTER-001';
    const run = await runProbe(traderId, 'active', ['halt', 'reducing', 'active']);
    const { chunks } = run;

    // Acks: one per observed value, written while the chunk that saw it ran (not before).
    assert.deepEqual(run.acksAfterChunk, [1, 2, 3, 4]);
    const acks = (await readStream(env.redis, ACKS)).map(textFields);
    assert.deepEqual(
      acks.map((a) => [a['mode'], a['state'], a['trader_id']]),
      [
        ['active', 'ACTIVE', traderId],
        ['halt', 'HALTED', traderId],
        ['reducing', 'REDUCING', traderId],
        ['active', 'ACTIVE', traderId],
      ],
    );
    for (const [i, ack] of acks.entries()) {
      assert.deepEqual(Object.keys(ack), ['mode', 'state', 'trader_id', 'ts_ns']);
      const chunk = chunks[i] as Chunk;
      const ts = BigInt(ack['ts_ns'] as string);
      // Seen before the probe acts at minute 5 of its chunk (simulated node time).
      assert.ok(BigInt(chunk.start_ns) - 1n <= ts && ts < BigInt(chunk.start_ns) + 5n * MINUTE_NS, `ack ${i} at ${ts}`);
    }

    // The RiskEngine itself published the changes on the bus (events.risk).
    const risk = await busEvents(`trader-${traderId}:stream:events.risk`);
    assert.deepEqual(risk.map((p) => [p['type'], p['state']]), [
      ['TradingStateChanged', 'HALTED'],
      ['TradingStateChanged', 'REDUCING'],
      ['TradingStateChanged', 'ACTIVE'],
    ]);
    assert.deepEqual(risk.map((p) => p['ts_event']), acks.slice(1).map((a) => a['ts_ns']));

    // What the probe's identical actions turned into, chunk by chunk.
    const events = await busEvents(`trader-${traderId}:stream:events.order.ModeProbeStrategy-001`);
    const outcome = (chunk: number, type: string) =>
      events.filter((p) => p['type'] === type && chunkOf(chunks, p['ts_init']) === chunk);
    const denied = (chunk: number) => outcome(chunk, 'OrderDenied').map((p) => p['reason']);

    assert.deepEqual(denied(1), []);
    assert.equal(outcome(1, 'OrderFilled').length, 2);
    assert.deepEqual(denied(2), ['TradingState.HALTED', 'TradingState.HALTED', 'TradingState.HALTED']);
    assert.equal(outcome(2, 'OrderFilled').length, 0);
    const canceled = outcome(2, 'OrderCanceled');
    assert.equal(canceled.length, 1, 'the cancel of the resting limit passes while HALTED');
    assert.equal(outcome(1, 'OrderAccepted').some((p) => p['client_order_id'] === canceled[0]?.['client_order_id']), true);
    assert.deepEqual(denied(3), ['BUY when TradingState.REDUCING and LONG EUR/USD.SIM', 'BUY when TradingState.REDUCING and LONG EUR/USD.SIM']);
    assert.deepEqual(outcome(3, 'OrderFilled').map((p) => p['order_side']), ['SELL']);
    assert.deepEqual(denied(4), []);
    assert.deepEqual(outcome(4, 'OrderFilled').map((p) => p['order_side']), ['BUY', 'SELL']);

    // The node's own report agrees: 5 denied orders, the chunk-1 limit canceled.
    const byStatus = (status: string) => run.report.orders.filter((o) => o.status === status).length;
    assert.equal(byStatus('DENIED'), 5);
    assert.equal(byStatus('CANCELED'), 1);
    assert.equal(byStatus('FILLED'), 5);
  });

  it('control: with the flag left active (then garbage) nothing is denied and the state never changes', async () => {
    const traderId = 'TESTER-002';
    const run = await runProbe(traderId, 'active', ['active', 'bogus']);
    const acks = (await readStream(env.redis, ACKS)).map(textFields);
    assert.deepEqual(acks.map((a) => [a['mode'], a['state']]), [['active', 'ACTIVE']]);
    assert.equal(await env.redis.exists(`trader-${traderId}:stream:events.risk`), 0);
    const events = await busEvents(`trader-${traderId}:stream:events.order.ModeProbeStrategy-001`);
    assert.equal(events.filter((p) => p['type'] === 'OrderDenied').length, 0);
    assert.equal(events.filter((p) => p['type'] === 'OrderFilled').length, 6);
    assert.match(run.stderr, /holds 'bogus', expected one of: active, reducing, halt; keeping ACTIVE/);
  });
});
