import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogError } from '../../src/catalog/errors.js';
import { formatFileName } from '../../src/catalog/file-names.js';
import { CatalogLayout, NO_IDENTIFIER } from '../../src/catalog/layout.js';

const BAR_TYPE = 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL';
const isCode = (code: string) => (error: unknown) => error instanceof CatalogError && error.code === code;

let tmp: string;
let root: string;

async function touch(path: string, bytes = 0): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seamless-layout-'));
  root = join(tmp, 'catalog');
  const data = join(root, 'data');
  const quotes = join(data, 'quote_tick', 'EURUSD.SIM');
  await touch(join(quotes, formatFileName(5n, 6n)), 20);
  await touch(join(quotes, formatFileName(1n, 2n)), 10);
  await touch(join(quotes, 'part-0.parquet'), 7);
  await touch(join(quotes, `.${formatFileName(20n, 30n)}`));
  await touch(join(quotes, `${formatFileName(40n, 50n)}.tmp`));
  await touch(join(quotes, 'notes.txt'));
  // The Rust scheme's folder for the same instrument.
  await touch(join(data, 'quotes', 'EURUSD.SIM', formatFileName(8n, 8n)), 3);
  await touch(join(data, 'quotes', 'GBPUSD.SIM', formatFileName(100n, 200n)), 4);
  await touch(join(data, 'bar', BAR_TYPE, formatFileName(1637971200000000000n, 1637971740000000000n)), 5);
  await touch(join(data, 'bar', 'BTCUSDT-PERP.BINANCE-5-MINUTE-LAST-EXTERNAL', formatFileName(1637971800000000000n, 1637972100000000000n)), 6);
  await touch(join(data, 'bar', 'ETHUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL', formatFileName(1n, 1n)), 1);
  // Files directly in a type folder (data with no identifier), and a custom type.
  await touch(join(data, 'custom_foo', formatFileName(3n, 4n)), 2);
  await mkdir(join(data, 'order_book_delta'), { recursive: true });
});

after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('CatalogLayout listing', () => {
  it('lists type folders and identifiers, with a pseudo identifier for direct files', async () => {
    const layout = new CatalogLayout(root);
    assert.equal(layout.dataDir, join(root, 'data'));
    assert.deepEqual(await layout.listDataFolders(), ['bar', 'custom_foo', 'order_book_delta', 'quote_tick', 'quotes']);
    assert.deepEqual(await layout.listIdentifiers('quote_tick'), ['EURUSD.SIM']);
    assert.deepEqual(await layout.listIdentifiers('quotes'), ['EURUSD.SIM', 'GBPUSD.SIM']);
    assert.deepEqual(await layout.listIdentifiers('custom_foo'), [NO_IDENTIFIER]);
    assert.deepEqual(await layout.listIdentifiers('order_book_delta'), []);
    assert.deepEqual(await layout.listIdentifiers('trade_tick'), []);
  });

  it('lists .parquet files sorted by interval, legacy last, ignoring temp and other files', async () => {
    const files = await new CatalogLayout(root).listFiles('quote_tick', 'EURUSD.SIM');
    assert.deepEqual(files.map((f) => [f.name, f.interval, f.size]), [
      [formatFileName(1n, 2n), { first: 1n, last: 2n }, 10],
      [formatFileName(5n, 6n), { first: 5n, last: 6n }, 20],
      ['part-0.parquet', null, 7],
    ]);
    assert.equal(files[0]!.path, join(root, 'data', 'quote_tick', 'EURUSD.SIM', formatFileName(1n, 2n)));
  });

  it('counts a linked file, and skips a broken link or a folder with a catalog file\'s name', async () => {
    const dir = join(tmp, 'links', 'data', 'trade_tick', 'X.SIM');
    await touch(join(dir, formatFileName(1n, 2n)), 9);
    await touch(join(tmp, 'links-target.parquet'), 11);
    await symlink(join(tmp, 'links-target.parquet'), join(dir, formatFileName(3n, 4n)));
    await symlink(join(tmp, 'nowhere.parquet'), join(dir, formatFileName(5n, 6n)));
    await mkdir(join(dir, formatFileName(7n, 8n)));
    const files = await new CatalogLayout(join(tmp, 'links')).listFiles('trade_tick', 'X.SIM');
    assert.deepEqual(files.map((f) => [f.name, f.size]), [[formatFileName(1n, 2n), 9], [formatFileName(3n, 4n), 11]]);
  });

  it('rejects folder names that leave the data folder', async () => {
    const layout = new CatalogLayout(root);
    await assert.rejects(layout.listFiles('..', 'x'), isCode('CATALOG_PATH_ESCAPE'));
    await assert.rejects(layout.listFiles('quote_tick', '../bar'), isCode('CATALOG_PATH_ESCAPE'));
    await assert.rejects(layout.listIdentifiers('../..'), isCode('CATALOG_PATH_ESCAPE'));
  });

  it('summarises every (folder, identifier) for catalog ls', async () => {
    const rows = await new CatalogLayout(root).listAll();
    assert.deepEqual(
      rows.map((r) => [r.folder, r.descriptor?.className ?? null, r.identifier, r.files, r.first, r.last, r.bytes]),
      [
        ['bar', 'Bar', BAR_TYPE, 1, 1637971200000000000n, 1637971740000000000n, 5],
        ['bar', 'Bar', 'BTCUSDT-PERP.BINANCE-5-MINUTE-LAST-EXTERNAL', 1, 1637971800000000000n, 1637972100000000000n, 6],
        ['bar', 'Bar', 'ETHUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL', 1, 1n, 1n, 1],
        ['custom_foo', null, NO_IDENTIFIER, 1, 3n, 4n, 2],
        ['quote_tick', 'QuoteTick', 'EURUSD.SIM', 3, 1n, 6n, 37],
        ['quotes', 'QuoteTick', 'EURUSD.SIM', 1, 8n, 8n, 3],
        ['quotes', 'QuoteTick', 'GBPUSD.SIM', 1, 100n, 200n, 4],
      ],
    );
  });
});

describe('CatalogLayout intervals', () => {
  it('collects intervals across every folder scheme, by class or folder name', async () => {
    const layout = new CatalogLayout(root);
    const expected = [{ first: 1n, last: 2n }, { first: 5n, last: 6n }, { first: 8n, last: 8n }];
    assert.deepEqual(await layout.intervals('QuoteTick', 'EURUSD.SIM'), expected);
    assert.deepEqual(await layout.intervals('quotes', 'EUR/USD.SIM'), expected);
    assert.deepEqual(await layout.intervals('quote_tick', 'GBPUSD.SIM'), [{ first: 100n, last: 200n }]);
    assert.deepEqual(await layout.intervals('TradeTick', 'EURUSD.SIM'), []);
  });

  it('computes missing intervals from file names', async () => {
    const layout = new CatalogLayout(root);
    assert.deepEqual(await layout.missingIntervals('QuoteTick', 'EURUSD.SIM', 0n, 10n), [
      { first: 0n, last: 0n }, { first: 3n, last: 4n }, { first: 7n, last: 7n }, { first: 9n, last: 10n },
    ]);
    assert.deepEqual(await layout.missingIntervals('TradeTick', 'EURUSD.SIM', 0n, 10n), [{ first: 0n, last: 10n }]);
  });

  it('matches a bar type exactly, and an instrument id by the bar prefix fallback', async () => {
    const layout = new CatalogLayout(root);
    assert.deepEqual(await layout.intervals('Bar', BAR_TYPE), [{ first: 1637971200000000000n, last: 1637971740000000000n }]);
    assert.deepEqual(await layout.intervals('bar', 'BTCUSDT-PERP.BINANCE'), [
      { first: 1637971200000000000n, last: 1637971740000000000n },
      { first: 1637971800000000000n, last: 1637972100000000000n },
    ]);
    // The fallback is a plain `<id>-` prefix, as in Python: a symbol containing `-` also matches.
    assert.deepEqual((await layout.intervals('bar', 'BTCUSDT')).length, 2);
    assert.deepEqual(await layout.intervals('bar', 'BTCUSDT-PERP.BIN'), []);
    assert.deepEqual(await layout.intervals('bar', 'ETHUSDT-PERP.BINANCE'), [{ first: 1n, last: 1n }]);
    // No prefix fallback for other types.
    assert.deepEqual(await layout.intervals('QuoteTick', 'EURUSD'), []);
  });

  it('selects files intersecting a closed range, always including legacy names', async () => {
    const layout = new CatalogLayout(root);
    const names = async (...args: Parameters<CatalogLayout['filesFor']>) => (await layout.filesFor(...args)).map((f) => f.name);
    assert.deepEqual(await names('QuoteTick', 'EURUSD.SIM', 2n, 5n), [formatFileName(1n, 2n), formatFileName(5n, 6n), 'part-0.parquet']);
    assert.deepEqual(await names('QuoteTick', 'EURUSD.SIM', 3n, 4n), ['part-0.parquet']);
    assert.deepEqual(await names('QuoteTick', 'EURUSD.SIM', 7n), [formatFileName(8n, 8n), 'part-0.parquet']);
    assert.deepEqual(await names('QuoteTick', 'EURUSD.SIM', undefined, 1n), [formatFileName(1n, 2n), 'part-0.parquet']);
    assert.deepEqual(await names('QuoteTick'), [
      formatFileName(1n, 2n), formatFileName(5n, 6n), formatFileName(8n, 8n), formatFileName(100n, 200n), 'part-0.parquet',
    ]);
  });

  it('rejects unknown types and unsafe identifiers', async () => {
    const layout = new CatalogLayout(root);
    await assert.rejects(layout.intervals('QuoteTicks', 'EURUSD.SIM'), isCode('CATALOG_UNKNOWN_TYPE'));
    await assert.rejects(layout.intervals('QuoteTick', '../quote_tick/EURUSD.SIM'), isCode('CATALOG_BAD_IDENTIFIER'));
  });
});

describe('CatalogLayout edge cases', () => {
  it('treats a missing root or data folder as an empty catalog', async () => {
    const missing = new CatalogLayout(join(tmp, 'does-not-exist'));
    assert.deepEqual(await missing.listDataFolders(), []);
    assert.deepEqual(await missing.listAll(), []);
    assert.deepEqual(await missing.intervals('QuoteTick', 'EURUSD.SIM'), []);
    await mkdir(join(tmp, 'empty-root'));
    assert.deepEqual(await new CatalogLayout(join(tmp, 'empty-root')).listAll(), []);
  });

  it('throws CATALOG_NOT_FOUND naming a root that is a file', async () => {
    const file = join(tmp, 'not-a-folder');
    await writeFile(file, 'x');
    await assert.rejects(new CatalogLayout(file).listDataFolders(), (error: unknown) => {
      assert.ok(error instanceof CatalogError);
      assert.equal(error.code, 'CATALOG_NOT_FOUND');
      assert.equal(error.path, file);
      assert.match(error.message, /was .*not-a-folder/);
      return true;
    });
  });

  it('throws CATALOG_BAD_FILE_NAME with the path for a malformed name', async () => {
    const badRoot = join(tmp, 'bad');
    const bad = join(badRoot, 'data', 'trade_tick', 'EURUSD.SIM', '2021-11-27T00-00-00Z_x.parquet');
    await touch(bad);
    await assert.rejects(new CatalogLayout(badRoot).intervals('TradeTick', 'EURUSD.SIM'), (error: unknown) => {
      assert.ok(error instanceof CatalogError);
      assert.equal(error.code, 'CATALOG_BAD_FILE_NAME');
      assert.equal(error.path, bad);
      return true;
    });
  });
});
