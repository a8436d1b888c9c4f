/**
 * Runs backfill: gaps are cut into chunks on a fixed epoch grid, fetched with a cap on
 * concurrency, retried with exponential backoff and jitter, written through to storage
 * and recorded in the coverage ledger. Within a process each (series, chunk) is fetched
 * once: a second request for the same chunk joins the running one, and a request that
 * overlaps a running chunk waits for it and then fetches only what is still missing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackfillCoordinator } from './backfill-coordinator.js';
import type { Backfiller, WritableSource } from './contracts.js';
import { SeamlessError } from './errors.js';
import { keepTsWindow, joinFrames, sortByTs } from './frame-select.js';
import type { BackfillPolicy } from './provider-config.js';
import type { Series, SeriesFrame } from './series.js';
import { tsWindow } from './series-window.js';
import { type TimeRange, chunkRange, formatRange, intersectRanges } from './time-range.js';

/** What the runner records in the coverage ledger. */
export interface BackfillLedger {
  markCovered(nodeId: string, range: TimeRange): Promise<void>;
  markEmpty(nodeId: string, range: TimeRange): Promise<void>;
  beginProgress(nodeId: string, range: TimeRange): () => void;
}

/** Observers for metrics and cache invalidation; all optional. */
export interface BackfillHooks {
  call?(series: Series): void;
  retry?(series: Series, attempt: number, error: unknown): void;
  failure?(series: Series, error: unknown): void;
  inProgress?(delta: number): void;
  written?(series: Series, range: TimeRange, rows: number): void;
  /**
   * Whether an empty answer for `range` may be remembered as known-empty. A venue may not
   * have published the last moments yet, so the provider says no for very recent ranges.
   */
  mayRecordEmpty?(series: Series, range: TimeRange): boolean;
}

export interface FillOutcome {
  /** Chunks this call fetched itself. */
  readonly fetched: number;
  /** Chunks this call found already running and joined (here or in another process). */
  readonly joined: number;
  readonly rows: number;
  readonly empty: TimeRange[];
  /** Chunks not fetched on purpose (coordinator down under the skip policy), with why. */
  readonly skipped: { readonly range: TimeRange; readonly reason: string }[];
}

interface ChunkResult {
  readonly rows: number;
  readonly empty: boolean;
  /** Another worker fetched it. */
  readonly elsewhere?: boolean;
  readonly skipped?: string;
}

/** Errors another attempt cannot fix: an unknown symbol, a lost lease, a coordinator outage. */
const FINAL_ERRORS: ReadonlySet<string> = new Set(['SEAMLESS_UNKNOWN_SYMBOL', 'SEAMLESS_LEASE_LOST', 'SEAMLESS_COORDINATOR_DOWN', 'SEAMLESS_NO_BACKFILL']);

type MutableOutcome = { fetched: number; joined: number; rows: number; empty: TimeRange[]; skipped: { range: TimeRange; reason: string }[] };

interface Running {
  readonly range: TimeRange;
  readonly done: Promise<ChunkResult>;
}

export class BackfillRunner {
  private readonly running = new Map<string, Running[]>();

  constructor(
    readonly backfiller: Backfiller,
    private readonly target: WritableSource,
    private readonly ledger: BackfillLedger,
    readonly policy: BackfillPolicy,
    /** What of `range` is still missing now (storage and ledger), asked again after waiting. */
    private readonly stillMissing: (series: Series, range: TimeRange) => Promise<TimeRange[]>,
    private readonly hooks: BackfillHooks = {},
    private readonly random: () => number = Math.random,
    /** Shares chunks with workers in other processes; undefined: this process only. */
    private readonly coordinator?: BackfillCoordinator,
  ) {}

  /** Chunk length: `chunkBars` bars, or `tickChunkMs` for ticks and quotes. */
  chunkLength(series: Series): bigint {
    return series.stepNs !== undefined ? series.stepNs * BigInt(this.policy.chunkBars) : BigInt(this.policy.tickChunkMs) * 1_000_000n;
  }

  /** Fills the gaps; resolves when every chunk is stored, rejects on the first chunk that fails for good. */
  async fill(series: Series, gaps: readonly TimeRange[], signal?: AbortSignal): Promise<FillOutcome> {
    const chunks = gaps.flatMap((gap) => chunkRange(gap, this.chunkLength(series)));
    const stop = new AbortController();
    const linked = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const outcome: MutableOutcome = { fetched: 0, joined: 0, rows: 0, empty: [], skipped: [] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length && !linked.aborted) {
        const chunk = chunks[next++]!;
        try {
          await this.runChunk(series, chunk, linked, outcome);
        } catch (error) {
          stop.abort(error);
          throw error;
        }
      }
    };
    const workers = Array.from({ length: Math.min(this.policy.maxConcurrent, chunks.length) }, worker);
    const results = await Promise.allSettled(workers);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    signal?.throwIfAborted();
    return outcome;
  }

  private async runChunk(series: Series, chunk: TimeRange, signal: AbortSignal, outcome: MutableOutcome): Promise<void> {
    const list = this.running.get(series.nodeId) ?? [];
    const same = list.find((r) => r.range.start === chunk.start && r.range.end === chunk.end);
    if (same) {
      const result = await same.done;
      outcome.joined++;
      if (result.empty) outcome.empty.push(chunk);
      return;
    }
    const overlapping = list.filter((r) => intersectRanges([r.range], [chunk]).length > 0);
    if (overlapping.length > 0) {
      await Promise.allSettled(overlapping.map((r) => r.done));
      for (const piece of await this.stillMissing(series, chunk)) await this.runChunk(series, piece, signal, outcome);
      return;
    }
    const done = this.coordinated(series, chunk, signal);
    const entry: Running = { range: chunk, done };
    this.running.set(series.nodeId, [...list, entry]);
    try {
      const result = await done;
      if (result.skipped !== undefined) outcome.skipped.push({ range: chunk, reason: result.skipped });
      else if (result.elsewhere) outcome.joined++;
      else outcome.fetched++;
      outcome.rows += result.rows;
      if (result.empty) outcome.empty.push(chunk);
    } finally {
      const remaining = (this.running.get(series.nodeId) ?? []).filter((r) => r !== entry);
      if (remaining.length === 0) this.running.delete(series.nodeId);
      else this.running.set(series.nodeId, remaining);
    }
  }

  /**
   * With a coordinator: fetch only when it is this worker's turn; otherwise wait for the
   * worker that has the chunk, then fetch whatever storage still lacks (nothing, usually).
   */
  private async coordinated(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<ChunkResult> {
    if (!this.coordinator) return this.fetchAndStore(series, chunk, signal);
    let retry = false;
    for (;;) {
      signal.throwIfAborted();
      const turn = await this.coordinator.turn(series, chunk, retry);
      if (turn.kind === 'skipped') return { rows: 0, empty: false, skipped: turn.reason };
      if (turn.kind === 'elsewhere') {
        await this.coordinator.settled(series, chunk, signal);
        const missing = await this.stillMissing(series, chunk);
        if (missing.length === 0) return { rows: 0, empty: false, elsewhere: true };
        // Whole chunk still missing: the other worker gave up (or its storage is not ours).
        if (missing.length === 1 && missing[0]!.start === chunk.start && missing[0]!.end === chunk.end) {
          retry = true;
          continue;
        }
        let rows = 0;
        for (const piece of missing) rows += (await this.coordinated(series, piece, signal)).rows;
        return { rows, empty: false };
      }
      try {
        // Another worker may have stored it between our look at storage and the claim.
        if ((await this.stillMissing(series, chunk)).length === 0) {
          await turn.finished();
          return { rows: 0, empty: false, elsewhere: true };
        }
        const result = await this.fetchAndStore(series, chunk, turn.signal ? AbortSignal.any([signal, turn.signal]) : signal, () => turn.beforeCommit());
        await turn.finished();
        return result;
      } catch (error) {
        await turn.abandoned().catch(() => undefined);
        throw error;
      }
    }
  }

  private async fetchAndStore(series: Series, chunk: TimeRange, signal: AbortSignal, beforeCommit?: () => Promise<void>): Promise<ChunkResult> {
    const endProgress = this.ledger.beginProgress(series.nodeId, chunk);
    this.hooks.inProgress?.(1);
    try {
      const frame = await this.fetchWithRetries(series, chunk, signal);
      await beforeCommit?.();
      await this.target.write(series, chunk, frame);
      if (frame) await this.ledger.markCovered(series.nodeId, chunk);
      else if (this.hooks.mayRecordEmpty?.(series, chunk) ?? true) await this.ledger.markEmpty(series.nodeId, chunk);
      this.hooks.written?.(series, chunk, frame?.length ?? 0);
      return { rows: frame?.length ?? 0, empty: frame === undefined };
    } catch (error) {
      this.hooks.failure?.(series, error);
      throw error;
    } finally {
      this.hooks.inProgress?.(-1);
      endProgress();
    }
  }

  private async fetchWithRetries(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<SeriesFrame | undefined> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      this.hooks.call?.(series);
      try {
        return await this.fetchChunk(series, chunk, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof SeamlessError && FINAL_ERRORS.has(error.code)) throw error;
        if (attempt >= this.policy.maxAttempts) {
          throw new SeamlessError(
            'SEAMLESS_BACKFILL_FAILED',
            `backfill of ${series.nodeId} ${formatRange(chunk)} from ${this.backfiller.name} failed after ${attempt} attempt(s): ${error instanceof Error ? error.message : String(error)}; data stored so far is kept, so fetching again resumes from here`,
            { nodeId: series.nodeId, range: chunk, attempts: attempt },
            error,
          );
        }
        this.hooks.retry?.(series, attempt, error);
        await sleep(this.retryDelayMs(attempt), undefined, { signal });
      }
    }
  }

  /** `backoff × 2^(attempt-1)`, plus up to `jitterRatio` of that at random. */
  retryDelayMs(attempt: number): number {
    const base = this.policy.retryBackoffMs * 2 ** (attempt - 1);
    return base + base * this.policy.jitterRatio * this.random();
  }

  /** One chunk, in ts order, trimmed to the chunk so neighbours never share a row. */
  private async fetchChunk(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<SeriesFrame | undefined> {
    const batches: SeriesFrame[] = [];
    for await (const batch of this.backfiller.backfill(series, chunk, signal)) batches.push(batch);
    const joined = joinFrames(batches);
    if (!joined) return undefined;
    const window = tsWindow(series, chunk);
    const trimmed = sortByTs(keepTsWindow(joined, window.start, window.end));
    return trimmed.length > 0 ? trimmed : undefined;
  }
}
