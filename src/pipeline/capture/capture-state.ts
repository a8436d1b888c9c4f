/**
 * What conversion has done, in `<wal>/state.json`, replaced atomically (temp, fsync, rename):
 *
 * - `lastSeq`: the highest sequence ever written, so sequences keep rising after every
 *   segment has been converted and deleted;
 * - `watermarks`: per (node id, UTC day) the highest sequence already merged into that day's
 *   catalog file. Converting a segment again (after a crash) skips those records, so no row
 *   is written twice. Entries are dropped once no segment can hold such sequences;
 * - `streams`: per node id the last row recorded (time, trade id), so a restart can fill the
 *   downtime from REST or record it as a gap;
 * - `pending`: a day-file swap in progress (staged temps → final names, old files to delete).
 *   It is written before the swap and cleared after, so a crash mid-swap is finished on start.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfExists, replaceFile } from '../../seamless/durable-write.js';
import { CaptureError } from './errors.js';

export const STATE_FILE = 'state.json';
const VERSION = 1;

export interface StreamPosition {
  /** ts_init of the last row recorded (ns). */
  readonly lastTs: bigint;
  /** Trade id of the last trade recorded (trade streams). */
  readonly lastTradeId?: string;
}

export interface PendingSwap {
  /** Staged, fsynced temp files and their final names. */
  readonly staged: ReadonlyArray<{ readonly temp: string; readonly path: string }>;
  /** Files of the day they replace (a final name may be one of them). */
  readonly replaces: readonly string[];
  /** The series whose files these are (absent in states written before series claims). */
  readonly nodeId?: string;
}

export interface CaptureState {
  lastSeq: bigint;
  readonly watermarks: Map<string, bigint>;
  readonly streams: Map<string, StreamPosition>;
  pending: PendingSwap | undefined;
}

export function emptyState(): CaptureState {
  return { lastSeq: 0n, watermarks: new Map(), streams: new Map(), pending: undefined };
}

export function watermarkKey(nodeId: string, day: bigint): string {
  return `${nodeId}|${day}`;
}

export async function loadState(walDir: string): Promise<CaptureState> {
  const path = join(walDir, STATE_FILE);
  const text = await readTextIfExists(path);
  if (text === undefined) return emptyState();
  const bad = (why: string): CaptureError =>
    new CaptureError('CAPTURE_BAD_WAL', `${path} is damaged (${why}). It is always replaced atomically, so this is not a crash: restore it from a backup, or delete it only after the catalog holds every segment's rows (deleting it can duplicate rows of segments still in the folder)`, { path });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('not JSON');
  }
  if (raw['version'] !== VERSION) throw bad(`version ${JSON.stringify(raw['version'])}, expected ${VERSION}`);
  const big = (value: unknown, what: string): bigint => {
    if (typeof value !== 'string' || !/^\d+$/.test(value)) throw bad(`${what} is not a decimal string`);
    return BigInt(value);
  };
  const state = emptyState();
  state.lastSeq = big(raw['lastSeq'], 'lastSeq');
  for (const [key, value] of Object.entries((raw['watermarks'] ?? {}) as Record<string, unknown>)) state.watermarks.set(key, big(value, `watermarks.${key}`));
  for (const [nodeId, value] of Object.entries((raw['streams'] ?? {}) as Record<string, { lastTs?: unknown; lastTradeId?: unknown }>)) {
    const lastTradeId = value.lastTradeId;
    state.streams.set(nodeId, { lastTs: big(value.lastTs, `streams.${nodeId}.lastTs`), ...(typeof lastTradeId === 'string' ? { lastTradeId } : {}) });
  }
  const pending = raw['pending'] as { staged?: Array<{ temp?: unknown; path?: unknown }>; replaces?: unknown[]; nodeId?: unknown } | undefined | null;
  if (pending) {
    const staged = pending.staged;
    if (!Array.isArray(staged) || !staged.every((s) => typeof s.temp === 'string' && typeof s.path === 'string') || !Array.isArray(pending.replaces)) throw bad('pending is incomplete');
    if (pending.nodeId !== undefined && (typeof pending.nodeId !== 'string' || pending.nodeId === '')) throw bad('pending.nodeId is not a series name');
    state.pending = { staged: staged.map((s) => ({ temp: String(s.temp), path: String(s.path) })), replaces: pending.replaces.map(String), ...(pending.nodeId !== undefined ? { nodeId: pending.nodeId } : {}) };
  }
  return state;
}

export async function saveState(walDir: string, state: CaptureState): Promise<void> {
  const body = {
    version: VERSION,
    lastSeq: state.lastSeq.toString(),
    watermarks: Object.fromEntries([...state.watermarks].map(([k, v]) => [k, v.toString()])),
    streams: Object.fromEntries([...state.streams].map(([k, v]) => [k, { lastTs: v.lastTs.toString(), ...(v.lastTradeId !== undefined ? { lastTradeId: v.lastTradeId } : {}) }])),
    pending: state.pending ?? null,
  };
  await mkdir(walDir, { recursive: true });
  await replaceFile(walDir, STATE_FILE, `${JSON.stringify(body, null, 1)}\n`);
}
