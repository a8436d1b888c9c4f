/**
 * `seamless maintain stats`: sizes and rows per type, identifier and day, and alerts that
 * fire exactly where the planted problem is (fragmented day, thin day, missing days, small
 * and large files) and stay silent otherwise; thresholds files validated with their key
 * paths, and fuzzed.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { NS_PER_DAY, NS_PER_HOUR } from '../../src/model/time.js';
import { ThresholdsError, parseThresholds } from '../../src/pipeline/maintain/thresholds.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { JAN_1, QUOTES_ID, openCatalog, quotesBetween } from './maintain-helpers.js';

interface Report {
  rows: Array<{ type: string; identifier: string; day: string; files: number; rows: number; bytes: number }>;
  alerts: Array<{ kind: string; day: string | null; value: number; threshold: number }>;
}

const day = (d: number) => JAN_1 + BigInt(d) * NS_PER_DAY;

describe('seamless maintain stats', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let root: string;
  let sizes: number[];
  const stats = async (...flags: string[]) => {
    const result = await run('maintain', 'stats', '--catalog', root, '--json', ...flags);
    return { code: result.code, err: result.err, report: result.code === 2 ? undefined : (JSON.parse(result.out) as Report) };
  };

  before(async () => {
    tmp = await tempDir('seamless-stats-');
    root = join(tmp.path, 'catalog');
    const catalog = await openCatalog(root);
    const rand = prng(31);
    // Day 0 and day 8 are partial (first and last); day 3 is thin; day 4 is fragmented into
    // 10 files; days 5 and 6 have no rows.
    const rowsPerDay: Record<number, number> = { 0: 500, 1: 1000, 2: 1000, 3: 100, 7: 1000, 8: 300 };
    for (const [d, rows] of Object.entries(rowsPerDay)) await catalog.write(quotesBetween(rand, day(Number(d)) + NS_PER_HOUR, day(Number(d)) + 20n * NS_PER_HOUR, rows));
    for (let f = 0; f < 10; f++) await catalog.write(quotesBetween(rand, day(4) + BigInt(f) * NS_PER_HOUR, day(4) + BigInt(f) * NS_PER_HOUR + 1000n, 100));
    sizes = (await catalog.layout.filesFor('quote_tick', QUOTES_ID)).map((f) => f.size);
  });
  after(async () => tmp.remove());

  it('reports rows, files and bytes per day, identifier and type, consistently', async () => {
    const byDay = (await stats()).report!;
    assert.deepEqual(byDay.rows.map((r) => [r.day, r.files, r.rows]), [
      ['2024-01-01', 1, 500], ['2024-01-02', 1, 1000], ['2024-01-03', 1, 1000], ['2024-01-04', 1, 100],
      ['2024-01-05', 10, 1000], ['2024-01-08', 1, 1000], ['2024-01-09', 1, 300],
    ]);
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(byDay.rows.reduce((s, r) => s + r.bytes, 0), total);
    const byId = (await stats('--by', 'identifier')).report!;
    assert.deepEqual(byId.rows.map((r) => [r.type, r.identifier, r.day, r.files, r.rows, r.bytes]), [['quote_tick', 'EURUSD.SIM', '2024-01-01..2024-01-09', 16, 4900, total]]);
    const byType = (await stats('--by', 'type')).report!;
    assert.deepEqual(byType.rows.map((r) => [r.type, r.files, r.rows]), [['quote_tick', 16, 4900]]);
    const table = await run('maintain', 'stats', '--catalog', root, '--by', 'identifier');
    assert.equal(table.code, 0);
    assert.match(table.out, /quote_tick\s+EURUSD\.SIM\s+7 \(2024-01-01\.\.2024-01-09\)\s+16\s+4900/);
  });

  it('fires each alert exactly where the problem is, and exits 1', async () => {
    const small = Math.max(...sizes.slice().sort((a, b) => a - b).slice(0, 11)) + 1;
    const large = Math.max(...sizes) - 1;
    const { code, report } = await stats(
      '--alert-max-files-per-day', '5', '--alert-rows-drop', '50', '--alert-missing-days',
      '--alert-min-file-bytes', String(small), '--alert-max-file-bytes', String(large),
    );
    assert.equal(code, 1);
    const got = report!.alerts.map((a) => [a.kind, a.day, a.value]);
    assert.deepEqual(got.filter((a) => a[0] === 'files-per-day'), [['files-per-day', '2024-01-05', 10]]);
    assert.deepEqual(got.filter((a) => a[0] === 'rows-drop'), [['rows-drop', '2024-01-04', 90]]);
    assert.deepEqual(got.filter((a) => a[0] === 'missing-days'), [['missing-days', '2024-01-06..2024-01-07', 2]]);
    assert.deepEqual(got.filter((a) => a[0] === 'small-files'), [['small-files', null, sizes.filter((s) => s < small).length]]);
    assert.deepEqual(got.filter((a) => a[0] === 'large-file').length, sizes.filter((s) => s > large).length);
    const table = await run('maintain', 'stats', '--catalog', root, '--alert-max-files-per-day', '5');
    assert.equal(table.code, 1);
    assert.match(table.out, /1 alert\(s\):[\s\S]*files-per-day .*10 files start on 2024-01-05 \(limit 5\); run `seamless maintain consolidate/);
  });

  it('stays silent, exit 0, when no threshold is crossed', async () => {
    assert.deepEqual((await stats()).report!.alerts, []);
    const quiet = await stats('--alert-max-files-per-day', '10', '--alert-rows-drop', '95', '--alert-min-file-bytes', '1', '--alert-max-file-bytes', String(Math.max(...sizes)));
    assert.equal(quiet.code, 0);
    assert.deepEqual(quiet.report!.alerts, []);
  });

  it('reads thresholds from YAML or JSON, per type, with flags winning', async () => {
    const yaml = join(tmp.path, 'thresholds.yaml');
    await writeFile(yaml, 'max-files-per-day: 100\ntypes:\n  QuoteTick:\n    max-files-per-day: 5\n');
    const fromFile = await stats('--thresholds', yaml);
    assert.equal(fromFile.code, 1);
    assert.deepEqual(fromFile.report!.alerts.map((a) => [a.kind, a.day]), [['files-per-day', '2024-01-05']]);
    assert.equal((await stats('--thresholds', yaml, '--alert-max-files-per-day', '50')).code, 0, 'the flag wins over the type value');
    const json = join(tmp.path, 'thresholds.json');
    await writeFile(json, JSON.stringify({ 'missing-days': true }));
    assert.deepEqual((await stats('--thresholds', json)).report!.alerts.map((a) => a.kind), ['missing-days']);
  });

  it('rejects a bad thresholds file naming the file and each key path', async () => {
    const bad = join(tmp.path, 'bad.yaml');
    await writeFile(bad, 'max-file-per-day: 3\nrows-drop: 150\ntypes:\n  bar:\n    missing-days: yes-please\n    colour: red\n  candles: {}\n');
    const result = await stats('--thresholds', bad);
    assert.equal(result.code, 2);
    assert.match(result.err, /bad\.yaml: invalid thresholds/);
    assert.match(result.err, /max-file-per-day: unknown key/);
    assert.match(result.err, /rows-drop: /);
    assert.match(result.err, /types\.bar\.missing-days: /);
    assert.match(result.err, /types\.bar\.colour: unknown key/);
    await writeFile(bad, 'types:\n  candles: {}\n');
    assert.match((await stats('--thresholds', bad)).err, /types\.candles: unknown data type/);
    await writeFile(bad, 'max-files-per-day: [1\n');
    assert.match((await stats('--thresholds', bad)).err, /bad\.yaml: not valid YAML or JSON/);
    assert.match((await stats('--thresholds', join(tmp.path, 'none.yaml'))).err, /none\.yaml: cannot read the thresholds file \(ENOENT\)/);
    assert.equal((await stats('--alert-rows-drop', '0')).code, 2);
  });

  it('parses any JSON value into thresholds or a ThresholdsError, nothing else (fuzz)', () => {
    const keys = fc.constantFrom('max-files-per-day', 'min-file-bytes', 'max-file-bytes', 'missing-days', 'rows-drop', 'types', 'bar', 'x');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.dictionary(keys, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(value, (raw) => {
        try {
          const parsed = parseThresholds(raw, 'fuzz');
          for (const v of [parsed.defaults, ...parsed.types.values()]) {
            if (v['rows-drop'] !== undefined) assert.ok(v['rows-drop'] > 0 && v['rows-drop'] <= 100);
            if (v['max-files-per-day'] !== undefined) assert.ok(Number.isInteger(v['max-files-per-day']) && v['max-files-per-day'] > 0);
          }
        } catch (error) {
          if (!(error instanceof ThresholdsError)) throw error;
          assert.match(error.message, /^fuzz: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
