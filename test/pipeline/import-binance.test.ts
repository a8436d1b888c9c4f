/**
 * `seamless import binance` end to end: archives in data.binance.vision's real formats and
 * layout (every quirk: header or not, ms and µs, True/true, COIN-M, klines, monthly files, a
 * gap in trade ids, a missing day), read from a folder and from a local HTTP server, checked
 * row by row through real NautilusTrader, and driven through a NautilusTrader backtest.
 */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { readInstruments } from '../../src/catalog/instruments.js';
import { binanceArchivePath, type BinanceDataset, klineInterval } from '../../src/pipeline/import/binance-layout.js';
import { importBinance, planBinanceArchives } from '../../src/pipeline/import/binance-import.js';
import { dayStartNs, parseDay } from '../../src/pipeline/import/utc-days.js';
import { type Frame, type FrameMeta, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { NS_PER_HOUR } from '../../src/model/time.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { peerJson, peerNdjson } from '../helpers/python-peer.js';
import { type ExpectedBar, type ExpectedTrade, type Market, binanceKlineCsv, binanceTradeCsv } from '../support/archives/binance-csv.js';
import { type FolderServer, serveFolder, writeBinanceZip } from '../support/archives/mirror.js';
import { assertBars, assertTrades, peerRows } from '../support/archives/peer-check.js';

const TIMEOUT = 600_000;
const day = (iso: string) => parseDay(iso, 'test');

/** `count` trades of `meta` (width 16), one an hour from `startNs`. */
function oneTradePerHour(meta: FrameMeta, startNs: bigint, count: number): Frame<'trade_tick'> {
  const frame = allocFrame('trade_tick', 16, count, meta);
  for (let i = 0; i < count; i++) {
    setFixedRaw(frame.columns.price, i, BigInt(90_000 + i) * 10n ** 16n);
    setFixedRaw(frame.columns.size, i, 10n ** 16n);
    frame.columns.aggressor_side[i] = 1;
    frame.columns.trade_id[i] = String(i + 1);
    frame.columns.ts_event[i] = startNs + BigInt(i) * NS_PER_HOUR;
    frame.columns.ts_init[i] = startNs + BigInt(i) * NS_PER_HOUR;
  }
  return frame;
}

interface TradeDays {
  readonly expected: ExpectedTrade[];
  readonly byDay: Map<string, ExpectedTrade[]>;
}

/** Writes daily trade archives for `days` (continuous ids; `unitOf` picks ms/µs; `headerOf` a header). */
async function writeTradeDays(
  mirror: string,
  dataset: { market: Market; kind: 'trades' | 'aggTrades'; symbol: string },
  days: string[],
  options: { unitOf?: (iso: string) => 'ms' | 'us'; headerOf?: (iso: string) => boolean; rows?: number; dropIds?: Set<number>; skip?: string[] } = {},
): Promise<TradeDays> {
  const byDay = new Map<string, ExpectedTrade[]>();
  let id = 5_000_000_000;
  for (const [index, iso] of days.entries()) {
    const csv = binanceTradeCsv({
      market: dataset.market,
      kind: dataset.kind,
      day: day(iso),
      rows: options.rows ?? 300,
      firstId: id,
      unit: options.unitOf?.(iso) ?? 'ms',
      header: options.headerOf?.(iso) ?? false,
      seed: 100 + index,
      ...(options.dropIds ? { dropIds: options.dropIds } : {}),
    });
    id = csv.lastId + 1;
    if (options.skip?.includes(iso)) continue;
    const ds: BinanceDataset = { market: dataset.market, type: dataset.kind, symbol: dataset.symbol };
    await writeBinanceZip(mirror, binanceArchivePath(ds, { kind: 'daily', day: day(iso) }), csv.text);
    byDay.set(iso, csv.expected);
  }
  return { expected: [...byDay.values()].flat(), byDay };
}

describe('import binance', { timeout: TIMEOUT }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let mirror: string;
  let server: FolderServer;
  let spot: TradeDays;

  before(async () => {
    tmp = await tempDir('seamless-import-binance-');
    mirror = join(tmp.path, 'mirror');
    // Spot trades across the ms → µs switch of 2025-01-01, a gap of ids on 12-31, and no archive for 01-03.
    spot = await writeTradeDays(mirror, { market: 'spot', kind: 'trades', symbol: 'BTCUSDT' }, ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02', '2025-01-03'], {
      unitOf: (iso) => (iso >= '2025-01-01' ? 'us' : 'ms'),
      dropIds: new Set([5_000_000_400, 5_000_000_401, 5_000_000_402]),
      skip: ['2025-01-03'],
    });
    server = await serveFolder(mirror);
  });
  after(async () => {
    await server.close();
    await tmp.remove();
  });

  it('imports spot trades from a folder: ms and µs, True/False, gaps and a missing day reported; NautilusTrader reads it exactly', async () => {
    const root = join(tmp.path, 'spot-folder');
    const catalog = await Catalog.open(root);
    const summary = await importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-30', end: '2025-01-03', catalog, progress: false, batchRows: 128 });
    assert.deepEqual(summary.daysWritten, ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
    assert.deepEqual(summary.daysMissing, ['2025-01-03']);
    assert.equal(summary.archivesMissing.length, 1);
    assert.match(summary.archivesMissing[0]!, /BTCUSDT-trades-2025-01-03\.zip$/);
    assert.equal(summary.rows, spot.expected.length);
    assert.equal(summary.missingIds, 3);
    assert.deepEqual(summary.idGaps.map((g) => [g.afterId, g.nextId]), [[5_000_000_399, 5_000_000_403]]);
    assert.deepEqual(summary.precision, { price: 2, size: 5, source: summary.precision.source });
    assert.match(summary.precision.source, /inferred from the decimals in .*BTCUSDT-trades-2024-12-30\.zip/);
    assert.equal(summary.instrumentWritten, true);

    // One file per UTC day, named by the whole day.
    const files = (await readdir(join(root, 'data', 'trade_tick', 'BTCUSDT.BINANCE'))).sort();
    assert.deepEqual(files, ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02'].map((d) => `${d}T00-00-00-000000000Z_${d}T23-59-59-999999999Z.parquet`));

    assertTrades(await peerRows(root, 'trade_tick', 'BTCUSDT.BINANCE'), spot.expected, 'BTCUSDT.BINANCE', { price: 2, size: 5 });
    const instruments = (await peerNdjson(['instruments', '--catalog', root])).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(instruments.length, 1);
    assert.equal(instruments[0]!['type'], 'CurrencyPair');
    assert.equal(instruments[0]!['id'], 'BTCUSDT.BINANCE');
    assert.equal(instruments[0]!['price_precision'], 2);
    assert.equal(instruments[0]!['size_precision'], 5);
    assert.equal(instruments[0]!['price_increment'], '0.01');
  });

  it('imports the same archives over HTTP into identical files, downloading each once', async () => {
    const byFolder = join(tmp.path, 'spot-folder');
    const root = join(tmp.path, 'spot-http');
    const summary = await importBinance({ source: server.url, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-30', end: '2025-01-03', catalog: await Catalog.open(root), progress: false });
    assert.deepEqual(summary.daysMissing, ['2025-01-03']);
    assert.equal(summary.rows, spot.expected.length);
    const zips = server.requests.filter((p) => p.endsWith('.zip'));
    assert.equal(new Set(zips).size, zips.length, `each archive fetched once: ${zips.join(', ')}`);
    const checksums = server.requests.filter((p) => p.endsWith('.CHECKSUM'));
    assert.equal(new Set(checksums).size, checksums.length, `each .CHECKSUM fetched once: ${checksums.join(', ')}`);
    const ours = await (await Catalog.open(root)).readAll('trade_tick', 'BTCUSDT.BINANCE');
    const theirs = await (await Catalog.open(byFolder)).readAll('trade_tick', 'BTCUSDT.BINANCE');
    assert.deepEqual(ours, theirs);
  });

  it('skips days already in the catalog on a re-run, and --force replaces them atomically', async () => {
    const root = join(tmp.path, 'spot-folder');
    const catalog = await Catalog.open(root);
    const again = await importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-30', end: '2025-01-02', catalog, progress: false });
    assert.deepEqual(again.daysSkipped, ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
    assert.equal(again.rows, 0);
    assert.equal(again.archivesRead.length, 0);

    // The exchange replaced 12-31's archive: --force puts the new rows in place of the old ones.
    const replaced = binanceTradeCsv({ market: 'spot', kind: 'trades', day: day('2024-12-31'), rows: 50, firstId: 9_000_000_000, unit: 'ms', header: false, seed: 7 });
    const path = binanceArchivePath({ market: 'spot', type: 'trades', symbol: 'BTCUSDT' }, { kind: 'daily', day: day('2024-12-31') });
    const other = join(tmp.path, 'mirror-replaced');
    await writeBinanceZip(other, path, replaced.text);
    const forced = await importBinance({ source: other, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-31', end: '2024-12-31', catalog, force: true, progress: false });
    assert.deepEqual(forced.daysReplaced, ['2024-12-31']);
    const folder = join(root, 'data', 'trade_tick', 'BTCUSDT.BINANCE');
    assert.deepEqual((await readdir(folder)).filter((n) => n.startsWith('.')), [], 'no staged or hidden files left');
    const expected = [...spot.byDay.get('2024-12-30')!, ...replaced.expected, ...spot.byDay.get('2025-01-01')!, ...spot.byDay.get('2025-01-02')!];
    assertTrades(await peerRows(root, 'trade_tick', 'BTCUSDT.BINANCE'), expected, 'BTCUSDT.BINANCE', { price: 2, size: 5 });
  });

  it('resumes after a failure: a bad row on day 3 leaves days 1–2 written and nothing partial; the re-run skips them', async () => {
    const source = join(tmp.path, 'mirror-resume');
    const ds = { market: 'um' as const, kind: 'trades' as const, symbol: 'ETHUSDT' };
    const good = await writeTradeDays(source, ds, ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'], { headerOf: (iso) => iso !== '2024-03-01' });
    // Day 3 gets a bad price on its line 7 (line 1 is the header).
    const day3 = good.byDay.get('2024-03-03')!;
    const bad = binanceTradeCsv({ market: 'um', kind: 'trades', day: day('2024-03-03'), rows: 300, firstId: Number(day3[0]!.id), unit: 'ms', header: true, seed: 102 });
    const lines = bad.text.split('\n');
    lines[6] = lines[6]!.replace(/^(\d+),[^,]+,/, '$1,12x.5,');
    const relPath = binanceArchivePath({ market: 'um', type: 'trades', symbol: 'ETHUSDT' }, { kind: 'daily', day: day('2024-03-03') });
    await writeBinanceZip(source, relPath, lines.join('\n'));

    const root = join(tmp.path, 'resume');
    await assert.rejects(
      importBinance({ source, market: 'um', type: 'trades', symbol: 'ETHUSDT', start: '2024-03-01', end: '2024-03-04', catalog: await Catalog.open(root), progress: false, batchRows: 64 }),
      (error: Error) => {
        assert.match(error.message, /ETHUSDT-trades-2024-03-03\.zip line 7, field price: must be a plain decimal number, was "12x\.5"; re-download/);
        return true;
      },
    );
    const folder = join(root, 'data', 'trade_tick', 'ETHUSDT-PERP.BINANCE');
    assert.deepEqual((await readdir(folder)).sort(), ['2024-03-01T00-00-00-000000000Z_2024-03-01T23-59-59-999999999Z.parquet', '2024-03-02T00-00-00-000000000Z_2024-03-02T23-59-59-999999999Z.parquet']);

    await writeBinanceZip(source, relPath, bad.text); // the fixed archive
    const resumed = await importBinance({ source, market: 'um', type: 'trades', symbol: 'ETHUSDT', start: '2024-03-01', end: '2024-03-04', catalog: await Catalog.open(root), progress: false });
    assert.deepEqual(resumed.daysSkipped, ['2024-03-01', '2024-03-02']);
    assert.deepEqual(resumed.daysWritten, ['2024-03-03', '2024-03-04']);
    assert.match(resumed.precision.source, /existing files/);
    assertTrades(await peerRows(root, 'trade_tick', 'ETHUSDT-PERP.BINANCE'), good.expected, 'ETHUSDT-PERP.BINANCE', { price: 1, size: 3 });
  });

  it('refuses a wrong checksum, a missing checksum and a truncated archive, naming the file; nothing partial becomes visible', async () => {
    const source = join(tmp.path, 'mirror-faults');
    const ds: BinanceDataset = { market: 'spot', type: 'aggTrades', symbol: 'BNBUSDT' };
    const csv = (d: string) => binanceTradeCsv({ market: 'spot', kind: 'aggTrades', day: day(d), rows: 200, firstId: 1, unit: 'ms', header: false, seed: 5 }).text;
    await writeBinanceZip(source, binanceArchivePath(ds, { kind: 'daily', day: day('2024-05-01') }), csv('2024-05-01'), 'bad');
    await writeBinanceZip(source, binanceArchivePath(ds, { kind: 'daily', day: day('2024-05-02') }), csv('2024-05-02'), 'none');
    const truncatedPath = await writeBinanceZip(source, binanceArchivePath(ds, { kind: 'daily', day: day('2024-05-03') }), csv('2024-05-03'));
    const { truncateKeepingChecksum } = await import('../support/archives/mirror.js');
    await truncateKeepingChecksum(truncatedPath, 0.6);
    const root = join(tmp.path, 'faults');
    const options = { source, market: 'spot' as const, type: 'aggTrades' as const, symbol: 'BNBUSDT', catalog: await Catalog.open(root), progress: false, pricePrecision: 2, sizePrecision: 5 };

    await assert.rejects(importBinance({ ...options, start: '2024-05-01', end: '2024-05-01' }), /BNBUSDT-aggTrades-2024-05-01\.zip: sha256 is [0-9a-f]{64}, its \.CHECKSUM says [0-9a-f]{64}.*download it again/);
    await assert.rejects(importBinance({ ...options, start: '2024-05-02', end: '2024-05-02' }), /BNBUSDT-aggTrades-2024-05-02\.zip: has no \.CHECKSUM.*--allow-missing-checksum/);
    const unverified = await importBinance({ ...options, start: '2024-05-02', end: '2024-05-02', allowMissingChecksum: true });
    assert.equal(unverified.checksumsMissing.length, 1);
    assert.deepEqual(unverified.daysWritten, ['2024-05-02']);
    await assert.rejects(importBinance({ ...options, start: '2024-05-03', end: '2024-05-03' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'IMPORT_TRUNCATED');
      assert.match(error.message, /BNBUSDT-aggTrades-2024-05-03\.zip: the archive is truncated or damaged/);
      return true;
    });
    const folder = join(root, 'data', 'trade_tick', 'BNBUSDT.BINANCE');
    assert.deepEqual(await readdir(folder), ['2024-05-02T00-00-00-000000000Z_2024-05-02T23-59-59-999999999Z.parquet']);
  });

  it('imports COIN-M trades by column position as an inverse perpetual BTCUSD-PERP.BINANCE', async () => {
    const source = join(tmp.path, 'mirror-cm');
    const got = await writeTradeDays(source, { market: 'cm', kind: 'trades', symbol: 'BTCUSD_PERP' }, ['2023-06-01', '2023-06-02'], { headerOf: (iso) => iso === '2023-06-02' });
    const root = join(tmp.path, 'cm');
    const folderSummary = await importBinance({ source, market: 'cm', type: 'trades', symbol: 'BTCUSD_PERP', start: '2023-06-01', end: '2023-06-02', catalog: await Catalog.open(root), progress: false });
    assert.deepEqual(folderSummary.precision.price, 1);
    assert.deepEqual(folderSummary.precision.size, 0);
    assertTrades(await peerRows(root, 'trade_tick', 'BTCUSD-PERP.BINANCE'), got.expected, 'BTCUSD-PERP.BINANCE', { price: 1, size: 0 });
    const [instrument] = (await peerNdjson(['instruments', '--catalog', root])).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(instrument!['type'], 'CryptoPerpetual');
    assert.equal(instrument!['id'], 'BTCUSD-PERP.BINANCE');
    assert.equal(instrument!['raw_symbol'], 'BTCUSD_PERP');
    assert.equal(instrument!['is_inverse'], true);
    assert.equal(instrument!['settlement_currency'], 'BTC');
    assert.equal(instrument!['multiplier'], '100');
  });

  it('imports klines stamped at their close (ms and µs days, header or not, a monthly archive) and drives a NautilusTrader backtest', async () => {
    const source = join(tmp.path, 'mirror-klines');
    const ds: BinanceDataset = { market: 'spot', type: 'klines', symbol: 'BTCUSDT', interval: klineInterval('1m') };
    const expected: ExpectedBar[] = [];
    // November 2024 as one monthly archive (ms), then 2024-12-01 daily (ms) and 2025-01-01 daily (µs).
    const november: string[] = [];
    for (let d = day('2024-11-01'); d <= day('2024-11-30'); d++) {
      const csv = binanceKlineCsv({ market: 'spot', day: d, intervalMs: 60_000, unit: 'ms', header: false, seed: d });
      november.push(csv.text);
      expected.push(...csv.expected);
    }
    await writeBinanceZip(source, binanceArchivePath(ds, { kind: 'monthly', day: day('2024-11-01') }), november.join(''));
    for (const [iso, unit] of [['2024-12-01', 'ms'], ['2025-01-01', 'us']] as const) {
      const csv = binanceKlineCsv({ market: 'spot', day: day(iso), intervalMs: 60_000, unit, header: false, seed: 9 });
      await writeBinanceZip(source, binanceArchivePath(ds, { kind: 'daily', day: day(iso) }), csv.text);
      if (iso === '2024-12-01') expected.push(...csv.expected);
    }
    const plan = planBinanceArchives(ds, day('2024-11-01'), day('2024-12-01'), false);
    assert.equal(plan.length, 2);
    assert.match(plan[0]!.paths[0]!, /monthly\/klines\/BTCUSDT\/1m\/BTCUSDT-1m-2024-11\.zip$/);

    const root = join(tmp.path, 'klines');
    const exchangeInfo = join(tmp.path, 'exchange-info.json');
    await writeFile(exchangeInfo, JSON.stringify({ symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
      { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
    ] }] }));
    const barType = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
    const summary = await importBinance({ source, market: 'spot', type: 'klines', interval: '1m', symbol: 'BTCUSDT', start: '2024-11-01', end: '2025-01-01', catalog: await Catalog.open(root), exchangeInfo, progress: false });
    assert.equal(summary.identifier, barType);
    assert.equal(summary.daysWritten.length, 32);
    assert.equal(summary.daysMissing.length, 30); // 2024-12-02 .. 12-31: no monthly archive, no dailies
    assert.match(summary.archivesMissing[0]!, /daily\/klines\/BTCUSDT\/1m\/BTCUSDT-1m-2024-12-02\.zip$/); // no monthly file for December: its dailies were tried
    assert.match(summary.precision.source, /exchange info/);
    const january = binanceKlineCsv({ market: 'spot', day: day('2025-01-01'), intervalMs: 60_000, unit: 'us', header: false, seed: 9 });
    expected.push(...january.expected);
    // The first bar of a day closes at 00:01 and the last at 00:00 of the next day; each day's file holds exactly those.
    const files = (await readdir(join(root, 'data', 'bar', barType))).sort();
    assert.equal(files[0], '2024-11-01T00-01-00-000000000Z_2024-11-02T00-00-59-999999999Z.parquet');
    assertBars(await peerRows(root, 'bar', barType), expected, barType, { price: 2, size: 5 });
    const [instrument] = await readInstruments(root);
    assert.equal(instrument!['max_quantity'], '9000.00000');
    assert.equal(instrument!['min_price'], '0.01');

    const result = await peerJson<{ iterations: number; total_orders: number; fills: number }>(['backtest', '--catalog', root, '--instrument-id', 'BTCUSDT.BINANCE', '--bar-type', barType], { timeoutMs: 300_000 });
    assert.equal(result.iterations, expected.length, 'the backtest saw every imported bar');
    assert.ok(result.total_orders > 0 && result.fills > 0, `EMACross traded on the imported bars: ${JSON.stringify(result)}`);
  });

  it('refuses an impossible date and klines without --interval (exit 2), leaves a half-imported day alone, and will not --force over a file reaching into the next day', async () => {
    const root = join(tmp.path, 'bad-input');
    const common = ['--source', mirror, '--market', 'spot', '--symbol', 'BTCUSDT', '--catalog', root, '--quiet'];
    const date = await run('import', 'binance', ...common, '--type', 'trades', '--start', '2024-02-30', '--end', '2024-03-01');
    assert.equal(date.code, 2, date.err);
    assert.match(date.err, /--start must be a UTC date YYYY-MM-DD \(e\.g\. 2025-01-31\), was "2024-02-30"/);
    const klines = await run('import', 'binance', ...common, '--type', 'klines', '--start', '2024-12-30', '--end', '2024-12-30');
    assert.equal(klines.code, 2, klines.err);
    assert.match(klines.err, /--type klines needs --interval \(e\.g\. 1m\)/);
    const reversed = await run('import', 'binance', ...common, '--type', 'trades', '--start', '2024-12-31', '--end', '2024-12-30');
    assert.equal(reversed.code, 2, reversed.err);
    assert.match(reversed.err, /--end 2024-12-30 is before --start 2024-12-31/);

    // A file holding the first hour of 12-30 only: that day is reported partial, not touched.
    const meta: FrameMeta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 };
    const partial = await Catalog.open(root);
    await partial.write(oneTradePerHour(meta, dayStartNs(day('2024-12-30')), 2));
    const folder = join(root, 'data', 'trade_tick', 'BTCUSDT.BINANCE');
    const before = await readdir(folder);
    const summary = await importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-30', end: '2024-12-31', catalog: partial, progress: false });
    assert.deepEqual(summary.daysPartial, ['2024-12-30']);
    assert.deepEqual(summary.daysWritten, ['2024-12-31']);
    assert.deepEqual(summary.daysSkipped, []);
    const listed = await readdir(folder);
    assert.ok(before.every((name) => listed.includes(name)), 'the half-day file stays');

    // A file from 23:00 on 12-30 to 01:00 on 12-31: --force cannot replace 12-30 alone.
    const spanningRoot = join(tmp.path, 'bad-input-spanning');
    const spanning = await Catalog.open(spanningRoot);
    await spanning.write(oneTradePerHour(meta, dayStartNs(day('2024-12-30')) + 23n * NS_PER_HOUR, 3));
    const spanningFolder = join(spanningRoot, 'data', 'trade_tick', 'BTCUSDT.BINANCE');
    const files = await readdir(spanningFolder);
    await assert.rejects(
      importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2024-12-30', end: '2024-12-30', catalog: spanning, force: true, progress: false }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'IMPORT_CATALOG');
        assert.match(error.message, /reaches beyond day 2024-12-30, so --force cannot replace just that day; delete the range first/);
        return true;
      },
    );
    assert.deepEqual(await readdir(spanningFolder), files, 'nothing replaced, nothing staged left behind');
  });

  it('runs from the CLI, printing the summary; a bad flag exits 2 and an import error exits 1 naming the archive', async () => {
    const root = join(tmp.path, 'cli');
    const ok = await run('import', 'binance', '--source', server.url, '--market', 'spot', '--type', 'trades', '--symbol', 'BTCUSDT', '--start', '2024-12-30', '--end', '2024-12-31', '--catalog', root, '--quiet');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /imported trade_tick BTCUSDT\.BINANCE: 597 rows/);
    assert.match(ok.out, /precision: price 2, size 5 \(inferred from the decimals in http:\/\/127\.0\.0\.1:\d+\/data\/spot\/daily\/trades\/BTCUSDT\/BTCUSDT-trades-2024-12-30\.zip\)/);
    assert.match(ok.out, /trade-id gaps: 1 \(3 ids missing\)/);
    const usage = await run('import', 'binance', '--source', server.url, '--market', 'futures', '--type', 'trades', '--symbol', 'BTCUSDT', '--start', '2024-12-30', '--end', '2024-12-31', '--catalog', root);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--market must be one of spot, um, cm, was "futures"/);
    const bad = await run('import', 'binance', '--source', server.url, '--market', 'spot', '--type', 'trades', '--symbol', 'BTCUSDT', '--start', '2025-01-01', '--end', '2025-01-01', '--catalog', root, '--price-precision', '1', '--size-precision', '5', '--quiet');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /precision from the catalog folder's existing files is price 2, size 5, but --price-precision\/--size-precision says price 1/);
  });
});
