// `seamless node check` against real NautilusTrader 1.221.0 Structs (python/node_check.py) and a
// real catalog: misspelt keys, bad values, unimportable class paths, unknown instruments and
// uncovered windows are findings with precise paths; exit codes 0/1/2.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { checkConfigs } from '../../src/nodes/config-check.js';
import { configFromValue } from '../../src/nodes/config-load.js';
import type { Finding } from '../../src/nodes/findings.js';
import type { JsonObject } from '../../src/nodes/json-value.js';
import { run } from '../helpers/cli-run.js';
import { demoCatalog, emaConfig, tempDir } from './fixtures.js';

function strategyConfig(config: JsonObject): JsonObject {
  return ((config['engine'] as JsonObject)['strategies'] as JsonObject[])[0]!['config'] as JsonObject;
}

describe('config check', () => {
  let dir: { path: string; remove(): Promise<void> };
  let catalog: string;
  before(async () => {
    dir = await tempDir('node-check');
    catalog = await demoCatalog(join(dir.path, 'catalog'));
  });
  after(() => dir.remove());

  it('finds each kind of mistake with its path, in one checker process', async () => {
    const good = emaConfig({ start: '2024-01-02T00:00:00Z', end: '2024-01-03T00:00:00Z' });
    const misspelt = emaConfig();
    const strategy = strategyConfig(misspelt);
    strategy['fast_ema_perod'] = strategy['fast_ema_period']!;
    delete strategy['fast_ema_period'];
    const venue = (misspelt['venues'] as JsonObject[])[0]!;
    venue['oms_typ'] = venue['oms_type']!;
    delete venue['oms_type'];
    const badValue = emaConfig();
    strategyConfig(badValue)['slow_ema_period'] = 'twenty';
    ((badValue['engine'] as JsonObject)['strategies'] as JsonObject[])[0]!['strategy_path'] = 'nautilus_trader.examples.strategies.ema_cross:EMACros';
    const unknownInstrument = emaConfig();
    ((unknownInstrument['data'] as JsonObject[])[0]!)['instrument_id'] = 'ETHUSDT.BINANCE';
    const uncovered = emaConfig({ start: '2024-01-02T00:00:00Z', end: '2024-01-04T12:00:00Z' });

    const checked = await checkConfigs([good, misspelt, badValue, unknownInstrument, uncovered].map((c) => configFromValue(c)), { catalogPath: catalog });
    const brief = (findings: Finding[]) => findings.map((f) => `${f.code} ${f.path}`);

    assert.deepEqual(checked[0]!.findings, []);
    assert.deepEqual(checked[0]!.window, { start: 1704153600000000000n, end: 1704240000000000000n });

    assert.deepEqual(brief(checked[1]!.findings), ['UNKNOWN_KEY venues[0].oms_typ', 'MISSING_KEY venues[0].oms_type', 'UNKNOWN_KEY engine.strategies[0].config.fast_ema_perod']);
    const typo = checked[1]!.findings[2]!;
    assert.equal(typo.suggestion, 'fast_ema_period');
    assert.match(typo.message, /EMACrossConfig has no key 'fast_ema_perod' .*did you mean 'fast_ema_period'/);

    assert.deepEqual(brief(checked[2]!.findings), ['NOT_IMPORTABLE engine.strategies[0].strategy_path', 'BAD_VALUE engine.strategies[0].config.slow_ema_period']);
    assert.match(checked[2]!.findings[0]!.message, /has no 'EMACros'; did you mean nautilus_trader\.examples\.strategies\.ema_cross:EMACross\?/);
    assert.match(checked[2]!.findings[1]!.message, /Expected `int`, got `str`, was "twenty"/);

    assert.deepEqual(brief(checked[3]!.findings), ['UNKNOWN_INSTRUMENT data[0].instrument_id', 'BAR_TYPE_NOT_LOADED engine.strategies[0].config.bar_type']);
    assert.match(checked[3]!.findings[0]!.message, /instrument ETHUSDT\.BINANCE is not in .*catalog; did you mean BTCUSDT\.BINANCE or ETHUSDT-PERP\.BINANCE\?/);
    assert.equal(checked[3]!.findings[1]!.severity, 'warning');

    assert.deepEqual(brief(checked[4]!.findings), ['WINDOW_UNCOVERED data[0]']);
    assert.match(
      checked[4]!.findings[0]!.message,
      /BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL: the catalog does not cover 2024-01-03T00:00:00\.000000001Z \.\. 2024-01-04T12:00:00\.000000000Z of the window .*; it holds 2024-01-02T00:01:00\.000000000Z \.\. 2024-01-03T00:00:00\.000000000Z/,
    );
  });

  it("names the path of what only the full decode refuses, as the walk's paths look", async () => {
    // The walk leaves msgspec.Meta constraints of plain fields to NautilusTrader's own decode.
    const config = emaConfig();
    ((config['engine'] as JsonObject)['logging'] as JsonObject)['log_file_max_backup_count'] = -1;
    const [checked] = await checkConfigs([configFromValue(config)], { catalogPath: catalog });
    assert.deepEqual(
      checked!.findings.map((f) => `${f.code} ${f.path}`),
      ['INVALID engine.logging.log_file_max_backup_count'],
    );
    assert.match(checked!.findings[0]!.message, /Expected `int` >= 0/);
  });

  it('exits 0 for a clean file, 1 with findings (naming file and line), 2 for usage', async () => {
    const good = join(dir.path, 'good.yaml');
    await writeFile(good, stringify(emaConfig()));
    const clean = await run('node', 'check', good, '--catalog', catalog);
    assert.equal(clean.code, 0, clean.err);
    assert.match(clean.out, /good\.yaml: ok/);

    const bad = join(dir.path, 'bad.yaml');
    await writeFile(bad, stringify(emaConfig()).replace('slow_ema_period', 'slow_ema_periood'));
    const found = await run('node', 'check', bad, '--catalog', catalog);
    assert.equal(found.code, 1);
    assert.match(found.out, /bad\.yaml:\d+: engine\.strategies\[0\]\.config\.slow_ema_periood: EMACrossConfig has no key 'slow_ema_periood'.*\[UNKNOWN_KEY\]/);

    assert.equal((await run('node', 'check', join(dir.path, 'missing.yaml'))).code, 2);
    assert.equal((await run('node', 'lint', good)).code, 2);
  });
});
