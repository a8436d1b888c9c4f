/**
 * Presets that fetch from an exchange through ccxt: a local catalog as storage, ccxt REST
 * backfill, and (for SEAMLESS) ccxt's websocket as the live tail.
 *
 * `exchange` is the general form; the named ones pin an exchange and say what they are for:
 * `ohlcv.binance.spot.1m`, `ohlcv.binance.usdm.1m`, `trades.binance.spot`, `trades.binance.usdm`,
 * `quotes.binance.spot` (live only: exchanges keep no quote history), and
 * `ohlcv.binance.spot.1m.questdb` (QuestDB storage; `storage: questdb` does it for any of them).
 * With `redis_url` (or REDIS_URL in the environment) every process sharing it shares one
 * token bucket per exchange and takes a lease per chunk, so a range is fetched once.
 */
import { join } from 'node:path';
import * as z from 'zod';
import { COORDINATOR_OUTAGE_POLICIES } from '../../coordination/coordinator-policy.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE, DEFAULT_COORDINATION, type CcxtSourceConfig, type CoordinationConfig, type ProviderConfig, STRATEGIES, type StorageConfig } from '../provider-config.js';
import { defaultCatalogPath, resolvePath } from './builtins.js';
import type { Dependency } from './dependency.js';
import { strictObject } from './issues.js';
import type { PresetContext, PresetRegistry } from './registry.js';

const url = (protocols: readonly string[]) => z.string().refine((text) => {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}, { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` });

const exchangeOptions = strictObject({
  exchange: z.string().regex(/^[a-z0-9]+$/, 'must be a ccxt exchange id such as binance').optional(),
  catalog_path: z.string().min(1).optional(),
  width: z.union([z.literal(8), z.literal(16)], { error: 'must be 8 or 16 (fixed-point width in bytes)' }).optional(),
  strategy: z.enum(STRATEGIES).optional(),
  live: z.boolean().optional(),
  rest_url: url(['http:', 'https:']).optional(),
  ws_url: url(['ws:', 'wss:']).optional(),
  page_limit: z.number().int().min(1).max(5000).optional(),
  redis_url: url(['redis:', 'rediss:']).optional(),
  requests_per_second: z.number().positive().optional(),
  burst: z.number().int().positive().optional(),
  lease_ttl_ms: z.number().int().min(1000).optional(),
  on_redis_outage: z.enum(COORDINATOR_OUTAGE_POLICIES).optional(),
  max_concurrent: z.number().int().min(1).max(64).optional(),
  storage: z.enum(['catalog', 'questdb']).optional(),
  questdb_url: url(['http:', 'https:']).optional(),
  questdb_pg_port: z.number().int().min(1).max(65535).optional(),
  questdb_user: z.string().min(1).optional(),
  table_prefix: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be letters, digits and underscores').optional(),
  ledger_path: z.string().min(1).optional(),
});

export type ExchangeOptions = z.infer<typeof exchangeOptions>;

const DEFAULT_QUESTDB_URL = 'http://127.0.0.1:9000';

/** A catalog folder, or QuestDB (password from QUESTDB_PASSWORD, never from the preset file). */
function storage(options: ExchangeOptions, context: PresetContext): StorageConfig {
  const width = options.width ? { width: options.width } : {};
  if (options.storage !== 'questdb') {
    return { kind: 'catalog', path: options.catalog_path === undefined ? defaultCatalogPath(context) : resolvePath(context, options.catalog_path), ...width };
  }
  return {
    kind: 'questdb',
    httpUrl: options.questdb_url ?? DEFAULT_QUESTDB_URL,
    ...(options.questdb_pg_port ? { pgPort: options.questdb_pg_port } : {}),
    ...(options.questdb_user ? { user: options.questdb_user } : {}),
    ...(options.table_prefix ? { tablePrefix: options.table_prefix } : {}),
    // Known-empty ranges are remembered locally; stored coverage lives in QuestDB.
    ledgerPath: resolvePath(context, options.ledger_path ?? join('.seamless', 'questdb-ledger')),
    ...width,
  };
}

function coordination(options: ExchangeOptions, context: PresetContext): CoordinationConfig | undefined {
  const redisUrl = options.redis_url ?? context.env['REDIS_URL'];
  if (redisUrl === undefined || redisUrl === '') return undefined;
  return {
    redisUrl,
    requestsPerSecond: options.requests_per_second ?? DEFAULT_COORDINATION.requestsPerSecond,
    burst: options.burst ?? DEFAULT_COORDINATION.burst,
    leaseTtlMs: options.lease_ttl_ms ?? DEFAULT_COORDINATION.leaseTtlMs,
    onOutage: options.on_redis_outage ?? DEFAULT_COORDINATION.onOutage,
  };
}

export function exchangeConfig(options: ExchangeOptions, context: PresetContext): ProviderConfig {
  const source: CcxtSourceConfig = {
    kind: 'ccxt',
    ...(options.exchange ? { exchange: options.exchange } : {}),
    ...(options.rest_url ? { restUrl: options.rest_url } : {}),
    ...(options.ws_url ? { wsUrl: options.ws_url } : {}),
    ...(options.page_limit ? { pageLimit: options.page_limit } : {}),
  };
  const live = options.live ?? true;
  const shared = coordination(options, context);
  return {
    strategy: options.strategy ?? (live ? 'SEAMLESS' : 'AUTO_BACKFILL'),
    storage: storage(options, context),
    backfill: { source, policy: { ...DEFAULT_BACKFILL_POLICY, ...(options.max_concurrent ? { maxConcurrent: options.max_concurrent } : {}) } },
    ...(live ? { live: source } : {}),
    ...(shared ? { coordination: shared } : {}),
    cache: DEFAULT_CACHE,
    conformance: {},
    // The newest bar an exchange serves may still be revised for a moment after it closes.
    stabilizationBars: 1,
  };
}

function exchangeDependencies(options: ExchangeOptions, context: PresetContext): Dependency[] {
  const deps: Dependency[] = [];
  const shared = coordination(options, context);
  if (shared) deps.push({ kind: 'redis', url: shared.redisUrl });
  if (options.storage === 'questdb') {
    const url = new URL(options.questdb_url ?? DEFAULT_QUESTDB_URL);
    deps.push({ kind: 'questdb', host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
  }
  return deps;
}

/** A named preset is `exchange` with some options fixed; the rest stay settable. */
function pinned(registry: PresetRegistry, name: string, description: string, fixed: Partial<ExchangeOptions>): void {
  registry.register(name, {
    description,
    options: exchangeOptions,
    build: (options, context) => exchangeConfig({ ...options, ...fixed }, context),
    requires: (options, context) => exchangeDependencies({ ...options, ...fixed }, context),
  });
}

export function registerExchangePresets(registry: PresetRegistry): PresetRegistry {
  registry.register('exchange', {
    description: 'A local catalog filled from the exchange named in the node id through ccxt (REST backfill, websocket live tail).',
    options: exchangeOptions,
    build: exchangeConfig,
    requires: exchangeDependencies,
  });
  pinned(registry, 'ohlcv.binance.spot.1m', 'Binance spot candles: catalog storage, ccxt backfill and live klines.', { exchange: 'binance' });
  pinned(registry, 'ohlcv.binance.usdm.1m', 'Binance USD-M futures candles: catalog storage, ccxt backfill and live klines.', { exchange: 'binanceusdm' });
  pinned(registry, 'ohlcv.binance.spot.1m.questdb', 'Binance spot candles into QuestDB (questdb_url, default http://127.0.0.1:9000): ccxt backfill and live klines.', { exchange: 'binance', storage: 'questdb' });
  pinned(registry, 'trades.binance.spot', 'Binance spot trades: catalog storage, ccxt backfill (aggTrades) and live trades.', { exchange: 'binance' });
  pinned(registry, 'trades.binance.usdm', 'Binance USD-M futures trades: catalog storage, ccxt backfill and live trades.', { exchange: 'binanceusdm' });
  pinned(registry, 'quotes.binance.spot', 'Binance spot best bid/ask, live only (no quote history exists on the exchange).', { exchange: 'binance', strategy: 'PARTIAL' });
  return registry;
}
