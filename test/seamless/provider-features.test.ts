/**
 * Conformance, stabilisation, SLA budgets, the cache, the live tail, metrics, fingerprints
 * and artifacts, each through the provider's one `fetch`.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { quoteMarkOf } from '../../src/catalog/quote-facts.js';
import { fixedRawAt, setFixedRaw, tsInitOf } from '../../src/model/frames.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { BAR_NODE, BAR_TYPE, DAY0, META, ScriptedFeed, TRADE_NODE, bars, minutes, scratchDir, setup, trades, watchListings } from '../helpers/seamless-setup.js';
import { useUpNativePages } from '../helpers/facts-files.js';
import { seamlessError } from '../helpers/seamless-assertions.js';
import { CatalogSource } from '../../src/sources/catalog-source.js';

describe('provider features', () => {
  it('default conformance lets clean data through untouched; a block rule stops bad data with a report', async () => {
    const clean = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await clean.storage.write(bars(1, 60));
    const ok = await clean.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.deepEqual(ok.meta.conformance.rules, {});
    assert.equal(ok.meta.conformance.rowsOut, 60);

    const dirty = await setup(await scratchDir(), { strategy: 'FAIL_FAST', conformance: { bar_ohlc: 'block' } });
    const bad = bars(1, 60);
    setFixedRaw(bad.columns.high, 10, fixedRawAt(bad.columns.low, 10) - 1n);
    await dirty.storage.write(bad);
    await assert.rejects(dirty.provider.fetch(BAR_NODE, minutes(0, 60)), seamlessError('SEAMLESS_CONFORMANCE_BLOCKED', /bar_ohlc flagged 1 row/));

    const dropping = await setup(join(dirty.dir), { strategy: 'FAIL_FAST', conformance: { bar_ohlc: 'drop' } });
    const dropped = await dropping.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(dropped.meta.rows, 59);
    assert.equal(dropped.meta.conformance.rules['bar_ohlc']?.dropped, 1);
    assert.equal(dropped.meta.conformance.rules['bar_ohlc']?.samples.length, 1);
    assert.match(await dropping.provider.metrics.text(), /seamless_conformance_flags_total\{node_id="ohlcv:binance:BTC\/USDT:1m",rule="bar_ohlc",action="drop"\} 1/);
  });

  it('quotes from storage are proven clean frame by frame as they stream, and a crossed one among them is still caught', async () => {
    // 12,000 quotes, 100 ms apart: the catalog stores 5,000-row groups, so storage streams three frames.
    const quotes = syntheticQuotes({ meta: META, start: DAY0, count: 12_000, stepNs: 100_000_000n });
    const window = { start: DAY0, end: tsInitOf(quotes)[11_999]! + 1n }; // what the file name covers
    const clean = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await clean.storage.write(quotes);
    await useUpNativePages(join(clean.dir, 'warm'));
    // The provider asks storage for quote facts (src/catalog/quote-facts.ts) and its frames earn their marks.
    const asked: unknown[] = [];
    const source = clean.provider.storage;
    const stream = source.stream!.bind(source);
    source.stream = (series, range, options) => {
      asked.push(options);
      return stream(series, range, options);
    };
    const ok = await clean.provider.fetch('quote:binance:BTC/USDT', window);
    assert.equal(ok.meta.rows, 12_000);
    assert.equal(ok.frames.length, 3, 'storage streamed the row groups as frames of their own');
    assert.deepEqual(ok.meta.conformance.rules, {});
    assert.deepEqual(asked, [{ facts: true }]);
    assert.ok(ok.frames.every((frame) => quoteMarkOf(frame) !== undefined), 'every frame served was marked while decoded');

    // One crossed quote in the second frame (row 7,000): the streamed proof must not vouch for it.
    const dirty = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    setFixedRaw(quotes.columns.bid_price, 7_000, fixedRawAt(quotes.columns.ask_price, 7_000) + 1n);
    await dirty.storage.write(quotes);
    const flagged = await dirty.provider.fetch('quote:binance:BTC/USDT', window);
    assert.equal(flagged.meta.conformance.rules['quote_crossed']?.count, 1);
  });

  it('stabilisation holds back only bars closing within the last N intervals, never closed history', async () => {
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST', stabilizationBars: 1 });
    await s.storage.write(bars(1, 60));
    s.now = DAY0 + 60n * NS_PER_MINUTE + 30n * 1_000_000_000n;
    const recent = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(recent.meta.rows, 59, 'the bar closing 30 s ago may still change');
    assert.equal(recent.meta.stabilizedRows, 1);
    s.now = DAY0 + 86_400_000_000_000n;
    const later = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(later.meta.rows, 60, 'a day later nothing is trimmed (qmtl always dropped the last rows)');
  });

  it('SLA: a slow backfill fails under "fail", answers partially under "partial", and is flagged under "hold"', async () => {
    const slow = async (policy: 'fail' | 'partial' | 'hold') => {
      const s = await setup(await scratchDir(), { sla: { budgetsMs: { backfill: 40 }, onViolation: policy }, cache: false });
      await s.venue.write(bars(1, 60));
      await s.storage.write(bars(1, 30));
      s.backfiller.delayMs = 300;
      return s;
    };
    const fail = await slow('fail');
    await assert.rejects(fail.provider.fetch(BAR_NODE, minutes(0, 60)), seamlessError('SEAMLESS_SLA_EXCEEDED', /backfill/));
    await fail.provider.idle();

    const partial = await slow('partial');
    const answer = await partial.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(answer.meta.rows, 30, 'the partial answer does not wait for the slow venue');
    assert.equal(answer.meta.backfill.pending, true);
    assert.equal(answer.meta.downgrade?.mode, 'partial');
    await partial.provider.idle();
    const filled = await partial.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(filled.meta.rows, 60, 'the fill kept running and landed in storage');

    const hold = await slow('hold');
    const held = await hold.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(held.meta.rows, 60);
    assert.equal(held.meta.downgrade?.mode, 'hold');
    assert.equal(held.meta.downgrade?.violations?.[0]?.phase, 'backfill');
    assert.match(await hold.provider.metrics.text(), /seamless_sla_violations_total\{phase="backfill",policy="hold"\} 1/);
  });

  it('the cache serves a repeat at once, and a write-through invalidates it', async () => {
    const s = await setup(await scratchDir());
    await s.venue.write(bars(1, 1440));
    const first = await s.provider.fetch(BAR_NODE, minutes(0, 1440));
    assert.equal(first.meta.cached, false);
    const second = await s.provider.fetch(BAR_NODE, minutes(0, 1440));
    assert.equal(second.meta.cached, true);
    assert.deepEqual(second.meta.tiers, ['cache']);
    assert.equal(second.frame, first.frame);
    const other = await s.provider.fetch(BAR_NODE, minutes(0, 1440), { asOf: '2024-01-03' });
    assert.equal(other.meta.cached, false, 'as_of is part of the key');
    assert.match(await s.provider.metrics.text(), /seamless_cache_hits_total\{node_id="ohlcv:binance:BTC\/USDT:1m"\} 1/);
  });

  it('a request lists storage once, and reads the files its coverage came from', async () => {
    const s = await setup(await scratchDir(), { cache: false });
    await s.storage.write(bars(1, 60));
    const listings = watchListings(s.storage);
    const served = await s.provider.fetch(BAR_NODE, minutes(0, 60));
    assert.equal(served.meta.rows, 60);
    assert.equal(listings.count, 1, 'the coverage and the read share one listing');

    // A snapshot reads the files it listed, even when another lands before the read.
    const source = new CatalogSource(s.storage);
    const series = s.provider.symbology.series(BAR_NODE);
    const snapshot = await source.snapshot(series);
    await s.storage.write(bars(61, 60));
    const rowsOf = async (frames: AsyncIterable<{ length: number }>) => {
      let rows = 0;
      for await (const frame of frames) rows += frame.length;
      return rows;
    };
    assert.deepEqual(snapshot.coverage, [minutes(0, 60)]);
    assert.equal(await rowsOf(snapshot.stream(minutes(0, 120))), 60);
    assert.equal(await rowsOf(source.stream(series, minutes(0, 120))), 120);
    assert.deepEqual(await source.coverage(series), [minutes(0, 120)]);

    // A listed file removed before the read (a consolidation in between) is named, not skipped.
    const gone = await source.snapshot(series);
    const [first] = await s.storage.files('bar', BAR_TYPE);
    await rm(first!.path);
    await assert.rejects(rowsOf(gone.stream(minutes(0, 120))), (error: Error & { code?: string }) => error.code === 'CATALOG_NOT_FOUND' && error.message.includes(first!.name));
  });

  it('SEAMLESS adds the live tail after what storage and backfill hold', async () => {
    const feed = new ScriptedFeed();
    const s = await setup(await scratchDir(), { strategy: 'SEAMLESS' }, { live: feed });
    await s.venue.write(bars(1, 30));
    s.now = DAY0 + 40n * NS_PER_MINUTE;
    // The venue's REST history ends at 00:30; the socket has delivered the bars since.
    await s.provider.fetch(BAR_NODE, minutes(0, 30));
    feed.rows(bars(31, 9, 7));
    await new Promise((r) => setTimeout(r, 20));
    const answer = await s.provider.fetch(BAR_NODE, minutes(0, 40));
    assert.equal(answer.meta.rows, 39);
    assert.equal(answer.meta.rowsByTier.live, 9);
    assert.ok(answer.meta.tiers.includes('live'));
    const ts = [...tsInitOf(answer.frame!)];
    assert.equal(new Set(ts).size, ts.length);
    await s.provider.close();
  });

  it('fingerprints are stable, differ with the data, and an artifact with a manifest can be written', async () => {
    const dir = await scratchDir();
    const s = await setup(dir, { strategy: 'FAIL_FAST', artifactsDir: join(dir, 'artifacts') });
    await s.storage.write(trades(0, 500));
    const a = await s.provider.fetch(TRADE_NODE, { start: DAY0, end: DAY0 + 100n * 1_000_000_000n }, { noCache: true });
    const b = await s.provider.fetch(TRADE_NODE, { start: DAY0, end: DAY0 + 100n * 1_000_000_000n }, { noCache: true });
    const c = await s.provider.fetch(TRADE_NODE, { start: DAY0, end: DAY0 + 101n * 1_000_000_000n }, { noCache: true });
    assert.match(a.fingerprint(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(a.fingerprint(), b.fingerprint());
    assert.notEqual(a.fingerprint(), c.fingerprint());
    const manifest = JSON.parse(await readFile(a.meta.artifact!.manifestPath, 'utf8')) as { rows: number; fingerprint: string; nodeId: string };
    assert.equal(manifest.rows, 100);
    assert.equal(manifest.fingerprint, a.fingerprint());
    assert.equal(manifest.nodeId, TRADE_NODE);
  });

  it('ticks use half-open ranges exactly: start included, end excluded', async () => {
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await s.storage.write(trades(0, 100));
    const r = await s.provider.fetch(TRADE_NODE, { start: DAY0 + 10n * 1_000_000_000n, end: DAY0 + 20n * 1_000_000_000n });
    const ts = [...tsInitOf(r.frame!)];
    assert.equal(ts.length, 10);
    assert.equal(ts[0], DAY0 + 10n * 1_000_000_000n);
    assert.equal(ts[9], DAY0 + 19n * 1_000_000_000n);
  });

  it('bad node ids and ranges are refused with the part that is wrong', async () => {
    const s = await setup(await scratchDir());
    await assert.rejects(s.provider.fetch('ohlcv:binance:BTC/USDT', minutes(0, 1)), seamlessError('SEAMLESS_BAD_NODE_ID', /timeframe/, /ohlcv:binance:BTC\/USDT:1m/));
    await assert.rejects(s.provider.fetch(BAR_NODE, minutes(5, 5)), seamlessError('SEAMLESS_BAD_RANGE'));
  });

  it('exposes request, phase, tier and coverage metrics in Prometheus text', async () => {
    const s = await setup(await scratchDir());
    await s.venue.write(bars(1, 60));
    await s.provider.fetch(BAR_NODE, minutes(0, 60));
    const text = await s.provider.metrics.text();
    for (const pattern of [
      /seamless_request_duration_seconds_count\{strategy="AUTO_BACKFILL",outcome="ok"\} 1/,
      /seamless_phase_duration_seconds_count\{phase="backfill"\} 1/,
      /seamless_rows_served_total\{node_id="ohlcv:binance:BTC\/USDT:1m",tier="backfill"\} 60/,
      /seamless_backfill_calls_total\{node_id="ohlcv:binance:BTC\/USDT:1m"\} 1/,
      /seamless_coverage_ratio\{node_id="ohlcv:binance:BTC\/USDT:1m"\} 1/,
      /seamless_cache_misses_total\{node_id="ohlcv:binance:BTC\/USDT:1m"\} 1/,
    ]) assert.match(text, pattern);
  });
});
