/**
 * Bar rules, in the order they run. A bar is stamped at its close: it occupies
 * `[ts_init - stepNs, ts_init)`, so on-grid bars have `ts_init % stepNs === 0`.
 */
import { QUANTITY_RAW_MAX } from '../../model/fixed-point.js';
import { type Frame, tsInitOf } from '../../model/frames.js';
import { SeamlessError } from '../errors.js';
import type { Series } from '../series.js';
import { nonFiniteRule, orderRule } from './common-rules.js';
import type { ConformanceRule, RuleContext } from './engine.js';
import { compareRaw, constantView, rawView } from './raw-view.js';

function stepNsOf(series: Series): bigint {
  const step = series.stepNs;
  if (step === undefined || step <= 0n) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `bar series ${series.nodeId} has no bar interval (stepNs ${String(step)}); the grid and gap rules need one`, {
      nodeId: series.nodeId,
    });
  }
  return step;
}

const barOhlc: ConformanceRule = {
  id: 'bar_ohlc',
  defaultAction: 'warn',
  description: 'high below open, close or low; low above open or close; or volume outside the valid non-negative range',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const { keep, nonFinite } = ctx;
    const frame = ctx.frame as Frame<'bar'>;
    const open = rawView(frame.columns.open);
    const high = rawView(frame.columns.high);
    const low = rawView(frame.columns.low);
    const close = rawView(frame.columns.close);
    const volume = rawView(frame.columns.volume);
    // Volume is unsigned, so it cannot read as negative; a negative value written through
    // it wraps to the top of the range, above the largest raw Nautilus accepts.
    const volumeMax = constantView('quantity', frame.width, QUANTITY_RAW_MAX[frame.width]);
    let count = 0;
    for (let i = 0; i < frame.length; i++) {
      if (keep[i] === 0 || nonFinite[i] === 1) continue;
      if (
        compareRaw(high, i, open, i) < 0 ||
        compareRaw(high, i, close, i) < 0 ||
        compareRaw(high, i, low, i) < 0 ||
        compareRaw(low, i, open, i) > 0 ||
        compareRaw(low, i, close, i) > 0 ||
        compareRaw(volume, i, volumeMax, 0) > 0
      ) {
        flags[i] = 1;
        count++;
      }
    }
    return count;
  },
};

const barGrid: ConformanceRule = {
  id: 'bar_grid',
  defaultAction: 'warn',
  description: 'ts_init (the bar close) is not a multiple of the bar interval',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const step = stepNsOf(ctx.series);
    const { keep } = ctx;
    const ts = tsInitOf(ctx.frame);
    let count = 0;
    for (let i = 0; i < ts.length; i++) {
      if (keep[i] === 1 && ts[i]! % step !== 0n) {
        flags[i] = 1;
        count++;
      }
    }
    return count;
  },
};

const barOrder = orderRule('bar_order', 'ts_init goes backwards (below an earlier bar); equal times are bar_duplicate');

/** Flags every row of a run of equal `ts_init` but the last, so `drop` keeps the last write. */
const barDuplicate: ConformanceRule = {
  id: 'bar_duplicate',
  defaultAction: 'drop',
  description: 'ts_init equals the previous bar; drop keeps the last bar of each run (last write wins)',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const { keep } = ctx;
    const ts = tsInitOf(ctx.frame);
    let count = 0;
    let previous = -1;
    for (let i = 0; i < ts.length; i++) {
      if (keep[i] === 0) continue;
      if (previous >= 0 && ts[i] === ts[previous]) {
        flags[previous] = 1;
        count++;
      }
      previous = i;
    }
    return count;
  },
};

/**
 * Counts bars missing between consecutive kept rows: for a delta above one interval,
 * `ceil(delta / step) - 1`, i.e. `delta / step - 1` on the grid and `floor(delta / step)`
 * off it. Flags the row after each gap. Removing rows cannot close a gap, so `drop` acts
 * as `warn` (the rule is not droppable).
 */
const barGap: ConformanceRule = {
  id: 'bar_gap',
  defaultAction: 'warn',
  description: 'bars are missing between consecutive bars (count = missing bars); drop acts as warn',
  droppable: false,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const step = stepNsOf(ctx.series);
    const { keep } = ctx;
    const ts = tsInitOf(ctx.frame);
    let missing = 0;
    let previous = -1n;
    for (let i = 0; i < ts.length; i++) {
      if (keep[i] === 0) continue;
      const t = ts[i]!;
      if (previous >= 0n && t - previous > step) {
        missing += Number((t - previous - 1n) / step);
        flags[i] = 1;
      }
      previous = t;
    }
    return missing;
  },
};

export const BAR_RULES: readonly ConformanceRule[] = [
  nonFiniteRule('bar_non_finite', 'bar'),
  barOhlc,
  barGrid,
  barOrder,
  barDuplicate,
  barGap,
];
