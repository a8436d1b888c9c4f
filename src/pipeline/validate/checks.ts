/**
 * Every check `seamless validate` runs, with its fixed severity and what it means. One
 * table, so the docs, the report and the exit code agree on which findings are errors.
 *
 * Errors are faults NautilusTrader or a backtest cannot work around (the data is wrong or
 * provably incomplete); warnings are anomalies a person should look at, that real markets
 * also produce now and then (docs/validate.md gives the reasoning per check).
 */
import type { MarketDataType } from '../../model/frames.js';

export type Severity = 'error' | 'warning';

export const CHECKS = {
  unreadable: { severity: 'error', description: 'the file cannot be read as its type (damaged, wrong schema, or missing metadata)' },
  sentinel: { severity: 'error', description: 'a price or size is an UNDEF/ERROR sentinel raw, not a value' },
  ts_init_order: { severity: 'error', description: 'ts_init is below an earlier row of the instrument (rows out of order, or overlapping files)' },
  bar_duplicate: { severity: 'error', description: 'two bars of one bar type share a ts_init' },
  duplicate_row: { severity: 'warning', description: 'a tick repeats the previous tick in every column (written twice)' },
  ts_skew: { severity: 'warning', description: 'ts_event is after ts_init, or ts_init lags ts_event by more than --max-skew' },
  suspected_gap: { severity: 'warning', description: "no row for much longer than the instrument's own recent inter-arrival times" },
  trade_id_gap: { severity: 'error', description: 'sequential trade ids skip a range: trades provably missing' },
  trade_id_order: { severity: 'warning', description: 'sequential trade ids repeat or go backwards' },
  price_spike: { severity: 'warning', description: 'price (quote mid, bar close) far from the rolling median, in MADs' },
  quote_crossed: { severity: 'error', description: 'bid above ask' },
  quote_locked: { severity: 'warning', description: 'bid equal to ask' },
  size_zero: { severity: 'error', description: 'a trade or quote size is zero' },
  size_negative: { severity: 'error', description: 'a size or volume is negative (above the largest unsigned raw NautilusTrader accepts)' },
  precision_drift: { severity: 'error', description: 'a raw has more decimals than the precision the file declares' },
  precision_mismatch: { severity: 'error', description: "a file's declared precisions or width differ from the instrument's first file" },
  bar_ohlc: { severity: 'error', description: 'high below open, close or low, or low above open or close' },
  bar_gap: { severity: 'warning', description: 'bars missing between consecutive bars (amount = missing bars)' },
  bar_spacing: { severity: 'warning', description: 'the spacing of consecutive bars is not a multiple of the bar step' },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type CheckId = keyof typeof CHECKS;

export function severityOf(check: CheckId): Severity {
  return CHECKS[check].severity;
}

/** The checks that can fire for a data type (the docs' table, and the tests' coverage list). */
export const CHECKS_BY_TYPE: Readonly<Record<MarketDataType, readonly CheckId[]>> = {
  quote_tick: ['unreadable', 'sentinel', 'ts_init_order', 'duplicate_row', 'ts_skew', 'suspected_gap', 'price_spike', 'quote_crossed', 'quote_locked', 'size_zero', 'size_negative', 'precision_drift', 'precision_mismatch'],
  trade_tick: ['unreadable', 'sentinel', 'ts_init_order', 'duplicate_row', 'ts_skew', 'suspected_gap', 'trade_id_gap', 'trade_id_order', 'price_spike', 'size_zero', 'size_negative', 'precision_drift', 'precision_mismatch'],
  bar: ['unreadable', 'sentinel', 'ts_init_order', 'bar_duplicate', 'ts_skew', 'price_spike', 'size_negative', 'precision_drift', 'precision_mismatch', 'bar_ohlc', 'bar_gap', 'bar_spacing'],
  order_book_delta: ['unreadable', 'ts_init_order', 'ts_skew', 'suspected_gap', 'size_negative', 'precision_drift', 'precision_mismatch'],
};
