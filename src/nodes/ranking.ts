/**
 * The comparison table of a grid: one row per run with its parameters and NautilusTrader's
 * headline statistics, ranked by a chosen statistic (default `PnL (total)`, highest first).
 * Runs without a value for the statistic (failed, stopped) rank last.
 */
import type { NodeRecord } from './node-record.js';
import { summaryMetric } from './run-results.js';

export interface RankedRow {
  readonly rank: number;
  readonly nodeId: string;
  readonly state: string;
  readonly params: Record<string, unknown>;
  readonly value: number | null;
  readonly pnl: number | null;
  readonly pnlPct: number | null;
  readonly sharpe: number | null;
  readonly winRate: number | null;
  readonly orders: number | null;
  readonly positions: number | null;
}

export const DEFAULT_RANK_BY = 'PnL (total)';

export function rankRuns(records: readonly NodeRecord[], rankBy = DEFAULT_RANK_BY, order: 'desc' | 'asc' = 'desc'): RankedRow[] {
  const rows = records.map((r) => {
    const s = r.summary ?? {};
    return {
      nodeId: r.id,
      state: r.state,
      params: r.params ?? {},
      value: r.summary ? summaryMetric(s, rankBy) : null,
      pnl: summaryMetric(s, 'PnL (total)'),
      pnlPct: summaryMetric(s, 'PnL% (total)'),
      sharpe: summaryMetric(s, 'Sharpe Ratio (252 days)'),
      winRate: summaryMetric(s, 'Win Rate'),
      orders: summaryMetric(s, 'total_orders'),
      positions: summaryMetric(s, 'total_positions'),
    };
  });
  const sign = order === 'desc' ? -1 : 1;
  rows.sort((x, y) => {
    if (x.value === null || y.value === null) return x.value === null ? (y.value === null ? 0 : 1) : -1;
    return sign * (x.value - y.value);
  });
  return rows.map((row, i) => ({ rank: i + 1, ...row }));
}
