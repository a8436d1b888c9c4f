/**
 * Execution quality of a run, computed from its stored fills, orders and arrival prices (the
 * definitions docs/nodes.md states):
 *
 * | metric                    | per fill (bps)                                  | reference price                     |
 * |---------------------------|-------------------------------------------------|-------------------------------------|
 * | implementation shortfall  | side × (fill_px − arrival) / arrival × 10 000   | arrival: market mid at order init (else last trade, else latest bar close) |
 * | slippage                  | side × (fill_px − ref) / ref × 10 000           | the order's limit price, else its trigger price, else the arrival price |
 *
 * side is +1 for BUY and −1 for SELL, so a positive number is a cost. Each run's figure is the
 * average over its fills weighted by fill notional at the reference (last_qty × reference).
 * Prices arrive as decimal strings; the bps arithmetic is float64 (analytics, not accounting).
 */
import type { RunResults } from './run-results.js';

export interface ExecutionMetrics {
  readonly fills: number;
  /** Fills whose order had an arrival price (the IS denominator). */
  readonly fillsWithArrival: number;
  /** Volume-weighted implementation shortfall in bps, null without any usable fill. */
  readonly implementationShortfallBps: number | null;
  /** Volume-weighted slippage in bps, null without any usable fill. */
  readonly slippageBps: number | null;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value.trim().split(/\s+/)[0]); // "2.1 USDT" style money strings keep their number
  return Number.isFinite(parsed) ? parsed : undefined;
}

function sideSign(side: unknown): 1 | -1 | undefined {
  if (side === 'BUY') return 1;
  if (side === 'SELL') return -1;
  return undefined;
}

class WeightedMean {
  private sum = 0;
  private weight = 0;
  add(value: number, weight: number): void {
    this.sum += value * weight;
    this.weight += weight;
  }
  get value(): number | null {
    return this.weight > 0 ? this.sum / this.weight : null;
  }
}

export function executionMetrics(results: RunResults): ExecutionMetrics {
  const arrivals = new Map(results.arrivals.map((a) => [a.client_order_id, num(a.arrival_px)]));
  const orders = new Map(results.orders.map((o) => [String(o['client_order_id']), o]));
  const shortfall = new WeightedMean();
  const slippage = new WeightedMean();
  let withArrival = 0;
  for (const fill of results.fills) {
    const id = String(fill['client_order_id']);
    const sign = sideSign(fill['order_side']);
    const px = num(fill['last_px']);
    const qty = num(fill['last_qty']);
    if (sign === undefined || px === undefined || qty === undefined || qty <= 0) continue;
    const arrival = arrivals.get(id);
    if (arrival !== undefined && arrival > 0) {
      withArrival++;
      shortfall.add((sign * (px - arrival) / arrival) * 10_000, qty * arrival);
    }
    const order = orders.get(id);
    const reference = num(order?.['price']) ?? num(order?.['trigger_price']) ?? arrival;
    if (reference !== undefined && reference > 0) slippage.add((sign * (px - reference) / reference) * 10_000, qty * reference);
  }
  return { fills: results.fills.length, fillsWithArrival: withArrival, implementationShortfallBps: shortfall.value, slippageBps: slippage.value };
}
