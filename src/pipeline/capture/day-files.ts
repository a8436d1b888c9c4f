/**
 * How new rows of one (series, UTC day) enter the catalog without rewriting the whole day:
 *
 * - rows after everything the day holds → one new file beside the day's others;
 * - rows that start exactly at the day's last timestamp (trades share milliseconds, so a
 *   segment boundary often splits one) → the latest file is split at that timestamp: its
 *   earlier rows are rewritten alone, its rows at that time join the new rows in a new file;
 * - rows reaching back into existing files (a backfill got there first) → those files and
 *   the new rows are merged into one file.
 *
 * Rows already present are dropped (trades by trade id, bars by time) — they can only sit in
 * the files whose time range the new rows touch, so nothing else is read. While a day is
 * being recorded it is a few disjoint files (about one per segment); once a later day has
 * rows, `compactDay` makes it one daily file. Each step is a `Swap`: staged files to make
 * visible and the files they replace, applied through the state file's `pending` note.
 */
import type { FolderScheme } from '../../catalog/data-types.js';
import { readFile as readCatalogFile } from '../../catalog/reader.js';
import { type ExistingFile, type StagedFile, existingFiles, stageFile } from '../../catalog/writer.js';
import type { FixedWidth } from '../../model/fixed-point.js';
import { concatFrames, tsInitOf } from '../../model/frames.js';
import { NS_PER_DAY } from '../../model/time.js';
import type { SeriesFrame } from '../../seamless/series.js';
import { CaptureError } from './errors.js';
import { sortByTs } from '../../seamless/frame-select.js';
import { filterRows, mergeByTs } from './frame-merge.js';
import type { StreamDecl } from './record-codec.js';

export interface DayWrite {
  readonly staged: StagedFile[];
  readonly replaces: string[];
  /** New rows that go into the catalog. */
  readonly rows: number;
  /** New rows dropped because the day already had them. */
  readonly skipped: number;
}

interface Target {
  readonly dir: string;
  readonly decl: StreamDecl;
  readonly width: FixedWidth;
  readonly scheme?: FolderScheme;
}

/** The files of the folder that belong to `day`; a file reaching into another day is refused. */
export async function dayFiles(dir: string, day: bigint): Promise<ExistingFile[]> {
  const first = day * NS_PER_DAY;
  const last = first + NS_PER_DAY - 1n;
  const files = (await existingFiles(dir)).filter((f) => f.interval.last >= first && f.interval.first <= last);
  const straddling = files.find((f) => f.interval.first < first || f.interval.last > last);
  if (straddling) {
    throw new CaptureError(
      'CAPTURE_CONVERSION_CONFLICT',
      `${straddling.path} spans more than the UTC day ${new Date(Number(first / 1_000_000n)).toISOString().slice(0, 10)} the capture writes; split it by day (or delete it) so the day's rows can be merged — the segment stays in the WAL until then`,
      { path: straddling.path },
    );
  }
  return files;
}

/** Stages what adding `rows` (sorted or not) to `day` takes. */
export async function planDayWrite(target: Target, day: bigint, rows: SeriesFrame): Promise<DayWrite> {
  const fresh = sortByTs(rows);
  const ts = tsInitOf(fresh);
  const from = ts[0]!;
  const to = ts[fresh.length - 1]!;
  const files = await dayFiles(target.dir, day);
  const touched = touching(files, from, to);
  if (touched.length === 0) return { staged: [await stage(target, fresh)], replaces: [], rows: fresh.length, skipped: 0 };
  const latest = files.reduce((a, b) => (b.interval.last > a.interval.last ? b : a));
  if (touched.length === 1 && touched[0] === latest && from >= latest.interval.last) {
    // Split the latest file at `from`: its rows before stay apart, its rows at `from` join the new ones.
    const old = await readAll(latest.path, target);
    const oldTs = tsInitOf(old);
    let cut = old.length;
    while (cut > 0 && oldTs[cut - 1]! >= from) cut--;
    const tail = filterRows(old, (i) => i >= cut);
    const kept = withoutKnownRows(tail, fresh);
    const staged: StagedFile[] = [];
    if (cut > 0) staged.push(await stage(target, filterRows(old, (i) => i < cut)));
    staged.push(await stage(target, mergeByTs(tail, kept)));
    return { staged, replaces: [latest.path], rows: kept.length, skipped: fresh.length - kept.length };
  }
  const existing = sortByTs(concatFrames(await Promise.all(touched.map((f) => readAll(f.path, target)))));
  const kept = withoutKnownRows(existing, fresh);
  return { staged: [await stage(target, mergeByTs(existing, kept))], replaces: touched.map((f) => f.path), rows: kept.length, skipped: fresh.length - kept.length };
}

/** Stages one file holding every row of `day`, when the day is more than one file. */
export async function planCompaction(target: Target, day: bigint): Promise<DayWrite | undefined> {
  const files = await dayFiles(target.dir, day);
  if (files.length < 2) return undefined;
  const frames = await Promise.all(files.map((f) => readAll(f.path, target)));
  return { staged: [await stage(target, sortByTs(concatFrames(frames)))], replaces: files.map((f) => f.path), rows: 0, skipped: 0 };
}

/** Files whose closed intervals meet `[from, to]`, widened until no other file meets the union. */
function touching(files: readonly ExistingFile[], from: bigint, to: bigint): ExistingFile[] {
  let low = from;
  let high = to;
  let set: ExistingFile[] = [];
  for (;;) {
    const next = files.filter((f) => f.interval.last >= low && f.interval.first <= high);
    if (next.length === set.length) return next;
    set = next;
    for (const f of set) {
      if (f.interval.first < low) low = f.interval.first;
      if (f.interval.last > high) high = f.interval.last;
    }
  }
}

async function readAll(path: string, target: Target): Promise<SeriesFrame> {
  const frames: SeriesFrame[] = [];
  for await (const frame of readCatalogFile(path, target.decl.type, { width: target.width })) frames.push(frame as SeriesFrame);
  return frames.length === 1 ? frames[0]! : concatFrames(frames);
}

function stage(target: Target, frame: SeriesFrame): Promise<StagedFile> {
  return stageFile(target.dir, target.decl.type, target.width, target.decl.meta, [frame], target.scheme ? { scheme: target.scheme } : {});
}

/** Drops rows of `fresh` that `existing` has: trades by trade id, bars by close time. */
function withoutKnownRows(existing: SeriesFrame, fresh: SeriesFrame): SeriesFrame {
  if (existing.length === 0) return fresh;
  if (fresh.type === 'trade_tick') {
    const known = new Set((existing.columns as unknown as { trade_id: string[] }).trade_id);
    const ids = (fresh.columns as unknown as { trade_id: string[] }).trade_id;
    return filterRows(fresh, (i) => !known.has(ids[i]!));
  }
  if (fresh.type === 'bar') {
    const known = new Set(tsInitOf(existing));
    const ts = tsInitOf(fresh);
    return filterRows(fresh, (i) => !known.has(ts[i]!));
  }
  return fresh;
}
