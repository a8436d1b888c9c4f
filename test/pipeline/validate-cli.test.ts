/**
 * `seamless validate` through the CLI: exit codes 0/1/2, --fail-on, the JSON report's
 * shape, the table, and usage mistakes named on stderr.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { sliceFrame } from '../../src/model/frames.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { INSTRUMENT, PLANTS, cleanFrame } from './validate-support.js';

describe('seamless validate (CLI)', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let clean: string;
  let broken: string;
  let warned: string;
  before(async () => {
    tmp = await tempDir('seamless-validate-cli-');
    clean = join(tmp.path, 'clean');
    broken = join(tmp.path, 'broken');
    warned = join(tmp.path, 'warned');
    await (await Catalog.open(clean, { width: 16 })).write(cleanFrame('trade_tick', 16, 400));
    const crossed = PLANTS.find((p) => p.check === 'quote_crossed')!.apply(cleanFrame('quote_tick', 16, 400), 350).frame;
    const broke = await Catalog.open(broken, { width: 16 });
    await broke.write(sliceFrame(crossed, 0, 200));
    await broke.write(sliceFrame(crossed, 200, 400));
    const locked = PLANTS.find((p) => p.check === 'quote_locked')!.apply(cleanFrame('quote_tick', 8, 400), 120).frame;
    await (await Catalog.open(warned, { width: 8 })).write(locked);
  });
  after(async () => tmp.remove());

  it('clean data: exit 0 and a table row per file and day', async () => {
    const { code, out, err } = await run('validate', '--catalog', clean);
    assert.equal(code, 0, err);
    assert.match(out, /validated 1 series, 1 files, 400 rows .*: 0 errors, 0 warnings — passed/);
    assert.match(out, /data\/trade_tick\/BTCUSDT\.BINANCE\/\S+\.parquet\s+2024-01-02\s+400\s+0\s+0\s+ok/);
  });

  it('an error-level finding: exit 1, the finding in the table with its row and values', async () => {
    const { code, out } = await run('validate', 'quote_tick', INSTRUMENT, '--catalog', broken);
    assert.equal(code, 1);
    assert.match(out, /1 errors, 0 warnings — FAILED/);
    assert.match(out, /error\s+quote_crossed\s+data\/quote_tick\/\S+\s+150\s+2024-01-02T\S+\s+bid=\d+\.\d+ ask=\d+\.\d+/);
  });

  it('--json prints the report: totals, checks, and per file and day tallies with examples', async () => {
    const { code, out } = await run('validate', '--catalog', broken, '--json');
    assert.equal(code, 1);
    const report = JSON.parse(out);
    assert.deepEqual(Object.keys(report), ['catalog', 'failOn', 'failed', 'totals', 'checks', 'files']);
    assert.deepEqual(report.totals, { series: 1, files: 2, rows: 400, errors: 1, warnings: 0 });
    assert.deepEqual(report.checks, { quote_crossed: { severity: 'error', count: 1 } });
    assert.equal(report.failed, true);
    const [first, second] = report.files;
    assert.deepEqual(first.days, [{ day: '2024-01-02', rows: 200, errors: 0, warnings: 0, checks: [] }]);
    assert.equal(second.type, 'quote_tick');
    assert.equal(second.identifier, INSTRUMENT);
    const [tally] = second.days[0].checks;
    assert.deepEqual(Object.keys(tally), ['check', 'severity', 'count', 'examples']);
    const [example] = tally.examples;
    assert.deepEqual(Object.keys(example), ['row', 'ts_init', 'time', 'values']);
    assert.equal(example.row, 150);
    assert.match(example.ts_init, /^\d{19}$/);
    assert.match(example.time, /^2024-01-02T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
  });

  it('warnings only: exit 0, unless --fail-on warning', async () => {
    const relaxed = await run('validate', '--catalog', warned);
    assert.equal(relaxed.code, 0);
    assert.match(relaxed.out, /0 errors, 1 warnings — passed/);
    assert.match(relaxed.out, /quote_locked 1/);
    const strict = await run('validate', '--catalog', warned, '--fail-on', 'warning');
    assert.equal(strict.code, 1);
  });

  it('the knobs reach the checks: --max-skew 0 passes data without lag, a tiny --spike-mads flags spikes', async () => {
    // syntheticTrades stamps ts_init = ts_event, so even a zero skew limit holds.
    assert.equal((await run('validate', '--catalog', clean, '--max-skew', '0')).code, 0);
    const tight = await run('validate', '--catalog', clean, '--spike-mads', '0.001', '--spike-window', '5', '--json');
    assert.ok(JSON.parse(tight.out).checks.price_spike.count > 0);
  });

  it('--jobs 2 prints the report one thread prints (a catalog of two series)', async () => {
    const two = join(tmp.path, 'two');
    const catalog = await Catalog.open(two, { width: 16 });
    await catalog.write(cleanFrame('trade_tick', 16, 400));
    await catalog.write(PLANTS.find((p) => p.check === 'quote_crossed')!.apply(cleanFrame('quote_tick', 16, 400), 350).frame);
    const one = await run('validate', '--catalog', two, '--json', '--jobs', '1');
    const parallel = await run('validate', '--catalog', two, '--json', '--jobs', '2');
    assert.equal(one.code, 1, one.err);
    assert.equal(parallel.code, 1, parallel.err);
    assert.equal(parallel.out, one.out);
    assert.match(one.out, /quote_crossed/);
  });

  for (const [why, args, pattern] of [
    ['an unknown type', ['validate', 'candles'], /unknown data type/],
    ['a bad duration', ['validate', '--max-skew', '5 minutes'], /--max-skew: duration must be/],
    ['a bad --fail-on', ['validate', '--fail-on', 'info'], /--fail-on must be one of error, warning/],
    ['a spike window below 3', ['validate', '--spike-window', '2'], /--spike-window must be an integer in 3\.\.100000/],
    ['a gap factor below 1', ['validate', '--gap-factor', '0.5'], /gap factor must be a number >= 1/],
    ['no jobs', ['validate', '--jobs', '0'], /--jobs must be an integer in 1\.\.64, was "0"/],
    ['jobs that are not a number', ['validate', '--jobs', 'many'], /--jobs must be an integer in 1\.\.64, was "many"/],
    ['too many arguments', ['validate', 'bar', 'X', 'Y'], /at most <type> and <id>/],
    ['an unknown flag', ['validate', '--fast'], /Unknown option '--fast'/],
    ['an id with no files', ['validate', 'trade_tick', 'ETHUSDT.BINANCE'], /no trade_tick files for "ETHUSDT\.BINANCE"/],
  ] as const) {
    it(`exit 2 for ${why}`, async () => {
      const { code, err } = await run(...args, '--catalog', clean);
      assert.equal(code, 2);
      assert.match(err, pattern);
    });
  }

  it('--help prints the usage', async () => {
    const { code, out } = await run('validate', '--help');
    assert.equal(code, 0);
    assert.match(out, /--spike-window N/);
  });
});
