/**
 * Every QuestDB table name and every DDL statement of the QuestDB tier, in one place.
 *
 * Table names cannot be bind parameters, so the prefix is validated once (letters, digits,
 * underscores) and names are always double-quoted. Values never reach SQL text except as
 * digits our own code renders from a bigint (see sql-values.ts).
 *
 * | table              | one row per                  | designated `ts`     | dedup keys                    |
 * |--------------------|------------------------------|---------------------|-------------------------------|
 * | `{p}bars`          | bar                          | ts_init (ns)        | ts, series                    |
 * | `{p}trades`        | trade tick                   | ts_init (ns)        | ts, series, trade_id          |
 * | `{p}quotes`        | quote tick                   | ts_init (ns)        | ts, series, seq               |
 * | `{p}series`        | series (precisions, width)   | 0, always           | ts, data_type, series         |
 * | `{p}coverage`      | range recorded as covered    | range start (ns)    | ts, data_type, series, end_ns |
 *
 * Prices and sizes are DECIMAL(39, 16): scale 16 holds a 128-bit Nautilus raw unchanged
 * (value × 10^16) and a 64-bit raw (value × 10^9) times 10^7; 39 digits hold the whole
 * i128/u128 range, sentinels included (2^128 − 1 has 39 digits). 39+ digits is QuestDB's
 * 32-byte DECIMAL256.
 *
 * `seq` numbers rows that share a `ts_init` within one written frame (0, 1, 2, …). Reads
 * order by `(ts, seq)`, so ties come back in the order they were written. Quotes have no
 * natural key, so `(ts, series, seq)` is theirs: two identical quotes at one instant both
 * survive (keying on all columns would merge them), and re-sending the same range replaces
 * rows one for one. A re-fetch that returns fewer quotes at an instant leaves the extra old
 * ones in place.
 */
import type { SeriesDataType } from '../../seamless/series.js';

export interface TableNames {
  readonly bar: string;
  readonly trade_tick: string;
  readonly quote_tick: string;
  readonly series: string;
  readonly coverage: string;
}

export const DEFAULT_TABLE_PREFIX = 'seamless_';
const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True when the prefix is safe to put in SQL and ILP (letters, digits, underscores). */
export function isValidTablePrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

/** The tier's table names for a (validated) prefix. */
export function tableNames(prefix: string): TableNames {
  return {
    bar: `${prefix}bars`,
    trade_tick: `${prefix}trades`,
    quote_tick: `${prefix}quotes`,
    series: `${prefix}series`,
    coverage: `${prefix}coverage`,
  };
}

/** A table name as SQL text; names come only from tableNames(), so quoting suffices. */
export function quoted(name: string): string {
  return `"${name}"`;
}

/** DECIMAL type of every price and size column. */
export const DECIMAL_TYPE = 'DECIMAL(39, 16)';
/** The scale of DECIMAL_TYPE: every stored price and size is an integer × 10^-16. */
export const STORED_SCALE = 16;

/** The data columns of each type after `ts` and `series`, in the order reads select them. */
export const DATA_COLUMNS: Record<SeriesDataType, readonly string[]> = {
  bar: ['open', 'high', 'low', 'close', 'volume'],
  trade_tick: ['price', 'size', 'aggressor_side', 'trade_id'],
  quote_tick: ['bid_price', 'ask_price', 'bid_size', 'ask_size'],
};

/** Whether a type's table has the `seq` column (bars are unique per `ts` and need none). */
export function hasSeq(type: SeriesDataType): boolean {
  return type !== 'bar';
}

/** CREATE TABLE IF NOT EXISTS for all five tables, data tables first. */
export function createStatements(names: TableNames): string[] {
  const d = DECIMAL_TYPE;
  const wal = 'PARTITION BY DAY WAL';
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted(names.bar)} (ts TIMESTAMP_NS, series SYMBOL, open ${d}, high ${d}, low ${d}, close ${d}, volume ${d}, ts_event TIMESTAMP_NS) TIMESTAMP(ts) ${wal} DEDUP UPSERT KEYS(ts, series)`,
    `CREATE TABLE IF NOT EXISTS ${quoted(names.trade_tick)} (ts TIMESTAMP_NS, series SYMBOL, seq INT, price ${d}, size ${d}, aggressor_side BYTE, trade_id VARCHAR, ts_event TIMESTAMP_NS) TIMESTAMP(ts) ${wal} DEDUP UPSERT KEYS(ts, series, trade_id)`,
    `CREATE TABLE IF NOT EXISTS ${quoted(names.quote_tick)} (ts TIMESTAMP_NS, series SYMBOL, seq INT, bid_price ${d}, ask_price ${d}, bid_size ${d}, ask_size ${d}, ts_event TIMESTAMP_NS) TIMESTAMP(ts) ${wal} DEDUP UPSERT KEYS(ts, series, seq)`,
    `CREATE TABLE IF NOT EXISTS ${quoted(names.series)} (ts TIMESTAMP_NS, data_type SYMBOL, series SYMBOL, instrument_id VARCHAR, bar_type VARCHAR, price_precision INT, size_precision INT, width INT) TIMESTAMP(ts) PARTITION BY YEAR WAL DEDUP UPSERT KEYS(ts, data_type, series)`,
    `CREATE TABLE IF NOT EXISTS ${quoted(names.coverage)} (ts TIMESTAMP_NS, data_type SYMBOL, series SYMBOL, start_ns LONG, end_ns LONG) TIMESTAMP(ts) PARTITION BY YEAR WAL DEDUP UPSERT KEYS(ts, data_type, series, end_ns)`,
  ];
}
