/**
 * Trade ids kept as numbers (model/trade-id-numbers.ts) and written from them
 * (parquet/decimal-text.ts, its WebAssembly writer and its JavaScript one): the page bytes and statistics equal those of the strings
 * `String(id)`, on sequential runs across digit-count changes and on random ids; a file
 * written from numbers is byte for byte the file written from the strings; reading the
 * strings hands the column over to them; values that are not ids are refused.
 */
import assert from 'node:assert/strict';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeFramesToFile } from '../../src/catalog/frame-encode.js';
import { encodeColumnChunk } from '../../src/catalog/parquet/column-write.js';
import { PhysicalType } from '../../src/catalog/parquet/format.js';
import { compareDecimalText, decimalStatistics, decimalTexts, encodePlainDecimals, encodePlainDecimalsFast, encodePlainDecimalsPlainly } from '../../src/catalog/parquet/decimal-text.js';
import { type Frame, sliceFrame } from '../../src/model/frames.js';
import { syntheticTrades } from '../../src/model/synthetic-market.js';
import { idTexts, tradeColumnsWithIdNumbers, tradeIdNumbers } from '../../src/model/trade-id-numbers.js';
import { warmTempDir } from '../helpers/facts-files.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** The PLAIN BYTE_ARRAY body of `texts`, built the obvious way. */
function plainOf(texts: readonly string[]): Buffer {
  return Buffer.concat(
    texts.flatMap((t) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(Buffer.byteLength(t));
      return [length, Buffer.from(t)];
    }),
  );
}

function bytewiseMinMax(texts: readonly string[]): [string, string] {
  const sorted = [...texts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return [sorted[0]!, sorted[sorted.length - 1]!];
}

/** Ids as an import sees them: runs counting up (across 9…9 → 10…0), jumps, and edge values. */
const idColumn = fc
  .array(
    fc.record({
      start: fc.oneof(fc.integer({ min: 0, max: MAX }), fc.constantFrom(0, 1, 8, 9, 98, 99_999_990, 999_999_999_995, 10 ** 15 - 3, MAX - 5)),
      run: fc.integer({ min: 1, max: 40 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((runs) => Float64Array.from(runs.flatMap(({ start, run }) => Array.from({ length: run }, (_, k) => Math.min(MAX, start + k)))));

const checkDir = warmTempDir('seamless-decimal-text-');

/** Trades with ids `ids` (as numbers or as strings) and ts_init counting up from `first`. */
function tradeFrame(ids: Float64Array, first: number, numbers: boolean): Frame<'trade_tick'> {
  const rows = ids.length;
  const ts = BigUint64Array.from({ length: rows }, (_, i) => 1_700_000_000_000_000_000n + BigInt(first + i));
  const columns = {
    price: { kind: 'price', width: 8, bytes: new Uint8Array(BigInt64Array.from({ length: rows }, (_, i) => 123_450_000_000n + BigInt(i % 7)).buffer) },
    size: { kind: 'quantity', width: 8, bytes: new Uint8Array(new BigUint64Array(rows).fill(1_000_000_000n).buffer) },
    aggressor_side: new Uint8Array(rows).fill(1),
    ts_event: ts,
    ts_init: ts,
  } as const;
  return {
    type: 'trade_tick',
    width: 8,
    length: rows,
    meta: { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 0 },
    columns: numbers ? tradeColumnsWithIdNumbers(columns, ids) : { ...columns, trade_id: Array.from(ids, String) },
  };
}

/** The bytes of the file `frames` write (row groups of `groupSize`). */
async function writeFile(frames: ReadonlyArray<Frame<'trade_tick'>>, name: string, groupSize = 5_000): Promise<Buffer> {
  const path = join(checkDir(), name);
  const handle = await open(path, 'w');
  try {
    await encodeFramesToFile(handle, 'trade_tick', 8, frames[0]!.meta, frames, { rowGroupSize: groupSize }, path);
  } finally {
    await handle.close();
  }
  const bytes = await readFile(path);
  await rm(path);
  return bytes;
}

describe('trade ids written from numbers', () => {
  it('page bytes and statistics equal those of String(id) (fuzzed)', () => {
    fc.assert(
      fc.property(idColumn, (ids) => {
        const texts = Array.from(ids, String);
        const fast = encodePlainDecimalsFast(ids, ids.length);
        assert.ok(fast, 'the WebAssembly writer takes a chunk this small');
        assert.deepEqual(Buffer.from(fast), plainOf(texts));
        assert.deepEqual(Buffer.from(encodePlainDecimalsPlainly(ids, ids.length)), plainOf(texts));
        const stats = decimalStatistics(ids, ids.length)!;
        const [min, max] = bytewiseMinMax(texts);
        assert.equal(Buffer.from(stats.min!).toString(), min);
        assert.equal(Buffer.from(stats.max!).toString(), max);
        assert.deepEqual(idTexts(ids), texts);
      }),
      { numRuns: 2_000 },
    );
  });

  it('only the first `count` values count', () => {
    const ids = Float64Array.from([5, 6, 7, 1_000, 2]);
    assert.deepEqual(Buffer.from(encodePlainDecimals(ids, 3)), plainOf(['5', '6', '7']));
    assert.equal(Buffer.from(decimalStatistics(ids, 3)!.max!).toString(), '7');
    assert.equal(decimalStatistics(ids, 0), undefined);
  });

  it('compares texts bytewise, "10" < "9", a prefix before its extensions (fuzzed)', () => {
    for (const [a, b] of [[10, 9], [12, 120], [120, 12], [13, 123], [99, 100], [MAX, 9], [1_000_000_000_000_000, 999_999_999_999_999]] as const) {
      assert.equal(Math.sign(compareDecimalText(a, b)), Math.sign(Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)))), `${a} vs ${b}`);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }), fc.nat({ max: 15 }), (a, b, cut) => {
        // Also b = a's digits cut short, and a's digits padded: the prefix cases.
        const prefix = Number(String(a).slice(0, Math.max(1, cut)));
        for (const [x, y] of [[a, b], [a, prefix], [prefix, a]] as const) {
          assert.equal(Math.sign(compareDecimalText(x, y)), Math.sign(Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)))), `${x} vs ${y}`);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses values that are not integers in [0, 2^53), naming the row', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      assert.equal(encodePlainDecimalsFast(Float64Array.from([7, 8, bad]), 3), undefined, `the kernel refuses ${bad}`);
      assert.throws(() => encodePlainDecimals(Float64Array.from([7, 8, bad]), 3), (e: unknown) => e instanceof RangeError && /row 2 holds/.test(e.message), String(bad));
    }
    // 2^53 right after 2^53 - 1 counts up from it: still refused.
    assert.equal(encodePlainDecimalsFast(Float64Array.from([MAX, 2 ** 53]), 2), undefined);
    assert.throws(() => encodePlainDecimals(Float64Array.from([MAX, 2 ** 53]), 2), /row 1 holds 9007199254740992/);
    // Within the digit count of the row before, too.
    assert.throws(() => encodePlainDecimals(Float64Array.from([4_000_000_000, 4_000_000_000.5]), 2), /row 1 holds 4000000000\.5/);
  });

  it('refuses to put decimal text into an OPTIONAL or a non-BYTE_ARRAY column', () => {
    const input = { kind: 'decimal', values: Float64Array.from([1, 2]) } as const;
    const text = { physical: PhysicalType.BYTE_ARRAY, width: 0, dictionary: false, statsOrder: 'bytes' } as const;
    assert.throws(() => encodeColumnChunk(input, 2, { ...text, optional: true }, 0), /REQUIRED BYTE_ARRAY column only/);
    assert.throws(() => encodeColumnChunk(input, 2, { ...text, physical: PhysicalType.INT64, width: 8 }, 0), /REQUIRED BYTE_ARRAY column only/);
    assert.ok(encodeColumnChunk(input, 2, text, 0).meta.statistics);
  });

  it('a file written from numbers is the file written from strings, byte for byte', async () => {
    const ids = Float64Array.from({ length: 12_345 }, (_, i) => (i < 7_000 ? 99_995 + i : 4_294_967_290 + i * 3));
    const fromNumbers = tradeFrame(ids, 0, true);
    const written = await writeFile([fromNumbers], 'numbers.parquet');
    // 12,345 rows: two row groups straight from the frame, the rest through the writer's pending rows.
    assert.ok(tradeIdNumbers(fromNumbers.columns), 'writing must not make the strings');
    assert.deepEqual(written, await writeFile([tradeFrame(ids, 0, false)], 'strings.parquet'));
  });

  it('frames of both kinds, cut anywhere, write the file their strings write (fuzzed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ rows: fc.integer({ min: 1, max: 2_500 }), numbers: fc.boolean() }), { minLength: 1, maxLength: 6 }), async (parts) => {
        let first = 0;
        const mixed: Array<Frame<'trade_tick'>> = [];
        const strings: Array<Frame<'trade_tick'>> = [];
        for (const { rows, numbers } of parts) {
          const ids = Float64Array.from({ length: rows }, (_, i) => 9_990 + first + i);
          mixed.push(tradeFrame(ids, first, numbers));
          strings.push(tradeFrame(ids, first, false));
          first += rows;
        }
        assert.deepEqual(await writeFile(mixed, 'mixed.parquet', 1_000), await writeFile(strings, 'strings.parquet', 1_000));
      }),
      { numRuns: 40 },
    );
  });

  it('reading trade_id makes the strings, which then are the column', () => {
    const columns = tradeColumnsWithIdNumbers(
      { price: { kind: 'price', width: 8, bytes: new Uint8Array(16) }, size: { kind: 'quantity', width: 8, bytes: new Uint8Array(16) }, aggressor_side: new Uint8Array(2), ts_event: new BigUint64Array(2), ts_init: new BigUint64Array(2) },
      Float64Array.from([41, 42]),
    );
    assert.deepEqual(Object.keys(columns).sort(), ['aggressor_side', 'price', 'size', 'trade_id', 'ts_event', 'ts_init']);
    assert.ok(tradeIdNumbers(columns));
    const strings = columns.trade_id;
    assert.deepEqual(strings, ['41', '42']);
    assert.equal(tradeIdNumbers(columns), undefined, 'the numbers no longer stand for the column');
    assert.equal(columns.trade_id, strings, 'made once');
    strings[1] = 'changed';
    assert.equal(columns.trade_id[1], 'changed');
    const replaced = tradeColumnsWithIdNumbers({ ...columns }, Float64Array.from([1, 2]));
    replaced.trade_id = ['a', 'b'];
    assert.equal(tradeIdNumbers(replaced), undefined);
    assert.deepEqual(replaced.trade_id, ['a', 'b']);
  });

  it('decimalTexts makes the strings String(id) makes, past its part size (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 40_000, size: 'max' }), (values) => {
        const ids = Float64Array.from(values);
        assert.deepEqual(decimalTexts(ids), values.map(String));
      }),
      { numRuns: 20 },
    );
    const run = Float64Array.from({ length: 50_000 }, (_, i) => 9_999_990_000 + i);
    assert.deepEqual(decimalTexts(run), idTexts(run));
  });

  it('a slice of a frame whose ids are numbers keeps numbers, its strings those of the slice', () => {
    const frame = syntheticTrades({ meta: { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 }, start: 1_700_000_000_000_000_000n, count: 50, stepNs: 1_000n, width: 16 });
    const ids = Float64Array.from({ length: 50 }, (_, i) => 1000 + i);
    const { trade_id: _strings, ...others } = frame.columns;
    const numbered: Frame<'trade_tick'> = { ...frame, columns: tradeColumnsWithIdNumbers(others, ids, decimalTexts) };
    const slice = sliceFrame(numbered, 10, 20);
    assert.deepEqual(Array.from(tradeIdNumbers(slice.columns)!), Array.from(ids.subarray(10, 20)));
    assert.ok(tradeIdNumbers(numbered.columns), 'slicing made no strings of the source');
    assert.deepEqual(slice.columns.trade_id, Array.from({ length: 10 }, (_, i) => String(1010 + i)));
    const plain: Frame<'trade_tick'> = { ...frame, columns: { ...frame.columns, trade_id: Array.from(ids, String) } };
    assert.deepEqual(sliceFrame(numbered, 5, 45), sliceFrame(plain, 5, 45));
  });
});
