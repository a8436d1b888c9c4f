/**
 * The plain-data description of a provider: what presets and world files resolve to, and
 * what `buildProvider` turns into running tiers. No behaviour here, only the shape and the
 * defaults a demanding user would pick.
 */

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

export type StorageConfig = { readonly kind: 'catalog'; readonly path: string; readonly width?: 8 | 16 };

/** Where backfill comes from. More kinds (ccxt) arrive with the exchange tier. */
export type BackfillSourceConfig = { readonly kind: 'catalog'; readonly path: string };

/**
 * Where the live tail comes from: following a catalog that a recorder keeps writing to.
 * More kinds (ccxt websocket) arrive with the exchange tier.
 */
export type LiveSourceConfig = { readonly kind: 'catalog-follow'; readonly path: string; readonly pollMs?: number };

export interface ProviderConfig {
  readonly strategy: Strategy;
  readonly storage: StorageConfig;
  readonly backfill?: { readonly source: BackfillSourceConfig; readonly policy: BackfillPolicy };
  readonly live?: LiveSourceConfig;
  readonly cache: CacheConfig | false;
  readonly conformance: ConformanceConfig;
  /** Bars closing within the last N intervals before now may still change and are trimmed. */
  readonly stabilizationBars: number;
  readonly sla?: SlaPolicy;
  /** Folder for Parquet artifacts plus manifests of each result, if wanted. */
  readonly artifactsDir?: string;
}
