/**
 * Writes a flat Parquet file: `PAR1`, row groups of encoded column chunks, the footer.
 * Bytes go to a sink as they are produced (bounded memory: one row group at a time).
 * The caller decides where the bytes land; the catalog writes to a temp file and renames.
 */
import { type ColumnInput, type ColumnEncoding, type DictionaryHints, type EncodedChunk, encodeColumnChunk } from './column-write.js';
import { type ColumnChunkMeta, type FileMeta, type LogicalType, type RowGroupMeta, type SchemaElement, Repetition, encodeFileMeta } from './format.js';

export interface ColumnSpec extends ColumnEncoding {
  readonly name: string;
  readonly convertedType?: number;
  readonly logicalType?: LogicalType;
}

export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Writes `parts` back to back, when the sink can take them as they are (a file's writev);
   * else the writer joins them and calls `write`. The parts must not be kept.
   */
  writev?(parts: readonly Uint8Array[]): Promise<void>;
}

export interface WriterOptions {
  readonly codec: number;
  /** Footer key/value pairs, in order (e.g. `ARROW:schema` and the schema metadata). */
  readonly keyValue: ReadonlyMap<string, string>;
  readonly createdBy: string;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const FLUSH_BYTES = 1 << 20;

export class ParquetWriter {
  private offset = 0;
  private readonly rowGroups: RowGroupMeta[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private closed = false;
  private rowGroupIndex = 0;
  private readonly hints: DictionaryHints[];
  /** A writev still running (see flush). */
  private writing: Promise<void> | undefined;

  constructor(
    private readonly sink: ByteSink,
    private readonly columns: readonly ColumnSpec[],
    private readonly options: WriterOptions,
  ) {
    this.hints = columns.map(() => ({}));
    this.buffer(MAGIC);
  }

  /** Encodes and appends one row group of `rowCount` rows; `inputs` follow the column order. */
  async writeRowGroup(rowCount: number, inputs: readonly ColumnInput[]): Promise<void> {
    if (this.closed) throw new Error('ParquetWriter is closed');
    if (inputs.length !== this.columns.length) throw new RangeError(`row group needs ${this.columns.length} columns, was ${inputs.length}`);
    const chunks: ColumnChunkMeta[] = [];
    const encodedByColumn: EncodedChunk[] = [];
    let totalByteSize = 0;
    // A column whose dictionary overflowed last time goes straight to PLAIN, re-trying every 16th row group.
    const retry = this.rowGroupIndex++ % 16 === 0;
    for (const [i, spec] of this.columns.entries()) {
      const hints = this.hints[i]!;
      hints.tryDictionary = retry || !hints.dictionaryFailed;
      // A column that is the very same bytes as an earlier one (ts_init sharing ts_event's
      // array in imported data) encodes to the same chunk: encode it once.
      const same = sameAsEarlier(this.columns, inputs, i, encodedByColumn);
      const encoded = same ?? encodeColumnChunk(inputs[i]!, rowCount, spec, this.options.codec, hints);
      encodedByColumn[i] = encoded;
      const base = this.offset;
      const meta: ColumnChunkMeta = {
        ...encoded.meta,
        type: spec.physical,
        path: [spec.name],
        dataPageOffset: base + encoded.meta.dataPageOffset,
      };
      if (encoded.meta.dictionaryPageOffset !== undefined) meta.dictionaryPageOffset = base + encoded.meta.dictionaryPageOffset;
      chunks.push(meta);
      totalByteSize += encoded.meta.totalUncompressedSize;
      for (const part of encoded.parts) this.buffer(part);
    }
    this.rowGroups.push({ columns: chunks, totalByteSize, numRows: rowCount });
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  /** Writes the footer and flushes. Returns the total file size. */
  async close(): Promise<number> {
    if (this.closed) return this.offset;
    this.closed = true;
    const schema: SchemaElement[] = [
      { name: 'schema', numChildren: this.columns.length },
      ...this.columns.map((c): SchemaElement => {
        const element: SchemaElement = { name: c.name, type: c.physical, repetition: c.optional ? Repetition.OPTIONAL : Repetition.REQUIRED };
        if (c.width > 0 && c.physical === 7) element.typeLength = c.width;
        if (c.convertedType !== undefined) element.convertedType = c.convertedType;
        if (c.logicalType) element.logicalType = c.logicalType;
        return element;
      }),
    ];
    const meta: FileMeta = {
      version: 1,
      schema,
      numRows: this.rowGroups.reduce((sum, g) => sum + g.numRows, 0),
      rowGroups: this.rowGroups,
      keyValue: new Map(this.options.keyValue),
      createdBy: this.options.createdBy,
    };
    const footer = encodeFileMeta(meta);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    this.buffer(footer);
    this.buffer(length);
    this.buffer(MAGIC);
    await this.flush(true);
    return this.offset;
  }

  private buffer(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
  }

  /**
   * Flushes the buffered bytes. To a writev sink, the write runs on while the next row groups
   * are encoded (it keeps nothing of the parts): one write at a time, in order, its failure
   * thrown by the next flush; `last` (the footer) waits for it.
   */
  private async flush(last = false): Promise<void> {
    if (this.sink.writev) {
      const previous = this.writing;
      this.writing = undefined;
      await previous;
      if (this.pendingBytes > 0) {
        const parts = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        const writing = this.sink.writev(parts);
        if (last) await writing;
        else {
          writing.catch(() => {}); // handled: awaited by the next flush, which throws it
          this.writing = writing;
        }
      }
      return;
    }
    if (this.pendingBytes === 0) return;
    const out = new Uint8Array(this.pendingBytes);
    let pos = 0;
    for (const part of this.pending) {
      out.set(part, pos);
      pos += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.sink.write(out);
  }
}

/**
 * The chunk already encoded for an earlier column that has the same encoding and is a view
 * of the very same bytes as column `i` (same buffer, offset, length), if any. Only
 * dictionary-free fixed columns qualify, so no per-column dictionary state is skipped.
 */
function sameAsEarlier(columns: readonly ColumnSpec[], inputs: readonly ColumnInput[], i: number, encoded: readonly EncodedChunk[]): EncodedChunk | undefined {
  const input = inputs[i]!;
  const spec = columns[i]!;
  if (input.kind !== 'fixed' || input.nulls || spec.dictionary || spec.optional) return undefined;
  for (let j = 0; j < i; j++) {
    const other = inputs[j]!;
    const otherSpec = columns[j]!;
    if (other.kind !== 'fixed' || other.nulls || otherSpec.dictionary || otherSpec.optional) continue;
    if (other.bytes.buffer !== input.bytes.buffer || other.bytes.byteOffset !== input.bytes.byteOffset || other.bytes.byteLength !== input.bytes.byteLength) continue;
    if (otherSpec.physical !== spec.physical || otherSpec.width !== spec.width || otherSpec.statsOrder !== spec.statsOrder) continue;
    return encoded[j];
  }
  return undefined;
}
