/**
 * A live feed that follows a catalog another process keeps writing to (a recorder): it
 * polls the series' files and emits rows newer than the last one emitted. Files appear
 * atomically and never overlap, so every new row is seen exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Catalog } from '../catalog/catalog.js';
import { tsInitOf } from '../model/frames.js';
import type { LiveEvent, LiveFeed } from '../seamless/contracts.js';
import type { Series } from '../seamless/series.js';

export class CatalogFollowFeed implements LiveFeed {
  readonly name: string;

  constructor(
    readonly catalog: Catalog,
    readonly pollMs = 1000,
  ) {
    this.name = `catalog-follow:${catalog.root}`;
  }

  async *subscribe(series: Series, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    // Start after what is already there: followers want what arrives from now on.
    let after = (await this.newest(series)) + 1n;
    while (!signal?.aborted) {
      try {
        await sleep(this.pollMs, undefined, signal ? { signal } : undefined);
      } catch {
        return;
      }
      if ((await this.newest(series)) < after) continue;
      for await (const frame of this.catalog.read(series.dataType, series.identifier, { start: after })) {
        if (frame.length === 0) continue;
        after = tsInitOf(frame)[frame.length - 1]! + 1n;
        yield { type: 'rows', frame };
      }
    }
  }

  private async newest(series: Series): Promise<bigint> {
    const intervals = await this.catalog.intervals(series.dataType, series.identifier);
    return intervals.reduce((max, i) => (i.last > max ? i.last : max), -1n);
  }
}
