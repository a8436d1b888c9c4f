/**
 * The rule engine shared by every data type: runs rules in order over one keep-mask,
 * applies each rule's action, collects counts and samples, and builds the output in one
 * pass. Rules see only rows still kept, so a later rule never reports a row an earlier
 * rule dropped, and a rule's findings never depend on its own action.
 */
import { type FixedColumn, allocFrame, copyRows, fieldsOf } from '../../model/frames.js';
import { type FrameRowRecord, frameRowRecord } from '../../model/frame-rows.js';
import type { RuleAction } from '../provider-config.js';
import type { Series, SeriesFrame } from '../series.js';
import { isSentinelAt, rawView } from './raw-view.js';

export interface RuleContext {
  readonly series: Series;
  readonly frame: SeriesFrame;
  /** 1 while a row is kept; rules look only at kept rows. */
  readonly keep: Uint8Array;
  /** 1 where any price or size raw is a sentinel; value rules skip these rows. */
  readonly nonFinite: Uint8Array;
  readonly maxSpreadRatio: number;
}

export interface ConformanceRuleInfo {
  /** Stable id used as the config key. */
  readonly id: string;
  readonly defaultAction: RuleAction;
  readonly description: string;
}

export interface ConformanceRule extends ConformanceRuleInfo {
  /** False where removing rows cannot fix the violation (gaps): `drop` then acts as `warn`. */
  readonly droppable: boolean;
  /** Sets `flags[i] = 1` on offending kept rows and returns the violation count. */
  check(ctx: RuleContext, flags: Uint8Array): number;
}

export interface RuleOutcome {
  readonly action: RuleAction;
  /** Offending rows; for `bar_gap` the number of missing bars. */
  readonly count: number;
  readonly dropped: number;
  /** The first offending rows, in row order. */
  readonly samples: FrameRowRecord[];
}

export interface ConformanceReport {
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** Only rules that fired. */
  readonly rules: Record<string, RuleOutcome>;
  /** True when a rule configured as `block` fired; the caller throws. */
  readonly blocked: boolean;
}

export const EMPTY_REPORT: ConformanceReport = Object.freeze({ rowsIn: 0, rowsOut: 0, rules: Object.freeze({}), blocked: false });

/** Marks rows where any price or quantity column holds a sentinel raw. */
export function nonFiniteMask(frame: SeriesFrame): Uint8Array {
  const mask = new Uint8Array(frame.length);
  const columns = frame.columns as unknown as Record<string, unknown>;
  for (const [name, kind] of fieldsOf(frame.type)) {
    if (kind !== 'price' && kind !== 'quantity') continue;
    const view = rawView(columns[name] as FixedColumn);
    const { words, stride, signed } = view;
    // Every sentinel has a top word of 0x7FFFFFFF/0x80000000 (prices) or 0xFFFFFFFF
    // (sizes); only rows passing that cheap test get the full check.
    for (let i = 0, top = stride - 1; i < frame.length; i++, top += stride) {
      const w = words[top]!;
      if ((signed ? w === 0x7fffffff || w === 0x80000000 : w === 0xffffffff) && isSentinelAt(view, i)) mask[i] = 1;
    }
  }
  return mask;
}

/**
 * A row for a report. Bar frames without `meta.barType` borrow the series identifier, and
 * a row `frameRowRecord` cannot render (an unknown enum value) falls back to its index
 * and `ts_init`, because reporting bad data must not throw.
 */
function sampleRecord(ctx: RuleContext, i: number): FrameRowRecord {
  const { frame, series } = ctx;
  const shown = frame.type === 'bar' && frame.meta.barType === undefined ? { ...frame, meta: { ...frame.meta, barType: series.identifier } } : frame;
  try {
    return frameRowRecord(shown, i);
  } catch (error) {
    const ts = (frame.columns as unknown as { ts_init: BigUint64Array }).ts_init[i]!;
    return { type: frame.type, row: i, ts_init: ts.toString(), error: error instanceof Error ? error.message : String(error) };
  }
}

/** Returns the kept rows as a new frame, copying runs of kept rows with `copyRows`. */
function keptRows(frame: SeriesFrame, keep: Uint8Array, kept: number): SeriesFrame {
  const out = allocFrame(frame.type, frame.width, kept, frame.meta);
  let at = 0;
  let i = 0;
  while (i < frame.length) {
    if (keep[i] === 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < frame.length && keep[i] === 1) i++;
    copyRows(frame, start, i, out, at);
    at += i - start;
  }
  return out;
}

/**
 * Runs `rules` with their resolved `actions` over `ctx.keep` (all 1 on entry). Returns
 * the input frame itself when nothing was dropped, undefined when every row was.
 */
export function runRules(
  ctx: RuleContext,
  rules: readonly ConformanceRule[],
  actions: Readonly<Record<string, RuleAction>>,
  sampleLimit: number,
): { frame: SeriesFrame | undefined; report: ConformanceReport } {
  const { frame, keep } = ctx;
  const n = frame.length;
  const flags = new Uint8Array(n);
  const outcomes: Record<string, RuleOutcome> = {};
  let blocked = false;
  let droppedTotal = 0;
  for (const rule of rules) {
    const action = actions[rule.id] ?? rule.defaultAction;
    if (action === 'off') continue;
    const count = rule.check(ctx, flags);
    if (count === 0) continue;
    const drop = action === 'drop' && rule.droppable;
    const samples: FrameRowRecord[] = [];
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      if (flags[i] === 0) continue;
      flags[i] = 0;
      if (samples.length < sampleLimit) samples.push(sampleRecord(ctx, i));
      if (drop) {
        keep[i] = 0;
        dropped++;
      }
    }
    droppedTotal += dropped;
    if (action === 'block') blocked = true;
    outcomes[rule.id] = { action, count, dropped, samples };
  }
  const rowsOut = n - droppedTotal;
  const out = droppedTotal === 0 ? frame : rowsOut === 0 ? undefined : keptRows(frame, keep, rowsOut);
  return { frame: out, report: { rowsIn: n, rowsOut, rules: outcomes, blocked } };
}
