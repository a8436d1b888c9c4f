/**
 * The exchange tier from the shell, against the local Binance simulator: `seamless fetch`
 * backfilling from the exchange the node id names (and through a preset), `seamless stream`
 * handing over from history to live trades, and clear errors for bad exchange input.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { run } from '../helpers/cli-run.js';
import { scratchDir } from '../helpers/seamless-setup.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

const MINUTE = 60_000;
const NODE = 'ohlcv:binance:BTC/USDT:1m';

describe('seamless fetch / stream against an exchange', () => {
  let sim: BinanceSim;
  // A whole hour that closed at least a day ago, on the simulator's (real-time) clock, and
  // that lies inside one backfill chunk: chunks sit on a fixed epoch grid of 1,000 bars, and
  // about one hour in 25 straddles a grid line (then two chunks are fetched, rightly).
  const CHUNK = 1000 * MINUTE;
  let hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 24 * 3_600_000;
  while (Math.floor(hour / CHUNK) !== Math.floor((hour + 59 * MINUTE) / CHUNK)) hour -= 3_600_000;
  const start = new Date(hour).toISOString();
  const end = new Date(hour + 60 * MINUTE).toISOString();

  before(async () => {
    sim = await startBinanceSim({ market: 'spot', tradeSpacingMs: 1000 });
  });
  after(async () => {
    await sim.close();
  });

  it('fetch --strategy AUTO_BACKFILL --exchange-url fills the catalog from the exchange once', async () => {
    const catalog = join(await scratchDir(), 'catalog');
    const args = ['fetch', NODE, '--start', start, '--end', end, '--catalog', catalog];
    const first = await run(...args, '--strategy', 'AUTO_BACKFILL', '--exchange-url', sim.restUrl);
    assert.equal(first.code, 0, first.err);
    const rows = first.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(rows.length, 60);
    const expected = sim.data.expectedKlines('BTCUSDT', '1m', hour, hour + 59 * MINUTE);
    assert.deepEqual(rows.map((r) => r['close']), expected.map((k) => Number(k[4]).toFixed(2)));
    const meta = JSON.parse(first.err.trim().split('\n').at(-1)!) as { tiers: string[]; backfill: { fetchedChunks: number } };
    assert.ok(meta.tiers.includes('backfill'), meta.tiers.join());
    assert.equal(meta.backfill.fetchedChunks, 1);
    const klineRequests = (): number => sim.stats.requestsTo('/klines');
    const before = klineRequests();

    // Stored now: the same fetch is answered by the catalog without asking the exchange.
    const second = await run(...args, '--strategy', 'FAIL_FAST');
    assert.equal(second.code, 0, second.err);
    assert.equal(second.out, first.out);
    assert.equal(klineRequests(), before);
    const stored = await (await Catalog.open(catalog)).readAll('bar', 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(stored?.length, 60);
  });

  it('fetch through the ohlcv.binance.spot.1m preset, pointed at the simulator', async () => {
    const dir = await scratchDir();
    const saved = process.env['NAUTILUS_PATH'];
    process.env['NAUTILUS_PATH'] = dir;
    try {
      const result = await run('fetch', NODE, '--start', start, '--end', end, '--preset', 'ohlcv.binance.spot.1m', '--strategy', 'AUTO_BACKFILL', '--exchange-url', sim.restUrl, '--exchange-ws-url', sim.wsUrl);
      assert.equal(result.code, 0, result.err);
      assert.equal(result.out.trim().split('\n').length, 60);
      assert.equal((await (await Catalog.open(join(dir, 'catalog'))).readAll('bar', 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL'))?.length, 60);
    } finally {
      if (saved === undefined) delete process.env['NAUTILUS_PATH'];
      else process.env['NAUTILUS_PATH'] = saved;
    }
  });

  it('stream replays trades from REST, then hands over to the websocket with no gap or repeat', async () => {
    // Ten trades a second, from an hour ago: history is quick to page and live rows come fast.
    const fast = await startBinanceSim({ market: 'spot', tradeSpacingMs: 100, genesisMs: Date.now() - 3_600_000 });
    const catalog = join(await scratchDir(), 'catalog');
    const from = new Date(Date.now() - 5_000).toISOString();
    let result;
    try {
      result = await run('stream', 'tick:binance:BTC/USDT', '--from', from, '--catalog', catalog, '--exchange-url', fast.restUrl, '--exchange-ws-url', fast.wsUrl, '--max-rows', '150', '--duration', '60000');
    } finally {
      await fast.close();
    }
    assert.equal(result.code, 0, result.err);
    const ids = result.out.trim().split('\n').map((l) => Number((JSON.parse(l) as Record<string, string>)['trade_id']));
    assert.equal(ids.length, 150);
    for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1]! + 1, `trade ${ids[i - 1]} then ${ids[i]}`);
    const events = result.err.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string });
    assert.ok(events.some((e) => e.event === 'live'), result.err);
    assert.ok(!events.some((e) => e.event === 'gap'), result.err);
  });

  it('names an exchange ccxt does not know, and a malformed --exchange-url', async () => {
    const catalog = join(await scratchDir(), 'catalog');
    const unknown = await run('fetch', 'ohlcv:nosuchexchange:BTC/USDT:1m', '--start', start, '--end', end, '--catalog', catalog, '--strategy', 'AUTO_BACKFILL');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown exchange "nosuchexchange".*SEAMLESS_BAD_NODE_ID/);
    const badUrl = await run('fetch', NODE, '--start', start, '--end', end, '--catalog', catalog, '--strategy', 'AUTO_BACKFILL', '--exchange-url', 'ftp://example');
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.err, /--exchange-url "ftp:\/\/example" must start with http: or https:/);
    const noSource = await run('fetch', NODE, '--start', start, '--end', end, '--catalog', catalog, '--exchange-url', sim.restUrl);
    assert.equal(noSource.code, 2);
    assert.match(noSource.err, /need an exchange source/);
  });

  it('stream refuses a missing --from, bad limits, and a provider without a live feed', async () => {
    const catalog = join(await scratchDir(), 'catalog');
    const noFrom = await run('stream', 'tick:binance:BTC/USDT', '--catalog', catalog);
    assert.equal(noFrom.code, 2);
    assert.match(noFrom.err, /--from is required/);
    const badRows = await run('stream', 'tick:binance:BTC/USDT', '--from', start, '--catalog', catalog, '--max-rows', '0');
    assert.equal(badRows.code, 2);
    assert.match(badRows.err, /--max-rows must be a whole number > 0, was "0"/);
    // Longer than a Node timer can wait (it would fire after 1 ms and stop the stream at once).
    const tooLong = await run('stream', 'tick:binance:BTC/USDT', '--from', start, '--catalog', catalog, '--duration', '3000000000');
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.err, /--duration must be at most 24d, was "3000000000"/);
    const noLive = await run('stream', 'tick:binance:BTC/USDT', '--from', start, '--catalog', catalog, '--strategy', 'PARTIAL');
    assert.equal(noLive.code, 1);
    assert.match(noLive.err, /has no live feed.*SEAMLESS_BAD_CONFIG/);
  });
});
