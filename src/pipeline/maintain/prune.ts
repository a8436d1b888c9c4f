/**
 * `seamless maintain prune`: retention. Removes every row with `ts_init` before a cutoff:
 * files wholly before it go, a file straddling it is rewritten with only its rows at or
 * after the cutoff (staged, then swapped in; see upkeep.applyDeleteRange). Files are chosen
 * from their footers, so a file whose name understates its range cannot lose later rows.
 */
import { basename, dirname, relative } from 'node:path';
import type { Catalog } from '../../catalog/catalog.js';
import { formatFileName } from '../../catalog/file-names.js';
import { scanTsInit } from '../../catalog/stats.js';
import { type FooterInfo, type RangeDeletionPlan, applyDeleteRange, planDeleteRange } from '../../catalog/upkeep.js';
import type { MarketDataType } from '../../model/frames.js';
import type { Scope } from './scope.js';

export interface PrunedFile {
  readonly type: MarketDataType;
  readonly folder: string;
  readonly file: string;
  /** `remove`: every row is older than the cutoff; `split`: the file is rewritten from the cutoff on. */
  readonly action: 'remove' | 'split';
  readonly rowsRemoved: number;
  readonly rowsKept: number;
  /** The file written in its place (split only). */
  readonly output: string | null;
}

export interface PruneReport {
  readonly dryRun: boolean;
  readonly cutoff: bigint;
  readonly files: PrunedFile[];
  readonly filesRemoved: number;
  readonly filesWritten: number;
  readonly rowsRemoved: number;
  readonly rowsKept: number;
}

/** Prunes every row with `ts_init < cutoff` in scope; a dry run only reports what would go. */
export async function pruneScope(catalog: Catalog, scope: Scope, cutoff: bigint, dryRun: boolean): Promise<PruneReport> {
  const plans: Array<{ type: MarketDataType; plan: RangeDeletionPlan }> = [];
  for (const type of scope.types) plans.push({ type, plan: await planDeleteRange(catalog.layout, type, scope.identifier, 0n, cutoff) });
  const files: PrunedFile[] = [];
  for (const { type, plan } of plans) {
    for (const footer of [...plan.remove, ...plan.split]) {
      const action = plan.remove.includes(footer) ? 'remove' : 'split';
      const folder = relative(catalog.root, dirname(footer.file.path));
      if (dryRun) {
        const kept = action === 'remove' ? { rows: 0, first: undefined } : await keptRows(footer, type, cutoff);
        const output = kept.first === undefined ? null : formatFileName(kept.first, footer.range!.last);
        files.push({ type, folder, file: footer.file.name, action, rowsRemoved: footer.rows - kept.rows, rowsKept: kept.rows, output });
        continue;
      }
      const single: RangeDeletionPlan = { ...plan, remove: action === 'remove' ? [footer] : [], split: action === 'split' ? [footer] : [] };
      const result = await applyDeleteRange(single, type, catalog.width);
      const written = result.written[0];
      files.push({ type, folder, file: footer.file.name, action, rowsRemoved: footer.rows - result.rows, rowsKept: result.rows, output: written ? basename(written) : null });
    }
  }
  const sum = (pick: (f: PrunedFile) => number) => files.reduce((total, f) => total + pick(f), 0);
  return {
    dryRun,
    cutoff,
    files,
    filesRemoved: files.length,
    filesWritten: files.filter((f) => f.output !== null).length,
    rowsRemoved: sum((f) => f.rowsRemoved),
    rowsKept: sum((f) => f.rowsKept),
  };
}

/** Counts the rows of a file at or after the cutoff and finds the first of them. */
async function keptRows(footer: FooterInfo, type: MarketDataType, cutoff: bigint): Promise<{ rows: number; first: bigint | undefined }> {
  let rows = 0;
  let first: bigint | undefined;
  await scanTsInit(footer.file.path, type, (ts) => {
    for (const t of ts) {
      if (t < cutoff) continue;
      rows++;
      if (first === undefined || t < first) first = t;
    }
  });
  return { rows, first };
}
