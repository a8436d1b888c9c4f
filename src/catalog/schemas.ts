/**
 * The Parquet and Arrow schema of each market data type, exactly as NautilusTrader 1.221.0
 * writes and reads it (`crates/serialization/src/arrow/*.rs`): fixed column order, REQUIRED
 * columns, FixedSizeBinary(W) prices and sizes, UInt64 timestamps and ids, UInt8 enums,
 * Utf8 trade ids. Nautilus reads columns by position, so order and types are the contract.
 *
 * | frame kind | Parquet physical         | annotation            | Arrow type          |
 * |------------|--------------------------|-----------------------|---------------------|
 * | price      | FIXED_LEN_BYTE_ARRAY(W)  | none                  | FixedSizeBinary(W)  |
 * | quantity   | FIXED_LEN_BYTE_ARRAY(W)  | none                  | FixedSizeBinary(W)  |
 * | u64        | INT64                    | INTEGER(64, unsigned) | UInt64              |
 * | u8         | INT32                    | INTEGER(8, unsigned)  | UInt8               |
 * | utf8       | BYTE_ARRAY               | STRING                | Utf8                |
 */
import type { FixedWidth } from '../model/fixed-point.js';
import { type ColumnKind, type FrameMeta, type MarketDataType, fieldsOf } from '../model/frames.js';
import type { ArrowFieldSpec } from './parquet/arrow-schema.js';
import type { ColumnSpec } from './parquet/file-writer.js';
import { ConvertedType, PhysicalType } from './parquet/format.js';

export interface CatalogColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly parquet: ColumnSpec;
  readonly arrow: ArrowFieldSpec;
}

/** Returns the columns of `type` at fixed-point width `width`, in catalog order. */
export function catalogColumns(type: MarketDataType, width: FixedWidth): CatalogColumn[] {
  return fieldsOf(type).map(([name, kind]) => ({ name, kind, ...columnSpecs(name, kind, width) }));
}

function columnSpecs(name: string, kind: ColumnKind, width: FixedWidth): Pick<CatalogColumn, 'parquet' | 'arrow'> {
  switch (kind) {
    case 'price':
    case 'quantity':
      return {
        parquet: { name, physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, width, dictionary: true, statsOrder: 'bytes' },
        arrow: { name, type: { kind: 'fixed-binary', width }, nullable: false },
      };
    case 'u64':
      return {
        parquet: {
          name,
          physical: PhysicalType.INT64,
          width: 8,
          // Timestamps are nearly unique: a dictionary attempt would only cost time.
          dictionary: !name.startsWith('ts_'),
          statsOrder: 'unsigned',
          convertedType: ConvertedType.UINT_64,
          logicalType: { kind: 'integer', bitWidth: 64, signed: false },
        },
        arrow: { name, type: { kind: 'uint64' }, nullable: false },
      };
    case 'u8':
      return {
        parquet: {
          name,
          physical: PhysicalType.INT32,
          width: 4,
          dictionary: true,
          statsOrder: 'unsigned',
          convertedType: ConvertedType.UINT_8,
          logicalType: { kind: 'integer', bitWidth: 8, signed: false },
        },
        arrow: { name, type: { kind: 'uint8' }, nullable: false },
      };
    case 'utf8':
      return {
        parquet: { name, physical: PhysicalType.BYTE_ARRAY, width: 0, dictionary: false, statsOrder: 'bytes', convertedType: ConvertedType.UTF8, logicalType: { kind: 'string' } },
        arrow: { name, type: { kind: 'utf8' }, nullable: false },
      };
  }
}

/**
 * Returns the schema metadata Nautilus writes for a frame, and nothing else: extra keys
 * break the pyarrow decode path (`cls(**metadata)`). Bars add `bar_type`.
 */
export function schemaMetadata(type: MarketDataType, meta: FrameMeta): Map<string, string> {
  const out = new Map<string, string>();
  if (type === 'bar') {
    if (!meta.barType) throw new RangeError('bar frames need meta.barType');
    out.set('bar_type', meta.barType);
  }
  out.set('instrument_id', meta.instrumentId);
  out.set('price_precision', String(meta.pricePrecision));
  out.set('size_precision', String(meta.sizePrecision));
  return out;
}

/** The metadata keys a reader requires per type. */
export function requiredMetadataKeys(type: MarketDataType): string[] {
  return type === 'bar' ? ['bar_type', 'price_precision', 'size_precision'] : ['instrument_id', 'price_precision', 'size_precision'];
}
