/**
 * The parts of the Parquet format (parquet.thrift) this codec reads and writes, as typed
 * values: page headers both ways and the footer's encoding (footer-read.ts decodes it).
 * Decoding tolerates fields it does not know; encoding writes exactly what arrow-rs and
 * pyarrow write for flat schemas.
 */
import { ThriftWriter } from './thrift.js';
import { ThriftCursor } from './thrift-read.js';

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
  /** Statistics of one column without decoding the others (decoded footers provide it). */
  columnStatistics?(column: number): Statistics | undefined;
}

/**
 * 8-byte min/max statistics of one column across a range of row groups: the `g`-th group of
 * the range has words [minLow, minHigh, maxLow, maxHigh] at `words[4k]` and its `present`
 * flag (0: absent) at `present[k]`, where `k = first + g * stride`. The stride lets a reader
 * hand out the footer index's own per-chunk arrays instead of copying a column out of them.
 */
export interface ColumnStatisticsWords {
  readonly words: Uint32Array;
  readonly present: Uint8Array;
  readonly first: number;
  readonly stride: number;
}

export interface FileMeta {
  version: number;
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroupMeta[];
  keyValue: Map<string, string>;
  createdBy?: string;
  /** Row groups `[from, to)`'s statistics of one column at once (decoded footers provide it). */
  statisticsWords?(column: number, from: number, to: number): ColumnStatisticsWords;
  /** Whether a column's statistics are chained over every row group (statistics-chain.ts), when the footer walker found out; else undefined. */
  statisticsChained?(column: number): boolean | undefined;
  /** Rows per row group, without the row group objects (decoded footers provide it). */
  rowGroupRows?: Float64Array;
  /** One row group's object, without making the others (decoded footers provide it). */
  rowGroupAt?(index: number): RowGroupMeta | undefined;
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

/** Decodes one page header starting at `offset`. */
export function decodePageHeader(bytes: Uint8Array, offset: number): PageHeader {
  const c = new ThriftCursor(bytes, offset);
  const header: PageHeader = { type: -1, uncompressedSize: 0, compressedSize: 0, numValues: 0, encoding: Encoding.PLAIN, headerLength: 0 };
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    switch (id) {
      case 1: header.type = c.int(); break;
      case 2: header.uncompressedSize = c.int(); break;
      case 3: header.compressedSize = c.int(); break;
      case 5: // DataPageHeader
      case 7: // DictionaryPageHeader
        c.enter();
        for (let f = c.nextField(); f !== 0; f = c.nextField()) {
          if (f === 1) header.numValues = c.int();
          else if (f === 2) header.encoding = c.int();
          else c.skip();
        }
        break;
      case 8: // DataPageHeaderV2
        header.numNulls = 0;
        header.defLevelsLength = 0;
        header.repLevelsLength = 0;
        header.isCompressed = true;
        c.enter();
        for (let f = c.nextField(); f !== 0; f = c.nextField()) {
          switch (f) {
            case 1: header.numValues = c.int(); break;
            case 2: header.numNulls = c.int(); break;
            case 4: header.encoding = c.int(); break;
            case 5: header.defLevelsLength = c.int(); break;
            case 6: header.repLevelsLength = c.int(); break;
            case 7: header.isCompressed = c.bool(); break;
            default: c.skip();
          }
        }
        break;
      default: c.skip();
    }
  }
  header.headerLength = c.offset - offset;
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
