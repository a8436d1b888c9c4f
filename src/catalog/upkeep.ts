/**
 * Catalog maintenance: consolidate files by period, reset file names from statistics, and
 * delete a time range. Every operation streams (one row group per file in memory) and
 * swaps files crash-safely: new files are staged as hidden temps first, the old files are
 * moved aside to hidden names, the new ones are linked into place, then the old ones go.
 * Rows are never lost or reordered: data is re-read with the same merge the reader uses.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type MarketDataType, allocFrame, copyRows, fieldsOf, sliceFrame, tsInitOf, fixedRawAt, type FixedColumn } from '../model/frames.js';
import { NS_PER_DAY } from '../model/time.js';
import { CatalogError } from './errors.js';
import { formatFileName, parseFileName } from './file-names.js';
import { planFileDecoding, rowGroupTsRange } from './frame-decode.js';
import { type Interval, periodBounds } from './intervals.js';
import type { CatalogFile, CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';
import { mergeSorted, readFile } from './reader.js';
import { type StagedFile, commitStaged, discardStaged, stageFile, syncFolder } from './writer.js';


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

/** Groups a type's files by their folder (one identifier folder each). */
function byFolder(files: readonly CatalogFile[]): Map<string, CatalogFile[]> {
  const out = new Map<string, CatalogFile[]>();
  for (const file of files) {
    const dir = dirname(file.path);
    out.set(dir, [...(out.get(dir) ?? []), file]);
  }
  return out;
}

/** Reads every file of one folder as one stream, merged by ts_init (file order on ties). */
function readFolder<T extends MarketDataType>(files: readonly CatalogFile[], type: T, width: FixedWidth): AsyncGenerator<Frame<T>> {
  const ordered = [...files].sort((a, b) => (a.interval && b.interval ? (a.interval.first < b.interval.first ? -1 : a.interval.first > b.interval.first ? 1 : 0) : 0));
  return mergeSorted(ordered.map((f) => readFile(f.path, type, { width })), 8192);
}

/** Consolidates each folder of `type`/`identifier` into one file per period. */
export async function consolidate(layout: CatalogLayout, type: MarketDataType, identifier: string | undefined, width: FixedWidth, options: ConsolidateOptions = {}): Promise<UpkeepResult> {
  const period = options.period ?? NS_PER_DAY;
  if (period <= 0n) throw new RangeError(`period must be positive, was ${period}`);
  const result: UpkeepResult = { removed: [], written: [], rows: 0 };
  for (const [dir, files] of byFolder(await layout.filesFor(type, identifier))) {
    const staged: StagedFile[] = [];
    try {
      let source: AsyncGenerator<Frame> = readFolder(files, type, width);
      if (options.deduplicate) source = deduplicate(source);
      for await (const group of splitByPeriod(source, period)) {
        const bounds = periodBounds(group.first, period);
        const file = await stageFile(dir, type, width, group.meta, group.frames, {
          compression: options.compression ?? 'snappy',
          ...(options.fillPeriods ? { interval: bounds } : {}),
        });
        staged.push(file);
      }
    } catch (error) {
      await Promise.all(staged.map(discardStaged));
      throw error;
    }
    await swapFiles(files.map((f) => f.path), staged);
    result.removed.push(...files.map((f) => f.path));
    result.written.push(...staged.map((s) => s.path));
    (result as { rows: number }).rows += staged.reduce((sum, s) => sum + s.rows, 0);
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

/**
 * Replaces `oldPaths` by the staged files: old files are first renamed to hidden names
 * (invisible to readers and to Nautilus' `*.parquet` glob), the staged files are linked
 * into place, then the hidden old files are deleted.
 */
async function swapFiles(oldPaths: readonly string[], staged: readonly StagedFile[]): Promise<void> {
  const aside: Array<[string, string]> = [];
  try {
    for (const path of oldPaths) {
      const hidden = join(dirname(path), `.${basename(path)}.replaced.tmp`);
      await rename(path, hidden);
      aside.push([path, hidden]);
    }
    for (const file of staged) await commitStaged(file);
  } catch (error) {
    // Put the old files back; the staged ones are discarded.
    for (const [path, hidden] of aside) await rename(hidden, path).catch(() => {});
    await Promise.all(staged.map(discardStaged));
    throw error;
  }
  for (const [, hidden] of aside) await rm(hidden, { force: true });
  for (const dir of new Set(oldPaths.map((p) => dirname(p)))) await syncFolder(dir);
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
    const plan = await planFileDecoding(file, type);
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
  } finally {
    await file.close();
  }
}

/**
 * Deletes rows with `start <= ts_init < end` from a type/identifier: files wholly inside
 * are removed, files partly inside are rewritten without those rows (split in two when the
 * range falls in their middle).
 */
export async function deleteRange(layout: CatalogLayout, type: MarketDataType, identifier: string, start: bigint, end: bigint, width: FixedWidth): Promise<UpkeepResult> {
  if (end <= start) return { removed: [], written: [], rows: 0 };
  const result = { removed: [] as string[], written: [] as string[], rows: 0 };
  for (const file of await layout.filesFor(type, identifier, start, end - 1n)) {
    const dir = dirname(file.path);
    const staged: StagedFile[] = [];
    try {
      const interval = file.interval ?? parseFileName(file.name);
      for (const part of [{ end: start }, { start: end }] as const) {
        if (interval && 'end' in part && interval.first >= start) continue;
        if (interval && 'start' in part && interval.last < end) continue;
        const frames = readFile(file.path, type, { width, ...part });
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

