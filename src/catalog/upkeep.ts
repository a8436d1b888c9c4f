/**
 * Catalog maintenance: consolidate files by period, reset file names from statistics, and
 * delete a time range. Every operation streams (one row group per open file in memory) and
 * swaps files crash-safely (see swap.ts). Rows are never lost or reordered: data is re-read
 * with the same merge the reader uses.
 *
 * Plans are made from each file's footer (row counts and `ts_init` statistics), never from
 * its name alone, so a file whose name is wrong cannot make a plan skip or misplace rows.
 */
import { readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type FrameMeta, type MarketDataType, allocFrame, copyRows, fieldsOf, sliceFrame, tsInitOf, fixedRawAt, type FixedColumn } from '../model/frames.js';
import { NS_PER_DAY } from '../model/time.js';
import { CatalogError } from './errors.js';
import { formatFileName } from './file-names.js';
import { type FileDecoding, planFileDecoding, rowGroupTsRange } from './frame-decode.js';
import { type Interval, periodBounds } from './intervals.js';
import type { CatalogFile, CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';
import type { ParquetFile } from './parquet/file-reader.js';
import { type ReadOptions, mergeSorted, readFile } from './reader.js';
import { recoverCatalog } from './recover.js';
import { swapFiles } from './swap.js';
import { type StagedFile, discardStaged, stageFile } from './writer.js';

export interface ConsolidateOptions {
  /** Period length in ns; one output file per period (default one UTC day). */
  readonly period?: bigint;
  /**
   * true: name each file by its whole period `[k*P, (k+1)*P-1]`, so intervals are contiguous
   * and a closed market counts as covered; false (default): name by the data's own range.
   */
  readonly fillPeriods?: boolean;
  /** Drop rows identical in every column to an earlier row with the same ts_init. */
  readonly deduplicate?: boolean;
  readonly compression?: 'snappy' | 'zstd';
}

export interface UpkeepResult {
  readonly removed: string[];
  readonly written: string[];
  readonly rows: number;
}

/** A market data file with what its footer says. */
export interface FooterInfo {
  readonly file: CatalogFile;
  /** min/max `ts_init`; undefined for a file without rows. */
  readonly range: Interval | undefined;
  readonly rows: number;
  readonly width: FixedWidth;
  readonly meta: FrameMeta;
}

/** Reads one file's footer: row count, fixed-point width, metadata and `ts_init` range. */
export async function readFooter(file: CatalogFile, type: MarketDataType): Promise<FooterInfo> {
  const parquet = await openCatalogFile(file.path);
  try {
    const plan = await planFileDecoding(parquet, type);
    const range = await tsRangeOf(parquet, plan);
    const rows = parquet.meta.rowGroups.reduce((sum, g) => sum + Number(g.numRows), 0);
    return { file, range, rows, width: plan.width, meta: plan.meta };
  } finally {
    await parquet.close();
  }
}

/** Reads the footers of files, a few at a time (each open is a round trip, not CPU). */
export async function readFooters(files: readonly CatalogFile[], type: MarketDataType): Promise<FooterInfo[]> {
  const out: FooterInfo[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readFooter(files[i]!, type);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  return out;
}

/** Groups files by their folder (one identifier folder each), keeping their order. */
function byFolder<F extends { readonly file: CatalogFile }>(files: readonly F[]): Map<string, F[]> {
  const out = new Map<string, F[]>();
  for (const entry of files) {
    const dir = dirname(entry.file.path);
    out.set(dir, [...(out.get(dir) ?? []), entry]);
  }
  return out;
}

/**
 * How frames are read that go straight to the writer: trade ids that count up stay numbers,
 * which the writer encodes as they are (parquet/decimal-text.ts), so no id becomes a string.
 * The facts are what proves the ids count up; their marks go unused here.
 */
function rewriteOptions(type: MarketDataType, width: FixedWidth): ReadOptions {
  return type === 'trade_tick' ? { width, facts: true, lazyTradeIds: true } : { width };
}

/**
 * Streams files (in the reader's file order) as one `ts_init`-sorted stream: files whose
 * statistics ranges do not overlap are read one after another, overlapping ones k-way merged
 * (ties in file order), so only the files of one overlap cluster are open at a time.
 */
async function* readInOrder<T extends MarketDataType>(inputs: readonly FooterInfo[], type: T, width: FixedWidth): AsyncGenerator<Frame<T>> {
  for (const cluster of overlapClusters(inputs.filter((f) => f.range), (f) => f.range!)) {
    // A lone file's frames go to the writer as read; merged frames are copied row by row.
    if (cluster.length === 1) yield* readFile(cluster[0]!.file.path, type, rewriteOptions(type, width));
    else yield* mergeSorted(cluster.map((f) => readFile(f.file.path, type, { width })), 8192);
  }
}

/**
 * Splits items into clusters whose closed intervals overlap, directly or through others: a
 * sweep in interval-start order (ties in input order). Clusters come in sweep order, the
 * items of each in input order.
 */
function overlapClusters<T>(items: readonly T[], intervalOf: (item: T) => Interval): T[][] {
  const indexed = items.map((item, order) => ({ item, order, ...intervalOf(item) }));
  indexed.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.order - b.order));
  const clusters: Array<typeof indexed> = [];
  let reach = -1n;
  for (const entry of indexed) {
    const current = clusters[clusters.length - 1];
    if (current && entry.first <= reach) current.push(entry);
    else clusters.push([entry]);
    if (entry.last > reach || clusters[clusters.length - 1]!.length === 1) reach = entry.last;
  }
  return clusters.map((c) => c.sort((a, b) => a.order - b.order).map((x) => x.item));
}

/** Files of one folder whose rows share periods; rewritten together, one file per period. */
export interface ConsolidationGroup {
  readonly dir: string;
  /** The files read and replaced, in the reader's order; each period with rows becomes one file. */
  readonly inputs: readonly FooterInfo[];
}

export interface ConsolidationPlan {
  readonly period: bigint;
  /** Groups to rewrite. */
  readonly groups: ConsolidationGroup[];
  /** Files already alone in their period and correctly named: left untouched. */
  readonly settled: FooterInfo[];
}

/**
 * Plans a consolidation of `type`/`identifier` (every identifier when undefined): which
 * files must be rewritten so that each period with rows ends up in exactly one file.
 * A period is settled when one file holds all of its rows, lies inside it and is named as
 * the options require; every other file touching the period joins its group, and files
 * straddling a period boundary join the groups of every period they touch. Files without
 * rows are left untouched (their name may record a covered range).
 *
 * Throws CatalogError `CATALOG_WIDTH_MISMATCH` or `CATALOG_METADATA` when files that share a
 * period disagree in fixed-point width or metadata (one file cannot hold both), before
 * anything is changed.
 */
export async function planConsolidation(layout: CatalogLayout, type: MarketDataType, identifier: string | undefined, width: FixedWidth, options: ConsolidateOptions = {}): Promise<ConsolidationPlan> {
  const period = options.period ?? NS_PER_DAY;
  if (period <= 0n) throw new RangeError(`period must be positive, was ${period}`);
  const footers = await readFooters(await layout.filesFor(type, identifier), type);
  const plan: ConsolidationPlan = { period, groups: [], settled: [] };
  for (const [dir, files] of byFolder(footers.filter((f) => f.range))) {
    for (const group of periodGroups(files, period)) {
      checkCompatible(group, width, period);
      if (isSettled(group, period, options)) plan.settled.push(group[0]!);
      else plan.groups.push({ dir, inputs: group });
    }
  }
  return plan;
}

/** Splits one folder's files (reader order) into groups connected by shared periods, keeping order within each. */
function periodGroups(files: readonly FooterInfo[], period: bigint): FooterInfo[][] {
  // Each file as the span from its first period's start to its last period's start.
  return overlapClusters(files, (f) => ({ first: periodBounds(f.range!.first, period).first, last: periodBounds(f.range!.last, period).first }));
}

function isSettled(group: readonly FooterInfo[], period: bigint, options: ConsolidateOptions): boolean {
  if (group.length !== 1 || options.deduplicate) return false;
  const { file, range } = group[0]!;
  const bounds = periodBounds(range!.first, period);
  if (range!.last > bounds.last || !file.interval) return false;
  if (options.fillPeriods) return file.interval.first === bounds.first && file.interval.last === bounds.last;
  // A name wider than the data (a declared covered range) is kept, as long as it stays inside the period.
  return file.interval.first <= range!.first && file.interval.last >= range!.last && file.interval.first >= bounds.first && file.interval.last <= bounds.last;
}

function checkCompatible(group: readonly FooterInfo[], width: FixedWidth, period: bigint): void {
  const first = group[0]!;
  for (const other of group) {
    const where = `${first.file.path} and ${other.file.path} share a ${period} ns period`;
    if (other.width !== width || first.width !== width) {
      const odd = other.width !== width ? other : first;
      throw new CatalogError(
        'CATALOG_WIDTH_MISMATCH',
        `${odd.file.path} holds ${odd.width * 8}-bit values, the catalog is ${width * 8}-bit${group.length > 1 ? ` (${where})` : ''}; one file cannot hold both — convert or remove that file before consolidating`,
        { path: odd.file.path },
      );
    }
    const a = first.meta;
    const b = other.meta;
    if (a.instrumentId !== b.instrumentId || a.barType !== b.barType || a.pricePrecision !== b.pricePrecision || a.sizePrecision !== b.sizePrecision) {
      throw new CatalogError(
        'CATALOG_METADATA',
        `${where} but have different metadata (${JSON.stringify(a)} vs ${JSON.stringify(b)}); one file holds one metadata — rewrite one of them with the other's precisions before consolidating`,
        { path: other.file.path },
      );
    }
  }
}

export interface ConsolidateResult extends UpkeepResult {
  /** Files left untouched because they already were the one file of their period. */
  readonly settled: string[];
  /** Rows in the files written; `rows` also counts the rows of the settled files. */
  readonly rowsRewritten: number;
  /** Each file written, with its rows and the interval its name records. */
  readonly outputs: Array<{ readonly path: string; readonly rows: number; readonly interval: Interval }>;
}

/** Consolidates each folder of `type`/`identifier` into exactly one file per period with rows. */
export async function consolidate(layout: CatalogLayout, type: MarketDataType, identifier: string | undefined, width: FixedWidth, options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  await recoverCatalog(layout, { type, identifier });
  const plan = await planConsolidation(layout, type, identifier, width, options);
  return applyConsolidation(plan, type, width, options);
}

/** Carries out a plan from planConsolidation, one group (one swap) at a time. */
export async function applyConsolidation(plan: ConsolidationPlan, type: MarketDataType, width: FixedWidth, options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  const settledRows = plan.settled.reduce((sum, f) => sum + f.rows, 0);
  const result = { removed: [] as string[], written: [] as string[], rows: settledRows, rowsRewritten: 0, settled: plan.settled.map((f) => f.file.path), outputs: [] as ConsolidateResult['outputs'] };
  for (const group of plan.groups) {
    const staged: StagedFile[] = [];
    try {
      let source: AsyncGenerator<Frame> = readInOrder(group.inputs, type, width);
      if (options.deduplicate) source = deduplicate(source);
      for await (const part of splitByPeriod(source, plan.period)) {
        const bounds = periodBounds(part.first, plan.period);
        staged.push(
          await stageFile(group.dir, type, width, part.meta, part.frames, {
            compression: options.compression ?? 'snappy',
            ...(options.fillPeriods ? { interval: bounds } : {}),
          }),
        );
      }
    } catch (error) {
      await Promise.all(staged.map(discardStaged));
      throw error;
    }
    await swapFiles(group.inputs.map((f) => f.file.path), staged);
    result.removed.push(...group.inputs.map((f) => f.file.path));
    result.written.push(...staged.map((s) => s.path));
    result.outputs.push(...staged.map(({ path, rows, interval }) => ({ path, rows, interval })));
    const rows = staged.reduce((sum, s) => sum + s.rows, 0);
    result.rows += rows;
    result.rowsRewritten += rows;
  }
  return result;
}

interface PeriodGroup {
  readonly first: bigint;
  readonly meta: Frame['meta'];
  readonly frames: AsyncGenerator<Frame>;
}

/**
 * Splits a sorted stream into consecutive per-period sub-streams. Each sub-stream must be
 * consumed before the next is requested (the file writer does exactly that).
 */
async function* splitByPeriod(source: AsyncGenerator<Frame>, period: bigint): AsyncGenerator<PeriodGroup> {
  let carry: Frame | undefined;
  const next = async (): Promise<Frame | undefined> => {
    if (carry) {
      const frame = carry;
      carry = undefined;
      return frame;
    }
    for (;;) {
      const step = await source.next();
      if (step.done) return undefined;
      if (step.value.length > 0) return step.value;
    }
  };
  for (;;) {
    const head = await next();
    if (!head) return;
    const first = tsInitOf(head)[0]!;
    const periodEnd = periodBounds(first, period).last;
    async function* inPeriod(): AsyncGenerator<Frame> {
      let frame: Frame | undefined = head;
      while (frame) {
        const ts = tsInitOf(frame);
        let cut = ts.length;
        for (let i = 0; i < ts.length; i++) {
          if (ts[i]! > periodEnd) {
            cut = i;
            break;
          }
        }
        if (cut < frame.length) {
          if (cut > 0) yield sliceFrame(frame, 0, cut);
          carry = sliceFrame(frame, cut, frame.length);
          return;
        }
        yield frame;
        frame = await next();
      }
    }
    const frames = inPeriod();
    yield { first, meta: head.meta, frames };
    // Drain anything the consumer left, so the next period starts at the right row.
    for await (const _ of frames) {
      /* drained */
    }
  }
}

/** Drops rows equal in every column to an earlier row with the same ts_init. */
async function* deduplicate(source: AsyncGenerator<Frame>): AsyncGenerator<Frame> {
  let groupTs: bigint | undefined;
  let seen = new Set<string>();
  for await (const frame of source) {
    const ts = tsInitOf(frame);
    const keep: number[] = [];
    for (let i = 0; i < frame.length; i++) {
      if (ts[i] !== groupTs) {
        groupTs = ts[i];
        seen = new Set();
      }
      const key = rowKey(frame, i);
      if (!seen.has(key)) {
        seen.add(key);
        keep.push(i);
      }
    }
    if (keep.length === frame.length) yield frame;
    else if (keep.length > 0) {
      const out = allocFrame(frame.type, frame.width, keep.length, frame.meta);
      keep.forEach((row, j) => copyRows(frame, row, row + 1, out, j));
      yield out;
    }
  }
}

function rowKey(frame: Frame, i: number): string {
  const columns = frame.columns as unknown as Record<string, unknown>;
  return fieldsOf(frame.type)
    .map(([name, kind]) => {
      const data = columns[name];
      if (kind === 'price' || kind === 'quantity') return fixedRawAt(data as FixedColumn, i).toString();
      return String((data as ArrayLike<unknown>)[i]);
    })
    .join('\u0001');
}

/** Renames files whose names disagree with their `ts_init` statistics (Nautilus' reset_data_file_names). */
export async function resetFileNames(layout: CatalogLayout, type: MarketDataType, identifier?: string): Promise<Array<{ from: string; to: string }>> {
  const renamed: Array<{ from: string; to: string }> = [];
  for (const file of await layout.filesFor(type, identifier)) {
    const range = await fileTsRange(file.path, type);
    if (!range) continue;
    const name = formatFileName(range.first, range.last);
    if (name === file.name) continue;
    const target = join(dirname(file.path), name);
    const existing = await readdir(dirname(file.path));
    if (existing.includes(name)) {
      throw new CatalogError('CATALOG_OVERLAP', `${file.path}: its statistics say ${name}, which already exists; consolidate the folder instead`, { path: file.path });
    }
    await rename(file.path, target);
    renamed.push({ from: file.path, to: target });
  }
  return renamed;
}

/** Returns a file's min/max ts_init from row-group statistics, or by reading the column. */
export async function fileTsRange(path: string, type: MarketDataType): Promise<Interval | undefined> {
  const file = await openCatalogFile(path);
  try {
    return await tsRangeOf(file, await planFileDecoding(file, type));
  } finally {
    await file.close();
  }
}

async function tsRangeOf(file: ParquetFile, plan: FileDecoding): Promise<Interval | undefined> {
  let first: bigint | undefined;
  let last: bigint | undefined;
  for (let g = 0; g < file.meta.rowGroups.length; g++) {
    if (file.meta.rowGroups[g]!.numRows === 0) continue;
    let range = rowGroupTsRange(file, plan, g);
    if (!range) {
      const [values] = await file.readRowGroup(g, [plan.tsInitColumn]);
      const bytes = (values as { bytes: Uint8Array }).bytes;
      const ts = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
      let min = ts[0]!;
      let max = ts[0]!;
      for (const t of ts) {
        if (t < min) min = t;
        if (t > max) max = t;
      }
      range = { min, max };
    }
    if (first === undefined || range.min < first) first = range.min;
    if (last === undefined || range.max > last) last = range.max;
  }
  return first === undefined ? undefined : { first, last: last! };
}

/** The files a deletion of `[start, end)` touches, decided from footers. */
export interface RangeDeletionPlan {
  readonly start: bigint;
  readonly end: bigint;
  /** Files whose rows all fall in the range: removed. */
  readonly remove: FooterInfo[];
  /** Files with rows on both sides of a bound: rewritten without the range (one or two files). */
  readonly split: FooterInfo[];
}

/**
 * Plans the deletion of rows with `start <= ts_init < end` from a type and identifier (every
 * identifier when undefined), deciding each file from its statistics, not its name.
 */
export async function planDeleteRange(layout: CatalogLayout, type: MarketDataType, identifier: string | undefined, start: bigint, end: bigint): Promise<RangeDeletionPlan> {
  const plan: RangeDeletionPlan = { start, end, remove: [], split: [] };
  if (end <= start) return plan;
  for (const footer of await readFooters(await layout.filesFor(type, identifier), type)) {
    const range = footer.range;
    if (!range || range.last < start || range.first >= end) continue;
    if (range.first >= start && range.last < end) plan.remove.push(footer);
    else plan.split.push(footer);
  }
  return plan;
}

/** Carries out a plan from planDeleteRange, one file (one swap) at a time; `rows` counts rows kept. */
export async function applyDeleteRange(plan: RangeDeletionPlan, type: MarketDataType, width: FixedWidth): Promise<UpkeepResult> {
  const { start, end } = plan;
  const result = { removed: [] as string[], written: [] as string[], rows: 0 };
  for (const { file, range } of [...plan.remove, ...plan.split]) {
    const dir = dirname(file.path);
    const staged: StagedFile[] = [];
    try {
      for (const part of [{ end: start }, { start: end }] as const) {
        if ('end' in part && range!.first >= start) continue;
        if ('start' in part && range!.last < end) continue;
        const frames = readFile(file.path, type, { ...rewriteOptions(type, width), ...part });
        const probe = await frames.next();
        if (probe.done) continue;
        const meta = probe.value.meta;
        async function* all(): AsyncGenerator<Frame> {
          yield probe.value as Frame;
          yield* frames;
        }
        staged.push(await stageFile(dir, type, width, meta, all()));
      }
    } catch (error) {
      await Promise.all(staged.map(discardStaged));
      throw error;
    }
    await swapFiles([file.path], staged);
    result.removed.push(file.path);
    result.written.push(...staged.map((s) => s.path));
    result.rows += staged.reduce((sum, s) => sum + s.rows, 0);
  }
  return result;
}

/**
 * Deletes rows with `start <= ts_init < end` from a type/identifier: files wholly inside
 * are removed, files partly inside are rewritten without those rows (split in two when the
 * range falls in their middle).
 */
export async function deleteRange(layout: CatalogLayout, type: MarketDataType, identifier: string, start: bigint, end: bigint, width: FixedWidth): Promise<UpkeepResult> {
  await recoverCatalog(layout, { type, identifier });
  return applyDeleteRange(await planDeleteRange(layout, type, identifier, start, end), type, width);
}
