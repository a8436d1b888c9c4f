/**
 * `validateCatalog`: finds the series to validate (one per type folder and identifier
 * folder), streams each file's frames through a SeriesValidator in time order, and sums
 * the file reports. A file that cannot be read becomes an `unreadable` finding, not an
 * abort: one damaged file should not hide what the rest of the catalog holds.
 */
import { availableParallelism } from 'node:os';
import { basename, dirname, relative } from 'node:path';
import { isCatalogError } from '../../catalog/errors.js';
import { type CatalogFile, CatalogLayout } from '../../catalog/layout.js';
import { FilesAhead, type ReadOptions } from '../../catalog/reader.js';
import type { AnyFrame, MarketDataType } from '../../model/frames.js';
import { type ResolvedOptions, type ValidateOptions, resolveOptions } from './options.js';
import { validateSeriesInParallel } from './parallel-series.js';
import { type FileReport, type ValidationReport, buildReport } from './report.js';
import { SeriesValidator } from './series-validator.js';

const ALL_TYPES: readonly MarketDataType[] = ['trade_tick', 'quote_tick', 'bar', 'order_book_delta'];

export interface SeriesFiles {
  readonly type: MarketDataType;
  /** The identifier folder name. */
  readonly identifier: string;
  readonly files: readonly CatalogFile[];
}

/** Lists the series the options select, each with its files in time order. */
export async function listSeries(layout: CatalogLayout, options: ResolvedOptions): Promise<SeriesFiles[]> {
  const series: SeriesFiles[] = [];
  const { start, end } = options;
  if (start !== undefined && end !== undefined && end <= start) return series;
  for (const type of options.type ? [options.type] : ALL_TYPES) {
    const files = await layout.filesFor(type, options.identifier, start, end === undefined ? undefined : end - 1n);
    // filesFor sorts by time across folders; grouping by folder keeps that order per series.
    const byFolder = new Map<string, CatalogFile[]>();
    for (const file of files) {
      const folder = dirname(file.path);
      const list = byFolder.get(folder) ?? [];
      list.push(file);
      byFolder.set(folder, list);
    }
    for (const [folder, list] of byFolder) series.push({ type, identifier: basename(folder), files: list });
  }
  return series;
}

/** Validates the catalog at `root`. Throws CatalogError for a bad request (unknown type, bad identifier, root not a folder). */
export async function validateCatalog(root: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const resolved = resolveOptions(options);
  const layout = new CatalogLayout(root);
  const series = await listSeries(layout, resolved);
  const jobs = jobCount(resolved.jobs, series);
  const perSeries: FileReport[][] = [];
  if (jobs > 1) {
    perSeries.push(...(await validateSeriesInParallel(layout.root, options, series, jobs, (one) => validateSeries(layout.root, one, resolved))));
  } else {
    for (const one of series) perSeries.push(await validateSeries(layout.root, one, resolved));
  }
  return buildReport(layout.root, series.length, perSeries.flat(), resolved.failOn);
}

/** Validates one series' files in time order: the unit a worker takes (series share no state). */
export async function validateSeries(root: string, { type, identifier, files }: SeriesFiles, resolved: ResolvedOptions): Promise<FileReport[]> {
  const validator = new SeriesValidator(type, identifier, resolved);
  const ahead = new FilesAhead();
  const reports: FileReport[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      reports.push(await validateFile(validator, root, files[i]!, resolved, ahead, files[i + 1]?.path));
    }
  } finally {
    ahead.close();
  }
  return reports;
}

/** Below this many bytes of files, `auto` validates in this thread alone: a worker takes ~0.1 s to start. */
const AUTO_MIN_BYTES = 64 << 20;
const AUTO_MAX_WORKERS = 8;

/** Series validated at once for `jobs` over `series` (this thread and worker threads): 1 means this thread alone. */
function jobCount(jobs: number | 'auto', series: readonly SeriesFiles[]): number {
  if (series.length < 2) return 1;
  if (jobs !== 'auto') return Math.min(jobs, series.length);
  const bytes = series.reduce((sum, s) => sum + s.files.reduce((n, f) => n + f.size, 0), 0);
  return bytes < AUTO_MIN_BYTES ? 1 : Math.min(availableParallelism(), AUTO_MAX_WORKERS, series.length);
}

/**
 * How validation reads a file of `type`. Trades are read with facts: the kernel that proves
 * their ids count up spares the check loop parsing every id (trade-ids.ts), and the strings
 * of those ids are never made (lazyTradeIds; the check loop reads only the first and last
 * of such a frame). The other types' facts would go unused.
 */
export function validationReadOptions(type: MarketDataType, window: { start?: bigint; end?: bigint } = {}): ReadOptions {
  return { ...window, facts: type === 'trade_tick', lazyTradeIds: true };
}

/** Validates one file, read through `ahead`, which starts opening `nextPath` meanwhile. */
async function validateFile(validator: SeriesValidator, root: string, file: CatalogFile, options: ResolvedOptions, ahead: FilesAhead, nextPath: string | undefined): Promise<FileReport> {
  validator.beginFile(relative(root, file.path));
  const window = { ...(options.start !== undefined ? { start: options.start } : {}), ...(options.end !== undefined ? { end: options.end } : {}) };
  try {
    for await (const frame of ahead.read(file.path, nextPath, validator.type, validationReadOptions(validator.type, window))) validator.frame(frame as AnyFrame);
  } catch (error) {
    if (!isCatalogError(error)) throw error;
    validator.unreadable(error, file.interval?.first ?? 0n);
  }
  return validator.endFile();
}
