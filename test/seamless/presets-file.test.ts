/** presets.yaml: loading, validation with field paths and lines, resolution to ProviderConfig. */
import assert from 'node:assert/strict';
import { catalogPathOf } from '../../src/seamless/provider-config.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod';
import {
  builtInPresets,
  createDefaultRegistry,
  DEFAULT_PRESETS_YAML,
  loadPresetsFile,
  parsePresets,
  resolveDataPreset,
} from '../../src/seamless/presets/index.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE } from '../../src/seamless/provider-config.js';
import { tempDir } from '../helpers/paths.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const parse = (text: string) => parsePresets(text, '/cfg/presets.yaml', '/cfg');

const GOOD = `version: 1
sla_presets:
  fast: { storage_ms: 100, total_ms: 1000, on_violation: hold }
conformance_presets:
  strict: { rules: { bar_ohlc: block, trade_size: warn } }
data_presets:
  ohlcv.binance.1m:
    provider:
      preset: catalog.mirror
      options: { catalog_path: data/catalog, source_path: /mnt/source }
    strategy: PARTIAL
    sla_preset: fast
    conformance_preset: strict
    stabilization_bars: 0
    cache: false
    backfill: { chunk_bars: 50, max_attempts: 2 }
    artifacts_dir: out
    requires: [questdb, redis, nautilus]
    questdb: { port: 9009 }
  plain:
    provider: { preset: catalog, options: { catalog_path: /abs } }
`;

describe('presets file', () => {
  it('resolves a data preset with every section applied', () => {
    const { config, requires } = resolveDataPreset(parse(GOOD), 'ohlcv.binance.1m');
    assert.deepEqual(config, {
      strategy: 'PARTIAL',
      storage: { kind: 'catalog', path: '/cfg/data/catalog' },
      backfill: { source: { kind: 'catalog', path: '/mnt/source' }, policy: { ...DEFAULT_BACKFILL_POLICY, chunkBars: 50, maxAttempts: 2 } },
      cache: false,
      conformance: { bar_ohlc: 'block', trade_size: 'warn' },
      stabilizationBars: 0,
      sla: { budgetsMs: { storage: 100, total: 1000 }, onViolation: 'hold' },
      artifactsDir: '/cfg/out',
    });
    assert.deepEqual(requires, [
      { kind: 'catalog', path: '/cfg/data/catalog', option: 'catalog_path' },
      { kind: 'catalog', path: '/mnt/source', option: 'source_path' },
      { kind: 'questdb', host: '127.0.0.1', port: 9009 },
      { kind: 'redis', url: 'redis://127.0.0.1:6379' },
      { kind: 'nautilus' },
    ]);
  });

  it('keeps the provider preset defaults where the data preset says nothing', () => {
    const { config } = resolveDataPreset(parse(GOOD), 'plain');
    assert.deepEqual(config, {
      strategy: 'FAIL_FAST',
      storage: { kind: 'catalog', path: '/abs' },
      cache: DEFAULT_CACHE,
      conformance: {},
      stabilizationBars: 0,
    });
  });

  it('honours stabilization_bars: 0 over an override-free preset and from overrides', () => {
    const doc = parse(GOOD.replace('stabilization_bars: 0', 'stabilization_bars: 3'));
    assert.equal(resolveDataPreset(doc, 'ohlcv.binance.1m').config.stabilizationBars, 3);
    assert.equal(resolveDataPreset(doc, 'ohlcv.binance.1m', { stabilization_bars: 0 }).config.stabilizationBars, 0);
  });

  it('stabilization_bars: 0 in the file beats a provider preset default that is not 0', () => {
    const registry = createDefaultRegistry().register('settling', {
      description: 'a preset whose last bars may still change',
      options: z.strictObject({}),
      build: () => ({ strategy: 'FAIL_FAST', storage: { kind: 'catalog', path: '/c' }, cache: false, conformance: {}, stabilizationBars: 2 }),
      requires: () => [],
    });
    const text = `version: 1\ndata_presets:\n  zero: { provider: { preset: settling }, stabilization_bars: 0 }\n  unset: { provider: { preset: settling } }\n`;
    const doc = parsePresets(text, '/cfg/presets.yaml', '/cfg', { registry });
    assert.equal(resolveDataPreset(doc, 'zero').config.stabilizationBars, 0);
    assert.equal(resolveDataPreset(doc, 'unset').config.stabilizationBars, 2);
  });

  it('the built-in presets parse and resolve', () => {
    const doc = builtInPresets({ env: { NAUTILUS_PATH: '/nt' } });
    assert.deepEqual(Object.keys(doc.spec.data_presets), ['catalog.local', 'catalog.mirror.local', 'ohlcv.binance.spot.1m', 'ohlcv.binance.usdm.1m', 'trades.binance.spot', 'trades.binance.usdm', 'quotes.binance.spot']);
    assert.equal(catalogPathOf(resolveDataPreset(doc, 'catalog.local').config.storage), '/nt/catalog');
    assert.equal(resolveDataPreset(doc, 'catalog.local').config.strategy, 'FAIL_FAST');
    assert.equal(resolveDataPreset(doc, 'catalog.mirror.local').config.sla?.onViolation, 'partial');
    assert.deepEqual(doc.spec.sla_presets['batch'], { total_ms: 600000, on_violation: 'fail' });
    assert.equal(Object.keys(doc.spec.conformance_presets['strict']?.rules ?? {}).length, 6);
    assert.match(DEFAULT_PRESETS_YAML, /^version: 1$/m);
  });

  it('unknown data preset key lists the available keys', () => {
    assert.throws(
      () => resolveDataPreset(parse(GOOD), 'plane'),
      seamlessError('SEAMLESS_UNKNOWN_PRESET', /unknown data preset "plane"/, /did you mean "plain"/, /available: "ohlcv.binance.1m", "plain"/),
    );
  });

  it('schema errors name the field path and the line', () => {
    const text = `version: 1
data_presets:
  a:
    provider:
      preset: catalog
    stabilization_bars: -1
    strategy: FAST
    cache: { max_bytes: 10 }
    colour: blue
`;
    assert.throws(
      () => parse(text),
      seamlessError(
        'SEAMLESS_BAD_CONFIG',
        /\/cfg\/presets\.yaml: 4 problems/,
        /data_presets\.a\.stabilization_bars \(line 6\): must be ≥ 0, was -1/,
        /data_presets\.a\.strategy \(line 7\): must be one of FAIL_FAST, PARTIAL, AUTO_BACKFILL, SEAMLESS, was "FAST"/,
        /data_presets\.a\.cache\.ttl_ms \(line 8\): is required/,
        /data_presets\.a\.colour \(line 9\): unknown key "colour"; valid keys: provider, strategy/,
      ),
    );
  });

  it('cross-reference errors name the path and line, with what exists', () => {
    const text = `version: 1
sla_presets:
  fast: { total_ms: 10, on_violation: fail }
data_presets:
  ohlcv.binance.1m:
    provider: { preset: catalog }
    sla_preset: fsat
    conformance_preset: strict
`;
    assert.throws(
      () => parse(text),
      seamlessError(
        'SEAMLESS_BAD_CONFIG',
        /data_presets\.ohlcv\.binance\.1m\.sla_preset \(line 7\): unknown SLA preset "fsat" \(did you mean "fast"\?\); defined in sla_presets: "fast"/,
        /data_presets\.ohlcv\.binance\.1m\.conformance_preset \(line 8\): unknown conformance preset "strict".*add it under conformance_presets/,
      ),
    );
  });

  it('conformance rule ids must be known rules', () => {
    const text = `version: 1\nconformance_presets:\n  mine:\n    rules:\n      bar_ohcl: block\n      quote_crossed: drop\ndata_presets: {}\n`;
    assert.throws(
      () => parse(text),
      seamlessError('SEAMLESS_BAD_CONFIG', /conformance_presets\.mine\.rules\.bar_ohcl \(line 5\): unknown conformance rule "bar_ohcl" \(did you mean "bar_ohlc"\?\); known rules: .*quote_crossed/),
    );
  });

  it('provider preset names and options are checked at load, with lines', () => {
    const text = `version: 1
data_presets:
  a:
    provider:
      preset: catalog.mirror
      options:
        catalog_path: /x
        sorce_path: /y
  b:
    provider: { preset: catalogue }
`;
    assert.throws(
      () => parse(text),
      seamlessError(
        'SEAMLESS_BAD_CONFIG',
        /data_presets\.a\.provider\.options\.sorce_path \(line 8\): unknown key "sorce_path" \(did you mean "source_path"\?\)/,
        /data_presets\.a\.provider\.options\.source_path \(line 6\): is required/,
        /data_presets\.b\.provider\.preset \(line 10\): unknown provider preset "catalogue"/,
      ),
    );
  });

  it('strategies and policies that need a backfill source are refused without one', () => {
    const auto = `version: 1\ndata_presets:\n  a:\n    provider: { preset: catalog }\n    strategy: AUTO_BACKFILL\n`;
    assert.throws(() => parse(auto), seamlessError('SEAMLESS_BAD_CONFIG', /data_presets\.a\.strategy \(line 5\): strategy AUTO_BACKFILL fills gaps by backfill/));
    const policy = `version: 1\ndata_presets:\n  a:\n    provider: { preset: catalog }\n    backfill: { chunk_bars: 5 }\n`;
    assert.throws(() => parse(policy), seamlessError('SEAMLESS_BAD_CONFIG', /data_presets\.a\.backfill \(line 5\): .*no backfill source/));
  });

  it('requires: catalog on a preset that stores in QuestDB is refused', () => {
    const text = 'version: 1\ndata_presets:\n  q:\n    provider: { preset: ohlcv.binance.spot.1m.questdb }\n    requires: [catalog]\n';
    assert.throws(() => resolveDataPreset(parse(text), 'q'), seamlessError('SEAMLESS_BAD_CONFIG', /requires: catalog, but this preset stores in questdb; remove catalog from requires/));
  });

  it('version, syntax and empty files are clear errors', () => {
    assert.throws(() => parse('version: 2\ndata_presets: {}\n'), seamlessError('SEAMLESS_BAD_CONFIG', /version \(line 1\): must be 1/));
    assert.throws(() => parse('version: 1\ndata_presets:\n  a: [\n'), seamlessError('SEAMLESS_BAD_CONFIG', /invalid YAML at line \d/));
    assert.throws(() => parse('version: 1\nversion: 1\ndata_presets: {}\n'), seamlessError('SEAMLESS_BAD_CONFIG', /invalid YAML at line 2/));
    assert.throws(() => parse(''), seamlessError('SEAMLESS_BAD_CONFIG', /\(top level\): must be a mapping/));
  });

  describe('from disk', () => {
    let dir: { path: string; remove: () => Promise<void> };
    before(async () => {
      dir = await tempDir('seamless-presets-');
    });
    after(() => dir.remove());

    it('a missing file is an error naming the path', async () => {
      const missing = join(dir.path, 'nope.yaml');
      await assert.rejects(loadPresetsFile(missing), seamlessError('SEAMLESS_BAD_CONFIG', new RegExp(`presets file ${missing}: no such file`)));
    });

    it('relative paths resolve against the file folder, not the working directory', async () => {
      const folder = join(dir.path, 'conf');
      await mkdir(folder, { recursive: true });
      const file = join(folder, 'presets.yaml');
      await writeFile(
        file,
        `version: 1
data_presets:
  follow:
    provider:
      preset: catalog.follow
      options: { catalog_path: ./cat, source_path: ../src, live_path: live, poll_ms: 4 }
    artifacts_dir: artifacts
`,
      );
      const doc = await loadPresetsFile(file);
      assert.equal(doc.label, file);
      const { config } = resolveDataPreset(doc, 'follow');
      assert.equal(catalogPathOf(config.storage), join(folder, 'cat'));
      assert.deepEqual(config.backfill?.source, { kind: 'catalog', path: join(dir.path, 'src') });
      assert.deepEqual(config.live, { kind: 'catalog-follow', path: join(folder, 'live'), pollMs: 4 });
      assert.equal(config.artifactsDir, join(folder, 'artifacts'));
    });

    it('unknown extensions are refused', async () => {
      await assert.rejects(loadPresetsFile(join(dir.path, 'presets.toml')), seamlessError('SEAMLESS_BAD_CONFIG', /\.yaml, \.yml or \.json/));
    });
  });
});
