// QuestDbSource against a real QuestDB: every frame written comes back byte for byte, at
// both fixed widths, with the full raw range (negative, huge, sentinels), ties in ts_init
// kept in order, and re-sent rows never duplicated.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type FixedWidth,
  PRICE_ERROR,
  PRICE_RAW_MAX,
  PRICE_UNDEF,
  QUANTITY_RAW_MAX,
  QUANTITY_UNDEF,
} from '../../src/model/fixed-point.js';
import { type Frame, type FrameMeta, allocFrame, concatFrames, setFixedRaw } from '../../src/model/frames.js';
import type { Series, SeriesDataType, SeriesFrame } from '../../src/seamless/series.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { QuestDbSource } from '../../src/sources/questdb/index.js';
import { type QuestDbServer, startQuestDb } from '../helpers/questdb-server.js';
import { frameDifference } from '../helpers/random-frames.js';

const NODE_OF: Record<SeriesDataType, string> = { bar: 'ohlcv:binance:BTC/USDT:1m', trade_tick: 'tick:binance:BTC/USDT', quote_tick: 'quote:binance:BTC/USDT' };
const symbology = new Symbology();
let seriesCount = 0;

/** A series of `type` with an identifier no other test uses. */
function freshSeries(type: SeriesDataType): Series {
  return { ...symbology.series(NODE_OF[type]), identifier: `RT-${type}-${++seriesCount}` };
}

function metaFor(series: Series): FrameMeta {
  const base = { instrumentId: series.instrumentId, pricePrecision: 2, sizePrecision: 6 };
  return series.dataType === 'bar' ? { ...base, barType: series.identifier } : base;
}

interface RowSpec {
  readonly gap: bigint;
  readonly lag: bigint;
  readonly prices: readonly bigint[];
  readonly sizes: readonly bigint[];
  readonly side: number;
  readonly tradeId: string;
}

/** Raws anywhere in the width's two's complement range, with the edges drawn often. */
function rowArbitrary(width: FixedWidth, distinctTs: boolean): fc.Arbitrary<RowSpec> {
  const bits = BigInt(width * 8);
  const price = fc.oneof(
    fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }),
    fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    fc.constantFrom(0n, 1n, -1n, PRICE_RAW_MAX[width], -PRICE_RAW_MAX[width], PRICE_UNDEF[width], PRICE_ERROR[width]),
  );
  const size = fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << bits) - 1n }),
    fc.constantFrom(0n, 1n, QUANTITY_RAW_MAX[width], QUANTITY_UNDEF[width], 1n << (bits - 1n)),
  );
  return fc.record({
    gap: distinctTs ? fc.bigInt({ min: 1n, max: 10n ** 12n }) : fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 12n })),
    lag: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    prices: fc.array(price, { minLength: 4, maxLength: 4 }),
    sizes: fc.array(size, { minLength: 2, maxLength: 2 }),
    side: fc.integer({ min: 0, max: 2 }),
    tradeId: fc.string({ unit: 'grapheme', minLength: 0, maxLength: 30 }),
  });
}

/** Builds a ts_init-sorted frame of `type` from row specs, starting at `start`. */
function buildFrame<T extends SeriesDataType>(type: T, width: FixedWidth, meta: FrameMeta, start: bigint, rows: readonly RowSpec[]): Frame<T> {
  const frame = allocFrame(type, width, rows.length, meta) as unknown as SeriesFrame;
  const c = frame.columns as unknown as Record<string, unknown>;
  let ts = start;
  rows.forEach((row, i) => {
    ts += row.gap;
    (c['ts_init'] as BigUint64Array)[i] = ts;
    (c['ts_event'] as BigUint64Array)[i] = ts > row.lag ? ts - row.lag : 0n;
    const [p0, p1, p2, p3] = row.prices as [bigint, bigint, bigint, bigint];
    const [s0, s1] = row.sizes as [bigint, bigint];
    if (type === 'bar') {
      const b = frame.columns as Frame<'bar'>['columns'];
      [[b.open, p0], [b.high, p1], [b.low, p2], [b.close, p3], [b.volume, s0]].forEach(([column, raw]) => setFixedRaw(column as never, i, raw as bigint));
    } else if (type === 'trade_tick') {
      const t = frame.columns as Frame<'trade_tick'>['columns'];
      setFixedRaw(t.price, i, p0);
      setFixedRaw(t.size, i, s0);
      t.aggressor_side[i] = row.side;
      t.trade_id[i] = `${row.tradeId}#${i}`; // unique: trades are keyed by trade id
    } else {
      const q = frame.columns as Frame<'quote_tick'>['columns'];
      setFixedRaw(q.bid_price, i, p0);
      setFixedRaw(q.ask_price, i, p1);
      setFixedRaw(q.bid_size, i, s0);
      setFixedRaw(q.ask_size, i, s1);
    }
  });
  return frame as unknown as Frame<T>;
}

/** The half-open range whose rows are exactly the frame's (bars: closes in [start + step, end]). */
function rangeOf(series: Series, frame: SeriesFrame): { start: bigint; end: bigint } {
  const ts = frame.columns.ts_init;
  const first = ts[0]!;
  const last = ts[ts.length - 1]!;
  return series.stepNs === undefined ? { start: first, end: last + 1n } : { start: first - series.stepNs, end: last };
}

let qdb: QuestDbServer;
let source: QuestDbSource;

before(async () => {
  qdb = await startQuestDb();
  console.log(`QuestDB started in ${qdb.startupMs.toFixed(0)} ms`);
  source = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, pageRows: 40, batchRows: 25 });
});

after(async () => {
  await source?.close();
  await qdb?.stop();
});

describe('QuestDbSource round trip', () => {
  for (const type of ['quote_tick', 'trade_tick', 'bar'] as const) {
    for (const width of [8, 16] as const) {
      test(`${type} at width ${width}: random frames read back byte for byte`, async () => {
        const rows = fc.array(rowArbitrary(width, type === 'bar'), { minLength: 1, maxLength: 120 });
        const start = fc.bigInt({ min: 120_000_000_000n, max: 4_000_000_000_000_000_000n });
        await fc.assert(
          fc.asyncProperty(start, rows, async (first, specs) => {
            const series = freshSeries(type);
            const frame = buildFrame(type, width, metaFor(series), first, specs);
            await source.write(series, rangeOf(series, frame), frame);
            const back = await source.fetch(series, rangeOf(series, frame));
            assert.ok(back, 'rows were written, so fetch returns a frame');
            assert.equal(frameDifference(frame, back), undefined);
          }),
          { numRuns: 15 },
        );
      });
    }
  }

  test('the edges of both widths come back exactly: ±max, sentinels, 0 and ±1', async () => {
    for (const width of [8, 16] as const) {
      const prices = [0n, 1n, -1n, PRICE_RAW_MAX[width], -PRICE_RAW_MAX[width], PRICE_UNDEF[width], PRICE_ERROR[width], -123_456_789_012n];
      const sizes = [0n, 1n, QUANTITY_RAW_MAX[width], QUANTITY_UNDEF[width], 1n << BigInt(width * 8 - 1), 42n, 7n, 10n ** 18n];
      const series = freshSeries('quote_tick');
      const specs = prices.map((p, i) => ({ gap: 1n, lag: 0n, prices: [p, -p, p, p], sizes: [sizes[i]!, sizes[sizes.length - 1 - i]!], side: 0, tradeId: '' }));
      const frame = buildFrame('quote_tick', width, metaFor(series), 1_704_153_600_000_000_000n, specs);
      await source.write(series, rangeOf(series, frame), frame);
      assert.equal(frameDifference(frame, (await source.fetch(series, rangeOf(series, frame)))!), undefined);
    }
  });

  test('re-writing a range stores no duplicates; identical quotes at one instant both survive', async () => {
    const series = freshSeries('quote_tick');
    const same = { gap: 0n, lag: 5n, prices: [100n, 101n, 0n, 0n], sizes: [1n, 2n], side: 0, tradeId: '' };
    const specs = [{ ...same, gap: 1n }, same, same, { ...same, gap: 3n, prices: [99n, 102n, 0n, 0n] }, same];
    const frame = buildFrame('quote_tick', 16, metaFor(series), 1_704_153_600_000_000_000n, specs);
    const range = rangeOf(series, frame);
    await source.write(series, range, frame);
    await source.write(series, range, frame);
    await source.write(series, range, frame);
    const back = await source.fetch(series, range);
    assert.equal(back?.length, 5);
    assert.equal(frameDifference(frame, back!), undefined);
    assert.deepEqual(await source.coverage(series), [range]);
  });

  test('a re-sent trade with the same id replaces the stored one', async () => {
    const series = freshSeries('trade_tick');
    const spec = { gap: 1n, lag: 0n, prices: [5n, 0n, 0n, 0n], sizes: [9n, 0n], side: 1, tradeId: 'T' };
    const first = buildFrame('trade_tick', 8, metaFor(series), 1_704_153_600_000_000_000n, [spec, spec]);
    const corrected = buildFrame('trade_tick', 8, metaFor(series), 1_704_153_600_000_000_000n, [spec, { ...spec, prices: [6n, 0n, 0n, 0n] }]);
    await source.write(series, rangeOf(series, first), first);
    await source.write(series, rangeOf(series, corrected), corrected);
    assert.equal(frameDifference(corrected, (await source.fetch(series, rangeOf(series, first)))!), undefined);
  });

  test('stream pages by time: no instant is split, and an instant bigger than a page comes whole', async () => {
    const series = freshSeries('quote_tick');
    const spec = (gap: bigint, i: number) => ({ gap, lag: 0n, prices: [BigInt(i), 0n, 0n, 0n], sizes: [BigInt(i), 0n], side: 0, tradeId: '' });
    // 150 rows: runs of ties, then 60 rows at one instant (the page holds 40).
    const specs = Array.from({ length: 150 }, (_, i) => spec(i < 90 ? BigInt(i % 3 === 0 ? 1 : 0) : i === 90 ? 1n : 0n, i));
    const frame = buildFrame('quote_tick', 16, metaFor(series), 1_704_153_600_000_000_000n, specs);
    await source.write(series, rangeOf(series, frame), frame);
    const pages: SeriesFrame[] = [];
    for await (const page of source.stream(series, rangeOf(series, frame))) pages.push(page);
    assert.ok(pages.length >= 3, `expected several pages, was ${pages.length}`);
    for (let p = 1; p < pages.length; p++) {
      const previous = pages[p - 1]!.columns.ts_init;
      assert.ok(previous[previous.length - 1]! < pages[p]!.columns.ts_init[0]!, 'an instant never spans two pages');
    }
    assert.ok(pages.some((page) => page.length === 60), 'the 60-row instant is one page');
    assert.equal(frameDifference(frame, concatFrames(pages as Frame<'quote_tick'>[])), undefined);
  });
});
