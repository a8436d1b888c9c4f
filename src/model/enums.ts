/**
 * The enums the catalog stores, with NautilusTrader's numeric values
 * (`crates/model/src/enums.rs`, identical at v1.221.0 and HEAD).
 *
 * Each enum is a frozen `NAME → number` object plus a type of its values. Names are
 * SCREAMING_SNAKE_CASE and, as in Nautilus, parsed case-insensitively. `enumName` and
 * `parseEnum` work on any of these objects, so there is one lookup, not one per enum.
 */
import { ModelError } from './errors.js';

/** Any enum object of this module: a read-only map of names to small integers. */
export type EnumObject = { readonly [name: string]: number };
/** The numeric values of an enum object. */
export type EnumValue<E extends EnumObject> = Extract<E[keyof E], number>;
/** The names of an enum object. */
export type EnumKey<E extends EnumObject> = Extract<keyof E, string>;

interface EnumIndex {
  readonly typeName: string;
  readonly kind: string;
  readonly byValue: ReadonlyMap<number, string>;
  readonly byUpperName: ReadonlyMap<string, number>;
}

// Built once per enum object, so per-row lookups in frame-rows.ts are map reads.
const INDEX = new WeakMap<object, EnumIndex>();

function defineEnum<const E extends EnumObject>(typeName: string, members: E): Readonly<E> {
  const frozen = Object.freeze({ ...members });
  const entries = Object.entries(frozen);
  INDEX.set(frozen, {
    typeName,
    kind: typeName.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase(),
    byValue: new Map(entries.map(([name, value]) => [value, name])),
    byUpperName: new Map(entries.map(([name, value]) => [name.toUpperCase(), value])),
  });
  return frozen;
}

/** Which side of a trade took liquidity (`aggressor_side`, UInt8). */
export const AggressorSide = defineEnum('AggressorSide', { NO_AGGRESSOR: 0, BUYER: 1, SELLER: 2 });
export type AggressorSide = EnumValue<typeof AggressorSide>;

/** What an order book delta does (`action`, UInt8); there is no 0. */
export const BookAction = defineEnum('BookAction', { ADD: 1, UPDATE: 2, DELETE: 3, CLEAR: 4 });
export type BookAction = EnumValue<typeof BookAction>;

/** The book side of an order (`side`, UInt8). */
export const OrderSide = defineEnum('OrderSide', { NO_ORDER_SIDE: 0, BUY: 1, SELL: 2 });
export type OrderSide = EnumValue<typeof OrderSide>;

/**
 * Bits of the `flags` column (UInt8). A value is a bitwise OR of these, so use
 * `recordFlagNames` rather than `enumName` for a stored `flags` value.
 */
export const RecordFlag = defineEnum('RecordFlag', {
  F_LAST: 128,
  F_TOB: 64,
  F_SNAPSHOT: 32,
  F_MBP: 16,
  RESERVED_2: 8,
  RESERVED_1: 4,
});
export type RecordFlag = EnumValue<typeof RecordFlag>;

/** The price a bar aggregates (part of a BarSpecification). */
export const PriceType = defineEnum('PriceType', { BID: 1, ASK: 2, MID: 3, LAST: 4, MARK: 5 });
export type PriceType = EnumValue<typeof PriceType>;

/** Whether bars come from the venue or are built by Nautilus (last part of a BarType). */
export const AggregationSource = defineEnum('AggregationSource', { EXTERNAL: 1, INTERNAL: 2 });
export type AggregationSource = EnumValue<typeof AggregationSource>;

/** How a bar aggregates (part of a BarSpecification). */
export const BarAggregation = defineEnum('BarAggregation', {
  TICK: 1,
  TICK_IMBALANCE: 2,
  TICK_RUNS: 3,
  VOLUME: 4,
  VOLUME_IMBALANCE: 5,
  VOLUME_RUNS: 6,
  VALUE: 7,
  VALUE_IMBALANCE: 8,
  VALUE_RUNS: 9,
  MILLISECOND: 10,
  SECOND: 11,
  MINUTE: 12,
  HOUR: 13,
  DAY: 14,
  WEEK: 15,
  MONTH: 16,
  YEAR: 17,
  RENKO: 18,
});
export type BarAggregation = EnumValue<typeof BarAggregation>;

function indexOf(enumObj: EnumObject): EnumIndex {
  const index = INDEX.get(enumObj);
  if (!index) throw new TypeError('enumName/parseEnum only accept the enum objects of src/model/enums.ts');
  return index;
}

function listValues(index: EnumIndex): string {
  return [...index.byValue].map(([value, name]) => `${value} (${name})`).join(', ');
}

/** Returns the Nautilus type name of an enum object, e.g. `"AggressorSide"`. */
export function enumTypeName(enumObj: EnumObject): string {
  return indexOf(enumObj).typeName;
}

/**
 * Returns the name of `value` in `enumObj`, e.g. `enumName(OrderSide, 1) === 'BUY'`.
 *
 * Throws ModelError when the value is not a member.
 */
export function enumName<E extends EnumObject>(enumObj: E, value: number): EnumKey<E> {
  const index = indexOf(enumObj);
  const name = index.byValue.get(value);
  if (name === undefined) {
    throw new ModelError(index.kind, String(value), `${index.typeName} value must be one of ${listValues(index)}, was ${value}`);
  }
  return name as EnumKey<E>;
}

/**
 * Returns the value of a name (any case) or of a member's number written as text,
 * e.g. `parseEnum(BookAction, 'update') === 2` and `parseEnum(BookAction, '2') === 2`.
 *
 * Throws ModelError when the text is neither.
 */
export function parseEnum<E extends EnumObject>(enumObj: E, text: string): EnumValue<E> {
  const index = indexOf(enumObj);
  const byName = index.byUpperName.get(text.toUpperCase());
  if (byName !== undefined) return byName as EnumValue<E>;
  if (/^\d{1,3}$/.test(text) && index.byValue.has(Number(text))) return Number(text) as EnumValue<E>;
  const names = [...index.byValue.values()].join(', ');
  const values = [...index.byValue.keys()].join(', ');
  throw new ModelError(index.kind, text, `${index.typeName} must be one of ${names} (or ${values}), was "${text}"`);
}

/**
 * Returns the names of the RecordFlag bits set in `flags`, highest bit first,
 * e.g. `recordFlagNames(160)` is `['F_LAST', 'F_SNAPSHOT']`.
 *
 * Throws ModelError when `flags` is not a UInt8 or sets bits 0–1, which Nautilus does not define.
 */
export function recordFlagNames(flags: number): Array<EnumKey<typeof RecordFlag>> {
  if (!Number.isInteger(flags) || flags < 0 || flags > 255 || (flags & 3) !== 0) {
    throw new ModelError('record_flag', String(flags), `flags must be an OR of RecordFlag bits 4..128 (example: 160 = F_LAST|F_SNAPSHOT), was ${flags}`);
  }
  return (Object.keys(RecordFlag) as Array<EnumKey<typeof RecordFlag>>).filter((name) => (flags & RecordFlag[name]) !== 0);
}
