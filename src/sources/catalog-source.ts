/**
 * The storage tier over a local NautilusTrader catalog: coverage from file names (closed
 * `ts_init` intervals, no Parquet scan), reads pruned by row-group statistics, and
 * write-through of backfilled chunks as new files whose names record the whole requested
 * range, the way NautilusTrader's `write_data(start=, end=)` marks a range as fetched.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { CatalogFile } from '../catalog/layout.js';
import { concatFrames } from '../model/frames.js';
import type { SourceSnapshot, StorageStreamOptions, WritableSource } from '../seamless/contracts.js';
import type { Series, SeriesFrame } from '../seamless/series.js';
import { coveredBy, coverageOnGrid, tsWindow } from '../seamless/series-window.js';
import type { TimeRange } from '../seamless/time-range.js';

export class CatalogSource implements WritableSource {
  readonly name: string;

  constructor(readonly catalog: Catalog) {
    this.name = `catalog:${catalog.root}`;
  }

  async coverage(series: Series): Promise<TimeRange[]> {
    return (await this.snapshot(series)).coverage;
  }

  /** One listing of the series' files: the coverage their names record, and a read of just those files. */
  async snapshot(series: Series): Promise<SourceSnapshot> {
    const files = await this.catalog.files(series.dataType, series.identifier);
    const covered = files.flatMap(({ interval }) => (interval ? [coveredBy(series, interval.first, interval.last)] : []));
    return { coverage: coverageOnGrid(series, covered), stream: (range, options) => this.stream(series, range, options, files) };
  }

  async fetch(series: Series, range: TimeRange): Promise<SeriesFrame | undefined> {
    const frames: SeriesFrame[] = [];
    const window = tsWindow(series, range);
    for await (const frame of this.catalog.read(series.dataType, series.identifier, window)) {
      if (frame.length > 0) frames.push(frame);
    }
    if (frames.length === 0) return undefined;
    return frames.length === 1 ? frames[0] : concatFrames(frames as Array<typeof frames[number]>);
  }

  /**
   * Streams the rows of `range` frame by frame, for replays that must not hold it all;
   * `files`: a snapshot's listing. The catalog's own stream, which yields no empty frame: a
   * generator around it would cost every frame another round of promises.
   */
  stream(series: Series, range: TimeRange, options: StorageStreamOptions = {}, files?: readonly CatalogFile[]): AsyncGenerator<SeriesFrame> {
    return this.catalog.read<SeriesFrame['type']>(series.dataType, series.identifier, { ...tsWindow(series, range), facts: options.facts === true, ...(files ? { files } : {}) });
  }

  async write(series: Series, range: TimeRange, frame: SeriesFrame | undefined): Promise<void> {
    // An empty answer writes no file: Nautilus has no empty-file convention; the coverage
    // ledger records known-empty ranges instead.
    if (!frame || frame.length === 0) return;
    const window = tsWindow(series, range);
    await this.catalog.write(frame, { interval: { first: window.start, last: window.end - 1n } });
  }
}
