/**
 * Opens a Parquet file: checks the magic bytes, reads the footer with as few reads as
 * possible, and decodes row groups column by column. Every failure becomes a
 * ParquetFileError that names the file and says what to do.
 */
import type { ByteSource } from './byte-source.js';
import { decodeColumnChunk, type ColumnValues, type PageProbe } from './column-read.js';
import { initCompression } from './compression.js';
import { Codec, type ColumnChunkMeta, type ColumnStatisticsWords, type FileMeta, type RowGroupMeta, type SchemaElement, type Statistics } from './format.js';
import { decodeFileMeta, statisticsAsWords } from './footer-read.js';
import { statisticsAreChained } from './statistics-chain.js';
import type { ArrowSchemaInfo } from './arrow-schema.js';
import { decodeArrowSchemaMessage } from './arrow-schema-read.js';

const MAGIC = 0x31524150; // "PAR1" little-endian
/**
 * The first read of a file's end: 64 KB, or 1/256 of a big file (at most 8 MB), since
 * footers grow with the row-group count (~0.3 % of a day file of 5,000-row groups): one read
 * then usually holds the whole footer, a file-system round trip less for a cold open.
 */
const TAIL_READ = 64 * 1024;
const MAX_TAIL_READ = 8 << 20;
/** Far above any writer's row group (Nautilus 5,000, pyarrow ≤ 1 Mi); bounds allocations from corrupt footers. */
const MAX_ROWS_PER_GROUP = 1 << 23;

/** A file that is not readable Parquet (truncated, bad magic, corrupt footer or pages). */
export class ParquetFileError extends Error {
  override name = 'ParquetFileError';
  constructor(readonly path: string, detail: string, options?: { cause?: unknown }) {
    super(`${path}: ${detail}`, options);
  }
}

export class ParquetFile {
  private arrowSchemaCache: ArrowSchemaInfo | undefined | null = null;

  private constructor(
    readonly source: ByteSource,
    readonly meta: FileMeta,
    /** Leaf columns in file order (flat schemas: every element after the root). */
    readonly columns: SchemaElement[],
  ) {}

  /** Reads and checks the footer. Throws ParquetFileError for anything that is not Parquet. */
  static async open(source: ByteSource): Promise<ParquetFile> {
    const size = source.byteLength;
    if (size < 12) throw new ParquetFileError(source.name, `is ${size} bytes, too short to be Parquet (truncated?); re-write or remove it`);
    const tailLength = Math.min(size, Math.max(TAIL_READ, Math.min(MAX_TAIL_READ, Math.ceil(size / 256))));
    // Both ends at once: one file-system round trip instead of two.
    const [head, lastBytes] = await Promise.all([source.read(0, 4), source.read(size - tailLength, tailLength)]);
    let tail = lastBytes;
    const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (readU32(head, 0) !== MAGIC || tailView.getUint32(tail.length - 4, true) !== MAGIC) {
      throw new ParquetFileError(source.name, 'has no PAR1 magic bytes at its start and end (truncated or not Parquet); re-write or remove it');
    }
    const footerLength = tailView.getUint32(tail.length - 8, true);
    if (footerLength + 12 > size) {
      throw new ParquetFileError(source.name, `footer length ${footerLength} exceeds the file size ${size} (truncated?); re-write or remove it`);
    }
    if (footerLength + 8 > tail.length) tail = await source.read(size - footerLength - 8, footerLength + 8);
    const footer = tail.subarray(tail.length - 8 - footerLength, tail.length - 8);
    let meta: FileMeta;
    try {
      meta = decodeFileMeta(footer);
    } catch (error) {
      throw new ParquetFileError(source.name, `footer is corrupt (${(error as Error).message}); re-write or remove it`, { cause: error });
    }
    const root = meta.schema[0];
    const columns = meta.schema.slice(1);
    if (!root || columns.some((c) => c.numChildren !== undefined && c.numChildren > 0)) {
      throw new ParquetFileError(source.name, 'has a nested schema; catalog files are flat');
    }
    const file = new ParquetFile(source, meta, columns);
    for (let i = 0; i < file.rowGroupCount; i++) {
      const rows = file.rowGroupRows(i);
      if (rows < 0 || rows > MAX_ROWS_PER_GROUP) {
        throw new ParquetFileError(source.name, `row group ${i} claims ${rows} rows (more than ${MAX_ROWS_PER_GROUP}); the footer is corrupt — re-write or remove the file`);
      }
    }
    return file;
  }

  /** How many row groups the file has. */
  get rowGroupCount(): number {
    return this.meta.rowGroupRows?.length ?? this.meta.rowGroups.length;
  }

  /** Rows in row group `index` (which must exist). */
  rowGroupRows(index: number): number {
    const rows = this.meta.rowGroupRows;
    return rows ? rows[index]! : this.meta.rowGroups[index]!.numRows;
  }

  /** Row group `index`'s metadata, or undefined past the end; decoded footers make only the groups asked for. */
  rowGroup(index: number): RowGroupMeta | undefined {
    return this.meta.rowGroupAt ? this.meta.rowGroupAt(index) : this.meta.rowGroups[index];
  }

  get name(): string {
    return this.source.name;
  }

  /** Returns the index of the leaf column called `name`, or -1. */
  columnIndex(name: string): number {
    return this.columns.findIndex((c) => c.name === name);
  }

  /**
   * Returns the schema metadata: plain key/value pairs when the file has them (pyarrow
   * writes both), else what is embedded in `ARROW:schema` (arrow-rs writes only that).
   */
  async schemaMetadata(): Promise<Map<string, string>> {
    const plain = new Map([...this.meta.keyValue].filter(([key]) => key !== 'ARROW:schema'));
    if (plain.size > 0) return plain;
    return (await this.arrowSchema())?.metadata ?? new Map();
  }

  /** Returns the decoded `ARROW:schema`, if the file has one. */
  async arrowSchema(): Promise<ArrowSchemaInfo | undefined> {
    if (this.arrowSchemaCache === null) {
      const encoded = this.meta.keyValue.get('ARROW:schema');
      try {
        this.arrowSchemaCache = encoded === undefined ? undefined : decodeArrowSchemaMessage(encoded);
      } catch (error) {
        throw new ParquetFileError(this.name, `ARROW:schema footer entry is corrupt (${(error as Error).message}); re-write the file`, { cause: error });
      }
    }
    return this.arrowSchemaCache;
  }

  /**
   * Decodes the given columns (by index) of row group `index` with one read; `probes[i]`, if
   * any, sees column `columnIndices[i]` as it is decoded (see PageProbe). The columns decode
   * one after another, in the order given, with nothing else in between.
   */
  async readRowGroup(index: number, columnIndices: readonly number[], probes?: ReadonlyArray<PageProbe | undefined>): Promise<ColumnValues[]> {
    const group = this.rowGroup(index);
    if (!group) throw new RangeError(`${this.name}: row group ${index} does not exist`);
    let groupColumns;
    try {
      groupColumns = group.columns;
    } catch (error) {
      throw new ParquetFileError(this.name, `row group ${index} metadata is corrupt (${(error as Error).message}); re-write or remove the file`, { cause: error });
    }
    if (groupColumns.length !== this.columns.length) {
      throw new ParquetFileError(this.name, `row group ${index} has ${groupColumns.length} columns, the schema has ${this.columns.length}; the footer is corrupt`);
    }
    const chunks = columnIndices.map((c) => groupColumns[c]!);
    const dataEnd = this.source.byteLength - 8;
    let start = Infinity;
    let end = 0;
    for (const chunk of chunks) {
      const chunkStart = chunkOffset(chunk);
      if (chunkStart < 4 || chunk.totalCompressedSize < 0 || chunkStart + chunk.totalCompressedSize > dataEnd) {
        throw new ParquetFileError(this.name, `row group ${index} column ${chunk.path.join('.')} points outside the file; the file is truncated or corrupt`);
      }
      if (chunk.codec === Codec.ZSTD) await initCompression();
      start = Math.min(start, chunkStart);
      end = Math.max(end, chunkStart + chunk.totalCompressedSize);
    }
    const bytes = await this.source.read(start, end - start);
    if (bytes.length < end - start) throw new ParquetFileError(this.name, `ends inside row group ${index} (truncated); re-write or remove it`);
    return columnIndices.map((c, i) => {
      const chunk = chunks[i]!;
      const element = this.columns[c]!;
      const from = chunkOffset(chunk) - start;
      try {
        return decodeColumnChunk(bytes.subarray(from, from + chunk.totalCompressedSize), element, chunk.codec, group.numRows, probes?.[i]);
      } catch (error) {
        throw new ParquetFileError(this.name, `row group ${index}, column "${element.name}": ${(error as Error).message}; the file is corrupt — re-write or remove it`, { cause: error });
      }
    });
  }

  /**
   * Reads the column chunks of these row groups with one read when they span at most `limit`
   * bytes (a window's few adjacent groups), so decoding them does no further I/O. Only a
   * hint: anything amiss is left for readRowGroup to report.
   */
  async prefetch(indices: readonly number[], limit = 4 << 20): Promise<void> {
    if (!this.source.prefetch || indices.length === 0) return;
    let start = Infinity;
    let end = 0;
    try {
      for (const index of indices) {
        for (const chunk of this.rowGroup(index)?.columns ?? []) {
          start = Math.min(start, chunkOffset(chunk));
          end = Math.max(end, chunkOffset(chunk) + chunk.totalCompressedSize);
        }
        if (end - start > limit) return; // a scan: sequential read-ahead serves it
      }
    } catch {
      return;
    }
    if (start >= 4 && end <= this.source.byteLength - 8 && end - start <= limit) await this.source.prefetch(start, end - start);
  }

  /** Statistics of one column of one row group, decoding no other column's metadata. */
  columnStatistics(rowGroup: number, column: number): Statistics | undefined {
    const group = this.rowGroup(rowGroup);
    if (!group) return undefined;
    try {
      return group.columnStatistics ? group.columnStatistics(column) : group.columns[column]?.statistics;
    } catch (error) {
      throw new ParquetFileError(this.name, `row group ${rowGroup} metadata is corrupt (${(error as Error).message}); re-write or remove the file`, { cause: error });
    }
  }

  /**
   * The 8-byte min and max statistics of one column in row groups `[from, to)` (default all),
   * as u32 words (see ColumnStatisticsWords), for pruning thousands of row groups by an INT64 column.
   */
  statisticsWords(column: number, from = 0, to = this.rowGroupCount): ColumnStatisticsWords {
    try {
      if (this.meta.statisticsWords) return this.meta.statisticsWords(column, from, to);
      const groups = this.meta.rowGroups.slice(from, to);
      const words = new Uint32Array(groups.length * 4);
      const present = new Uint8Array(groups.length);
      groups.forEach((group, g) => {
        present[g] = statisticsAsWords(group.columnStatistics ? group.columnStatistics(column) : group.columns[column]?.statistics, words, g * 4) ? 1 : 0;
      });
      return { words, present, first: 0, stride: 1 };
    } catch (error) {
      throw new ParquetFileError(this.name, `row group statistics are corrupt (${(error as Error).message}); re-write or remove the file`, { cause: error });
    }
  }

  /**
   * Whether `column`'s 8-byte statistics are chained over every row group (statistics-chain.ts),
   * as in a file sorted by it: then the groups meeting a range are one run. The footer
   * walker's answer when it has one, else the loop's over `stats` (this column's statistics
   * words over all groups, when the caller has them already).
   */
  statisticsChained(column: number, stats?: ColumnStatisticsWords): boolean {
    return this.meta.statisticsChained?.(column) ?? statisticsAreChained(stats ?? this.statisticsWords(column), this.rowGroupCount);
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

function chunkOffset(chunk: ColumnChunkMeta): number {
  return chunk.dictionaryPageOffset !== undefined && chunk.dictionaryPageOffset > 0 ? chunk.dictionaryPageOffset : chunk.dataPageOffset;
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
