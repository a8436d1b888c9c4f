/**
 * The parts of the Parquet format (parquet.thrift) this codec reads and writes, as typed
 * values, with the thrift field ids in one place. Decoding tolerates fields it does not
 * know; encoding writes exactly what arrow-rs and pyarrow write for flat schemas.
 */
import { type ThriftStruct, ThriftWriter, ThriftReader } from './thrift.js';

export const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;
export const ConvertedType = { UTF8: 0, DECIMAL: 5, TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10, UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14, INT_8: 15, INT_16: 16, INT_32: 17, INT_64: 18 } as const;
export const Repetition = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, BIT_PACKED: 4, DELTA_BINARY_PACKED: 5, DELTA_LENGTH_BYTE_ARRAY: 6, DELTA_BYTE_ARRAY: 7, RLE_DICTIONARY: 8, BYTE_STREAM_SPLIT: 9 } as const;
export const Codec = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, LZO: 3, BROTLI: 4, LZ4: 5, ZSTD: 6, LZ4_RAW: 7 } as const;
export const PageType = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;

export type LogicalType =
  | { kind: 'string' }
  | { kind: 'integer'; bitWidth: number; signed: boolean }
  | { kind: 'decimal'; scale: number; precision: number }
  | { kind: 'timestamp'; utc: boolean; unit: 'millis' | 'micros' | 'nanos' }
  | { kind: 'other'; id: number };

export interface SchemaElement {
  name: string;
  type?: number;
  typeLength?: number;
  repetition?: number;
  numChildren?: number;
  convertedType?: number;
  scale?: number;
  precision?: number;
  logicalType?: LogicalType;
}

export interface Statistics {
  min?: Uint8Array;
  max?: Uint8Array;
  nullCount?: number;
}

export interface ColumnChunkMeta {
  type: number;
  encodings: number[];
  path: string[];
  codec: number;
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  statistics?: Statistics;
}

export interface RowGroupMeta {
  columns: ColumnChunkMeta[];
  totalByteSize: number;
  numRows: number;
}

export interface FileMeta {
  version: number;
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroupMeta[];
  keyValue: Map<string, string>;
  createdBy?: string;
}

export interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
  encoding: number;
  /** DATA_PAGE_V2 only. */
  numNulls?: number;
  defLevelsLength?: number;
  repLevelsLength?: number;
  isCompressed?: boolean;
  /** Byte length of the thrift header itself. */
  headerLength: number;
}

const TEXT_DECODER = new TextDecoder();

function str(v: unknown): string | undefined {
  return v instanceof Uint8Array ? TEXT_DECODER.decode(v) : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
function struct(v: unknown): ThriftStruct | undefined {
  return v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) ? (v as ThriftStruct) : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function decodeLogicalType(s: ThriftStruct | undefined): LogicalType | undefined {
  if (!s) return undefined;
  if (s[1]) return { kind: 'string' };
  const decimal = struct(s[5]);
  if (decimal) return { kind: 'decimal', scale: num(decimal[1]) ?? 0, precision: num(decimal[2]) ?? 0 };
  const timestamp = struct(s[8]);
  if (timestamp) {
    const unit = struct(timestamp[2]) ?? {};
    return { kind: 'timestamp', utc: timestamp[1] === true, unit: unit[1] ? 'millis' : unit[2] ? 'micros' : 'nanos' };
  }
  const integer = struct(s[10]);
  if (integer) return { kind: 'integer', bitWidth: num(integer[1]) ?? 0, signed: integer[2] === true };
  const id = Number(Object.keys(s)[0] ?? -1);
  return { kind: 'other', id };
}

function decodeStatistics(s: ThriftStruct | undefined): Statistics | undefined {
  if (!s) return undefined;
  // Prefer min_value/max_value (5, 6); the deprecated min/max (2, 1) use signed order.
  const min = s[6] ?? s[2];
  const max = s[5] ?? s[1];
  const out: Statistics = {};
  if (min instanceof Uint8Array) out.min = min;
  if (max instanceof Uint8Array) out.max = max;
  const nullCount = num(s[3]);
  if (nullCount !== undefined) out.nullCount = nullCount;
  return out;
}

/** Decodes a FileMetaData struct (the footer) into typed values. */
export function decodeFileMeta(bytes: Uint8Array): FileMeta {
  const s = new ThriftReader(bytes).readStruct();
  const schema = list(s[2]).map((v): SchemaElement => {
    const e = struct(v) ?? {};
    const el: SchemaElement = { name: str(e[4]) ?? '' };
    if (num(e[1]) !== undefined) el.type = num(e[1])!;
    if (num(e[2]) !== undefined) el.typeLength = num(e[2])!;
    if (num(e[3]) !== undefined) el.repetition = num(e[3])!;
    if (num(e[5]) !== undefined) el.numChildren = num(e[5])!;
    if (num(e[6]) !== undefined) el.convertedType = num(e[6])!;
    if (num(e[7]) !== undefined) el.scale = num(e[7])!;
    if (num(e[8]) !== undefined) el.precision = num(e[8])!;
    const logical = decodeLogicalType(struct(e[10]));
    if (logical) el.logicalType = logical;
    return el;
  });
  const rowGroups = list(s[4]).map((v): RowGroupMeta => {
    const g = struct(v) ?? {};
    return {
      columns: list(g[1]).map((c): ColumnChunkMeta => {
        const m = struct(struct(c)?.[3]) ?? {};
        const meta: ColumnChunkMeta = {
          type: num(m[1]) ?? -1,
          encodings: list(m[2]).map((x) => Number(x)),
          path: list(m[3]).map((x) => str(x) ?? ''),
          codec: num(m[4]) ?? -1,
          numValues: num(m[5]) ?? 0,
          totalUncompressedSize: num(m[6]) ?? 0,
          totalCompressedSize: num(m[7]) ?? 0,
          dataPageOffset: num(m[9]) ?? -1,
        };
        const dictionary = num(m[11]);
        if (dictionary !== undefined) meta.dictionaryPageOffset = dictionary;
        const stats = decodeStatistics(struct(m[12]));
        if (stats) meta.statistics = stats;
        return meta;
      }),
      totalByteSize: num(g[2]) ?? 0,
      numRows: num(g[3]) ?? 0,
    };
  });
  const keyValue = new Map<string, string>();
  for (const kv of list(s[5])) {
    const e = struct(kv) ?? {};
    const key = str(e[1]);
    if (key !== undefined) keyValue.set(key, str(e[2]) ?? '');
  }
  const meta: FileMeta = { version: num(s[1]) ?? 0, schema, numRows: num(s[3]) ?? 0, rowGroups, keyValue };
  const createdBy = str(s[6]);
  if (createdBy !== undefined) meta.createdBy = createdBy;
  return meta;
}

/** Decodes one page header starting at `offset`. */
export function decodePageHeader(bytes: Uint8Array, offset: number): PageHeader {
  const reader = new ThriftReader(bytes, offset);
  const s = reader.readStruct();
  const header: PageHeader = {
    type: num(s[1]) ?? -1,
    uncompressedSize: num(s[2]) ?? 0,
    compressedSize: num(s[3]) ?? 0,
    numValues: 0,
    encoding: Encoding.PLAIN,
    headerLength: reader.offset - offset,
  };
  const v1 = struct(s[5]);
  const dictionary = struct(s[7]);
  const v2 = struct(s[8]);
  const body = v1 ?? dictionary ?? v2;
  if (body) {
    header.numValues = num(body[1]) ?? 0;
    header.encoding = num(v2 ? body[4] : body[2]) ?? Encoding.PLAIN;
  }
  if (v2) {
    header.numNulls = num(v2[2]) ?? 0;
    header.defLevelsLength = num(v2[5]) ?? 0;
    header.repLevelsLength = num(v2[6]) ?? 0;
    header.isCompressed = v2[7] !== false;
  }
  return header;
}

/** Encodes a v1 data page or dictionary page header. */
export function encodePageHeader(kind: 'data' | 'dictionary', uncompressedSize: number, compressedSize: number, numValues: number, encoding: number): Uint8Array {
  const w = new ThriftWriter();
  w.beginStruct();
  w.i32(1, kind === 'data' ? PageType.DATA_PAGE : PageType.DICTIONARY_PAGE);
  w.i32(2, uncompressedSize);
  w.i32(3, compressedSize);
  if (kind === 'data') {
    w.struct(5, () => {
      w.i32(1, numValues);
      w.i32(2, encoding);
      w.i32(3, Encoding.RLE);
      w.i32(4, Encoding.RLE);
    });
  } else {
    w.struct(7, () => {
      w.i32(1, numValues);
      w.i32(2, Encoding.PLAIN);
    });
  }
  w.endStruct();
  return w.finish().slice();
}

function writeLogicalType(w: ThriftWriter, logical: LogicalType): void {
  w.struct(10, () => {
    switch (logical.kind) {
      case 'string':
        w.struct(1, () => {});
        break;
      case 'integer':
        w.struct(10, () => {
          w.i8(1, logical.bitWidth);
          w.bool(2, logical.signed);
        });
        break;
      case 'decimal':
        w.struct(5, () => {
          w.i32(1, logical.scale);
          w.i32(2, logical.precision);
        });
        break;
      case 'timestamp':
        w.struct(8, () => {
          w.bool(1, logical.utc);
          w.struct(2, () => w.struct(logical.unit === 'millis' ? 1 : logical.unit === 'micros' ? 2 : 3, () => {}));
        });
        break;
      case 'other':
        throw new RangeError(`cannot write logical type id ${logical.id}`);
    }
  });
}

/** Encodes the footer FileMetaData (flat schemas only), with TypeDefinedOrder for every column. */
export function encodeFileMeta(meta: FileMeta): Uint8Array {
  const w = new ThriftWriter();
  w.beginStruct();
  w.i32(1, meta.version);
  w.structList(2, meta.schema, (e) => {
    if (e.type !== undefined) w.i32(1, e.type);
    if (e.typeLength !== undefined) w.i32(2, e.typeLength);
    if (e.repetition !== undefined) w.i32(3, e.repetition);
    w.string(4, e.name);
    if (e.numChildren !== undefined) w.i32(5, e.numChildren);
    if (e.convertedType !== undefined) w.i32(6, e.convertedType);
    if (e.scale !== undefined) w.i32(7, e.scale);
    if (e.precision !== undefined) w.i32(8, e.precision);
    if (e.logicalType) writeLogicalType(w, e.logicalType);
  });
  w.i64(3, meta.numRows);
  w.structList(4, meta.rowGroups, (g) => {
    w.structList(1, g.columns, (c) => {
      w.i64(2, c.dictionaryPageOffset ?? c.dataPageOffset);
      w.struct(3, () => {
        w.i32(1, c.type);
        w.i32List(2, c.encodings);
        w.stringList(3, c.path);
        w.i32(4, c.codec);
        w.i64(5, c.numValues);
        w.i64(6, c.totalUncompressedSize);
        w.i64(7, c.totalCompressedSize);
        w.i64(9, c.dataPageOffset);
        if (c.dictionaryPageOffset !== undefined) w.i64(11, c.dictionaryPageOffset);
        if (c.statistics) {
          const stats = c.statistics;
          w.struct(12, () => {
            if (stats.nullCount !== undefined) w.i64(3, stats.nullCount);
            if (stats.max) w.binary(5, stats.max);
            if (stats.min) w.binary(6, stats.min);
          });
        }
      });
    });
    w.i64(2, g.totalByteSize);
    w.i64(3, g.numRows);
    const first = g.columns[0];
    if (first) w.i64(5, first.dictionaryPageOffset ?? first.dataPageOffset);
    w.i64(6, g.columns.reduce((sum, c) => sum + c.totalCompressedSize, 0));
  });
  if (meta.keyValue.size > 0) {
    w.structList(5, [...meta.keyValue], ([key, value]) => {
      w.string(1, key);
      w.string(2, value);
    });
  }
  if (meta.createdBy) w.string(6, meta.createdBy);
  const leaves = meta.schema.filter((e) => e.type !== undefined);
  w.structList(7, leaves, () => w.struct(1, () => {}));
  w.endStruct();
  return w.finish().slice();
}
