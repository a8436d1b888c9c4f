/**
 * Per-series coverage ledger: which ranges were fetched and stored (`covered`) and which the
 * venue answered with nothing (`empty`), persisted beside the catalog so a closed market is
 * not asked again on every call and the knowledge survives restarts.
 *
 * - Latest knowledge wins: marking a span covered removes it from empty and vice versa.
 * - Every change re-reads the series' file and applies itself to what is on disk, so two
 *   processes marking different ranges keep each other's entries, and a `forget` by one is
 *   not undone by another's stale memory. Within a process, changes to one file run one at
 *   a time. Between processes there is no lock: two writes of the same series within the
 *   same few milliseconds can lose one of them, which costs a re-fetch, never wrong data
 *   (a lost `forget` is the exception: forget from one process at a time).
 * - `inProgress` is in-memory only, for this process. Persisting pids was rejected: pids are
 *   reused and meaningless across containers, so a stale claim could block a range forever.
 */
import { join } from 'node:path';
import { type LedgerRecord, ledgerFileName, listLedgerFiles, readLedgerFile, removeLedgerFile, writeLedgerFile } from './ledger-store.js';
import { type TimeRange, mergeRanges, subtractRanges } from './time-range.js';
import { SeamlessError } from './errors.js';

export interface SeriesCoverage {
  readonly covered: TimeRange[];
  readonly empty: TimeRange[];
  readonly inProgress: TimeRange[];
}

type Change = (record: LedgerRecord) => LedgerRecord;

export class CoverageLedger {
  readonly dir: string;
  readonly #records = new Map<string, LedgerRecord>();
  /** Live backfills per series; each `beginProgress` owns one token. */
  readonly #progress = new Map<string, Map<symbol, TimeRange>>();
  /** Tail of each file's write chain, so changes to one file never interleave. */
  readonly #chains = new Map<string, Promise<void>>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Loads every series file in `dir`. A missing folder is an empty ledger (created on first
   * write). Throws SEAMLESS_LEDGER_CORRUPT naming the first bad file.
   */
  static async open(dir: string): Promise<CoverageLedger> {
    const ledger = new CoverageLedger(dir);
    for (const name of await listLedgerFiles(dir)) {
      const path = join(dir, name);
      const record = await readLedgerFile(path);
      if (record === undefined) continue; // removed since the listing
      ledger.#checkName(record, name, path);
      ledger.#store(record);
    }
    return ledger;
  }

  /** Series with persisted knowledge, sorted. */
  nodeIds(): string[] {
    return [...this.#records.keys()].sort();
  }

  get(nodeId: string): SeriesCoverage {
    const record = this.#records.get(nodeId);
    return { covered: [...(record?.covered ?? [])], empty: [...(record?.empty ?? [])], inProgress: this.inProgress(nodeId) };
  }

  /** Ranges being backfilled by this process right now, merged. */
  inProgress(nodeId: string): TimeRange[] {
    return mergeRanges([...(this.#progress.get(nodeId)?.values() ?? [])]);
  }

  /** The parts of `window` neither covered nor known-empty (nor in `extraCovered`). */
  missing(nodeId: string, window: TimeRange, extraCovered: readonly TimeRange[] = []): TimeRange[] {
    const record = this.#records.get(nodeId);
    return subtractRanges([window], [...(record?.covered ?? []), ...(record?.empty ?? []), ...extraCovered]);
  }

  /** Records that `range` was fetched and stored in full. Resolves once durable. */
  markCovered(nodeId: string, range: TimeRange): Promise<void> {
    if (range.end <= range.start) return Promise.resolve();
    return this.#change(nodeId, (r) => ({
      nodeId,
      covered: mergeRanges([...r.covered, range]),
      empty: subtractRanges(r.empty, [range]),
    }));
  }

  /** Records that the venue had nothing in `range`. Resolves once durable. */
  markEmpty(nodeId: string, range: TimeRange): Promise<void> {
    if (range.end <= range.start) return Promise.resolve();
    return this.#change(nodeId, (r) => ({
      nodeId,
      covered: subtractRanges(r.covered, [range]),
      empty: mergeRanges([...r.empty, range]),
    }));
  }

  /** Drops what is known of `range` (or of the whole series), e.g. after catalog files were deleted. */
  forget(nodeId: string, range?: TimeRange): Promise<void> {
    return this.#change(nodeId, (r) => (range === undefined
      ? { nodeId, covered: [], empty: [] }
      : { nodeId, covered: subtractRanges(r.covered, [range]), empty: subtractRanges(r.empty, [range]) }));
  }

  /** Re-reads a series' file, picking up what other processes wrote since. */
  refresh(nodeId: string): Promise<void> {
    return this.#serialize(nodeId, async () => {
      this.#store(await this.#readCurrent(nodeId));
    });
  }

  /** Claims `range` as being backfilled by this process; call the returned function when done. */
  beginProgress(nodeId: string, range: TimeRange): () => void {
    const token = Symbol(nodeId);
    let claims = this.#progress.get(nodeId);
    if (claims === undefined) this.#progress.set(nodeId, (claims = new Map()));
    claims.set(token, range);
    return () => {
      // Idempotent: a second call (e.g. from both finally and a catch) is harmless.
      const current = this.#progress.get(nodeId);
      if (current === undefined) return;
      current.delete(token);
      if (current.size === 0) this.#progress.delete(nodeId);
    };
  }

  /** Applies `change` to the on-disk state of the series and persists the result. */
  #change(nodeId: string, change: Change): Promise<void> {
    return this.#serialize(nodeId, async () => {
      const next = change(await this.#readCurrent(nodeId));
      const name = ledgerFileName(nodeId);
      if (next.covered.length === 0 && next.empty.length === 0) await removeLedgerFile(this.dir, name);
      else await writeLedgerFile(this.dir, name, next);
      // Memory follows disk only once the write is durable.
      this.#store(next);
    });
  }

  /** The series' state as on disk now (empty when it has no file). */
  async #readCurrent(nodeId: string): Promise<LedgerRecord> {
    const name = ledgerFileName(nodeId);
    const path = join(this.dir, name);
    const record = await readLedgerFile(path);
    if (record === undefined) return { nodeId, covered: [], empty: [] };
    this.#checkName(record, name, path);
    return record;
  }

  #serialize(nodeId: string, task: () => Promise<void>): Promise<void> {
    const key = ledgerFileName(nodeId);
    const run = (this.#chains.get(key) ?? Promise.resolve()).then(task);
    // The chain continues past a failed task; the caller still sees the failure.
    const tail = run.catch(() => {});
    this.#chains.set(key, tail);
    void tail.then(() => {
      if (this.#chains.get(key) === tail) this.#chains.delete(key);
    });
    return run;
  }

  #store(record: LedgerRecord): void {
    if (record.covered.length === 0 && record.empty.length === 0) this.#records.delete(record.nodeId);
    else this.#records.set(record.nodeId, record);
  }

  /** A file under another series' name (copied or renamed by hand) would shadow that series. */
  #checkName(record: LedgerRecord, name: string, path: string): void {
    if (ledgerFileName(record.nodeId) !== name) {
      throw new SeamlessError(
        'SEAMLESS_LEDGER_CORRUPT',
        `coverage ledger file ${path} holds node id ${JSON.stringify(record.nodeId)}, whose file would be ${ledgerFileName(record.nodeId)}. Delete it; coverage is re-derived from the catalog's file names`,
        { path, nodeId: record.nodeId },
      );
    }
  }
}
