/**
 * Crash safety of maintenance swaps. A child process consolidates a fragmented catalog and
 * is SIGKILLed at a chosen step of the swap (after the journal, after moving old files
 * aside, after linking new ones); `seamless maintain recover` must then leave the catalog
 * complete: every row exactly once, no hidden debris, read identically by NautilusTrader.
 * An error (not a crash) mid-swap must roll the catalog back to exactly what it was.
 */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setSwapStepHook } from '../../src/catalog/swap.js';
import { consolidate } from '../../src/catalog/upkeep.js';
import { run } from '../helpers/cli-run.js';
import { runModuleScript } from '../helpers/module-script.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { QUOTES_DIR, QUOTES_ID, nautilusLines, openCatalog, ourLines, parquetNames, snapshot, writeHourlyFragments } from './maintain-helpers.js';

const SWAP_MODULE = new URL('../../src/catalog/swap.js', import.meta.url).href;
const UPKEEP_MODULE = new URL('../../src/catalog/upkeep.js', import.meta.url).href;
const CATALOG_MODULE = new URL('../../src/catalog/catalog.js', import.meta.url).href;

/** Runs a consolidation in a child process that kills itself with SIGKILL at `step` #`index`. */
function consolidateAndDie(root: string, step: string, index: number): Promise<NodeJS.Signals | number | null> {
  const script = `
    import { Catalog } from ${JSON.stringify(CATALOG_MODULE)};
    import { setSwapStepHook } from ${JSON.stringify(SWAP_MODULE)};
    import { consolidate } from ${JSON.stringify(UPKEEP_MODULE)};
    setSwapStepHook((step, i) => { if (step === ${JSON.stringify(step)} && i === ${index}) process.kill(process.pid, 'SIGKILL'); });
    const catalog = await Catalog.open(${JSON.stringify(root)});
    await consolidate(catalog.layout, 'quote_tick', undefined, catalog.width, {});
  `;
  return runModuleScript(script);
}

describe('maintenance swaps survive crashes', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-crash-');
  });
  after(async () => tmp.remove());

  const points: Array<[string, number]> = [
    ['journaled', 0],
    ['moved-aside', 0],
    ['moved-aside', 17],
    ['linked', 0],
  ];
  for (const [step, index] of points) {
    it(`recovers a consolidation killed after ${step} #${index}`, async () => {
      const root = join(tmp.path, `${step}-${index}`);
      const catalog = await openCatalog(root);
      await writeHourlyFragments(catalog, prng(41), 48, 30);
      const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
      const dir = join(root, QUOTES_DIR);

      assert.equal(await consolidateAndDie(root, step, index), 'SIGKILL');
      const debris = (await readdir(dir)).filter((n) => n.startsWith('.'));
      assert.ok(debris.some((n) => /^\.swap-[0-9a-f]+\.json$/.test(n)), `a journal is left: ${debris.join(', ')}`);

      const recovered = await run('maintain', 'recover', '--catalog', root);
      assert.equal(recovered.code, 0, recovered.err);
      assert.match(recovered.out, /finished 1 interrupted swap\(s\)/);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.')), [], 'no hidden files left');
      const after = await ourLines(catalog, 'quote_tick', QUOTES_ID);
      assert.deepEqual(after, before, 'every row exactly once');
      // The first day's swap was the one interrupted and is now complete; the second day is untouched.
      const names = await parquetNames(dir);
      assert.equal(names.length, 1 + 24);
      assert.equal((await run('maintain', 'consolidate', '--catalog', root)).code, 0);
      assert.equal((await parquetNames(dir)).length, 2);
      assert.deepEqual(await nautilusLines(root, 'quote_tick', QUOTES_ID), before);
    });
  }

  it('finishes a swap killed after moving every file of its folder aside, before consolidating again', async () => {
    const root = join(tmp.path, 'all-aside');
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(44), 3, 30);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const dir = join(root, QUOTES_DIR);

    assert.equal(await consolidateAndDie(root, 'moved-aside', 2), 'SIGKILL');
    assert.deepEqual(await parquetNames(dir), [], 'no file of the folder is visible');
    const result = await consolidate(catalog.layout, 'quote_tick', QUOTES_ID, catalog.width);
    assert.equal(result.rows, before.length);
    assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), before, 'every row is back exactly once');
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.')), [], 'no hidden files left');
    assert.equal((await parquetNames(dir)).length, 1);
  });

  it('rolls an error mid-swap back to exactly the catalog it found', async () => {
    const root = join(tmp.path, 'error');
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(42), 30, 30);
    const snap = await snapshot(root);
    setSwapStepHook((step, i) => {
      if (step === 'linked' && i === 0) throw new Error('injected: disk full');
    });
    try {
      await assert.rejects(consolidate(catalog.layout, 'quote_tick', undefined, catalog.width), /injected: disk full/);
    } finally {
      setSwapStepHook(undefined);
    }
    assert.deepEqual(await snapshot(root), snap);
  });

  it('drops a journal torn by a crash while it was being written (nothing had changed yet)', async () => {
    const root = join(tmp.path, 'torn');
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(43), 3, 10);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    await writeFile(join(root, QUOTES_DIR, '.swap-0123456789ab.json'), '{"version":1,"aside":[{"pa');
    const result = await run('maintain', 'consolidate', '--catalog', root);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual((await readdir(join(root, QUOTES_DIR))).filter((n) => n.startsWith('.')), []);
    assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), before);
  });
});
