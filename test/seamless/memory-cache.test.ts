import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocFrame } from '../../src/model/frames.js';
import { type CacheKey, MemoryCache, cacheKey, frameBytes } from '../../src/seamless/memory-cache.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 };
const key = (nodeId: string, start = 0n, end = 60n, asOf?: string, variant = 'v'): CacheKey => cacheKey(nodeId, { start, end }, asOf, variant);

/** A manual clock in ms. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('cacheKey', () => {
  it('distinguishes every part of the request', () => {
    const keys = new Set<string>([
      key('ohlcv:binance:BTC/USDT:1m'),
      key('ohlcv:binance:BTC/USDT:1m', 1n),
      key('ohlcv:binance:BTC/USDT:1m', 0n, 120n),
      key('ohlcv:binance:BTC/USDT:1m', 0n, 60n, '2024-01-01T00:00:00Z'),
      key('ohlcv:binance:BTC/USDT:1m', 0n, 60n, undefined, 'other'),
      key('ohlcv:binance:BTC/USDT:5m'),
    ]);
    assert.equal(keys.size, 6);
    assert.equal(key('a'), key('a'));
  });

  it('cannot be confused by separators inside a node id or variant', () => {
    assert.notEqual(cacheKey('a","0', { start: 0n, end: 1n }, undefined, 'x'), cacheKey('a', { start: 0n, end: 1n }, undefined, '0","x'));
  });
});

describe('frameBytes', () => {
  it('sums typed arrays and estimates strings', () => {
    assert.equal(frameBytes(undefined), 0);
    const bars = allocFrame('bar', 8, 10, META);
    // 5 fixed columns × 8 bytes + 2 u64 columns × 8 bytes, 10 rows.
    assert.equal(frameBytes(bars), 7 * 8 * 10);
    const trades = allocFrame('trade_tick', 16, 2, META);
    trades.columns.trade_id[0] = 'abc';
    trades.columns.trade_id[1] = '';
    const fixed = 2 * 16 * 2;
    assert.equal(frameBytes(trades), fixed + 2 /* u8 */ + 2 * 8 * 2 + (3 * 2 + 16) + 16);
  });
});

describe('MemoryCache', () => {
  it('rejects a bad config', () => {
    assert.throws(() => new MemoryCache({ maxBytes: -1, ttlMs: 0 }), seamlessError('SEAMLESS_BAD_CONFIG'));
    assert.throws(() => new MemoryCache({ maxBytes: 10, ttlMs: Number.NaN }), seamlessError('SEAMLESS_BAD_CONFIG'));
  });

  it('evicts the least recently used, and get refreshes recency', () => {
    const cache = new MemoryCache<string>({ maxBytes: 30, ttlMs: 0 });
    cache.set(key('a'), 'A', 10);
    cache.set(key('b'), 'B', 10);
    cache.set(key('c'), 'C', 10);
    assert.equal(cache.get(key('a')), 'A'); // a is now the most recent; b the least
    cache.set(key('d'), 'D', 10);
    assert.equal(cache.get(key('b')), undefined);
    assert.equal(cache.get(key('a')), 'A');
    assert.equal(cache.get(key('c')), 'C');
    assert.equal(cache.get(key('d')), 'D');
    assert.equal(cache.stats().evictions, 1);
  });

  it('stays within the byte budget, evicting as many as needed', () => {
    const cache = new MemoryCache<number>({ maxBytes: 100, ttlMs: 0 });
    for (let i = 0; i < 10; i++) cache.set(key(`s${i}`), i, 10);
    assert.equal(cache.stats().bytes, 100);
    cache.set(key('big'), 99, 75);
    const stats = cache.stats();
    assert.ok(stats.bytes <= 100);
    assert.equal(stats.entries, 3); // big + the two most recent
    assert.equal(stats.evictions, 8);
    assert.equal(cache.get(key('s9')), 9);
    assert.equal(cache.get(key('s8')), 8);
    assert.equal(cache.get(key('s7')), undefined);
  });

  it('replacing a key adjusts its size', () => {
    const cache = new MemoryCache<string>({ maxBytes: 100, ttlMs: 0 });
    cache.set(key('a'), 'one', 40);
    cache.set(key('a'), 'two', 10);
    assert.deepEqual([cache.stats().entries, cache.stats().bytes], [1, 10]);
    assert.equal(cache.get(key('a')), 'two');
  });

  it('does not store an entry larger than the budget, and drops its older value', () => {
    const cache = new MemoryCache<string>({ maxBytes: 50, ttlMs: 0 });
    cache.set(key('keep'), 'k', 20);
    cache.set(key('x'), 'small', 5);
    assert.equal(cache.set(key('x'), 'huge', 51), false);
    assert.equal(cache.get(key('x')), undefined);
    assert.equal(cache.get(key('keep')), 'k');
    assert.deepEqual([cache.stats().entries, cache.stats().bytes, cache.stats().evictions], [1, 20, 0]);
    assert.equal(cache.set(key('exact'), 'e', 50), true); // exactly the budget fits
  });

  it('expires entries by age with an injected clock', () => {
    const c = clock();
    const cache = new MemoryCache<string>({ maxBytes: 100, ttlMs: 1000, now: c.now });
    cache.set(key('a'), 'A', 10);
    c.advance(999);
    assert.equal(cache.get(key('a')), 'A'); // a hit does not extend the TTL
    c.advance(1);
    assert.equal(cache.get(key('a')), undefined);
    const stats = cache.stats();
    assert.deepEqual([stats.entries, stats.bytes, stats.hits, stats.misses, stats.expirations], [0, 0, 1, 1, 1]);
  });

  it('ttlMs 0 never expires by age', () => {
    const c = clock();
    const cache = new MemoryCache<string>({ maxBytes: 100, ttlMs: 0, now: c.now });
    cache.set(key('a'), 'A', 10);
    c.advance(1e12);
    assert.equal(cache.get(key('a')), 'A');
  });

  it('invalidateSeries removes every entry of one series only', () => {
    const cache = new MemoryCache<string>({ maxBytes: 1000, ttlMs: 0 });
    const series = 'ohlcv:binance:BTC/USDT:1m';
    cache.set(key(series, 0n, 60n), 'a', 10);
    cache.set(key(series, 60n, 120n, '2024'), 'b', 10);
    cache.set(key(series, 0n, 60n, undefined, 'strict'), 'c', 10);
    cache.set(key(`${series}0`), 'prefix-alike', 10);
    cache.set(key('ohlcv:binance:ETH/USDT:1m'), 'other', 10);
    assert.equal(cache.invalidateSeries(series), 3);
    assert.deepEqual([cache.stats().entries, cache.stats().bytes], [2, 20]);
    assert.equal(cache.get(key(`${series}0`)), 'prefix-alike');
    assert.equal(cache.get(key('ohlcv:binance:ETH/USDT:1m')), 'other');
  });

  it('counts hits and misses; delete and clear', () => {
    const cache = new MemoryCache<{ frame: undefined; meta: unknown }>({ maxBytes: 100, ttlMs: 0 });
    const value = { frame: undefined, meta: { source: 'catalog' } };
    cache.set(key('a'), value, 1);
    assert.equal(cache.get(key('a')), value);
    assert.equal(cache.get(key('b')), undefined);
    assert.equal(cache.delete(key('a')), true);
    assert.equal(cache.delete(key('a')), false);
    cache.set(key('c'), value, 5);
    cache.clear();
    assert.deepEqual(cache.stats(), { entries: 0, bytes: 0, hits: 1, misses: 1, evictions: 0, expirations: 0 });
  });
});
