/**
 * Writes market data into a catalog the way NautilusTrader's `write_data` lays it out —
 * `data/<type folder>/<escaped identifier>/<first>_<last>.parquet` — but safely:
 *
 * - the overlap check against the folder's existing files runs before anything is written
 *   (1.221.0 writes first, then asserts, and leaves the file behind);
 * - width and metadata must match the folder's existing files (Nautilus ≥1.222 registers
 *   whole folders and fails on mixed metadata; a wrong width cannot be read at all);
 * - the file is staged as a hidden temp file in the same folder, fsynced, then renamed, so
 *   a reader never sees a partial file and a crash leaves no visible debris.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type FrameMeta, type MarketDataType, tsInitOf } from '../model/frames.js';
import { type FolderScheme, chooseWriteFolder, resolveDataType } from './data-types.js';
import { CatalogError } from './errors.js';
import { formatFileName, parseFileName } from './file-names.js';
import { type EncodeOptions, encodeFramesToFile } from './frame-encode.js';
import { planFileDecoding } from './frame-decode.js';
import { identifierFolder, safeJoin } from './identifier-path.js';
import { type Interval, intervalsOverlap } from './intervals.js';
import { CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';

export interface WriteOptions extends EncodeOptions {
  /** Folder naming to use when the catalog has none for this type yet (default py1222). */
  readonly scheme?: FolderScheme;
  /**
   * A wider closed interval to record in the file name than the data spans, as Nautilus'
   * `write_data(start=, end=)` does, to mark a requested range as covered.
   */
  readonly interval?: Interval;
  /** Skip the overlap check (Nautilus' `skip_disjoint_check`). */
  readonly skipDisjointCheck?: boolean;
}

export interface WrittenFile {
  readonly path: string;
  readonly rows: number;
  readonly interval: Interval;
  readonly bytes: number;
}

/** Returns the identifier a frame is filed under: the bar type for bars, else the instrument id. */
export function frameIdentifier(type: MarketDataType, meta: FrameMeta): string {
  if (type === 'bar') {
    if (!meta.barType) throw new CatalogError('CATALOG_METADATA', 'bar frames need meta.barType (e.g. "BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL")');
    return meta.barType;
  }
  return meta.instrumentId;
}

/** Returns the folder a (type, identifier) is written to, creating nothing. */
export async function targetFolder(root: string, type: MarketDataType, identifier: string, scheme?: FolderScheme): Promise<string> {
  const layout = new CatalogLayout(root);
  const folder = chooseWriteFolder(resolveDataType(type), await layout.listDataFolders(), scheme);
  return safeJoin(root, 'data', folder, identifierFolder(identifier));
}

/**
 * Writes one file holding `frames` (one type, width and metadata, sorted by `ts_init`).
 * Accepts frames in memory (checked before writing) or a stream (checked before the file
 * becomes visible).
 */
export async function writeFrames<T extends MarketDataType>(
  root: string,
  type: T,
  width: FixedWidth,
  meta: FrameMeta,
  frames: Iterable<Frame<T>> | AsyncIterable<Frame<T>>,
  options: WriteOptions = {},
): Promise<WrittenFile> {
  const identifier = frameIdentifier(type, meta);
  const dir = await targetFolder(root, type, identifier, options.scheme);
  const existing = await existingFiles(dir);
  if (existing.length > 0) await checkFolderCompatible(existing[0]!.path, type, width, meta);

  // Frames in memory: the interval is known, so overlaps are refused before writing.
  if (Array.isArray(frames)) {
    const interval = fileInterval(frames as Frame<T>[], options.interval, dir);
    if (interval && !options.skipDisjointCheck) checkDisjoint(existing, interval, dir);
  }
  const staged = await stageFile(dir, type, width, meta, frames, options);
  try {
    if (!options.skipDisjointCheck) checkDisjoint(await existingFiles(dir), staged.interval, dir);
    return await commitStaged(staged);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
}

/** A file written under a hidden temp name in its final folder, not yet visible. */
export interface StagedFile extends WrittenFile {
  readonly temp: string;
}

/** Encodes frames into a hidden, fsynced temp file in `dir`; nothing is visible yet. */
export async function stageFile<T extends MarketDataType>(
  dir: string,
  type: T,
  width: FixedWidth,
  meta: FrameMeta,
  frames: Iterable<Frame<T>> | AsyncIterable<Frame<T>>,
  options: WriteOptions = {},
): Promise<StagedFile> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.parquet.tmp`);
  const handle = await open(temp, 'wx');
  try {
    const encoded = await encodeFramesToFile(handle, type, width, meta, frames, options, dir);
    if (encoded.first === undefined) throw new CatalogError('CATALOG_METADATA', `${dir}: nothing to write (no rows); a catalog file holds at least one row`);
    const interval = widen({ first: encoded.first, last: encoded.last! }, options.interval, dir);
    await handle.sync();
    await handle.close();
    return { temp, path: join(dir, formatFileName(interval.first, interval.last)), rows: encoded.rows, interval, bytes: encoded.bytes };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

/** Renames a staged file to its final name, refusing to replace an existing file. */
export async function commitStaged(staged: StagedFile): Promise<WrittenFile> {
  // link() fails if the name exists, so a concurrent writer can never be overwritten.
  try {
    await link(staged.temp, staged.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CatalogError('CATALOG_OVERLAP', `${staged.path} already exists; delete or consolidate it first`, { path: staged.path });
    }
    throw error;
  }
  await rm(staged.temp, { force: true });
  await syncFolder(dirname(staged.path));
  const { temp: _temp, ...written } = staged;
  return written;
}

/** Removes a staged temp file. */
export async function discardStaged(staged: StagedFile): Promise<void> {
  await rm(staged.temp, { force: true });
}

export interface ExistingFile {
  path: string;
  interval: Interval;
}

/** Returns the named (interval-bearing) Parquet files of one folder, sorted by start. */
export async function existingFiles(dir: string): Promise<ExistingFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: ExistingFile[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.parquet')) continue;
    const interval = parseFileName(name);
    if (interval) out.push({ path: join(dir, name), interval });
  }
  return out.sort((a, b) => (a.interval.first < b.interval.first ? -1 : 1));
}

function fileInterval(frames: readonly Frame[], declared: Interval | undefined, dir: string): Interval | undefined {
  let first: bigint | undefined;
  let last: bigint | undefined;
  for (const frame of frames) {
    if (frame.length === 0) continue;
    const ts = tsInitOf(frame);
    first ??= ts[0]!;
    last = ts[ts.length - 1]!;
  }
  if (first === undefined) return undefined;
  return widen({ first, last: last! }, declared, dir);
}

function widen(data: Interval, declared: Interval | undefined, dir: string): Interval {
  if (!declared) return data;
  if (declared.first > data.first || declared.last < data.last) {
    throw new CatalogError('CATALOG_METADATA', `${dir}: declared interval [${declared.first}, ${declared.last}] does not contain the data's ts_init range [${data.first}, ${data.last}]; widen it`);
  }
  return declared;
}

function checkDisjoint(existing: readonly ExistingFile[], interval: Interval, dir: string): void {
  const clash = existing.find((f) => intervalsOverlap(f.interval, interval));
  if (clash) {
    throw new CatalogError(
      'CATALOG_OVERLAP',
      `${dir}: new data [${interval.first}, ${interval.last}] overlaps ${clash.path} [${clash.interval.first}, ${clash.interval.last}]; write only the missing range (see \`catalog intervals --missing\`) or delete the range first`,
      { path: clash.path },
    );
  }
}

/** The width and metadata of the folder holding catalog file `path`, read from that file (one of each per folder). */
export async function folderMeta(path: string, type: MarketDataType): Promise<{ readonly width: FixedWidth; readonly meta: FrameMeta }> {
  const file = await openCatalogFile(path);
  try {
    const plan = await planFileDecoding(file, type);
    return { width: plan.width, meta: plan.meta };
  } finally {
    await file.close();
  }
}

/** Refuses to add `width`-wide data with `meta` to the folder holding `path` when its files differ (one width and metadata per folder). */
export async function checkFolderCompatible(path: string, type: MarketDataType, width: FixedWidth, meta: FrameMeta): Promise<void> {
  const folder = await folderMeta(path, type);
  if (folder.width !== width) {
    throw new CatalogError(
      'CATALOG_WIDTH_MISMATCH',
      `${path}: the folder holds ${folder.width * 8}-bit files; writing ${width * 8}-bit data beside them would break NautilusTrader's reads — write with width ${folder.width}`,
      { path },
    );
  }
  const m = folder.meta;
  if (m.instrumentId !== meta.instrumentId || m.pricePrecision !== meta.pricePrecision || m.sizePrecision !== meta.sizePrecision || (type === 'bar' && m.barType !== meta.barType)) {
    throw new CatalogError(
      'CATALOG_METADATA',
      `${path}: the folder's files have metadata ${JSON.stringify(m)}, the new data ${JSON.stringify(meta)}; NautilusTrader needs one metadata per folder — use the same precisions`,
      { path },
    );
  }
}

export async function syncFolder(dir: string): Promise<void> {
  // Makes the rename durable; not every platform allows fsync on a directory.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Creates `path` (failing if it exists), lets `write` fill it, then fsyncs and closes it.
 * When any of that fails the partial file is removed.
 */
export async function createSynced(path: string, write: (handle: FileHandle) => Promise<unknown>): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await write(handle);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}

/** `createSynced` with UTF-8 `text` as the content. */
export function writeSynced(path: string, text: string): Promise<void> {
  return createSynced(path, (handle) => handle.writeFile(text, 'utf8'));
}

/** Whether `path` exists (crash recovery asks which step a file got to). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Whether `a` and `b` are one file under two names (a link made before a crash). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return x !== null && y !== null && x.dev === y.dev && x.ino === y.ino;
}
