/**
 * `seamless maintain consolidate`: exactly one file per period with rows, for every folder
 * in scope. Planning and rewriting are upkeep.ts' (planConsolidation / applyConsolidation);
 * this module adds the dry run — the exact files each period would become, found by
 * scanning only the `ts_init` column — and one report shape for dry and real runs.
 */
import { relative } from 'node:path';
import type { Catalog } from '../../catalog/catalog.js';
import { formatFileName } from '../../catalog/file-names.js';
import { type Interval, periodBounds } from '../../catalog/intervals.js';
import { scanTsInit } from '../../catalog/stats.js';
import { type ConsolidateOptions, type ConsolidationGroup, applyConsolidation, planConsolidation } from '../../catalog/upkeep.js';
import type { MarketDataType } from '../../model/frames.js';
import type { Scope } from './scope.js';

export interface PeriodOutput {
  readonly type: MarketDataType;
  /** The identifier folder, relative to the catalog root (`data/quote_tick/EURUSD.SIM`). */
  readonly folder: string;
  readonly period: Interval;
  /** Names of the input files with rows in this period. */
  readonly inputs: string[];
  /** The file the period becomes. */
  readonly output: string;
  readonly rows: number;
}

export interface ConsolidationReport {
  readonly dryRun: boolean;
  readonly period: bigint;
  readonly outputs: PeriodOutput[];
  /** Files removed (or, in a dry run, that would be). */
  readonly filesRemoved: number;
  readonly filesWritten: number;
  /** Rows written (rows of settled files are not rewritten). */
  readonly rowsWritten: number;
  /** Files already alone in their period and correctly named. */
  readonly filesSettled: number;
}

/** Plans, and unless `dryRun`, carries out the consolidation of every type in scope. */
export async function consolidateScope(catalog: Catalog, scope: Scope, options: ConsolidateOptions, dryRun: boolean): Promise<ConsolidationReport> {
  const outputs: PeriodOutput[] = [];
  let filesRemoved = 0;
  let filesSettled = 0;
  let period = options.period ?? 0n;
  // Plan every type first, so a refusal (mixed widths or metadata) changes nothing at all.
  const plans = [];
  for (const type of scope.types) {
    const plan = await planConsolidation(catalog.layout, type, scope.identifier, catalog.width, options);
    plans.push({ type, plan });
    period = plan.period;
  }
  for (const { type, plan } of plans) {
    filesSettled += plan.settled.length;
    for (const group of plan.groups) {
      const folder = relative(catalog.root, group.dir);
      filesRemoved += group.inputs.length;
      if (dryRun) {
        for (const out of await predictOutputs(group, type, plan.period, options.fillPeriods ?? false)) outputs.push({ type, folder, ...out });
        continue;
      }
      const result = await applyConsolidation({ ...plan, groups: [group], settled: [] }, type, catalog.width, options);
      for (const written of result.outputs) {
        const bounds = periodBounds(written.interval.first, plan.period);
        outputs.push({ type, folder, period: bounds, inputs: inputsOf(group, bounds), output: relative(group.dir, written.path), rows: written.rows });
      }
    }
  }
  return { dryRun, period, outputs, filesRemoved, filesWritten: outputs.length, rowsWritten: outputs.reduce((sum, o) => sum + o.rows, 0), filesSettled };
}

/** Names of the group's files whose `ts_init` range touches `period`. */
function inputsOf(group: ConsolidationGroup, period: Interval): string[] {
  return group.inputs.filter((f) => f.range && f.range.first <= period.last && f.range.last >= period.first).map((f) => f.file.name);
}

/**
 * Returns the files a group would become: one per period holding rows, named as
 * applyConsolidation will name it, with its row count (before de-duplication).
 */
async function predictOutputs(group: ConsolidationGroup, type: MarketDataType, period: bigint, fillPeriods: boolean): Promise<Array<Omit<PeriodOutput, 'type' | 'folder'>>> {
  const tally = new Map<bigint, { rows: number; first: bigint; last: bigint }>();
  for (const input of group.inputs) {
    await scanTsInit(input.file.path, type, (ts) => {
      for (const t of ts) {
        const key = t / period;
        const entry = tally.get(key);
        if (!entry) tally.set(key, { rows: 1, first: t, last: t });
        else {
          entry.rows++;
          if (t < entry.first) entry.first = t;
          if (t > entry.last) entry.last = t;
        }
      }
    });
  }
  return [...tally.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([key, { rows, first, last }]) => {
      const bounds = periodBounds(key * period, period);
      return { period: bounds, inputs: inputsOf(group, bounds), output: fillPeriods ? formatFileName(bounds.first, bounds.last) : formatFileName(first, last), rows };
    });
}
