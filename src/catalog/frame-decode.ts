/**
 * Turns the row groups of one catalog file into frames. The file's columns are checked
 * once against the type's schema (by position, as Nautilus reads them) and each column gets
 * a decoder chosen by its on-disk type:
 *
 * | on disk                                   | frame column                          |
 * |-------------------------------------------|---------------------------------------|
 * | FIXED_LEN_BYTE_ARRAY(8 or 16), no logical | FixedColumn, LE raws used as they are |
 * | FLBA(16) DECIMAL(38, s) (schema v2)       | big-endian → LE raws at scale 16; null → UNDEF |
 * | INT64 UINT_64 / plain INT64               | BigUint64Array view                   |
 * | INT64 TIMESTAMP(ns/us/ms) (schema v2)     | BigUint64Array in ns                  |
 * | INT32 UINT_8                              | Uint8Array                            |
 * | BYTE_ARRAY STRING                         | string[]; trade ids proven to count up: numbers, strings made on first read (model/trade-id-numbers.ts) |
 */
import { type FixedWidth, PRICE_UNDEF, QUANTITY_UNDEF, pow10 } from '../model/fixed-point.js';
import { type ColumnKind, type Frame, type FrameMeta, type MarketDataType, fieldsOf } from '../model/frames.js';
import { tradeColumnsWithIdNumbers } from '../model/trade-id-numbers.js';
import { CatalogError } from './errors.js';
import type { ColumnValues, CountingValues, StringValues } from './parquet/column-read.js';
import { decimalTexts } from './parquet/decimal-text.js';
import type { ParquetFile } from './parquet/file-reader.js';
import { PhysicalType, type SchemaElement } from './parquet/format.js';
import { BAR_FACT_COLUMNS, BarFacts } from './bar-facts.js';
import { QUOTE_FACT_COLUMNS, QuoteFacts } from './quote-facts.js';
import type { RowGroupFacts } from './row-group-facts.js';
import { TRADE_FACT_COLUMNS, TradeFacts } from './trade-facts.js';
import { requiredMetadataKeys } from './schemas.js';
import { type TsWindow, classifyRanges } from './ts-window.js';

type ColumnDecoder = (values: ColumnValues, rows: number) => unknown;

/** How one file's columns map onto a frame; computed once per file. */
export interface FileDecoding<T extends MarketDataType = MarketDataType> {
  readonly type: T;
  readonly width: FixedWidth;
  readonly meta: FrameMeta;
  readonly tsInitColumn: number;
  readonly decoders: ColumnDecoder[];
  /** The type has conformance facts and the file's checked columns hold their values as stored (no decimal or unit conversion). */
  readonly facts: boolean;
}

/** The types whose conformance facts can be taken while decoding (row-group-facts.ts): checked columns, and how to start. */
const FACTS: Partial<Record<MarketDataType, { columns: Record<string, number>; start(width: FixedWidth, rows: number, lazyTradeIds: boolean): RowGroupFacts | undefined }>> = {
  quote_tick: { columns: QUOTE_FACT_COLUMNS, start: (width, rows) => QuoteFacts.start(width, rows) },
  trade_tick: { columns: TRADE_FACT_COLUMNS, start: (width, rows, lazyTradeIds) => TradeFacts.start(width, rows, lazyTradeIds) },
  bar: { columns: BAR_FACT_COLUMNS, start: (width, rows) => BarFacts.start(width, rows) },
};

/** Checks a file's schema and metadata against `type` and prepares its column decoders. */
export async function planFileDecoding<T extends MarketDataType>(file: ParquetFile, type: T, expectWidth?: FixedWidth): Promise<FileDecoding<T>> {
  const fields = fieldsOf(type);
  const path = file.name;
  if (file.columns.length !== fields.length) {
    throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: has ${file.columns.length} columns, a ${type} file has ${fields.length} (${fields.map(([n]) => n).join(', ')}); is it in the right folder?`, { path });
  }
  let width: FixedWidth | undefined;
  const stored: boolean[] = [];
  const decoders = fields.map(([name, kind], index) => {
    const element = file.columns[index]!;
    if (element.name !== name) {
      throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: column ${index} is "${element.name}", a ${type} file has "${name}" there; the file does not follow the Nautilus schema`, { path });
    }
    const { decoder, fixedWidth, asStored } = columnDecoder(element, kind, path);
    stored[index] = asStored === true;
    if (fixedWidth !== undefined) {
      if (width !== undefined && width !== fixedWidth) {
        throw new CatalogError('CATALOG_WIDTH_MISMATCH', `${path}: column "${name}" is ${fixedWidth} bytes wide, earlier columns are ${width}`, { path });
      }
      width = fixedWidth;
    }
    return decoder;
  });
  if (width === undefined) throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: has no fixed-point columns`, { path });
  if (expectWidth !== undefined && expectWidth !== width) {
    throw new CatalogError(
      'CATALOG_WIDTH_MISMATCH',
      `${path}: holds ${width * 8}-bit fixed-point values, this catalog is ${expectWidth * 8}-bit (the NautilusTrader build it serves cannot read it); convert it with \`seamless catalog write --width ${expectWidth}\` or open the catalog with width ${width}`,
      { path },
    );
  }
  let metadata: Map<string, string>;
  try {
    metadata = await file.schemaMetadata();
  } catch (error) {
    throw new CatalogError('CATALOG_CORRUPT_FILE', (error as Error).message, { path, cause: error });
  }
  const meta = frameMeta(type, metadata, path);
  const checked = FACTS[type]?.columns;
  const facts = checked !== undefined && Object.values(checked).every((column) => stored[column]);
  return { type, width, meta, tsInitColumn: fields.findIndex(([n]) => n === 'ts_init'), decoders, facts };
}

/**
 * Decodes row group `index` of `file` into a frame. `takeFacts`: take the facts that let a
 * clean frame of quotes, trades or bars be proven without a pass over it (row-group-facts.ts).
 * `lazyTradeIds` (with facts): trade ids proven to count up stay numbers (ReadOptions.lazyTradeIds).
 */
export async function decodeRowGroup<T extends MarketDataType>(file: ParquetFile, plan: FileDecoding<T>, index: number, takeFacts = false, lazyTradeIds = false): Promise<Frame<T>> {
  const rows = file.rowGroupRows(index);
  const facts = takeFacts && plan.facts ? FACTS[plan.type]?.start(plan.width, rows, lazyTradeIds) : undefined;
  const values = await file.readRowGroup(index, plan.decoders.map((_, i) => i), facts?.probes());
  const columns: Record<string, unknown> = {};
  fieldsOf(plan.type).forEach(([name], i) => {
    columns[name] = plan.decoders[i]!(values[i]!, rows);
  });
  const frame: Frame<T> = { type: plan.type, width: plan.width, length: rows, meta: plan.meta, columns: withIdNumbers(columns) as Frame<T>['columns'] };
  facts?.markIfClean(frame);
  return frame;
}

/** Trade ids proven to count up stay numbers, their strings made only if read; other columns as they are. */
function withIdNumbers(columns: Record<string, unknown>): object {
  const ids = columns['trade_id'];
  if (!(ids instanceof Float64Array)) return columns;
  const { trade_id: _ids, ...others } = columns;
  return tradeColumnsWithIdNumbers(others as Parameters<typeof tradeColumnsWithIdNumbers>[0], ids, decimalTexts);
}

/** The ids of a counting run, as numbers (below 2^53, so exact). */
function countingNumbers(values: CountingValues): Float64Array {
  const out = new Float64Array(values.count);
  for (let i = 0; i < out.length; i++) out[i] = values.first + i;
  return out;
}

/** Reads `ts_init` min/max of a row group from its statistics, if present. */
export function rowGroupTsRange(file: ParquetFile, plan: FileDecoding, index: number): { min: bigint; max: bigint } | undefined {
  const stats = file.columnStatistics(index, plan.tsInitColumn);
  if (!stats?.min || !stats.max || stats.min.length !== 8 || stats.max.length !== 8) return undefined;
  return { min: readU64(stats.min), max: readU64(stats.max) };
}

/** Where a row group stands against a window, by its `ts_init` statistics. */
export const enum WindowFit {
  /** Some rows may be inside (or there are no statistics): decode and trim. */
  Overlaps = 0,
  /** No row is inside: skip it unread. */
  Misses = 1,
  /** Every row is inside: no trimming needed. */
  Inside = 2,
}

/** For row groups `[from, to)`: how each fits the window (see WindowFit). */
export function rowGroupsAgainstWindow(file: ParquetFile, plan: FileDecoding, window: TsWindow, from: number, to: number): Uint8Array {
  const { words, present, first, stride } = file.statisticsWords(plan.tsInitColumn, from, to);
  const fits = new Uint8Array(to - from);
  classifyRanges(window, words, present, first, stride, fits); // its 1 and 2 are WindowFit.Misses and WindowFit.Inside
  return fits;
}

/** Little-endian u64 from 8 bytes, without a DataView per call (thousands of row groups). */
function readU64(b: Uint8Array): bigint {
  const low = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  const high = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

function frameMeta(type: MarketDataType, metadata: Map<string, string>, path: string): FrameMeta {
  for (const key of requiredMetadataKeys(type)) {
    if (!metadata.has(key)) {
      throw new CatalogError('CATALOG_METADATA', `${path}: schema metadata lacks "${key}" (NautilusTrader cannot decode it either); re-write the file with its metadata`, { path });
    }
  }
  const precision = (key: string): number => {
    const text = metadata.get(key)!;
    const value = Number(text);
    if (!isDigits(text) || value > 16) throw new CatalogError('CATALOG_METADATA', `${path}: metadata "${key}" must be an integer 0..16, was "${text}"`, { path });
    return value;
  };
  const barType = metadata.get('bar_type');
  const instrumentId = metadata.get('instrument_id') ?? instrumentOfBarType(barType ?? '');
  return {
    instrumentId,
    pricePrecision: precision('price_precision'),
    sizePrecision: precision('size_precision'),
    ...(type === 'bar' && barType !== undefined ? { barType } : {}),
  };
}

/** True for a non-empty run of ASCII digits (a loop: a regular expression costs a cold read ~0.5 ms to compile). */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function instrumentOfBarType(barType: string): string {
  const standard = barType.split('@')[0] ?? '';
  const parts = standard.split('-');
  return parts.slice(0, Math.max(1, parts.length - 4)).join('-');
}

/** A column's decoder; `asStored` when the frame column holds the decoded values unchanged. */
function columnDecoder(element: SchemaElement, kind: ColumnKind, path: string): { decoder: ColumnDecoder; fixedWidth?: FixedWidth; asStored?: boolean } {
  const wrong = (expected: string) =>
    new CatalogError('CATALOG_CORRUPT_FILE', `${path}: column "${element.name}" is physical type ${element.type}${element.typeLength ? `(${element.typeLength})` : ''}, expected ${expected}`, { path });
  switch (kind) {
    case 'price':
    case 'quantity': {
      if (element.type !== PhysicalType.FIXED_LEN_BYTE_ARRAY) throw wrong('FIXED_LEN_BYTE_ARRAY(8|16)');
      const logical = element.logicalType;
      if (logical?.kind === 'decimal' || element.convertedType === 5) {
        const scale = logical?.kind === 'decimal' ? logical.scale : (element.scale ?? 0);
        if (element.typeLength !== 16 || scale > 16) throw wrong('Decimal128 with scale <= 16');
        return { decoder: decimalDecoder(kind, scale), fixedWidth: 16 };
      }
      const width = element.typeLength;
      if (width !== 8 && width !== 16) throw new CatalogError('CATALOG_WIDTH_MISMATCH', `${path}: column "${element.name}" is ${width} bytes wide; Nautilus raws are 8 or 16 bytes`, { path });
      return { decoder: (values) => ({ kind, width, bytes: (values as { bytes: Uint8Array }).bytes }), fixedWidth: width, asStored: true };
    }
    case 'u64': {
      if (element.type !== PhysicalType.INT64) throw wrong('INT64');
      const logical = element.logicalType;
      const factor = logical?.kind === 'timestamp' ? (logical.unit === 'millis' ? 1_000_000n : logical.unit === 'micros' ? 1_000n : 1n) : 1n;
      return {
        decoder: (values) => {
          const bytes = (values as { bytes: Uint8Array }).bytes;
          const out = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
          if (factor !== 1n) for (let i = 0; i < out.length; i++) out[i] = out[i]! * factor;
          return out;
        },
        asStored: factor === 1n,
      };
    }
    case 'u8': {
      if (element.type !== PhysicalType.INT32) throw wrong('INT32 (UInt8)');
      return {
        decoder: (values, rows) => {
          const bytes = (values as { bytes: Uint8Array }).bytes;
          const out = new Uint8Array(rows);
          for (let i = 0; i < rows; i++) {
            const at = i * 4;
            if (bytes[at + 1]! | bytes[at + 2]! | bytes[at + 3]!) throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: column "${element.name}" row ${i} does not fit UInt8`, { path });
            out[i] = bytes[at]!;
          }
          return out;
        },
      };
    }
    case 'utf8':
      if (element.type !== PhysicalType.BYTE_ARRAY) throw wrong('BYTE_ARRAY (Utf8)');
      return { decoder: (values) => (values.kind === 'counting' ? countingNumbers(values) : (values as StringValues).values), asStored: true };
  }
}

/** Schema v2: Decimal128(38, scale), big-endian two's complement; nulls are the UNDEF sentinels. */
function decimalDecoder(kind: 'price' | 'quantity', scale: number): ColumnDecoder {
  const factor = pow10(16 - scale);
  return (values, rows) => {
    const { bytes: be, nulls } = values as { bytes: Uint8Array; nulls?: Uint8Array };
    const out = new Uint8Array(new ArrayBuffer(rows * 16));
    const view = new DataView(out.buffer);
    for (let i = 0; i < rows; i++) {
      const at = i * 16;
      if (nulls?.[i]) {
        const undef = kind === 'price' ? PRICE_UNDEF[16] : QUANTITY_UNDEF[16];
        view.setBigUint64(at, BigInt.asUintN(64, undef), true);
        view.setBigUint64(at + 8, BigInt.asUintN(64, undef >> 64n), true);
        continue;
      }
      if (factor === 1n) {
        for (let k = 0; k < 16; k++) out[at + k] = be[at + 15 - k]!;
      } else {
        const src = new DataView(be.buffer, be.byteOffset + at, 16);
        const raw = ((src.getBigInt64(0) << 64n) | src.getBigUint64(8)) * factor;
        view.setBigUint64(at, BigInt.asUintN(64, raw), true);
        view.setBigUint64(at + 8, BigInt.asUintN(64, raw >> 64n), true);
      }
    }
    return { kind, width: 16, bytes: out };
  };
}
