// Feature flags and the halt switch: validation, the audit stream, defaults, and the
// bridge's /metrics showing the current mode (served on 127.0.0.1 only).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { startMetricsServer } from '../../src/bridge/metrics-server.js';
import { run } from '../helpers/cli-run.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { client, readStream, startBridge, waitFor } from './harness.js';

let server: RedisServer;
let redis: Redis;

before(async () => {
  server = await startRedis({ password: 'flag-secret' });
  redis = client(server.url);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

describe('seamless flags', () => {
  it('gets defaults, sets validated values and audits every change', async () => {
    const initial = await run('flags', 'get', '--redis', server.url);
    assert.equal(initial.code, 0, initial.err);
    assert.match(initial.out, /features:nautilus_engine\s+0\s+default/);
    assert.match(initial.out, /mode\s+active\s+default/);

    const halt = await run('flags', 'set', 'mode', 'HALT', '--redis', server.url, '--who', 'ops-alice');
    assert.equal(halt.code, 0, halt.err);
    assert.match(halt.out, /mode: \(unset\) -> halt \(audit \d+-\d+\)/);
    assert.equal(await redis.get('mode'), 'halt', 'stored lower-case');
    assert.equal((await run('flags', 'set', 'features:nautilus_live_exec', 'on', '--redis', server.url, '--who', 'ops-bob')).code, 0);
    assert.equal(await redis.get('features:nautilus_live_exec'), '1');
    const again = await run('flags', 'set', 'mode', 'halt', '--redis', server.url, '--who', 'ops-alice');
    assert.match(again.out, /already halt, nothing changed/);
    assert.equal((await run('flags', 'set', 'mode', 'reducing', '--redis', server.url, '--who', 'ops-carol')).code, 0);

    const audit = await readStream(redis, 'audit:flags');
    assert.deepEqual(
      audit.map((e) => [e.fields['flag'], e.fields['old'], e.fields['new'], e.fields['who']]),
      [
        ['mode', '', 'halt', 'ops-alice'],
        ['features:nautilus_live_exec', '', '1', 'ops-bob'],
        ['mode', 'halt', 'reducing', 'ops-carol'],
      ],
    );
    for (const e of audit) {
      const ms = Number(BigInt(e.fields['ts_ns']!) / 1_000_000n);
      assert.ok(Math.abs(ms - Number(e.id.split('-')[0])) < 1000, 'ts_ns is the change time in ns');
    }
    assert.equal((await run('flags', 'get', 'mode', '--redis', server.url)).out, 'reducing\n');
    const printed = await run('flags', 'audit', '--redis', server.url, '--count', '2');
    assert.match(printed.out, /features:nautilus_live_exec\s+1\s+ops-bob/);
    assert.doesNotMatch(printed.out, /ops-alice/);
  });

  it('rejects unknown flags and values with exit 2, without touching Redis', async () => {
    const before = await redis.xlen('audit:flags');
    const bad = [
      ['mode', 'stop', /mode must be one of active, reducing, halt, was "stop"/],
      ['features:nautilus_engine', '2', /features:nautilus_engine must be 0 or 1, was "2"/],
      ['features:other', '1', /unknown flag "features:other"/],
    ] as const;
    for (const [name, value, message] of bad) {
      const result = await run('flags', 'set', name, value, '--redis', server.url);
      assert.equal(result.code, 2);
      assert.match(result.err, message);
    }
    assert.equal(await redis.xlen('audit:flags'), before);
    assert.equal(await redis.get('mode'), 'reducing');
  });

  it('never prints the password; reports an unreachable Redis', async () => {
    const wrong = server.url.replace('flag-secret', 'not-it');
    const result = await run('flags', 'get', '--redis', wrong);
    assert.equal(result.code, 1);
    assert.match(result.err, /WRONGPASS/);
    assert.ok(!result.err.includes('not-it') && !result.err.includes('flag-secret'));
  });
});

describe('bridge metrics', () => {
  it('serves /metrics on 127.0.0.1 with the mode and the issue\'s metric names', async () => {
    await redis.set('mode', 'halt');
    const bridge = startBridge({ redisUrl: server.url, sources: ['nothing-here:*'] });
    const metrics = await startMetricsServer(bridge.daemon.metrics, 0);
    try {
      let text = '';
      await waitFor('the mode gauge', async () => {
        text = await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text();
        return text.includes('nautilus_bridge_mode{mode="halt"} 1');
      });
      for (const name of ['nautilus_bridge_events_processed', 'nautilus_bridge_orders_published', 'nautilus_bridge_fills_published', 'nautilus_bridge_redis_errors', 'nautilus_bridge_lag_seconds', 'nautilus_bridge_pending_entries', 'nautilus_bridge_decode_failures']) {
        assert.ok(text.includes(`# TYPE ${name} `), `${name} is exported`);
      }
      assert.equal((await fetch(`http://127.0.0.1:${metrics.port}/healthz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${metrics.port}/metrics`, { method: 'POST' })).status, 405);
    } finally {
      await metrics.close();
      await bridge.stop();
    }
  });
});
