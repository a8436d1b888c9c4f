/**
 * Replaces a set of catalog files by a set of staged files so that a crash at any moment
 * can be finished by `recoverSwaps`: no data is lost and, once recovered, no file is
 * visible twice.
 *
 * 1. The staged files are already fsynced under hidden temp names (writer.stageFile).
 * 2. A journal `.swap-<random>.json` listing every old path, its hidden "aside" name and
 *    every staged temp with its final name is written and fsynced.
 * 3. Old files are renamed to their hidden aside names (readers and Nautilus' `*.parquet`
 *    glob no longer see them).
 * 4. Staged files are linked into place (link refuses to replace an existing file).
 * 5. Aside files and then the journal are removed.
 *
 * A crash after step 2 is always rolled forward: every staged temp exists until it has been
 * linked, so the new files can be completed. Before step 2 nothing visible has changed.
 * An error (not a crash) during steps 3–4 is rolled back in-process instead.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CatalogError } from './errors.js';
import { type StagedFile, commitStaged, discardStaged, exists, sameFile, syncFolder, writeSynced } from './writer.js';

interface SwapJournal {
  readonly version: 1;
  readonly aside: Array<{ readonly path: string; readonly hidden: string }>;
  readonly staged: Array<{ readonly temp: string; readonly path: string }>;
}

export interface RecoveredSwap {
  readonly journal: string;
  /** Files that were completed (linked into place) by the recovery. */
  readonly completed: string[];
  /** Old files whose hidden copies the recovery removed. */
  readonly removed: string[];
}

/** A step of a swap, for fault-injection tests (see `setSwapStepHook`). */
export type SwapStep = 'journaled' | 'moved-aside' | 'linked';

let stepHook: ((step: SwapStep, index: number) => void | Promise<void>) | undefined;

/**
 * Installs a callback run after each step of every swap (tests use it to kill the process
 * mid-swap and prove that `recoverSwaps` finishes the job). Pass undefined to remove it.
 */
export function setSwapStepHook(hook: ((step: SwapStep, index: number) => void | Promise<void>) | undefined): void {
  stepHook = hook;
}

const JOURNAL = /^\.swap-[0-9a-f]+\.json$/;

/** Replaces `oldPaths` (all in the staged files' folder or folders) by the staged files. */
export async function swapFiles(oldPaths: readonly string[], staged: readonly StagedFile[]): Promise<void> {
  const dirs = [...new Set([...oldPaths, ...staged.map((s) => s.path)].map((p) => dirname(p)))];
  if (dirs.length === 0) return;
  const journalPath = join(dirs[0]!, `.swap-${randomBytes(6).toString('hex')}.json`);
  const journal: SwapJournal = {
    version: 1,
    aside: oldPaths.map((path) => ({ path, hidden: join(dirname(path), `.${basename(path)}.replaced.tmp`) })),
    staged: staged.map((s) => ({ temp: s.temp, path: s.path })),
  };
  try {
    await writeSynced(journalPath, JSON.stringify(journal));
    await syncFolder(dirname(journalPath));
  } catch (error) {
    await Promise.all(staged.map(discardStaged));
    throw error;
  }
  await stepHook?.('journaled', 0);
  const moved: Array<{ path: string; hidden: string }> = [];
  const linked: string[] = [];
  try {
    for (const [i, entry] of journal.aside.entries()) {
      await rename(entry.path, entry.hidden);
      moved.push(entry);
      await stepHook?.('moved-aside', i);
    }
    for (const [i, file] of staged.entries()) {
      await commitStaged(file);
      linked.push(file.path);
      await stepHook?.('linked', i);
    }
  } catch (error) {
    // An error, not a crash: put everything back as it was.
    await rollBack(journalPath, journal, moved, linked);
    throw error;
  }
  for (const { hidden } of journal.aside) await rm(hidden, { force: true });
  for (const dir of dirs) await syncFolder(dir);
  await rm(journalPath, { force: true });
}

async function rollBack(journalPath: string, journal: SwapJournal, moved: ReadonlyArray<{ path: string; hidden: string }>, linked: readonly string[]): Promise<void> {
  // Unlink only the new files this swap linked (a link that failed half-way still shares
  // its temp's inode), never a stranger's file of the same name.
  for (const { temp, path } of journal.staged) {
    if (linked.includes(path) || (await sameFile(temp, path))) await rm(path, { force: true });
  }
  for (const { path, hidden } of moved) await rename(hidden, path).catch(() => {});
  // The journal goes before the temps: a crash in between must not roll forward a swap
  // whose temps are half gone.
  await rm(journalPath, { force: true });
  for (const { temp } of journal.staged) await rm(temp, { force: true });
}

/**
 * Finishes every swap a crash interrupted in `dir` (journals left behind), rolling each one
 * forward. Returns what was done; [] when there was nothing to recover.
 *
 * Throws CatalogError `CATALOG_OVERLAP` when a new file cannot be linked because a different
 * file took its name meanwhile (the journal is kept; move that file away and run again).
 */
export async function recoverSwaps(dir: string): Promise<RecoveredSwap[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const recovered: RecoveredSwap[] = [];
  for (const name of names.filter((n) => JOURNAL.test(n)).sort()) {
    const journalPath = join(dir, name);
    const journal = await readJournal(journalPath);
    if (!journal) continue;
    recovered.push(await rollForward(journalPath, journal));
  }
  return recovered;
}

async function rollForward(journalPath: string, journal: SwapJournal): Promise<RecoveredSwap> {
  const completed: string[] = [];
  const removed: string[] = [];
  const tempsLeft = await someExist(journal.staged.map((s) => s.temp));
  // Once every temp is gone, every new file is in place and an old name may now hold a new
  // file: only the leftover aside copies remain to delete.
  if (tempsLeft || journal.staged.length === 0) {
    // While temps remain, linking happens only after every old file was moved aside, so a
    // visible old path without its aside copy is still the old file: move it now.
    for (const { path, hidden } of journal.aside) {
      if ((await exists(path)) && !(await exists(hidden))) await rename(path, hidden);
    }
    for (const { temp, path } of journal.staged) {
      if (!(await exists(temp))) continue;
      if (await exists(path)) {
        if (!(await sameFile(temp, path))) {
          throw new CatalogError('CATALOG_OVERLAP', `${path}: an interrupted maintenance run (${journalPath}) must put a file here, but another file has this name; move it away and run \`seamless maintain recover\` again`, { path });
        }
      } else {
        await link(temp, path);
        completed.push(path);
      }
      await rm(temp, { force: true });
    }
  }
  for (const { path, hidden } of journal.aside) {
    if (await exists(hidden)) {
      await rm(hidden, { force: true });
      removed.push(path);
    }
  }
  await syncFolder(dirname(journalPath));
  await rm(journalPath, { force: true });
  return { journal: journalPath, completed, removed };
}

async function readJournal(path: string): Promise<SwapJournal | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as SwapJournal;
    if (parsed.version !== 1 || !Array.isArray(parsed.aside) || !Array.isArray(parsed.staged)) throw new Error('unknown layout');
    return parsed;
  } catch (error) {
    // A journal torn by a crash while being written: the swap had not started, nothing changed.
    if (error instanceof SyntaxError) {
      await rm(path, { force: true });
      return undefined;
    }
    throw new CatalogError('CATALOG_CORRUPT_FILE', `${path}: unreadable maintenance journal (${(error as Error).message}); inspect it, then delete it`, { path, cause: error });
  }
}

async function someExist(paths: readonly string[]): Promise<boolean> {
  for (const path of paths) if (await exists(path)) return true;
  return false;
}
