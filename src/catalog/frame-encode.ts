/**
 * Writes frames of one type as one Parquet file NautilusTrader 1.221.0 reads: the exact
 * column order and types of `schemas.ts`, the schema metadata both inside `ARROW:schema`
 * and as plain key/value pairs (as pyarrow writes it), row groups of 5,000 rows with
 * statistics. Rows must be non-decreasing by `ts_init`; the check runs as rows stream in.
 */
import type { FileHandle } from 'node:fs/promises';
import type { FixedWidth } from '../model/fixed-point.js';
import { type FixedColumn, type Frame, type FrameMeta, type MarketDataType, allocFrame, copyRows, fieldsOf, tsInitOf } from '../model/frames.js';
import { tradeColumnsWithIdNumbers, tradeIdNumbers } from '../model/trade-id-numbers.js';
import { CatalogError } from './errors.js';
import { encodeArrowSchema } from './parquet/arrow-schema.js';
import type { ColumnInput } from './parquet/column-write.js';
import { CODEC_OF, type CompressionName, initCompression } from './parquet/compression.js';
import { ParquetWriter } from './parquet/file-writer.js';
import { fileSink } from './file-sink.js';
import { catalogColumns, schemaMetadata } from './schemas.js';

export const DEFAULT_ROW_GROUP_SIZE = 5000;
export const CREATED_BY = 'seamless 0.1.0 (NautilusTrader catalog writer)';

export interface EncodeOptions {
  /** snappy (default, as Nautilus writes), zstd, gzip or none. */
  readonly compression?: CompressionName;
  /** Rows per row group; Nautilus writes 5,000. */
  readonly rowGroupSize?: number;
}

export interface EncodedFile {
  readonly rows: number;
  /** First and last `ts_init` written; undefined for an empty file. */
  readonly first?: bigint;
  readonly last?: bigint;
  readonly bytes: number;
}

/** Streams `frames` into `handle` as a Parquet file; `label` names the target in errors. */
export async function encodeFramesToFile<T extends MarketDataType>(
  handle: FileHandle,
  type: T,
  width: FixedWidth,
  meta: FrameMeta,
  frames: AsyncIterable<Frame<T>> | Iterable<Frame<T>>,
  options: EncodeOptions,
  label: string,
): Promise<EncodedFile> {
  await initCompression();
  const columns = catalogColumns(type, width);
  const metadata = schemaMetadata(type, meta);
  const keyValue = new Map([['ARROW:schema', await encodeArrowSchema(columns.map((c) => c.arrow), metadata)], ...metadata]);
  const writer = new ParquetWriter(
    fileSink(handle),
    columns.map((c) => c.parquet),
    { codec: CODEC_OF[options.compression ?? 'snappy'], keyValue, createdBy: CREATED_BY },
  );
  const groupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`rowGroupSize must be a positive integer, was ${groupSize}`);
  // Rows short of a whole row group wait here; made for the frame that first needs it.
  let pending: Frame<T> | undefined;
  let pendingRows = 0;
  let rows = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;

  for await (const frame of frames) {
    checkFrame(frame, type, width, meta, label);
    const ts = tsInitOf(frame);
    const unsorted = firstUnsorted(ts, last);
    if (unsorted >= 0) {
      const previous = unsorted === 0 ? last! : ts[unsorted - 1]!;
      throw new CatalogError('CATALOG_UNSORTED', `${label}: row ${rows + unsorted} has ts_init ${ts[unsorted]!}, before the previous row's ${previous}; sort the rows by ts_init before writing`);
    }
    if (ts.length > 0) last = ts[ts.length - 1]!;
    if (frame.length > 0) first ??= ts[0]!;
    let at = 0;
    // Whole row groups straight from the frame's buffers; the rest via the pending frame.
    if (pendingRows === 0) {
      while (frame.length - at >= groupSize) {
        await writer.writeRowGroup(groupSize, columnInputs(frame, at, at + groupSize));
        at += groupSize;
      }
    }
    while (at < frame.length) {
      const take = Math.min(groupSize - pendingRows, frame.length - at);
      pending ??= pendingFrame(frame, groupSize);
      copyRows(frame, at, at + take, pending, pendingRows);
      pendingRows += take;
      at += take;
      if (pendingRows === groupSize) {
        await writer.writeRowGroup(groupSize, columnInputs(pending, 0, groupSize));
        pending = undefined;
        pendingRows = 0;
      }
    }
    rows += frame.length;
  }
  if (pending && pendingRows > 0) await writer.writeRowGroup(pendingRows, columnInputs(pending, 0, pendingRows));
  const bytes = await writer.close();
  return { rows, bytes, ...(first !== undefined ? { first, last: last! } : {}) };
}

/**
 * An empty frame of `size` rows like `frame`: trade ids as numbers when `frame` keeps its ids
 * as numbers, so rows copied across stay numbers (copyRows makes strings when kinds differ).
 */
function pendingFrame<T extends MarketDataType>(frame: Frame<T>, size: number): Frame<T> {
  const empty = allocFrame(frame.type, frame.width, size, frame.meta);
  if (frame.type !== 'trade_tick' || !tradeIdNumbers(frame.columns)) return empty;
  const { trade_id: _strings, ...columns } = (empty as Frame as Frame<'trade_tick'>).columns;
  return { ...empty, columns: tradeColumnsWithIdNumbers(columns, new Float64Array(size)) } as Frame as Frame<T>;
}

/**
 * Index of the first row of `ts` earlier than the row before it (`last` before row 0), or -1.
 * Compares the u64s as (high, low) 32-bit words (little-endian hosts), no BigInt per row.
 */
function firstUnsorted(ts: BigUint64Array, last: bigint | undefined): number {
  const words = new Uint32Array(ts.buffer, ts.byteOffset, ts.length * 2);
  let high = last === undefined ? 0 : Number(last >> 32n);
  let low = last === undefined ? 0 : Number(last & 0xffff_ffffn);
  for (let i = 0; i < ts.length; i++) {
    const h = words[2 * i + 1]!;
    const l = words[2 * i]!;
    if (h < high || (h === high && l < low)) return i;
    high = h;
    low = l;
  }
  return -1;
}

function checkFrame<T extends MarketDataType>(frame: Frame<T>, type: MarketDataType, width: FixedWidth, meta: FrameMeta, label: string): void {
  if (frame.type !== type) throw new CatalogError('CATALOG_METADATA', `${label}: cannot write ${frame.type} rows into a ${type} file`);
  if (frame.width !== width) {
    throw new CatalogError('CATALOG_WIDTH_MISMATCH', `${label}: frame holds ${frame.width * 8}-bit raws, the file is ${width * 8}-bit; convert the frame first`);
  }
  checkShape(frame, label);
  const m = frame.meta;
  if (m.instrumentId !== meta.instrumentId || m.pricePrecision !== meta.pricePrecision || m.sizePrecision !== meta.sizePrecision || m.barType !== meta.barType) {
    throw new CatalogError(
      'CATALOG_METADATA',
      `${label}: one file holds one metadata (instrument, bar type, precisions), was ${JSON.stringify(m)} after ${JSON.stringify(meta)}; write them to separate files`,
    );
  }
}

/** Every column holds `frame.length` rows: a frame built by hand gets a named error, not a failure deep in the encoder. */
function checkShape(frame: Frame, label: string): void {
  const rows = frame.length;
  const columns = frame.columns as unknown as Record<string, unknown>;
  // Numbers standing for trade ids are counted as they are: reading `trade_id` would make their strings.
  const idNumbers = frame.type === 'trade_tick' ? tradeIdNumbers(frame.columns) : undefined;
  const bad = (detail: string) => new CatalogError('CATALOG_BAD_FRAME', `${label}: a ${frame.type} frame of ${rows} rows ${detail}; build frames with allocFrame or the readers`);
  if (!Number.isSafeInteger(rows) || rows < 0) throw bad('has no whole row count');
  for (const [name, kind] of fieldsOf(frame.type)) {
    const column = name === 'trade_id' && idNumbers ? idNumbers : columns[name];
    if (column === undefined || column === null) throw bad(`lacks column "${name}"`);
    const fixed = kind === 'price' || kind === 'quantity';
    if (fixed && (column as FixedColumn).width !== frame.width) throw bad(`has ${(column as FixedColumn).width}-byte raws in column "${name}"`);
    const length = fixed ? (column as FixedColumn).bytes.length / (column as FixedColumn).width : (column as ArrayLike<unknown>).length;
    if (length !== rows) throw bad(`has ${length} values in column "${name}"`);
  }
}

/** Column inputs for rows `[start, end)` as views on the frame's buffers (u8 widens to INT32). */
function columnInputs<T extends MarketDataType>(frame: Frame<T>, start: number, end: number): ColumnInput[] {
  const columns = frame.columns as unknown as Record<string, unknown>;
  // Read before any column: reading `trade_id` would make the strings the numbers stand for.
  const idNumbers = frame.type === 'trade_tick' ? tradeIdNumbers(frame.columns) : undefined;
  return fieldsOf(frame.type).map(([name, kind]): ColumnInput => {
    // Ids an import kept as numbers are encoded from them, never made into strings.
    if (name === 'trade_id' && idNumbers) return { kind: 'decimal', values: idNumbers.subarray(start, end) };
    const data = columns[name];
    switch (kind) {
      case 'price':
      case 'quantity': {
        const column = data as FixedColumn;
        return { kind: 'fixed', bytes: column.bytes.subarray(start * column.width, end * column.width) };
      }
      case 'u64': {
        const values = data as BigUint64Array;
        return { kind: 'fixed', bytes: new Uint8Array(values.buffer, values.byteOffset + start * 8, (end - start) * 8) };
      }
      case 'u8': {
        const values = data as Uint8Array;
        const widened = new Uint8Array((end - start) * 4);
        for (let i = start; i < end; i++) widened[(i - start) * 4] = values[i]!;
        return { kind: 'fixed', bytes: widened };
      }
      case 'utf8':
        return { kind: 'string', values: (data as string[]).slice(start, end) };
    }
  });
}
