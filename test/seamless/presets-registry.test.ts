/** The code-defined provider presets: configs they build, what they require, strict options. */
import assert from 'node:assert/strict';
import { catalogPathOf } from '../../src/seamless/provider-config.js';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { SeamlessError } from '../../src/seamless/errors.js';
import { createDefaultRegistry, PresetRegistry } from '../../src/seamless/presets/index.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE } from '../../src/seamless/provider-config.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const registry = createDefaultRegistry();
const context = { baseDir: '/base', env: {} };

describe('preset registry', () => {
  it('lists the built-in presets', () => {
    assert.deepEqual(registry.names(), ['catalog', 'catalog.follow', 'catalog.mirror', 'exchange', 'ohlcv.binance.spot.1m', 'ohlcv.binance.spot.1m.questdb', 'ohlcv.binance.usdm.1m', 'quotes.binance.spot', 'trades.binance.spot', 'trades.binance.usdm']);
  });

  it('catalog: local catalog, FAIL_FAST, no backfill, needs the catalog', () => {
    const preset = registry.get('catalog');
    assert.deepEqual(preset.build({ catalog_path: 'data/catalog' }, context), {
      strategy: 'FAIL_FAST',
      storage: { kind: 'catalog', path: '/base/data/catalog' },
      cache: DEFAULT_CACHE,
      conformance: {},
      stabilizationBars: 0,
    });
    assert.deepEqual(preset.requires({ catalog_path: '/abs/cat' }, context), [{ kind: 'catalog', path: '/abs/cat', option: 'catalog_path' }]);
  });

  it('catalog: defaults to $NAUTILUS_PATH/catalog, else ./catalog', () => {
    const preset = registry.get('catalog');
    assert.equal(catalogPathOf(preset.build({}, { baseDir: '/base', env: { NAUTILUS_PATH: '/nt' } }).storage), '/nt/catalog');
    assert.equal(catalogPathOf(preset.build(undefined, { baseDir: '/base', env: {} }).storage), resolve(process.cwd(), 'catalog'));
  });

  it('catalog.mirror: backfill from another catalog with the default policy', () => {
    const config = registry.get('catalog.mirror').build({ catalog_path: '/a', source_path: 'src' }, context);
    assert.equal(config.strategy, 'AUTO_BACKFILL');
    assert.deepEqual(config.backfill, { source: { kind: 'catalog', path: '/base/src' }, policy: DEFAULT_BACKFILL_POLICY });
    assert.equal(config.live, undefined);
    assert.deepEqual(
      registry.get('catalog.mirror').requires({ catalog_path: '/a', source_path: 'src' }, context).map((d) => d.kind === 'catalog' && d.path),
      ['/a', '/base/src'],
    );
  });

  it('catalog.mirror: source_path is required and must differ from catalog_path', () => {
    assert.throws(() => registry.get('catalog.mirror').build({}, context), seamlessError('SEAMLESS_BAD_CONFIG', /options\.source_path: is required/));
    assert.throws(
      () => registry.get('catalog.mirror').build({ catalog_path: '/a', source_path: '/a' }, context),
      seamlessError('SEAMLESS_BAD_CONFIG', /same folder/),
    );
  });

  it('catalog.follow: mirror plus a live tail following a catalog, SEAMLESS', () => {
    const preset = registry.get('catalog.follow');
    const config = preset.build({ catalog_path: '/a', source_path: '/s' }, context);
    assert.equal(config.strategy, 'SEAMLESS');
    assert.deepEqual(config.live, { kind: 'catalog-follow', path: '/s', pollMs: 1000 });
    assert.deepEqual(config.backfill?.source, { kind: 'catalog', path: '/s' });
    const custom = preset.build({ catalog_path: '/a', source_path: '/s', live_path: 'live', poll_ms: 10 }, context);
    assert.deepEqual(custom.live, { kind: 'catalog-follow', path: join('/base', 'live'), pollMs: 10 });
    // live_path defaulting to source_path is one dependency, not two.
    assert.equal(preset.requires({ catalog_path: '/a', source_path: '/s' }, context).length, 2);
    assert.equal(preset.requires({ catalog_path: '/a', source_path: '/s', live_path: '/l' }, context).length, 3);
  });

  it('unknown preset: lists registered names and suggests close ones', () => {
    assert.throws(
      () => registry.get('catalog.mirorr'),
      seamlessError('SEAMLESS_UNKNOWN_PRESET', /unknown provider preset "catalog.mirorr"/, /did you mean "catalog.mirror"/, /"catalog", "catalog.follow", "catalog.mirror"/),
    );
    assert.throws(() => registry.get('xyz'), (e: unknown) => e instanceof SeamlessError && !e.message.includes('did you mean'));
  });

  it('bad option keys and values are rejected with the valid keys', () => {
    assert.throws(
      () => registry.get('catalog').build({ catalog_pth: '/x' }, context),
      seamlessError('SEAMLESS_BAD_CONFIG', /unknown key "catalog_pth"/, /did you mean "catalog_path"/, /valid keys: catalog_path, width/),
    );
    assert.throws(
      () => registry.get('catalog.follow').build({ source_path: '/s', poll_ms: 0 }, context),
      seamlessError('SEAMLESS_BAD_CONFIG', /options\.poll_ms: must be > 0, was 0/),
    );
    assert.throws(() => registry.get('catalog').build({ width: 12 }, context), seamlessError('SEAMLESS_BAD_CONFIG', /must be 8 or 16.*was 12/));
  });

  it('register: custom presets, duplicate and malformed names refused', () => {
    const own = new PresetRegistry().register('mine', {
      description: 'test',
      options: z.strictObject({ path: z.string() }),
      build: (o) => ({ strategy: 'PARTIAL', storage: { kind: 'catalog', path: o.path }, cache: false, conformance: {}, stabilizationBars: 2 }),
      requires: () => [],
    });
    assert.equal(own.get('mine').build({ path: '/p' }).strategy, 'PARTIAL');
    assert.throws(() => own.register('mine', { description: '', options: z.object({}), build: () => assert.fail(), requires: () => [] }), /already registered/);
    assert.throws(() => own.register('Bad Name', { description: '', options: z.object({}), build: () => assert.fail(), requires: () => [] }), /not valid/);
  });
});

describe('exchange presets', () => {
  it('ohlcv.binance.spot.1m: catalog storage, ccxt backfill and live tail, Redis coordination from REDIS_URL', () => {
    const preset = registry.get('ohlcv.binance.spot.1m');
    const plain = preset.build({ catalog_path: 'cat' }, context);
    assert.equal(plain.strategy, 'SEAMLESS');
    assert.deepEqual(plain.storage, { kind: 'catalog', path: join('/base', 'cat') });
    assert.deepEqual(plain.backfill?.source, { kind: 'ccxt', exchange: 'binance' });
    assert.deepEqual(plain.live, { kind: 'ccxt', exchange: 'binance' });
    assert.equal(plain.coordination, undefined);
    assert.deepEqual(preset.requires({}, context), []);

    const shared = preset.build({ rest_url: 'http://127.0.0.1:9', requests_per_second: 5, on_redis_outage: 'skip' }, { baseDir: '/base', env: { REDIS_URL: 'redis://127.0.0.1:7' } });
    assert.deepEqual(shared.backfill?.source, { kind: 'ccxt', exchange: 'binance', restUrl: 'http://127.0.0.1:9' });
    assert.deepEqual(shared.coordination, { redisUrl: 'redis://127.0.0.1:7', requestsPerSecond: 5, burst: 10, leaseTtlMs: 30_000, onOutage: 'skip' });
    assert.deepEqual(preset.requires({}, { baseDir: '/base', env: { REDIS_URL: 'redis://127.0.0.1:7' } }), [{ kind: 'redis', url: 'redis://127.0.0.1:7' }]);
  });

  it('names the bad option and what it must be', () => {
    assert.throws(() => registry.get('exchange').build({ rest_url: 'ftp://x' }, context), seamlessError('SEAMLESS_BAD_CONFIG', /rest_url/, /http:\/\/ or https:\/\//));
    assert.throws(() => registry.get('exchange').build({ on_redis_outage: 'ignore' }, context), seamlessError('SEAMLESS_BAD_CONFIG', /on_redis_outage/));
    assert.throws(() => registry.get('trades.binance.spot').build({ exchnage: 'x' }, context), seamlessError('SEAMLESS_BAD_CONFIG', /exchnage/));
  });

  it('quotes.binance.spot answers from storage and the live tail only', () => {
    const config = registry.get('quotes.binance.spot').build({}, context);
    assert.equal(config.strategy, 'PARTIAL');
    assert.deepEqual(config.live, { kind: 'ccxt', exchange: 'binance' });
  });
});
