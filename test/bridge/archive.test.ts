// The hash-chained fill archive: archivers racing on one chain still build a valid one, and
// altering, removing or truncating entries is detected, naming the first bad entry.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { FillArchiver } from '../../src/bridge/archiver.js';
import { chainHash, verifyArchive } from '../../src/bridge/fill-archive.js';
import { BridgeKeys, GENESIS_HASH } from '../../src/bridge/keys.js';
import { run } from '../helpers/cli-run.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { client, readStream } from './harness.js';

let server: RedisServer;
let redis: Redis;
const keys = new BridgeKeys();

before(async () => {
  server = await startRedis();
  redis = client(server.url);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});
beforeEach(() => redis.flushall());

async function writeFills(n: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++) pipeline.xadd(keys.fills, '*', 'fill_id', `T-${i}`, 'cl_ord_id', `O-${i}`, 'price', '1.10001', 'qty', '100', 'fee', '2.00', 'venue', 'SIM', 'ts_ns', String(1_700_000_000_000_000_000n + BigInt(i)));
  await pipeline.exec();
}

async function archiveAll(archivers: FillArchiver[]): Promise<void> {
  for (let round = 0; round < 50 && (await redis.xlen(keys.archive)) < (await redis.xlen(keys.fills)); round++) {
    await Promise.all(archivers.map((a) => a.step()));
  }
}

describe('fill archive', () => {
  it('chains every fill once, also with two archivers racing', async () => {
    await writeFills(600);
    const settings = { batchSize: 50, claimMinIdleMs: 60_000, maxLen: 0, maxAgeMs: 0 };
    const second = client(server.url);
    try {
      await archiveAll([new FillArchiver(redis, keys, 'a1', settings), new FillArchiver(second, keys, 'a2', settings)]);
    } finally {
      second.disconnect();
    }
    const archive = await readStream(redis, keys.archive);
    assert.equal(archive.length, 600);
    assert.deepEqual(new Set(archive.map((e) => e.fields['fill_id'])).size, 600, 'no fill archived twice');
    assert.equal(archive[0]!.fields['prev_hash'], GENESIS_HASH);
    const { prev_hash: _p, hash, ...content } = archive[0]!.fields;
    assert.equal(hash, chainHash(GENESIS_HASH, content));
    assert.deepEqual(await verifyArchive(redis, keys, 64), { ok: true, entries: 600 });
    assert.equal(await redis.hget(keys.archiveHead, 'length'), '600');
    const cli = await run('bridge', 'verify-archive', '--redis', server.url);
    assert.equal(cli.code, 0);
    assert.match(cli.out, /600 entries, hash chain intact/);
  });

  it('detects an altered entry, a removed entry and a truncated end', async () => {
    await writeFills(20);
    await archiveAll([new FillArchiver(redis, keys, 'a1', { batchSize: 7, claimMinIdleMs: 60_000, maxLen: 0, maxAgeMs: 0 })]);
    const original = await redis.xrange(keys.archive, '-', '+');
    const restore = async (entries: [string, string[]][]) => {
      await redis.del(keys.archive);
      for (const [id, flat] of entries) await redis.xadd(keys.archive, id, ...flat);
    };

    // Altered: the price of entry 12 changed, everything else (ids, hashes) kept.
    const altered = original.map(([id, flat]): [string, string[]] => [id, [...flat]]);
    const priceAt = altered[12]![1].indexOf('price') + 1;
    altered[12]![1][priceAt] = '1.20001';
    await restore(altered);
    const result = await verifyArchive(redis, keys);
    assert.equal(result.ok, false);
    assert.equal(result.firstBad?.id, original[12]![0]);
    assert.match(result.firstBad!.reason, /does not match its content/);
    const cli = await run('bridge', 'verify-archive', '--redis', server.url);
    assert.equal(cli.code, 1);
    assert.ok(cli.err.includes(`entry ${original[12]![0]} (after 12 good entries)`), cli.err);

    // Removed: entry 5 deleted; entry 6 no longer links.
    await restore(original);
    await redis.xdel(keys.archive, original[5]![0]);
    const removed = await verifyArchive(redis, keys);
    assert.equal(removed.firstBad?.id, original[6]![0]);
    assert.match(removed.firstBad!.reason, /does not link/);

    // Truncated: the last entry deleted; only the head knows.
    await restore(original);
    await redis.xdel(keys.archive, original[19]![0]);
    const truncated = await verifyArchive(redis, keys);
    assert.equal(truncated.ok, false);
    assert.match(truncated.firstBad!.reason, /entries were removed from the end/);

    await restore(original);
    assert.deepEqual(await verifyArchive(redis, keys), { ok: true, entries: 20 });
  });

  it('trims exec:fills only behind the archive', async () => {
    await writeFills(300);
    // 150 are read by the archive group but never acknowledged (an archiver that died).
    await redis.xgroup('CREATE', keys.fills, 'seamless-archive', '0');
    await redis.xreadgroup('GROUP', 'seamless-archive', 'dead', 'COUNT', 150, 'STREAMS', keys.fills, '>');
    await new FillArchiver(redis, keys, 'live', { batchSize: 500, claimMinIdleMs: 60_000, maxLen: 10, maxAgeMs: 1 }).step();
    assert.equal(await redis.xlen(keys.archive), 150, 'only the unclaimed half archived');
    const left = await redis.xlen(keys.fills);
    assert.ok(left >= 150, `the 150 unarchived fills are kept, ${left} left`);
  });
});
