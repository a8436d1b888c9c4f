/**
 * `seamless maintain verify-names` / `repair-names`: file names against footer statistics.
 *
 * NautilusTrader computes intervals, gaps and which files a query opens from file names
 * alone, so a name that does not cover its rows hides data from queries and makes
 * `get_missing_intervals_for_request` lie. The footer's `ts_init` statistics are the truth.
 *
 * | status     | meaning                                                        | repaired |
 * |------------|----------------------------------------------------------------|----------|
 * | `exact`    | name is the min/max `ts_init`                                  | no       |
 * | `covers`   | name is wider than the rows (a declared covered range; legal)  | `--exact`|
 * | `mismatch` | name misses some rows                                          | yes      |
 * | `legacy`   | name has no interval (`part-0.parquet`): invisible to intervals| yes      |
 * | `empty`    | file has no rows: nothing to compare                           | no       |
 *
 * Renames never replace a file (link, then unlink the old name). A rename whose target is
 * taken by a file that is itself being renamed waits for it; two files with the same range,
 * or a target held by a file staying put, are reported as conflicts for `consolidate`.
 */
import { link, readdir, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Catalog } from '../../catalog/catalog.js';
import { formatFileName, parseFileName } from '../../catalog/file-names.js';
import { type Interval, findOverlaps } from '../../catalog/intervals.js';
import { type FooterInfo, readFooters } from '../../catalog/upkeep.js';
import { sameFile, syncFolder } from '../../catalog/writer.js';
import type { MarketDataType } from '../../model/frames.js';
import type { Scope } from './scope.js';

export type NameStatus = 'exact' | 'covers' | 'mismatch' | 'legacy' | 'empty';

export interface NameCheck {
  readonly type: MarketDataType;
  readonly folder: string;
  readonly file: string;
  readonly path: string;
  readonly status: NameStatus;
  /** The name the footer's ts_init range gives; null for an empty file. */
  readonly expected: string | null;
  readonly range: Interval | null;
}

/** Compares every file name in scope with its footer. */
export async function checkNames(catalog: Catalog, scope: Scope): Promise<NameCheck[]> {
  const checks: NameCheck[] = [];
  for (const type of scope.types) {
    const footers = await readFooters(await catalog.layout.filesFor(type, scope.identifier), type);
    for (const footer of footers) checks.push(checkName(catalog.root, type, footer));
  }
  return checks;
}

function checkName(root: string, type: MarketDataType, { file, range }: FooterInfo): NameCheck {
  const base = { type, folder: relative(root, dirname(file.path)), file: file.name, path: file.path, range: range ?? null };
  if (!range) return { ...base, status: 'empty', expected: null };
  const expected = formatFileName(range.first, range.last);
  const named = file.interval;
  const status: NameStatus = !named ? 'legacy' : file.name === expected ? 'exact' : named.first <= range.first && named.last >= range.last ? 'covers' : 'mismatch';
  return { ...base, status, expected };
}

/** Returns true for the statuses a run must report as a problem (`covers` only with `exact`). */
export function isNameIssue(status: NameStatus, exact: boolean): boolean {
  return status === 'mismatch' || status === 'legacy' || (exact && status === 'covers');
}

export interface Rename {
  readonly type: MarketDataType;
  readonly folder: string;
  readonly from: string;
  readonly to: string;
  /** `renamed` (or `planned` in a dry run), else `conflict` with the reason. */
  readonly outcome: 'renamed' | 'planned' | 'conflict';
  readonly reason: string | null;
}

export interface RepairReport {
  readonly dryRun: boolean;
  readonly checked: number;
  readonly renames: Rename[];
  /** Name pairs that overlap once the renames are done (their rows overlap: consolidate them). */
  readonly overlaps: Array<{ readonly folder: string; readonly a: string; readonly b: string }>;
}

/** Renames files whose names disagree with their footers; `exact` also narrows wider names. */
export async function repairNames(catalog: Catalog, scope: Scope, options: { exact: boolean; dryRun: boolean }): Promise<RepairReport> {
  const checks = await checkNames(catalog, scope);
  const renames: Rename[] = [];
  const byFolder = new Map<string, NameCheck[]>();
  for (const check of checks) byFolder.set(dirname(check.path), [...(byFolder.get(dirname(check.path)) ?? []), check]);
  const overlaps: RepairReport['overlaps'] = [];
  for (const [dir, folderChecks] of byFolder) {
    const wanted = folderChecks.filter((c) => isNameIssue(c.status, options.exact));
    renames.push(...(await repairFolder(dir, wanted, options.dryRun)));
    overlaps.push(...overlapsAfter(folderChecks, renames));
  }
  return { dryRun: options.dryRun, checked: checks.length, renames, overlaps };
}

async function repairFolder(dir: string, wanted: readonly NameCheck[], dryRun: boolean): Promise<Rename[]> {
  const out: Rename[] = [];
  const present = new Set((await readdir(dir)).filter((n) => !n.startsWith('.')));
  const conflict = (c: NameCheck, reason: string) => out.push({ type: c.type, folder: c.folder, from: c.file, to: c.expected!, outcome: 'conflict', reason });
  // Two files with the same range cannot both take the name: neither is renamed.
  const targets = new Map<string, NameCheck[]>();
  for (const c of wanted) targets.set(c.expected!, [...(targets.get(c.expected!) ?? []), c]);
  let pending: NameCheck[] = [];
  for (const [target, sources] of targets) {
    if (sources.length > 1) sources.forEach((c) => conflict(c, `${sources.length} files have the rows of ${target}; run \`seamless maintain consolidate\` to merge them`));
    else pending.push(sources[0]!);
  }
  // Each pass renames every file whose target is free; a target held by a file still to be
  // renamed frees up in a later pass. No progress means the rest is blocked for good.
  for (let progress = true; pending.length > 0 && progress; ) {
    progress = false;
    const blocked: NameCheck[] = [];
    for (const c of pending) {
      const to = c.expected!;
      const interrupted = present.has(to) && !dryRun && (await sameFile(c.path, join(dir, to)));
      if (present.has(to) && !interrupted) {
        blocked.push(c);
        continue;
      }
      if (!dryRun) await renameNoReplace(c.path, join(dir, to), interrupted);
      present.delete(c.file);
      present.add(to);
      out.push({ type: c.type, folder: c.folder, from: c.file, to, outcome: dryRun ? 'planned' : 'renamed', reason: null });
      progress = true;
    }
    pending = blocked;
  }
  for (const c of pending) {
    const holder = wanted.some((w) => w.file === c.expected) ? 'a file that cannot be renamed first' : 'a file whose name is right';
    conflict(c, `${c.expected} is taken by ${holder}; their rows overlap — run \`seamless maintain consolidate\``);
  }
  if (!dryRun && out.some((r) => r.outcome === 'renamed')) await syncFolder(dir);
  return out;
}

/** Gives `from` the name `to` without ever replacing a file; a crash leaves two names for one inode, which a re-run finishes. */
async function renameNoReplace(from: string, to: string, alreadyLinked: boolean): Promise<void> {
  if (!alreadyLinked) await link(from, to);
  await unlink(from);
}

/** Overlapping name intervals in a folder once the renames of `renames` are applied. */
function overlapsAfter(checks: readonly NameCheck[], renames: readonly Rename[]): RepairReport['overlaps'] {
  const named: Array<{ name: string; interval: Interval }> = [];
  for (const c of checks) {
    const done = renames.find((r) => r.folder === c.folder && r.from === c.file && r.outcome !== 'conflict');
    const name = done ? done.to : c.file;
    const interval = parseFileName(name);
    if (interval) named.push({ name, interval });
  }
  return findOverlaps(named.map((n) => n.interval)).map(([a, b]) => ({
    folder: checks[0]!.folder,
    a: named.find((n) => n.interval === a)!.name,
    b: named.find((n) => n.interval === b)!.name,
  }));
}
