/**
 * The ccxt backfiller against the local Binance simulator: pages of candles and trades
 * equal the simulator's own data to the last digit (decimal strings straight into fixed
 * point), the still-open candle is never stored, and faults (429 with Retry-After, 5xx,
 * malformed answers, unknown symbols) end the way the exchange caller promises.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCcxtExchange } from '../../src/exchanges/ccxt-exchange.js';
import { ExchangeCaller } from '../../src/exchanges/exchange-caller.js';
import { fixedRawAt } from '../../src/model/frames.js';
import { parseRaw } from '../../src/model/fixed-point.js';
import { Symbology } from '../../src/seamless/symbology.js';
import type { SeriesFrame } from '../../src/seamless/series.js';
import { CcxtBackfiller } from '../../src/sources/ccxt-backfiller.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const MS = 1_000_000n;
const MINUTE = 60_000;
const NOW = Date.UTC(2024, 0, 3, 6, 30, 15, 250);
const symbology = new Symbology();
const barSeries = symbology.series('ohlcv:binance:BTC/USDT:1m');
const tradeSeries = symbology.series('tick:binance:BTC/USDT');

async function collect(frames: AsyncIterable<SeriesFrame>): Promise<SeriesFrame[]> {
  const out: SeriesFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function rows(frames: SeriesFrame[]): number {
  return frames.reduce((n, f) => n + f.length, 0);
}

describe('CcxtBackfiller against the Binance simulator', () => {
  let sim: BinanceSim;
  const exchanges: { close(): Promise<unknown> }[] = [];

  function backfiller(options: { pageLimit?: number; cooldownMs?: number } = {}): CcxtBackfiller {
    const exchange = createCcxtExchange('binance', { restUrl: sim.restUrl });
    exchange.rateLimit = 1; // the simulator enforces its own weight limit
    exchanges.push(exchange);
    return new CcxtBackfiller({
      exchange,
      caller: new ExchangeCaller(exchange, undefined, { backoffMs: 10, cooldownMs: options.cooldownMs ?? 10 }),
      now: () => BigInt(NOW) * MS,
      ...(options.pageLimit ? { pageLimit: options.pageLimit } : {}),
    });
  }

  before(async () => {
    sim = await startBinanceSim({ market: 'spot', clock: () => NOW });
  });
  after(async () => {
    await Promise.all(exchanges.map((e) => e.close()));
    await sim.close();
  });

  it('pages candles exactly: every price and volume equals the exchange decimal string', async () => {
    const start = Date.UTC(2024, 0, 2, 0, 0);
    const end = start + 250 * MINUTE;
    const frames = await collect(backfiller({ pageLimit: 100 }).backfill(barSeries, { start: BigInt(start) * MS, end: BigInt(end) * MS }));
    assert.ok(frames.length >= 3, `paged in ${frames.length} frames`);
    const expected = sim.data.expectedKlines('BTCUSDT', '1m', start, end - 1, NOW);
    assert.equal(rows(frames), 250);
    assert.equal(expected.length, 250);
    let i = 0;
    for (const frame of frames) {
      assert.equal(frame.meta.pricePrecision, 2);
      assert.equal(frame.meta.sizePrecision, 5);
      assert.equal(frame.meta.barType, 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL');
      const c = (frame as SeriesFrame & { type: 'bar' }).columns as unknown as Record<string, { bytes: Uint8Array; width: 8 | 16; kind: 'price' } | BigUint64Array>;
      for (let r = 0; r < frame.length; r++, i++) {
        const row = expected[i]!;
        assert.equal((c['ts_init'] as BigUint64Array)[r], BigInt(row[0] as number + MINUTE) * MS, `bar ${i} is stamped at its close`);
        for (const [k, field] of [[1, 'open'], [2, 'high'], [3, 'low'], [4, 'close']] as const) {
          assert.equal(fixedRawAt(c[field] as never, r), parseRaw(row[k] as string, 2, 16, true), `${field} of bar ${i}`);
        }
        assert.equal(fixedRawAt(c['volume'] as never, r), parseRaw(row[5] as string, 5, 16, false), `volume of bar ${i}`);
      }
    }
  });

  it('never returns the candle that is still open', async () => {
    const start = NOW - 10 * MINUTE;
    const frames = await collect(backfiller().backfill(barSeries, { start: BigInt(start - (start % MINUTE)) * MS, end: BigInt(NOW + 60 * MINUTE) * MS }));
    const last = frames.at(-1)!.columns.ts_init;
    assert.ok(last[last.length - 1]! <= BigInt(NOW) * MS, 'the last bar closed before now');
    assert.equal(rows(frames), 10);
  });

  it('pages trades through full pages and hour windows without losing or doubling one', async () => {
    const start = Date.UTC(2024, 0, 2, 10, 0);
    const end = start + 2.5 * 3_600_000;
    const frames = await collect(backfiller({ pageLimit: 700 }).backfill(tradeSeries, { start: BigInt(start) * MS, end: BigInt(end) * MS }));
    const firstId = sim.data.generator('BTCUSDT').firstIdAtOrAfter(start);
    const lastId = sim.data.generator('BTCUSDT').firstIdAtOrAfter(end) - 1;
    const expected = sim.data.expectedTrades('BTCUSDT', firstId, lastId);
    assert.equal(rows(frames), expected.length);
    let i = 0;
    for (const frame of frames) {
      const c = (frame as SeriesFrame & { type: 'trade_tick' }).columns as unknown as { trade_id: string[]; price: never; size: never; ts_event: BigUint64Array; aggressor_side: Uint8Array };
      for (let r = 0; r < frame.length; r++, i++) {
        const t = expected[i]!;
        assert.equal(c.trade_id[r], String(t.id));
        assert.equal(fixedRawAt(c.price, r), parseRaw(t.price, 2, 16, true));
        assert.equal(fixedRawAt(c.size, r), parseRaw(t.qty, 5, 16, false));
        assert.equal(c.ts_event[r], BigInt(t.timeMs) * MS);
        assert.equal(c.aggressor_side[r], t.isBuyerMaker ? 2 : 1);
      }
    }
  });

  it('waits out a 429 for as long as Retry-After says, then answers exactly', async () => {
    const b = backfiller();
    sim.faults.rateLimited(1, { path: '/klines' });
    const started = Date.now();
    const start = Date.UTC(2024, 0, 2, 3, 0);
    const frames = await collect(b.backfill(barSeries, { start: BigInt(start) * MS, end: BigInt(start + 30 * MINUTE) * MS }));
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    assert.equal(b.caller.counters.cooldowns, 1);
    assert.equal(rows(frames), 30);
  });

  it('retries 5xx answers and reports a refusal that persists', async () => {
    const b = backfiller();
    sim.faults.serverError(503, { path: '/klines', times: 2 });
    const start = Date.UTC(2024, 0, 2, 4, 0);
    assert.equal(rows(await collect(b.backfill(barSeries, { start: BigInt(start) * MS, end: BigInt(start + 5 * MINUTE) * MS }))), 5);
    assert.equal(b.caller.counters.retries, 2);
    const fault = sim.faults.serverError(502, { path: '/klines', times: Infinity });
    try {
      await assert.rejects(collect(b.backfill(barSeries, { start: BigInt(start) * MS, end: BigInt(start + 5 * MINUTE) * MS })), seamlessError('SEAMLESS_EXCHANGE', /fetchOHLCV BTC\/USDT 1m .*failed after 5 attempts/));
    } finally {
      fault.cancel();
    }
  });

  it('refuses a malformed answer, naming the row and field, and stores nothing from it', async () => {
    const b = backfiller();
    const start = Date.UTC(2024, 0, 2, 5, 0);
    sim.faults.malformed('missingField', { path: '/klines' });
    await assert.rejects(collect(b.backfill(barSeries, { start: BigInt(start) * MS, end: BigInt(start + 5 * MINUTE) * MS })), seamlessError('SEAMLESS_EXCHANGE', /row \d+ field \w+ .*malformed/));
  });

  it('refuses a millisecond with more trades than a page holds, saying to raise the page limit', async () => {
    // The simulator's own trades never share a millisecond: answer with a full page of two that do.
    const at = Date.UTC(2024, 0, 2, 5, 0);
    const trade = (id: number) => ({ a: id, p: '42000.01000000', q: '0.10000000', f: id, l: id, T: at, m: false, M: true });
    sim.faults.http({ kind: 'status', status: 200, body: JSON.stringify([trade(1), trade(2)]) }, { path: '/aggTrades' });
    await assert.rejects(
      collect(backfiller({ pageLimit: 2 }).backfill(tradeSeries, { start: BigInt(at) * MS, end: BigInt(at + MINUTE) * MS })),
      seamlessError('SEAMLESS_EXCHANGE', /more than 2 trades of BTC\/USDT in the millisecond .*; raise the page limit/),
    );
  });

  it('names an unknown symbol with what the exchange lists instead', async () => {
    const series = symbology.series('ohlcv:binance:BTC/EUR:1m');
    await assert.rejects(collect(backfiller().backfill(series, { start: BigInt(NOW - 3_600_000) * MS, end: BigInt(NOW) * MS })), seamlessError('SEAMLESS_UNKNOWN_SYMBOL', /binance does not list BTC\/EUR.*BTC\/USDT/));
  });

  it('has no quote history to offer', () => {
    assert.equal(backfiller().canBackfill(symbology.series('quote:binance:BTC/USDT')), false);
  });
});
