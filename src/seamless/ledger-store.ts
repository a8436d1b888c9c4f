/**
 * On-disk form of the coverage ledger: one small JSON file per series, written crash-safely
 * (temp file in the same folder, fsync, rename over, fsync folder) so a reader sees either
 * the old or the new file, never half of one.
 *
 * File format, version 1 (ns as decimal strings, ranges half-open and merged):
 *   { "version": 1, "nodeId": "...", "covered": [["s","e"], ...], "empty": [...], "updatedAt": "ISO" }
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFolder } from '../catalog/writer.js';
import { readTextIfExists, replaceFile } from './durable-write.js';
import { SeamlessError } from './errors.js';
import { type TimeRange, mergeRanges } from './time-range.js';

export const LEDGER_VERSION = 1;

/** What the ledger knows of one series; both lists merged and sorted. */
export interface LedgerRecord {
  readonly nodeId: string;
  readonly covered: readonly TimeRange[];
  readonly empty: readonly TimeRange[];
}

/** Names already made: every request asks for its series' name a few times (a hash each). */
const fileNames = new Map<string, string>();
const FILE_NAME_MEMO_SIZE = 4096;

/**
 * The file name of a series: a readable slug plus a hash of the full id. The slug keeps only
 * `[A-Za-z0-9_-]`, so no `/`, `.` or `..` can reach the path; the hash keeps ids that slug
 * alike (`a:b` vs `a/b`) apart.
 */
export function ledgerFileName(nodeId: string): string {
  let name = fileNames.get(nodeId);
  if (name === undefined) {
    const slug = nodeId.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
    const hash = createHash('sha256').update(nodeId, 'utf8').digest('hex').slice(0, 16);
    name = `${slug}-${hash}.json`;
    if (fileNames.size >= FILE_NAME_MEMO_SIZE) fileNames.clear();
    fileNames.set(nodeId, name);
  }
  return name;
}

/** Names of the ledger files in `dir`; none when the folder does not exist yet. */
export async function listLedgerFiles(dir: string): Promise<string[]> {
  try {
    // Hidden names are temp files of writes in flight (or of a crash); never ledger state.
    return (await readdir(dir)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Reads one ledger file; undefined when it does not exist. Throws SEAMLESS_LEDGER_CORRUPT. */
export async function readLedgerFile(path: string): Promise<LedgerRecord | undefined> {
  const text = await readTextIfExists(path);
  return text === undefined ? undefined : parseLedger(text, path);
}

/** Validates a ledger file's text; every defect names the file and the fix. */
export function parseLedger(text: string, path: string): LedgerRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not valid JSON (${(error as Error).message})`, error);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw corrupt(path, 'not a JSON object');
  const record = raw as Record<string, unknown>;
  if (record['version'] !== LEDGER_VERSION) throw corrupt(path, `unsupported version ${JSON.stringify(record['version'])}, expected ${LEDGER_VERSION}`);
  const nodeId = record['nodeId'];
  if (typeof nodeId !== 'string' || nodeId.length === 0) throw corrupt(path, 'nodeId is missing or not a string');
  return { nodeId, covered: parseRanges(record['covered'], 'covered', path), empty: parseRanges(record['empty'], 'empty', path) };
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseRanges(value: unknown, field: string, path: string): TimeRange[] {
  if (!Array.isArray(value)) throw corrupt(path, `${field} is not an array`);
  const ranges = value.map((pair: unknown, i): TimeRange => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((ns) => typeof ns === 'string' && DECIMAL.test(ns))) {
      throw corrupt(path, `${field}[${i}] is not a pair of decimal ns strings`);
    }
    const start = BigInt(pair[0] as string);
    const end = BigInt(pair[1] as string);
    if (end <= start) throw corrupt(path, `${field}[${i}] ends before it starts ([${start}, ${end}))`);
    return { start, end };
  });
  return mergeRanges(ranges);
}

function corrupt(path: string, why: string, cause?: unknown): SeamlessError {
  return new SeamlessError(
    'SEAMLESS_LEDGER_CORRUPT',
    `coverage ledger file ${path} is corrupt: ${why}. Delete it; coverage is re-derived from the catalog's file names (at worst some ranges are fetched again)`,
    { path },
    cause,
  );
}

/** The file's JSON text (stable field order, so equal states give equal files). */
export function formatLedger(record: LedgerRecord, updatedAt: Date = new Date()): string {
  const pairs = (ranges: readonly TimeRange[]) => ranges.map((r) => [r.start.toString(), r.end.toString()]);
  const body = { version: LEDGER_VERSION, nodeId: record.nodeId, covered: pairs(record.covered), empty: pairs(record.empty), updatedAt: updatedAt.toISOString() };
  return `${JSON.stringify(body)}\n`;
}

/** Replaces `dir/name` atomically and durably; creates `dir` on first use. */
export async function writeLedgerFile(dir: string, name: string, record: LedgerRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  await replaceFile(dir, name, formatLedger(record));
}

/** Removes a series' file (when nothing is known of it any more). */
export async function removeLedgerFile(dir: string, name: string): Promise<void> {
  await rm(join(dir, name), { force: true });
  await syncFolder(dir);
}
