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
import type { Backfiller, LiveFeed } from './contracts.js';
import { CoverageLedger } from './coverage-ledger.js';
import type { SeamlessMetrics } from './metrics.js';
import { ProviderCoordination } from '../coordination/provider-coordination.js';
import type { FixedWidth } from '../model/fixed-point.js';
import { CcxtBackfillRouter, CcxtFeedRouter, CcxtVenues } from '../sources/ccxt-venues.js';
import type { BackfillSourceConfig, CcxtSourceConfig, LiveSourceConfig, ProviderConfig } from './provider-config.js';
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
  const storage = await Catalog.open(config.storage.path, config.storage.width ? { width: config.storage.width } : {});
  const coordination = config.coordination ? new ProviderCoordination(config.coordination) : undefined;
  const venues = ccxtVenues(config, storage.width, options, coordination);
  const backfiller = config.backfill ? await openBackfiller(config.backfill.source, storage, venues) : undefined;
  const live = config.live ? await openLive(config.live, venues) : undefined;
  return new SeamlessProvider({
    config,
    symbology: new Symbology(options.symbology),
    storage: new CatalogSource(storage),
    ledger: await CoverageLedger.open(ledgerDir(storage.root)),
    ...(backfiller ? { backfiller } : {}),
    ...(live ? { live } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(coordination ? { coordinator: coordination.coordinator } : {}),
    resources: [...(venues ? [venues] : []), ...(coordination ? [coordination] : [])],
  });
}

/** One set of exchange objects for backfill and live, when either uses ccxt. */
function ccxtVenues(config: ProviderConfig, width: FixedWidth, options: BuildOptions, coordination: ProviderCoordination | undefined): CcxtVenues | undefined {
  const sources = [config.backfill?.source, config.live].filter((s): s is CcxtSourceConfig => s?.kind === 'ccxt');
  if (sources.length === 0) return undefined;
  // Backfill and live of one provider talk to the same endpoints.
  const merged: CcxtSourceConfig = Object.assign({}, ...sources);
  return new CcxtVenues(merged, {
    width,
    ...(coordination ? { limiterFor: (id: string) => coordination.limiterFor(id) } : {}),
    ...(options.clock ? { now: options.clock } : {}),
  });
}

async function openBackfiller(source: BackfillSourceConfig, storage: Catalog, venues: CcxtVenues | undefined): Promise<Backfiller> {
  if (source.kind === 'ccxt') return new CcxtBackfillRouter(venues!);
  // The mirror must write raws of the storage's width, so it reads with the same width.
  return new CatalogBackfiller(await Catalog.open(source.path, { width: storage.width }));
}

async function openLive(source: LiveSourceConfig, venues: CcxtVenues | undefined): Promise<LiveFeed> {
  if (source.kind === 'ccxt') return new CcxtFeedRouter(venues!);
  return new CatalogFollowFeed(await Catalog.open(source.path), source.pollMs);
}
