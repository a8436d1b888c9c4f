/**
 * Start-up of a WAL folder: take its lock, cut the torn tail of every segment a crash left,
 * and find the next sequence. Every segment found on start is sealed (the process that
 * wrote it is gone); the daemon converts them before it records anything new.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureError } from './errors.js';
import { takePidLock } from './pid-lock.js';
import { type RecoveredSegment, parseSegmentName, recoverSegment } from './wal-segment.js';

const LOCK_FILE = 'LOCK';

export interface RecoveredWal {
  /** Segments holding records, oldest first. */
  readonly segments: RecoveredSegment[];
  /** Highest sequence in any segment (0n when none). */
  readonly lastSeq: bigint;
}

/** Lists segment files, oldest first. */
export async function listSegments(walDir: string): Promise<string[]> {
  const names = await readdir(walDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((n) => parseSegmentName(n) !== undefined).sort().map((n) => join(walDir, n));
}

export async function recoverWal(walDir: string): Promise<RecoveredWal> {
  const segments: RecoveredSegment[] = [];
  let lastSeq = 0n;
  for (const path of await listSegments(walDir)) {
    const recovered = await recoverSegment(path);
    const seq = recovered.lastSeq;
    if (seq === undefined) {
      // Nothing acknowledged in it; remove so its name is free for the next segment.
      await rm(path, { force: true });
      continue;
    }
    if (seq > lastSeq) lastSeq = seq;
    segments.push(recovered);
  }
  return { segments, lastSeq };
}

/**
 * Takes `<wal>/LOCK` for this process: one capture per WAL folder. A lock left by a process
 * that no longer runs (after `kill -9`) is taken over. Returns the release function.
 */
export async function lockWal(walDir: string): Promise<() => Promise<void>> {
  await mkdir(walDir, { recursive: true });
  const path = join(walDir, LOCK_FILE);
  return takePidLock(path, (pid) => new CaptureError('CAPTURE_LOCKED', `${walDir} is in use by process ${pid}; run one capture per WAL folder (give another --wal), or stop that process first`, { path, pid }));
}
