/**
 * Backfill from another catalog: a team's shared catalog on a NAS, an archive disk, a
 * colleague's export. Everything the source catalog holds for the series is served in
 * batches as it is read; nothing is loaded whole.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Backfiller } from '../seamless/contracts.js';
import type { Series, SeriesFrame } from '../seamless/series.js';
import { tsWindow } from '../seamless/series-window.js';
import type { TimeRange } from '../seamless/time-range.js';

export class CatalogBackfiller implements Backfiller {
  readonly name: string;

  constructor(readonly source: Catalog) {
    this.name = `catalog-mirror:${source.root}`;
  }

  async canBackfill(series: Series): Promise<boolean> {
    const intervals = await this.source.intervals(series.dataType, series.identifier);
    return intervals.length > 0;
  }

  async *backfill(series: Series, range: TimeRange, signal?: AbortSignal): AsyncGenerator<SeriesFrame> {
    for await (const frame of this.source.read(series.dataType, series.identifier, tsWindow(series, range))) {
      signal?.throwIfAborted();
      if (frame.length > 0) yield frame;
    }
  }
}
