/**
 * `--help` on any verb prints its usage and exits 0 without doing anything: the mutating
 * maintain and catalog verbs leave the catalog byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { QUOTES_DIR, QUOTES_ID, openCatalog, parquetNames, snapshot, writeHourlyFragments } from '../pipeline/maintain-helpers.js';

describe('seamless <verb> --help', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let root: string;
  before(async () => {
    tmp = await tempDir('seamless-help-');
    root = join(tmp.path, 'catalog');
    // Fragments to consolidate, old rows to prune, and a legacy name to repair.
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(7), 4, 10);
    const dir = join(root, QUOTES_DIR);
    await rename(join(dir, (await parquetNames(dir))[0]!), join(dir, 'part-0.parquet'));
  });
  after(async () => tmp.remove());

  const mutating: string[][] = [
    ['maintain', 'repair-names'],
    ['maintain', 'consolidate'],
    ['maintain', 'prune', '--older-than', '1d'],
    ['maintain', 'consolidate', 'quote_tick', QUOTES_ID, '--period', '1h'],
    ['catalog', 'consolidate', 'quote_tick'],
    ['catalog', 'reset-names', 'quote_tick'],
    ['catalog', 'delete', 'quote_tick', QUOTES_ID, '--start', '0', '--end', '9999999999999999999'],
  ];
  for (const argv of mutating) {
    it(`${argv.join(' ')} --help prints the usage and changes nothing`, async () => {
      const before = await snapshot(root);
      const result = await run(...argv, '--catalog', root, '--help');
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, new RegExp(`^seamless ${argv[0]} <verb>`));
      assert.deepEqual(await snapshot(root), before);
    });
  }

  it('the same maintain verbs without --help do change this catalog', async () => {
    const before = await snapshot(root);
    const result = await run('maintain', 'consolidate', '--catalog', root);
    assert.equal(result.code, 0, result.err);
    assert.notDeepEqual(await snapshot(root), before);
  });

  const others: Array<[string[], RegExp]> = [
    [['fetch', 'ohlcv:binance:BTC/USDT:1m'], /^seamless fetch <nodeId>/],
    [['coverage', 'ohlcv:binance:BTC/USDT:1m'], /^seamless fetch <nodeId>/],
    [['stream', 'ohlcv:binance:BTC/USDT:1m'], /^seamless fetch <nodeId>/],
    [['maintain', 'stats'], /^seamless maintain <verb>/],
    [['catalog', 'read', 'bar', 'X'], /^seamless catalog <verb>/],
    [['validate'], /^seamless validate/],
    [['capture'], /^capture — record live data/],
    [['import', 'binance'], /^seamless import <exchange>/],
    [['node', 'check'], /^node verbs:/],
    [['backtest', 'run', 'missing.yaml'], /^backtest verbs/],
    [['bridge', 'ledger'], /^bridge \(/],
    [['flags', 'get'], /^flags \(/],
  ];
  for (const [argv, usage] of others) {
    it(`${argv.join(' ')} --help prints its usage and exits 0`, async () => {
      const result = await run(...argv, '--help');
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, usage);
    });
  }
});
