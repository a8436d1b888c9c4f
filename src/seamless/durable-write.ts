/**
 * Crash-safe file writing shared by the ledger and the result artifacts: new files are
 * created exclusively and fsynced before anyone relies on them, and a replaced file goes
 * through a temp file in the same folder, a rename over the old one and an fsync of the
 * folder, so a reader sees the old or the new file, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFolder, writeSynced } from '../catalog/writer.js';

// Live in the catalog (its swap journal needs them too, and it must not import seamless).
export { createSynced, writeSynced } from '../catalog/writer.js';

/** Replaces `dir/name` with `text` atomically and durably (`dir` must exist). */
export async function replaceFile(dir: string, name: string, text: string): Promise<void> {
  // A hidden name, so folder listings never take a write in flight (or of a crash) for data.
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  await writeSynced(temp, text);
  try {
    // rename() replaces the old file in one step: readers see old or new, never a mix.
    await rename(temp, join(dir, name));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

/** The UTF-8 text of `path`, or undefined when there is no such file. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
