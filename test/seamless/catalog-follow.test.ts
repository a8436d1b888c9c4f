/**
 * The `catalog.follow` wiring end to end through `buildProvider`: a stream over a local
 * catalog hands over to the rows a recorder keeps writing into another catalog.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { type Frame, tsInitOf } from '../../src/model/frames.js';
import { NS_PER_SECOND } from '../../src/model/time.js';
import { buildProvider } from '../../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY } from '../../src/seamless/provider-config.js';
import { stream } from '../../src/seamless/stream.js';
import { CatalogFollowFeed } from '../../src/sources/catalog-follow-feed.js';
import { DAY0, TRADE_NODE, scratchDir, trades } from '../helpers/seamless-setup.js';

describe('catalog.follow', () => {
  it('streams history, then the rows a recorder writes to the followed catalog, with no gap or duplicate', { timeout: 30_000 }, async (t) => {
    const dir = await scratchDir();
    const local = await Catalog.open(join(dir, 'local'), { width: 16 });
    const recorder = await Catalog.open(join(dir, 'recorder'), { width: 16 });
    await mkdir(local.root, { recursive: true });
    await local.write(trades(0, 100));
    await recorder.write(trades(0, 100));
    const provider = await buildProvider(
      {
        strategy: 'SEAMLESS',
        storage: { kind: 'catalog', path: local.root },
        backfill: { source: { kind: 'catalog', path: recorder.root }, policy: DEFAULT_BACKFILL_POLICY },
        live: { kind: 'catalog-follow', path: recorder.root, pollMs: 20 },
        cache: false,
        conformance: {},
        stabilizationBars: 0,
      },
      { clock: () => DAY0 + 100n * NS_PER_SECOND },
    );
    // The follower starts after what the recorder had when it subscribed: learn when it read
    // that (its first `intervals`), so the new rows are written after it, however slow.
    const follow = provider.live;
    assert.ok(follow instanceof CatalogFollowFeed);
    const intervals = follow.catalog.intervals.bind(follow.catalog);
    let snapshotTaken!: () => void;
    const snapshot = new Promise<void>((resolve) => (snapshotTaken = resolve));
    follow.catalog.intervals = async (type, identifier) => {
      const result = await intervals(type, identifier);
      snapshotTaken();
      return result;
    };
    const controller = new AbortController();
    // On a timeout, stop the follower too: its polling would keep the test process alive.
    const signal = AbortSignal.any([controller.signal, t.signal]);
    const seconds: number[] = [];
    const ids: string[] = [];
    let wrote = false;
    for await (const event of stream(provider, TRADE_NODE, DAY0, { signal })) {
      if (event.type === 'gap') assert.fail(`unexpected gap ${JSON.stringify(event.range, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
      if (event.type !== 'rows') continue;
      seconds.push(...[...tsInitOf(event.frame)].map((t) => Number((t - DAY0) / NS_PER_SECOND)));
      ids.push(...(event.frame as Frame<'trade_tick'>).columns.trade_id);
      if (seconds.length === 100 && !wrote) {
        wrote = true;
        await snapshot;
        await recorder.write(trades(100, 10));
      }
      if (seconds.length >= 110) break;
    }
    controller.abort();
    await provider.close();
    assert.deepEqual(seconds, Array.from({ length: 110 }, (_, i) => i));
    assert.equal(new Set(ids).size, 110);
  });
});
