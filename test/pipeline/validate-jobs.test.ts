/**
 * validateCatalog with `jobs`: series validated on worker threads give the very report one
 * thread gives (findings, examples, totals, file order), with faults planted in several
 * series, a damaged file among them, and more series than workers.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { formatFileName } from '../../src/catalog/file-names.js';
import { fixedRawAt, setFixedRaw, sliceFrame } from '../../src/model/frames.js';
import { syntheticBars, syntheticQuotes, syntheticTrades } from '../../src/model/synthetic-market.js';
import { NS_PER_MINUTE, NS_PER_SECOND } from '../../src/model/time.js';
import { ValidateOptionError, resolveOptions } from '../../src/pipeline/validate/options.js';
import { validateSeriesInParallel } from '../../src/pipeline/validate/parallel-series.js';
import { validateCatalog } from '../../src/pipeline/validate/runner.js';
import { tempDir } from '../helpers/paths.js';
import { START, findings } from './validate-support.js';

let tmp: { path: string; remove: () => Promise<void> };
before(async () => {
  tmp = await tempDir('seamless-validate-jobs-');
});
after(async () => tmp.remove());

/** Five series: quotes of three instruments (one with crossed quotes), trades with an id gap, bars with a missing bar; one damaged file. */
async function faultyCatalog(): Promise<string> {
  const root = join(tmp.path, 'catalog');
  const catalog = await Catalog.open(root, { width: 16 });
  const ticks = { start: START, count: 3000, stepNs: NS_PER_SECOND, jitterNs: NS_PER_SECOND / 2n };
  for (const [k, symbol] of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].entries()) {
    const quotes = syntheticQuotes({ ...ticks, seed: k + 1, meta: { instrumentId: `${symbol}.BINANCE`, pricePrecision: 2, sizePrecision: 6 } });
    if (k === 1) {
      // Crossed quotes: the ask one step below the bid.
      for (const row of [100, 1700, 2999]) setFixedRaw(quotes.columns.ask_price, row, fixedRawAt(quotes.columns.bid_price, row) - 10n ** 14n);
    }
    await catalog.write(sliceFrame(quotes, 0, 1500));
    await catalog.write(sliceFrame(quotes, 1500, 3000));
  }
  const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
  const trades = syntheticTrades({ ...ticks, seed: 9, meta, firstTradeId: 1 });
  await catalog.write(sliceFrame(trades, 0, 1000));
  // Ids jump by 50 from the second file on.
  await catalog.write(syntheticTrades({ ...ticks, start: START + 1000n * NS_PER_SECOND, count: 2000, seed: 10, meta, firstTradeId: 1051 }));
  const barType = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
  const bars = syntheticBars({ meta: { ...meta, barType }, start: START + NS_PER_MINUTE, count: 2000, stepNs: NS_PER_MINUTE, seed: 3 });
  await catalog.write(sliceFrame(bars, 0, 999));
  await catalog.write(sliceFrame(bars, 1000, 2000)); // bar 999 is missing
  // A damaged file of the SOLUSDT quotes, after its two good ones.
  const damaged = formatFileName(START + 4000n * NS_PER_SECOND, START + 5000n * NS_PER_SECOND);
  await writeFile(join(root, 'data', 'quote_tick', 'SOLUSDT.BINANCE', damaged), 'PAR1 not really parquet PAR1');
  return root;
}

describe('validateCatalog: series on worker threads', () => {
  it('gives the report one thread gives, with 2, 3 and 8 workers and with auto', async () => {
    const root = await faultyCatalog();
    const alone = await validateCatalog(root, { jobs: 1 });
    assert.equal(alone.totals.series, 5);
    const found = findings(alone.files).join(' ');
    for (const check of ['quote_crossed', 'trade_id_gap', 'bar_gap', 'unreadable']) assert.match(found, new RegExp(check), found);
    for (const jobs of [2, 3, 8, 'auto'] as const) {
      assert.deepEqual(await validateCatalog(root, { jobs }), alone, `jobs ${jobs}`);
    }
    // With a window and options that change what is found, too.
    const narrowed = { start: START + 500n * NS_PER_SECOND, spikeMads: 3, examples: 1 };
    assert.deepEqual(await validateCatalog(root, { ...narrowed, jobs: 4 }), await validateCatalog(root, narrowed));
  });

  it('passes an error a worker meets back to the caller, named, and stops the workers', async () => {
    const series = [
      { type: 'quote_tick' as const, identifier: 'BTCUSDT.BINANCE', files: [] },
      { type: 'bar' as const, identifier: 'x', files: [] },
    ];
    // Options the caller did not check: each worker resolves them and fails.
    const here = async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the worker fails first
      return [];
    };
    await assert.rejects(validateSeriesInParallel(tmp.path, { spikeWindow: 1 }, series, 2, here), (error: Error) => error.name === 'ValidateOptionError' && /spike window must be an integer in 3\.\.100000, was 1 \(in a validation worker\)/.test(error.message));
  });

  it('refuses a jobs value that is not auto or an integer in 1..64', () => {
    for (const jobs of [0, -1, 1.5, 65, Number.NaN]) assert.throws(() => resolveOptions({ jobs }), ValidateOptionError, String(jobs));
    assert.throws(() => resolveOptions({ jobs: 'all' as unknown as 'auto' }), /jobs must be auto or an integer in 1\.\.64, was all/);
    assert.equal(resolveOptions({}).jobs, 1);
  });
});
