/**
 * Builds a provider over real catalogs in a temp folder: a local storage catalog and a
 * "venue" catalog holding the truth that backfill mirrors from. Backfill sources can be
 * wrapped to count calls, fail on purpose or go slow — the outside world misbehaving.
 */
import { join } from 'node:path';
import { after } from 'node:test';
import { tempDir } from './paths.js';
import { Catalog } from '../../src/catalog/catalog.js';
import type { CatalogFile } from '../../src/catalog/layout.js';
import type { Frame } from '../../src/model/frames.js';
import { NS_PER_MINUTE, isoToNs } from '../../src/model/time.js';
import { syntheticBars, syntheticTrades } from '../../src/model/synthetic-market.js';
import type { Backfiller, LiveEvent, LiveFeed } from '../../src/seamless/contracts.js';
import { CoverageLedger } from '../../src/seamless/coverage-ledger.js';
import { SeamlessProvider } from '../../src/seamless/provider.js';
import { DEFAULT_BACKFILL_POLICY, type ProviderConfig } from '../../src/seamless/provider-config.js';
import type { Series, SeriesFrame } from '../../src/seamless/series.js';
import { Symbology } from '../../src/seamless/symbology.js';
import type { TimeRange } from '../../src/seamless/time-range.js';
import { CatalogBackfiller } from '../../src/sources/catalog-backfiller.js';
import { CatalogSource } from '../../src/sources/catalog-source.js';
import { AsyncQueue } from '../../src/seamless/async-queue.js';

const scratch: Array<() => Promise<void>> = [];
after(async () => {
  for (const remove of scratch) await remove();
});

/** A temp folder removed when the test file ends. */
export async function scratchDir(): Promise<string> {
  const dir = await tempDir();
  scratch.push(dir.remove);
  return dir.path;
}

export const DAY0 = isoToNs('2024-01-02T00:00:00Z');
export const BAR_NODE = 'ohlcv:binance:BTC/USDT:1m';
export const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
export const TRADE_NODE = 'tick:binance:BTC/USDT';
export const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };

/** `count` 1-minute bars, the first closing at `DAY0 + firstClose minutes`. */
export function bars(firstClose: number, count: number, seed = 7): Frame<'bar'> {
  return syntheticBars({ meta: { ...META, barType: BAR_TYPE }, start: DAY0 + BigInt(firstClose) * NS_PER_MINUTE, count, stepNs: NS_PER_MINUTE, seed });
}

/** Trades one second apart from `DAY0 + startSecond s`, ids following on. */
export function trades(startSecond: number, count: number): Frame<'trade_tick'> {
  return syntheticTrades({ meta: META, start: DAY0 + BigInt(startSecond) * 1_000_000_000n, count, stepNs: 1_000_000_000n, firstTradeId: 1_000 + startSecond });
}

export function minutes(from: number, to: number): TimeRange {
  return { start: DAY0 + BigInt(from) * NS_PER_MINUTE, end: DAY0 + BigInt(to) * NS_PER_MINUTE };
}

/**
 * Counts the listings of `catalog` (each one stats every file of a series). `shown`, when
 * given, decides what the n-th listing (0-based) returns, as if the folder were older.
 */
export function watchListings(catalog: Catalog, shown?: (files: CatalogFile[], n: number) => CatalogFile[]): { readonly count: number } {
  const layout = catalog.layout;
  const filesFor = layout.filesFor.bind(layout);
  const watch = { count: 0 };
  layout.filesFor = async (...args) => {
    const files = await filesFor(...args);
    const n = watch.count++;
    return shown ? shown(files, n) : files;
  };
  return watch;
}

/** Counts and can sabotage calls to a real backfiller. */
export class ObservedBackfiller implements Backfiller {
  readonly name: string;
  readonly calls: TimeRange[] = [];
  failuresLeft = 0;
  delayMs = 0;
  /** Like a venue that ignores `end`/`since` precisely: answers with an hour more on each side. */
  sloppy = false;

  constructor(readonly inner: Backfiller) {
    this.name = `observed:${inner.name}`;
  }

  canBackfill(series: Series, range: TimeRange): boolean | Promise<boolean> {
    return this.inner.canBackfill(series, range);
  }

  async *backfill(series: Series, range: TimeRange, signal?: AbortSignal): AsyncGenerator<SeriesFrame> {
    this.calls.push(range);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('venue answered 503 Service Unavailable');
    }
    const hour = 3_600_000_000_000n;
    yield* this.inner.backfill(series, this.sloppy ? { start: range.start > hour ? range.start - hour : 0n, end: range.end + hour } : range, signal);
  }
}

/** A live feed driven by the test: push events, or end it. Stands in for an exchange socket. */
export class ScriptedFeed implements LiveFeed {
  readonly name = 'scripted';
  readonly queue = new AsyncQueue<LiveEvent>();
  subscriptions = 0;

  async *subscribe(_series: Series, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    this.subscriptions++;
    const aborted = new Promise<IteratorResult<LiveEvent>>((resolve) => signal?.addEventListener('abort', () => resolve({ value: undefined, done: true }), { once: true }));
    for (;;) {
      if (signal?.aborted) return;
      const next = await Promise.race([this.queue.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  }

  rows(frame: SeriesFrame): void {
    this.queue.push({ type: 'rows', frame });
  }
}

export interface Setup {
  readonly provider: SeamlessProvider;
  readonly storage: Catalog;
  readonly venue: Catalog;
  readonly backfiller: ObservedBackfiller;
  readonly dir: string;
  now: bigint;
}

export async function setup(dir: string, overrides: Partial<ProviderConfig> = {}, extra: { live?: LiveFeed; backfill?: boolean } = {}): Promise<Setup> {
  const storage = await Catalog.open(join(dir, 'storage'), { width: 16, scheme: 'py1221' });
  const venue = await Catalog.open(join(dir, 'venue'), { width: 16, scheme: 'py1221' });
  const backfiller = new ObservedBackfiller(new CatalogBackfiller(venue));
  const config: ProviderConfig = {
    strategy: 'AUTO_BACKFILL',
    storage: { kind: 'catalog', path: storage.root },
    backfill: { source: { kind: 'catalog', path: venue.root }, policy: { ...DEFAULT_BACKFILL_POLICY, retryBackoffMs: 1 } },
    cache: { maxBytes: 64 * 1024 * 1024, ttlMs: 0 },
    conformance: {},
    stabilizationBars: 0,
    ...overrides,
  };
  const state: { now: bigint } = { now: DAY0 + 10n * 86_400_000_000_000n };
  const provider = new SeamlessProvider({
    config,
    symbology: new Symbology(),
    storage: new CatalogSource(storage),
    ledger: await CoverageLedger.open(join(storage.root, '.seamless', 'ledger')),
    ...(extra.backfill === false ? {} : { backfiller }),
    ...(extra.live ? { live: extra.live } : {}),
    clock: () => state.now,
    random: () => 0.5,
  });
  return {
    provider, storage, venue, backfiller, dir,
    get now() { return state.now; },
    set now(value: bigint) { state.now = value; },
  };
}
