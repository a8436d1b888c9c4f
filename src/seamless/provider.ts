/**
 * The seamless history provider: one `fetch` over memory cache → storage → backfill →
 * live tail, with a strategy that says what to do about missing data, conformance on every
 * answer, stabilisation of the newest bars, SLA budgets, metrics and result metadata.
 *
 * Strategies:
 * - FAIL_FAST: storage only; missing ranges are an error that names them.
 * - PARTIAL: answer with what storage has now; missing gaps (only those) fill in the background.
 * - AUTO_BACKFILL: fill missing gaps (each chunk once), then read everything back from storage.
 * - SEAMLESS: AUTO_BACKFILL plus the rows of the live tail after what history holds.
 */
import type { CoverageLedger } from './coverage-ledger.js';
import { type ConformanceReport, DEFAULT_MAX_SPREAD_RATIO, StreamProof, checkConformanceFrames, provable } from './conformance/index.js';
import type { BackfillCoordinator } from './backfill-coordinator.js';
import type { Backfiller, LiveFeed, SourceSnapshot, StorageStreamOptions, WritableSource } from './contracts.js';
import { SeamlessError } from './errors.js';
import type { Downgrade, FetchMeta, FetchResult, Tier } from './fetch-result.js';
import { FingerprintBuilder, datasetFingerprint } from './fingerprint.js';
import { joinFrames, sortByTs } from './frame-select.js';
import { BackfillRunner, type FillOutcome } from './backfill-runner.js';
import { LiveTail } from './live-tail.js';
import { MemoryCache, cacheKey, frameBytes } from './memory-cache.js';
import { SeamlessMetrics } from './metrics.js';
import { DEFAULT_BACKFILL_POLICY, type ProviderConfig, type Strategy } from './provider-config.js';
import type { Series, SeriesFrame } from './series.js';
import { historyHorizon, planningWindow } from './series-window.js';
import { SlaTracker } from './sla.js';
import { stabilize } from './stabilize.js';
import type { Symbology } from './symbology.js';
import { type TimeRange, checkRange, formatRange, intersectRanges, mergeRanges, missingRanges, totalLength } from './time-range.js';
import { writeArtifact } from './artifact.js';
import { tsInitOf } from '../model/frames.js';

export interface ProviderParts {
  readonly config: ProviderConfig;
  readonly symbology: Symbology;
  readonly storage: WritableSource;
  readonly ledger: CoverageLedger;
  readonly backfiller?: Backfiller;
  readonly live?: LiveFeed;
  readonly metrics?: SeamlessMetrics;
  /** Wall clock in ns; injectable so tests can stand at a chosen instant. */
  readonly clock?: () => bigint;
  /** Random source for retry jitter. */
  readonly random?: () => number;
  /** Shares backfill chunks with workers in other processes (Redis leases). */
  readonly coordinator?: BackfillCoordinator;
  /** Connections the provider owns (exchanges, databases), closed by `close()`. */
  readonly resources?: ReadonlyArray<{ close(): Promise<void> }>;
}

export interface FetchOptions {
  readonly strategy?: Strategy;
  /** Reproducibility key: results for different `asOf` never share a cache entry. */
  readonly asOf?: string;
  readonly signal?: AbortSignal;
  /** Write a Parquet artifact and manifest (default: when the config names a folder). */
  readonly artifact?: boolean;
  /** Skip the memory cache for this call (neither read nor stored). */
  readonly noCache?: boolean;
}

/** What storage and the ledger hold for a series at one moment (SeamlessProvider.survey). */
export interface StorageSurvey {
  /** Storage's coverage merged with the ledger's fetched and known-empty ranges. */
  readonly covered: TimeRange[];
  /** Reads exactly the files the coverage came from, when storage can (SourceSnapshot). */
  readonly snapshot: SourceSnapshot | undefined;
}

interface CachedAnswer {
  readonly frames: readonly SeriesFrame[];
  readonly meta: FetchMeta;
  readonly fingerprint: () => string;
}

export class SeamlessProvider {
  readonly config: ProviderConfig;
  readonly symbology: Symbology;
  readonly storage: WritableSource;
  readonly ledger: CoverageLedger;
  readonly metrics: SeamlessMetrics;
  readonly live: LiveFeed | undefined;
  private readonly resources: ReadonlyArray<{ close(): Promise<void> }>;
  private readonly runner: BackfillRunner | undefined;
  private readonly cache: MemoryCache<CachedAnswer> | undefined;
  private readonly clock: () => bigint;
  private readonly tails = new Map<string, LiveTail>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly variant: string;
  /** The last error of a background fill, for `idle()` callers and diagnostics. */
  lastBackgroundError: unknown;

  constructor(parts: ProviderParts) {
    this.config = parts.config;
    this.symbology = parts.symbology;
    this.storage = parts.storage;
    this.ledger = parts.ledger;
    this.live = parts.live;
    this.resources = parts.resources ?? [];
    this.metrics = parts.metrics ?? new SeamlessMetrics();
    this.clock = parts.clock ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.cache = parts.config.cache ? new MemoryCache<CachedAnswer>({ maxBytes: parts.config.cache.maxBytes, ttlMs: parts.config.cache.ttlMs }) : undefined;
    this.variant = JSON.stringify([parts.config.conformance, parts.config.stabilizationBars]);
    if (parts.backfiller) {
      this.runner = new BackfillRunner(
        parts.backfiller,
        parts.storage,
        parts.ledger,
        parts.config.backfill?.policy ?? DEFAULT_BACKFILL_POLICY,
        async (series, range) => missingRanges(await this.coverage(series), range),
        {
          call: (s) => this.metrics.backfillCall(s.nodeId),
          retry: (s) => this.metrics.backfillRetry(s.nodeId),
          failure: (s) => this.metrics.backfillFailure(s.nodeId),
          inProgress: (d) => this.metrics.backfillInProgress(d),
          written: (s) => this.cache?.invalidateSeries(s.nodeId),
          mayRecordEmpty: (s, range) => range.end <= this.clock() - recentWindow(s),
        },
        parts.random,
        parts.coordinator,
      );
    }
  }

  /** The provider's clock, in ns. */
  now(): bigint {
    return this.clock();
  }

  get canBackfill(): boolean {
    return this.runner !== undefined;
  }

  /** What storage holds for a series, plus what the ledger knows (fetched, known-empty). */
  async coverage(series: Series): Promise<TimeRange[]> {
    return (await this.survey(series)).covered;
  }

  /**
   * `coverage`, with storage's snapshot when it offers one, so a request reads the very
   * files its coverage came from without listing them again (a replay: for a whole pass).
   */
  async survey(series: Series): Promise<StorageSurvey> {
    // Two independent file-system reads: wait for them together.
    const [stored] = await Promise.all([
      this.storage.snapshot ? this.storage.snapshot(series) : this.storage.coverage(series).then((coverage) => ({ coverage, stream: undefined })),
      this.ledger.refresh(series.nodeId),
    ]);
    const ledger = this.ledger.get(series.nodeId);
    return { covered: mergeRanges([...stored.coverage, ...ledger.covered, ...ledger.empty]), snapshot: stored.stream ? stored : undefined };
  }

  /** Resolves when every background fill started so far has ended. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Stops live subscriptions; waits for background fills. */
  async close(): Promise<void> {
    for (const tail of this.tails.values()) tail.close();
    await Promise.allSettled([...this.tails.values()].map((t) => t.done));
    this.tails.clear();
    await this.idle();
    await Promise.allSettled(this.resources.map((r) => r.close()));
  }

  async fetch(nodeId: string, range: TimeRange, options: FetchOptions = {}): Promise<FetchResult> {
    const started = performance.now();
    const strategy = options.strategy ?? this.config.strategy;
    try {
      const series = this.symbology.series(nodeId);
      checkRange(range);
      const result = await this.fetchSeries(series, range, strategy, options, started);
      this.metrics.observeRequest(strategy, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.observeRequest(strategy, 'error', (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async fetchSeries(series: Series, range: TimeRange, strategy: Strategy, options: FetchOptions, started: number): Promise<FetchResult> {
    const key = cacheKey(series.nodeId, range, options.asOf, this.variant);
    if (this.cache && !options.noCache) {
      const hit = this.cache.get(key);
      this.metrics.cacheLookup(series.nodeId, hit !== undefined);
      if (hit) {
        this.metrics.rowsServed(series.nodeId, 'cache', hit.meta.rows);
        const meta: FetchMeta = { ...hit.meta, tiers: ['cache'], cached: true, elapsedMs: performance.now() - started };
        return fetchResult(series, hit.frames, meta, hit.fingerprint);
      }
    }
    const sla = new SlaTracker(this.config.sla, this.metrics);
    const now = this.clock();
    const answer = await this.serve(series, range, strategy, now, sla, options);
    sla.finish();
    const slaDowngrade = sla.downgrade();
    const downgrade: Downgrade | undefined = slaDowngrade
      ? { mode: slaDowngrade.mode, reason: 'sla_violation', violations: slaDowngrade.violations }
      : answer.downgrade;
    const frames = answer.frames;
    const fingerprint = memo(() => fingerprintOf(series, frames));
    let artifact: FetchMeta['artifact'];
    if (this.config.artifactsDir && options.artifact !== false) {
      const written = await writeArtifact(this.config.artifactsDir, {
        series, range, frame: joinFrames(frames), fingerprint: fingerprint(), conformance: answer.conformance, tiers: answer.tiers, ...(options.asOf ? { asOf: options.asOf } : {}),
      });
      artifact = { dir: written.dir, manifestPath: written.manifestPath };
    }
    const meta: FetchMeta = {
      nodeId: series.nodeId,
      range,
      strategy,
      rows: answer.rows,
      tiers: answer.tiers,
      rowsByTier: answer.rowsByTier,
      coverage: { ...boundsOf(frames), ratio: answer.ratio, missing: answer.missing },
      backfill: answer.backfill,
      conformance: answer.conformance,
      stabilizedRows: answer.stabilizedRows,
      ...(downgrade ? { downgrade } : {}),
      ...(artifact ? { artifact } : {}),
      elapsedMs: performance.now() - started,
      cached: false,
    };
    this.metrics.coverageRatio(series.nodeId, answer.ratio);
    for (const tier of ['storage', 'backfill', 'live'] as const) {
      if (answer.rowsByTier[tier] > 0) this.metrics.rowsServed(series.nodeId, tier, answer.rowsByTier[tier]);
    }
    // Only complete, settled answers are cached: nothing missing, nothing pending, no live
    // rows (they change as the tail grows) and no downgrade.
    if (this.cache && !options.noCache && answer.cacheable && !downgrade) {
      this.cache.set(key, { frames, meta, fingerprint }, frames.reduce((sum, f) => sum + frameBytes(f), 0));
      this.metrics.cacheBytes(this.cache.stats().bytes);
    }
    return fetchResult(series, frames, meta, fingerprint);
  }

  private async serve(series: Series, range: TimeRange, strategy: Strategy, now: bigint, sla: SlaTracker, options: FetchOptions) {
    const window = planningWindow(series, range);
    const horizon = historyHorizon(series, now);
    // History can only exist up to now (bars: up to the last close); later is the live tail.
    const past = window && window.start < horizon ? { start: window.start, end: window.end < horizon ? window.end : horizon } : undefined;
    const ensured = await this.ensureHistory(series, range, past, strategy, sla, options.signal);
    const { covered, answered, fill, pending, snapshot } = ensured;
    let downgrade = ensured.downgrade;

    const withLive = strategy === 'SEAMLESS' && this.live !== undefined;
    // Quotes, trades and bars are proven clean frame by frame as they arrive; live rows would be merged in
    // afterwards, so then the merged frame is checked instead.
    const proof = provable(series.dataType, series.stepNs) && !withLive ? new StreamProof(series.dataType, DEFAULT_MAX_SPREAD_RATIO, series.stepNs) : undefined;
    const stored = window ? await sla.measure('storage', () => this.readStored(series, window, proof, snapshot)) : [];
    let live: SeriesFrame | undefined;
    let liveCovered: TimeRange[] = [];
    if (withLive && window) {
      // The tail may fill what storage lacks, including ranges the venue has not published yet.
      const tailPart = missingRanges(covered, window);
      const tail = this.tailFor(series);
      live = await sla.measure('live', async () => joinFrames(tailPart.map((r) => tail.rows(r))));
      const since = tail.completeSince();
      if (since !== undefined && tail.connected) liveCovered = [{ start: since, end: now }];
      else if (!tail.connected) downgrade ??= { mode: 'partial', reason: 'live_disconnected' };
    }

    // Live rows may fill holes anywhere, so they are merged in ts order with the stored ones.
    const merged = live ? joinFrames([...stored, live]) : undefined;
    const checked = checkConformanceFrames(series, merged ? [sortByTs(merged)] : stored, this.config.conformance, {}, proof);
    this.metrics.conformance(series.nodeId, checked.report);
    if (checked.report.blocked) {
      throw new SeamlessError('SEAMLESS_CONFORMANCE_BLOCKED', `${series.nodeId} ${formatRange(range)}: ${describeBlocked(checked.report)}; the rules are set to block — fix the data or set them to warn/drop`, { report: checked.report });
    }
    let frames = checked.frames;
    let trimmed = 0;
    if (series.stepNs !== undefined) {
      const stable = stabilize(series, frames, now, this.config.stabilizationBars);
      frames = stable.frames;
      trimmed = stable.trimmed;
    }
    const rows = frames.reduce((sum, f) => sum + f.length, 0);
    const liveRows = Math.min(live?.length ?? 0, rows);
    const backfillRows = Math.min(fill.rows, rows - liveRows);
    const rowsByTier: Record<Tier, number> = { cache: 0, storage: rows - liveRows - backfillRows, backfill: backfillRows, live: liveRows };
    const tiers: Tier[] = ['storage'];
    if (backfillRows > 0 || fill.fetched + fill.joined > 0) tiers.push('backfill');
    if (liveRows > 0) tiers.push('live');
    const known = mergeRanges([...answered, ...liveCovered]);
    const ratio = past ? Number(totalLength(intersectRanges(known, [past]))) / Number(past.end - past.start) : 1;
    const stillMissing = past ? missingRanges(known, past) : [];
    return {
      frames,
      rows,
      tiers,
      rowsByTier,
      ratio,
      missing: stillMissing,
      backfill: { fetchedChunks: fill.fetched, joinedChunks: fill.joined, rows: fill.rows, empty: fill.empty, skipped: fill.skipped, pending },
      conformance: checked.report,
      stabilizedRows: trimmed,
      downgrade,
      cacheable: stillMissing.length === 0 && !pending && live === undefined && (window === undefined || window.end <= horizon) && trimmed === 0,
    };
  }

  /**
   * Makes sure storage holds `past` as far as the strategy allows: FAIL_FAST throws on gaps,
   * PARTIAL starts a background fill of the gaps only, the others fill them now. `surveyed`:
   * a survey just taken, used instead of taking one (storage is surveyed again after a fill).
   */
  async ensureHistory(series: Series, range: TimeRange, past: TimeRange | undefined, strategy: Strategy, sla: SlaTracker, signal?: AbortSignal, surveyed?: StorageSurvey) {
    let look = surveyed ?? (await sla.measure('storage', () => this.survey(series)));
    let covered = look.covered;
    let missing = past ? missingRanges(covered, past) : [];
    let fill: FillOutcome = NO_FILL;
    let pending = false;
    let downgrade: Downgrade | undefined;
    if (missing.length > 0) {
      if (strategy === 'FAIL_FAST') {
        throw new SeamlessError(
          'SEAMLESS_MISSING_DATA',
          `${series.nodeId}: storage lacks ${missing.map(formatRange).join(', ')} of ${formatRange(range)}; FAIL_FAST never backfills — use AUTO_BACKFILL or PARTIAL, or import the data first`,
          { nodeId: series.nodeId, missing },
        );
      }
      if (strategy === 'PARTIAL') {
        if (this.runner) {
          this.startBackground(series, missing);
          pending = true;
          downgrade = { mode: 'partial', reason: 'backfill_pending' };
        }
      } else {
        await this.requireBackfill(series, missing);
        const result = await this.fillWithinBudget(series, missing, sla, signal);
        fill = result.outcome;
        pending = result.pending;
        if (pending) downgrade = { mode: 'partial', reason: 'backfill_pending' };
        look = await this.survey(series);
        covered = look.covered;
      }
    }
    // Ranges the fill asked for and the venue answered empty count as answered for this
    // request, even when too recent to be remembered as known-empty.
    const answered = fill.empty.length > 0 ? mergeRanges([...covered, ...fill.empty]) : covered;
    if (past) missing = missingRanges(answered, past);
    return { covered, answered, missing, fill, pending, downgrade, snapshot: look.snapshot };
  }

  /**
   * Stored rows of a window, frame by frame as the source decodes them, each shown to
   * `proof`; from `snapshot` when storage gave one with the coverage.
   */
  private async readStored(series: Series, window: TimeRange, proof?: StreamProof, snapshot?: SourceSnapshot): Promise<SeriesFrame[]> {
    const frames: SeriesFrame[] = [];
    for await (const frame of this.storedFrames(series, window, { facts: proof !== undefined }, snapshot)) {
      proof?.add(frame);
      frames.push(frame);
    }
    return frames;
  }

  /**
   * Stored rows of a window, frame by frame: from `snapshot` when a survey gave one, else
   * streamed by storage, else fetched whole (a storage tier without `stream`). The source's
   * own stream is handed out, not wrapped: a wrapping generator costs every frame a round of
   * promises.
   */
  storedFrames(series: Series, window: TimeRange, options: StorageStreamOptions, snapshot?: SourceSnapshot): AsyncIterable<SeriesFrame> {
    if (snapshot) return snapshot.stream(window, options);
    if (this.storage.stream) return this.storage.stream(series, window, options);
    return fetchedWhole(this.storage, series, window);
  }

  private async requireBackfill(series: Series, missing: TimeRange[]): Promise<void> {
    const what = missing.map(formatRange).join(', ');
    if (!this.runner) {
      throw new SeamlessError('SEAMLESS_NO_BACKFILL', `${series.nodeId}: storage lacks ${what} and this provider has no backfill source; configure one (e.g. the catalog.mirror preset) or use PARTIAL`, { nodeId: series.nodeId, missing });
    }
    for (const gap of missing) {
      if (!(await this.runner.backfiller.canBackfill(series, gap))) {
        throw new SeamlessError('SEAMLESS_NO_BACKFILL', `${series.nodeId}: ${this.runner.backfiller.name} cannot backfill ${formatRange(gap)} (storage lacks ${what})`, { nodeId: series.nodeId, missing });
      }
    }
  }

  /**
   * Fills gaps within the SLA backfill budget. Under the `partial` policy a fill that runs
   * out of budget keeps running in the background (its chunks still land in storage) and
   * the answer is what storage holds by then; otherwise the fill is awaited in full and
   * the tracker judges it afterwards.
   */
  private async fillWithinBudget(series: Series, missing: TimeRange[], sla: SlaTracker, signal?: AbortSignal): Promise<{ outcome: FillOutcome; pending: boolean }> {
    const runner = this.runner!;
    const budget = sla.remainingMs('backfill');
    if (budget === undefined || this.config.sla?.onViolation !== 'partial') {
      return { outcome: await sla.measure('backfill', () => runner.fill(series, missing, signal)), pending: false };
    }
    const job = this.track(runner.fill(series, missing, signal));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, budget))));
    const first = await sla.measure('backfill', () => Promise.race([job, timeout]));
    clearTimeout(timer);
    if (first === 'timeout') return { outcome: { fetched: 0, joined: 0, rows: 0, empty: [], skipped: [] }, pending: true };
    return { outcome: first, pending: false };
  }

  private startBackground(series: Series, gaps: TimeRange[]): void {
    this.track(this.runner!.fill(series, gaps));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.finally(() => this.background.delete(tracked));
    tracked.catch((error: unknown) => {
      this.lastBackgroundError = error;
    });
    this.background.add(tracked);
    return tracked;
  }

  private tailFor(series: Series): LiveTail {
    let tail = this.tails.get(series.nodeId);
    if (!tail) {
      tail = new LiveTail(this.live!, series);
      this.tails.set(series.nodeId, tail);
    }
    return tail;
  }
}

/** How recent an empty venue answer must be to count as "not published yet" rather than known-empty. */
function recentWindow(series: Series): bigint {
  return series.stepNs !== undefined ? 2n * series.stepNs : 300_000_000_000n;
}

/** Frames joined on first use, by the frames array: a cache hit's result shares the frame of the result it repeats. */
const joinedFrames = new WeakMap<readonly SeriesFrame[], SeriesFrame | undefined>();

function fetchResult(series: Series, frames: readonly SeriesFrame[], meta: FetchMeta, fingerprint: () => string): FetchResult {
  return {
    series,
    frames,
    meta,
    fingerprint,
    get frame() {
      if (!joinedFrames.has(frames)) joinedFrames.set(frames, joinFrames(frames));
      return joinedFrames.get(frames);
    },
  };
}

function fingerprintOf(series: Series, frames: readonly SeriesFrame[]): string {
  if (frames.length === 0) return datasetFingerprint(series, undefined);
  const builder = new FingerprintBuilder(series);
  for (const frame of frames) builder.add(frame);
  return builder.digest();
}

function boundsOf(frames: readonly SeriesFrame[]): { bounds?: { first: bigint; last: bigint } } {
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (!first || !last) return {};
  return { bounds: { first: tsInitOf(first)[0]!, last: tsInitOf(last)[last.length - 1]! } };
}

const NO_FILL: FillOutcome = { fetched: 0, joined: 0, rows: 0, empty: [], skipped: [] };

function describeBlocked(report: ConformanceReport): string {
  return Object.entries(report.rules)
    .filter(([, rule]) => rule.action === 'block')
    .map(([id, rule]) => `${id} flagged ${rule.count} row(s)`)
    .join(', ');
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** A storage tier's whole answer for a window as a stream of at most one frame. */
async function* fetchedWhole(storage: WritableSource, series: Series, window: TimeRange): AsyncGenerator<SeriesFrame> {
  const frame = await storage.fetch(series, window);
  if (frame) yield frame;
}
