/**
 * Acceptance comparison of two runs (a strategy port, an engine upgrade): PnL difference,
 * implementation-shortfall difference and slippage difference against tolerances.
 *
 * PnL difference (%) is |PnL_B − PnL_A| per currency as a percentage of run A's starting
 * balance in that currency (the basis NautilusTrader's own `PnL% (total)` uses), so a strategy
 * that ends near zero PnL is still judged on a stable scale; without a starting balance in the
 * currency, |PnL_A| is the basis. IS and slippage differences are |B − A| in bps of the run
 * figures (execution-metrics.ts). Every check must hold for `pass`.
 */
import { type ExecutionMetrics, executionMetrics } from './execution-metrics.js';
import { type RunResults, startingBalances, summaryMetric } from './run-results.js';

export interface Tolerances {
  /** Max PnL difference in percent of starting balance (default 0.05). */
  readonly pnlPct: number;
  /** Max implementation-shortfall difference in bps (default 0.5). */
  readonly isBps: number;
  /** Max slippage difference in bps (default 1.0). */
  readonly slippageBps: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { pnlPct: 0.05, isBps: 0.5, slippageBps: 1.0 };

export interface CompareCheck {
  readonly name: string;
  readonly value: number | null;
  readonly tolerance: number;
  readonly unit: '%' | 'bps';
  readonly pass: boolean;
  readonly detail: string;
}

export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly pnl: Array<{ currency: string; a: number | null; b: number | null; basis: number | null; diffPct: number | null }>;
  readonly execution: { readonly a: ExecutionMetrics; readonly b: ExecutionMetrics };
  readonly checks: CompareCheck[];
  readonly pass: boolean;
}

function currencies(results: RunResults): string[] {
  const pnls = results.summary['stats_pnls'];
  return pnls && typeof pnls === 'object' ? Object.keys(pnls as object) : [];
}

/** A difference check of two possibly-missing figures: both missing is equal, one missing fails. */
function diffCheck(name: string, unit: '%' | 'bps', a: number | null, b: number | null, tolerance: number, basis?: number | null): CompareCheck {
  if (a === null && b === null) return { name, value: null, tolerance, unit, pass: true, detail: 'neither run has a value' };
  if (a === null || b === null) return { name, value: null, tolerance, unit, pass: false, detail: `only run ${a === null ? 'B' : 'A'} has a value` };
  let value = Math.abs(b - a);
  if (basis !== undefined) {
    if (basis === null || basis === 0) return { name, value: a === b ? 0 : null, tolerance, unit, pass: a === b, detail: 'no basis to express the difference in percent' };
    value = (value / Math.abs(basis)) * 100;
  }
  return { name, value, tolerance, unit, pass: value <= tolerance, detail: `A ${a.toFixed(6)}, B ${b.toFixed(6)}` };
}

export function compareRuns(aId: string, a: RunResults, bId: string, b: RunResults, tolerances: Tolerances = DEFAULT_TOLERANCES): Comparison {
  const balances = startingBalances(a.summary);
  const pnl = [...new Set([...currencies(a), ...currencies(b)])].sort().map((currency) => {
    const pa = summaryMetric(a.summary, 'PnL (total)', currency);
    const pb = summaryMetric(b.summary, 'PnL (total)', currency);
    const basis = balances.get(currency) ?? (pa === null ? null : Math.abs(pa));
    const check = diffCheck(`PnL difference ${currency}`, '%', pa, pb, tolerances.pnlPct, basis);
    return { currency, a: pa, b: pb, basis, diffPct: check.value, check };
  });
  const ea = executionMetrics(a);
  const eb = executionMetrics(b);
  const checks = [
    ...pnl.map((p) => p.check),
    diffCheck('implementation shortfall difference', 'bps', ea.implementationShortfallBps, eb.implementationShortfallBps, tolerances.isBps),
    diffCheck('slippage difference', 'bps', ea.slippageBps, eb.slippageBps, tolerances.slippageBps),
  ];
  return {
    a: aId,
    b: bId,
    pnl: pnl.map(({ check: _check, ...rest }) => rest),
    execution: { a: ea, b: eb },
    checks,
    pass: checks.every((c) => c.pass),
  };
}
