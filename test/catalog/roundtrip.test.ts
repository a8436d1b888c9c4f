/**
 * Our writer's output read back by our reader, byte for byte: every type, both widths,
 * snappy and zstd, dictionary and PLAIN pages, many row groups, many files; plus the
 * catalog operations that rewrite files (consolidate, delete range) never lose a row.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { type Frame, type MarketDataType, concatFrames, sliceFrame, tsInitOf } from '../../src/model/frames.js';
import { NS_PER_DAY } from '../../src/model/time.js';
import { tempDir } from '../helpers/paths.js';
import { frameDifference, prng, randomFrame } from '../helpers/random-frames.js';

const TYPES: MarketDataType[] = ['bar', 'quote_tick', 'trade_tick', 'order_book_delta'];
const START = 1_700_000_000_000_000_000n;

function metaFor(type: MarketDataType, width: FixedWidth, seed: number) {
  const maxPrecision = width === 8 ? 9 : 16;
  const rand = prng(seed);
  const pricePrecision = Math.floor(rand() * (maxPrecision + 1));
  const sizePrecision = Math.floor(rand() * (maxPrecision + 1));
  return type === 'bar'
    ? { instrumentId: 'BTCUSDT-PERP.BINANCE', pricePrecision, sizePrecision, barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL' }
    : { instrumentId: 'EUR/USD.SIM', pricePrecision, sizePrecision };
}

describe('write then read back, byte for byte', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => dir.remove());

  for (const width of [8, 16] as const) {
    for (const type of TYPES) {
      for (const compression of ['snappy', 'zstd'] as const) {
        it(`${type}, ${width * 8}-bit, ${compression}`, async () => {
          const seed = width * 1000 + TYPES.indexOf(type) * 10 + (compression === 'zstd' ? 1 : 0);
          const rand = prng(seed);
          const root = `${dir.path}/${type}-${width}-${compression}`;
          const catalog = await Catalog.open(root, { width });
          const meta = metaFor(type, width, seed);
          // Dictionary-friendly first file, PLAIN-heavy second file, several row groups each.
          const a = randomFrame(type, rand, { width, rows: 12_345, startNs: START, meta, distinct: 7 });
          const b = randomFrame(type, rand, { width, rows: 6_001, startNs: START + NS_PER_DAY, meta });
          await catalog.write(a, { compression });
          await catalog.write([sliceFrame(b, 0, 3000), sliceFrame(b, 3000, b.length)], { compression });
          const id = type === 'bar' ? meta.barType! : meta.instrumentId;
          const back = await catalog.readAll(type, id);
          assert.ok(back);
          assert.equal(frameDifference(back, concatFrames([a, b])), undefined);
        });
      }
    }
  }

  it('window reads return exactly the rows with start <= ts_init < end', async () => {
    const rand = prng(7);
    const catalog = await Catalog.open(`${dir.path}/window`, { width: 16 });
    const meta = metaFor('quote_tick', 16, 7);
    const frame = randomFrame('quote_tick', rand, { width: 16, rows: 20_000, startNs: START, meta });
    await catalog.write(frame);
    const ts = tsInitOf(frame);
    for (let k = 0; k < 20; k++) {
      const i = Math.floor(rand() * ts.length);
      const j = Math.min(ts.length - 1, i + Math.floor(rand() * 9000));
      const start = ts[i]!;
      const end = ts[j]!;
      const got = await catalog.readAll('quote_tick', 'EUR/USD.SIM', { start, end });
      let lo = 0;
      while (ts[lo]! < start) lo++;
      let hi = lo;
      while (hi < ts.length && ts[hi]! < end) hi++;
      if (hi === lo) assert.equal(got, undefined);
      else assert.equal(frameDifference(got!, sliceFrame(frame, lo, hi)), undefined, `window [${start}, ${end})`);
    }
  });

  it('overlapping files are k-way merged by ts_init (file order on ties), not de-duplicated', async () => {
    const rand = prng(11);
    const root = `${dir.path}/overlap`;
    const catalog = await Catalog.open(root, { width: 16 });
    const meta = metaFor('trade_tick', 16, 11);
    const a = randomFrame('trade_tick', rand, { width: 16, rows: 7000, startNs: START, meta });
    const b = randomFrame('trade_tick', rand, { width: 16, rows: 7000, startNs: START + 5n, meta });
    await catalog.write(a);
    await assert.rejects(catalog.write(b), (e: Error & { code?: string }) => e.code === 'CATALOG_OVERLAP');
    await catalog.write(b, { skipDisjointCheck: true });
    const merged = await catalog.readAll('trade_tick', 'EUR/USD.SIM');
    assert.equal(merged!.length, 14_000);
    const ts = tsInitOf(merged!);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! >= ts[i - 1]!, `not sorted at ${i}`);
  });

  it('consolidation by day keeps every row in order, with and without gaps, and dedups on request', async () => {
    const rand = prng(5);
    const root = `${dir.path}/consolidate`;
    const catalog = await Catalog.open(root, { width: 16, scheme: 'py1221' });
    const meta = metaFor('quote_tick', 16, 5);
    const frames: Frame<'quote_tick'>[] = [];
    let t = START;
    for (let f = 0; f < 6; f++) {
      const frame = randomFrame('quote_tick', rand, { width: 16, rows: 3000, startNs: t, meta, distinct: 50 });
      frames.push(frame);
      await catalog.write(frame);
      t = tsInitOf(frame)[frame.length - 1]! + NS_PER_DAY / 3n;
    }
    const before = await catalog.readAll('quote_tick', 'EUR/USD.SIM');
    const result = await catalog.consolidate('quote_tick', 'EUR/USD.SIM');
    assert.equal(result.rows, before!.length);
    const after = await catalog.readAll('quote_tick', 'EUR/USD.SIM');
    assert.equal(frameDifference(after!, before!), undefined);
    const intervals = await catalog.intervals('quote_tick', 'EUR/USD.SIM');
    for (const interval of intervals) assert.equal(interval.first / NS_PER_DAY, interval.last / NS_PER_DAY, 'one file per UTC day');

    await catalog.consolidate('quote_tick', 'EUR/USD.SIM', { fillPeriods: true });
    const filled = await catalog.intervals('quote_tick', 'EUR/USD.SIM');
    for (const interval of filled) {
      assert.equal(interval.first % NS_PER_DAY, 0n);
      assert.equal((interval.last + 1n) % NS_PER_DAY, 0n);
    }
    assert.equal(frameDifference((await catalog.readAll('quote_tick', 'EUR/USD.SIM'))!, before!), undefined);

    // Write the first file's rows a second time, then dedup them away again.
    await catalog.write(frames[0]!, { skipDisjointCheck: true });
    const doubled = await catalog.readAll('quote_tick', 'EUR/USD.SIM');
    assert.equal(doubled!.length, before!.length + frames[0]!.length);
    await catalog.consolidate('quote_tick', 'EUR/USD.SIM', { deduplicate: true });
    assert.equal(frameDifference((await catalog.readAll('quote_tick', 'EUR/USD.SIM'))!, before!), undefined);
    const names = (await readdir(`${root}/data/quote_tick/EURUSD.SIM`)).filter((n) => n.startsWith('.'));
    assert.deepEqual(names, [], 'no temp files left behind');
  });

  it('deleting a range splits files and keeps everything outside it', async () => {
    const rand = prng(9);
    const catalog = await Catalog.open(`${dir.path}/delete`, { width: 16 });
    const meta = metaFor('bar', 16, 9);
    const frame = randomFrame('bar', rand, { width: 16, rows: 10_000, startNs: START, meta });
    await catalog.write(frame);
    const ts = tsInitOf(frame);
    const start = ts[2500]!;
    const end = ts[7000]!;
    await catalog.deleteRange('bar', meta.barType!, start, end);
    const kept = await catalog.readAll('bar', meta.barType!);
    // Half-open: rows at `start` go, rows at `end` stay.
    let lo = 2500;
    while (lo > 0 && ts[lo - 1] === start) lo--;
    let keepFrom = 7000;
    while (keepFrom > 0 && ts[keepFrom - 1] === end) keepFrom--;
    const expected = concatFrames([sliceFrame(frame, 0, lo), sliceFrame(frame, keepFrom, frame.length)]);
    assert.equal(frameDifference(kept!, expected), undefined);
    const intervals = await catalog.intervals('bar', meta.barType!);
    assert.equal(intervals.length, 2);
  });
});
