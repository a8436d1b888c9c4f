/**
 * The CLI end to end through `main()`: start (demo catalog), every catalog verb, the row
 * formats round-tripping through `read` and `write`, and exit codes for mistakes.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';

const BARS = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';

describe('seamless CLI', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let catalog: string;
  before(async () => {
    tmp = await tempDir('seamless-cli-');
    catalog = join(tmp.path, 'catalog');
  });
  after(async () => tmp.remove());

  // `start` then runs the gateway until a signal; test/gateway/gateway-cli.test.ts covers that part.
  it('start --summary-only creates the demo catalog once, then summarises it', async () => {
    const first = await run('start', '--catalog', catalog, '--summary-only');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /created a demo catalog/);
    assert.match(first.out, /currency_pair\s+BTCUSDT\.BINANCE/);
    assert.match(first.out, /bar\s+BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL\s+1\s+2024-01-02T00:01:00\.000000000Z\s+2024-01-03T00:00:00\.000000000Z/);
    // The hints read what the demo holds; the gateway's curl hint waits for the gateway.
    assert.match(first.out, /\ntry: seamless catalog read bar BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL --limit 5 --format table\n {5}seamless fetch ohlcv:binance:BTC\/USDT:1m /);
    assert.doesNotMatch(first.out, /curl/);
    const second = await run('start', '--catalog', catalog, '--summary-only');
    assert.doesNotMatch(second.out, /created/);
  });

  it('start --summary-only hints at what a user\'s own catalog holds', async () => {
    const own = join(tmp.path, 'own-quotes');
    const quotes = syntheticQuotes({ meta: { instrumentId: 'EURUSD.SIM', pricePrecision: 5, sizePrecision: 0 }, start: 1_704_153_600_000_000_000n, count: 10, stepNs: 1_000_000_000n });
    await (await Catalog.open(own)).write(quotes);
    const summary = await run('start', '--catalog', own, '--summary-only');
    assert.equal(summary.code, 0, summary.err);
    assert.match(summary.out, /\ntry: seamless catalog read quote_tick EURUSD\.SIM --limit 5 --format table\n$/);
    assert.doesNotMatch(summary.out, /BTCUSDT|created/);
  });

  it('ls --json lists types, identifiers and ranges', async () => {
    const { code, out } = await run('catalog', 'ls', '--catalog', catalog, '--json');
    assert.equal(code, 0);
    const rows = JSON.parse(out) as Array<{ type: string; identifier: string; files: number; first: string | null }>;
    const bars = rows.find((r) => r.type === 'bar')!;
    assert.equal(bars.identifier, BARS);
    assert.equal(bars.first, '1704153660000000000');
    assert.deepEqual(rows.map((r) => r.type).sort(), ['bar', 'crypto_perpetual', 'currency_pair', 'quote_tick', 'trade_tick']);
  });

  it('read honours --start (inclusive), --end (exclusive) and --limit, in ndjson, csv and table', async () => {
    const window = await run('catalog', 'read', 'Bar', BARS, '--catalog', catalog, '--start', '2024-01-02T00:01:00Z', '--end', '1704153780000000000');
    const lines = window.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(lines.map((l) => l['ts_init']), ['1704153660000000000', '1704153720000000000']);
    assert.deepEqual(Object.keys(lines[0]!), ['type', 'bar_type', 'open', 'high', 'low', 'close', 'volume', 'ts_event', 'ts_init']);
    assert.match(lines[0]!['open']!, /^\d+\.\d{2}$/);
    const csv = await run('catalog', 'read', 'bar', BARS, '--catalog', catalog, '--limit', '3', '--format', 'csv');
    assert.equal(csv.out.trim().split('\n').length, 4);
    assert.equal(csv.out.split('\n')[0], 'type,bar_type,open,high,low,close,volume,ts_event,ts_init');
    const table = await run('catalog', 'read', 'trade_tick', 'BTCUSDT.BINANCE', '--catalog', catalog, '--limit', '2', '--format', 'table');
    assert.match(table.out, /aggressor_side/);
    assert.equal(table.out.trim().split('\n').length, 3);
  });

  it('what read prints, write takes back: ndjson and csv round trips are exact', async () => {
    for (const format of ['ndjson', 'csv'] as const) {
      const printed = await run('catalog', 'read', 'quote_tick', 'BTCUSDT.BINANCE', '--catalog', catalog, '--format', format);
      const file = join(tmp.path, `quotes.${format}`);
      await writeFile(file, printed.out);
      const target = join(tmp.path, `copy-${format}`);
      const written = await run('catalog', 'write', 'QuoteTick', 'BTCUSDT.BINANCE', '--catalog', target, '--from', file, '--price-precision', '2', '--size-precision', '6', '--scheme', 'py1221');
      assert.equal(written.code, 0, written.err);
      assert.match(written.out, /wrote 3600 rows/);
      const again = await run('catalog', 'read', 'quote_tick', 'BTCUSDT.BINANCE', '--catalog', target, '--format', format);
      assert.equal(again.out, printed.out);
    }
  });

  it('intervals and missing intervals come from file names', async () => {
    const { out } = await run('catalog', 'intervals', 'bar', BARS, '--catalog', catalog, '--json');
    assert.deepEqual(JSON.parse(out), [['1704153660000000000', '1704240000000000000']]);
    const missing = await run('catalog', 'intervals', 'bar', BARS, '--catalog', catalog, '--missing', '--start', '1704153600000000000', '--end', '1704240000000000002', '--json');
    assert.deepEqual(JSON.parse(missing.out), [
      ['1704153600000000000', '1704153659999999999'],
      ['1704240000000000001', '1704240000000000001'],
    ]);
  });

  it('consolidate, stats, verify, delete and reset-names keep the catalog consistent', async () => {
    const before = await run('catalog', 'read', 'bar', BARS, '--catalog', catalog);
    const consolidated = await run('catalog', 'consolidate', 'bar', BARS, '--catalog', catalog, '--period', '6h');
    assert.equal(consolidated.code, 0, consolidated.err);
    assert.match(consolidated.out, /consolidated 1 files into 5 \(1440 rows\)/);
    assert.equal((await run('catalog', 'read', 'bar', BARS, '--catalog', catalog)).out, before.out);
    const stats = JSON.parse((await run('catalog', 'stats', '--catalog', catalog, '--json')).out) as Array<{ folder: string; day: string; rows: number; files: number }>;
    const barDays = stats.filter((s) => s.folder === 'bar');
    assert.deepEqual(barDays.map((s) => [s.day, s.rows]), [['2024-01-02', 1439], ['2024-01-03', 1]]);
    const verify = await run('catalog', 'verify', '--catalog', catalog);
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, /0 issue/);
    const deleted = await run('catalog', 'delete', 'bar', BARS, '--catalog', catalog, '--start', '2024-01-02T01:00:00Z', '--end', '2024-01-02T02:00:00Z');
    assert.equal(deleted.code, 0, deleted.err);
    const rows = (await run('catalog', 'read', 'bar', BARS, '--catalog', catalog)).out.trim().split('\n');
    assert.equal(rows.length, 1440 - 60);
    const renamed = await run('catalog', 'reset-names', 'bar', '--catalog', catalog);
    assert.equal(renamed.code, 0, renamed.err);
    assert.equal((await run('catalog', 'verify', '--catalog', catalog)).code, 0);
  });

  it('mistakes exit 2 with usage hints; bad data exits 1 naming the problem', async () => {
    assert.equal((await run('catalog', 'read')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
    const badFlag = await run('catalog', 'read', 'bar', BARS, '--catalog', catalog, '--limit', 'ten');
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.err, /--limit must be an integer/);
    const badTime = await run('catalog', 'read', 'bar', BARS, '--catalog', catalog, '--start', 'yesterday');
    assert.equal(badTime.code, 2);
    assert.match(badTime.err, /--start/);
    const badPeriod = await run('catalog', 'consolidate', 'bar', BARS, '--catalog', catalog, '--period', '0d');
    assert.equal(badPeriod.code, 2);
    assert.match(badPeriod.err, /^seamless: --period must look like 1d, 6h, 30m or 10s, was "0d"\n/);
    const badType = await run('catalog', 'read', 'candles', 'X.Y', '--catalog', catalog);
    assert.equal(badType.code, 1);
    assert.match(badType.err, /CATALOG_UNKNOWN_TYPE/);
  });
});
