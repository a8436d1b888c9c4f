/**
 * Decodes a Parquet footer (FileMetaData) into typed values, skipping what readers do not use.
 *
 * A day-sized file has thousands of row groups and a window read touches one or two, so
 * opening a file walks the row group list once, with plain functions (see skipValue), and
 * only notes where each column chunk and its statistics start; a row group's column
 * metadata is decoded on first use, and pruning reads just the statistics it asks for.
 */
import { type ColumnChunkMeta, type FileMeta, type LogicalType, type RowGroupMeta, type SchemaElement, type Statistics } from './format.js';
import { CompactType, ThriftCursor, ThriftError, readVarint, skipValue, skipVarint } from './thrift.js';

/** Decodes a LogicalType union (the cursor is at the field's struct value). */
function readLogicalType(c: ThriftCursor): LogicalType | undefined {
  let result: LogicalType | undefined;
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    if (id === 1) {
      result = { kind: 'string' };
      c.skip();
    } else if (id === 5) {
      let scale = 0;
      let precision = 0;
      c.enter();
      for (let f = c.nextField(); f !== 0; f = c.nextField()) {
        if (f === 1) scale = c.int();
        else if (f === 2) precision = c.int();
        else c.skip();
      }
      result = { kind: 'decimal', scale, precision };
    } else if (id === 8) {
      let utc = false;
      let unit: 'millis' | 'micros' | 'nanos' = 'nanos';
      c.enter();
      for (let f = c.nextField(); f !== 0; f = c.nextField()) {
        if (f === 1) utc = c.bool();
        else if (f === 2) {
          c.enter();
          for (let u = c.nextField(); u !== 0; u = c.nextField()) {
            unit = u === 1 ? 'millis' : u === 2 ? 'micros' : 'nanos';
            c.skip();
          }
        } else c.skip();
      }
      result = { kind: 'timestamp', utc, unit };
    } else if (id === 10) {
      let bitWidth = 0;
      let signed = false;
      c.enter();
      for (let f = c.nextField(); f !== 0; f = c.nextField()) {
        if (f === 1) bitWidth = c.int();
        else if (f === 2) signed = c.bool();
        else c.skip();
      }
      result = { kind: 'integer', bitWidth, signed };
    } else {
      result = { kind: 'other', id };
      c.skip();
    }
  }
  return result;
}

function readSchemaElement(c: ThriftCursor): SchemaElement {
  const el: SchemaElement = { name: '' };
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    switch (id) {
      case 1: el.type = c.int(); break;
      case 2: el.typeLength = c.int(); break;
      case 3: el.repetition = c.int(); break;
      case 4: el.name = c.string(); break;
      case 5: el.numChildren = c.int(); break;
      case 6: el.convertedType = c.int(); break;
      case 7: el.scale = c.int(); break;
      case 8: el.precision = c.int(); break;
      case 10: {
        const logical = readLogicalType(c);
        if (logical) el.logicalType = logical;
        break;
      }
      default: c.skip();
    }
  }
  return el;
}

function readStatistics(c: ThriftCursor): Statistics {
  const out: Statistics = {};
  let deprecatedMin: Uint8Array | undefined;
  let deprecatedMax: Uint8Array | undefined;
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    switch (id) {
      case 1: deprecatedMax = c.binary(); break;
      case 2: deprecatedMin = c.binary(); break;
      case 3: out.nullCount = c.int(); break;
      case 5: out.max = c.binary(); break;
      case 6: out.min = c.binary(); break;
      default: c.skip();
    }
  }
  // Prefer min_value/max_value; the deprecated min/max (signed order) only as a fallback.
  if (!out.min && deprecatedMin) out.min = deprecatedMin;
  if (!out.max && deprecatedMax) out.max = deprecatedMax;
  return out;
}

function readColumnMeta(c: ThriftCursor, path: string[]): ColumnChunkMeta {
  const meta: ColumnChunkMeta = { type: -1, encodings: [], path, codec: -1, numValues: 0, totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: -1 };
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    switch (id) {
      case 1: meta.type = c.int(); break;
      case 4: meta.codec = c.int(); break;
      case 5: meta.numValues = c.int(); break;
      case 6: meta.totalUncompressedSize = c.int(); break;
      case 7: meta.totalCompressedSize = c.int(); break;
      case 9: meta.dataPageOffset = c.int(); break;
      case 11: meta.dictionaryPageOffset = c.int(); break;
      case 12: meta.statistics = readStatistics(c); break;
      default: c.skip(); // encodings and path are not needed to read (path comes from the schema)
    }
  }
  return meta;
}

function readColumnChunk(c: ThriftCursor, path: string[], index: number): ColumnChunkMeta {
  let meta: ColumnChunkMeta | undefined;
  c.enter();
  for (let f = c.nextField(); f !== 0; f = c.nextField()) {
    if (f === 3) meta = readColumnMeta(c, path);
    else c.skip();
  }
  if (!meta) throw new ThriftError(`row group column ${index} has no metadata (encrypted or external columns are not supported)`);
  return meta;
}

/** ColumnChunk.meta_data (3) → ColumnMetaData.statistics (12). */
const STATISTICS_PATH = [3, 12];

/**
 * Returns the offset just past the struct at `at`, and stores in `found[slot]` where the
 * struct reached by the field ids `path` (from `depth` on) starts, if the struct has it.
 */
function skipStructNoting(bytes: Uint8Array, at: number, path: readonly number[], depth: number, found: Uint32Array, slot: number): number {
  let pos = at;
  let id = 0;
  for (;;) {
    if (pos >= bytes.length) throw new ThriftError(`thrift data ends early at byte ${pos}`);
    const header = bytes[pos++]!;
    const type = header & 0x0f;
    if (type === CompactType.Stop) return pos;
    if (header >> 4 !== 0) id += header >> 4;
    else {
      const zigzag = readVarint(bytes, pos);
      id = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      pos = skipVarint(bytes, pos);
    }
    if (id !== path[depth] || type !== CompactType.Struct) pos = skipValue(bytes, pos, type);
    else if (depth + 1 < path.length) pos = skipStructNoting(bytes, pos, path, depth + 1, found, slot);
    else {
      found[slot] = pos;
      pos = skipValue(bytes, pos, CompactType.Struct);
    }
  }
}

/** A row group whose column metadata is decoded on first use. */
class LazyRowGroup implements RowGroupMeta {
  private decoded: ColumnChunkMeta[] | undefined;

  constructor(
    private readonly footer: Uint8Array,
    /** Where each column chunk's struct starts in the footer. */
    private readonly chunkAt: Uint32Array,
    /** Where each column chunk's statistics struct starts in the footer; 0 when it has none. */
    private readonly statisticsAt: Uint32Array,
    private readonly leafPaths: string[][],
    readonly totalByteSize: number,
    readonly numRows: number,
  ) {}

  get columns(): ColumnChunkMeta[] {
    this.decoded ??= Array.from(this.chunkAt, (at, i) => readColumnChunk(new ThriftCursor(this.footer, at), this.leafPaths[i] ?? [`column ${i}`], i));
    return this.decoded;
  }

  columnStatistics(column: number): Statistics | undefined {
    if (this.decoded) return this.decoded[column]?.statistics;
    const at = this.statisticsAt[column];
    return at ? readStatistics(new ThriftCursor(this.footer, at)) : undefined;
  }
}

function readRowGroup(c: ThriftCursor, footer: Uint8Array, leafPaths: string[][]): RowGroupMeta {
  let chunkAt: Uint32Array | undefined;
  let statisticsAt: Uint32Array | undefined;
  let totalByteSize = 0;
  let numRows = 0;
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    if (id === 1) {
      const { size, elementType } = c.list();
      if (elementType !== CompactType.Struct) throw new ThriftError('a row group column list does not hold structs');
      chunkAt = new Uint32Array(size);
      statisticsAt = new Uint32Array(size);
      let at = c.offset;
      for (let i = 0; i < size; i++) {
        chunkAt[i] = at;
        at = skipStructNoting(footer, at, STATISTICS_PATH, 0, statisticsAt, i);
      }
      c.offset = at;
    } else if (id === 2) totalByteSize = c.int();
    else if (id === 3) numRows = c.int();
    else c.skip();
  }
  if (!chunkAt || !statisticsAt) throw new ThriftError('a row group has no column list');
  return new LazyRowGroup(footer, chunkAt, statisticsAt, leafPaths, totalByteSize, numRows);
}

/** Decodes a FileMetaData struct (the footer) into typed values, skipping what readers do not use. */
export function decodeFileMeta(bytes: Uint8Array): FileMeta {
  const c = new ThriftCursor(bytes);
  const meta: FileMeta = { version: 0, schema: [], numRows: 0, rowGroups: [], keyValue: new Map() };
  let leafPaths: string[][] = [];
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    switch (id) {
      case 1: meta.version = c.int(); break;
      case 2: {
        const { size } = c.list();
        for (let i = 0; i < size; i++) meta.schema.push(readSchemaElement(c));
        leafPaths = meta.schema.slice(1).map((e) => [e.name]);
        break;
      }
      case 3: meta.numRows = c.int(); break;
      case 4: {
        const { size } = c.list();
        for (let i = 0; i < size; i++) meta.rowGroups.push(readRowGroup(c, bytes, leafPaths));
        break;
      }
      case 5: {
        const { size } = c.list();
        for (let i = 0; i < size; i++) {
          let key: string | undefined;
          let value = '';
          c.enter();
          for (let f = c.nextField(); f !== 0; f = c.nextField()) {
            if (f === 1) key = c.string();
            else if (f === 2) value = c.string();
            else c.skip();
          }
          if (key !== undefined) meta.keyValue.set(key, value);
        }
        break;
      }
      case 6: meta.createdBy = c.string(); break;
      default: c.skip();
    }
  }
  return meta;
}

