/**
 * The built-in presets: a local catalog alone, mirrored from another catalog, and a live
 * tail that follows a catalog a recorder keeps writing to. All of them need only folders, so they work offline.
 */
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { SeamlessError } from '../errors.js';
import { type CatalogStorageConfig, DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE, type ProviderConfig } from '../provider-config.js';
import type { Dependency } from './dependency.js';
import { strictObject } from './issues.js';
import type { PresetContext, PresetRegistry } from './registry.js';

const path = z.string().min(1);
const width = z.union([z.literal(8), z.literal(16)], { error: 'must be 8 or 16 (fixed-point width in bytes)' });

const catalogOptions = strictObject({ catalog_path: path.optional(), width: width.optional() });
const mirrorOptions = strictObject({ catalog_path: path.optional(), source_path: path, width: width.optional() });
const followOptions = strictObject({
  catalog_path: path.optional(),
  source_path: path,
  live_path: path.optional(),
  poll_ms: z.number().int().positive().optional(),
  width: width.optional(),
});

type CatalogOptions = z.infer<typeof catalogOptions>;
type MirrorOptions = z.infer<typeof mirrorOptions>;
type FollowOptions = z.infer<typeof followOptions>;

/** Written paths resolve against the file they were written in (the context's baseDir). */
export function resolvePath(context: PresetContext, path: string): string {
  return isAbsolute(path) ? path : resolve(context.baseDir, path);
}

/** Nautilus' convention: `$NAUTILUS_PATH/catalog`; otherwise `./catalog` from where we run. */
export function defaultCatalogPath(context: PresetContext): string {
  const root = context.env['NAUTILUS_PATH'];
  return root !== undefined && root !== '' ? resolve(root, 'catalog') : resolve(process.cwd(), 'catalog');
}

function storagePath(options: CatalogOptions, context: PresetContext): string {
  return options.catalog_path === undefined ? defaultCatalogPath(context) : resolvePath(context, options.catalog_path);
}

function catalogConfig(options: CatalogOptions, context: PresetContext): ProviderConfig & { readonly storage: CatalogStorageConfig } {
  return {
    strategy: 'FAIL_FAST',
    storage: { kind: 'catalog', path: storagePath(options, context), ...(options.width === undefined ? {} : { width: options.width }) },
    cache: DEFAULT_CACHE,
    conformance: {},
    // Catalog data is final once written, so nothing needs trimming by default.
    stabilizationBars: 0,
  };
}

function mirrorConfig(options: MirrorOptions, context: PresetContext): ProviderConfig & { readonly storage: CatalogStorageConfig } {
  const base = catalogConfig(options, context);
  const source = resolvePath(context, options.source_path);
  if (source === base.storage.path) {
    // Backfilling a catalog from itself would loop without ever adding data.
    throw new SeamlessError(
      'SEAMLESS_BAD_CONFIG',
      `preset "catalog.mirror": source_path and catalog_path are the same folder, was ${source}; point source_path at the catalog to copy from`,
      { path: source },
    );
  }
  return { ...base, strategy: 'AUTO_BACKFILL', backfill: { source: { kind: 'catalog', path: source }, policy: DEFAULT_BACKFILL_POLICY } };
}

/** The storage catalog and the catalog it copies from. */
function mirrorDependencies(options: MirrorOptions, context: PresetContext): Dependency[] {
  const config = mirrorConfig(options, context);
  return [
    { kind: 'catalog', path: config.storage.path, option: 'catalog_path' },
    { kind: 'catalog', path: resolvePath(context, options.source_path), option: 'source_path' },
  ];
}

function followConfig(options: FollowOptions, context: PresetContext): ProviderConfig {
  const livePath = resolvePath(context, options.live_path ?? options.source_path);
  return {
    ...mirrorConfig(options, context),
    strategy: 'SEAMLESS',
    live: { kind: 'catalog-follow', path: livePath, pollMs: options.poll_ms ?? 1000 },
  };
}

export function registerCatalogPresets(registry: PresetRegistry): PresetRegistry {
  registry.register('catalog', {
    description: 'A local Parquet catalog only; missing data fails fast.',
    options: catalogOptions,
    build: catalogConfig,
    requires: (options, context) => [{ kind: 'catalog', path: storagePath(options, context), option: 'catalog_path' }],
  });
  registry.register('catalog.mirror', {
    description: 'A local catalog that backfills missing ranges from another catalog folder.',
    options: mirrorOptions,
    build: mirrorConfig,
    requires: mirrorDependencies,
  });
  registry.register('catalog.follow', {
    description: 'catalog.mirror plus a live tail that follows new files of a catalog (e.g. one a recorder writes).',
    options: followOptions,
    build: followConfig,
    requires: (options, context): Dependency[] => {
      const deps = mirrorDependencies(options, context);
      const liveSource = followConfig(options, context).live;
      const live = liveSource?.kind === 'catalog-follow' ? liveSource.path : undefined;
      if (live !== undefined && !deps.some((d) => d.kind === 'catalog' && d.path === live)) {
        deps.push({ kind: 'catalog', path: live, option: 'live_path' });
      }
      return deps;
    },
  });
  return registry;
}
