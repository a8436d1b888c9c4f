/**
 * The provider on catalogs NautilusTrader 1.221.0 itself wrote (qmtl's adapter could not read
 * a real catalog): serving from one, backfilling from one, and the write-through files read
 * back by NautilusTrader exactly as the provider served them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { frameRowRecord } from '../../src/model/frame-rows.js';
import { NS_PER_MINUTE, isoToNs } from '../../src/model/time.js';
import { buildProvider } from '../../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE } from '../../src/seamless/provider-config.js';
import { peerJson, peerNdjson } from '../helpers/python-peer.js';
import { scratchDir } from '../helpers/seamless-setup.js';

const TIMEOUT = 600_000;
const NODE = 'ohlcv:binance:BTC/USDT:1m';
const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const T0 = isoToNs('2024-01-01T00:00:00Z');

function parsePeer(line: string): Record<string, string> {
  const row = JSON.parse(line.replace(/":(-?\d{16,})/g, '":"$1"')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
}

describe('provider on NautilusTrader-written catalogs', { timeout: TIMEOUT }, () => {
  it('serves and backfills from a catalog NautilusTrader wrote; NautilusTrader reads the write-through as served', async () => {
    const dir = await scratchDir();
    const venue = join(dir, 'nautilus-written');
    const local = join(dir, 'local');
    const sample = await peerJson<{ bars: number; bar_type: string }>(['write-backtest-sample', '--catalog', venue, '--bars', '300'], { timeoutMs: TIMEOUT });
    assert.equal(sample.bar_type, BAR_TYPE);

    // Straight from the Nautilus-written catalog: one hour is 60 bars.
    const direct = await buildProvider({ strategy: 'FAIL_FAST', storage: { kind: 'catalog', path: venue }, cache: DEFAULT_CACHE, conformance: {}, stabilizationBars: 0 });
    const hour = await direct.fetch(NODE, { start: T0 + 60n * NS_PER_MINUTE, end: T0 + 120n * NS_PER_MINUTE });
    assert.equal(hour.meta.rows, 60);
    assert.deepEqual(hour.meta.conformance.rules, {}, 'NautilusTrader-written bars pass the default conformance rules untouched');

    // Backfilled into a catalog of ours (the folder name Nautilus 1.221.0 reads).
    const { mkdir } = await import('node:fs/promises');
    await mkdir(local);
    const mirror = await buildProvider({
      strategy: 'AUTO_BACKFILL',
      storage: { kind: 'catalog', path: local },
      backfill: { source: { kind: 'catalog', path: venue }, policy: { ...DEFAULT_BACKFILL_POLICY, chunkBars: 50 } },
      cache: false,
      conformance: {},
      stabilizationBars: 0,
    });
    const range = { start: T0 + 30n * NS_PER_MINUTE, end: T0 + 270n * NS_PER_MINUTE };
    const served = await mirror.fetch(NODE, range);
    assert.equal(served.meta.rows, 240);
    assert.ok(served.meta.backfill.fetchedChunks > 1);

    const theirs = (await peerNdjson(['read', '--catalog', local, '--type', 'bar', '--identifier', BAR_TYPE], { timeoutMs: TIMEOUT })).map(parsePeer);
    assert.equal(theirs.length, 240, 'NautilusTrader sees every backfilled bar once, across the chunk files');
    for (let i = 0; i < theirs.length; i++) {
      const ours = frameRowRecord(served.frame!, i);
      for (const field of ['open', 'high', 'low', 'close', 'volume', 'ts_event', 'ts_init']) {
        assert.equal(String(ours[field]), theirs[i]![field], `row ${i} ${field}`);
      }
    }
  });
});
