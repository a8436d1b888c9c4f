/**
 * Runs a planned import: decides precisions, writes the instrument, then for each archive of
 * the plan (in time order) skips it when its days are all in the catalog, fetches it,
 * verifies its checksum, streams its CSV through the row mapper into day files, and counts
 * what happened. A failure stops the import at once; the days finished before it stay, and a
 * re-run resumes after them.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { type FixedWidth, fixedPrecisionOf } from '../../model/fixed-point.js';
import type { FrameMeta } from '../../model/frames.js';
import { zipCsvChunks, gzipChunks } from './archive-stream.js';
import { BatchBuilder, type DayFrame, type ImportFrame, type ImportFrameType } from './batch-builder.js';
import { parseChecksum, verifySha256 } from './checksum.js';
import { LineSplitter } from './csv-lines.js';
import { groupByDay } from './day-groups.js';
import { DayWriter } from './day-writer.js';
import { ImportError } from './errors.js';
import type { SymbolRules } from './exchange-info.js';
import type { InstrumentNaming } from './instrument-ids.js';
import { ensureInstrument, existingInstrument, instrumentRecord } from './instrument-records.js';
import { choosePrecision } from './precision-plan.js';
import { Progress } from './progress.js';
import { ReverseSpill } from './reverse-spill.js';
import { RowMapper, type RowLayout, type RowRules, SeriesState } from './row-mapper.js';
import type { ArchiveSource, LocalArchive } from './sources.js';
import { type ImportSummary, emptySummary } from './summary.js';
import { dayStartNs, dayToIso } from './utc-days.js';

export interface PlannedArchive {
  /** Paths to try in order (the first that exists is read), relative to the source root. */
  readonly paths: readonly string[];
  readonly format: 'zip' | 'gzip';
  /** The days the archive may hold rows of (one day, or a calendar month). */
  readonly firstDay: number;
  readonly lastDay: number;
  /** The days of the requested range it holds. */
  readonly days: readonly number[];
  /** Read instead when the archive does not exist (a month's daily files). */
  readonly fallback?: readonly PlannedArchive[];
}

export interface ImportJob {
  readonly catalog: Catalog;
  readonly source: ArchiveSource;
  readonly type: ImportFrameType;
  readonly naming: InstrumentNaming;
  /** Bars only. */
  readonly barType?: string;
  /** Bars: the interval, so bars are stamped at their close; trades: 0. */
  readonly stampOffsetNs: bigint;
  readonly layout: RowLayout;
  readonly archives: readonly PlannedArchive[];
  /** `required`: a missing .CHECKSUM is an error; `warn`: reported; `none`: the exchange has none. */
  readonly checksums: 'required' | 'warn' | 'none';
  readonly force: boolean;
  readonly precisionFlags?: { readonly price?: number; readonly size?: number };
  readonly rules?: SymbolRules;
  /** Show progress on stderr (default true). */
  readonly progress?: boolean;
  /** Rows per frame (tests use small values to exercise frame cuts). */
  readonly batchRows?: number;
}

export async function runImport(job: ImportJob): Promise<ImportSummary> {
  const started = performance.now();
  const identifier = job.type === 'bar' ? job.barType! : job.naming.id;
  const summary = emptySummary(job.naming.id, identifier, job.type);
  const provisional: FrameMeta = { instrumentId: job.naming.id, pricePrecision: 0, sizePrecision: 0, ...(job.barType ? { barType: job.barType } : {}) };
  // Opened once: its folder's files decide the precision, then it writes with that precision.
  const opened = await DayWriter.open(job.catalog, job.type, provisional, job.stampOffsetNs);
  const held = new Map<string, HeldArchive>();
  try {
    const precision = await choosePrecision({
      folder: await opened.existingMeta(),
      instrument: await existingInstrument(job.catalog.root, job.naming.id),
      ...(job.precisionFlags ? { flags: job.precisionFlags } : {}),
      ...(job.rules ? { rules: job.rules } : {}),
      infer: () => inferPrecision(job, held),
    });
    summary.precision = precision;
    const meta: FrameMeta = { ...provisional, pricePrecision: precision.price, sizePrecision: precision.size };
    const writer = opened.withMeta(meta);
    const firstDay = job.archives[0]?.days[0] ?? 0;
    summary.instrumentWritten = await ensureInstrument(job.catalog.root, instrumentRecord(job.naming, precision, dayStartNs(firstDay), job.rules));

    const progress = new Progress(job.archives.length, undefined, job.progress ?? true);
    const series = new SeriesState();
    const context: RunContext = { job, writer, meta, series, summary, progress, held };
    for (const archive of job.archives) await importPlanned(context, archive);
    progress.finish();
    summary.idGaps = series.idGaps;
    summary.missingIds = series.missingIds;
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  } finally {
    for (const archive of held.values()) await archive.local.release();
    await job.source.close();
  }
}

interface RunContext {
  readonly job: ImportJob;
  readonly writer: DayWriter;
  readonly meta: FrameMeta;
  readonly series: SeriesState;
  readonly summary: ImportSummary;
  readonly progress: Progress;
  /** Archives fetched early (for precision inference), reused instead of fetched again. */
  readonly held: Map<string, HeldArchive>;
}

/** An archive fetched (and its checksum checked) ahead of its turn, by its relative path. */
interface HeldArchive {
  readonly local: LocalArchive;
  /** verifyChecksum's answer: false when the .CHECKSUM was missing and allowed. */
  readonly verified: boolean;
}

interface FetchedArchive {
  readonly relPath: string;
  readonly local: LocalArchive;
  /** Set when the checksum was already checked (a held archive). */
  readonly verified?: boolean;
}

async function importPlanned(context: RunContext, planned: PlannedArchive): Promise<void> {
  const { job, writer, summary, progress, series } = context;
  const wanted = new Set<number>();
  const states = await writer.states(planned.days);
  for (const day of planned.days) {
    const state = states.get(day)!;
    if (state === 'missing' || job.force) wanted.add(day);
    else if (state === 'covered') summary.daysSkipped.push(dayToIso(day));
    else summary.daysPartial.push(dayToIso(day));
  }
  if (wanted.size === 0) {
    progress.archive(planned.paths[0]!, 0);
    progress.archiveDone('already in the catalog');
    series.lastId = -1; // continuity cannot be judged across what was not read
    series.lastMicros = -1;
    return;
  }
  const archive = await fetchArchive(job, context.held, planned);
  if (!archive) {
    if (planned.fallback) {
      for (const daily of planned.fallback) await importPlanned(context, daily);
      return;
    }
    summary.archivesMissing.push(job.source.label(planned.paths[0]!));
    for (const day of planned.days) if (wanted.has(day)) summary.daysMissing.push(dayToIso(day));
    progress.archive(planned.paths[0]!, 0);
    progress.archiveDone('missing');
    series.lastId = -1;
    series.lastMicros = -1;
    return;
  }
  try {
    const verified = archive.verified ?? (await verifyChecksum(job, archive.relPath, archive.local));
    if (!verified) summary.checksumsMissing.push(archive.local.label);
    progress.archive(archive.local.label, archive.local.bytes);
    summary.archivesRead.push(archive.local.label);
    summary.bytesRead += archive.local.bytes;
    const seen = new Set<number>();
    const builder = new BatchBuilder(job.type, job.catalog.width, context.meta, job.batchRows);
    if (job.layout.order === 'either') series.lastMicros = -1; // each file decides its own direction
    const mapper = new RowMapper(archive.local.label, job.layout, builder, rules(context, planned, [context.meta.pricePrecision, context.meta.sizePrecision]), series);
    const parsed = dayFrames(planned, archive.local, builder, mapper, progress);
    const ordered = job.layout.order === 'either' ? inTimeOrder(parsed, mapper, context.meta, job.catalog.width) : parsed;
    for await (const group of groupByDay(ordered)) {
      seen.add(group.day);
      if (!wanted.has(group.day)) continue; // drained by groupByDay
      // Writing one day leaves the others' states as listed above: day windows are disjoint.
      const replacing = job.force && states.get(group.day) !== 'missing';
      const written = await writer.write(group.day, counted(group.frames, context, builder), job.force);
      summary.daysWritten.push(dayToIso(group.day));
      if (replacing) summary.daysReplaced.push(dayToIso(group.day));
      summary.bytesWritten += written.bytes;
    }
    for (const day of planned.days) if (wanted.has(day) && !seen.has(day)) summary.daysMissing.push(dayToIso(day));
    progress.archiveDone();
  } finally {
    context.held.delete(archive.relPath);
    await archive.local.release();
  }
}

/** The frames of one archive, tagged with their day, parsed as the bytes arrive. */
async function* dayFrames(planned: PlannedArchive, archive: LocalArchive, builder: BatchBuilder, mapper: RowMapper, progress: Progress | undefined): AsyncGenerator<DayFrame> {
  const splitter = new LineSplitter(mapper);
  const chunks = planned.format === 'zip' ? zipCsvChunks(archive, (n) => progress?.read(n)) : gzipChunks(archive, (n) => progress?.read(n));
  for await (const chunk of chunks) {
    splitter.push(chunk);
    yield* builder.take();
  }
  splitter.end();
  builder.finish();
  yield* builder.take();
}

/**
 * Passes frames through while the archive is oldest-first; once it proves newest-first, spills
 * everything to disk and replays it reversed. Frames whose rows all share one time are held
 * until the direction is known.
 */
async function* inTimeOrder(frames: AsyncGenerator<DayFrame>, mapper: RowMapper, meta: FrameMeta, width: FixedWidth): AsyncGenerator<DayFrame> {
  const undecided: DayFrame[] = [];
  const spill = new ReverseSpill();
  try {
    for await (const frame of frames) {
      if (mapper.direction === 0) {
        undecided.push(frame);
      } else if (mapper.direction > 0) {
        yield* undecided.splice(0);
        yield frame;
      } else {
        for (const held of undecided.splice(0)) await spill.add(held);
        await spill.add(frame);
      }
    }
    yield* undecided.splice(0);
    yield* spill.reversed({ width, meta });
  } finally {
    await spill.close();
  }
}

/**
 * Counts the frames into the summary and the progress bar on their way to the day writer, and
 * hands each back to `builder` once the writer asks for the next: it has encoded the frame
 * whole by then (frame-encode.ts copies what it keeps of a frame), so the arrays can be reused.
 */
async function* counted(frames: AsyncIterable<ImportFrame>, context: RunContext, builder: BatchBuilder): AsyncGenerator<ImportFrame> {
  for await (const frame of frames) {
    context.summary.rows += frame.length;
    context.progress.addRows(frame.length);
    yield frame;
    builder.recycle(frame);
  }
}

function rules(context: RunContext, planned: PlannedArchive, precisions: readonly [number, number]): RowRules {
  const [price, size] = precisions;
  const bars = context.job.type === 'bar';
  return {
    firstDay: planned.firstDay,
    lastDay: planned.lastDay,
    stampOffsetNs: context.job.stampOffsetNs,
    maxDecimals: bars ? [price, price, price, price, size] : [price, size],
    precisionNames: bars ? ['price', 'price', 'price', 'price', 'size'] : ['price', 'size'],
    positive: bars ? [] : [1],
  };
}

async function fetchArchive(job: ImportJob, heldArchives: ReadonlyMap<string, HeldArchive>, planned: PlannedArchive): Promise<FetchedArchive | undefined> {
  for (const relPath of planned.paths) {
    const held = heldArchives.get(relPath);
    if (held) return { relPath, ...held };
    const local = await job.source.get(relPath);
    if (local) return { relPath, local };
  }
  return undefined;
}

/**
 * Verifies an archive against the `.CHECKSUM` beside it. Returns false when there is none and
 * the job allows that (the caller reports it); throws ImportError when it does not match, or
 * is missing and required.
 */
async function verifyChecksum(job: ImportJob, relPath: string, archive: LocalArchive): Promise<boolean> {
  if (job.checksums === 'none') return true;
  const text = await job.source.text(`${relPath}.CHECKSUM`);
  if (text === null) {
    if (job.checksums === 'required') {
      throw new ImportError('IMPORT_NO_CHECKSUM', `${archive.label}: has no .CHECKSUM beside it, so it cannot be verified; download the .CHECKSUM too, or re-run with --allow-missing-checksum to import it unverified`, { archive: archive.label });
    }
    return false;
  }
  const name = relPath.split('/').pop()!;
  await verifySha256(archive.path, parseChecksum(text, name, `${archive.label}.CHECKSUM`), archive.label);
  return true;
}

/** Reads the first archive of the plan that exists and returns the most decimals it has. */
async function inferPrecision(job: ImportJob, held: Map<string, HeldArchive>): Promise<{ price: number; size: number; archive: string } | undefined> {
  const candidates = job.archives.flatMap((a) => [a, ...(a.fallback ?? [])]);
  for (const planned of candidates) {
    const found = await fetchArchive(job, held, planned);
    if (!found) continue;
    if (found.verified === undefined) {
      let verified: boolean;
      try {
        verified = await verifyChecksum(job, found.relPath, found.local);
      } catch (error) {
        await found.local.release(); // not held yet, so runImport would not release it
        throw error;
      }
      // Kept with its answer, so importPlanned neither fetches nor verifies it again.
      held.set(found.relPath, { local: found.local, verified });
    }
    const meta: FrameMeta = { instrumentId: job.naming.id, pricePrecision: 0, sizePrecision: 0 };
    const builder = new BatchBuilder(job.type, job.catalog.width, meta, job.batchRows);
    const series = new SeriesState();
    const open = fixedPrecisionOf(job.catalog.width);
    const scanRules: RowRules = {
      firstDay: planned.firstDay,
      lastDay: planned.lastDay,
      stampOffsetNs: job.stampOffsetNs,
      maxDecimals: [open, open, open, open, open],
      precisionNames: [],
      positive: [],
    };
    const mapper = new RowMapper(found.local.label, job.layout, builder, scanRules, series);
    for await (const _frame of dayFrames(planned, found.local, builder, mapper, undefined)) {
      /* only the decimals matter */
    }
    if (mapper.rows === 0) continue;
    const d = series.decimals;
    const bars = job.type === 'bar';
    return { price: bars ? Math.max(d[0]!, d[1]!, d[2]!, d[3]!) : d[0]!, size: bars ? d[4]! : d[1]!, archive: found.local.label };
  }
  return undefined;
}
