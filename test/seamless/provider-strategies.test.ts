/**
 * Every strategy end to end on real catalogs, and the defects of the Python design each
 * pinned by a test showing ours behaves correctly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tsInitOf } from '../../src/model/frames.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import { isCatalogError } from '../../src/catalog/errors.js';
import { syntheticBars } from '../../src/model/synthetic-market.js';
import { BAR_NODE, BAR_TYPE, DAY0, META, bars, minutes, scratchDir, setup } from '../helpers/seamless-setup.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

function closes(frame: { columns: unknown } | undefined): bigint[] {
  return frame ? [...tsInitOf(frame as never)] : [];
}

describe('provider strategies', () => {
  it('one hour of 1-minute bars is 60 bars, the last one included (qmtl dropped it)', async () => {
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await s.storage.write(bars(1, 24 * 60));
    const result = await s.provider.fetch(BAR_NODE, minutes(600, 660));
    assert.equal(result.meta.rows, 60);
    const ts = closes(result.frame);
    assert.equal(ts[0], DAY0 + 601n * NS_PER_MINUTE);
    assert.equal(ts[59], DAY0 + 660n * NS_PER_MINUTE);
    assert.equal(result.meta.coverage.ratio, 1);
    assert.deepEqual(result.meta.tiers, ['storage']);
    assert.equal(result.meta.downgrade, undefined, 'a complete historical answer is not downgraded');
  });

  it('a range that does not hold a whole bar is empty, and off-grid edges keep only whole bars', async () => {
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await s.storage.write(bars(1, 120));
    const empty = await s.provider.fetch(BAR_NODE, { start: DAY0 + 10n * NS_PER_MINUTE + 1n, end: DAY0 + 11n * NS_PER_MINUTE });
    assert.equal(empty.meta.rows, 0);
    const off = await s.provider.fetch(BAR_NODE, { start: DAY0 + 10n * NS_PER_MINUTE + 1n, end: DAY0 + 20n * NS_PER_MINUTE + 5n });
    assert.deepEqual(closes(off.frame), Array.from({ length: 9 }, (_, i) => DAY0 + BigInt(12 + i) * NS_PER_MINUTE));
  });

  it('FAIL_FAST names the missing ranges and never backfills', async () => {
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await s.storage.write(bars(1, 30));
    await s.venue.write(bars(1, 120));
    await assert.rejects(s.provider.fetch(BAR_NODE, minutes(0, 60)), (error: unknown) => {
      assert.ok(error instanceof SeamlessError);
      assert.equal(error.code, 'SEAMLESS_MISSING_DATA');
      assert.deepEqual(error.details['missing'], [minutes(30, 60)]);
      assert.match(error.message, /2024-01-02T00:30:00\.000000000Z, 2024-01-02T01:00:00\.000000000Z\)/);
      return true;
    });
    assert.equal(s.backfiller.calls.length, 0);
  });

  it('AUTO_BACKFILL fills only the gap, once, writes it through and then serves from storage', async () => {
    const s = await setup(await scratchDir(), { strategy: 'AUTO_BACKFILL', cache: false });
    await s.storage.write(bars(1, 30));
    await s.venue.write(bars(1, 120));
    const first = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(first.meta.rows, 60);
    assert.deepEqual(s.backfiller.calls, [minutes(30, 60)]);
    assert.deepEqual(first.meta.tiers, ['storage', 'backfill']);
    assert.equal(first.meta.rowsByTier.backfill, 30);
    assert.equal(first.meta.rowsByTier.storage, 30);
    assert.deepEqual(closes(first.frame), closes(bars(1, 60)));

    const second = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(s.backfiller.calls.length, 1, 'the next fetch hits storage');
    assert.deepEqual(second.meta.tiers, ['storage']);
    assert.deepEqual(second.frame, first.frame);
    assert.deepEqual(await s.provider.coverage(s.provider.symbology.series(BAR_NODE)), [minutes(0, 60)]);
  });

  it('chunks meet without a duplicate bar at their boundaries', async () => {
    const s = await setup(await scratchDir(), { backfill: { source: { kind: 'catalog', path: '' }, policy: { chunkBars: 7, tickChunkMs: 1, maxConcurrent: 3, maxAttempts: 1, retryBackoffMs: 1, jitterRatio: 0 } } });
    await s.venue.write(bars(1, 100));
    const result = await s.provider.fetch(BAR_NODE, minutes(3, 93));
    const ts = closes(result.frame);
    assert.equal(ts.length, 90);
    assert.equal(new Set(ts).size, 90);
    assert.ok(s.backfiller.calls.length >= 13, `expected chunked calls, got ${s.backfiller.calls.length}`);
    for (const call of s.backfiller.calls) assert.equal((call.end - call.start) % NS_PER_MINUTE, 0n);
  });

  it('rows a sloppy venue sends outside a chunk are trimmed, so chunks still meet without duplicates', async () => {
    const s = await setup(await scratchDir(), { backfill: { source: { kind: 'catalog', path: '' }, policy: { chunkBars: 10, tickChunkMs: 1, maxConcurrent: 2, maxAttempts: 1, retryBackoffMs: 1, jitterRatio: 0 } } });
    await s.venue.write(bars(1, 300));
    s.backfiller.sloppy = true;
    const result = await s.provider.fetch(BAR_NODE, minutes(100, 160));
    const ts = closes(result.frame);
    assert.deepEqual(ts, Array.from({ length: 60 }, (_, i) => DAY0 + BigInt(101 + i) * NS_PER_MINUTE));
    assert.deepEqual(closes(await s.storage.readAll('bar', BAR_TYPE)), ts, 'storage holds exactly the asked range');
  });

  it('a backfill whose rows disagree with the stored precision fails naming the file and keeps storage unchanged', async () => {
    const s = await setup(await scratchDir(), { cache: false });
    await s.storage.write(bars(1, 10));
    const other = syntheticBars({ meta: { ...META, pricePrecision: 4, barType: BAR_TYPE }, start: DAY0 + 11n * NS_PER_MINUTE, count: 50, stepNs: NS_PER_MINUTE });
    await s.venue.write(other);
    await assert.rejects(s.provider.fetch(BAR_NODE, minutes(0, 60)), (error: unknown) => {
      assert.ok(isCatalogError(error), String(error));
      assert.equal(error.code, 'CATALOG_METADATA');
      assert.match(error.message, /precision/);
      return true;
    });
    assert.equal((await s.storage.readAll('bar', BAR_TYPE))?.length, 10);
    assert.equal((await s.storage.intervals('bar', BAR_TYPE)).length, 1, 'no partial file became visible');
  });

  it('concurrent fetches of overlapping ranges fetch each chunk once (qmtl backfilled twice)', async () => {
    const s = await setup(await scratchDir(), { cache: false });
    await s.venue.write(bars(1, 3000));
    s.backfiller.delayMs = 20;
    const results = await Promise.all([
      s.provider.fetch(BAR_NODE, minutes(0, 2000)),
      s.provider.fetch(BAR_NODE, minutes(0, 2000)),
      s.provider.fetch(BAR_NODE, minutes(500, 2500)),
    ]);
    assert.deepEqual(results.map((r) => r.meta.rows), [2000, 2000, 2000]);
    const fetched = s.backfiller.calls.map((c) => `${c.start}-${c.end}`);
    assert.equal(new Set(fetched).size, fetched.length, `a range was fetched twice: ${fetched.join(', ')}`);
    const total = s.backfiller.calls.reduce((sum, c) => sum + (c.end - c.start), 0n);
    assert.equal(total, 2500n * NS_PER_MINUTE, 'exactly the union of the requests was fetched');
  });

  it('PARTIAL answers at once with what storage has and fills only the missing gaps in the background', async () => {
    const s = await setup(await scratchDir(), { strategy: 'PARTIAL', cache: false });
    await s.storage.write(bars(1, 20));
    await s.storage.write(bars(41, 10));
    await s.venue.write(bars(1, 120));
    const now = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(now.meta.rows, 30);
    assert.equal(now.meta.backfill.pending, true);
    assert.deepEqual(now.meta.downgrade, { mode: 'partial', reason: 'backfill_pending' });
    assert.deepEqual(now.meta.coverage.missing, [minutes(20, 40), minutes(50, 60)]);
    await s.provider.idle();
    assert.deepEqual(s.backfiller.calls, [minutes(20, 40), minutes(50, 60)]);
    const later = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(later.meta.rows, 60);
    assert.equal(later.meta.backfill.pending, false);
    assert.equal(later.meta.downgrade, undefined);
  });

  it('AUTO_BACKFILL without a backfill source says what is missing and what to do', async () => {
    const s = await setup(await scratchDir(), {}, { backfill: false });
    await assert.rejects(s.provider.fetch(BAR_NODE, minutes(0, 10)), seamlessError('SEAMLESS_NO_BACKFILL', /catalog\.mirror|PARTIAL/));
  });

  it('retries a failing chunk with backoff, and a chunk that keeps failing fails the fetch but keeps what landed', async () => {
    const s = await setup(await scratchDir(), { cache: false });
    await s.venue.write(bars(1, 100));
    s.backfiller.failuresLeft = 2;
    const ok = await s.provider.fetch(BAR_NODE, minutes(0, 10));
    assert.equal(ok.meta.rows, 10);
    assert.equal(s.backfiller.calls.length, 3);
    assert.match(await s.provider.metrics.text(), /seamless_backfill_retries_total\{node_id="ohlcv:binance:BTC\/USDT:1m"\} 2/);

    s.backfiller.failuresLeft = 100;
    await assert.rejects(s.provider.fetch(BAR_NODE, minutes(10, 20)), seamlessError('SEAMLESS_BACKFILL_FAILED', /after 5 attempt/));
    s.backfiller.failuresLeft = 0;
    const resumed = await s.provider.fetch(BAR_NODE, minutes(0, 20));
    assert.equal(resumed.meta.rows, 20);
    assert.deepEqual(s.backfiller.calls.at(-1), minutes(10, 20), 'only the failed part is fetched again');
  });

  it('a range the venue has nothing for is remembered as known-empty, across restarts', async () => {
    const dir = await scratchDir();
    const s = await setup(dir, { cache: false });
    await s.venue.write(bars(3001, 60));
    const first = await s.provider.fetch(BAR_NODE, minutes(0, 120));
    assert.equal(first.meta.rows, 0);
    assert.deepEqual(first.meta.backfill.empty, [minutes(0, 120)]);
    assert.equal(first.meta.coverage.ratio, 1, 'known-empty counts as covered');
    const again = await setup(dir, { cache: false });
    const second = await again.provider.fetch(BAR_NODE, minutes(0, 120));
    assert.equal(second.meta.rows, 0);
    assert.equal(again.backfiller.calls.length, 0, 'a closed market is not asked again after a restart');
    const later = await again.provider.fetch(BAR_NODE, minutes(60, 3060));
    assert.equal(later.meta.rows, 60);
    const calls = again.backfiller.calls;
    assert.equal(calls[0]!.start, minutes(120, 121).start, 'only the unknown part is asked');
    assert.equal(calls.at(-1)!.end, minutes(0, 3060).end);
    const chunk = 1000n * NS_PER_MINUTE;
    for (let i = 1; i < calls.length; i++) {
      assert.equal(calls[i]!.start, calls[i - 1]!.end, 'chunks are contiguous');
      assert.equal(calls[i]!.start % chunk, 0n, 'inner chunk boundaries sit on the epoch grid of 1000 bars');
    }
  });

  it('does not ask the venue for bars that have not closed yet', async () => {
    const s = await setup(await scratchDir(), { cache: false });
    await s.venue.write(bars(1, 100));
    s.now = DAY0 + 30n * NS_PER_MINUTE + 15n * 1_000_000_000n;
    const result = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(result.meta.rows, 30);
    assert.deepEqual(s.backfiller.calls, [minutes(0, 30)]);
    assert.equal(result.meta.coverage.ratio, 1, 'the future is not counted as missing');
  });
});
