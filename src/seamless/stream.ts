/**
 * `stream(nodeId, from)`: replays history from `from`, then hands over to the live feed
 * with no gap and no duplicate at the seam, and keeps healing the feed's disconnects.
 *
 * The live subscription starts first and is buffered while history replays, so nothing
 * that happens during the replay is lost. History is replayed in chunks up to the last
 * closed bar (or now), backfilling as the provider's strategy allows. The seam between
 * the end of history and the first live row is backfilled too. A SeamGuard drops rows
 * already emitted. When the feed drops, the rows between the last one emitted and the first
 * one after reconnecting are backfilled; when that is not possible the stream says so with
 * an explicit `gap` event instead of silently skipping.
 */
import { DEFAULT_MAX_SPREAD_RATIO, StreamProof, checkConformance, provable, resolveConformanceConfig } from './conformance/index.js';
import type { LiveEvent } from './contracts.js';
import { AsyncQueue } from './async-queue.js';
import { SeamlessError } from './errors.js';
import type { SeamlessProvider, StorageSurvey } from './provider.js';
import { SeamGuard } from './seam-guard.js';
import type { Series, SeriesFrame } from './series.js';
import { alignStart, historyHorizon, planningWindow } from './series-window.js';
import { SlaTracker } from './sla.js';
import type { Strategy } from './provider-config.js';
import { type TimeRange, chunkRange, formatRange, missingRanges } from './time-range.js';
import { tsInitOf } from '../model/frames.js';

export type StreamEvent =
  | { readonly type: 'rows'; readonly source: 'history' | 'seam' | 'live'; readonly frame: SeriesFrame }
  /** From here on, rows come from the live feed. */
  | { readonly type: 'live'; readonly at: bigint }
  /** Rows in `range` are missing and could not be backfilled; `end` is absent when the feed ended. */
  | { readonly type: 'gap'; readonly range: { readonly start: bigint; readonly end?: bigint }; readonly reason: string };

export interface StreamOptions {
  readonly signal?: AbortSignal;
  /** Strategy for the replay and for healing (default: AUTO_BACKFILL when the provider can backfill, else FAIL_FAST). */
  readonly strategy?: Strategy;
  /**
   * History per replay step where storage lacks rows, in ns (default one day): each step fills
   * what it may, then replays. A stretch storage already covers replays in steps of up to
   * COVERED_STEP_CHUNKS chunks.
   */
  readonly chunkNs?: bigint;
  /** How far back around the seam rows are remembered for de-duplication (default 5 minutes). */
  readonly seamMarginNs?: bigint;
}

const DAY = 86_400_000_000_000n;
const FIVE_MINUTES = 300_000_000_000n;
/**
 * Chunks a covered stretch replays as one step. A step is one provider step and one catalog
 * read, which opens the next file while the current one decodes. With a step a day, a replay
 * of 365 day files of 1-minute bars took 1.4× the raw read's time (BENCHMARKS.md).
 */
const COVERED_STEP_CHUNKS = 32;

/**
 * The pass's chunks as replay steps: consecutive chunks that `survey` wholly covers are merged,
 * up to COVERED_STEP_CHUNKS; a chunk that needs a fill (or a gap report) stays a step of its own.
 */
function replaySteps(series: Series, survey: StorageSurvey, chunks: readonly TimeRange[]): TimeRange[] {
  const steps: TimeRange[] = [];
  // Chunks in the last step when it is a covered one; 0 when it needs a fill.
  let merged = 0;
  for (const chunk of chunks) {
    const window = planningWindow(series, chunk);
    const covered = window !== undefined && missingRanges(survey.covered, window).length === 0;
    if (covered && merged > 0 && merged < COVERED_STEP_CHUNKS) {
      // chunkRange's chunks are contiguous: this one starts where the last step ends.
      steps[steps.length - 1] = { start: steps[steps.length - 1]!.start, end: chunk.end };
      merged++;
    } else {
      steps.push(chunk);
      merged = covered ? 1 : 0;
    }
  }
  return steps;
}

export async function* stream(provider: SeamlessProvider, nodeId: string, from: bigint, options: StreamOptions = {}): AsyncGenerator<StreamEvent> {
  const feed = provider.live;
  if (!feed) throw new SeamlessError('SEAMLESS_BAD_CONFIG', `stream ${nodeId}: this provider has no live feed; configure one or use fetch for history only`);
  const series = provider.symbology.series(nodeId);
  const strategy = options.strategy ?? (provider.canBackfill ? 'AUTO_BACKFILL' : 'FAIL_FAST');
  const margin = options.seamMarginNs ?? FIVE_MINUTES;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;

  // Subscribe before replaying so the buffer holds everything from now on.
  const queue = new AsyncQueue<LiveEvent>();
  const pump = (async () => {
    try {
      for await (const event of feed.subscribe(series, signal)) queue.push(event);
      queue.end();
    } catch (error) {
      queue.end(signal.aborted ? undefined : error);
    }
  })();
  const guard = new SeamGuard(margin, provider.now() - margin);

  try {
    let cursor = alignStart(series, from);
    // Replay until caught up with the horizon (it moves while we replay). A missing stretch
    // at the very end is not reported here: it is the seam, healed at the handover.
    let trailing: TimeRange | undefined;
    for (let pass = 0; ; pass++) {
      const horizon = historyHorizon(series, provider.now());
      if (cursor >= horizon) break;
      // What happened during the last pass is short: the seam heal fetches it in one go
      // (chasing it pass by pass would never end on a busy tick series).
      if (pass > 0 && horizon - cursor < margin) break;
      // One look at storage per pass, not per chunk: a listing stats every file of the
      // series, so a year of day files took 730 listings of 365 files each (6.6 s for 525,600
      // bars that read in 0.5 s).
      const survey = await provider.survey(series);
      for (const chunk of replaySteps(series, survey, chunkRange({ start: cursor, end: horizon }, options.chunkNs ?? DAY))) {
        signal.throwIfAborted();
        if (trailing) {
          yield gapEvent(provider, series, trailing, 'storage lacks this range and the strategy does not backfill');
          trailing = undefined;
        }
        for await (const item of replay(provider, series, chunk, strategy, signal, survey)) {
          if (!('start' in item)) {
            guard.noteEmitted(item);
            yield { type: 'rows', source: 'history', frame: item };
          } else if (item.end === horizon) {
            trailing = item;
          } else {
            yield gapEvent(provider, series, item, 'storage lacks this range and the strategy does not backfill');
          }
        }
        cursor = chunk.end;
      }
    }

    let handedOver = false;
    let lostSince: bigint | undefined;
    for (;;) {
      const next = await queue.next();
      if (next.done) {
        if (signal.aborted) return;
        yield gapEvent(provider, series, { start: guard.lastTs ?? cursor }, `live feed ${feed.name} ended`);
        return;
      }
      const event = next.value;
      if (event.type === 'disconnected') {
        // A healing feed fills its own holes and reports the rest as gap events.
        if (!feed.heals) lostSince ??= guard.lastTs ?? cursor;
        continue;
      }
      if (event.type === 'gap') {
        yield gapEvent(provider, series, event.range, `live feed ${feed.name}: ${event.reason}`);
        continue;
      }
      if (event.type === 'reconnected' || event.frame.length === 0) continue;
      const firstLive = tsInitOf(event.frame)[0]!;
      // Where rows may be missing before this message: after a drop, at the handover, and
      // for bars wherever the socket skipped one (a missing bar is visible on the grid).
      let seamStart: bigint | undefined;
      if (lostSince !== undefined) seamStart = lostSince;
      else if (!handedOver) seamStart = guard.lastTs ?? cursor;
      else if (series.stepNs !== undefined) seamStart = guard.lastTs;
      if (seamStart !== undefined) {
        const seamEnd = series.stepNs === undefined ? firstLive : firstLive - series.stepNs;
        if (seamEnd > seamStart) yield* heal(provider, series, { start: seamStart, end: seamEnd }, strategy, guard, signal);
      }
      lostSince = undefined;
      if (!handedOver) {
        handedOver = true;
        yield { type: 'live', at: firstLive };
      }
      const fresh = guard.admit(event.frame);
      if (fresh) yield { type: 'rows', source: 'live', frame: fresh };
    }
  } finally {
    stop.abort();
    await pump;
  }
}

/**
 * History of one chunk from storage, after the strategy has filled what it may. Ranges
 * still missing (a strategy that does not backfill) come out as ranges, ahead of the rows.
 * `surveyed`: storage as surveyed for this pass, trusted where it covers the chunk.
 */
async function* replay(provider: SeamlessProvider, series: Series, chunk: TimeRange, strategy: Strategy, signal: AbortSignal, surveyed?: StorageSurvey): AsyncGenerator<SeriesFrame | TimeRange> {
  const window = planningWindow(series, chunk);
  if (!window) return;
  // Where the pass's survey lacks part of this chunk, look again: it may have been written since.
  let survey = surveyed !== undefined && missingRanges(surveyed.covered, window).length === 0 ? surveyed : await provider.survey(series);
  // Replays never fail on gaps and never fill in the background: they report them.
  if (strategy === 'FAIL_FAST' || strategy === 'PARTIAL') {
    yield* missingRanges(survey.covered, window);
  } else {
    const ensured = await provider.ensureHistory(series, chunk, window, strategy, new SlaTracker(undefined, provider.metrics), signal, survey);
    survey = { covered: ensured.covered, snapshot: ensured.snapshot };
    yield* ensured.missing;
  }
  // Frames proven clean as they arrive, seams included, skip the rule engine (its verdict
  // would be the same); after the first doubt every frame goes to it. Nothing is kept.
  resolveConformanceConfig(series.dataType, provider.config.conformance); // a bad config fails even on clean frames
  const proof = provable(series.dataType, series.stepNs) ? new StreamProof(series.dataType, DEFAULT_MAX_SPREAD_RATIO, series.stepNs, false) : undefined;
  for await (const frame of provider.storedFrames(series, window, { facts: proof !== undefined }, survey.snapshot)) {
    if (frame.length === 0) continue;
    proof?.add(frame);
    if (proof?.clean) {
      yield frame;
      continue;
    }
    const checked = checkConformance(series, frame, provider.config.conformance);
    if (checked.report.blocked) {
      throw new SeamlessError('SEAMLESS_CONFORMANCE_BLOCKED', `stream ${series.nodeId}: conformance blocked rows in ${formatRange(chunk)}`, { report: checked.report });
    }
    if (checked.frame) yield checked.frame;
  }
}

/** Backfills a seam or a disconnect; yields its new rows, or a gap event when it cannot. */
async function* heal(provider: SeamlessProvider, series: Series, range: TimeRange, strategy: Strategy, guard: SeamGuard, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const healStrategy = strategy === 'FAIL_FAST' || strategy === 'PARTIAL' ? 'AUTO_BACKFILL' : strategy;
  try {
    if (!provider.canBackfill) throw new Error('the provider has no backfill source');
    for await (const item of replay(provider, series, range, healStrategy, signal)) {
      if ('start' in item) throw new Error(`${formatRange(item)} is still missing after backfill`);
      const fresh = guard.admit(item);
      if (fresh) yield { type: 'rows', source: 'seam', frame: fresh };
    }
  } catch (error) {
    if (signal.aborted) throw error;
    yield gapEvent(provider, series, range, `could not backfill ${formatRange(range)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function gapEvent(provider: SeamlessProvider, series: Series, range: { start: bigint; end?: bigint }, reason: string): StreamEvent {
  provider.metrics.streamGap(series.nodeId);
  return { type: 'gap', range, reason };
}
