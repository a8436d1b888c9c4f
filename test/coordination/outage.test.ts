// Redis going away mid-run: every call rejects with SEAMLESS_COORDINATOR_DOWN within a second
// or two (never "held", never a silent pass), messages name host:port and never the password,
// the outage policies give their explicit outcomes, and everything works again after restart.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { LeaseCoordinator } from '../../src/coordination/backfill-lease.js';
import { type CoordinatorOutagePolicy, type OutageReport, applyOutagePolicy, parseOutagePolicy } from '../../src/coordination/coordinator-policy.js';
import { leaseKey } from '../../src/coordination/lease-key.js';
import { closeCoordinatorRedis, createCoordinatorRedis } from '../../src/coordination/redis-connection.js';
import { SharedTokenBucket } from '../../src/coordination/token-bucket.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { seamlessError, throwsSeamless } from '../helpers/seamless-assertions.js';

const PASSWORD = 'pa55:word/with@odd%chars';
const KEY = leaseKey('trades:binance:BTC/USDT', 0n, 1_000_000_000n);

let server: RedisServer;
const clients: Redis[] = [];

function client(url = server.url): Redis {
  const redis = createCoordinatorRedis(url);
  clients.push(redis);
  return redis;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts `promise` rejects with SEAMLESS_COORDINATOR_DOWN naming the server, within `withinMs`. */
async function rejectsDown(promise: Promise<unknown>, withinMs = 2000): Promise<SeamlessError> {
  const started = performance.now();
  const caught = await promise.then(
    () => assert.fail('expected SEAMLESS_COORDINATOR_DOWN, but it resolved'),
    (reason: unknown) => reason,
  );
  const elapsed = performance.now() - started;
  seamlessError('SEAMLESS_COORDINATOR_DOWN')(caught);
  const error = caught as SeamlessError;
  assert.ok(elapsed < withinMs, `took ${elapsed.toFixed(0)} ms to report the outage`);
  assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
  for (const text of [error.message, JSON.stringify(error.details), String(error.cause), (error.cause as Error | undefined)?.stack ?? '']) {
    assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)), `the password leaked into: ${text}`);
  }
  return error;
}

/** Retries `attempt` until it stops throwing SEAMLESS_COORDINATOR_DOWN (the client reconnects in the background). */
async function eventually<T>(attempt: () => Promise<T>, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline || !(error instanceof SeamlessError && error.code === 'SEAMLESS_COORDINATOR_DOWN')) throw error;
      await sleep(50);
    }
  }
}

before(async () => {
  server = await startRedis({ password: PASSWORD });
});

after(async () => {
  await Promise.all(clients.map(closeCoordinatorRedis));
  await server.stop();
});

describe('coordinator outage', () => {
  it('rejects claims, acquisitions and commits fast while Redis is down, and recovers after restart', async () => {
    const prefix = `t-${randomUUID()}`;
    const redis = client();
    const leases = new LeaseCoordinator(redis, { prefix });
    const bucket = new SharedTokenBucket(redis, { prefix, limiter: 'binance', ratePerSecond: 5, burst: 1 });
    const lease = await leases.claim(KEY, 600);
    assert.ok(lease);
    const before = lease.token;
    await bucket.acquire();
    const waiting = bucket.acquire(); // sleeping for the next token when Redis dies
    waiting.catch(() => {});

    await server.kill();
    await rejectsDown(waiting);
    await rejectsDown(leases.claim(leaseKey('trades:binance:BTC/USDT', 1n, 2n), 1000));
    await rejectsDown(bucket.acquire());
    await rejectsDown(bucket.tryTake());
    await rejectsDown(lease.assertHeld());
    await rejectsDown(leases.status(KEY));

    // The heartbeat cannot renew, so the holder must assume the lease is gone once its ttl passes.
    const started = performance.now();
    if (!lease.signal.aborted) await new Promise((resolve) => lease.signal.addEventListener('abort', resolve, { once: true }));
    assert.ok(performance.now() - started < 1000);
    const reason = lease.signal.reason as SeamlessError;
    assert.equal(reason.code, 'SEAMLESS_LEASE_LOST');
    assert.match(reason.message, /last renewal failed/);

    await server.restart(); // no persistence: Redis comes back empty
    const again = await eventually(() => leases.claim(KEY, 5000));
    assert.ok(again && again.token > before, 'fencing tokens keep growing even though Redis lost its counter');
    await eventually(() => bucket.acquire());
    await again.release();
  });

  it('reports a server that was never up the same way', async () => {
    const { port } = server;
    await server.kill();
    try {
      await rejectsDown(new LeaseCoordinator(client()).claim(KEY, 1000));
      await rejectsDown(new SharedTokenBucket(client(), { limiter: 'okx', ratePerSecond: 1, burst: 1 }).acquire());
    } finally {
      await server.restart();
    }
    assert.equal(server.port, port);
  });

  it('names a wrong password without showing either password', async () => {
    const wrong = server.url.replace(encodeURIComponent(PASSWORD), 'not-the-password');
    const error = await rejectsDown(new LeaseCoordinator(client(wrong)).claim(KEY, 1000));
    assert.match(error.message, /WRONGPASS/);
    assert.ok(!error.message.includes('not-the-password'));
  });

  it('refuses a URL that is not redis:// without showing it (it may hold a password)', () => {
    const error = throwsSeamless(() => createCoordinatorRedis('http://u:secret@h'), 'SEAMLESS_BAD_CONFIG', /must look like redis:\/\//);
    assert.ok(!error.message.includes('secret') && !JSON.stringify(error.details).includes('secret'), error.message);
  });

  it('applies each outage policy explicitly', async () => {
    const prefix = `t-${randomUUID()}`;
    const leases = new LeaseCoordinator(client(), { prefix });
    const reports: OutageReport[] = [];
    const run = (policy: CoordinatorOutagePolicy) =>
      applyOutagePolicy({
        policy,
        what: `backfill ${KEY}`,
        coordinated: async () => {
          const lease = await leases.claim(KEY, 1000);
          await lease?.release();
          return 'fetched with a lease';
        },
        localOnly: async () => 'fetched without coordination',
        onOutage: (report) => reports.push(report),
      });

    assert.deepEqual(await eventually(() => run('fail')), { kind: 'coordinated', value: 'fetched with a lease' });
    assert.equal(reports.length, 0);

    await server.kill();
    try {
      await rejectsDown(run('fail'));
      const skipped = await run('skip');
      assert.equal(skipped.kind, 'skipped');
      assert.ok(skipped.kind === 'skipped' && skipped.reason.startsWith(`backfill ${KEY}: cannot claim lease`));
      const local = await run('local-only');
      assert.ok(local.kind === 'local-only' && local.value === 'fetched without coordination' && local.error.code === 'SEAMLESS_COORDINATOR_DOWN');
      assert.deepEqual(
        reports.map((report) => [report.policy, report.outcome]),
        [
          ['fail', 'failed'],
          ['skip', 'skipped'],
          ['local-only', 'local-only'],
        ],
      );
    } finally {
      await server.restart();
    }
    await eventually(() => leases.status(KEY)); // reconnected
    assert.equal((await run('skip')).kind, 'coordinated');
    await assert.rejects(
      applyOutagePolicy({ policy: 'skip', what: 'x', coordinated: () => Promise.reject(new Error('a bug')), localOnly: async () => 0 }),
      /a bug/,
      'errors other than an outage pass through',
    );
    assert.equal(parseOutagePolicy('local-only'), 'local-only');
    assert.throws(() => parseOutagePolicy('ignore'), seamlessError('SEAMLESS_BAD_CONFIG'));
  });
});
