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
        assert.ok(bridge.logs.some((l) => l['event'] === 'redis_recovered'));
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
