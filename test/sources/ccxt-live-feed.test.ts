/**
 * The ccxt live feed against the simulator's websocket: trades arrive with consecutive ids
 * through skipped messages, repeats and dropped connections (holes are filled from REST),
 * holes REST cannot fill become gap events, closed bars equal the exchange's klines, and
 * quotes report what a reconnect lost.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createCcxtExchange } from '../../src/exchanges/ccxt-exchange.js';
import { ExchangeCaller } from '../../src/exchanges/exchange-caller.js';
import { fixedRawAt } from '../../src/model/frames.js';
import { parseRaw } from '../../src/model/fixed-point.js';
import type { LiveEvent } from '../../src/seamless/contracts.js';
import type { Series } from '../../src/seamless/series.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { CcxtBackfiller } from '../../src/sources/ccxt-backfiller.js';
import { CcxtLiveFeed } from '../../src/sources/ccxt-live-feed.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

const MS = 1_000_000n;
const GENESIS = Date.UTC(2024, 0, 1);
const symbology = new Symbology();

interface Collected {
  events: LiveEvent[];
  tradeIds: number[];
}

/**
 * Reads the feed until `done` says so, then stops it. Throws if the time is up (or the feed
 * ends) first: partial data would fail later with a misleading assertion. The budget is
 * generous because a loaded CI machine can stall the feed for seconds.
 */
async function collect(feed: CcxtLiveFeed, series: Series, done: (c: Collected) => boolean, timeoutMs = 30_000): Promise<Collected> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error('timeout')), timeoutMs);
  const collected: Collected = { events: [], tradeIds: [] };
  let finished = false;
  try {
    for await (const event of feed.subscribe(series, stop.signal)) {
      collected.events.push(event);
      if (event.type === 'rows' && event.frame.type === 'trade_tick') {
        const ids = (event.frame.columns as unknown as { trade_id: string[] }).trade_id;
        collected.tradeIds.push(...ids.map(Number));
      }
      if (done(collected)) {
        finished = true;
        break;
      }
    }
  } catch (error) {
    // The feed may throw the abort reason; that is the timeout reported below.
    if (!stop.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (!finished) {
    const why = stop.signal.aborted ? `not done after ${timeoutMs} ms` : 'the feed ended before done';
    const kinds = new Map<string, number>();
    for (const e of collected.events) kinds.set(e.type, (kinds.get(e.type) ?? 0) + 1);
    throw new Error(`collect: ${why}; got ${collected.tradeIds.length} trades, events ${JSON.stringify(Object.fromEntries(kinds))}`);
  }
  return collected;
}

function assertConsecutive(ids: number[]): void {
  for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1]! + 1, `trade ${ids[i - 1]} is followed by ${ids[i]}`);
}

describe('CcxtLiveFeed against the simulator', () => {
  let sim: BinanceSim;
  let feeds: CcxtLiveFeed[] = [];

  function feed(): CcxtLiveFeed {
    const now = (): bigint => BigInt(sim.now()) * MS;
    const ws = createCcxtExchange('binance', { restUrl: sim.restUrl, wsUrl: sim.wsUrl });
    const rest = createCcxtExchange('binance', { restUrl: sim.restUrl, wsUrl: sim.wsUrl });
    rest.rateLimit = 1;
    const backfiller = new CcxtBackfiller({ exchange: rest, caller: new ExchangeCaller(rest, undefined, { backoffMs: 10, maxAttempts: 2 }), now });
    const f = new CcxtLiveFeed({ exchange: ws, backfiller, now, backoff: { initialMs: 20, maxMs: 200 } });
    feeds.push(f);
    return f;
  }

  before(async () => {
    // A trade every sim second and a sim minute every real second: 60 trades a second.
    sim = await startBinanceSim({ market: 'spot', tradeSpacingMs: 1000, startAtMs: GENESIS + 3_600_000, liveSpeed: 60, liveTickMs: 10 });
  });
  afterEach(async () => {
    sim.faults.clear();
    await Promise.all(feeds.flatMap((f) => [f.close(), f.backfiller.exchange.close()]));
    feeds = [];
  });
  after(async () => {
    await sim.close();
  });

  const trades = symbology.series('tick:binance:BTC/USDT');

  it('delivers live trades with consecutive ids, equal to the exchange data', async () => {
    const got = await collect(feed(), trades, (c) => c.tradeIds.length >= 60);
    assertConsecutive(got.tradeIds);
    const expected = sim.data.expectedTrades('BTCUSDT', got.tradeIds[0]!, got.tradeIds.at(-1)!);
    const prices = got.events.flatMap((e) => (e.type === 'rows' ? Array.from({ length: e.frame.length }, (_, i) => fixedRawAt((e.frame.columns as unknown as { price: never }).price, i)) : []));
    assert.deepEqual(prices, expected.map((t) => parseRaw(t.price, 2, 16, true)));
  });

  it('loads markets once, through the rate-limited REST object, not again for the websocket', async () => {
    const before = sim.stats.requestsTo('/exchangeInfo');
    await collect(feed(), trades, (c) => c.tradeIds.length >= 1);
    assert.equal(sim.stats.requestsTo('/exchangeInfo') - before, 1);
  });

  it('fills trades the socket skipped from REST, and drops repeats', async () => {
    const f = feed();
    let faulted = false;
    const got = await collect(f, trades, (c) => {
      if (!faulted && c.tradeIds.length >= 10) {
        faulted = true;
        sim.faults.skipMessages(25, { stream: /@trade$/ });
        sim.faults.repeatMessages(5, { stream: /@trade$/ });
      }
      return c.tradeIds.length >= 120;
    });
    assertConsecutive(got.tradeIds);
    assert.equal(got.events.filter((e) => e.type === 'gap').length, 0);
  });

  it('reconnects after a dropped connection and fills the hole before resuming', async () => {
    let dropped = false;
    const got = await collect(feed(), trades, (c) => {
      if (!dropped && c.tradeIds.length >= 10) {
        dropped = true;
        sim.faults.dropConnections();
      }
      return dropped && c.events.some((e) => e.type === 'reconnected') && c.tradeIds.length >= 150;
    });
    const kinds = got.events.map((e) => e.type);
    assert.ok(kinds.indexOf('disconnected') < kinds.indexOf('reconnected'), kinds.join(','));
    assertConsecutive(got.tradeIds);
  });

  it('reports a hole REST cannot fill as a gap event with its time range', async () => {
    let faulted = false;
    const got = await collect(feed(), trades, (c) => {
      if (!faulted && c.tradeIds.length >= 10) {
        faulted = true;
        sim.faults.serverError(500, { path: '/aggTrades', times: Infinity });
        sim.faults.skipMessages(20, { stream: /@trade$/ });
      }
      return c.events.some((e) => e.type === 'gap') && c.tradeIds.length >= 40;
    });
    const gap = got.events.find((e) => e.type === 'gap');
    assert.ok(gap && gap.type === 'gap');
    assert.match(gap.reason, /could not be fetched from REST/);
    assert.ok(gap.range.start < gap.range.end);
    const jump = got.tradeIds.findIndex((id, i) => i > 0 && id !== got.tradeIds[i - 1]! + 1);
    assert.ok(jump > 0, 'the ids jump where the gap is');
    assert.equal(got.tradeIds[jump]! - got.tradeIds[jump - 1]! - 1, 20);
  });

  it('emits each bar once it closed, exactly as the exchange klines, also across a drop', async () => {
    const bars = symbology.series('ohlcv:binance:BTC/USDT:1m');
    let dropped = false;
    const closes: bigint[] = [];
    const got = await collect(feed(), bars, (c) => {
      const last = c.events.at(-1);
      if (last?.type === 'rows') closes.push(...last.frame.columns.ts_init);
      if (!dropped && closes.length >= 1) {
        dropped = true;
        sim.faults.dropConnections();
      }
      return closes.length >= 4;
    });
    for (let i = 1; i < closes.length; i++) assert.equal(closes[i]! - closes[i - 1]!, 60_000n * MS);
    const firstOpen = Number(closes[0]! / MS) - 60_000;
    const expected = sim.data.expectedKlines('BTCUSDT', '1m', firstOpen, Number(closes.at(-1)! / MS) - 60_000, sim.now());
    const frames = got.events.flatMap((e) => (e.type === 'rows' ? [e.frame] : []));
    const closeRaws = frames.flatMap((f) => Array.from({ length: f.length }, (_, i) => fixedRawAt((f.columns as unknown as { close: never }).close, i)));
    assert.deepEqual(closeRaws, expected.map((k) => parseRaw(k[4] as string, 2, 16, true)));
  });

  it('reports quotes missed while disconnected as a gap', async () => {
    const quotes = symbology.series('quote:binance:BTC/USDT');
    let dropped = false;
    let rowsSeen = 0;
    const got = await collect(feed(), quotes, (c) => {
      if (c.events.at(-1)?.type === 'rows') rowsSeen++;
      if (!dropped && rowsSeen >= 3) {
        dropped = true;
        sim.faults.dropConnections();
      }
      return c.events.some((e) => e.type === 'gap') && rowsSeen >= 6;
    });
    const gap = got.events.find((e) => e.type === 'gap');
    assert.ok(gap && gap.type === 'gap' && /no quote history/.test(gap.reason));
  });
});
