/**
 * QuestDB as the storage tier of a whole provider: `fetch` backfills candles and trades from
 * the exchange simulator through ccxt into a real QuestDB, then serves the same rows from
 * QuestDB alone, exactly (the exchange's decimal strings, to the last digit).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatRaw } from '../../src/model/fixed-point.js';
import { fixedRawAt } from '../../src/model/frames.js';
import { buildProvider } from '../../src/seamless/build-provider.js';
import { createDefaultRegistry } from '../../src/seamless/presets/index.js';
import { DEFAULT_BACKFILL_POLICY } from '../../src/seamless/provider-config.js';
import { type QuestDbServer, startQuestDb } from '../helpers/questdb-server.js';
import { scratchDir } from '../helpers/seamless-setup.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

const MS = 1_000_000n;
const MINUTE = 60_000;
const NOW = Date.UTC(2024, 0, 4, 12, 0, 30);
const clock = { clock: () => BigInt(NOW) * MS };

describe('a provider storing in QuestDB, backfilled from the exchange', () => {
  let questdb: QuestDbServer;
  let sim: BinanceSim;

  before(async () => {
    [questdb, sim] = await Promise.all([startQuestDb(), startBinanceSim({ market: 'spot', clock: () => NOW })]);
  });
  after(async () => {
    await sim.close();
    await questdb.stop();
  });

  async function provider(strategy: 'AUTO_BACKFILL' | 'FAIL_FAST') {
    const preset = createDefaultRegistry().get('ohlcv.binance.spot.1m.questdb');
    const config = preset.build({ questdb_url: questdb.httpUrl, questdb_pg_port: questdb.pgPort, rest_url: sim.restUrl, live: false, ledger_path: join(ledgerRoot, 'ledger') }, { baseDir: ledgerRoot, env: {} });
    return buildProvider({ ...config, strategy, cache: false, backfill: { ...config.backfill!, policy: { ...DEFAULT_BACKFILL_POLICY, chunkBars: 120 } } }, clock);
  }
  let ledgerRoot = '';

  it('backfills candles into QuestDB once, then serves them from QuestDB exactly', async () => {
    ledgerRoot = await scratchDir();
    const start = Date.UTC(2024, 0, 3, 8, 0);
    const range = { start: BigInt(start) * MS, end: BigInt(start + 300 * MINUTE) * MS };
    const filling = await provider('AUTO_BACKFILL');
    let first;
    try {
      first = await filling.fetch('ohlcv:binance:BTC/USDT:1m', range);
    } finally {
      await filling.close();
    }
    assert.equal(first.meta.rows, 300);
    assert.ok(first.meta.tiers.includes('backfill'));

    const requests = sim.stats.requests;
    const reading = await provider('FAIL_FAST');
    try {
      const again = await reading.fetch('ohlcv:binance:BTC/USDT:1m', range);
      assert.equal(sim.stats.requests, requests, 'no exchange request: QuestDB covers the range');
      assert.deepEqual(again.meta.tiers, ['storage']);
      const frame = again.frame!;
      const expected = sim.data.expectedKlines('BTCUSDT', '1m', start, start + 299 * MINUTE, NOW);
      assert.equal(frame.length, 300);
      const c = frame.columns as unknown as Record<'open' | 'high' | 'low' | 'close' | 'volume', never>;
      for (let i = 0; i < 300; i++) {
        const k = expected[i]!;
        assert.equal(formatRaw(fixedRawAt(c.close, i), 8, 16), k[4], `close of bar ${i}`);
        assert.equal(formatRaw(fixedRawAt(c.volume, i), 8, 16), k[5], `volume of bar ${i}`);
        assert.equal(frame.columns.ts_init[i], BigInt(k[0] as number + MINUTE) * MS);
      }
      assert.equal(again.fingerprint(), first.fingerprint());
    } finally {
      await reading.close();
    }
  });
});
