/**
 * Crash safety of `seamless import --force`. A child process re-imports a day that is
 * already in the catalog and is SIGKILLed at a chosen step of the file swap (after the
 * journal, after moving the old file aside, after linking the new one). The next import of
 * that folder finishes the swap before it looks at which days exist: the day then holds
 * exactly the new archive's rows, once, with no hidden debris, and NautilusTrader reads it so.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { binanceArchivePath } from '../../src/pipeline/import/binance-layout.js';
import { importBinance } from '../../src/pipeline/import/binance-import.js';
import { parseDay } from '../../src/pipeline/import/utc-days.js';
import { run } from '../helpers/cli-run.js';
import { runModuleScript } from '../helpers/module-script.js';
import { tempDir } from '../helpers/paths.js';
import { type ExpectedTrade, binanceTradeCsv } from '../support/archives/binance-csv.js';
import { writeBinanceZip } from '../support/archives/mirror.js';
import { assertTrades, peerRows } from '../support/archives/peer-check.js';

const DAY = '2024-12-31';
const ARCHIVE = binanceArchivePath({ market: 'spot', type: 'trades', symbol: 'BTCUSDT' }, { kind: 'daily', day: parseDay(DAY, 'test') });
const SWAP_MODULE = new URL('../../src/catalog/swap.js', import.meta.url).href;
const IMPORT_MODULE = new URL('../../src/pipeline/import/binance-import.js', import.meta.url).href;
const CATALOG_MODULE = new URL('../../src/catalog/catalog.js', import.meta.url).href;

/** Runs `import --force` of DAY from `source` in a child that SIGKILLs itself at swap `step` #`index`. */
function forceImportAndDie(root: string, source: string, step: string, index: number): Promise<NodeJS.Signals | number | null> {
  const script = `
    import { Catalog } from ${JSON.stringify(CATALOG_MODULE)};
    import { setSwapStepHook } from ${JSON.stringify(SWAP_MODULE)};
    import { importBinance } from ${JSON.stringify(IMPORT_MODULE)};
    setSwapStepHook((step, i) => { if (step === ${JSON.stringify(step)} && i === ${index}) process.kill(process.pid, 'SIGKILL'); });
    const catalog = await Catalog.open(${JSON.stringify(root)});
    await importBinance({ source: ${JSON.stringify(source)}, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: ${JSON.stringify(DAY)}, end: ${JSON.stringify(DAY)}, catalog, force: true, progress: false });
  `;
  return runModuleScript(script);
}

describe('import --force survives a crash mid-swap', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  let original: string;
  let replacement: string;
  let replacedRows: ExpectedTrade[];
  before(async () => {
    tmp = await tempDir('seamless-import-crash-');
    original = join(tmp.path, 'mirror');
    replacement = join(tmp.path, 'mirror-replaced');
    await writeBinanceZip(original, ARCHIVE, binanceTradeCsv({ market: 'spot', kind: 'trades', day: parseDay(DAY, 'test'), rows: 300, firstId: 5_000_000_000, unit: 'ms', header: false, seed: 3 }).text);
    // The exchange replaced the day's archive: other ids, other prices.
    const replaced = binanceTradeCsv({ market: 'spot', kind: 'trades', day: parseDay(DAY, 'test'), rows: 50, firstId: 9_000_000_000, unit: 'ms', header: false, seed: 7 });
    await writeBinanceZip(replacement, ARCHIVE, replaced.text);
    replacedRows = replaced.expected;
  });
  after(async () => tmp.remove());

  for (const [step, index] of [['journaled', 0], ['moved-aside', 0], ['linked', 0]] as const) {
    it(`finishes a --force import killed after ${step} #${index} when the folder is next imported into`, async () => {
      const root = join(tmp.path, `${step}-${index}`);
      await importBinance({ source: original, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: DAY, end: DAY, catalog: await Catalog.open(root), progress: false });
      const folder = join(root, 'data', 'trade_tick', 'BTCUSDT.BINANCE');

      assert.equal(await forceImportAndDie(root, replacement, step, index), 'SIGKILL');
      const debris = (await readdir(folder)).filter((n) => n.startsWith('.'));
      assert.ok(debris.some((n) => /^\.swap-[0-9a-f]+\.json$/.test(n)), `a journal is left: ${debris.join(', ')}`);

      // A plain re-run (no --force) finishes the swap first, then finds the day present.
      const again = await run('import', 'binance', '--source', replacement, '--market', 'spot', '--type', 'trades', '--symbol', 'BTCUSDT', '--start', DAY, '--end', DAY, '--catalog', root, '--json', '--quiet');
      assert.equal(again.code, 0, again.err);
      assert.deepEqual((JSON.parse(again.out) as { daysSkipped: string[] }).daysSkipped, [DAY]);
      assert.deepEqual((await readdir(folder)).filter((n) => n.startsWith('.')), [], 'no hidden files left');
      assert.deepEqual((await readdir(folder)).filter((n) => n.endsWith('.parquet')), [`${DAY}T00-00-00-000000000Z_${DAY}T23-59-59-999999999Z.parquet`]);
      assertTrades(await peerRows(root, 'trade_tick', 'BTCUSDT.BINANCE'), replacedRows, 'BTCUSDT.BINANCE', { price: 2, size: 5 });
    });
  }
});
