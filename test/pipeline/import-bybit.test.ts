/**
 * `seamless import bybit` end to end: public.bybit.com's gzip CSVs (derivatives with and
 * without the RPI column, oldest-first and newest-first; spot with either file-name
 * separator), a missing day (HTTP 404), a truncated gzip, read back through NautilusTrader.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { importBybit } from '../../src/pipeline/import/bybit-import.js';
import { parseDay } from '../../src/pipeline/import/utc-days.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { peerNdjson } from '../helpers/python-peer.js';
import type { ExpectedTrade } from '../support/archives/binance-csv.js';
import { bybitDerivativesCsv, bybitSpotCsv } from '../support/archives/bybit-csv.js';
import { type FolderServer, serveFolder, writeGzipFile } from '../support/archives/mirror.js';
import { assertTrades, peerRows } from '../support/archives/peer-check.js';

const TIMEOUT = 600_000;
const day = (iso: string) => parseDay(iso, 'test');

describe('import bybit', { timeout: TIMEOUT }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let mirror: string;
  let server: FolderServer;
  const linear: ExpectedTrade[] = [];
  const spot: ExpectedTrade[] = [];

  before(async () => {
    tmp = await tempDir('seamless-import-bybit-');
    mirror = join(tmp.path, 'mirror');
    // BTCUSDT linear: 01-04 oldest-first without RPI, 01-05 newest-first with RPI, 01-06 missing.
    for (const [iso, descending, rpi] of [['2024-01-04', false, false], ['2024-01-05', true, true]] as const) {
      const csv = bybitDerivativesCsv({ day: day(iso), rows: 400, seed: day(iso), symbol: 'BTCUSDT', descending, rpi });
      await writeGzipFile(mirror, `trading/BTCUSDT/BTCUSDT${iso}.csv.gz`, csv.text);
      linear.push(...csv.expected);
    }
    // Spot: one day with `_`, the next with `-` in the file name.
    for (const [iso, sep] of [['2025-05-19', '_'], ['2025-05-20', '-']] as const) {
      const csv = bybitSpotCsv({ day: day(iso), rows: 300, seed: 3, symbol: 'BTCUSDT' });
      await writeGzipFile(mirror, `spot/BTCUSDT/BTCUSDT${sep}${iso}.csv.gz`, csv.text);
      spot.push(...csv.expected);
    }
    server = await serveFolder(mirror);
  });
  after(async () => {
    await server.close();
    await tmp.remove();
  });

  it('imports linear trades over HTTP: seconds with fractions to exact ns, Buy/Sell taker side, newest-first files reordered, a 404 day reported', async () => {
    const root = join(tmp.path, 'linear');
    const summary = await importBybit({ source: server.url, market: 'linear', symbol: 'BTCUSDT', start: '2024-01-04', end: '2024-01-06', catalog: await Catalog.open(root), progress: false, batchRows: 64 });
    assert.deepEqual(summary.daysWritten, ['2024-01-04', '2024-01-05']);
    assert.deepEqual(summary.daysMissing, ['2024-01-06']);
    assert.deepEqual(summary.precision, { price: 1, size: 3, source: summary.precision.source });
    assert.equal(summary.idGaps.length, 0);
    assertTrades(await peerRows(root, 'trade_tick', 'BTCUSDT-LINEAR.BYBIT'), linear, 'BTCUSDT-LINEAR.BYBIT', { price: 1, size: 3 });
    const [instrument] = (await peerNdjson(['instruments', '--catalog', root])).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(instrument!['type'], 'CryptoPerpetual');
    assert.equal(instrument!['is_inverse'], false);
    assert.equal(instrument!['settlement_currency'], 'USDT');
  });

  it('imports spot trades whichever file-name separator the day uses; a re-run skips both days', async () => {
    const root = join(tmp.path, 'spot');
    const catalog = await Catalog.open(root);
    const summary = await importBybit({ source: mirror, market: 'spot', symbol: 'BTCUSDT', start: '2025-05-19', end: '2025-05-20', catalog, progress: false });
    assert.deepEqual(summary.daysWritten, ['2025-05-19', '2025-05-20']);
    assertTrades(await peerRows(root, 'trade_tick', 'BTCUSDT-SPOT.BYBIT'), spot, 'BTCUSDT-SPOT.BYBIT', { price: 1, size: 6 });
    const again = await run('import', 'bybit', '--source', mirror, '--market', 'spot', '--symbol', 'BTCUSDT', '--start', '2025-05-19', '--end', '2025-05-20', '--catalog', root, '--json', '--quiet');
    assert.equal(again.code, 0, again.err);
    const json = JSON.parse(again.out) as { daysSkipped: string[]; rows: number; instrumentId: string };
    assert.deepEqual(json.daysSkipped, ['2025-05-19', '2025-05-20']);
    assert.equal(json.rows, 0);
    assert.equal(json.instrumentId, 'BTCUSDT-SPOT.BYBIT');
  });

  it('refuses a truncated gzip and a wrong header, naming the file; nothing is written', async () => {
    const source = join(tmp.path, 'mirror-bad');
    const good = await writeGzipFile(source, 'trading/ETHUSDT/ETHUSDT2024-02-01.csv.gz', bybitDerivativesCsv({ day: day('2024-02-01'), rows: 2000, seed: 1, symbol: 'ETHUSDT' }).text);
    const bytes = await readFile(good);
    await writeFile(good, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await writeGzipFile(source, 'trading/ETHUSDT/ETHUSDT2024-02-02.csv.gz', 'time,symbol,side,size,price\n1706832000.1,ETHUSDT,Buy,1,2000\n');
    const root = join(tmp.path, 'bad');
    const options = { source, market: 'linear' as const, symbol: 'ETHUSDT', catalog: await Catalog.open(root), progress: false, pricePrecision: 1, sizePrecision: 3 };
    await assert.rejects(importBybit({ ...options, start: '2024-02-01', end: '2024-02-01' }), /ETHUSDT2024-02-01\.csv\.gz: the archive is truncated or damaged \(unexpected end of file\); delete it and download it again/);
    await assert.rejects(importBybit({ ...options, start: '2024-02-02', end: '2024-02-02' }), /ETHUSDT2024-02-02\.csv\.gz line 1: header "time,symbol,side,size,price" is not the expected "timestamp,symbol,side,size,price,/);
    assert.deepEqual(await readdir(join(root, 'data', 'trade_tick', 'ETHUSDT-LINEAR.BYBIT')).catch(() => []), []);
  });
});
