/**
 * A lock file holding the owner's process id, created exclusively. A lock whose process no
 * longer runs (left by `kill -9` or a crash) is taken over; one held by a live process is
 * refused with the error the caller builds, so each lock can say what to do in its words.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { CaptureError } from './errors.js';

/** Takes the lock at `path` (its folder must exist); returns the release function. */
export async function takePidLock(path: string, heldBy: (pid: number) => CaptureError): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) throw heldBy(pid);
    await rm(path, { force: true });
  }
  throw new CaptureError('CAPTURE_LOCKED', `${path} could not be taken; another capture may be starting at the same time`, { path });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
