/**
 * Turns sealed WAL segments into daily catalog files (see day-files.ts for how rows of one
 * (series, UTC day) are laid out: a few disjoint files while the day is recorded, one file
 * once a later day has rows).
 *
 * For each (series, day) a segment touches: collect its rows straight from the record
 * payloads, stage the new file(s) hidden and fsynced, note the swap in the state file
 * together with the (series, day) watermark, then make the files visible (link, remove what
 * they replace) and clear the note. A crash at any point neither loses nor repeats a row:
 * on restart the noted swap is finished and the segment's records at or below a watermark
 * are skipped (quotes have no identity, so this is what keeps them single).
 *
 * Readers may for a moment see a new file beside the one it replaces (between link and
 * unlink); they never see a partial file or a day with rows missing.
 */
import { link, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FolderScheme } from '../../catalog/data-types.js';
import { isCatalogError } from '../../catalog/errors.js';
import { checkFolderCompatible, existingFiles, exists, frameIdentifier, syncFolder, targetFolder } from '../../catalog/writer.js';
import type { FixedWidth } from '../../model/fixed-point.js';
import { type CaptureState, type PendingSwap, type StreamPosition, saveState, watermarkKey } from './capture-state.js';
import { type DayWrite, planCompaction, planDayWrite } from './day-files.js';
import { CaptureError } from './errors.js';
import { dayOf, splitByDay } from './frame-merge.js';
import type { GapLedger, RecordedGap } from './gap-ledger.js';
import { KIND_ROWS, RECORD_HEADER_BYTES, ROWS_FIXED, type StreamDecl, type WalRecord, decodeRecord, recordSeq } from './record-codec.js';
import { RowsBuilder } from './rows-builder.js';
import { walkSegment } from './wal-segment.js';

export interface ConverterOptions {
  readonly catalogRoot: string;
  readonly walDir: string;
  readonly width: FixedWidth;
  readonly state: CaptureState;
  readonly gaps: GapLedger;
  readonly scheme?: FolderScheme;
  /** Called for each series before any of its files is written; throws when another process writes it. */
  readonly claim?: (nodeId: string) => Promise<void>;
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
  readonly builder: RowsBuilder;
  maxSeq: bigint;
}

export class SegmentConverter {
  constructor(private readonly options: ConverterOptions) {}

  /** Finishes a day-file swap a crash interrupted (call before converting anything). */
  async finishPending(): Promise<void> {
    const { state, walDir } = this.options;
    if (!state.pending) return;
    // The swap writes that series' files: it waits for its claim like a conversion does.
    if (state.pending.nodeId !== undefined && this.options.claim) await this.options.claim(state.pending.nodeId);
    await applySwap(state.pending);
    state.pending = undefined;
    await saveState(walDir, state);
  }

  /** Converts one sealed segment and deletes it. */
  async convert(path: string): Promise<ConvertedSegment> {
    const { state, walDir } = this.options;
    const data = await readFile(path);
    const streams = new Map<number, StreamDecl>();
    const groups = new Map<string, DayGroup>();
    const gaps = new Map<string, RecordedGap[]>();
    const lastRows = new Map<string, { decl: StreamDecl; start: number; end: number; maxTs: bigint }>();
    let lastSeq = 0n;
    let skipped = 0;
    const where = (start: number): string => `${path} at byte ${start - RECORD_HEADER_BYTES}`;
    /** The group rows of (stream, day) go to, or undefined when the watermark says they are in. */
    const groupFor = (decl: StreamDecl, day: bigint, seq: bigint, rows: number): DayGroup | undefined => {
      const key = watermarkKey(decl.nodeId, day);
      if (seq <= (state.watermarks.get(key) ?? -1n)) {
        skipped += rows;
        return undefined;
      }
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { decl, day, builder: new RowsBuilder(decl), maxSeq: seq }));
      group.maxSeq = seq;
      return group;
    };
    const walk = walkSegment(data, (start, end) => {
      const seq = recordSeq(data, start);
      if (seq > lastSeq) lastSeq = seq;
      if (data[start] !== KIND_ROWS) {
        const record = decodeRecord(data.subarray(start, end), streams, where(start));
        if (record.kind === 'gap') {
          const nodeId = streams.get(record.stream)!.nodeId;
          gaps.set(nodeId, [...(gaps.get(nodeId) ?? []), { start: record.start, end: record.end, reason: record.reason }]);
        }
        return;
      }
      const decl = streams.get(data.readUInt16LE(start + 9));
      const n = end - start >= ROWS_FIXED ? data.readUInt32LE(start + 19) : 0;
      if (decl === undefined || end - start < ROWS_FIXED + n * 8) {
        decodeRecord(data.subarray(start, end), streams, where(start)); // throws the precise complaint
        return;
      }
      if (n === 0) return;
      // ts_init is every type's last column: the record's last n × 8 bytes.
      const tsAt = end - n * 8;
      let minTs = data.readBigUInt64LE(tsAt);
      let maxTs = minTs;
      for (let i = 1; i < n; i++) {
        const ts = data.readBigUInt64LE(tsAt + i * 8);
        if (ts < minTs) minTs = ts;
        if (ts > maxTs) maxTs = ts;
      }
      const previous = lastRows.get(decl.nodeId);
      if (previous) {
        previous.start = start;
        previous.end = end;
        if (maxTs > previous.maxTs) previous.maxTs = maxTs;
      } else {
        lastRows.set(decl.nodeId, { decl, start, end, maxTs });
      }
      const day = dayOf(minTs);
      if (day === dayOf(maxTs)) {
        groupFor(decl, day, seq, n)?.builder.appendPayload(data, start);
      } else {
        const record = decodeRecord(data.subarray(start, end), streams, where(start)) as Extract<WalRecord, { kind: 'rows' }>;
        for (const part of splitByDay(record.frame)) groupFor(decl, part.day, seq, part.frame.length)?.builder.appendFrame(part.frame);
      }
    });
    if (walk.damage) throw new CaptureError('CAPTURE_BAD_WAL', `${path}: ${walk.damage.reason} at byte ${walk.damage.offset}; a sealed segment must be whole — recovery cuts torn tails on start, so restart the capture`, { path });
    if (lastSeq === 0n) lastSeq = walk.firstSeq! - 1n;
    const positions = new Map<string, StreamPosition>();
    for (const [nodeId, last] of lastRows) {
      const tradeId = last.decl.type === 'trade_tick' ? lastTradeId(data.subarray(last.start, last.end), streams, where(last.start)) : undefined;
      positions.set(nodeId, { lastTs: last.maxTs, ...(tradeId !== undefined ? { lastTradeId: tradeId } : {}) });
    }

    if (this.options.claim) {
      for (const nodeId of new Set([...[...groups.values()].map((g) => g.decl.nodeId), ...gaps.keys()])) await this.options.claim(nodeId);
    }
    let rows = 0;
    const files: string[] = [];
    const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const newestDay = new Map<string, { decl: StreamDecl; day: bigint }>();
    for (const [key, group] of ordered) {
      const written = await this.#writeDay(key, group);
      rows += written.rows;
      skipped += written.skipped;
      files.push(...written.files);
      const seen = newestDay.get(group.decl.nodeId);
      if (!seen || group.day > seen.day) newestDay.set(group.decl.nodeId, { decl: group.decl, day: group.day });
    }
    for (const { decl, day } of newestDay.values()) files.push(...(await this.#compactBefore(decl, day)));
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

  async #writeDay(key: string, group: DayGroup): Promise<{ rows: number; skipped: number; files: string[] }> {
    const { state } = this.options;
    const target = await this.#target(group.decl);
    const plan = await planDayWrite(target, group.day, group.builder.build());
    state.watermarks.set(key, group.maxSeq);
    await this.#swap(plan, group.decl.nodeId);
    return { rows: plan.rows, skipped: plan.skipped, files: plan.staged.map((s) => s.path) };
  }

  /** Makes each day before the newest one written of a series a single daily file. */
  async #compactBefore(decl: StreamDecl, newestDay: bigint): Promise<string[]> {
    const target = await this.#target(decl);
    const days = new Set<bigint>();
    for (const file of await existingFiles(target.dir)) {
      const day = dayOf(file.interval.first);
      if (day < newestDay) days.add(day);
    }
    const written: string[] = [];
    for (const day of [...days].sort((a, b) => (a < b ? -1 : 1))) {
      const plan = await planCompaction(target, day);
      if (!plan) continue;
      await this.#swap(plan, decl.nodeId);
      written.push(...plan.staged.map((s) => s.path));
    }
    return written;
  }

  async #target(decl: StreamDecl): Promise<{ dir: string; decl: StreamDecl; width: FixedWidth; scheme?: FolderScheme }> {
    const { catalogRoot, width, scheme } = this.options;
    const dir = await targetFolder(catalogRoot, decl.type, frameIdentifier(decl.type, decl.meta), scheme);
    const all = await existingFiles(dir);
    if (all.length > 0) await checkCompatible(all[0]!.path, decl, width);
    return { dir, decl, width, ...(scheme ? { scheme } : {}) };
  }

  /** Notes the swap (with the watermarks already set) in the state file, then applies it. */
  async #swap(plan: DayWrite, nodeId: string): Promise<void> {
    const { state, walDir } = this.options;
    state.pending = plan.staged.length > 0 ? { staged: plan.staged.map((s) => ({ temp: s.temp, path: s.path })), replaces: plan.replaces, nodeId } : undefined;
    await saveState(walDir, state);
    if (state.pending) await applySwap(state.pending);
    state.pending = undefined;
  }
}

/** The trade id of a trade rows record's last row (only trades have one, so only they are decoded). */
function lastTradeId(bytes: Buffer, streams: Map<number, StreamDecl>, where: string): string | undefined {
  const record = decodeRecord(bytes, streams, where) as Extract<WalRecord, { kind: 'rows' }>;
  return (record.frame.columns as unknown as { trade_id: string[] }).trade_id.at(-1);
}

/** Makes staged day files visible and removes the files they replace; safe to repeat. */
async function applySwap(swap: PendingSwap): Promise<void> {
  for (const { temp, path } of swap.staged) {
    if (!(await exists(temp))) continue; // done before a crash
    if (swap.replaces.includes(path)) {
      await rename(temp, path); // same name: one atomic replace
    } else {
      try {
        await link(temp, path);
      } catch (error) {
        // Linked before a crash: the name is already there.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await rm(temp, { force: true });
    }
  }
  const finals = new Set(swap.staged.map((s) => s.path));
  for (const old of swap.replaces) if (!finals.has(old)) await rm(old, { force: true });
  const dirs = new Set([...swap.staged.map((s) => s.path), ...swap.replaces].map((p) => dirname(p)));
  for (const dir of dirs) await syncFolder(dir);
}

/** NautilusTrader needs one width and one metadata per folder: the catalog's check, under the capture's code. */
async function checkCompatible(path: string, decl: StreamDecl, width: FixedWidth): Promise<void> {
  try {
    await checkFolderCompatible(path, decl.type, width, decl.meta);
  } catch (error) {
    if (!isCatalogError(error, 'CATALOG_WIDTH_MISMATCH') && !isCatalogError(error, 'CATALOG_METADATA')) throw error;
    throw new CaptureError('CAPTURE_CONVERSION_CONFLICT', `${error.message} (capture into another catalog, or rewrite the folder; the segment stays in the WAL until then)`, { path }, error);
  }
}
