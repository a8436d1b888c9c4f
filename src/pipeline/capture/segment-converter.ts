/**
 * Turns sealed WAL segments into daily catalog files: one Parquet file per (type,
 * identifier, UTC day), holding every row of that day recorded so far.
 *
 * For each (series, day) a segment touches: read the day's existing file(s), add the new
 * rows (trades already there by trade id, and bars by time, are dropped; quotes have no
 * identity and rely on the watermark alone), stage the merged file hidden and fsynced, note
 * the swap in the state file, then make it visible (link, remove the files it replaces) and
 * clear the note. The state file also advances the (series, day) watermark in the same
 * write, so a crash at any point neither loses nor repeats a row: on restart the swap is
 * finished and the segment's records at or below the watermark are skipped.
 *
 * Readers may for a moment see the new day file beside the one it replaces (between link
 * and unlink); they never see a partial file or a day with rows missing.
 */
import { access, link, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FolderScheme } from '../../catalog/data-types.js';
import { planFileDecoding } from '../../catalog/frame-decode.js';
import { openCatalogFile } from '../../catalog/open-file.js';
import { readFile as readCatalogFile } from '../../catalog/reader.js';
import { type ExistingFile, existingFiles, frameIdentifier, stageFile, syncFolder, targetFolder } from '../../catalog/writer.js';
import type { FixedWidth } from '../../model/fixed-point.js';
import { NS_PER_DAY } from '../../model/time.js';
import { type FrameMeta, concatFrames, tsInitOf } from '../../model/frames.js';
import type { SeriesFrame } from '../../seamless/series.js';
import { type CaptureState, type PendingSwap, type StreamPosition, saveState, watermarkKey } from './capture-state.js';
import { CaptureError } from './errors.js';
import { filterRows, mergeByTs, sortedByTs, splitByDay } from './frame-merge.js';
import type { GapLedger, RecordedGap } from './gap-ledger.js';
import { type StreamDecl, decodeRecord } from './record-codec.js';
import { scanSegment } from './wal-segment.js';

export interface ConverterOptions {
  readonly catalogRoot: string;
  readonly walDir: string;
  readonly width: FixedWidth;
  readonly state: CaptureState;
  readonly gaps: GapLedger;
  readonly scheme?: FolderScheme;
}

export interface ConvertedSegment {
  readonly path: string;
  /** Rows added to the catalog (after skipping converted and already-present rows). */
  readonly rows: number;
  /** Rows skipped: at or below a watermark, or already in the day file. */
  readonly skipped: number;
  readonly files: string[];
  readonly gaps: number;
  readonly lastSeq: bigint;
}

interface DayGroup {
  readonly decl: StreamDecl;
  readonly day: bigint;
  readonly frames: SeriesFrame[];
  maxSeq: bigint;
}

export class SegmentConverter {
  constructor(private readonly options: ConverterOptions) {}

  /** Finishes a day-file swap a crash interrupted (call before converting anything). */
  async finishPending(): Promise<void> {
    const { state, walDir } = this.options;
    if (!state.pending) return;
    await applySwap(state.pending);
    state.pending = undefined;
    await saveState(walDir, state);
  }

  /** Converts one sealed segment and deletes it. */
  async convert(path: string): Promise<ConvertedSegment> {
    const { state, walDir } = this.options;
    const scan = await scanSegment(path);
    if (scan.damage) throw new CaptureError('CAPTURE_BAD_WAL', `${path}: ${scan.damage.reason} at byte ${scan.damage.offset}; a sealed segment must be whole — recovery cuts torn tails on start, so restart the capture`, { path });
    const streams = new Map<number, StreamDecl>();
    const groups = new Map<string, DayGroup>();
    const gaps = new Map<string, RecordedGap[]>();
    const positions = new Map<string, StreamPosition>();
    let lastSeq = scan.firstSeq! - 1n;
    let skipped = 0;
    for (const { payload, offset } of scan.records) {
      const record = decodeRecord(payload, streams, `${path} at byte ${offset}`);
      if (record.seq > lastSeq) lastSeq = record.seq;
      if (record.kind === 'stream') continue;
      const decl = streams.get(record.stream)!;
      if (record.kind === 'gap') {
        const list = gaps.get(decl.nodeId) ?? [];
        list.push({ start: record.start, end: record.end, reason: record.reason });
        gaps.set(decl.nodeId, list);
        continue;
      }
      if (record.frame.length === 0) continue;
      notePosition(positions, decl, record.frame);
      for (const { day, frame } of splitByDay(record.frame)) {
        const key = watermarkKey(decl.nodeId, day);
        if (record.seq <= (state.watermarks.get(key) ?? -1n)) {
          skipped += frame.length;
          continue;
        }
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { decl, day, frames: [], maxSeq: record.seq }));
        group.frames.push(frame);
        group.maxSeq = record.seq;
      }
    }

    let rows = 0;
    const files: string[] = [];
    const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, group] of ordered) {
      const written = await this.#writeDay(key, group);
      rows += written.rows;
      skipped += written.skipped;
      if (written.path) files.push(written.path);
    }
    let gapCount = 0;
    for (const [nodeId, list] of gaps) {
      await this.options.gaps.add(nodeId, list);
      gapCount += list.length;
    }
    for (const [nodeId, position] of positions) {
      const before = state.streams.get(nodeId);
      if (!before || position.lastTs >= before.lastTs) state.streams.set(nodeId, position);
    }
    if (lastSeq > state.lastSeq) state.lastSeq = lastSeq;
    // Positions and lastSeq are durable before the segment goes; the watermarks that protect
    // a re-conversion are dropped only after it is gone.
    await saveState(walDir, state);
    await rm(path, { force: true });
    await syncFolder(walDir);
    for (const [key, seq] of state.watermarks) if (seq <= lastSeq) state.watermarks.delete(key);
    await saveState(walDir, state);
    return { path, rows, skipped, files, gaps: gapCount, lastSeq };
  }

  async #writeDay(key: string, group: DayGroup): Promise<{ rows: number; skipped: number; path?: string }> {
    const { catalogRoot, width, scheme, state, walDir } = this.options;
    const { decl, day } = group;
    const identifier = frameIdentifier(decl.type, decl.meta);
    const dir = await targetFolder(catalogRoot, decl.type, identifier, scheme);
    const first = day * NS_PER_DAY;
    const last = first + NS_PER_DAY - 1n;
    const all = await existingFiles(dir);
    if (all.length > 0) await checkCompatible(all[0]!.path, decl, width);
    const sameDay = all.filter((f) => f.interval.last >= first && f.interval.first <= last);
    const straddling = sameDay.find((f) => f.interval.first < first || f.interval.last > last);
    if (straddling) {
      throw new CaptureError(
        'CAPTURE_CONVERSION_CONFLICT',
        `${straddling.path} spans more than the UTC day ${new Date(Number(first / 1_000_000n)).toISOString().slice(0, 10)} the capture writes; split it by day (or delete it) so the day's rows can be merged — the segment stays in the WAL until then`,
        { path: straddling.path },
      );
    }
    const existing = await readDay(sameDay, decl.type, width);
    let fresh = sortedByTs(group.frames.length === 1 ? group.frames[0]! : concatFrames(group.frames));
    const before = fresh.length;
    if (existing) fresh = withoutKnownRows(existing, fresh);
    const skipped = before - fresh.length;
    if (fresh.length === 0) {
      state.watermarks.set(key, group.maxSeq);
      await saveState(walDir, state);
      return { rows: 0, skipped };
    }
    const merged = existing ? mergeByTs(existing, fresh) : fresh;
    const staged = await stageFile(dir, decl.type, width, decl.meta, [merged], scheme ? { scheme } : {});
    const swap: PendingSwap = { temp: staged.temp, path: staged.path, replaces: sameDay.map((f) => f.path) };
    state.watermarks.set(key, group.maxSeq);
    state.pending = swap;
    await saveState(walDir, state);
    await applySwap(swap);
    state.pending = undefined;
    return { rows: fresh.length, skipped, path: staged.path };
  }
}

/** Makes a staged day file visible and removes the files it replaces; safe to repeat. */
export async function applySwap(swap: PendingSwap): Promise<void> {
  if (await exists(swap.temp)) {
    if (swap.replaces.includes(swap.path)) {
      await rename(swap.temp, swap.path); // same name: one atomic replace
    } else {
      try {
        await link(swap.temp, swap.path);
      } catch (error) {
        // Linked before a crash: the name is already there.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await rm(swap.temp, { force: true });
    }
  }
  for (const old of swap.replaces) if (old !== swap.path) await rm(old, { force: true });
  await syncFolder(dirname(swap.path));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function notePosition(positions: Map<string, StreamPosition>, decl: StreamDecl, frame: SeriesFrame): void {
  const ts = tsInitOf(frame);
  let lastTs = ts[0]!;
  for (const t of ts) if (t > lastTs) lastTs = t;
  const previous = positions.get(decl.nodeId);
  if (previous && previous.lastTs > lastTs) lastTs = previous.lastTs;
  const tradeId = frame.type === 'trade_tick' ? (frame.columns as unknown as { trade_id: string[] }).trade_id.at(-1) : undefined;
  positions.set(decl.nodeId, { lastTs, ...(tradeId !== undefined ? { lastTradeId: tradeId } : {}) });
}

async function readDay(files: readonly ExistingFile[], type: StreamDecl['type'], width: FixedWidth): Promise<SeriesFrame | undefined> {
  const frames: SeriesFrame[] = [];
  for (const file of files) for await (const frame of readCatalogFile(file.path, type, { width })) frames.push(frame as SeriesFrame);
  if (frames.length === 0) return undefined;
  return sortedByTs(frames.length === 1 ? frames[0]! : concatFrames(frames));
}

/** Drops rows of `fresh` the day already holds: trades by trade id, bars by close time. */
function withoutKnownRows(existing: SeriesFrame, fresh: SeriesFrame): SeriesFrame {
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

/** NautilusTrader needs one width and one metadata per folder: refuse to mix. */
async function checkCompatible(path: string, decl: StreamDecl, width: FixedWidth): Promise<void> {
  const file = await openCatalogFile(path);
  try {
    const plan = await planFileDecoding(file, decl.type);
    const m: FrameMeta = plan.meta;
    const same = plan.width === width && m.instrumentId === decl.meta.instrumentId && m.pricePrecision === decl.meta.pricePrecision && m.sizePrecision === decl.meta.sizePrecision && (decl.type !== 'bar' || m.barType === decl.meta.barType);
    if (!same) {
      throw new CaptureError(
        'CAPTURE_CONVERSION_CONFLICT',
        `${path} has ${plan.width * 8}-bit rows with metadata ${JSON.stringify(m)}, the capture ${width * 8}-bit rows with ${JSON.stringify(decl.meta)}; NautilusTrader needs one width and metadata per folder — capture into another catalog or rewrite the folder`,
        { path },
      );
    }
  } finally {
    await file.close();
  }
}
