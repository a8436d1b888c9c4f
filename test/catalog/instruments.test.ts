/**
 * Instruments against the real NautilusTrader 1.221.0 (python/instrument_peer.py in .venv):
 * we read what it writes, it reads what we write, and bad records are refused before any
 * file exists.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCatalogError } from '../../src/catalog/errors.js';
import { INSTRUMENT_SCHEMAS, instrumentSchema } from '../../src/catalog/instrument-schemas.js';
import { type InstrumentRecord, demoInstruments, readInstruments, writeInstrument } from '../../src/catalog/instruments.js';
import { ParquetWriter } from '../../src/catalog/parquet/file-writer.js';
import { PhysicalType } from '../../src/catalog/parquet/format.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PYTHON = process.env['SEAMLESS_PYTHON'] ?? join(REPO, '.venv', 'bin', 'python');
const PEER = join(REPO, 'python', 'instrument_peer.py');
const NO_PYTHON = existsSync(PYTHON) ? false : `no NautilusTrader Python at ${PYTHON} (set SEAMLESS_PYTHON)`;

/** Runs the peer; resolves with its non-empty stdout lines. */
function peer(args: string[]): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, [PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out.split('\n').filter((l) => l !== '')) : reject(new Error(`instrument_peer ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** Parses a peer line `{record, bigints}` into an InstrumentRecord with exact bigints. */
function fromPeer(line: string): InstrumentRecord {
  const { record, bigints } = JSON.parse(line) as { record: InstrumentRecord; bigints: string[] };
  for (const key of bigints) record[key] = BigInt(record[key] as string);
  return record;
}

/** Returns `record` restricted to `type` and the columns its class stores. */
function stored(record: InstrumentRecord): InstrumentRecord {
  const schema = instrumentSchema(record.type);
  assert.ok(schema, `no schema for ${record.type}`);
  const out: InstrumentRecord = { type: record.type };
  for (const [name] of schema.columns) out[name] = record[name] === undefined ? null : record[name];
  return out;
}

const byId = (records: InstrumentRecord[]) => new Map(records.map((r) => [`${r['id'] as string}@${r['ts_init'] as bigint}`, r]));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name))).sort();
}

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'seamless-instruments-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('instruments and NautilusTrader 1.221.0', { skip: NO_PYTHON }, () => {
  test('(a) reads a catalog NautilusTrader wrote: every record equals to_dict on the stored columns', async () => {
    const root = join(scratch, 'a-nautilus');
    const originals = (await peer(['write', '--catalog', root])).map(fromPeer);
    const classes = new Set(originals.map((r) => r.type));
    assert.deepEqual([...classes].sort(), ['CryptoFuture', 'CryptoPerpetual', 'CurrencyPair', 'Equity']);

    const ours = await readInstruments(root);
    assert.equal(ours.length, originals.length);
    const oursById = byId(ours);
    for (const original of originals) {
      const record = oursById.get(`${original['id'] as string}@${original['ts_init'] as bigint}`);
      assert.ok(record, `missing ${original['id'] as string}`);
      assert.deepEqual(Object.keys(record).sort(), Object.keys(stored(original)).sort(), `${original['id'] as string}: keys`);
      assert.deepEqual(record, stored(original), `${original['id'] as string}: values`);
    }

    // And what NautilusTrader itself reads back from the same files.
    const nautilus = byId((await peer(['read', '--catalog', root])).map(fromPeer));
    for (const record of ours) assert.deepEqual(record, stored(nautilus.get(`${record['id'] as string}@${record['ts_init'] as bigint}`)!));

    // Filters, matched on the escaped folder as NautilusTrader does.
    assert.deepEqual((await readInstruments(root, { ids: ['EUR/USD.SIM'] })).map((r) => r['id']), ['EUR/USD.SIM']);
    assert.deepEqual((await readInstruments(root, { ids: ['EURUSD.SIM'] })).map((r) => r['id']), ['EUR/USD.SIM']);
    assert.deepEqual((await readInstruments(root, { classes: ['Equity'] })).map((r) => r['id']).sort(), ['AAPL.XNAS', 'MSFT.XNAS']);
    assert.deepEqual(await readInstruments(root, { classes: ['Equity'], ids: ['BTCUSDT.BINANCE'] }), []);
  });

  test('(b) writes files NautilusTrader reads back into the same instruments as its own files', async () => {
    const originals = (await peer(['originals'])).map(fromPeer);
    const ours = join(scratch, 'b-ours');
    for (const record of originals) await writeInstrument(ours, record);
    const theirs = join(scratch, 'b-nautilus');
    await peer(['write', '--catalog', theirs]);

    // Same folders and file names.
    assert.deepEqual(await listFiles(join(ours, 'data')), await listFiles(join(theirs, 'data')));

    // pyarrow sees exactly SCHEMAS[cls] with metadata {"class": cls} in every file.
    for (const line of await peer(['check-schema', '--catalog', ours])) {
      const check = JSON.parse(line) as { file: string; class: string; equal: boolean; metadata: Record<string, string>; rows: number; actual: string | null };
      assert.equal(check.equal, true, `${check.file}: schema differs from SCHEMAS[${check.class}]:\n${check.actual}`);
      assert.deepEqual(check.metadata, { class: check.class });
      assert.equal(check.rows, 1);
    }

    // ParquetDataCatalog.instruments(): our files give exactly what NautilusTrader's own files give ...
    const readOurs = (await peer(['read', '--catalog', ours])).map(fromPeer);
    const readTheirs = (await peer(['read', '--catalog', theirs])).map(fromPeer);
    assert.deepEqual(readOurs, readTheirs);
    // ... which is the original to_dict on every stored column (tick_scheme_name and crypto
    // lot_size are not stored, by NautilusTrader either).
    const originalsById = byId(originals);
    assert.equal(readOurs.length, originals.length);
    for (const record of readOurs) assert.deepEqual(stored(record), stored(originalsById.get(`${record['id'] as string}@${record['ts_init'] as bigint}`)!));

    // Our reader sees the same in both catalogs.
    assert.deepEqual(await readInstruments(ours), await readInstruments(theirs));
  });

  test('every instrument class with a catalog schema: our files read back as NautilusTrader\'s own do', async () => {
    const originals = (await peer(['originals', '--set', 'all'])).map(fromPeer);
    assert.deepEqual([...new Set(originals.map((r) => r.type))].sort(), Object.keys(INSTRUMENT_SCHEMAS).sort());
    const ours = join(scratch, 'all-ours');
    for (const record of originals) await writeInstrument(ours, record);
    const theirs = join(scratch, 'all-nautilus');
    await peer(['write', '--catalog', theirs, '--set', 'all']);
    assert.deepEqual(await peer(['read', '--catalog', ours]), await peer(['read', '--catalog', theirs]));
    for (const line of await peer(['check-schema', '--catalog', ours])) assert.equal((JSON.parse(line) as { equal: boolean }).equal, true, line);
    assert.deepEqual(await readInstruments(ours), await readInstruments(theirs));
  });

  test('a folder mixing NautilusTrader\'s files and ours reads as one dataset', async () => {
    const root = join(scratch, 'mixed');
    await peer(['write', '--catalog', root]);
    const [, eth] = demoInstruments();
    const later = { ...eth!, maker_fee: '0.0001', ts_event: 1700000000000000000n, ts_init: 1700000000000000000n };
    await writeInstrument(root, later);
    const read = (await peer(['read', '--catalog', root])).map(fromPeer).filter((r) => r['id'] === 'ETHUSDT-PERP.BINANCE');
    assert.deepEqual(read.map((r) => [r['maker_fee'], r['ts_init']]), [['0.0002', 1646199342953849862n], ['0.0001', 1700000000000000000n]]);
  });

  test('demoInstruments are TestInstrumentProvider.btcusdt_binance and ethusdt_perp_binance, to_dict for to_dict', async () => {
    const originals = byId((await peer(['originals'])).map(fromPeer));
    const [btc, eth] = demoInstruments();
    assert.deepEqual(btc, originals.get('BTCUSDT.BINANCE@0'));
    assert.deepEqual(eth, originals.get('ETHUSDT-PERP.BINANCE@1646199342953849862'));
  });

  test('reads the Rust `instruments` folder, skipping files that name no class', async () => {
    const root = join(scratch, 'rust-folder');
    const source = join(scratch, 'rust-source');
    await peer(['write', '--catalog', source]);
    const name = '1970-01-01T00-00-00-000000000Z_1970-01-01T00-00-00-000000000Z.parquet';
    await mkdir(join(root, 'data', 'instruments', 'BTCUSDT.BINANCE'), { recursive: true });
    await cp(join(source, 'data', 'currency_pair', 'BTCUSDT.BINANCE', name), join(root, 'data', 'instruments', 'BTCUSDT.BINANCE', name));
    await mkdir(join(root, 'data', 'instruments', 'OTHER.SIM'), { recursive: true });
    await writeFile(join(root, 'data', 'instruments', 'OTHER.SIM', name), await parquetWithoutClass());

    const records = await readInstruments(root);
    assert.deepEqual(records.map((r) => [r.type, r['id']]), [['CurrencyPair', 'BTCUSDT.BINANCE']]);
    assert.deepEqual(await readInstruments(root, { classes: ['Equity'] }), []);
  });
});

describe('writeInstrument', () => {
  const btc = (): InstrumentRecord => demoInstruments()[0]!;

  test('refuses a second file for the same instrument and ts_init; a later ts_init is a new file', async () => {
    const root = join(scratch, 'overlap');
    const first = await writeInstrument(root, btc());
    assert.match(first.path, /data\/currency_pair\/BTCUSDT\.BINANCE\/1970-01-01T00-00-00-000000000Z_1970-01-01T00-00-00-000000000Z\.parquet$/);
    await assert.rejects(writeInstrument(root, { ...btc(), maker_fee: '0.002' }), (e: unknown) => isCatalogError(e, 'CATALOG_OVERLAP') && e.path === first.path);
    await writeInstrument(root, { ...btc(), maker_fee: '0.002', ts_event: 5n, ts_init: 5n });
    const records = await readInstruments(root);
    assert.deepEqual(records.map((r) => [r['maker_fee'], r['ts_init']]), [['0.001', 0n], ['0.002', 5n]]);
    // No temp files are left behind.
    assert.deepEqual((await listFiles(root)).filter((f) => f.includes('.tmp')), []);
  });

  test('reads back what it writes with every compression', async () => {
    for (const compression of ['snappy', 'zstd', 'gzip', 'none'] as const) {
      const root = join(scratch, `compression-${compression}`);
      for (const record of demoInstruments()) await writeInstrument(root, record, { compression });
      const read = await readInstruments(root);
      assert.deepEqual(read.map((r) => r['id']), ['ETHUSDT-PERP.BINANCE', 'BTCUSDT.BINANCE'], compression);
      assert.deepEqual(read[1], (({ tick_scheme_name: _, ...rest }) => rest)(demoInstruments()[0]!), compression);
    }
  });

  test('writes the Python class folder by default, whatever the catalog holds, and the Rust folder only when asked', async () => {
    const root = join(scratch, 'scheme');
    const rust = await writeInstrument(root, btc(), { scheme: 'rust' });
    assert.match(rust.path, /data\/instruments\/BTCUSDT\.BINANCE\/[^/]+\.parquet$/);
    const python = await writeInstrument(root, btc());
    assert.match(python.path, /data\/currency_pair\/BTCUSDT\.BINANCE\/[^/]+\.parquet$/);
    const records = await readInstruments(root);
    assert.equal(records.length, 2);
    assert.deepEqual(records[0], records[1]);
  });

  const bad: Array<[string, InstrumentRecord, string, RegExp]> = [
    ['an unknown class', { ...demoInstruments()[0]!, type: 'Spaceship' }, 'CATALOG_UNKNOWN_TYPE', /field "type".*"Spaceship"/],
    ['the abstract Instrument class', { ...demoInstruments()[0]!, type: 'Instrument' }, 'CATALOG_UNKNOWN_TYPE', /field "type"/],
    ['a missing required field', (({ price_increment: _, ...rest }) => rest as InstrumentRecord)(demoInstruments()[0]!), 'CATALOG_BAD_RECORD', /CurrencyPair field "price_increment" is required, was missing/],
    ['a null required field', { ...demoInstruments()[0]!, quote_currency: null }, 'CATALOG_BAD_RECORD', /field "quote_currency" is required, was null/],
    ['a missing ts_init', (({ ts_init: _, ...rest }) => rest as InstrumentRecord)(demoInstruments()[0]!), 'CATALOG_BAD_RECORD', /field "ts_init" is required/],
    ['an id with a .. segment', { ...demoInstruments()[0]!, id: '../BTCUSDT.BINANCE' }, 'CATALOG_BAD_IDENTIFIER', /field "id".*\.\./],
    ['an id that is ..', { ...demoInstruments()[0]!, id: '..' }, 'CATALOG_BAD_IDENTIFIER', /field "id"/],
    ['an id without a venue', { ...demoInstruments()[0]!, id: 'BTCUSDT' }, 'CATALOG_BAD_IDENTIFIER', /field "id"/],
    ['an unknown field', { ...demoInstruments()[0]!, max_qty: '1' }, 'CATALOG_BAD_RECORD', /field "max_qty" is not a CurrencyPair field/],
    ['a string precision', { ...demoInstruments()[0]!, price_precision: '2' }, 'CATALOG_BAD_RECORD', /field "price_precision" must be an integer in \[0, 255\], was "2"/],
    ['a negative ts_init', { ...demoInstruments()[0]!, ts_init: -1n }, 'CATALOG_BAD_RECORD', /field "ts_init" must be a bigint/],
    ['a non-boolean is_inverse', { ...demoInstruments()[1]!, is_inverse: 'no' }, 'CATALOG_BAD_RECORD', /CryptoPerpetual field "is_inverse" must be a boolean/],
    ['a precision that disagrees with its increment', { ...demoInstruments()[0]!, price_precision: 3 }, 'CATALOG_BAD_RECORD', /field "price_precision" must equal the decimals of price_increment "0.01" \(2\), was 3/],
    ['an info that is not JSON', { ...demoInstruments()[0]!, info: { n: 1n } }, 'CATALOG_BAD_RECORD', /field "info" must be JSON-serializable/],
  ];
  for (const [what, record, code, message] of bad) {
    test(`refuses ${what} before writing anything`, async () => {
      const root = join(scratch, `bad-${what.replace(/\W+/g, '-')}`);
      await assert.rejects(writeInstrument(root, record), (e: unknown) => {
        assert.ok(isCatalogError(e), `not a CatalogError: ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
      assert.equal(existsSync(join(root, 'data')), false);
    });
  }

  test('accepts the to_dict keys NautilusTrader does not store, and drops them as it does', async () => {
    const root = join(scratch, 'to-dict-only');
    const eth = { ...demoInstruments()[1]!, tick_scheme_name: 'FIXED_PRECISION_2', lot_size: '7' };
    await writeInstrument(root, eth);
    const [read] = await readInstruments(root);
    assert.ok(read);
    assert.equal('tick_scheme_name' in read, false);
    assert.equal('lot_size' in read, false);
    const { tick_scheme_name: _t, lot_size: _l, ...rest } = eth;
    assert.deepEqual(read, rest);
    for (const schema of Object.values(INSTRUMENT_SCHEMAS)) assert.ok(schema.toDictOnly.includes('type'));
  });
});

describe('readInstruments', () => {
  test('returns [] for a missing or empty catalog, and refuses unknown classes and unsafe ids', async () => {
    assert.deepEqual(await readInstruments(join(scratch, 'nothing-here')), []);
    await assert.rejects(readInstruments(scratch, { classes: ['Spaceship'] }), (e: unknown) => isCatalogError(e, 'CATALOG_UNKNOWN_TYPE'));
    await assert.rejects(readInstruments(scratch, { ids: ['../x.SIM'] }), (e: unknown) => isCatalogError(e, 'CATALOG_BAD_IDENTIFIER'));
  });

  test('refuses a file in a Python instrument folder that names no class', async () => {
    const root = join(scratch, 'no-class');
    const dir = join(root, 'data', 'currency_pair', 'BTCUSDT.BINANCE');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '1970-01-01T00-00-00-000000000Z_1970-01-01T00-00-00-000000000Z.parquet'), await parquetWithoutClass());
    await assert.rejects(readInstruments(root), (e: unknown) => isCatalogError(e, 'CATALOG_METADATA') && /"class"/.test(e.message));
  });
});

/** A valid one-column Parquet file with no schema metadata at all. */
async function parquetWithoutClass(): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const writer = new ParquetWriter({ write: async (b) => void parts.push(b) }, [{ name: 'x', physical: PhysicalType.INT64, width: 8, dictionary: false, statsOrder: 'unsigned' }], {
    codec: 0,
    keyValue: new Map(),
    createdBy: 'test',
  });
  await writer.writeRowGroup(1, [{ kind: 'fixed', bytes: new Uint8Array(8) }]);
  await writer.close();
  return Buffer.concat(parts);
}
