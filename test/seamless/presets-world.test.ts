/** World files choosing data presets, and loadPreset tying presets, worlds and checks together. */
import assert from 'node:assert/strict';
import { catalogPathOf } from '../../src/seamless/provider-config.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPreset, loadWorldFile, parsePresets, parseWorld, selectWorldPreset } from '../../src/seamless/presets/index.js';
import { tempDir } from '../helpers/paths.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const PRESETS = `version: 1
sla_presets:
  batch: { total_ms: 600000, on_violation: fail }
conformance_presets:
  strict: { rules: { bar_ohlc: block } }
data_presets:
  bars:
    provider: { preset: catalog, options: { catalog_path: /cat } }
    stabilization_bars: 2
  mirror:
    provider: { preset: catalog.mirror, options: { catalog_path: /cat, source_path: /src } }
`;
const presets = parsePresets(PRESETS, '/cfg/presets.yaml', '/cfg');

const WORLD = `world:
  id: demo
  strategies: [ignored-by-us]
  data:
    presets:
      - id: bars
      - id: fast
        preset: mirror
        seamless:
          strategy: SEAMLESS
          sla_preset: batch
          conformance_preset: strict
          stabilization_bars: 0
`;

describe('world files', () => {
  const world = parseWorld(WORLD, '/w/world.yaml');

  it('selects the first entry by default, its id naming the data preset', () => {
    const selected = selectWorldPreset(world, presets);
    assert.equal(selected.world, 'demo');
    assert.equal(selected.entry.id, 'bars');
    assert.equal(selected.entry.preset, 'bars');
    assert.equal(selected.config.strategy, 'FAIL_FAST');
    assert.equal(selected.config.stabilizationBars, 2);
  });

  it('selects by id and applies the entry overrides, 0 included', () => {
    const selected = selectWorldPreset(world, presets, 'fast');
    assert.equal(selected.entry.preset, 'mirror');
    assert.equal(selected.config.strategy, 'SEAMLESS');
    assert.equal(selected.config.stabilizationBars, 0);
    assert.deepEqual(selected.config.conformance, { bar_ohlc: 'block' });
    assert.deepEqual(selected.config.sla, { budgetsMs: { total: 600000 }, onViolation: 'fail' });
  });

  it('an unknown id lists the ids in the world', () => {
    assert.throws(
      () => selectWorldPreset(world, presets, 'fsat'),
      seamlessError('SEAMLESS_UNKNOWN_PRESET', /world "demo" has no data preset with id "fsat"/, /did you mean "fast"/, /ids in data\.presets: "bars", "fast"/),
    );
  });

  it('accepts the document without the world: wrapper, and JSON', () => {
    const bare = parseWorld('id: w2\ndata:\n  presets:\n    - id: x\n      preset: bars\n', '/w/bare.yml');
    assert.equal(catalogPathOf(selectWorldPreset(bare, presets).config.storage), '/cat');
    const json = parseWorld(JSON.stringify({ world: { id: 'j', data: { presets: [{ id: 'mirror' }] } } }), '/w/world.json');
    assert.equal(selectWorldPreset(json, presets).config.strategy, 'AUTO_BACKFILL');
    assert.throws(() => parseWorld('{ id: j, # comment\n }', '/w/world.json'), seamlessError('SEAMLESS_BAD_CONFIG', /invalid JSON/));
  });

  it('missing data.presets is a clear error', () => {
    assert.throws(() => parseWorld('world:\n  id: empty\n', '/w/world.yaml'), seamlessError('SEAMLESS_BAD_CONFIG', /world \(line 1\): world "empty" has no data\.presets; add/));
    assert.throws(
      () => parseWorld('world:\n  id: empty\n  data:\n    presets: []\n', '/w/world.yaml'),
      seamlessError('SEAMLESS_BAD_CONFIG', /world\.data\.presets \(line 4\): needs at least 1 item/),
    );
  });

  it('entry errors point into the world file', () => {
    const typo = parseWorld('world:\n  id: t\n  data:\n    presets:\n      - id: a\n        preset: barz\n', '/w/world.yaml');
    assert.throws(
      () => selectWorldPreset(typo, presets),
      seamlessError('SEAMLESS_UNKNOWN_PRESET', /world\.data\.presets\[0\]\.preset \(line 6\): unknown data preset "barz" in \/cfg\/presets\.yaml \(did you mean "bars"\?\)/),
    );
    const badSla = parseWorld('world:\n  id: t\n  data:\n    presets:\n      - id: bars\n        seamless: { sla_preset: nope }\n', '/w/world.yaml');
    assert.throws(
      () => selectWorldPreset(badSla, presets),
      seamlessError('SEAMLESS_BAD_CONFIG', /^\/w\/world\.yaml: world\.data\.presets\[0\]\.seamless\.sla_preset \(line 6\): unknown SLA preset "nope"/),
    );
    const noBackfill = parseWorld('id: t\ndata:\n  presets:\n    - id: bars\n      seamless:\n        strategy: AUTO_BACKFILL\n', '/w/w.yaml');
    assert.throws(() => selectWorldPreset(noBackfill, presets), seamlessError('SEAMLESS_BAD_CONFIG', /data\.presets\[0\]\.seamless\.strategy \(line 6\)/));
    assert.throws(
      () => parseWorld('id: t\ndata:\n  presets:\n    - id: a\n      seamless: { stabilization_bars: 0, stabilisation: 1 }\n', '/w/w.yaml'),
      seamlessError('SEAMLESS_BAD_CONFIG', /data\.presets\[0\]\.seamless\.stabilisation \(line 5\): unknown key/),
    );
    assert.throws(
      () => parseWorld('id: t\ndata:\n  presets:\n    - id: a\n    - id: a\n', '/w/w.yaml'),
      seamlessError('SEAMLESS_BAD_CONFIG', /data\.presets\[1\]\.id \(line 5\): duplicate id "a"/),
    );
  });
});

describe('loadPreset', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir('seamless-load-');
    await mkdir(join(dir.path, 'catalog'));
    await writeFile(
      join(dir.path, 'presets.yaml'),
      `version: 1
data_presets:
  here: { provider: { preset: catalog, options: { catalog_path: catalog } } }
  gone: { provider: { preset: catalog, options: { catalog_path: missing } } }
`,
    );
    await writeFile(join(dir.path, 'world.yaml'), 'world:\n  id: w\n  data:\n    presets:\n      - id: g\n        preset: gone\n      - id: h\n        preset: here\n');
  });
  after(() => dir.remove());

  it('resolves from a presets file and checks dependencies', async () => {
    const file = join(dir.path, 'presets.yaml');
    const loaded = await loadPreset({ presetsFile: file, preset: 'here' });
    assert.equal(loaded.source, file);
    assert.equal(loaded.preset, 'here');
    assert.equal(catalogPathOf(loaded.config.storage), join(dir.path, 'catalog'));
    await assert.rejects(
      loadPreset({ presetsFile: file, preset: 'gone' }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /no catalog at .*missing/, /data presets in .*presets\.yaml: "here"/),
    );
    assert.equal((await loadPreset({ presetsFile: file, preset: 'gone', check: false })).preset, 'gone');
  });

  it('goes through a world file', async () => {
    const presetsFile = join(dir.path, 'presets.yaml');
    const world = join(dir.path, 'world.yaml');
    const loaded = await loadPreset({ presetsFile, world, worldPresetId: 'h' });
    assert.equal(loaded.preset, 'here');
    await assert.rejects(loadPreset({ presetsFile, world }), seamlessError('SEAMLESS_DEPENDENCY_MISSING', /no catalog/));
    assert.equal((await loadWorldFile(world)).entries.length, 2);
  });

  it('uses the built-in presets without a presets file', async () => {
    const loaded = await loadPreset({ preset: 'catalog.local', env: { NAUTILUS_PATH: dir.path }, check: true });
    assert.equal(loaded.source, 'built-in presets');
    assert.equal(catalogPathOf(loaded.config.storage), join(dir.path, 'catalog'));
  });

  it('refuses ambiguous or empty requests', async () => {
    await assert.rejects(loadPreset({}), seamlessError('SEAMLESS_BAD_CONFIG', /no preset was given/));
    await assert.rejects(loadPreset({ preset: 'a', world: 'w.yaml' }), seamlessError('SEAMLESS_BAD_CONFIG', /pass one/));
    await assert.rejects(loadPreset({ preset: 'nope' }), seamlessError('SEAMLESS_UNKNOWN_PRESET', /available: "catalog.local", "catalog.mirror.local"/));
  });
});
