/**
 * Bad input gets a typed error that names the file (and row or field) and says what to do,
 * and never leaves a partial or temp file behind.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile as readBytes, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { CatalogError } from '../../src/catalog/errors.js';
import { readFile } from '../../src/catalog/reader.js';
import { encodeArrowSchema } from '../../src/catalog/parquet/arrow-schema.js';
import { initCompression } from '../../src/catalog/parquet/compression.js';
import { ParquetWriter } from '../../src/catalog/parquet/file-writer.js';
import { catalogColumns } from '../../src/catalog/schemas.js';
import { type FixedColumn, type Frame, tsInitOf } from '../../src/model/frames.js';
import { run } from '../helpers/cli-run.js';
import { FIXTURES, tempDir } from '../helpers/paths.js';
import { prng, randomFrame } from '../helpers/random-frames.js';

const START = 1_700_000_000_000_000_000n;
const META = { instrumentId: 'EUR/USD.SIM', pricePrecision: 5, sizePrecision: 0 };

async function drain(path: string, type: 'quote_tick' | 'bar' = 'quote_tick'): Promise<number> {
  let rows = 0;
  for await (const frame of readFile(path, type)) rows += frame.length;
  return rows;
}

function isCode(code: string, ...mentions: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof CatalogError, `expected CatalogError, was ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const text of mentions) assert.ok(error.message.includes(text), `"${error.message}" should mention ${text}`);
    return true;
  };
}

async function visibleFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

describe('bad input', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir();
    await initCompression();
  });
  after(async () => tmp.remove());

  it('a truncated file names itself and says what to do', async () => {
    const bytes = await readBytes(join(FIXTURES, '128-bit', 'quotes.parquet'));
    const path = join(tmp.path, 'truncated.parquet');
    await writeFile(path, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(drain(path), isCode('CATALOG_CORRUPT_FILE', path, 're-write or remove'));
  });

  it('bad magic bytes are refused', async () => {
    const bytes = Buffer.from(await readBytes(join(FIXTURES, '128-bit', 'quotes.parquet')));
    bytes.write('XXXX', 0);
    const path = join(tmp.path, 'magic.parquet');
    await writeFile(path, bytes);
    await assert.rejects(drain(path), isCode('CATALOG_CORRUPT_FILE', path, 'PAR1'));
  });

  it('a file of the wrong type for its folder is refused by column count', async () => {
    await assert.rejects(drain(join(FIXTURES, '128-bit', 'bars.parquet'), 'quote_tick'), isCode('CATALOG_CORRUPT_FILE', 'bars.parquet', '7 columns'));
  });

  it('missing schema metadata is named', async () => {
    const path = join(tmp.path, 'no-metadata.parquet');
    const columns = catalogColumns('quote_tick', 16);
    const metadata = new Map([['instrument_id', 'EUR/USD.SIM'], ['price_precision', '5']]);
    const chunks: Uint8Array[] = [];
    const writer = new ParquetWriter({ write: async (b) => void chunks.push(b.slice()) }, columns.map((c) => c.parquet), {
      codec: 1,
      keyValue: new Map([['ARROW:schema', await encodeArrowSchema(columns.map((c) => c.arrow), metadata)], ...metadata]),
      createdBy: 'test',
    });
    const frame = randomFrame('quote_tick', prng(1), { width: 16, rows: 10, startNs: START, meta: META });
    const c = frame.columns;
    const ts = (a: BigUint64Array) => ({ kind: 'fixed' as const, bytes: new Uint8Array(a.buffer) });
    await writer.writeRowGroup(10, [
      { kind: 'fixed', bytes: c.bid_price.bytes },
      { kind: 'fixed', bytes: c.ask_price.bytes },
      { kind: 'fixed', bytes: c.bid_size.bytes },
      { kind: 'fixed', bytes: c.ask_size.bytes },
      ts(c.ts_event),
      ts(c.ts_init),
    ]);
    await writer.close();
    await writeFile(path, Buffer.concat(chunks));
    await assert.rejects(drain(path), isCode('CATALOG_METADATA', path, '"size_precision"'));
  });

  it('unsorted ts_init is refused with the row, and nothing is left in the folder', async () => {
    const catalog = await Catalog.open(join(tmp.path, 'unsorted'), { width: 16 });
    const frame = randomFrame('quote_tick', prng(2), { width: 16, rows: 100, startNs: START, meta: META });
    const ts = tsInitOf(frame);
    ts[50] = ts[10]! - 1n;
    await assert.rejects(catalog.write(frame), isCode('CATALOG_UNSORTED', 'row 50', 'sort'));
    assert.deepEqual(await visibleFiles(join(catalog.root, 'data', 'quote_tick', 'EURUSD.SIM')), []);
  });

  it('a frame whose columns disagree with its row count is refused by name, and nothing is left in the folder', async () => {
    const catalog = await Catalog.open(join(tmp.path, 'shapes'), { width: 16 });
    const frame = () => randomFrame('quote_tick', prng(6), { width: 16, rows: 100, startNs: START, meta: META });
    const damaged: Array<[string, Frame<'quote_tick'>, string]> = [
      ['a fractional row count', { ...frame(), length: 99.5 }, 'no whole row count'],
      ['a short column', ((f) => ({ ...f, columns: { ...f.columns, ts_event: f.columns.ts_event.subarray(0, 98) } }))(frame()), '98 values in column "ts_event"'],
      ['a missing column', ((f) => ({ ...f, columns: { ...f.columns, ask_size: undefined as unknown as FixedColumn } }))(frame()), 'lacks column "ask_size"'],
      ['raws of the other width', ((f) => ({ ...f, columns: { ...f.columns, bid_price: { ...f.columns.bid_price, width: 8 as const } } }))(frame()), '8-byte raws in column "bid_price"'],
    ];
    for (const [what, bad, words] of damaged) await assert.rejects(catalog.write(bad), isCode('CATALOG_BAD_FRAME', words, 'allocFrame'), what);
    assert.deepEqual(await visibleFiles(join(catalog.root, 'data', 'quote_tick', 'EURUSD.SIM')), []);
  });

  it('an overlapping write is refused before anything is written', async () => {
    const catalog = await Catalog.open(join(tmp.path, 'overlap'), { width: 16 });
    const frame = randomFrame('quote_tick', prng(3), { width: 16, rows: 100, startNs: START, meta: META });
    const written = await catalog.write(frame);
    const dir = join(catalog.root, 'data', 'quote_tick', 'EURUSD.SIM');
    const beforeFiles = await visibleFiles(dir);
    await assert.rejects(catalog.write(frame), isCode('CATALOG_OVERLAP', written.path, 'missing range'));
    assert.deepEqual(await visibleFiles(dir), beforeFiles);
  });

  it('a 64-bit frame cannot join a folder of 128-bit files', async () => {
    const root = join(tmp.path, 'widths');
    const wide = await Catalog.open(root, { width: 16 });
    await wide.write(randomFrame('quote_tick', prng(4), { width: 16, rows: 10, startNs: START, meta: META }));
    const narrow = await Catalog.open(root, { width: 8 });
    await assert.rejects(
      narrow.write(randomFrame('quote_tick', prng(5), { width: 8, rows: 10, startNs: START * 2n, meta: META })),
      isCode('CATALOG_WIDTH_MISMATCH', '128-bit', 'width 16'),
    );
  });

  it('identifiers that would escape the catalog are refused', async () => {
    const catalog = await Catalog.open(join(tmp.path, 'escape'), { width: 16 });
    const frame = randomFrame('quote_tick', prng(6), { width: 16, rows: 10, startNs: START, meta: { ...META, instrumentId: '../../etc.SIM' } });
    await assert.rejects(catalog.write(frame), (e: unknown) => e instanceof CatalogError && (e.code === 'CATALOG_BAD_IDENTIFIER' || e.code === 'CATALOG_PATH_ESCAPE'));
    assert.deepEqual(await visibleFiles(join(tmp.path, 'escape')), []);
  });

  it('a CSV with a bad row names file, line and field, and writes nothing', async () => {
    const root = join(tmp.path, 'csv');
    const csv = join(tmp.path, 'quotes.csv');
    await writeFile(
      csv,
      'bid_price,ask_price,bid_size,ask_size,ts_event,ts_init\n1.10000,1.10002,1000000,1000000,1700000000000000000,1700000000000000000\n1.10001,1.1.0003,5,5,1700000000000000001,1700000000000000001\n',
    );
    const { code, err } = await run('catalog', 'write', 'quote_tick', 'EUR/USD.SIM', '--catalog', root, '--from', csv, '--price-precision', '5', '--size-precision', '0');
    assert.equal(code, 1);
    assert.match(err, /quotes\.csv line 3, field ask_price/);
    assert.deepEqual(await visibleFiles(join(root, 'data', 'quote_tick', 'EURUSD.SIM')), []);
  });

  it('a legacy-named file in a folder is still read', async () => {
    const root = join(tmp.path, 'legacy');
    const dir = join(root, 'data', 'quote_tick', 'EURUSD.SIM');
    await mkdir(dir, { recursive: true });
    await copyFile(join(FIXTURES, '128-bit', 'quotes.parquet'), join(dir, 'part-0.parquet'));
    const catalog = await Catalog.open(root);
    assert.equal(catalog.width, 16);
    assert.equal((await catalog.readAll('QuoteTick', 'EUR/USD.SIM'))!.length, 9500);
    assert.deepEqual(await catalog.intervals('quote_tick', 'EUR/USD.SIM'), []);
  });
});
