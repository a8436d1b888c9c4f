/**
 * Runs backfill: gaps are cut into chunks on a fixed epoch grid, fetched with a cap on
 * concurrency, retried with exponential backoff and jitter, written through to storage
 * and recorded in the coverage ledger. Within a process each (series, chunk) is fetched
 * once: a second request for the same chunk joins the running one, and a request that
 * overlaps a running chunk waits for it and then fetches only what is still missing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
  /** Chunks this call found already running and joined. */
  readonly joined: number;
  readonly rows: number;
  readonly empty: TimeRange[];
}

interface ChunkResult {
  readonly rows: number;
  readonly empty: boolean;
}

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
    const outcome = { fetched: 0, joined: 0, rows: 0, empty: [] as TimeRange[] };
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

  private async runChunk(series: Series, chunk: TimeRange, signal: AbortSignal, outcome: { fetched: number; joined: number; rows: number; empty: TimeRange[] }): Promise<void> {
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
    const done = this.fetchAndStore(series, chunk, signal);
    const entry: Running = { range: chunk, done };
    this.running.set(series.nodeId, [...list, entry]);
    try {
      const result = await done;
      outcome.fetched++;
      outcome.rows += result.rows;
      if (result.empty) outcome.empty.push(chunk);
    } finally {
      const remaining = (this.running.get(series.nodeId) ?? []).filter((r) => r !== entry);
      if (remaining.length === 0) this.running.delete(series.nodeId);
      else this.running.set(series.nodeId, remaining);
    }
  }

  private async fetchAndStore(series: Series, chunk: TimeRange, signal: AbortSignal): Promise<ChunkResult> {
    const endProgress = this.ledger.beginProgress(series.nodeId, chunk);
    this.hooks.inProgress?.(1);
    try {
      const frame = await this.fetchWithRetries(series, chunk, signal);
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
