/**
 * Instruments in a catalog, as NautilusTrader 1.221.0's Python `ParquetDataCatalog` keeps
 * them: `data/<snake_class>/<escaped id>/<ts_init>_<ts_init>.parquet`, one file per
 * instrument per `ts_init`, one `to_dict()` row each (see instrument-codec.ts for the file).
 *
 * | class             | folder              | example file                                                          |
 * |-------------------|---------------------|-----------------------------------------------------------------------|
 * | `CurrencyPair`    | `currency_pair`     | `BTCUSDT.BINANCE/1970-01-01T00-00-00-000000000Z_1970-...-000000000Z.parquet` |
 * | `CryptoPerpetual` | `crypto_perpetual`  | `ETHUSDT-PERP.BINANCE/2022-03-02T05-35-42-953849862Z_2022-...862Z.parquet`  |
 * | `CurrencyPair`    | `currency_pair`     | `EURUSD.SIM/...` — the id `EUR/USD.SIM` loses its `/` in the folder name |
 *
 * Writing is safer than NautilusTrader's (which overwrites a file of the same name and checks
 * overlaps only afterwards): a file whose interval already covers the `ts_init` is refused, and
 * the file is staged as a hidden temp file in its folder, fsynced, then renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { type FolderScheme, resolveDataType, tryResolveDataType } from './data-types.js';
import { CatalogError } from './errors.js';
import { formatFileName } from './file-names.js';
import { identifierFolder, matchIdentifierFolders, safeJoin } from './identifier-path.js';
import { type InstrumentRecord, encodeInstrumentFile, rowToRecord, validateInstrument } from './instrument-codec.js';
import { INSTRUMENT_SCHEMAS, instrumentSchema } from './instrument-schemas.js';
import { CatalogLayout, NO_IDENTIFIER } from './layout.js';
import { syncFolder } from './writer.js';
import { decodeArrowSchemaMessage } from './parquet/arrow-schema-read.js';
import { type CompressionName, decompress, initCompression } from './parquet/compression.js';
import { Codec } from './parquet/format.js';

export type { InstrumentRecord } from './instrument-codec.js';

/** The folder the Rust catalog (HEAD) puts every instrument class in. */
const RUST_FOLDER = 'instruments';

export interface WriteInstrumentOptions {
  /**
   * `rust` writes into `data/instruments/` (the Rust catalog's folder, which NautilusTrader
   * 1.221.0's Python catalog does not read); any other value, or none, writes the Python
   * folder `data/<snake_class>/`, which every scheme shares.
   */
  readonly scheme?: FolderScheme;
  /** snappy (default, as pyarrow writes), zstd, gzip or none. */
  readonly compression?: CompressionName;
}

export interface WrittenInstrument {
  readonly path: string;
  readonly bytes: number;
}

export interface ReadInstrumentsOptions {
  /** Only these class names (`CurrencyPair`, ...); all when absent. */
  readonly classes?: readonly string[];
  /** Only these instrument ids, matched on the escaped folder name as NautilusTrader does. */
  readonly ids?: readonly string[];
}

/**
 * Writes one instrument as `data/<snake_class>/<escaped id>/<ts_init>_<ts_init>.parquet`.
 * Returns the file's path and size.
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE`, `CATALOG_BAD_RECORD` or
 * `CATALOG_BAD_IDENTIFIER` for a bad record (see validateInstrument), and `CATALOG_OVERLAP`
 * when a file of the folder already covers the record's `ts_init`.
 */
export async function writeInstrument(root: string, record: InstrumentRecord, options: WriteInstrumentOptions = {}): Promise<WrittenInstrument> {
  const instrument = validateInstrument(record);
  const descriptor = resolveDataType(instrument.className);
  const folder = options.scheme === 'rust' ? descriptor.folders.rust : descriptor.folders.py1221;
  const idFolder = identifierFolder(instrument.id);
  const dir = safeJoin(root, 'data', folder, idFolder);
  const layout = new CatalogLayout(root);
  const checkFree = async (): Promise<void> => {
    const clash = (await layout.listFiles(folder, idFolder)).find((f) => f.interval && f.interval.first <= instrument.tsInit && instrument.tsInit <= f.interval.last);
    if (clash) {
      throw new CatalogError(
        'CATALOG_OVERLAP',
        `${dir}: ${instrument.id} with ts_init ${instrument.tsInit} overlaps ${clash.path}; an instrument is written once per ts_init — write the new definition with a later ts_init`,
        { path: clash.path },
      );
    }
  };
  await checkFree();
  const bytes = await encodeInstrumentFile(instrument, options.compression);

  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.parquet.tmp`);
  const handle = await open(temp, 'wx');
  let committed = false;
  try {
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
    await handle.close();
    await checkFree();
    const path = join(dir, formatFileName(instrument.tsInit, instrument.tsInit));
    await rename(temp, path);
    committed = true;
    await syncFolder(dir);
    return { path, bytes: bytes.length };
  } finally {
    if (!committed) {
      await handle.close().catch(() => {});
      await rm(temp, { force: true });
    }
  }
}

/**
 * Returns every instrument of the catalog, decoded from the Python class folders
 * (`currency_pair`, `crypto_perpetual`, ...) and from the Rust `instruments` folder (only its
 * files whose schema metadata names a class under `type` or `class`; others are skipped).
 * Order: folder, identifier folder, file interval, row.
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE` for an unknown class in `classes`,
 * `CATALOG_BAD_IDENTIFIER` for an unusable id in `ids`, `CATALOG_METADATA` when a file of a
 * Python instrument folder names no known class, and `CATALOG_CORRUPT_FILE` when a file
 * cannot be decoded.
 */
export async function readInstruments(root: string, options: ReadInstrumentsOptions = {}): Promise<InstrumentRecord[]> {
  const classes = options.classes && new Set(options.classes);
  for (const name of classes ?? []) {
    if (!instrumentSchema(name)) {
      throw new CatalogError('CATALOG_UNKNOWN_TYPE', `instrument class unknown, was ${JSON.stringify(name)}; use one of ${Object.keys(INSTRUMENT_SCHEMAS).join(', ')}`);
    }
  }
  for (const id of options.ids ?? []) identifierFolder(id);

  const layout = new CatalogLayout(root);
  const out: InstrumentRecord[] = [];
  for (const folder of await layout.listDataFolders()) {
    const rust = folder === RUST_FOLDER;
    const descriptor = rust ? null : tryResolveDataType(folder);
    const folderClass = descriptor?.kind === 'instrument' && instrumentSchema(descriptor.className) ? descriptor.className : undefined;
    if (!rust && (folderClass === undefined || (classes && !classes.has(folderClass)))) continue;

    let identifiers = await layout.listIdentifiers(folder);
    if (options.ids) {
      const named = identifiers.filter((id) => id !== NO_IDENTIFIER);
      const matched = new Set(options.ids.flatMap((id) => matchIdentifierFolders('instrument', id, named)));
      identifiers = named.filter((id) => matched.has(id));
    }
    for (const idFolder of identifiers) {
      for (const file of await layout.listFiles(folder, idFolder)) {
        const decoded = await decodeFile(file.path, rust);
        if (!decoded || (classes && !classes.has(decoded.className))) continue;
        out.push(...decoded.records);
      }
    }
  }
  return out;
}

/** Decodes one instrument file; returns null for a Rust-folder file that names no class. */
async function decodeFile(path: string, rust: boolean): Promise<{ className: string; records: InstrumentRecord[] } | null> {
  const buffer = await readFile(path);
  const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
  let keyValue: Map<string, string>;
  let rows: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(file);
    keyValue = new Map((metadata.key_value_metadata ?? []).map(({ key, value }) => [key, value ?? '']));
    const arrowSchema = keyValue.get('ARROW:schema');
    if (!keyValue.has('type') && !keyValue.has('class') && arrowSchema !== undefined) keyValue = new Map([...keyValue, ...decodeArrowSchemaMessage(arrowSchema).metadata]);
    const className = keyValue.get('type') ?? keyValue.get('class');
    if (className === undefined || !instrumentSchema(className)) {
      if (rust) return null;
      throw new CatalogError(
        'CATALOG_METADATA',
        `${path}: an instrument file needs the schema metadata "class" (or "type") naming an instrument class, was ${JSON.stringify(className ?? null)}; rewrite the file with NautilusTrader or writeInstrument`,
        { path },
      );
    }
    // hyparquet decodes only snappy itself; ours covers every codec writeInstrument offers.
    await initCompression();
    const compressors = {
      ZSTD: (input: Uint8Array, size: number) => decompress(Codec.ZSTD, input, size),
      GZIP: (input: Uint8Array, size: number) => decompress(Codec.GZIP, input, size),
    };
    rows = (await parquetReadObjects({ file, metadata, utf8: false, compressors })) as Record<string, unknown>[];
    return { className, records: rows.map((row) => rowToRecord(className, row, path)) };
  } catch (error) {
    if (error instanceof CatalogError) throw error;
    throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: cannot decode the instrument file: ${(error as Error).message}`, { path, cause: error });
  }
}


/**
 * Returns the demo catalog's instruments, exactly as NautilusTrader 1.221.0's
 * `TestInstrumentProvider.btcusdt_binance()` (CurrencyPair) and `.ethusdt_perp_binance()`
 * (CryptoPerpetual) give them through `to_dict()`.
 */
export function demoInstruments(): InstrumentRecord[] {
  return [
    {
      type: 'CurrencyPair',
      id: 'BTCUSDT.BINANCE',
      raw_symbol: 'BTCUSDT',
      base_currency: 'BTC',
      quote_currency: 'USDT',
      price_precision: 2,
      price_increment: '0.01',
      size_precision: 6,
      size_increment: '0.000001',
      multiplier: '1',
      lot_size: null,
      max_quantity: '9000.000000',
      min_quantity: '0.000001',
      max_notional: null,
      min_notional: '10.00000000 USDT',
      max_price: '1000000.00',
      min_price: '0.01',
      margin_init: '0',
      margin_maint: '0',
      maker_fee: '0.001',
      taker_fee: '0.001',
      ts_event: 0n,
      ts_init: 0n,
      tick_scheme_name: null,
      info: null,
    },
    {
      type: 'CryptoPerpetual',
      id: 'ETHUSDT-PERP.BINANCE',
      raw_symbol: 'ETHUSDT',
      base_currency: 'ETH',
      quote_currency: 'USDT',
      settlement_currency: 'USDT',
      is_inverse: false,
      price_precision: 2,
      price_increment: '0.01',
      size_precision: 3,
      size_increment: '0.001',
      multiplier: '1',
      lot_size: '1',
      max_quantity: '10000.000',
      min_quantity: '0.001',
      max_notional: null,
      min_notional: '10.00000000 USDT',
      max_price: '152588.43',
      min_price: '29.91',
      margin_init: '1.00',
      margin_maint: '0.35',
      maker_fee: '0.0002',
      taker_fee: '0.0004',
      ts_event: 1646199312128000000n,
      ts_init: 1646199342953849862n,
      tick_scheme_name: null,
      info: null,
    },
  ];
}
