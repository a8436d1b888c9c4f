/**
 * The in-process tier: an LRU of fetch results bounded in bytes, with an optional TTL.
 *
 * A Map keeps insertion order, so re-inserting on every hit makes its first key the least
 * recently used one: get, set and eviction are all O(1). Sizes are what the caller says
 * (see `frameBytes`); the budget is approximate by design, it only has to stop runaway growth.
 */
import type { Frame } from '../model/frames.js';
import { SeamlessError } from './errors.js';
import type { TimeRange } from './time-range.js';

/** A key built only by `cacheKey`, so every caller spells the same request the same way. */
export type CacheKey = string & { readonly __cacheKey: unique symbol };

/**
 * The key of one fetch result. `variant` distinguishes results of the same range that were
 * shaped differently (the provider passes a hash of its conformance config).
 */
export function cacheKey(nodeId: string, range: TimeRange, asOf: string | undefined, variant: string): CacheKey {
  // JSON keeps the parts unambiguous whatever characters a node id or variant holds.
  return JSON.stringify([nodeId, range.start.toString(), range.end.toString(), asOf ?? null, variant]) as CacheKey;
}

/** Every key of `nodeId` starts with this (JSON closes the string at the first unescaped quote). */
function seriesPrefix(nodeId: string): string {
  return `${JSON.stringify(nodeId)},`;
}

/** Per-value overhead guessed for a JS string: UTF-16 payload plus header. */
const STRING_OVERHEAD = 16;

/** Approximate bytes a frame holds: its typed arrays plus its strings. Undefined is 0. */
export function frameBytes(frame: Frame | undefined): number {
  if (frame === undefined) return 0;
  let total = 0;
  for (const column of Object.values(frame.columns) as unknown[]) {
    if (ArrayBuffer.isView(column)) total += column.byteLength;
    else if (Array.isArray(column)) for (const value of column as unknown[]) total += (typeof value === 'string' ? value.length * 2 : 0) + STRING_OVERHEAD;
    else if (column !== null && typeof column === 'object' && 'bytes' in column) total += (column as { bytes: Uint8Array }).bytes.byteLength;
  }
  return total;
}

export interface MemoryCacheOptions {
  readonly maxBytes: number;
  /** 0 means entries never expire by age (they are still evicted by size). */
  readonly ttlMs: number;
  /** Monotonic milliseconds; injectable for tests. Default `performance.now()`. */
  readonly now?: () => number;
}

export interface MemoryCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  /** Entries removed to stay within `maxBytes`. */
  readonly evictions: number;
  /** Entries found older than the TTL (each also counted as a miss). */
  readonly expirations: number;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
  readonly storedAt: number;
}

export class MemoryCache<V> {
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<CacheKey, Entry<V>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(options: MemoryCacheOptions) {
    const { maxBytes, ttlMs } = options;
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `cache.maxBytes must be a finite number >= 0, was ${maxBytes}`, { field: 'cache.maxBytes' });
    }
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `cache.ttlMs must be a finite number >= 0 (0 = no expiry), was ${ttlMs}`, { field: 'cache.ttlMs' });
    }
    this.#maxBytes = maxBytes;
    this.#ttlMs = ttlMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The value of `key`, or undefined on a miss. A hit becomes the most recently used entry. */
  get(key: CacheKey): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    if (this.#expired(entry)) {
      this.#remove(key, entry);
      this.#expirations++;
      this.#misses++;
      return undefined;
    }
    // Re-inserting moves the key to the end of the Map's order: most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#hits++;
    return entry.value;
  }

  /**
   * Stores `value` as `bytes` large, evicting least recently used entries to fit. A value
   * larger than the whole budget is not stored (and drops any older value of the key).
   * Returns whether it was stored.
   */
  set(key: CacheKey, value: V, bytes: number): boolean {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `cache entry size must be a finite number >= 0, was ${bytes}`, { bytes });
    }
    this.delete(key);
    if (bytes > this.#maxBytes) return false;
    this.#entries.set(key, { value, bytes, storedAt: this.#now() });
    this.#bytes += bytes;
    this.#evictToBudget();
    return true;
  }

  delete(key: CacheKey): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#remove(key, entry);
    return true;
  }

  /** Drops every entry of one series, so results older than a write-through never serve. */
  invalidateSeries(nodeId: string): number {
    const prefix = seriesPrefix(nodeId);
    let removed = 0;
    // Deleting the current key while iterating a Map is safe.
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(prefix, 1)) {
        this.#remove(key, entry);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  stats(): MemoryCacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      expirations: this.#expirations,
    };
  }

  #expired(entry: Entry<V>): boolean {
    return this.#ttlMs > 0 && this.#now() - entry.storedAt >= this.#ttlMs;
  }

  #remove(key: CacheKey, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  #evictToBudget(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) return;
      this.#remove(key, entry);
      this.#evictions++;
    }
  }
}
