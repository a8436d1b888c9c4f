/**
 * The results file a runner writes (python/seamless_runner.py), read back with just enough
 * schema to compute on: NautilusTrader's report rows stay as they are (their columns vary by
 * order type), the fields we compute with are checked.
 */
import * as z from 'zod';

const row = z.record(z.string(), z.unknown());

export const runResultsSchema = z.object({
  summary: z.record(z.string(), z.unknown()),
  orders: z.array(row),
  fills: z.array(row),
  positions: z.array(row),
  accounts: z.record(z.string(), z.array(row)),
  equity: z.array(z.object({ ts: z.string(), account_id: z.string(), currency: z.string(), balance: z.number(), unrealized_pnl: z.number(), equity: z.number() })),
  arrivals: z.array(
    z.object({ client_order_id: z.string(), instrument_id: z.string(), side: z.string(), ts_init: z.string(), arrival_px: z.string().nullable(), arrival_source: z.string().nullable() }),
  ),
});

export type RunResults = z.infer<typeof runResultsSchema>;

/** A summary statistic by name: `PnL (total)` etc. of the first (or given) currency, then the return statistics, then top-level counts. */
export function summaryMetric(summary: Record<string, unknown>, name: string, currency?: string): number | null {
  const pnls = summary['stats_pnls'];
  if (pnls && typeof pnls === 'object') {
    const byCurrency = pnls as Record<string, Record<string, unknown>>;
    const key = currency ?? Object.keys(byCurrency).sort()[0];
    const value = key === undefined ? undefined : byCurrency[key]?.[name];
    if (typeof value === 'number') return value;
  }
  const returns = summary['stats_returns'];
  if (returns && typeof returns === 'object') {
    const value = (returns as Record<string, unknown>)[name];
    if (typeof value === 'number') return value;
  }
  const top = summary[name];
  return typeof top === 'number' ? top : null;
}

/** Starting balance per currency code, from the venues' `starting_balances` ("100000 USDT"). */
export function startingBalances(summary: Record<string, unknown>): Map<string, number> {
  const out = new Map<string, number>();
  const venues = summary['starting_balances'];
  if (!venues || typeof venues !== 'object') return out;
  for (const list of Object.values(venues as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const text of list) {
      const match = typeof text === 'string' ? /^\s*(-?[\d.]+)\s+([A-Z0-9]+)\s*$/.exec(text) : null;
      if (match) out.set(match[2]!, (out.get(match[2]!) ?? 0) + Number(match[1]));
    }
  }
  return out;
}
