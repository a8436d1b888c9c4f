/**
 * `stream`: history, then live, with no gap and no duplicate at the seam; disconnects
 * healed by backfill, or reported as explicit gap events when they cannot be; a feed that
 * heals itself is left to it (stream and LiveTail).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Frame, tsInitOf } from '../../src/model/frames.js';
import { NS_PER_MINUTE, NS_PER_SECOND } from '../../src/model/time.js';
import { LiveTail } from '../../src/seamless/live-tail.js';
import { type StreamEvent, stream } from '../../src/seamless/stream.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { BAR_NODE, DAY0, ScriptedFeed, type Setup, TRADE_NODE, bars, scratchDir, setup, trades, watchListings } from '../helpers/seamless-setup.js';
import { waitFor } from '../helpers/wait-for.js';

interface Collected {
  readonly events: StreamEvent[];
  readonly done: Promise<void>;
  stop(): void;
  /** Resolves once `count` rows have arrived. */
  rows(count: number): Promise<void>;
}

/** Streams `node` from DAY0 in the background, collecting every event until stopped. */
function follow(s: Setup, node: string): Collected {
  const controller = new AbortController();
  const source = stream(s.provider, node, DAY0, { signal: controller.signal });
  const events: StreamEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let rows = 0;
  const done = (async () => {
    try {
      for await (const event of source) {
        events.push(event);
        if (event.type === 'rows') rows += event.frame.length;
        for (const w of waiters.filter((w) => rows >= w.count)) w.resolve();
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    events,
    done,
    stop: () => controller.abort(),
    rows: (count) => (rows >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
  };
}

function tradeIds(events: StreamEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'rows' ? (e.frame as Frame<'trade_tick'>).columns.trade_id : []));
}

function secondsOf(events: StreamEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'rows' ? [...tsInitOf(e.frame)].map((t) => Number((t - DAY0) / NS_PER_SECOND)) : []));
}

/**
 * A provider with a scripted live feed over fresh catalogs. With backfill (the default) it
 * runs AUTO_BACKFILL; without, FAIL_FAST, so history is only what storage holds.
 */
/** The venue holds 600 s of trades, the clock is at 300 s: follows and waits for the 300 history rows. */
async function followAfterHistory(s: Setup): Promise<Collected> {
  await s.venue.write(trades(0, 600));
  s.now = DAY0 + 300n * NS_PER_SECOND;
  const run = follow(s, TRADE_NODE);
  await run.rows(300);
  return run;
}

async function withLiveFeed(options: { backfill?: boolean } = {}): Promise<{ feed: ScriptedFeed; s: Setup }> {
  const feed = new ScriptedFeed();
  const s = options.backfill === false
    ? await setup(await scratchDir(), { strategy: 'FAIL_FAST' }, { live: feed, backfill: false })
    : await setup(await scratchDir(), { strategy: 'AUTO_BACKFILL' }, { live: feed });
  return { feed, s };
}

/** A feed that fills its own holes after a reconnect and reports what it cannot as gap events. */
class HealingFeed extends ScriptedFeed {
  readonly heals = true;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('stream', () => {
  it('replays history, hands over to live, and drops the rows both delivered', async () => {
    const { feed, s } = await withLiveFeed();
    const run = await followAfterHistory(s);
    feed.rows(trades(290, 20)); // the socket's first message overlaps the end of history
    feed.rows(trades(310, 5));
    await run.rows(315);
    run.stop();
    await run.done;
    assert.deepEqual(secondsOf(run.events), range(0, 315));
    assert.equal(new Set(tradeIds(run.events)).size, 315);
    const kinds = run.events.map((e) => (e.type === 'rows' ? e.source : e.type));
    assert.ok(kinds.indexOf('live') > kinds.lastIndexOf('history'), 'the handover comes after the last history rows');
    assert.equal(run.events.filter((e) => e.type === 'gap').length, 0);
    await s.provider.close();
  });

  it('replays frames proven clean as storage decodes them, and still lets the rules drop a repeated trade id', async () => {
    const { s } = await withLiveFeed({ backfill: false });
    const clean = trades(0, 300);
    const repeated = trades(300, 300);
    repeated.columns.trade_id[150] = repeated.columns.trade_id[149]!;
    await s.storage.write(clean);
    await s.storage.write(repeated);
    s.now = DAY0 + 600n * NS_PER_SECOND;
    const run = follow(s, TRADE_NODE);
    await run.rows(599);
    run.stop();
    await run.done;
    const seconds = secondsOf(run.events);
    assert.deepEqual(seconds, range(0, 600).filter((second) => second !== 450), 'the second of two rows with one id is dropped');
    assert.deepEqual(tradeIds(run.events).slice(0, 300), clean.columns.trade_id, 'the clean file as stored');
    await s.provider.close();
  });

  it('lists storage once a pass, not once a day: a replay of five day files', async () => {
    const { s } = await withLiveFeed({ backfill: false });
    for (let day = 0; day < 5; day++) await s.storage.write(bars(1 + day * 1440, 1440));
    s.now = DAY0 + 5n * 1440n * NS_PER_MINUTE;
    const listings = watchListings(s.storage);
    const run = follow(s, BAR_NODE);
    await run.rows(5 * 1440);
    run.stop();
    await run.done;
    assert.equal(run.events.filter((e) => e.type === 'gap').length, 0);
    assert.ok(listings.count <= 2, `${listings.count} listings for five daily chunks in one pass`);
    await s.provider.close();
  });

  it('replays a covered stretch of day files as one step of up to 32 days, and a missing day in its place as a gap', async () => {
    const { s } = await withLiveFeed({ backfill: false });
    const days = 70;
    const missing = 17;
    for (let day = 0; day < days; day++) if (day !== missing) await s.storage.write(bars(1 + day * 1440, 1440));
    s.now = DAY0 + BigInt(days * 1440) * NS_PER_MINUTE;
    const reads: Array<{ start: bigint; end: bigint }> = [];
    const storedFrames = s.provider.storedFrames.bind(s.provider);
    s.provider.storedFrames = (series, window, options, snapshot) => {
      reads.push(window);
      return storedFrames(series, window, options, snapshot);
    };
    const run = follow(s, BAR_NODE);
    await run.rows((days - 1) * 1440);
    run.stop();
    await run.done;
    const minutes = secondsOf(run.events).map((t) => t / 60);
    const expected = range(1, days * 1440 + 1).filter((m) => m <= missing * 1440 || m > (missing + 1) * 1440);
    assert.deepEqual(minutes, expected, 'every stored bar once, in order');
    // The gap sits between the last bar before the missing day and the first after it.
    const gapAt = run.events.findIndex((e) => e.type === 'gap');
    const before = run.events.slice(0, gapAt).reduce((n, e) => n + (e.type === 'rows' ? e.frame.length : 0), 0);
    assert.equal(before, missing * 1440);
    assert.equal(run.events.filter((e) => e.type === 'gap').length, 1);
    // Days 0–16 (one read), day 17 (a step of its own: its gap, then a read that finds nothing), days 18–49 (32 days), days 50–69.
    assert.deepEqual(reads.map((w) => Number((w.end - w.start) / NS_PER_MINUTE / 1440n)), [17, 1, 32, 20]);
    await s.provider.close();
  });

  it('looks again where the pass\'s survey lacks a chunk: a file written after the survey is replayed, not reported missing', async () => {
    const { s } = await withLiveFeed({ backfill: false });
    for (let day = 0; day < 3; day++) await s.storage.write(bars(1 + day * 1440, 1440));
    s.now = DAY0 + 3n * 1440n * NS_PER_MINUTE;
    // The first listing (the pass's survey) is taken as if day 2's file were not written yet.
    watchListings(s.storage, (files, n) => (n === 0 ? files.slice(0, 2) : files));
    const run = follow(s, BAR_NODE);
    await run.rows(3 * 1440);
    run.stop();
    await run.done;
    assert.equal(run.events.filter((e) => e.type === 'gap').length, 0);
    assert.equal(secondsOf(run.events).length, 3 * 1440);
    await s.provider.close();
  });

  it('backfills the seam between the end of history and the first live row', async () => {
    const { feed, s } = await withLiveFeed();
    const run = await followAfterHistory(s);
    feed.rows(trades(320, 10));
    await run.rows(330);
    run.stop();
    await run.done;
    assert.deepEqual(secondsOf(run.events), range(0, 330));
    assert.ok(run.events.some((e) => e.type === 'rows' && e.source === 'seam'));
  });

  it('heals a disconnect from backfill, without gap or duplicate', async () => {
    const { feed, s } = await withLiveFeed();
    const run = await followAfterHistory(s);
    feed.rows(trades(300, 15));
    await run.rows(315);
    feed.queue.push({ type: 'disconnected', at: DAY0 + 315n * NS_PER_SECOND, reason: 'socket closed by peer' });
    feed.queue.push({ type: 'reconnected', at: DAY0 + 331n * NS_PER_SECOND });
    feed.rows(trades(330, 5));
    await run.rows(335);
    run.stop();
    await run.done;
    assert.deepEqual(secondsOf(run.events), range(0, 335));
    assert.equal(new Set(tradeIds(run.events)).size, 335);
    assert.equal(run.events.filter((e) => e.type === 'gap').length, 0);
  });

  it('leaves a healing feed to fill its own holes: no backfill after its disconnect, its gap passed on', async () => {
    const feed = new HealingFeed();
    const s = await setup(await scratchDir(), { strategy: 'AUTO_BACKFILL' }, { live: feed });
    const run = await followAfterHistory(s);
    feed.rows(trades(300, 15));
    await run.rows(315);
    const backfills = s.backfiller.calls.length;
    feed.queue.push({ type: 'disconnected', at: DAY0 + 315n * NS_PER_SECOND, reason: 'socket closed by peer' });
    feed.queue.push({ type: 'reconnected', at: DAY0 + 331n * NS_PER_SECOND });
    const hole = { start: DAY0 + 315n * NS_PER_SECOND, end: DAY0 + 330n * NS_PER_SECOND };
    feed.queue.push({ type: 'gap', range: hole, reason: '15 trades are missing from REST too' });
    feed.rows(trades(330, 5));
    await run.rows(320);
    run.stop();
    await run.done;
    // The venue holds 315..329: a seam heal would have brought them back.
    assert.equal(s.backfiller.calls.length, backfills);
    assert.deepEqual(secondsOf(run.events), [...range(0, 315), ...range(330, 335)]);
    const gaps = run.events.filter((e): e is Extract<StreamEvent, { type: 'gap' }> => e.type === 'gap');
    assert.deepEqual(gaps, [{ type: 'gap', range: hole, reason: 'live feed scripted: 15 trades are missing from REST too' }]);
    await s.provider.close();
  });

  it('emits an explicit gap when a disconnect cannot be healed, then goes on', async () => {
    const { feed, s } = await withLiveFeed({ backfill: false });
    await s.storage.write(trades(0, 300));
    s.now = DAY0 + 300n * NS_PER_SECOND;
    const run = follow(s, TRADE_NODE);
    await run.rows(300);
    feed.rows(trades(295, 15)); // overlaps history, so the handover itself has no seam
    await run.rows(310);
    feed.queue.push({ type: 'disconnected', at: DAY0 + 310n * NS_PER_SECOND, reason: 'network down' });
    feed.rows(trades(400, 3));
    await run.rows(313);
    run.stop();
    await run.done;
    const gaps = run.events.filter((e): e is Extract<StreamEvent, { type: 'gap' }> => e.type === 'gap');
    assert.equal(gaps.length, 1);
    assert.deepEqual(gaps[0]!.range, { start: DAY0 + 309n * NS_PER_SECOND, end: DAY0 + 400n * NS_PER_SECOND });
    assert.match(gaps[0]!.reason, /could not backfill/);
    assert.deepEqual(secondsOf(run.events), [...range(0, 310), 400, 401, 402]);
    assert.match(await s.provider.metrics.text(), /seamless_stream_gaps_total\{node_id="tick:binance:BTC\/USDT"\} 1/);
  });

  it('says so when the live feed ends for good', async () => {
    const { feed, s } = await withLiveFeed({ backfill: false });
    await s.storage.write(trades(0, 10));
    s.now = DAY0 + 10n * NS_PER_SECOND;
    const run = follow(s, TRADE_NODE);
    await run.rows(10);
    feed.queue.end();
    await run.done;
    const last = run.events.at(-1);
    assert.equal(last?.type, 'gap');
    assert.deepEqual(last?.type === 'gap' ? last.range : undefined, { start: DAY0 + 9n * NS_PER_SECOND });
  });

  it('bars: the seam is backfilled on the bar grid, and a live bar already in history is dropped', async () => {
    const { feed, s } = await withLiveFeed();
    await s.venue.write(bars(1, 60));
    s.now = DAY0 + 30n * NS_PER_MINUTE + 10n * NS_PER_SECOND;
    const run = follow(s, BAR_NODE);
    await run.rows(30);
    feed.rows(bars(30, 1)); // the bar closing at 00:30 again, from the socket
    feed.rows(bars(35, 3));
    await run.rows(37);
    run.stop();
    await run.done;
    const closes = run.events.flatMap((e) => (e.type === 'rows' ? [...tsInitOf(e.frame)].map((t) => Number((t - DAY0) / NS_PER_MINUTE)) : []));
    assert.deepEqual(closes, range(1, 38));
  });

  it('reports missing history as gaps when the strategy cannot backfill', async () => {
    const { s } = await withLiveFeed({ backfill: false });
    await s.storage.write(trades(0, 10));
    await s.storage.write(trades(20, 10));
    s.now = DAY0 + 30n * NS_PER_SECOND;
    const run = follow(s, TRADE_NODE);
    await run.rows(20);
    run.stop();
    await run.done;
    const gaps = run.events.filter((e) => e.type === 'gap');
    assert.deepEqual(gaps.map((g) => (g.type === 'gap' ? g.range : undefined)), [{ start: DAY0 + 9n * NS_PER_SECOND + 1n, end: DAY0 + 20n * NS_PER_SECOND }], "the gap runs from just after the last stored trade");
  });
});

describe('LiveTail', () => {
  it('keeps its rows across a healing feed\'s disconnect, and forgets them after a gap', async () => {
    const feed = new HealingFeed();
    const tail = new LiveTail(feed, new Symbology().series(TRADE_NODE));
    const all = { start: DAY0, end: DAY0 + 3600n * NS_PER_SECOND };
    const held = () => tail.rows(all)?.length ?? 0;
    try {
      feed.rows(trades(300, 15));
      // The tail consumes its feed asynchronously, so each step polls for its effect.
      await waitFor('the first rows arrive', () => held() === 15, 2000);
      assert.equal(tail.completeSince(), DAY0 + 300n * NS_PER_SECOND);

      feed.queue.push({ type: 'disconnected', at: DAY0 + 315n * NS_PER_SECOND, reason: 'socket closed by peer' });
      await waitFor('the disconnect is seen', () => !tail.connected, 2000);
      assert.equal(held(), 15, 'the feed fills its own holes, so the rows stay');
      assert.equal(tail.completeSince(), DAY0 + 300n * NS_PER_SECOND);
      feed.queue.push({ type: 'reconnected', at: DAY0 + 331n * NS_PER_SECOND });
      await waitFor('the reconnect is seen', () => tail.connected, 2000);
      assert.equal(held(), 15);

      feed.queue.push({ type: 'gap', range: { start: DAY0 + 315n * NS_PER_SECOND, end: DAY0 + 330n * NS_PER_SECOND }, reason: 'missing from REST too' });
      await waitFor('the gap drops the rows', () => held() === 0, 2000);
      assert.equal(tail.completeSince(), undefined);

      feed.rows(trades(330, 5));
      await waitFor('rows after the gap arrive', () => held() === 5, 2000);
      assert.equal(tail.completeSince(), DAY0 + 330n * NS_PER_SECOND, 'complete only from after the gap');
    } finally {
      tail.close();
      await tail.done;
    }
  });
});
