/**
 * validateCatalog on real catalog files: faults across a file boundary (trade ids, time
 * gaps, missing bars, files that overlap), a file declaring other precisions, a damaged
 * file, UTC day grouping, the --start/--end window, and NautilusTrader-written fixtures.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { type Frame, type MarketDataType, sliceFrame } from '../../src/model/frames.js';
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE } from '../../src/model/time.js';
import { syntheticTrades } from '../../src/model/synthetic-market.js';
import type { ValidationReport } from '../../src/pipeline/validate/report.js';
import { validateCatalog } from '../../src/pipeline/validate/runner.js';
import { FIXTURES, tempDir } from '../helpers/paths.js';
import { INSTRUMENT, START, cleanFrame, findings } from './validate-support.js';

let tmp: { path: string; remove: () => Promise<void> };
let counter = 0;
before(async () => {
  tmp = await tempDir('seamless-validate-');
});
after(async () => tmp.remove());

/** Writes each frame as one file of a new catalog; returns the root. */
async function catalogOf(frames: readonly Frame[], width: FixedWidth = 16): Promise<string> {
  const root = join(tmp.path, `c${counter++}`);
  const catalog = await Catalog.open(root, { width });
  for (const frame of frames) await catalog.write(frame);
  return root;
}

/** Findings of a catalog run as `file:check@row` (file = index in the report). */
function runFindings(report: ValidationReport): string[] {
  return findings(report.files);
}

function shift<T extends MarketDataType>(frame: Frame<T>, ns: bigint): Frame<T> {
  const out = sliceFrame(frame, 0, frame.length);
  const c = out.columns as unknown as { ts_init: BigUint64Array; ts_event: BigUint64Array };
  for (let i = 0; i < out.length; i++) {
    c.ts_init[i] = c.ts_init[i]! + ns;
    c.ts_event[i] = c.ts_event[i]! + ns;
  }
  return out;
}

describe('validateCatalog: across file boundaries', () => {
  it('clean data split over two files: nothing found, rows and files counted', async () => {
    const trades = cleanFrame('trade_tick', 16, 800);
    const report = await validateCatalog(await catalogOf([sliceFrame(trades, 0, 400), sliceFrame(trades, 400, 800)]));
    assert.deepEqual(runFindings(report), []);
    assert.deepEqual(report.totals, { series: 1, files: 2, rows: 800, errors: 0, warnings: 0 });
    assert.equal(report.failed, false);
  });

  it('trade ids that skip between two files are a proven gap at the second file\'s first row', async () => {
    const first = syntheticTrades({ meta: { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 }, start: START, count: 300, stepNs: 1_000_000_000n, firstTradeId: 1 });
    const second = syntheticTrades({ meta: first.meta, start: START + 300_000_000_000n, count: 300, stepNs: 1_000_000_000n, firstTradeId: 311 });
    const report = await validateCatalog(await catalogOf([first, second]));
    assert.deepEqual(runFindings(report), ['1:trade_id_gap@0']);
    const example = report.files[1]!.days[0]!.checks[0]!.examples[0]!;
    assert.deepEqual(example.values, { previous_id: '300', trade_id: '311', missing: '301..310', previous: 'from the previous file' });
    assert.equal(report.checks.trade_id_gap?.amount, 10);
    assert.equal(report.failed, true);
  });

  it('a pause between files is a suspected gap; the next file carries the reference on', async () => {
    const quotes = cleanFrame('quote_tick', 8, 800);
    const report = await validateCatalog(await catalogOf([sliceFrame(quotes, 0, 400), shift(sliceFrame(quotes, 400, 800), NS_PER_HOUR)], 8), { failOn: 'warning' });
    assert.deepEqual(runFindings(report), ['1:suspected_gap@0']);
    assert.equal(report.totals.warnings, 1);
    assert.equal(report.failed, true, '--fail-on warning fails on a warning');
  });

  it('bars missing between two files are a bar gap', async () => {
    const bars = cleanFrame('bar', 16, 100);
    const report = await validateCatalog(await catalogOf([sliceFrame(bars, 0, 50), sliceFrame(bars, 53, 100)]));
    assert.deepEqual(runFindings(report), ['1:bar_gap@0']);
    assert.equal(report.checks.bar_gap?.amount, 3);
  });

  it('files that overlap in time: the second file goes back in ts_init for every overlapping row', async () => {
    const quotes = cleanFrame('quote_tick', 16, 400);
    const root = await catalogOf([sliceFrame(quotes, 0, 300)]);
    // The writer refuses overlaps, so the overlapping file is written elsewhere and moved in.
    const other = await catalogOf([sliceFrame(quotes, 200, 400)]);
    await moveFiles(other, root, 'quote_tick', INSTRUMENT);
    const report = await validateCatalog(root);
    // 100 rows overlap; the last of them ties the first file's last ts_init, which is not
    // going back. 5 examples are kept (the default), all 99 are counted.
    assert.deepEqual(runFindings(report), ['1:ts_init_order@0', '1:ts_init_order@1', '1:ts_init_order@2', '1:ts_init_order@3', '1:ts_init_order@4']);
    assert.equal(report.checks.ts_init_order?.count, 99);
  });

  it('a file declaring another price precision than the first file is a precision mismatch', async () => {
    const quotes = cleanFrame('quote_tick', 16, 400);
    const root = await catalogOf([sliceFrame(quotes, 0, 200)]);
    const later = sliceFrame(quotes, 200, 400);
    const other = await catalogOf([{ ...later, meta: { ...later.meta, pricePrecision: 4 } }]);
    await moveFiles(other, root, 'quote_tick', INSTRUMENT);
    const report = await validateCatalog(root);
    assert.deepEqual(runFindings(report), ['1:precision_mismatch@0']);
    assert.deepEqual(report.files[1]!.days[0]!.checks[0]!.examples[0]!.values, { pricePrecision: '2 in the first file, 4 here' });
  });

  it('a damaged file is an unreadable finding, and the other files are still validated', async () => {
    const quotes = cleanFrame('quote_tick', 16, 400);
    const root = await catalogOf([sliceFrame(quotes, 0, 200)]);
    await writeFile(join(root, 'data', 'quote_tick', INSTRUMENT, '2024-01-03T00-00-00-000000000Z_2024-01-03T01-00-00-000000000Z.parquet'), 'not parquet at all');
    const report = await validateCatalog(root);
    assert.deepEqual(runFindings(report), ['1:unreadable@0']);
    assert.equal(report.totals.rows, 200);
    assert.match(report.files[1]!.days[0]!.checks[0]!.examples[0]!.values['error']!, /parquet|magic|damaged/i);
  });
});

describe('validateCatalog: files opened ahead', () => {
  it('a damaged file between two good ones is unreadable at its turn; the files after it are validated, and none is left open', async () => {
    const quotes = cleanFrame('quote_tick', 16, 400);
    const root = await catalogOf([sliceFrame(quotes, 0, 200), shift(sliceFrame(quotes, 200, 400), 2n * NS_PER_DAY)]);
    await writeFile(join(root, 'data', 'quote_tick', INSTRUMENT, '2024-01-03T00-00-00-000000000Z_2024-01-03T01-00-00-000000000Z.parquet'), 'not parquet at all');
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();
    const report = await validateCatalog(root);
    assert.equal(report.files.length, 3);
    assert.deepEqual(runFindings(report).filter((f) => f.endsWith('unreadable@0')), ['1:unreadable@0']);
    assert.equal(report.totals.rows, 400);
    await new Promise((resolve) => setTimeout(resolve, 50)); // readers close without waiting
    assert.equal(await openFiles(), before);
  });
});

describe('validateCatalog: selection and grouping', () => {
  it('groups rows and findings by UTC day, and --start/--end validate only the window', async () => {
    // 1-minute bars over two days: 1,440 the first day (the first close at 00:01), 2 the next.
    const bars = cleanFrame('bar', 16, 1442);
    const root = await catalogOf([bars]);
    const report = await validateCatalog(root, { type: 'bar' });
    assert.deepEqual(report.files[0]!.days.map((d) => [d.day, d.rows]), [['2024-01-02', 1439], ['2024-01-03', 3]]);
    const window = await validateCatalog(root, { type: 'bar', start: START + NS_PER_DAY, end: START + NS_PER_DAY + 2n * NS_PER_MINUTE });
    assert.equal(window.totals.rows, 2);
  });

  it('type and identifier select series; an unknown identifier selects nothing', async () => {
    const root = await catalogOf([cleanFrame('quote_tick', 16, 100), cleanFrame('trade_tick', 16, 100)]);
    assert.equal((await validateCatalog(root)).totals.series, 2);
    assert.equal((await validateCatalog(root, { type: 'trade_tick' })).totals.rows, 100);
    assert.equal((await validateCatalog(root, { type: 'quote_tick', identifier: 'ETHUSDT.BINANCE' })).totals.files, 0);
  });
});

describe('validateCatalog: NautilusTrader-written fixtures', () => {
  const FILES: Array<[string, MarketDataType, string]> = [
    ['quotes.parquet', 'quote_tick', 'EURUSD.SIM'],
    ['trades.parquet', 'trade_tick', 'EURUSD.SIM'],
    ['bars.parquet', 'bar', 'ADABTC.BINANCE-1-MINUTE-LAST-EXTERNAL'],
    ['deltas.parquet', 'order_book_delta', '1.166564490-60424-0.0.BETFAIR'],
  ];
  for (const width of ['64-bit', '128-bit']) {
    it(`${width}: every file validates without crashing, and what it finds is in the data`, async () => {
      const root = join(tmp.path, `fixtures-${width}`);
      for (const [name, type, folder] of FILES) {
        const dir = join(root, 'data', type, folder);
        await mkdir(dir, { recursive: true });
        await copyFile(join(FIXTURES, width, name), join(dir, 'part-0.parquet'));
      }
      const report = await validateCatalog(root);
      assert.equal(report.totals.files, 4);
      assert.equal(report.totals.rows, 9500 + 100 + 10 + 1077);
      const byType = Object.fromEntries(report.files.map((f) => [f.type, f.days.flatMap((d) => d.checks.map((t) => `${t.check}:${t.count}`))]));
      // Checked independently with pyarrow: the 100 test trades are one row repeated (id
      // 123456, ts 0), and the deltas step back in ts_init once, at row 859.
      assert.deepEqual(byType, { quote_tick: [], trade_tick: ['duplicate_row:99'], bar: [], order_book_delta: ['ts_init_order:1'] });
      const deltas = report.files.find((f) => f.type === 'order_book_delta')!;
      assert.equal(deltas.days[0]!.checks[0]!.examples[0]!.row, 859);
    });
  }
});

async function moveFiles(from: string, to: string, type: string, identifier: string): Promise<void> {
  const source = join(from, 'data', type, identifier);
  for (const name of await readdir(source)) await rename(join(source, name), join(to, 'data', type, identifier, name));
}
