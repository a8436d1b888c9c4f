/**
 * One catalog file per instrument, type and UTC day, written so that nothing partial is ever
 * visible: the day's frames stream into a hidden staged file (writer.ts stageFile), which is
 * renamed into place only once complete. The file is named by the day's whole window (not by
 * its first and last row), so the catalog's intervals say "this day is imported" and a re-run
 * skips it.
 *
 * | data   | window of day D (closed, ns)                                  |
 * |--------|---------------------------------------------------------------|
 * | trades | [D 00:00:00, D 23:59:59.999999999]                            |
 * | bars   | [D 00:00 + interval, D+1 00:00 + interval − 1 ns] (stamped at the close) |
 *
 * `--force` replaces a day: the new file is staged first, then the day's old files are swapped
 * for it by the catalog's journaled swap (catalog/swap.ts), which a crash cannot leave half
 * done: the next import (or `seamless maintain recover`) rolls it forward.
 */
import { basename } from 'node:path';
import type { Catalog } from '../../catalog/catalog.js';
import { isCatalogError } from '../../catalog/errors.js';
import { type Interval, intervalsOverlap, missingIntervals } from '../../catalog/intervals.js';
import { recoverSwaps, swapFiles } from '../../catalog/swap.js';
import { type ExistingFile, type WrittenFile, commitStaged, discardStaged, existingFiles, folderMeta, stageFile, targetFolder } from '../../catalog/writer.js';
import type { FrameMeta } from '../../model/frames.js';
import { NS_PER_DAY } from '../../model/time.js';
import type { ImportFrame, ImportFrameType } from './batch-builder.js';
import { ImportError } from './errors.js';
import { dayStartNs, dayToIso } from './utc-days.js';

export type DayState = 'missing' | 'covered' | 'partial';

export class DayWriter {
  private constructor(
    private readonly catalog: Catalog,
    readonly type: ImportFrameType,
    readonly meta: FrameMeta,
    readonly dir: string,
    /** Added to a day's start for its window: the bar interval, else 0. */
    private readonly offsetNs: bigint,
  ) {}

  static async open(catalog: Catalog, type: ImportFrameType, meta: FrameMeta, offsetNs: bigint): Promise<DayWriter> {
    const identifier = type === 'bar' ? meta.barType! : meta.instrumentId;
    const dir = await targetFolder(catalog.root, type, identifier, catalog.scheme);
    // A --force swap a crash interrupted is finished first, so the day states below are true.
    await recoverSwaps(dir);
    return new DayWriter(catalog, type, meta, dir, offsetNs);
  }

  /** The same folder written with `meta` (the precisions decided after opening), not opened again. */
  withMeta(meta: FrameMeta): DayWriter {
    return new DayWriter(this.catalog, this.type, meta, this.dir, this.offsetNs);
  }

  /** The closed ns window of day `day`'s file. */
  window(day: number): Interval {
    const first = dayStartNs(day) + this.offsetNs;
    return { first, last: first + NS_PER_DAY - 1n };
  }

  /** Whether the catalog already holds each of `days` wholly, partly, or not at all (the folder is listed once). */
  async states(days: readonly number[]): Promise<Map<number, DayState>> {
    const files = await existingFiles(this.dir);
    return new Map(days.map((day) => [day, stateOf(files, this.window(day))]));
  }

  /** Returns the precisions the folder's files already have (one metadata per folder), if any. */
  async existingMeta(): Promise<FrameMeta | undefined> {
    const [first] = await existingFiles(this.dir);
    if (!first) return undefined;
    const { width, meta } = await folderMeta(first.path, this.type);
    if (width !== this.catalog.width) {
      throw new ImportError('IMPORT_CATALOG', `${first.path}: the folder holds ${width * 8}-bit files, this catalog writes ${this.catalog.width * 8}-bit; open the catalog with the folder's width`);
    }
    return meta;
  }

  /**
   * Writes day `day` from `frames`. Without `replace`, a day the catalog already has (even
   * partly) is refused; with it, the day's old files are replaced as described above.
   */
  async write(day: number, frames: AsyncIterable<ImportFrame>, replace: boolean): Promise<WrittenFile> {
    const window = this.window(day);
    const staged = await stageFile(this.dir, this.type, this.catalog.width, this.meta, frames as AsyncIterable<never>, { interval: window });
    try {
      const clashes = (await existingFiles(this.dir)).filter((f) => intervalsOverlap(f.interval, window));
      if (clashes.length === 0) return await commitStaged(staged);
      if (!replace) {
        throw new ImportError('IMPORT_CATALOG', `${this.dir}: day ${dayToIso(day)} is already in the catalog (${basename(clashes[0]!.path)}); re-run with --force to replace it`);
      }
      const wider = clashes.find((f) => f.interval.first < window.first || f.interval.last > window.last);
      if (wider) {
        throw new ImportError('IMPORT_CATALOG', `${wider.path}: reaches beyond day ${dayToIso(day)}, so --force cannot replace just that day; delete the range first (seamless catalog delete ${this.type} ...)`);
      }
      await swapFiles(clashes.map((f) => f.path), [staged]);
      const { temp: _temp, ...written } = staged;
      return written;
    } catch (error) {
      await discardStaged(staged);
      if (isCatalogError(error)) throw new ImportError('IMPORT_CATALOG', error.message, { cause: error });
      throw error;
    }
  }
}

function stateOf(files: readonly ExistingFile[], window: Interval): DayState {
  const overlapping = files.filter((f) => intervalsOverlap(f.interval, window)).map((f) => f.interval);
  if (overlapping.length === 0) return 'missing';
  return missingIntervals(overlapping, window.first, window.last).length === 0 ? 'covered' : 'partial';
}
