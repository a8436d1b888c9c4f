/**
 * One instrument as one Parquet file, the way NautilusTrader 1.221.0's Python catalog
 * writes it (`serialize` in `serialization/arrow/implementations/instruments.py`): the row is
 * `Instrument.to_dict()`, with `info` replaced by its msgspec-JSON bytes, under the class's
 * SCHEMAS entry with the schema metadata `{"class": "<ClassName>"}`.
 *
 * What pyarrow writes, and what we write:
 *
 * | aspect        | pyarrow (NautilusTrader)                              | seamless                       |
 * |---------------|-------------------------------------------------------|--------------------------------|
 * | columns       | SCHEMAS order, all OPTIONAL                           | same                           |
 * | `ARROW:schema`| SCHEMAS types (dictionary<int64/int16/int8, utf8> ...) | same types, dictionary ids 0.. |
 * | key/value     | `class`, then `ARROW:schema`                          | same                           |
 * | encoding      | RLE_DICTIONARY (PLAIN for BOOLEAN), v1 pages, snappy  | PLAIN, v1 pages, snappy        |
 * | statistics    | null count, min/max                                   | same                           |
 *
 * Record values: strings for decimals, money (`"10.00000000 USDT"`) and currencies; numbers
 * for precisions (uint8) and doubles; bigint for uint64/int64 (ts_event, ts_init,
 * activation_ns, ...); boolean for is_inverse; `info` a JSON value (object or null).
 */
import { parseInstrumentId } from '../model/identifiers.js';
import { CatalogError, isCatalogError } from './errors.js';
import { CREATED_BY } from './frame-encode.js';
import { identifierFolder } from './identifier-path.js';
import { type InstrumentColumnType, type InstrumentSchema, INSTRUMENT_SCHEMAS, instrumentColumnSpecs, instrumentSchema } from './instrument-schemas.js';
import { encodeArrowSchema } from './parquet/arrow-schema.js';
import type { ColumnInput } from './parquet/column-write.js';
import { CODEC_OF, type CompressionName, initCompression } from './parquet/compression.js';
import { ParquetWriter } from './parquet/file-writer.js';

/** An instrument as NautilusTrader's `Instrument.to_dict()` gives it; `type` is the class name. */
export type InstrumentRecord = { type: string; [field: string]: unknown };

/** A record checked against its class schema, with one normalized value per column. */
export interface ValidInstrument {
  readonly className: string;
  readonly schema: InstrumentSchema;
  readonly id: string;
  readonly tsInit: bigint;
  /** Per column, in schema order: null, string, Uint8Array (binary), boolean, number or bigint. */
  readonly values: readonly (string | Uint8Array | boolean | number | bigint | null)[];
}

// The writer itself needs these, whatever from_dict tolerates: the folder and the file name.
const ALWAYS_REQUIRED = new Set(['id', 'ts_event', 'ts_init']);
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const TEXT = new TextEncoder();
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function badRecord(className: string, field: string, problem: string): CatalogError {
  return new CatalogError('CATALOG_BAD_RECORD', `${className} field ${JSON.stringify(field)} ${problem}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (value === null || typeof value !== 'object') return `${String(value)} (${value === null ? 'null' : typeof value})`;
  return Array.isArray(value) ? 'an array' : value instanceof Uint8Array ? 'a Uint8Array' : 'an object';
}

/**
 * Returns the record checked against NautilusTrader's schema for its class, with its values
 * normalized per column.
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE` when `type` names no instrument class with a
 * catalog schema; `CATALOG_BAD_RECORD` when a required field is missing or null, a field is
 * unknown, a value has the wrong type or range, or a precision disagrees with its increment;
 * `CATALOG_BAD_IDENTIFIER` when `id` is not `SYMBOL.VENUE` or cannot be a folder name.
 */
export function validateInstrument(record: InstrumentRecord): ValidInstrument {
  if (record === null || typeof record !== 'object') throw new CatalogError('CATALOG_BAD_RECORD', `an instrument record must be an object, was ${describe(record)}`);
  const className = record.type;
  const schema = typeof className === 'string' ? instrumentSchema(className) : undefined;
  if (!schema) {
    throw new CatalogError(
      'CATALOG_UNKNOWN_TYPE',
      `instrument field "type" must name an instrument class, was ${describe(className)}; use one of ${Object.keys(INSTRUMENT_SCHEMAS).join(', ')}`,
    );
  }
  const cls = className as string;
  const columns = new Set(schema.columns.map(([name]) => name));
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !columns.has(key) && !schema.toDictOnly.includes(key)) {
      throw badRecord(cls, key, `is not a ${cls} field; the fields are ${[...columns, ...schema.toDictOnly.filter((k) => k !== 'type')].join(', ')}`);
    }
  }
  const values = schema.columns.map(([name, type]) => normalize(cls, name, type, record[name], ALWAYS_REQUIRED.has(name) || schema.required.includes(name)));
  const id = record['id'] as string;
  checkId(cls, id);
  checkPrecision(cls, record, 'price');
  checkPrecision(cls, record, 'size');
  return { className: cls, schema, id, tsInit: values[schema.columns.findIndex(([name]) => name === 'ts_init')] as bigint, values };
}

function normalize(cls: string, name: string, type: InstrumentColumnType, value: unknown, required: boolean): ValidInstrument['values'][number] {
  if (type === 'binary') {
    // NautilusTrader writes msgspec.json.encode(info): a null info is the bytes `null`.
    if (value === undefined) {
      if (required) throw badRecord(cls, name, 'is required, was missing');
      return null;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      throw badRecord(cls, name, `must be JSON-serializable (an object or null), was not: ${(error as Error).message}`);
    }
    if (json === undefined) throw badRecord(cls, name, `must be JSON-serializable (an object or null), was ${describe(value)}`);
    return TEXT.encode(json);
  }
  if (value === undefined || value === null) {
    if (required) throw badRecord(cls, name, `is required, was ${describe(value)}; NautilusTrader's ${cls}.from_dict cannot build the instrument without it`);
    return null;
  }
  switch (type) {
    case 'dict<int8>':
    case 'dict<int16>':
    case 'dict<int64>':
    case 'string':
      if (typeof value !== 'string') throw badRecord(cls, name, `must be a string, was ${describe(value)}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw badRecord(cls, name, `must be a boolean, was ${describe(value)}`);
      return value;
    case 'uint8':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) throw badRecord(cls, name, `must be an integer in [0, 255], was ${describe(value)}`);
      return value;
    case 'float64':
      if (typeof value !== 'number') throw badRecord(cls, name, `must be a number, was ${describe(value)}`);
      return value;
    case 'uint64':
    case 'int64': {
      const big = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
      const [lo, hi] = type === 'uint64' ? [0n, U64_MAX] : [I64_MIN, I64_MAX];
      if (big === undefined || big < lo || big > hi) throw badRecord(cls, name, `must be a bigint in [${lo}, ${hi}], was ${describe(value)}`);
      return big;
    }
  }
}

function checkId(cls: string, id: string): void {
  try {
    identifierFolder(id);
    parseInstrumentId(id);
  } catch (error) {
    const code = isCatalogError(error) ? error.code : 'CATALOG_BAD_IDENTIFIER';
    throw new CatalogError(code, `${cls} field "id" is not a usable instrument id: ${(error as Error).message}`, { cause: error });
  }
}

/** NautilusTrader refuses a precision that differs from its increment's decimals; so do we, before writing. */
function checkPrecision(cls: string, record: InstrumentRecord, side: 'price' | 'size'): void {
  const increment = record[`${side}_increment`];
  const precision = record[`${side}_precision`];
  if (typeof increment !== 'string') return;
  if (!DECIMAL.test(increment)) throw badRecord(cls, `${side}_increment`, `must be a decimal string like "0.01", was ${describe(increment)}`);
  const decimals = increment.includes('.') ? increment.length - increment.indexOf('.') - 1 : 0;
  if (typeof precision === 'number' && precision !== decimals) {
    throw badRecord(cls, `${side}_precision`, `must equal the decimals of ${side}_increment ${JSON.stringify(increment)} (${decimals}), was ${precision}`);
  }
}

/** Returns the column input of one normalized value (instrument files hold one row). */
function columnInput(type: InstrumentColumnType, value: ValidInstrument['values'][number]): ColumnInput {
  const nulls = value === null ? Uint8Array.of(1) : undefined;
  const withNulls = <T extends object>(input: T): T => (nulls ? { ...input, nulls } : input);
  switch (type) {
    case 'dict<int8>':
    case 'dict<int16>':
    case 'dict<int64>':
    case 'string':
      return withNulls({ kind: 'string', values: [typeof value === 'string' ? value : ''] });
    case 'binary':
      return withNulls({ kind: 'binary', values: [value instanceof Uint8Array ? value : new Uint8Array(0)] });
    case 'bool':
      return withNulls({ kind: 'boolean', values: Uint8Array.of(value === true ? 1 : 0) });
    case 'uint8': {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, typeof value === 'number' ? value : 0, true);
      return withNulls({ kind: 'fixed', bytes });
    }
    case 'uint64':
    case 'int64':
    case 'float64': {
      const bytes = new Uint8Array(8);
      const view = new DataView(bytes.buffer);
      if (type === 'float64') view.setFloat64(0, typeof value === 'number' ? value : 0, true);
      else if (type === 'uint64') view.setBigUint64(0, typeof value === 'bigint' ? value : 0n, true);
      else view.setBigInt64(0, typeof value === 'bigint' ? value : 0n, true);
      return withNulls({ kind: 'fixed', bytes });
    }
  }
}

/** Returns the complete Parquet file of one validated instrument (snappy unless told otherwise). */
export async function encodeInstrumentFile(instrument: ValidInstrument, compression: CompressionName = 'snappy'): Promise<Uint8Array> {
  await initCompression();
  const specs = instrument.schema.columns.map(([name, type]) => instrumentColumnSpecs(name, type));
  const metadata = new Map([['class', instrument.className]]);
  // pyarrow's order: the schema metadata first, then ARROW:schema.
  const keyValue = new Map([...metadata, ['ARROW:schema', await encodeArrowSchema(specs.map((s) => s.arrow), metadata)]]);
  const parts: Uint8Array[] = [];
  const writer = new ParquetWriter({ write: async (bytes) => void parts.push(bytes) }, specs.map((s) => s.parquet), { codec: CODEC_OF[compression], keyValue, createdBy: CREATED_BY });
  await writer.writeRowGroup(1, instrument.schema.columns.map(([, type], i) => columnInput(type, instrument.values[i]!)));
  const size = await writer.close();
  const out = new Uint8Array(size);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/**
 * Returns one decoded row as an InstrumentRecord: `type`, then the file's columns in file
 * order. Strings stay strings, 64-bit integers are bigint, `info` bytes are JSON-decoded
 * (the bytes `null` and a Parquet null both give null); other nulls stay null.
 *
 * Throws CatalogError `CATALOG_CORRUPT_FILE` when `info` is not UTF-8 JSON.
 */
export function rowToRecord(className: string, row: Record<string, unknown>, path: string): InstrumentRecord {
  const schema = instrumentSchema(className);
  const types = new Map<string, InstrumentColumnType>(schema?.columns.map(([name, type]) => [name, type]) ?? []);
  const record: InstrumentRecord = { type: className };
  for (const [name, value] of Object.entries(row)) {
    if (value === undefined || value === null) {
      record[name] = null;
    } else if (types.get(name) === 'binary' && value instanceof Uint8Array) {
      try {
        record[name] = JSON.parse(UTF8.decode(value));
      } catch (error) {
        throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: column ${JSON.stringify(name)} is not msgspec JSON: ${(error as Error).message}`, { path, cause: error });
      }
    } else if ((types.get(name) === 'uint64' || types.get(name) === 'int64') && typeof value === 'number') {
      record[name] = BigInt(value);
    } else {
      record[name] = value;
    }
  }
  return record;
}
