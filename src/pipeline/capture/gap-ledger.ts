/**
 * Gaps: ranges a live capture knows it is missing for good (quotes lost in a reconnect,
 * trades REST could not give back, time the capture was not running). The coverage ledger
 * (src/seamless/coverage-ledger.ts) knows `covered` and `empty` only, so gaps live beside
 * it in `<catalog>/.seamless/gaps/`, one JSON file per series named like the ledger's
 * (same slug + hash, so no node id can escape the folder), replaced atomically:
 *
 *   { "version": 1, "nodeId": "...", "gaps": [{ "start": "ns", "end": "ns", "reason": "..." }] }
 *
 * Ranges are half-open. Adding a gap that is already listed changes nothing, so replaying
 * a segment after a crash records each gap once.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfExists, replaceFile } from '../../seamless/durable-write.js';
import { ledgerFileName } from '../../seamless/ledger-store.js';
import { CaptureError } from './errors.js';

export interface RecordedGap {
  readonly start: bigint;
  readonly end: bigint;
  readonly reason: string;
}

const VERSION = 1;

/** `<catalog>/.seamless/gaps`, beside the coverage ledger's `<catalog>/.seamless/ledger`. */
export function gapLedgerDir(catalogRoot: string): string {
  return join(catalogRoot, '.seamless', 'gaps');
}

export class GapLedger {
  constructor(readonly dir: string) {}

  /** The gaps recorded for a series, sorted by start. */
  async get(nodeId: string): Promise<RecordedGap[]> {
    const path = join(this.dir, ledgerFileName(nodeId));
    const text = await readTextIfExists(path);
    if (text === undefined) return [];
    const bad = (why: string): CaptureError => new CaptureError('CAPTURE_BAD_WAL', `gap ledger file ${path} is corrupt (${why}); delete it — the gaps it listed are then unknown, the data is unaffected`, { path });
    let raw: { version?: unknown; nodeId?: unknown; gaps?: unknown };
    try {
      raw = JSON.parse(text) as typeof raw;
    } catch {
      throw bad('not JSON');
    }
    if (raw.version !== VERSION || raw.nodeId !== nodeId || !Array.isArray(raw.gaps)) throw bad('unexpected version, node id or shape');
    return raw.gaps.map((g: { start?: unknown; end?: unknown; reason?: unknown }, i) => {
      if (typeof g.start !== 'string' || typeof g.end !== 'string' || !/^\d+$/.test(g.start) || !/^\d+$/.test(g.end)) throw bad(`gaps[${i}] is not a pair of decimal ns strings`);
      return { start: BigInt(g.start), end: BigInt(g.end), reason: typeof g.reason === 'string' ? g.reason : '' };
    });
  }

  /** Adds gaps (those already listed are skipped). Resolves once durable. */
  async add(nodeId: string, gaps: readonly RecordedGap[]): Promise<void> {
    if (gaps.length === 0) return;
    const current = await this.get(nodeId);
    const key = (g: RecordedGap): string => `${g.start}:${g.end}:${g.reason}`;
    const seen = new Set(current.map(key));
    const fresh = gaps.filter((g) => g.end > g.start && !seen.has(key(g)));
    if (fresh.length === 0) return;
    const all = [...current, ...fresh].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const body = { version: VERSION, nodeId, gaps: all.map((g) => ({ start: g.start.toString(), end: g.end.toString(), reason: g.reason })) };
    await mkdir(this.dir, { recursive: true });
    await replaceFile(this.dir, ledgerFileName(nodeId), `${JSON.stringify(body)}\n`);
  }
}
