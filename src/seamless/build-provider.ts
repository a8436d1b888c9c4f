/**
 * Turns a plain `ProviderConfig` (from a preset, a presets.yaml or a world file) into a
 * running provider: opens the catalogs, the coverage ledger beside the storage catalog,
 * the backfill source and the live feed.
 */
import { join } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { CatalogBackfiller } from '../sources/catalog-backfiller.js';
import { CatalogFollowFeed } from '../sources/catalog-follow-feed.js';
import { CatalogSource } from '../sources/catalog-source.js';
import type { Backfiller, LiveFeed, WritableSource } from './contracts.js';
import { CoverageLedger } from './coverage-ledger.js';
import type { SeamlessMetrics } from './metrics.js';
import type { ProviderCoordination } from '../coordination/provider-coordination.js';
import type { FixedWidth } from '../model/fixed-point.js';
import type { CcxtVenues } from '../sources/ccxt-venues.js';
import type { BackfillSourceConfig, CcxtSourceConfig, LiveSourceConfig, ProviderConfig, StorageConfig } from './provider-config.js';
import { SeamlessProvider } from './provider.js';
import { Symbology, type SymbologyConfig } from './symbology.js';

export interface BuildOptions {
  readonly symbology?: SymbologyConfig;
  readonly metrics?: SeamlessMetrics;
  readonly clock?: () => bigint;
}

/** The ledger lives beside the catalog's `data/` folder, so it travels with the catalog. */
export function ledgerDir(catalogRoot: string): string {
  return join(catalogRoot, '.seamless', 'ledger');
}

export async function buildProvider(config: ProviderConfig, options: BuildOptions = {}): Promise<SeamlessProvider> {
  const storage = await openStorage(config.storage);
  // ccxt, ioredis and pg load only when a config uses them (~0.3 s of start-up otherwise).
  const coordination = config.coordination ? new (await import('../coordination/provider-coordination.js')).ProviderCoordination(config.coordination) : undefined;
  const venues = await ccxtVenues(config, storage.width, options, coordination);
  const backfiller = config.backfill ? await openBackfiller(config.backfill.source, storage.width, venues) : undefined;
  const live = config.live ? await openLive(config.live, venues) : undefined;
  return new SeamlessProvider({
    config,
    symbology: new Symbology(options.symbology),
    storage: storage.source,
    ledger: await CoverageLedger.open(storage.ledgerDir),
    ...(backfiller ? { backfiller } : {}),
    ...(live ? { live } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(coordination ? { coordinator: coordination.coordinator } : {}),
    resources: [...(venues ? [venues] : []), ...(coordination ? [coordination] : []), ...storage.resources],
  });
}

interface OpenStorage {
  readonly source: WritableSource;
  readonly width: FixedWidth;
  readonly ledgerDir: string;
  readonly resources: ReadonlyArray<{ close(): Promise<void> }>;
}

async function openStorage(config: StorageConfig): Promise<OpenStorage> {
  if (config.kind === 'questdb') {
    const { QuestDbSource } = await import('../sources/questdb/index.js');
    const source = new QuestDbSource({
      httpUrl: config.httpUrl,
      ...(config.pgPort !== undefined ? { pgPort: config.pgPort } : {}),
      ...(config.user !== undefined ? { user: config.user } : {}),
      ...(config.password ?? process.env['QUESTDB_PASSWORD'] ? { password: config.password ?? process.env['QUESTDB_PASSWORD'] } : {}),
      ...(config.tablePrefix !== undefined ? { tablePrefix: config.tablePrefix } : {}),
    });
    return { source, width: config.width ?? 16, ledgerDir: config.ledgerPath, resources: [source] };
  }
  const catalog = await Catalog.open(config.path, config.width ? { width: config.width } : {});
  return { source: new CatalogSource(catalog), width: catalog.width, ledgerDir: ledgerDir(catalog.root), resources: [] };
}

/** One set of exchange objects for backfill and live, when either uses ccxt. */
async function ccxtVenues(config: ProviderConfig, width: FixedWidth, options: BuildOptions, coordination: ProviderCoordination | undefined): Promise<CcxtVenues | undefined> {
  const sources = [config.backfill?.source, config.live].filter((s): s is CcxtSourceConfig => s?.kind === 'ccxt');
  if (sources.length === 0) return undefined;
  // Backfill and live of one provider talk to the same endpoints.
  const merged: CcxtSourceConfig = Object.assign({}, ...sources);
  const { CcxtVenues } = await import('../sources/ccxt-venues.js');
  return new CcxtVenues(merged, {
    width,
    ...(coordination ? { limiterFor: (id: string) => coordination.limiterFor(id) } : {}),
    ...(options.clock ? { now: options.clock } : {}),
  });
}

async function openBackfiller(source: BackfillSourceConfig, width: FixedWidth, venues: CcxtVenues | undefined): Promise<Backfiller> {
  if (source.kind === 'ccxt') return new (await import('../sources/ccxt-venues.js')).CcxtBackfillRouter(venues!);
  // The mirror must write raws of the storage's width, so it reads with the same width.
  return new CatalogBackfiller(await Catalog.open(source.path, { width }));
}

async function openLive(source: LiveSourceConfig, venues: CcxtVenues | undefined): Promise<LiveFeed> {
  if (source.kind === 'ccxt') return new (await import('../sources/ccxt-venues.js')).CcxtFeedRouter(venues!);
  return new CatalogFollowFeed(await Catalog.open(source.path), source.pollMs);
}
