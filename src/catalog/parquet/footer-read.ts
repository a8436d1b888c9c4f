/**
 * Decodes a Parquet footer (FileMetaData) into typed values, skipping what readers do not use.
 *
 * A day-sized file has thousands of row groups and a window read touches one or two, so
 * opening a file walks the row group list once, with plain functions (see skipValue), and
 * only notes where each column chunk and its statistics start; a row group's column
 * metadata is decoded on first use, and pruning reads just the statistics it asks for.
 */
import { type ColumnChunkMeta, type FileMeta, type LogicalType, type RowGroupMeta, type SchemaElement, type Statistics } from './format.js';
import { CompactType, type SkipNote, ThriftCursor, ThriftError, readVarint, skipValue, skipVarint } from './thrift.js';

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

/**
 * Reads the Statistics struct at `at`. A plain function rather than cursor calls: pruning a
 * window calls it once per row group of a day file, in a process whose JIT is still cold.
 */
function readStatistics(bytes: Uint8Array, at: number): Statistics {
  const out: Statistics = {};
  let deprecatedMin: Uint8Array | undefined;
  let deprecatedMax: Uint8Array | undefined;
  let pos = at;
  let id = 0;
  for (;;) {
    if (pos >= bytes.length) throw new ThriftError(`thrift data ends early at byte ${pos}`);
    const header = bytes[pos++]!;
    const type = header & 0x0f;
    if (type === CompactType.Stop) break;
    if (header >> 4 !== 0) id += header >> 4;
    else {
      id = zigzag(readVarint(bytes, pos));
      pos = skipVarint(bytes, pos);
    }
    if (type === CompactType.Binary && (id === 1 || id === 2 || id === 5 || id === 6)) {
      const length = readVarint(bytes, pos);
      pos = skipVarint(bytes, pos);
      if (pos + length > bytes.length) throw new ThriftError(`thrift binary of ${length} bytes runs past the buffer`);
      const value = bytes.subarray(pos, pos + length);
      pos += length;
      if (id === 1) deprecatedMax = value;
      else if (id === 2) deprecatedMin = value;
      else if (id === 5) out.max = value;
      else out.min = value;
    } else if (id === 3 && (type === CompactType.I64 || type === CompactType.I32)) {
      out.nullCount = zigzag(readVarint(bytes, pos));
      pos = skipVarint(bytes, pos);
    } else pos = skipValue(bytes, pos, type);
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
      case 12:
        meta.statistics = readStatistics(c.bytes, c.offset);
        c.skip();
        break;
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

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** A row group whose column metadata is decoded on first use. */
class LazyRowGroup implements RowGroupMeta {
  private decoded: ColumnChunkMeta[] | undefined;

  constructor(
    private readonly footer: Uint8Array,
    /** Where every column chunk of the file starts in the footer; this group's are `[first, first + count)`. */
    private readonly chunkAt: Uint32Array,
    /** Where each column chunk's statistics struct starts in the footer; 0 when it has none. */
    private readonly statisticsAt: Uint32Array,
    private readonly first: number,
    private readonly count: number,
    private readonly leafPaths: string[][],
    readonly totalByteSize: number,
    readonly numRows: number,
  ) {}

  get columns(): ColumnChunkMeta[] {
    if (!this.decoded) {
      const decoded: ColumnChunkMeta[] = [];
      for (let i = 0; i < this.count; i++) decoded.push(readColumnChunk(new ThriftCursor(this.footer, this.chunkAt[this.first + i]!), this.leafPaths[i] ?? [`column ${i}`], i));
      this.decoded = decoded;
    }
    return this.decoded;
  }

  columnStatistics(column: number): Statistics | undefined {
    if (this.decoded) return this.decoded[column]?.statistics;
    const at = column < this.count ? this.statisticsAt[this.first + column] : undefined;
    return at ? readStatistics(this.footer, at) : undefined;
  }
}

/**
 * Reads `count` RowGroup structs from `at` into `out` and returns the offset after them.
 * Plain code over locals rather than cursor calls, as it runs once per row group before the
 * JIT has warmed up; each column chunk is skipped, noting where it and its statistics start.
 */
function readRowGroups(footer: Uint8Array, at: number, count: number, leafPaths: string[][], out: RowGroupMeta[]): number {
  // One pair of typed arrays for the whole file (no per-group allocation), grown only if a
  // (corrupt) row group lists more columns than the schema has leaves.
  let chunkAt: Uint32Array = new Uint32Array(count * Math.max(1, leafPaths.length));
  let statisticsAt: Uint32Array = new Uint32Array(chunkAt.length);
  const note: SkipNote = { path: STATISTICS_PATH, found: statisticsAt, slot: 0 };
  let used = 0;
  let pos = at;
  for (let g = 0; g < count; g++) {
    const first = used;
    let columns = -1;
    let totalByteSize = 0;
    let numRows = 0;
    let id = 0;
    for (;;) {
      if (pos >= footer.length) throw new ThriftError(`thrift data ends early at byte ${pos}`);
      const header = footer[pos++]!;
      const type = header & 0x0f;
      if (type === CompactType.Stop) break;
      if (header >> 4 !== 0) id += header >> 4;
      else {
        id = zigzag(readVarint(footer, pos));
        pos = skipVarint(footer, pos);
      }
      if (id === 1 && type === CompactType.List) {
        const listHeader = footer[pos++] ?? 0;
        if ((listHeader & 0x0f) !== CompactType.Struct) throw new ThriftError('a row group column list does not hold structs');
        columns = listHeader >> 4;
        if (columns === 15) {
          columns = readVarint(footer, pos);
          pos = skipVarint(footer, pos);
        }
        if (columns > footer.length - pos) throw new ThriftError(`a row group lists ${columns} columns, more than the footer holds`);
        if (used + columns > chunkAt.length) {
          chunkAt = grow(chunkAt, used + columns);
          statisticsAt = note.found = grow(statisticsAt, used + columns);
        }
        for (let i = 0; i < columns; i++) {
          chunkAt[used] = pos;
          note.slot = used++;
          pos = skipValue(footer, pos, CompactType.Struct, note);
        }
      } else if ((id === 2 || id === 3) && (type === CompactType.I64 || type === CompactType.I32)) {
        const value = zigzag(readVarint(footer, pos));
        pos = skipVarint(footer, pos);
        if (id === 2) totalByteSize = value;
        else numRows = value;
      } else pos = skipValue(footer, pos, type);
    }
    if (columns < 0) throw new ThriftError('a row group has no column list');
    out.push(new LazyRowGroup(footer, chunkAt, statisticsAt, first, columns, leafPaths, totalByteSize, numRows));
  }
  return pos;
}

function grow(array: Uint32Array, least: number): Uint32Array {
  const grown = new Uint32Array(Math.max(least, array.length * 2));
  grown.set(array);
  return grown;
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
        c.offset = readRowGroups(bytes, c.offset, size, leafPaths, meta.rowGroups);
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

