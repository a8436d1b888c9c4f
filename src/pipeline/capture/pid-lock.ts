/**
 * A lock file holding the owner's process id. A lock whose process no longer runs (left by
 * `kill -9` or a crash) is taken over; one held by a live process is refused with the error
 * the caller builds, so each lock can say what to do in its words.
 *
 * Every step is atomic, so two processes racing for one lock never both hold it:
 * - the lock appears with its pid already in it (written to a private temp file, then
 *   hard-linked into place; `link` fails when the name exists), so nobody reads it empty;
 * - a stale lock is taken over by renaming it to a private name first: only one of two
 *   racers can move it, and what was moved is checked again before it is dropped;
 * - release removes the lock only while it still holds this process's pid.
 */
import { randomBytes } from 'node:crypto';
import { link, rename, rm, writeFile } from 'node:fs/promises';
import { readTextIfExists } from '../../seamless/durable-write.js';
import { CaptureError } from './errors.js';

/** Takes the lock at `path` (its folder must exist); returns the release function. */
export async function takePidLock(path: string, heldBy: (pid: number) => CaptureError): Promise<() => Promise<void>> {
  const mine = `${process.pid}\n`;
  const temp = privateName(path);
  await writeFile(temp, mine);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await linkIfAbsent(temp, path)) return () => releaseIfMine(path, mine);
      const holder = await pidIn(path);
      if (holder === undefined) continue; // released in between: try again
      if (holder !== process.pid && isRunning(holder)) throw heldBy(holder);
      await takeOverStale(path, heldBy);
    }
  } finally {
    await rm(temp, { force: true });
  }
  throw new CaptureError('CAPTURE_LOCKED', `${path} could not be taken; another capture may be starting at the same time`, { path });
}

/** Moves a stale lock out of the way; puts it back and refuses when it turned out live. */
async function takeOverStale(path: string, heldBy: (pid: number) => CaptureError): Promise<void> {
  const moved = privateName(path);
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it
    throw error;
  }
  // Between our read and the rename another racer may have taken the lock: then we moved theirs.
  const holder = await pidIn(moved);
  if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
    await linkIfAbsent(moved, path);
    await rm(moved, { force: true });
    throw heldBy(holder);
  }
  await rm(moved, { force: true });
}

async function linkIfAbsent(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function releaseIfMine(path: string, mine: string): Promise<void> {
  const text = await readTextIfExists(path);
  if (text === mine) await rm(path, { force: true });
}

/** The pid in a lock file, undefined when it is gone; content that is no pid reads as 0 (stale). */
async function pidIn(path: string): Promise<number | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

function privateName(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

function isRunning(pid: number): boolean {
  if (pid === 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
