/**
 * Decodes a Parquet footer (FileMetaData) into typed values, skipping what readers do not use.
 *
 * A day-sized file has thousands of row groups and a window read touches one or two, so
 * opening a file walks the row group list once, with plain functions (see skipValue), and
 * only notes where each column chunk and its statistics start; a row group's column
 * metadata is decoded on first use, and pruning reads just the statistics it asks for.
 */
import { type ColumnChunkMeta, type ColumnStatisticsWords, type FileMeta, type LogicalType, PhysicalType, type RowGroupMeta, type SchemaElement, type Statistics } from './format.js';
import { walkRowGroupsFast } from './footer-walk-wasm.js';
import { CompactType, ThriftError } from './thrift.js';
import { type StructNote, ThriftCursor, readVarint, skipValue, skipVarint, unzigzag } from './thrift-read.js';

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
 * Where the last `locateStatistics` found min and max in the footer: [minAt, minLength,
 * maxAt, maxLength, nullCount], offsets -1 and null count NaN when absent. Scratch shared by
 * readStatistics and FooterIndex.statisticsWords, so pruning allocates nothing per row group.
 */
const located = new Float64Array(5);

/**
 * Walks the Statistics struct at `at` into `located`, preferring min_value/max_value and
 * falling back to the deprecated min/max (signed order). A plain function rather than cursor
 * calls: pruning a window calls it once per row group, in a process whose JIT is still cold.
 */
function locateStatistics(bytes: Uint8Array, at: number): void {
  let min = -1;
  let minLength = 0;
  let max = -1;
  let maxLength = 0;
  let deprecatedMin = -1;
  let deprecatedMinLength = 0;
  let deprecatedMax = -1;
  let deprecatedMaxLength = 0;
  let nullCount = NaN;
  let pos = at;
  let id = 0;
  for (;;) {
    if (pos >= bytes.length) throw new ThriftError(`thrift data ends early at byte ${pos}`);
    const header = bytes[pos++]!;
    const type = header & 0x0f;
    if (type === CompactType.Stop) break;
    if (header >> 4 !== 0) id += header >> 4;
    else {
      id = unzigzag(readVarint(bytes, pos));
      pos = skipVarint(bytes, pos);
    }
    if (type === CompactType.Binary && (id === 1 || id === 2 || id === 5 || id === 6)) {
      let length = bytes[pos]!; // statistics are short: a one-byte length, read inline
      if (length < 0x80) pos++;
      else {
        length = readVarint(bytes, pos);
        pos = skipVarint(bytes, pos);
      }
      if (pos + length > bytes.length) throw new ThriftError(`thrift binary of ${length} bytes runs past the buffer`);
      if (id === 1) {
        deprecatedMax = pos;
        deprecatedMaxLength = length;
      } else if (id === 2) {
        deprecatedMin = pos;
        deprecatedMinLength = length;
      } else if (id === 5) {
        max = pos;
        maxLength = length;
      } else {
        min = pos;
        minLength = length;
      }
      pos += length;
    } else if (id === 3 && (type === CompactType.I64 || type === CompactType.I32)) {
      const small = bytes[pos]!; // usually one byte, read inline
      if (small < 0x80) {
        nullCount = unzigzag(small);
        pos++;
      } else {
        nullCount = unzigzag(readVarint(bytes, pos));
        pos = skipVarint(bytes, pos);
      }
    } else pos = skipValue(bytes, pos, type);
  }
  const useDeprecatedMin = min < 0;
  const useDeprecatedMax = max < 0;
  located[0] = useDeprecatedMin ? deprecatedMin : min;
  located[1] = useDeprecatedMin ? deprecatedMinLength : minLength;
  located[2] = useDeprecatedMax ? deprecatedMax : max;
  located[3] = useDeprecatedMax ? deprecatedMaxLength : maxLength;
  located[4] = nullCount;
}

/** Reads the Statistics struct at `at` (min and max are views on the footer). */
function readStatistics(bytes: Uint8Array, at: number): Statistics {
  locateStatistics(bytes, at);
  const out: Statistics = {};
  const minAt = located[0]!;
  const maxAt = located[2]!;
  if (!Number.isNaN(located[4])) out.nullCount = located[4]!;
  if (maxAt >= 0) out.max = bytes.subarray(maxAt, maxAt + located[3]!);
  if (minAt >= 0) out.min = bytes.subarray(minAt, minAt + located[1]!);
  return out;
}

/** Writes the words of already decoded statistics at `out[at..at + 4)` (see FooterIndex.statisticsWords); false unless min and max are 8 bytes. */
export function statisticsAsWords(stats: Statistics | undefined, out: Uint32Array, at: number): boolean {
  if (stats?.min?.length !== 8 || stats.max?.length !== 8) return false;
  out[at] = word(stats.min, 0);
  out[at + 1] = word(stats.min, 4);
  out[at + 2] = word(stats.max, 0);
  out[at + 3] = word(stats.max, 4);
  return true;
}

function word(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
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

/**
 * Where each column chunk of a file, and its statistics struct (0: none), start in the
 * footer; filled by one walk and shared by all row groups (no per-group arrays).
 */
class FooterIndex {
  chunkAt: Uint32Array;
  statisticsAt: Uint32Array;
  used = 0;
  /** Per row group: its first chunk, how many it has, its total_byte_size and num_rows. */
  groupFirst: Uint32Array;
  groupColumns: Uint32Array;
  groupBytes: Float64Array;
  groupRows: Float64Array;
  /** Row group objects made so far, on request (see rowGroupAt). */
  private readonly made: LazyRowGroup[] = [];
  /**
   * Per chunk, when the WebAssembly walker filled the index: 8-byte min/max words and
   * whether present, for the columns whose bit is set in `wordColumns`.
   */
  chunkStatisticsWords: Uint32Array | undefined;
  chunkStatisticsPresent: Uint8Array | undefined;
  wordColumns = 0;
  /** The column count of every row group when the walker found them all equal, else -1. */
  uniformColumns = -1;
  /** From the WebAssembly walker, with uniformColumns ≥ 1: bit c set when column c's statistics are chained. */
  chainedColumns = 0;

  /** Column chunks the schema leads to expect (only a corrupt footer has more). */
  readonly capacity: number;

  constructor(
    readonly footer: Uint8Array,
    readonly leafPaths: string[][],
    readonly groups: number,
  ) {
    this.capacity = groups * Math.max(1, leafPaths.length);
    // Empty until a walk fills them: the WebAssembly walker hands over arrays of its own.
    this.chunkAt = this.statisticsAt = this.groupFirst = this.groupColumns = new Uint32Array(0);
    this.groupBytes = this.groupRows = new Float64Array(0);
  }

  /**
   * Row group `g`'s object, made on first request: a day file has 2,000 row groups and a
   * window read needs a few, where making every object in a cold process costs ~0.6 ms.
   */
  rowGroupAt(g: number): LazyRowGroup | undefined {
    if (!(g >= 0 && g < this.groups)) return undefined;
    return (this.made[g] ??= new LazyRowGroup(this, g, this.groupRows[g]!));
  }

  /** Every row group's object, in order. */
  allRowGroups(): RowGroupMeta[] {
    return Array.from({ length: this.groups }, (_, g) => this.rowGroupAt(g)!);
  }

  /** Allocates the arrays the JavaScript walker fills. */
  allocate(): void {
    this.chunkAt = new Uint32Array(this.capacity);
    this.statisticsAt = new Uint32Array(this.capacity);
    this.groupFirst = new Uint32Array(this.groups);
    this.groupColumns = new Uint32Array(this.groups);
    this.groupBytes = new Float64Array(this.groups);
    this.groupRows = new Float64Array(this.groups);
  }

  /**
   * The 8-byte min and max statistics of `column` in row groups `[from, to)`, as u32 words (four
   * per group: minLow, minHigh, maxLow, maxHigh) and a flag per group (0: absent or not 8 bytes).
   * One loop with the word reads inline: pruning a day file asks this of 2,000 row groups in
   * a process that still interprets, where a chain of calls per group costs milliseconds.
   */
  statisticsWords(column: number, from: number, to: number): ColumnStatisticsWords {
    const known = this.chunkStatisticsWords;
    const knownPresent = this.chunkStatisticsPresent;
    const walked = known && knownPresent && (column >= 32 || ((this.wordColumns >>> column) & 1) === 1);
    if (walked && column < this.uniformColumns) {
      // Every row group has the same columns, so this column's chunks sit at a fixed stride.
      return { words: known, present: knownPresent, first: from * this.uniformColumns + column, stride: this.uniformColumns };
    }
    const words = new Uint32Array((to - from) * 4);
    const present = new Uint8Array(to - from);
    if (walked) {
      for (let g = from; g < to; g++) {
        const k = this.groupFirst[g]! + column;
        if (column >= this.groupColumns[g]! || knownPresent[k] === 0) continue;
        const at = (g - from) * 4;
        words[at] = known[k * 4]!;
        words[at + 1] = known[k * 4 + 1]!;
        words[at + 2] = known[k * 4 + 2]!;
        words[at + 3] = known[k * 4 + 3]!;
        present[g - from] = 1;
      }
      return { words, present, first: 0, stride: 1 };
    }
    const bytes = this.footer;
    for (let g = from; g < to; g++) {
      const at = column < this.groupColumns[g]! ? this.statisticsAt[this.groupFirst[g]! + column]! : 0;
      if (at === 0) continue;
      locateStatistics(bytes, at);
      if (located[1] !== 8 || located[3] !== 8) continue;
      for (let k = 0; k < 4; k++) {
        const p = (k < 2 ? located[0]! : located[2]!) + (k & 1) * 4;
        words[(g - from) * 4 + k] = (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> 0;
      }
      present[g - from] = 1;
    }
    return { words, present, first: 0, stride: 1 };
  }

  /**
   * Whether `column`'s statistics are chained over every row group (statistics-chain.ts), as
   * the WebAssembly walker found while taking its words; undefined when it took none.
   */
  statisticsChained(column: number): boolean | undefined {
    if (!this.chunkStatisticsWords || this.uniformColumns <= 0 || column >= Math.min(32, this.uniformColumns) || ((this.wordColumns >>> column) & 1) === 0) return undefined;
    return ((this.chainedColumns >>> column) & 1) === 1;
  }

  /** Makes room for `columns` more chunks (only a corrupt footer outgrows the schema's leaf count). */
  reserve(columns: number): void {
    if (this.used + columns <= this.chunkAt.length) return;
    this.chunkAt = grow(this.chunkAt, this.used + columns);
    this.statisticsAt = grow(this.statisticsAt, this.used + columns);
  }
}

/**
 * A row group whose column metadata is decoded on first use. It keeps only its number and
 * row count: a day file makes 2,000 of them while the JIT is cold, where every field a
 * constructor sets costs.
 */
class LazyRowGroup implements RowGroupMeta {
  private decoded: ColumnChunkMeta[] | undefined;

  constructor(
    private readonly index: FooterIndex,
    private readonly group: number,
    readonly numRows: number,
  ) {}

  get totalByteSize(): number {
    return this.index.groupBytes[this.group]!;
  }

  get columns(): ColumnChunkMeta[] {
    if (!this.decoded) {
      const { footer, chunkAt, leafPaths, groupFirst, groupColumns } = this.index;
      const first = groupFirst[this.group]!;
      const decoded: ColumnChunkMeta[] = [];
      for (let i = 0; i < groupColumns[this.group]!; i++) decoded.push(readColumnChunk(new ThriftCursor(footer, chunkAt[first + i]!), leafPaths[i] ?? [`column ${i}`], i));
      this.decoded = decoded;
    }
    return this.decoded;
  }

  columnStatistics(column: number): Statistics | undefined {
    if (this.decoded) return this.decoded[column]?.statistics;
    const { statisticsAt, groupFirst, groupColumns, footer } = this.index;
    const at = column < groupColumns[this.group]! ? statisticsAt[groupFirst[this.group]! + column]! : 0;
    return at === 0 ? undefined : readStatistics(footer, at);
  }
}

/**
 * Reads `count` RowGroup structs from `at` into `out` and returns the offset after them,
 * skipping each column chunk but noting where it and its statistics start. Plain code over
 * locals, integers decoded inline: it runs once per row group before the JIT has warmed up,
 * where each call costs (measured: a call per integer field added ~20 % to a cold open).
 * With `fast`, the WebAssembly walker does the same walk when it can; this loop is the
 * reference it is tested against and the fallback whenever it gives up.
 */
function readRowGroups(index: FooterIndex, at: number, fast: boolean): number {
  const { footer } = index;
  const count = index.groups;
  const walked = fast ? walkRowGroupsFast(footer, at, count, index.capacity, index.wordColumns) : undefined;
  if (walked) {
    index.chunkAt = walked.chunkAt;
    index.statisticsAt = walked.statisticsAt;
    index.used = walked.used;
    index.groupFirst = walked.groupFirst;
    index.groupColumns = walked.groupColumns;
    index.groupBytes = walked.totalByteSize;
    index.chunkStatisticsWords = walked.statisticsWords;
    index.chunkStatisticsPresent = walked.statisticsPresent;
    index.uniformColumns = walked.uniformColumns;
    index.chainedColumns = walked.chainedColumns;
    index.groupRows = walked.numRows;
    return walked.end;
  }
  index.allocate();
  const statistics: StructNote = { path: STATISTICS_PATH, found: 0 };
  const end = footer.length;
  let pos = at;
  for (let g = 0; g < count; g++) {
    const first = index.used;
    let columns = -1;
    let totalByteSize = 0;
    let numRows = 0;
    let id = 0;
    for (;;) {
      if (pos >= end) throw new ThriftError(`thrift data ends early at byte ${pos}`);
      const header = footer[pos++]!;
      const type = header & 0x0f;
      if (type === CompactType.Stop) break;
      if (header >= 0x10) id += header >> 4;
      else {
        id = unzigzag(readVarint(footer, pos));
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
        if (columns > end - pos) throw new ThriftError(`a row group lists ${columns} columns, more than the footer holds`);
        index.reserve(columns);
        for (let i = 0; i < columns; i++) {
          index.chunkAt[index.used] = pos;
          statistics.found = 0;
          pos = skipValue(footer, pos, CompactType.Struct, 0, statistics);
          index.statisticsAt[index.used++] = statistics.found;
        }
      } else if ((id === 2 || id === 3) && (type === CompactType.I64 || type === CompactType.I32)) {
        let zigzag = 0;
        for (let scale = 1; ; scale *= 128) {
          if (pos >= end || scale > 2 ** 63) throw new ThriftError(`thrift varint at byte ${pos} is truncated or longer than 10 bytes`);
          const b = footer[pos++]!;
          zigzag += (b & 0x7f) * scale;
          if (b < 0x80) break;
        }
        if (id === 2) totalByteSize = unzigzag(zigzag);
        else numRows = unzigzag(zigzag);
      } else pos = skipValue(footer, pos, type);
    }
    if (columns < 0) throw new ThriftError('a row group has no column list');
    index.groupFirst[g] = first;
    index.groupColumns[g] = columns;
    index.groupBytes[g] = totalByteSize;
    index.groupRows[g] = numRows;
  }
  return pos;
}

/** Bit i set when leaf column i (of the first 32) is INT64. */
function int64Columns(schema: SchemaElement[]): number {
  let mask = 0;
  for (let i = 1; i < schema.length && i <= 32; i++) if (schema[i]!.type === PhysicalType.INT64) mask |= 1 << (i - 1);
  return mask >>> 0;
}

function grow(array: Uint32Array, least: number): Uint32Array {
  const grown = new Uint32Array(Math.max(least, array.length * 2));
  grown.set(array);
  return grown;
}

/**
 * Decodes a FileMetaData struct (the footer) into typed values, skipping what readers do not
 * use. The row group list is walked in WebAssembly when it can be (`fastWalk: false` forces
 * the JavaScript walker, which the tests compare it with).
 */
export function decodeFileMeta(bytes: Uint8Array, { fastWalk = true }: { fastWalk?: boolean } = {}): FileMeta {
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
        const index = new FooterIndex(bytes, leafPaths, size);
        // Statistics words are what pruning asks for, of INT64 columns (ts_init); a cold open
        // saves walking the other columns' statistics (they are still read on request).
        index.wordColumns = int64Columns(meta.schema);
        c.offset = readRowGroups(index, c.offset, fastWalk);
        meta.statisticsWords = (column, from, to) => index.statisticsWords(column, from, to);
        meta.statisticsChained = (column) => index.statisticsChained(column);
        meta.rowGroupRows = index.groupRows;
        meta.rowGroupAt = (g) => index.rowGroupAt(g);
        // The full list of objects only for callers that ask for it (upkeep, stats, verify).
        let all: RowGroupMeta[] | undefined;
        Object.defineProperty(meta, 'rowGroups', { enumerable: true, configurable: true, get: () => (all ??= index.allRowGroups()) });
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

