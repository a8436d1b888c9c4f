/**
 * The Parquet schema of every instrument class NautilusTrader 1.221.0's Python catalog writes
 * (`SCHEMAS` in `nautilus_trader/serialization/arrow/implementations/instruments.py`), as
 * data. Generated once from the installed package with a Python one-off; column order and
 * types are copied exactly, because NautilusTrader reads a folder as one pyarrow dataset and
 * the first file's schema must fit them all.
 *
 * Every column is pyarrow-default nullable. `info` holds `msgspec.json.encode(info)`; a
 * missing info is the four bytes `null`, not a Parquet null. The schema metadata of a file
 * is exactly `{"class": "<ClassName>"}` (`serialize` replaces SCHEMAS' own metadata).
 *
 * | type        | Parquet physical, OPTIONAL | annotation            | Arrow type                 | record value     |
 * |-------------|----------------------------|-----------------------|----------------------------|------------------|
 * | dict<K>     | BYTE_ARRAY                 | STRING                | dictionary<K, utf8>        | string           |
 * | string      | BYTE_ARRAY                 | STRING                | utf8                       | string           |
 * | binary      | BYTE_ARRAY                 | none                  | binary                     | JSON value (info)|
 * | bool        | BOOLEAN                    | none                  | bool                       | boolean          |
 * | uint8       | INT32                      | INTEGER(8, unsigned)  | uint8                      | number           |
 * | uint64      | INT64                      | INTEGER(64, unsigned) | uint64                     | bigint           |
 * | int64       | INT64                      | none                  | int64                      | bigint           |
 * | float64     | DOUBLE                     | none                  | float64                    | number           |
 *
 * `required`: the columns whose null makes `<Class>.from_dict` raise (found by setting each
 * column of a TestInstrumentProvider instrument's `to_dict` to None in turn). `toDictOnly`:
 * keys `to_dict` returns that the file does not store; NautilusTrader drops them on write
 * (so `tick_scheme_name`, and `lot_size` of crypto derivatives, do not survive a catalog
 * round trip, even in NautilusTrader itself).
 */
import type { ArrowFieldSpec } from './parquet/arrow-schema.js';
import type { ColumnSpec } from './parquet/file-writer.js';
import { ConvertedType, PhysicalType } from './parquet/format.js';

export type InstrumentColumnType = 'dict<int8>' | 'dict<int16>' | 'dict<int64>' | 'string' | 'binary' | 'bool' | 'uint8' | 'uint64' | 'int64' | 'float64';

export interface InstrumentSchema {
  readonly columns: readonly (readonly [name: string, type: InstrumentColumnType])[];
  readonly required: readonly string[];
  readonly toDictOnly: readonly string[];
}

/** The schema NautilusTrader writes for FuturesSpread and OptionSpread alike. */
const SPREAD_SCHEMA = {
  columns: [
    ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['underlying', 'dict<int16>'], ['strategy_type', 'dict<int16>'], ['asset_class', 'dict<int8>'],
    ['exchange', 'dict<int16>'], ['currency', 'dict<int16>'], ['price_precision', 'uint8'], ['size_precision', 'uint8'],
    ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'], ['multiplier', 'dict<int16>'], ['lot_size', 'dict<int16>'],
    ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'], ['max_price', 'dict<int16>'], ['min_price', 'dict<int16>'],
    ['activation_ns', 'uint64'], ['expiration_ns', 'uint64'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'],
    ['taker_fee', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
  ],
  required: [
    'id', 'raw_symbol', 'strategy_type', 'asset_class', 'currency', 'price_precision', 'price_increment', 'multiplier', 'lot_size', 'activation_ns',
    'expiration_ns', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
  ],
  toDictOnly: ['type', 'tick_scheme_name'],
} as const satisfies InstrumentSchema;

/** Instrument classes of NautilusTrader 1.221.0 with a catalog schema, by class name. */
export const INSTRUMENT_SCHEMAS = {
  BettingInstrument: {
    columns: [
      ['id', 'string'], ['venue_name', 'string'], ['currency', 'string'], ['event_type_id', 'int64'], ['event_type_name', 'string'],
      ['competition_id', 'int64'], ['competition_name', 'string'], ['event_id', 'int64'], ['event_name', 'string'], ['event_country_code', 'string'],
      ['event_open_date', 'uint64'], ['betting_type', 'string'], ['market_id', 'string'], ['market_name', 'string'], ['market_type', 'string'],
      ['market_start_time', 'uint64'], ['selection_id', 'int64'], ['selection_name', 'string'], ['selection_handicap', 'float64'],
      ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'venue_name', 'currency', 'event_type_id', 'event_type_name', 'competition_id', 'competition_name', 'event_id', 'event_name',
      'event_country_code', 'betting_type', 'market_id', 'market_name', 'market_type', 'selection_id', 'selection_name', 'selection_handicap',
      'price_precision', 'size_precision', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'raw_symbol', 'price_increment', 'size_increment', 'max_quantity', 'min_quantity', 'max_notional', 'min_notional', 'max_price', 'min_price', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'tick_scheme_name', 'info'],
  },
  BinaryOption: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['asset_class', 'dict<int8>'], ['currency', 'dict<int16>'], ['price_precision', 'uint8'],
      ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'], ['activation_ns', 'uint64'],
      ['expiration_ns', 'uint64'], ['maker_fee', 'string'], ['taker_fee', 'string'], ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'],
      ['outcome', 'string'], ['description', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'asset_class', 'currency', 'price_precision', 'size_precision', 'price_increment', 'size_increment', 'activation_ns',
      'expiration_ns', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'margin_init', 'margin_maint', 'tick_scheme_name'],
  },
  Cfd: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['asset_class', 'dict<int8>'], ['base_currency', 'dict<int16>'],
      ['quote_currency', 'dict<int16>'], ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'],
      ['size_increment', 'dict<int16>'], ['lot_size', 'dict<int16>'], ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'],
      ['max_notional', 'dict<int16>'], ['min_notional', 'dict<int16>'], ['max_price', 'dict<int16>'], ['min_price', 'dict<int16>'],
      ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'], ['info', 'binary'],
      ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'asset_class', 'quote_currency', 'price_precision', 'size_precision', 'price_increment', 'size_increment', 'margin_init',
      'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'tick_scheme_name'],
  },
  Commodity: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['asset_class', 'dict<int8>'], ['quote_currency', 'dict<int16>'], ['price_precision', 'uint8'],
      ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'], ['lot_size', 'dict<int16>'],
      ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'], ['max_notional', 'dict<int16>'], ['min_notional', 'dict<int16>'],
      ['max_price', 'dict<int16>'], ['min_price', 'dict<int16>'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'],
      ['taker_fee', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'asset_class', 'quote_currency', 'price_precision', 'size_precision', 'price_increment', 'size_increment', 'margin_init',
      'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'tick_scheme_name'],
  },
  CryptoFuture: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['underlying', 'dict<int16>'], ['quote_currency', 'dict<int16>'],
      ['settlement_currency', 'dict<int16>'], ['is_inverse', 'bool'], ['activation_ns', 'uint64'], ['expiration_ns', 'uint64'],
      ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'],
      ['multiplier', 'dict<int16>'], ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'], ['max_notional', 'dict<int16>'],
      ['min_notional', 'dict<int16>'], ['max_price', 'dict<int16>'], ['min_price', 'dict<int16>'], ['margin_init', 'string'],
      ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'underlying', 'quote_currency', 'settlement_currency', 'activation_ns', 'expiration_ns', 'price_precision',
      'size_precision', 'price_increment', 'size_increment', 'multiplier', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event',
      'ts_init',
    ],
    toDictOnly: ['type', 'lot_size', 'tick_scheme_name'],
  },
  CryptoOption: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['underlying', 'dict<int16>'], ['quote_currency', 'dict<int16>'],
      ['settlement_currency', 'dict<int16>'], ['is_inverse', 'bool'], ['option_kind', 'dict<int8>'], ['strike_price', 'string'],
      ['activation_ns', 'uint64'], ['expiration_ns', 'uint64'], ['price_precision', 'uint8'], ['size_precision', 'uint8'],
      ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'], ['multiplier', 'dict<int16>'], ['max_quantity', 'dict<int16>'],
      ['min_quantity', 'dict<int16>'], ['max_notional', 'dict<int16>'], ['min_notional', 'dict<int16>'], ['max_price', 'dict<int16>'],
      ['min_price', 'dict<int16>'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'],
      ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'underlying', 'quote_currency', 'settlement_currency', 'option_kind', 'strike_price', 'activation_ns', 'expiration_ns',
      'price_precision', 'size_precision', 'price_increment', 'size_increment', 'multiplier', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee',
      'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'lot_size', 'tick_scheme_name'],
  },
  CryptoPerpetual: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['base_currency', 'dict<int16>'], ['quote_currency', 'dict<int16>'],
      ['settlement_currency', 'dict<int16>'], ['is_inverse', 'bool'], ['price_precision', 'uint8'], ['size_precision', 'uint8'],
      ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'], ['multiplier', 'dict<int16>'], ['max_quantity', 'dict<int16>'],
      ['min_quantity', 'dict<int16>'], ['max_notional', 'dict<int16>'], ['min_notional', 'dict<int16>'], ['max_price', 'dict<int16>'],
      ['min_price', 'dict<int16>'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'],
      ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'base_currency', 'quote_currency', 'settlement_currency', 'price_precision', 'size_precision', 'price_increment',
      'size_increment', 'multiplier', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'lot_size', 'tick_scheme_name'],
  },
  CurrencyPair: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['base_currency', 'dict<int16>'], ['quote_currency', 'dict<int16>'],
      ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'], ['size_increment', 'dict<int16>'],
      ['multiplier', 'dict<int16>'], ['lot_size', 'dict<int16>'], ['max_quantity', 'dict<int16>'], ['min_quantity', 'dict<int16>'],
      ['max_notional', 'dict<int16>'], ['min_notional', 'dict<int16>'], ['max_price', 'dict<int16>'], ['min_price', 'dict<int16>'],
      ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'], ['info', 'binary'],
      ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'base_currency', 'quote_currency', 'price_precision', 'size_precision', 'price_increment', 'size_increment', 'multiplier',
      'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'tick_scheme_name'],
  },
  Equity: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['currency', 'dict<int16>'], ['price_precision', 'uint8'], ['price_increment', 'dict<int16>'],
      ['lot_size', 'dict<int16>'], ['isin', 'string'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'],
      ['taker_fee', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'currency', 'price_precision', 'price_increment', 'lot_size', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'min_price', 'max_price', 'max_quantity', 'min_quantity', 'tick_scheme_name'],
  },
  FuturesContract: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['underlying', 'dict<int16>'], ['asset_class', 'dict<int8>'], ['exchange', 'dict<int16>'],
      ['currency', 'dict<int16>'], ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'],
      ['size_increment', 'dict<int16>'], ['multiplier', 'dict<int16>'], ['lot_size', 'dict<int16>'], ['activation_ns', 'uint64'],
      ['expiration_ns', 'uint64'], ['margin_init', 'string'], ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'],
      ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'asset_class', 'currency', 'price_precision', 'price_increment', 'multiplier', 'lot_size', 'activation_ns', 'expiration_ns',
      'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'max_quantity', 'min_quantity', 'max_price', 'min_price', 'tick_scheme_name'],
  },
  FuturesSpread: SPREAD_SCHEMA,
  IndexInstrument: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['currency', 'dict<int16>'], ['price_precision', 'uint8'], ['price_increment', 'dict<int16>'],
      ['size_precision', 'uint8'], ['size_increment', 'dict<int16>'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'currency', 'price_precision', 'price_increment', 'size_precision', 'size_increment', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'tick_scheme_name'],
  },
  OptionContract: {
    columns: [
      ['id', 'dict<int64>'], ['raw_symbol', 'string'], ['underlying', 'dict<int16>'], ['asset_class', 'dict<int8>'], ['exchange', 'dict<int16>'],
      ['option_kind', 'dict<int8>'], ['strike_price', 'dict<int64>'], ['currency', 'dict<int16>'], ['activation_ns', 'uint64'],
      ['expiration_ns', 'uint64'], ['price_precision', 'uint8'], ['size_precision', 'uint8'], ['price_increment', 'dict<int16>'],
      ['size_increment', 'dict<int16>'], ['multiplier', 'dict<int16>'], ['lot_size', 'dict<int16>'], ['margin_init', 'string'],
      ['margin_maint', 'string'], ['maker_fee', 'string'], ['taker_fee', 'string'], ['info', 'binary'], ['ts_event', 'uint64'], ['ts_init', 'uint64'],
    ],
    required: [
      'id', 'raw_symbol', 'asset_class', 'option_kind', 'strike_price', 'currency', 'activation_ns', 'expiration_ns', 'price_precision',
      'price_increment', 'multiplier', 'lot_size', 'margin_init', 'margin_maint', 'maker_fee', 'taker_fee', 'ts_event', 'ts_init',
    ],
    toDictOnly: ['type', 'max_quantity', 'min_quantity', 'max_price', 'min_price', 'tick_scheme_name'],
  },
  OptionSpread: SPREAD_SCHEMA,
} as const satisfies Record<string, InstrumentSchema>;

export type InstrumentClassName = keyof typeof INSTRUMENT_SCHEMAS;

/** Returns the schema of an instrument class, or undefined when NautilusTrader's catalog has none for it. */
export function instrumentSchema(className: string): InstrumentSchema | undefined {
  return Object.hasOwn(INSTRUMENT_SCHEMAS, className) ? INSTRUMENT_SCHEMAS[className as InstrumentClassName] : undefined;
}

/** Returns the Parquet column spec and the Arrow field of one instrument column, as pyarrow writes them. */
export function instrumentColumnSpecs(name: string, type: InstrumentColumnType): { parquet: ColumnSpec; arrow: ArrowFieldSpec } {
  const common = { name, dictionary: false, optional: true } as const;
  const text = { ...common, physical: PhysicalType.BYTE_ARRAY, width: 0, statsOrder: 'bytes', convertedType: ConvertedType.UTF8, logicalType: { kind: 'string' } } as const;
  switch (type) {
    case 'dict<int8>':
    case 'dict<int16>':
    case 'dict<int64>':
      return { parquet: text, arrow: { name, type: { kind: 'dictionary', index: type === 'dict<int8>' ? 'int8' : type === 'dict<int16>' ? 'int16' : 'int64' }, nullable: true } };
    case 'string':
      return { parquet: text, arrow: { name, type: { kind: 'utf8' }, nullable: true } };
    case 'binary':
      return { parquet: { ...common, physical: PhysicalType.BYTE_ARRAY, width: 0, statsOrder: 'bytes' }, arrow: { name, type: { kind: 'binary' }, nullable: true } };
    case 'bool':
      return { parquet: { ...common, physical: PhysicalType.BOOLEAN, width: 0, statsOrder: 'unsigned' }, arrow: { name, type: { kind: 'bool' }, nullable: true } };
    case 'uint8':
      return {
        parquet: { ...common, physical: PhysicalType.INT32, width: 4, statsOrder: 'unsigned', convertedType: ConvertedType.UINT_8, logicalType: { kind: 'integer', bitWidth: 8, signed: false } },
        arrow: { name, type: { kind: 'uint8' }, nullable: true },
      };
    case 'uint64':
      return {
        parquet: { ...common, physical: PhysicalType.INT64, width: 8, statsOrder: 'unsigned', convertedType: ConvertedType.UINT_64, logicalType: { kind: 'integer', bitWidth: 64, signed: false } },
        arrow: { name, type: { kind: 'uint64' }, nullable: true },
      };
    case 'int64':
      return { parquet: { ...common, physical: PhysicalType.INT64, width: 8, statsOrder: 'signed' }, arrow: { name, type: { kind: 'int64' }, nullable: true } };
    case 'float64':
      return { parquet: { ...common, physical: PhysicalType.DOUBLE, width: 8, statsOrder: 'signed' }, arrow: { name, type: { kind: 'float64' }, nullable: true } };
  }
}
