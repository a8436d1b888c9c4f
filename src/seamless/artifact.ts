/**
 * Result artifacts: a request's rows as a NautilusTrader-schema Parquet file plus a JSON
 * manifest, under `<dir>/<node id folder>/<fingerprint hex>/`.
 *
 * Crash-safe and idempotent: everything is written into a hidden temp folder beside the
 * target, fsynced, then the folder is renamed into place in one step, so a reader sees a
 * whole artifact or none. The fingerprint names the content, so an existing artifact with
 * the same fingerprint is returned as is (also when a concurrent writer wins the rename).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { encodeFramesToFile } from '../catalog/frame-encode.js';
import { frameIdentifier, syncFolder } from '../catalog/writer.js';
import { nsToIso } from '../model/time.js';
import { createSynced, readTextIfExists, writeSynced } from './durable-write.js';
import { SeamlessError } from './errors.js';
import type { Series, SeriesFrame } from './series.js';
import type { TimeRange } from './time-range.js';

export const DATA_FILE = 'data.parquet';
export const MANIFEST_FILE = 'manifest.json';
/** Longer folder names are shortened with a hash suffix (file systems cap names at 255 bytes). */
const MAX_FOLDER_CHARS = 160;

export interface ArtifactInput {
  readonly series: Series;
  readonly range: TimeRange;
  readonly frame: SeriesFrame | undefined;
  /** `datasetFingerprint(series, frame)`: names the artifact folder. */
  readonly fingerprint: string;
  readonly conformance?: unknown;
  /** Tiers the rows came from, e.g. ['storage', 'backfill']. */
  readonly tiers: readonly string[];
  /** The point in time the result reflects (ISO-8601), if the caller knows one. */
  readonly asOf?: string;
}

export interface ArtifactFileEntry {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ArtifactManifest {
  readonly version: 1;
  readonly nodeId: string;
  readonly dataType: string;
  readonly identifier: string;
  readonly range: { readonly start: string; readonly end: string; readonly startIso: string; readonly endIso: string };
  readonly rows: number;
  /** True when there were no rows, so no Parquet file was written. */
  readonly empty: boolean;
  readonly fingerprint: string;
  readonly tiers: readonly string[];
  readonly conformance: unknown;
  readonly asOf: string | null;
  readonly createdAt: string;
  readonly files: readonly ArtifactFileEntry[];
}

export interface WrittenArtifact {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: ArtifactManifest;
}

/** Writes (or finds) the artifact of a result. */
export async function writeArtifact(dir: string, input: ArtifactInput): Promise<WrittenArtifact> {
  const { series, frame } = input;
  const hex = fingerprintHex(input.fingerprint);
  if (frame && frame.type !== series.dataType) throw new RangeError(`artifact for ${series.nodeId} (${series.dataType}) cannot hold ${frame.type} rows`);
  const parent = insideDir(dir, nodeIdFolder(series.nodeId));
  const target = join(parent, hex);
  const manifestPath = join(target, MANIFEST_FILE);

  const existing = await readManifest(manifestPath);
  if (existing) return { dir: target, manifestPath, manifest: existing };

  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.tmp-${hex.slice(0, 16)}-${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  try {
    const rows = frame?.length ?? 0;
    const files = rows > 0 ? [await writeDataFile(join(temp, DATA_FILE), frame!)] : [];
    const manifest = buildManifest(input, rows, files);
    await writeSynced(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await syncFolder(temp);
    try {
      await rename(temp, target);
    } catch (error) {
      // A concurrent writer of the same fingerprint got there first: theirs is equivalent.
      const code = (error as NodeJS.ErrnoException).code;
      const winner = code === 'ENOTEMPTY' || code === 'EEXIST' ? await readManifest(manifestPath) : undefined;
      if (!winner) throw error;
      await rm(temp, { recursive: true, force: true });
      return { dir: target, manifestPath, manifest: winner };
    }
    await syncFolder(parent);
    return { dir: target, manifestPath, manifest };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Returns a node id as one safe folder name: bytes outside `[A-Za-z0-9._-]` become `%XX`
 * (so distinct ids stay distinct and `/`, `:` and `\` never reach the path), a leading
 * `.` is escaped too (no `.`, `..` or hidden folders), and overlong names get a hash suffix.
 */
export function nodeIdFolder(nodeId: string): string {
  if (nodeId === '') throw new SeamlessError('SEAMLESS_BAD_NODE_ID', 'node id is empty; pass one like ohlcv:binance:BTC/USDT:1m');
  let folder = '';
  for (const byte of Buffer.from(nodeId, 'utf8')) {
    const char = String.fromCharCode(byte);
    const plain = /[A-Za-z0-9_-]/.test(char) || (char === '.' && folder !== '');
    folder += plain ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (folder.length > MAX_FOLDER_CHARS) {
    const digest = createHash('sha256').update(nodeId, 'utf8').digest('hex').slice(0, 16);
    folder = `${folder.slice(0, MAX_FOLDER_CHARS - 17)}~${digest}`;
  }
  return folder;
}

function fingerprintHex(fingerprint: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(fingerprint);
  if (!match) throw new RangeError(`fingerprint must be "sha256:" and 64 lowercase hex digits (see datasetFingerprint), was ${JSON.stringify(fingerprint)}`);
  return match[1]!;
}

/** Joins a single folder name under `dir`, refusing anything that resolves elsewhere. */
function insideDir(dir: string, name: string): string {
  const base = resolve(dir);
  const joined = resolve(base, name);
  const rel = relative(base, joined);
  if (rel === '' || rel === '..' || isAbsolute(rel) || rel.includes(sep)) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `node id folder ${JSON.stringify(name)} does not stay inside ${base}`, { name });
  }
  return joined;
}

async function writeDataFile(path: string, frame: SeriesFrame): Promise<ArtifactFileEntry> {
  // Rejects bars without a bar type, as the catalog writer does, before any byte is written.
  frameIdentifier(frame.type, frame.meta);
  await createSynced(path, (handle) => encodeFramesToFile(handle, frame.type, frame.width, frame.meta, [frame], {}, path));
  return fileEntry(path);
}

async function fileEntry(path: string): Promise<ArtifactFileEntry> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { name: DATA_FILE, bytes, sha256: hash.digest('hex') };
}

function buildManifest(input: ArtifactInput, rows: number, files: ArtifactFileEntry[]): ArtifactManifest {
  const { series, range } = input;
  return {
    version: 1,
    nodeId: series.nodeId,
    dataType: series.dataType,
    identifier: series.identifier,
    range: { start: range.start.toString(), end: range.end.toString(), startIso: nsToIso(range.start), endIso: nsToIso(range.end) },
    rows,
    empty: rows === 0,
    fingerprint: input.fingerprint,
    tiers: [...input.tiers],
    conformance: input.conformance ?? null,
    asOf: input.asOf ?? null,
    createdAt: new Date().toISOString(),
    files,
  };
}

/** The manifest at `path`, or undefined when there is none yet. */
async function readManifest(path: string): Promise<ArtifactManifest | undefined> {
  const text = await readTextIfExists(path);
  return text === undefined ? undefined : (JSON.parse(text) as ArtifactManifest);
}
