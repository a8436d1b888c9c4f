/**
 * Columnar frames for the market data the catalog stores: one typed array per column,
 * never an object per row. Field names are NautilusTrader's own (the catalog column names).
 *
 * | kind       | storage                                                     |
 * |------------|-------------------------------------------------------------|
 * | `price`    | FixedColumn: little-endian signed raws, `width` bytes each   |
 * | `quantity` | FixedColumn: little-endian unsigned raws, `width` bytes each |
 * | `u64`      | BigUint64Array (timestamps in ns, order ids, sequences)     |
 * | `u8`       | Uint8Array (enums and flags)                                |
 * | `utf8`     | string[] (trade ids)                                        |
 *
 * An import keeps integer trade ids as numbers until something reads them (trade-id-numbers.ts).
 */
import type { FixedWidth } from './fixed-point.js';
import { copyIdNumbers, tradeIdNumbers, withSlicedIdNumbers } from './trade-id-numbers.js';

export type ColumnKind = 'price' | 'quantity' | 'u64' | 'u8' | 'utf8';

/** The market data types a frame can hold, named by their Nautilus 1.221.0 catalog folder. */
export type MarketDataType = 'bar' | 'quote_tick' | 'trade_tick' | 'order_book_delta';

/** Column layout of each type, in the exact order NautilusTrader's Arrow schemas use. */
export const FRAME_FIELDS = {
  bar: [
    ['open', 'price'], ['high', 'price'], ['low', 'price'], ['close', 'price'],
    ['volume', 'quantity'], ['ts_event', 'u64'], ['ts_init', 'u64'],
  ],
  quote_tick: [
    ['bid_price', 'price'], ['ask_price', 'price'], ['bid_size', 'quantity'], ['ask_size', 'quantity'],
    ['ts_event', 'u64'], ['ts_init', 'u64'],
  ],
  trade_tick: [
    ['price', 'price'], ['size', 'quantity'], ['aggressor_side', 'u8'], ['trade_id', 'utf8'],
    ['ts_event', 'u64'], ['ts_init', 'u64'],
  ],
  order_book_delta: [
    ['action', 'u8'], ['side', 'u8'], ['price', 'price'], ['size', 'quantity'], ['order_id', 'u64'],
    ['flags', 'u8'], ['sequence', 'u64'], ['ts_event', 'u64'], ['ts_init', 'u64'],
  ],
} as const satisfies Record<MarketDataType, ReadonlyArray<readonly [string, ColumnKind]>>;

type Fields<T extends MarketDataType> = (typeof FRAME_FIELDS)[T][number];
export type FieldName<T extends MarketDataType> = Fields<T>[0];

/** Fixed-point raws packed little-endian, `width` bytes per value; buffer is 8-byte aligned. */
export interface FixedColumn {
  readonly kind: 'price' | 'quantity';
  readonly width: FixedWidth;
  readonly bytes: Uint8Array;
}

export type ColumnData<K extends ColumnKind> = K extends 'price' | 'quantity'
  ? FixedColumn
  : K extends 'u64'
    ? BigUint64Array
    : K extends 'u8'
      ? Uint8Array
      : string[];

/** Distributes over a union, so `Frame<'bar'>` is assignable to `Frame<MarketDataType>`. */
export type FrameColumns<T extends MarketDataType> = T extends MarketDataType
  ? { [F in Fields<T> as F[0]]: ColumnData<F[1]> }
  : never;

/** What every file of one (type, identifier) shares: the schema metadata Nautilus writes. */
export interface FrameMeta {
  readonly instrumentId: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  /** Only for bars: the full bar type string. */
  readonly barType?: string;
}

export interface Frame<T extends MarketDataType = MarketDataType> {
  readonly type: T;
  readonly width: FixedWidth;
  readonly length: number;
  readonly meta: FrameMeta;
  readonly columns: FrameColumns<T>;
}

export type AnyFrame = { [T in MarketDataType]: Frame<T> }[MarketDataType];

/** Returns the `[name, kind]` list of a type's columns in catalog order. */
export function fieldsOf(type: MarketDataType): ReadonlyArray<readonly [string, ColumnKind]> {
  return FRAME_FIELDS[type];
}

/** Allocates a fixed column of `length` zero raws on an 8-byte aligned buffer. */
export function allocFixedColumn(kind: 'price' | 'quantity', width: FixedWidth, length: number): FixedColumn {
  return { kind, width, bytes: new Uint8Array(new ArrayBuffer(length * width)) };
}

function allocColumn(kind: ColumnKind, width: FixedWidth, length: number): unknown {
  switch (kind) {
    case 'price':
    case 'quantity':
      return allocFixedColumn(kind, width, length);
    case 'u64':
      return new BigUint64Array(length);
    case 'u8':
      return new Uint8Array(length);
    case 'utf8':
      return new Array<string>(length).fill('');
  }
}

/** Allocates a zero-filled frame of `length` rows. */
export function allocFrame<T extends MarketDataType>(type: T, width: FixedWidth, length: number, meta: FrameMeta): Frame<T> {
  const columns: Record<string, unknown> = {};
  for (const [name, kind] of fieldsOf(type)) columns[name] = allocColumn(kind, width, length);
  return { type, width, length, meta, columns: columns as FrameColumns<T> };
}

/** Returns the raw at row `i` (signed for prices, unsigned for quantities). */
export function fixedRawAt(column: FixedColumn, i: number): bigint {
  const view = new DataView(column.bytes.buffer, column.bytes.byteOffset + i * column.width, column.width);
  if (column.width === 8) return column.kind === 'price' ? view.getBigInt64(0, true) : view.getBigUint64(0, true);
  const low = view.getBigUint64(0, true);
  const high = column.kind === 'price' ? view.getBigInt64(8, true) : view.getBigUint64(8, true);
  return (high << 64n) | low;
}

/** Stores `raw` at row `i`, as two's complement little-endian bytes. */
export function setFixedRaw(column: FixedColumn, i: number, raw: bigint): void {
  const view = new DataView(column.bytes.buffer, column.bytes.byteOffset + i * column.width, column.width);
  if (column.width === 8) {
    view.setBigUint64(0, BigInt.asUintN(64, raw), true);
  } else {
    view.setBigUint64(0, BigInt.asUintN(64, raw), true);
    view.setBigUint64(8, BigInt.asUintN(64, raw >> 64n), true);
  }
}

/** Returns rows `[start, end)` of a frame as a new frame sharing no buffers. */
export function sliceFrame<T extends MarketDataType>(frame: Frame<T>, start: number, end: number): Frame<T> {
  const columns: Record<string, unknown> = {};
  // Trade ids kept as numbers stay numbers (no strings made).
  const idNumbers = frame.type === 'trade_tick' && tradeIdNumbers(frame.columns) !== undefined;
  for (const [name, kind] of fieldsOf(frame.type)) {
    if (kind === 'utf8' && idNumbers) continue;
    const data = (frame.columns as Record<string, unknown>)[name];
    if (kind === 'price' || kind === 'quantity') {
      const column = data as FixedColumn;
      columns[name] = { kind, width: column.width, bytes: column.bytes.slice(start * column.width, end * column.width) };
    } else {
      columns[name] = (data as BigUint64Array | Uint8Array | string[]).slice(start, end);
    }
  }
  const sliced = idNumbers ? withSlicedIdNumbers(frame.columns, start, end, columns as Omit<FrameColumns<'trade_tick'>, 'trade_id'>) : columns;
  return { type: frame.type, width: frame.width, length: Math.max(0, end - start), meta: frame.meta, columns: sliced as FrameColumns<T> };
}

/** Concatenates frames of one type, width and metadata into one frame. */
export function concatFrames<T extends MarketDataType>(frames: ReadonlyArray<Frame<T>>): Frame<T> {
  const first = frames[0];
  if (!first) throw new RangeError('concatFrames needs at least one frame');
  const length = frames.reduce((sum, f) => sum + f.length, 0);
  const out = allocFrame(first.type, first.width, length, first.meta);
  let offset = 0;
  for (const frame of frames) {
    if (frame.width !== first.width) throw new RangeError(`cannot concatenate widths ${first.width} and ${frame.width}`);
    copyRows(frame, 0, frame.length, out, offset);
    offset += frame.length;
  }
  return out;
}

/** Copies rows `[start, end)` of `source` into `target` at row `at`. */
export function copyRows<T extends MarketDataType>(source: Frame<T>, start: number, end: number, target: Frame<T>, at: number): void {
  for (const [name, kind] of fieldsOf(source.type)) {
    // Trade ids kept as numbers on both sides are copied as numbers (no strings made).
    if (kind === 'utf8' && copyIdNumbers(source.columns, start, end, target.columns, at)) continue;
    const from = (source.columns as Record<string, unknown>)[name];
    const to = (target.columns as Record<string, unknown>)[name];
    if (kind === 'price' || kind === 'quantity') {
      const w = (from as FixedColumn).width;
      (to as FixedColumn).bytes.set((from as FixedColumn).bytes.subarray(start * w, end * w), at * w);
    } else if (kind === 'utf8') {
      const src = from as string[];
      const dst = to as string[];
      for (let i = start; i < end; i++) dst[at + i - start] = src[i]!;
    } else {
      if (kind === 'u64') (to as BigUint64Array).set((from as BigUint64Array).subarray(start, end), at);
      else (to as Uint8Array).set((from as Uint8Array).subarray(start, end), at);
    }
  }
}

/** Returns the `ts_init` column, present on every market data type. */
export function tsInitOf<T extends MarketDataType>(frame: Frame<T>): BigUint64Array {
  return (frame.columns as unknown as { ts_init: BigUint64Array }).ts_init;
}
