/**
 * The storage tier over QuestDB: a WritableSource for bars, trade ticks and quote ticks.
 *
 * - Layout: one table per data type, a series table and a coverage table (tables.ts has the
 *   DDL and the why of each key). `ts` is `ts_init` as TIMESTAMP_NS, so nanoseconds are
 *   stored exactly; prices and sizes are DECIMAL(39, 16), exact at both widths
 *   (decimal-codec.ts).
 * - Writes go through the official ILP client over HTTP in batches (ilp-rows.ts). A write
 *   returns only when its rows are visible (wal-visibility.ts), and records its range as
 *   covered last, so a write that fails part way leaves coverage unchanged: the work is
 *   resumable, and a retry re-sends rows the dedup keys absorb.
 * - Reads go over the PostgreSQL wire (`pg`), only the range's rows, page by page, into
 *   columnar frames (frame-reader.ts). Bars use the catalog's rule: the bar closing at `c`
 *   belongs to `[start, end)` when `c ∈ [start + step, end]` (`tsWindow`).
 * - Coverage comes from the coverage table only, merged, and for bars snapped to whole bars
 *   like the catalog source's.
 *
 * Every failure is SEAMLESS_QUESTDB naming the series, the table and what to do; the
 * password is never part of a message.
 */
import { Sender } from '@questdb/nodejs-client';
import type pg from 'pg';
import { concatFrames } from '../../model/frames.js';
import type { WritableSource } from '../../seamless/contracts.js';
import { SeamlessError } from '../../seamless/errors.js';
import type { Series, SeriesFrame } from '../../seamless/series.js';
import { coverageOnGrid, tsWindow } from '../../seamless/series-window.js';
import { type TimeRange, checkRange, formatRange } from '../../seamless/time-range.js';
import { insertCoverage, readCoverage } from './coverage-table.js';
import { readFrames } from './frame-reader.js';
import { sendFrame } from './ilp-rows.js';
import { type QuestDbOptions, type ResolvedQuestDbOptions, hostPort, resolveOptions, senderConfig } from './options.js';
import { createPool } from './pg-rows.js';
import { type QuestDbAction, questDbError } from './questdb-error.js';
import { type StoredSeries, insertStoredSeries, readStoredSeries, storedMismatch } from './series-meta.js';
import { TIMESTAMP_NS_MAX } from './sql-values.js';
import { type TableNames, createStatements, tableNames } from './tables.js';
import { waitForWalApplied } from './wal-visibility.js';

export class QuestDbSource implements WritableSource {
  readonly name: string;
  readonly tables: TableNames;
  private readonly options: ResolvedQuestDbOptions;
  private readonly pool: pg.Pool;
  private schema: Promise<void> | undefined;
  /** Series descriptions never change once stored, so each is read once. */
  private readonly storedSeries = new Map<string, StoredSeries>();

  /** Throws SEAMLESS_BAD_CONFIG for invalid options; connects lazily. */
  constructor(options: QuestDbOptions = {}) {
    this.options = resolveOptions(options);
    this.tables = tableNames(this.options.tablePrefix);
    this.name = `questdb:${hostPort(this.options.host, this.options.httpPort)}/${this.options.tablePrefix}`;
    this.pool = createPool(this.options);
  }

  async coverage(series: Series): Promise<TimeRange[]> {
    const ranges = await this.guard('read coverage of', this.subject(series, this.tables.coverage), async () => {
      await this.ensureSchema();
      return readCoverage(this.pool, this.tables.coverage, series);
    });
    return coverageOnGrid(series, ranges);
  }

  async fetch(series: Series, range: TimeRange): Promise<SeriesFrame | undefined> {
    const frames: SeriesFrame[] = [];
    for await (const frame of this.stream(series, range)) frames.push(frame);
    if (frames.length <= 1) return frames[0];
    return concatFrames(frames as Array<(typeof frames)[number]>);
  }

  /** Yields the rows of `range` page by page (about `pageRows` rows per frame). */
  async *stream(series: Series, range: TimeRange): AsyncGenerator<SeriesFrame> {
    checkRange(range);
    const table = this.tables[series.dataType];
    const subject = this.subject(series, table);
    const stored = await this.guard('read', subject, async () => {
      await this.ensureSchema();
      return this.stored(series);
    });
    if (!stored) return;
    const target = { pool: this.pool, table, type: series.dataType, identifier: series.identifier, stored };
    try {
      yield* readFrames(target, tsWindow(series, range), this.options.pageRows);
    } catch (error) {
      throw questDbError('read', `${subject} in ${formatRange(range)}`, error, this.options);
    }
  }

  async write(series: Series, range: TimeRange, frame: SeriesFrame | undefined): Promise<void> {
    checkRange(range);
    const table = this.tables[series.dataType];
    const subject = `${this.subject(series, table)} for ${formatRange(range)}`;
    if (series.identifier === '') this.refuse(subject, 'the series has an empty identifier');
    if (range.end > TIMESTAMP_NS_MAX) this.refuse(subject, `the range ends after QuestDB's last TIMESTAMP_NS (2262-04-11); split or shorten the range`);
    const rows = frame !== undefined && frame.length > 0 ? frame : undefined;
    if (rows) this.checkFrame(subject, series, rows);
    await this.guard('write', subject, async () => {
      await this.ensureSchema();
      if (rows) await this.writeRows(subject, series, table, rows);
    });
    // Last, and only after the rows are visible: a failure before here records nothing. If
    // QuestDB dies between committing this row and our visibility check, the write rejects
    // yet the range may read as covered after the restart, which is then true: its rows
    // were all visible already.
    await this.guard('record coverage of', subject, async () => {
      await insertCoverage(this.pool, this.tables.coverage, series, range);
      await waitForWalApplied(this.pool, this.tables.coverage, this.options.visibilityTimeoutMs);
    });
  }

  /** Ends the PostgreSQL connections. The instance is unusable afterwards. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async writeRows(subject: string, series: Series, table: string, frame: SeriesFrame): Promise<void> {
    const incoming: StoredSeries = { width: frame.width, meta: frame.meta };
    const stored = await this.stored(series);
    const mismatch = stored && storedMismatch(stored, incoming);
    if (mismatch) this.refuse(subject, `the frame has ${mismatch}; write it under another table prefix, or convert it first`);
    if (!stored) await insertStoredSeries(this.pool, this.tables.series, series, incoming);
    const sender = await Sender.fromConfig(senderConfig(this.options), { log: () => undefined });
    try {
      await sendFrame(sender, table, series.identifier, frame, this.options.batchRows);
    } finally {
      await sender.close().catch(() => undefined);
    }
    await waitForWalApplied(this.pool, table, this.options.visibilityTimeoutMs);
    if (!stored) {
      await waitForWalApplied(this.pool, this.tables.series, this.options.visibilityTimeoutMs);
      this.storedSeries.set(seriesKey(series), incoming);
    }
  }

  /** Rejects frames QuestDB would store wrongly: another type, unsorted, or beyond 2262. */
  private checkFrame(subject: string, series: Series, frame: SeriesFrame): void {
    if (frame.type !== series.dataType) this.refuse(subject, `the frame holds ${frame.type} rows, not ${series.dataType}`);
    const { ts_init: tsInit, ts_event: tsEvent } = frame.columns as { ts_init: BigUint64Array; ts_event: BigUint64Array };
    for (let i = 0; i < frame.length; i++) {
      if (i > 0 && tsInit[i]! < tsInit[i - 1]!) this.refuse(subject, `the frame is not sorted by ts_init at row ${i}, was ${tsInit[i]} after ${tsInit[i - 1]}`);
      if (tsInit[i]! > TIMESTAMP_NS_MAX || tsEvent[i]! > TIMESTAMP_NS_MAX) {
        this.refuse(subject, `row ${i} has a timestamp after QuestDB's last TIMESTAMP_NS (2262-04-11), was ts_init ${tsInit[i]}, ts_event ${tsEvent[i]}`);
      }
    }
  }

  private async stored(series: Series): Promise<StoredSeries | undefined> {
    const key = seriesKey(series);
    const cached = this.storedSeries.get(key);
    if (cached) return cached;
    const stored = await readStoredSeries(this.pool, this.tables.series, series);
    if (stored) this.storedSeries.set(key, stored);
    return stored;
  }

  /** Creates the tables once per instance; a failure is retried by the next call. */
  private ensureSchema(): Promise<void> {
    this.schema ??= (async () => {
      for (const statement of createStatements(this.tables)) await this.pool.query(statement);
    })().catch((error: unknown) => {
      this.schema = undefined;
      throw error;
    });
    return this.schema;
  }

  private async guard<T>(action: QuestDbAction, subject: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw questDbError(action, subject, error, this.options);
    }
  }

  private subject(series: Series, table: string): string {
    return `${series.nodeId} (${series.dataType} ${JSON.stringify(series.identifier)}, table ${table})`;
  }

  private refuse(subject: string, why: string): never {
    throw new SeamlessError('SEAMLESS_QUESTDB', `QuestDB will not store ${subject}: ${why}`, { subject });
  }
}

function seriesKey(series: Series): string {
  return `${series.dataType}\u0000${series.identifier}`;
}
