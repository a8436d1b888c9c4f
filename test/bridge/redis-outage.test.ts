// Redis going away under a running bridge: it counts errors, logs the outage once (without the
// password), never crashes, and resumes by itself: with persistence from where it stopped,
// without persistence by creating its consumer groups again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import * as bus from './bus-payloads.js';
import { client, drained, readStream, startBridge, waitFor } from './harness.js';

const PASSWORD = 's3cret/pw@x';
const KEY = bus.busKey('events.fills.EUR/USD.SIM');

async function writeFills(server: RedisServer, from: number, to: number): Promise<void> {
  const redis = client(server.url);
  try {
    const pipeline = redis.pipeline();
    for (let i = from; i < to; i++) {
      const payload = bus.orderFilled({ instrumentId: 'EUR/USD.SIM', clientOrderId: `O-${i}`, venueOrderId: 'V', tradeId: `T-${i}`, side: 'BUY', qty: '1', px: '1.5', commission: '0.00 USD' });
      pipeline.xadd(KEY, '*', 'topic', 'events.fills.EUR/USD.SIM', 'payload', bus.encodePayload(payload, 'json'));
    }
    await pipeline.exec();
  } finally {
    redis.disconnect();
  }
}

async function publishedFills(server: RedisServer): Promise<string[]> {
  const redis = client(server.url);
  try {
    return (await readStream(redis, 'exec:fills')).map((e) => e.fields['fill_id']!);
  } finally {
    redis.disconnect();
  }
}

for (const appendonly of [true, false]) {
  describe(`redis outage (${appendonly ? 'data kept' : 'data lost'})`, () => {
    it('recovers by itself after Redis is stopped and started again', { timeout: 60_000 }, async () => {
      const server = await startRedis({ appendonly, password: PASSWORD });
      const bridge = startBridge({ redisUrl: server.url, claimMinIdleMs: 500 });
      try {
        await writeFills(server, 0, 100);
        await waitFor('the first fills', async () => (await publishedFills(server)).length === 100);
        await server.kill();
        await waitFor('errors to be counted', async () => (await bridge.daemon.metrics.count('nautilus_bridge_redis_errors')) >= 3);
        assert.equal(bridge.daemon.isHealthy(), false);
        await server.restart();
        await writeFills(server, 100, 200);
        const expected = appendonly ? 200 : 100; // without persistence the first 100 are gone with Redis' data
        await waitFor('the fills written after the restart', async () => (await publishedFills(server)).length === expected, 20_000);
        const ids = await publishedFills(server);
        assert.equal(new Set(ids).size, ids.length, 'no duplicates');
        assert.ok(ids.includes('T-199'));
        const redis = client(server.url);
        await waitFor('drain', () => drained(redis, 'seamless-bridge', [KEY]));
        redis.disconnect();
        // The loop logs the recovery when an iteration completes, which can be after its batches were published.
        await waitFor('the recovery to be logged', async () => bridge.logs.some((l) => l['event'] === 'redis_recovered'));
        if (!appendonly) assert.ok((await bridge.daemon.metrics.count('nautilus_bridge_groups_created')) >= 2, 'the group was created again');
        const errorLogs = bridge.logs.filter((l) => l['event'] === 'redis_error');
        assert.ok(errorLogs.length >= 1 && errorLogs.length <= 10, `the outage is logged, not every retry (${errorLogs.length} lines)`);
        const text = JSON.stringify(bridge.logs);
        assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)), 'no password in the logs');
      } finally {
        await bridge.stop();
        await server.stop();
      }
    });
  });
}

describe('redis outage (publish connection only)', () => {
  it('entries a dropped read-ahead delivered are published at once, not after the claim threshold', { timeout: 30_000 }, async () => {
    const server = await startRedis();
    // A long block keeps the read-ahead waiting on the reader connection while the publish
    // connection fails; flags are read every iteration so that failure surfaces right away.
    const bridge = startBridge({ redisUrl: server.url, blockMs: 3000, flagsIntervalMs: 0 });
    const redis = client(server.url);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const failures = () => bridge.daemon.metrics.count('nautilus_bridge_redis_errors');
    try {
      await writeFills(server, 0, 1);
      await waitFor('the first fill', async () => (await publishedFills(server)).length === 1);
      // Kill the publish connection while the read-ahead blocks, then write a fill the blocking
      // read serves, whose publish fails. ioredis reconnects by itself, and on a loaded machine
      // it can be back before that publish: then the fill is simply published, and we try again.
      let fills = 1;
      for (let attempt = 0; attempt < 10 && (await failures()) === 0; attempt++) {
        await sleep(100); // the read-ahead is blocking now
        await redis.call('CLIENT', 'KILL', 'ID', String(await publishClientId(redis)));
        await sleep(20);
        await writeFills(server, fills, fills + 1);
        fills++;
        const expected = fills;
        await waitFor(`fill ${expected}, after the kill`, async () => (await publishedFills(server)).length === expected);
      }
      assert.ok((await failures()) >= 1, 'the publish connection did fail');
      await sleep(300);
      await writeFills(server, fills, fills + 1); // served by the read dropped after the failure
      fills++;
      const all = fills;
      await waitFor('the fill delivered to the dropped read', async () => (await publishedFills(server)).length === all, 5000);
    } finally {
      redis.disconnect();
      await bridge.stop();
      await server.stop();
    }
  });
});

async function publishClientId(redis: ReturnType<typeof client>): Promise<number> {
  const list = (await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
  const line = list.split('\n').find((l) => / name=seamless-bridge /.test(l));
  assert.ok(line, 'the publish connection is listed');
  return Number(/\bid=(\d+)/.exec(line)![1]);
}
