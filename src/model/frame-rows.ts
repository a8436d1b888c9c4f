/**
 * The row format the CLI (`catalog read --format ndjson|csv`, `catalog write --from`) and
 * the Python compatibility peer share. One row is an ordered record:
 *
 * | field                          | record value                        | ndjson / csv            |
 * |--------------------------------|-------------------------------------|-------------------------|
 * | `type`                         | `"Bar"`, `"QuoteTick"`, …           | string                  |
 * | `bar_type` / `instrument_id`   | from `frame.meta`                   | string                  |
 * | price columns                  | decimal at `meta.pricePrecision`    | string                  |
 * | quantity columns               | decimal at `meta.sizePrecision`     | string                  |
 * | delta price/size sentinel      | raw integer digits (UNDEF)          | string                  |
 * | `ts_event`, `ts_init`          | ns digits                           | string                  |
 * | `aggressor_side`,`action`,`side` | enum name (`"BUYER"`)             | string                  |
 * | `flags`                        | number                              | number                  |
 * | `order_id`, `sequence`         | bigint                              | bare digits             |
 * | `trade_id`                     | string                              | string                  |
 *
 * Reading rows back (`rowsToFrame`) parses decimals exactly with `parseRaw`, so a
 * frame → rows → frame round trip is lossless. No float is involved anywhere.
 */
import {
  type FixedWidth,
  checkPrecision,
  FixedPointError,
  formatRaw,
  parseRaw,
  PRICE_UNDEF,
  QUANTITY_UNDEF,
} from './fixed-point.js';
import { type FixedColumn, type Frame, type FrameMeta, type MarketDataType, allocFrame, fieldsOf, fixedRawAt, setFixedRaw } from './frames.js';
import { AggressorSide, BookAction, type EnumObject, enumName, OrderSide, parseEnum } from './enums.js';
import { ModelError } from './errors.js';
import { parseBarType, parseInstrumentId } from './identifiers.js';
import { NS_MAX, parseTimeArg } from './time.js';

/** Any `Frame<T>` (or AnyFrame): what the row writers read from a frame. */
export type RowFrame = Pick<Frame, 'type' | 'width' | 'length' | 'meta'> & { readonly columns: object };

/** A row as `frameRowRecord` returns it; key order is the column order. */
export type FrameRowRecord = Record<string, string | number | bigint>;

/** The Nautilus class name written in each row's `type` field. */
export const FRAME_ROW_TYPE: Readonly<Record<MarketDataType, string>> = {
  bar: 'Bar',
  quote_tick: 'QuoteTick',
  trade_tick: 'TradeTick',
  order_book_delta: 'OrderBookDelta',
};

// u8 columns that hold an enum, and which one; `flags` is a bitmask and stays a number.
const ENUM_COLUMNS: Readonly<Record<string, EnumObject>> = {
  aggressor_side: AggressorSide,
  action: BookAction,
  side: OrderSide,
};

const TRADE_ID_MAX_BYTES = 36;
const UTF8 = new TextEncoder();

/** Thrown by `rowsToFrame` for a bad value; the message names file, line and field. */
export class RowError extends Error {
  override name = 'RowError';
  /** The file (or other source) the rows came from, as given to `rowsToFrame`. */
  readonly source: string;
  /** 1-based line of the row in that source. */
  readonly line: number;
  /** The field (column) that is wrong. */
  readonly field: string;

  constructor(source: string, line: number, field: string, problem: string, options?: { cause?: unknown }) {
    super(`${source} line ${line}, field ${field}: ${problem}`, options);
    this.source = source;
    this.line = line;
    this.field = field;
  }
}

function idFieldOf(type: MarketDataType): 'bar_type' | 'instrument_id' {
  return type === 'bar' ? 'bar_type' : 'instrument_id';
}

function idValueOf(frame: RowFrame): string {
  if (frame.type !== 'bar') return frame.meta.instrumentId;
  if (frame.meta.barType === undefined) {
    throw new ModelError('bar_type', '', 'a bar frame needs meta.barType (example: "BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL"), was undefined');
  }
  return frame.meta.barType;
}

/** Returns the column names of a row of `type`, in record (and CSV) order. */
export function frameRowFields(type: MarketDataType): string[] {
  return ['type', idFieldOf(type), ...fieldsOf(type).map(([name]) => name)];
}

/**
 * Returns row `i` of `frame` as an ordered record (see the module table).
 *
 * Throws ModelError when a bar frame has no `meta.barType` or an enum column holds an
 * unknown value.
 */
export function frameRowRecord(frame: RowFrame, i: number): FrameRowRecord {
  const record: FrameRowRecord = { type: FRAME_ROW_TYPE[frame.type], [idFieldOf(frame.type)]: idValueOf(frame) };
  const columns = frame.columns as unknown as Record<string, unknown>;
  const { pricePrecision, sizePrecision } = frame.meta;
  const isDelta = frame.type === 'order_book_delta';
  for (const [name, kind] of fieldsOf(frame.type)) {
    const data = columns[name];
    switch (kind) {
      case 'price':
      case 'quantity': {
        const raw = fixedRawAt(data as FixedColumn, i);
        const undef = kind === 'price' ? PRICE_UNDEF[frame.width] : QUANTITY_UNDEF[frame.width];
        // Nautilus keeps UNDEF deltas (CLEAR) at precision 0; the raw digits make that visible.
        record[name] = isDelta && raw === undef ? raw.toString() : formatRaw(raw, kind === 'price' ? pricePrecision : sizePrecision, frame.width);
        break;
      }
      case 'u64': {
        const value = (data as BigUint64Array)[i]!;
        record[name] = name === 'ts_event' || name === 'ts_init' ? value.toString() : value;
        break;
      }
      case 'u8': {
        const value = (data as Uint8Array)[i]!;
        const enumObj = ENUM_COLUMNS[name];
        record[name] = enumObj ? enumName(enumObj, value) : value;
        break;
      }
      case 'utf8':
        record[name] = (data as string[])[i]!;
        break;
    }
  }
  return record;
}

/** Returns row `i` as one JSON line (no newline); bigints are written as bare digits. */
export function frameRowToJson(frame: RowFrame, i: number): string {
  const record = frameRowRecord(frame, i);
  const parts: string[] = [];
  for (const key in record) {
    const value = record[key]!;
    parts.push(`${JSON.stringify(key)}:${typeof value === 'bigint' ? value.toString() : JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Returns a CSV cell, quoted per RFC 4180 when it holds `,`, `"`, CR or LF. */
export function csvCell(value: string | number | bigint): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Returns the CSV header line (no newline) of rows of `type`. */
export function frameCsvHeader(type: MarketDataType): string {
  return frameRowFields(type).join(',');
}

/** Returns row `i` as one CSV line (no newline), with the columns of `frameCsvHeader`. */
export function frameRowToCsv(frame: RowFrame, i: number): string {
  return Object.values(frameRowRecord(frame, i)).map(csvCell).join(',');
}

export interface RowsToFrameOptions {
  readonly width: FixedWidth;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly instrumentId: string;
  /** Required for bars. */
  readonly barType?: string | undefined;
  /** Line of `records[0]` in the source; 1 for ndjson, 2 for CSV with a header. Default 1. */
  readonly firstLine?: number | undefined;
  /** Line of each record, when rows are not on consecutive lines (wins over `firstLine`). */
  readonly lineNumbers?: ReadonlyArray<number> | undefined;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const FIX = 'fix the value or remove the row';

function metaOf(type: MarketDataType, options: RowsToFrameOptions): FrameMeta {
  checkPrecision(options.pricePrecision, options.width);
  checkPrecision(options.sizePrecision, options.width);
  const instrumentId = parseInstrumentId(options.instrumentId).value;
  if (type !== 'bar') return { instrumentId, pricePrecision: options.pricePrecision, sizePrecision: options.sizePrecision };
  if (options.barType === undefined) {
    throw new ModelError('bar_type', '', 'rowsToFrame needs options.barType for bars (example: "BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL"), was undefined');
  }
  const barType = parseBarType(options.barType);
  if (barType.instrumentId.value !== instrumentId) {
    throw new ModelError('bar_type', options.barType, `bar type ${barType.value} must belong to instrument ${instrumentId}, was ${barType.instrumentId.value}`);
  }
  return { instrumentId, pricePrecision: options.pricePrecision, sizePrecision: options.sizePrecision, barType: barType.value };
}

/** Reads one row's cells, turning every problem into a RowError at that row. */
class RowReader {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly record: Readonly<Record<string, unknown>>,
    readonly width: FixedWidth,
  ) {}

  fail(field: string, problem: string, cause?: unknown): never {
    throw new RowError(this.source, this.line, field, problem, cause === undefined ? undefined : { cause });
  }

  /**
   * Returns the cell as text; numbers only where `numbers` allows (never for decimals).
   * Trims unless told not to, because hand-written CSV often has spaces after commas.
   */
  text(field: string, numbers: boolean, trim = true): string {
    const value = this.record[field];
    if (value === undefined || value === null) return this.fail(field, `the field is missing; add a "${field}" column or field`);
    if (typeof value === 'string') {
      const text = trim ? value.trim() : value;
      if (text === '') return this.fail(field, `the value is empty; ${FIX}`);
      return text;
    }
    if (numbers && typeof value === 'bigint') return value.toString();
    if (numbers && typeof value === 'number') {
      if (Number.isSafeInteger(value)) return String(value);
      return this.fail(field, `${value} is not a whole number below 2^53; write it as a string of digits`);
    }
    if (typeof value === 'number') return this.fail(field, `${value} is a JSON number, which may have lost digits; write it as a string such as "${value}"`);
    return this.fail(field, `${JSON.stringify(value) ?? String(value)} is not a string; ${FIX}`);
  }

  fixed(field: string, kind: 'price' | 'quantity', precision: number, allowUndef: boolean): bigint {
    const text = this.text(field, false);
    const undef = kind === 'price' ? PRICE_UNDEF[this.width] : QUANTITY_UNDEF[this.width];
    if (allowUndef && text === undef.toString()) return undef;
    if (!DECIMAL.test(text)) return this.fail(field, `${JSON.stringify(text)} is not a decimal number; ${FIX}`);
    const dot = text.indexOf('.');
    const decimals = dot < 0 ? 0 : text.slice(dot + 1).replace(/0+$/, '').length;
    const label = kind === 'price' ? 'price precision' : 'size precision';
    if (decimals > precision) {
      return this.fail(field, `${JSON.stringify(text)} has ${decimals} decimals, more than the ${label} ${precision}; round the value or raise the ${label}`);
    }
    if (kind === 'quantity' && text.startsWith('-') && /[1-9]/.test(text)) {
      return this.fail(field, `${JSON.stringify(text)} is negative, and a quantity cannot be; ${FIX}`);
    }
    try {
      return parseRaw(text, precision, this.width, kind === 'price');
    } catch (error) {
      if (!(error instanceof FixedPointError)) throw error;
      return this.fail(field, `${error.message}; ${FIX}`, error);
    }
  }

  u64(field: string): bigint {
    const text = this.text(field, true);
    if (!/^\d+$/.test(text)) return this.fail(field, `${JSON.stringify(text)} is not an unsigned integer; ${FIX}`);
    const value = BigInt(text);
    if (value > NS_MAX) return this.fail(field, `${text} is above the UInt64 maximum ${NS_MAX}; ${FIX}`);
    return value;
  }

  time(field: string): bigint {
    const text = this.text(field, true);
    try {
      return parseTimeArg(text);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      return this.fail(field, `${JSON.stringify(text)} is not a time; write nanoseconds since the epoch or ISO-8601 such as "2024-01-02T03:04:05.123456789Z"`, error);
    }
  }

  u8(field: string): number {
    const enumObj = ENUM_COLUMNS[field];
    const text = this.text(field, true);
    if (enumObj) {
      try {
        return parseEnum(enumObj, text);
      } catch (error) {
        if (!(error instanceof ModelError)) throw error;
        return this.fail(field, `${error.message}; ${FIX}`, error);
      }
    }
    const value = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(value <= 255)) return this.fail(field, `${JSON.stringify(text)} is not an integer in 0..255; ${FIX}`);
    return value;
  }

  tradeId(field: string): string {
    const text = this.text(field, false, false);
    const bytes = UTF8.encode(text).length;
    if (bytes > TRADE_ID_MAX_BYTES) return this.fail(field, `${JSON.stringify(text)} is ${bytes} bytes, more than the ${TRADE_ID_MAX_BYTES} Nautilus allows; shorten the id`);
    if (/^\s*$/.test(text)) return this.fail(field, `the trade id is blank; ${FIX}`);
    return text;
  }

  /** Checks an optional identity field against what the frame is being built for. */
  expect(field: string, expected: string, what: string): void {
    const value = this.record[field];
    if (value === undefined || value === null || value === '') return;
    if (value !== expected) this.fail(field, `${JSON.stringify(value)} does not match the ${what} ${JSON.stringify(expected)}; write these rows separately or fix the value`);
  }
}

/**
 * Returns a frame of `type` holding `records`, the inverse of `frameRowRecord`: decimals are
 * parsed exactly at the given precisions, `ts_*` as ns digits or ISO-8601, enums by name
 * (any case) or number. `type` and `instrument_id`/`bar_type` fields are optional; when
 * present they must match. `source` names the file in error messages.
 *
 * Throws RowError naming source, line and field for a bad value, and ModelError or
 * FixedPointError for bad options.
 */
export function rowsToFrame<T extends MarketDataType>(
  type: T,
  records: ReadonlyArray<Readonly<Record<string, unknown>>>,
  options: RowsToFrameOptions,
  source: string,
): Frame<T> {
  const meta = metaOf(type, options);
  const { width } = options;
  const frame = allocFrame(type, width, records.length, meta);
  const columns = frame.columns as unknown as Record<string, unknown>;
  const fields = fieldsOf(type);
  const firstLine = options.firstLine ?? 1;
  for (let i = 0; i < records.length; i++) {
    const row = new RowReader(source, options.lineNumbers?.[i] ?? firstLine + i, records[i]!, width);
    row.expect('type', FRAME_ROW_TYPE[type], 'type');
    if (type === 'bar') row.expect('bar_type', meta.barType!, 'bar type');
    else row.expect('instrument_id', meta.instrumentId, 'instrument id');
    for (const [name, kind] of fields) {
      const data = columns[name];
      switch (kind) {
        case 'price':
        case 'quantity': {
          const precision = kind === 'price' ? meta.pricePrecision : meta.sizePrecision;
          setFixedRaw(data as FixedColumn, i, row.fixed(name, kind, precision, type === 'order_book_delta'));
          break;
        }
        case 'u64':
          (data as BigUint64Array)[i] = name === 'ts_event' || name === 'ts_init' ? row.time(name) : row.u64(name);
          break;
        case 'u8':
          (data as Uint8Array)[i] = row.u8(name);
          break;
        case 'utf8':
          (data as string[])[i] = row.tradeId(name);
          break;
      }
    }
  }
  return frame;
}
