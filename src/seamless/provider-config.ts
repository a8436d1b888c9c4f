/**
 * The plain-data description of a provider: what presets and world files resolve to, and
 * what `buildProvider` turns into running tiers. No behaviour here, only the shape and the
 * defaults a demanding user would pick.
 */
import type { CoordinatorOutagePolicy } from '../coordination/coordinator-policy.js';

/** How a fetch treats data that storage lacks. */
export type Strategy = 'FAIL_FAST' | 'PARTIAL' | 'AUTO_BACKFILL' | 'SEAMLESS';
export const STRATEGIES: readonly Strategy[] = ['FAIL_FAST', 'PARTIAL', 'AUTO_BACKFILL', 'SEAMLESS'];

/** What a conformance rule does with the rows it flags. */
export type RuleAction = 'off' | 'warn' | 'drop' | 'block';

/** Per-rule actions; rules not named keep their defaults (see conformance/rules.ts). */
export type ConformanceConfig = Readonly<Record<string, RuleAction>>;

export type SlaPhase = 'storage' | 'backfill' | 'live' | 'total';
export type SlaViolationPolicy = 'fail' | 'partial' | 'hold';

export interface SlaPolicy {
  /** Budgets in milliseconds per phase; a missing budget is unlimited. */
  readonly budgetsMs: Readonly<Partial<Record<SlaPhase, number>>>;
  readonly onViolation: SlaViolationPolicy;
}

export interface BackfillPolicy {
  /** Bars per chunk for bar series. */
  readonly chunkBars: number;
  /** Chunk length for tick and quote series, in ms. */
  readonly tickChunkMs: number;
  readonly maxConcurrent: number;
  readonly maxAttempts: number;
  readonly retryBackoffMs: number;
  /** Up to this share of each delay is added at random, so retries of many workers spread out. */
  readonly jitterRatio: number;
}

export const DEFAULT_BACKFILL_POLICY: BackfillPolicy = {
  chunkBars: 1000,
  tickChunkMs: 3_600_000,
  maxConcurrent: 4,
  maxAttempts: 5,
  retryBackoffMs: 250,
  jitterRatio: 0.25,
};

export interface CacheConfig {
  readonly maxBytes: number;
  /** 0 means entries never expire by age (they are still evicted by size). */
  readonly ttlMs: number;
}

export const DEFAULT_CACHE: CacheConfig = { maxBytes: 256 * 1024 * 1024, ttlMs: 60_000 };

/**
 * QuestDB as storage: ILP over HTTP for writes, the PostgreSQL wire protocol for reads.
 * The coverage of stored data lives in QuestDB itself; what the venue had nothing for
 * (known-empty) lives in the local ledger at `ledgerPath`. The password comes from the
 * environment (QUESTDB_PASSWORD) when not given, and never appears in messages.
 */
export interface QuestDbStorageConfig {
  readonly kind: 'questdb';
  readonly httpUrl: string;
  readonly pgPort?: number;
  readonly user?: string;
  readonly password?: string;
  readonly tablePrefix?: string;
  readonly ledgerPath: string;
  readonly width?: 8 | 16;
}

export type CatalogStorageConfig = { readonly kind: 'catalog'; readonly path: string; readonly width?: 8 | 16 };

export type StorageConfig = CatalogStorageConfig | QuestDbStorageConfig;

/** The storage catalog's folder, or undefined when storage is not a catalog. */
export function catalogPathOf(storage: StorageConfig): string | undefined {
  return storage.kind === 'catalog' ? storage.path : undefined;
}

/**
 * An exchange reached through ccxt. Without `exchange`, each series uses the exchange its
 * node id names. The URLs replace the scheme, host and port of ccxt's REST and websocket
 * endpoints (testnets, proxies, local mirrors).
 */
export interface CcxtSourceConfig {
  readonly kind: 'ccxt';
  readonly exchange?: string;
  readonly restUrl?: string;
  readonly wsUrl?: string;
  /** Rows per REST request (default 1000). */
  readonly pageLimit?: number;
}

/**
 * Coordination of many backfill workers through Redis: one token bucket per exchange shared
 * by every process, and a lease per chunk so each range is fetched by one worker.
 */
export interface CoordinationConfig {
  readonly redisUrl: string;
  /** Requests per second the whole fleet may send to one exchange. */
  readonly requestsPerSecond: number;
  /** Requests that may be sent at once after a quiet period. */
  readonly burst: number;
  readonly leaseTtlMs: number;
  /** When Redis is unreachable: fail the fetch, skip the chunk, or go on without coordination. */
  readonly onOutage: CoordinatorOutagePolicy;
}

export const DEFAULT_COORDINATION: Omit<CoordinationConfig, 'redisUrl'> = {
  requestsPerSecond: 10,
  burst: 10,
  leaseTtlMs: 30_000,
  onOutage: 'fail',
};

/** Where backfill comes from: another catalog, or an exchange through ccxt. */
export type BackfillSourceConfig = { readonly kind: 'catalog'; readonly path: string } | CcxtSourceConfig;

/**
 * Where the live tail comes from: a catalog that a recorder keeps writing to, or an
 * exchange's websocket through ccxt.
 */
export type LiveSourceConfig = { readonly kind: 'catalog-follow'; readonly path: string; readonly pollMs?: number } | CcxtSourceConfig;

export interface ProviderConfig {
  readonly strategy: Strategy;
  readonly storage: StorageConfig;
  readonly backfill?: { readonly source: BackfillSourceConfig; readonly policy: BackfillPolicy };
  readonly live?: LiveSourceConfig;
  /** Shared rate limit and backfill leases; without it, coordination is per process. */
  readonly coordination?: CoordinationConfig;
  readonly cache: CacheConfig | false;
  readonly conformance: ConformanceConfig;
  /** Bars closing within the last N intervals before now may still change and are trimmed. */
  readonly stabilizationBars: number;
  readonly sla?: SlaPolicy;
  /** Folder for Parquet artifacts plus manifests of each result, if wanted. */
  readonly artifactsDir?: string;
}
