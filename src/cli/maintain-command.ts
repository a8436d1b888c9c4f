/**
 * `seamless maintain <verb>`: the operator's catalog upkeep. Parses flags, calls
 * src/pipeline/maintain, prints a table (or JSON with --json). Exit codes: 0 done and
 * healthy, 1 an alert fired / a name is wrong / a conflict was left, 2 usage.
 */
import { Catalog } from '../catalog/catalog.js';
import { recoverCatalog } from '../catalog/recover.js';
import { nsToRfc3339 } from '../catalog/file-names.js';
import { dateToNs } from '../model/time.js';
import { consolidateScope } from '../pipeline/maintain/consolidation.js';
import { MAINTAIN_DURATION, formatDuration } from '../pipeline/maintain/durations.js';
import { checkNames, isNameIssue, repairNames } from '../pipeline/maintain/names.js';
import { pruneScope } from '../pipeline/maintain/prune.js';
import { resolveScope } from '../pipeline/maintain/scope.js';
import { type StatsGrouping, statsReport } from '../pipeline/maintain/stats-report.js';
import { type Thresholds, ThresholdsError, loadThresholds, withFlags } from '../pipeline/maintain/thresholds.js';
import { UsageError, catalogPath, choiceFlag, durationFlag, intFlag, numberFlag, parseVerbArgs, timeFlag } from './args.js';
import { type Output, printTable } from './output.js';

export const MAINTAIN_USAGE = `seamless maintain <verb> [--catalog PATH] [--json]

  stats [--by type|identifier|day] [--thresholds FILE.yaml|json] [--alert-max-files-per-day N]
        [--alert-min-file-bytes N] [--alert-max-file-bytes N] [--alert-missing-days] [--alert-rows-drop PCT]
                                     size and rows; exit 1 when an alert fires
  consolidate [<type> [<id>]] [--period 1d|6h|1w...] [--fill-periods] [--dedup] [--compression snappy|zstd] [--dry-run]
                                     exactly one file per period with rows
  prune (--older-than 90d | --before T) [<type> [<id>]] [--dry-run]
                                     drop rows with ts_init before the cutoff (files straddling it are split)
  verify-names [<type> [<id>]] [--exact]   names vs footer ts_init ranges; exit 1 on a mismatch
  repair-names [<type> [<id>]] [--exact] [--dry-run]   rename files to their footer ranges
  recover                            finish maintenance interrupted by a crash

Without <type>, every market data type of the catalog. Every change is staged and swapped in
(crash: run \`seamless maintain recover\`, which every mutating verb also does first).`;

export async function runMaintain(argv: string[], out: Output): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'stats':
      return stats(rest, out);
    case 'consolidate':
      return consolidate(rest, out);
    case 'prune':
      return prune(rest, out);
    case 'verify-names':
      return verifyNames(rest, out);
    case 'repair-names':
      return repairNamesVerb(rest, out);
    case 'recover':
      return recover(rest, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out.write(`${MAINTAIN_USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown maintain verb "${verb}"`);
  }
}

const json = (value: unknown) => `${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
const time = (ns: bigint) => nsToRfc3339(ns);

function scopeArgs(positionals: string[]): { type: string | undefined; id: string | undefined } {
  if (positionals.length > 2) throw new UsageError(`expected at most <type> <id>, was ${positionals.length} arguments: ${positionals.join(' ')}`);
  return { type: positionals[0], id: positionals[1] };
}

/** Opens the catalog and, for mutating runs, finishes interrupted swaps first. */
async function open(flag: string | undefined, out: Output, mutate: boolean, quiet: boolean): Promise<Catalog> {
  const catalog = await Catalog.open(catalogPath(flag));
  if (mutate) {
    const recovered = await recoverCatalog(catalog.layout);
    if (recovered.length > 0 && !quiet) out.write(`finished ${recovered.length} interrupted swap(s) first\n`);
  }
  return catalog;
}

async function stats(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, {
    json: { type: 'boolean' },
    by: { type: 'string' },
    thresholds: { type: 'string' },
    'alert-max-files-per-day': { type: 'string' },
    'alert-min-file-bytes': { type: 'string' },
    'alert-max-file-bytes': { type: 'string' },
    'alert-missing-days': { type: 'boolean' },
    'alert-rows-drop': { type: 'string' },
  }, MAINTAIN_USAGE);
  const by: StatsGrouping = choiceFlag('by', values.by, ['type', 'identifier', 'day'] as const) ?? 'day';
  const rowsDrop = numberFlag('alert-rows-drop', values['alert-rows-drop'], { above: 0, max: 100, expected: 'a percentage in (0, 100]' });
  const flags = {
    'max-files-per-day': intFlag('alert-max-files-per-day', values['alert-max-files-per-day'], { min: 1 }),
    'min-file-bytes': intFlag('alert-min-file-bytes', values['alert-min-file-bytes']),
    'max-file-bytes': intFlag('alert-max-file-bytes', values['alert-max-file-bytes'], { min: 1 }),
    'missing-days': values['alert-missing-days'],
    'rows-drop': rowsDrop,
  };
  let base: Thresholds | undefined;
  try {
    base = values.thresholds === undefined ? undefined : await loadThresholds(values.thresholds);
  } catch (error) {
    if (error instanceof ThresholdsError) throw new UsageError(error.message);
    throw error;
  }
  const catalog = await open(values.catalog, out, false, true);
  const report = await statsReport(catalog.layout, by, withFlags(base, flags));
  if (values.json) out.write(json(report));
  else {
    printTable(
      out,
      ['type', ...(by === 'type' ? [] : ['identifier']), by === 'day' ? 'day' : 'days', 'files', 'rows', 'bytes'],
      report.rows.map((r) => [r.type, ...(by === 'type' ? [] : [r.identifier]), by === 'day' ? r.day : `${r.days} (${r.day})`, String(r.files), String(r.rows), String(r.bytes)]),
    );
    if (report.alerts.length > 0) {
      out.write(`\n${report.alerts.length} alert(s):\n`);
      printTable(out, ['alert', 'type', 'identifier', 'message'], report.alerts.map((a) => [a.kind, a.type, a.identifier, a.message]));
    }
  }
  return report.alerts.length > 0 ? 1 : 0;
}

async function consolidate(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    json: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    period: { type: 'string' },
    'fill-periods': { type: 'boolean' },
    dedup: { type: 'boolean' },
    compression: { type: 'string' },
  }, MAINTAIN_USAGE);
  const { type, id } = scopeArgs(positionals);
  const period = flagDuration('period', values.period ?? '1d');
  const compression = choiceFlag('compression', values.compression, ['snappy', 'zstd'] as const) ?? 'snappy';
  const dryRun = values['dry-run'] ?? false;
  const catalog = await open(values.catalog, out, !dryRun, values.json ?? false);
  const scope = await resolveScope(catalog.layout, type, id);
  const report = await consolidateScope(catalog, scope, { period, fillPeriods: values['fill-periods'] ?? false, deduplicate: values.dedup ?? false, compression }, dryRun);
  if (values.json) {
    out.write(json(report));
    return 0;
  }
  const verb = dryRun ? 'would consolidate' : 'consolidated';
  out.write(`${verb} ${report.filesRemoved} file(s) into ${report.filesWritten} (${report.rowsWritten} rows, period ${formatDuration(period)}); ${report.filesSettled} file(s) already one per period\n`);
  if (report.outputs.length > 0) {
    printTable(out, ['type', 'folder', 'period', 'files in', 'file out', 'rows'], report.outputs.map((o) => [o.type, o.folder, time(o.period.first), String(o.inputs.length), o.output, String(o.rows)]));
  }
  return 0;
}

async function prune(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'older-than': { type: 'string' }, before: { type: 'string' } }, MAINTAIN_USAGE);
  const { type, id } = scopeArgs(positionals);
  if ((values['older-than'] === undefined) === (values.before === undefined)) throw new UsageError('prune needs exactly one of --older-than 90d or --before T');
  let cutoff: bigint;
  if (values.before !== undefined) cutoff = timeFlag('before', values.before)!;
  else {
    const age = flagDuration('older-than', values['older-than']!);
    const now = dateToNs(new Date());
    cutoff = now > age ? now - age : 0n;
  }
  const dryRun = values['dry-run'] ?? false;
  const catalog = await open(values.catalog, out, !dryRun, values.json ?? false);
  const scope = await resolveScope(catalog.layout, type, id);
  const report = await pruneScope(catalog, scope, cutoff, dryRun);
  if (values.json) {
    out.write(json(report));
    return 0;
  }
  const verb = dryRun ? 'would prune' : 'pruned';
  out.write(`${verb} rows before ${time(cutoff)}: ${report.rowsRemoved} rows removed, ${report.rowsKept} kept in ${report.filesWritten} rewritten file(s); ${report.filesRemoved} file(s) removed\n`);
  if (report.files.length > 0) {
    printTable(out, ['type', 'folder', 'file', 'action', 'rows removed', 'rows kept', 'file out'], report.files.map((f) => [f.type, f.folder, f.file, f.action, String(f.rowsRemoved), String(f.rowsKept), f.output ?? '']));
  }
  return 0;
}

async function verifyNames(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { json: { type: 'boolean' }, exact: { type: 'boolean' } }, MAINTAIN_USAGE);
  const { type, id } = scopeArgs(positionals);
  const exact = values.exact ?? false;
  const catalog = await open(values.catalog, out, false, true);
  const checks = await checkNames(catalog, await resolveScope(catalog.layout, type, id));
  const issues = checks.filter((c) => isNameIssue(c.status, exact));
  if (values.json) out.write(json({ checked: checks.length, issues: issues.length, files: checks.map(({ path: _path, ...c }) => c) }));
  else {
    out.write(`checked ${checks.length} file name(s) against their footers: ${issues.length} to repair\n`);
    if (issues.length > 0) printTable(out, ['type', 'folder', 'file', 'status', 'footer says'], issues.map((c) => [c.type, c.folder, c.file, c.status, c.expected ?? '']));
  }
  return issues.length > 0 ? 1 : 0;
}

async function repairNamesVerb(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { json: { type: 'boolean' }, exact: { type: 'boolean' }, 'dry-run': { type: 'boolean' } }, MAINTAIN_USAGE);
  const { type, id } = scopeArgs(positionals);
  const dryRun = values['dry-run'] ?? false;
  const catalog = await open(values.catalog, out, !dryRun, values.json ?? false);
  const report = await repairNames(catalog, await resolveScope(catalog.layout, type, id), { exact: values.exact ?? false, dryRun });
  const conflicts = report.renames.filter((r) => r.outcome === 'conflict');
  if (values.json) out.write(json(report));
  else {
    const done = report.renames.length - conflicts.length;
    out.write(`${dryRun ? 'would rename' : 'renamed'} ${done} of ${report.checked} file(s); ${conflicts.length} conflict(s)\n`);
    if (report.renames.length > 0) printTable(out, ['type', 'folder', 'from', 'to', 'outcome'], report.renames.map((r) => [r.type, r.folder, r.from, r.to, r.reason ? `${r.outcome}: ${r.reason}` : r.outcome]));
    for (const o of report.overlaps) out.write(`warning: ${o.folder}: ${o.a} overlaps ${o.b}; run \`seamless maintain consolidate\`\n`);
  }
  return conflicts.length > 0 ? 1 : 0;
}

async function recover(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { json: { type: 'boolean' } }, MAINTAIN_USAGE);
  const catalog = await Catalog.open(catalogPath(values.catalog));
  const recovered = await recoverCatalog(catalog.layout);
  if (values.json) out.write(json(recovered));
  else {
    out.write(`finished ${recovered.length} interrupted swap(s)\n`);
    for (const r of recovered) out.write(`  ${r.journal}: ${r.completed.length} file(s) completed, ${r.removed.length} old file(s) removed\n`);
  }
  return 0;
}

function flagDuration(name: string, text: string): bigint {
  return durationFlag(name, text, MAINTAIN_DURATION, ' must be a positive duration like 1d, 6h, 30m, 10s or 1w')!;
}
