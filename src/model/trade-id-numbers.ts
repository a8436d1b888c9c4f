/**
 * Trade ids that are decimal integers (Binance's sequential ids), kept as numbers. An import
 * makes millions of them a second; as strings each is an allocation, garbage soon after, and
 * a second pass to turn it into bytes again. A trade frame built by `tradeColumnsWithIdNumbers`
 * holds the numbers: the catalog writer encodes its `trade_id` column straight from them
 * (parquet/decimal-text.ts), and `columns.trade_id` is made as strings only if something
 * reads it. From then on the strings are the column (whoever read them may change them),
 * and the numbers are forgotten.
 *
 * The text of an id is `String(id)`: no sign, no leading zeros, no exponent. Ids are
 * integers in [0, 2^53).
 */
import type { FrameColumns } from './frames.js';

type TradeColumns = FrameColumns<'trade_tick'>;

/** A column's ids, and how their strings are made. */
interface IdNumbers {
  readonly ids: Float64Array;
  readonly texts: (ids: Float64Array) => string[];
}

const NUMBERS = new WeakMap<object, IdNumbers>();

/**
 * `columns` with `trade_id` backed by `ids` (one per row), made as strings on first read by
 * `texts` (the catalog passes a faster one than `idTexts`).
 */
export function tradeColumnsWithIdNumbers(columns: Omit<TradeColumns, 'trade_id'>, ids: Float64Array, texts: (ids: Float64Array) => string[] = idTexts): TradeColumns {
  const out = { ...columns } as TradeColumns;
  const settle = (strings: string[]): string[] => {
    NUMBERS.delete(out);
    Object.defineProperty(out, 'trade_id', { value: strings, writable: true, enumerable: true, configurable: true });
    return strings;
  };
  Object.defineProperty(out, 'trade_id', {
    enumerable: true,
    configurable: true,
    get: () => settle(texts(ids)),
    set: (strings: string[]) => settle(strings),
  });
  NUMBERS.set(out, { ids, texts });
  return out;
}

/** The numbers behind a trade frame's `trade_id`, while its strings have not been made. */
export function tradeIdNumbers(columns: object): Float64Array | undefined {
  return NUMBERS.get(columns)?.ids;
}

/** The text of row `i`'s trade id, without making the column's strings when numbers back it. */
export function tradeIdText(columns: { readonly trade_id: readonly string[] }, i: number): string {
  const numbers = NUMBERS.get(columns)?.ids;
  return numbers ? String(numbers[i]) : columns.trade_id[i]!;
}

/**
 * `columns` (the others, already sliced) with ids `[start, end)` of `source`'s numbers, when
 * `source` holds numbers; undefined (nothing read) otherwise.
 */
export function withSlicedIdNumbers(source: object, start: number, end: number, columns: Omit<TradeColumns, 'trade_id'>): TradeColumns | undefined {
  const numbers = NUMBERS.get(source);
  return numbers && tradeColumnsWithIdNumbers(columns, numbers.ids.slice(start, end), numbers.texts);
}

/** Copies ids `[start, end)` of `source` to `at` of `target` when both hold numbers; false (nothing copied) otherwise. */
export function copyIdNumbers(source: object, start: number, end: number, target: object, at: number): boolean {
  const from = NUMBERS.get(source)?.ids;
  const to = NUMBERS.get(target)?.ids;
  if (!from || !to) return false;
  to.set(from.subarray(start, end), at);
  return true;
}

/**
 * `String(id)` of each id. Only what reads a frame's `trade_id` gets here (a reverse-order
 * archive's spill, tests): the writer never does.
 */
export function idTexts(ids: Float64Array): string[] {
  return Array.from(ids, (id) => String(id));
}
