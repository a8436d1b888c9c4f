/**
 * The fast paths for Binance trade rows — the WebAssembly kernel (trade-kernel.ts) and the
 * JavaScript scanner (trade-scanner.ts) — against the reference path (RowMapper.line, field
 * by field): on fuzzed archives — valid rows, odd decimals, id jumps, ms/µs, day crossings,
 * CRLF, blank lines, headers and random corruption — all three must give the same frames and
 * series state, or the same error (message, line, field). Also the pieces: trade-id text and
 * the small-digits branch of writeScaledDigits.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { instantiateWasm } from '../../src/model/wasm-load.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import type { Frame } from '../../src/model/frames.js';
import { BatchBuilder, type DayFrame } from '../../src/pipeline/import/batch-builder.js';
import { binanceLayout } from '../../src/pipeline/import/binance-formats.js';
import type { BinanceDataType, BinanceMarket } from '../../src/pipeline/import/binance-layout.js';
import { LineSplitter } from '../../src/pipeline/import/csv-lines.js';
import { ImportError } from '../../src/pipeline/import/errors.js';
import { writeScaledDigits } from '../../src/pipeline/import/fixed-bytes.js';
import { RowMapper, type RowRules, SeriesState } from '../../src/pipeline/import/row-mapper.js';
import { tradeShape } from '../../src/pipeline/import/trade-scanner.js';
import { idTexts } from '../../src/model/trade-id-numbers.js';

const DAY = Date.UTC(2025, 0, 1) / 86_400_000;
const DAY_MICROS = 86_400_000_000;

type Path = 'kernel' | 'scanner' | 'reference';

interface Outcome {
  /** Rows the WebAssembly kernel took (left out of comparisons). */
  kernelRows?: number;
  frames?: unknown[];
  series?: unknown;
  rows?: number;
  error?: { message: string; line: number | undefined; field: string | undefined; code: string };
}

function run(text: string, market: BinanceMarket, type: BinanceDataType, width: FixedWidth, rules: RowRules, chunk: number, batchRows: number, fastPath: Path): Outcome {
  const builder = new BatchBuilder('trade_tick', width, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 }, batchRows);
  const series = new SeriesState();
  const mapper = new RowMapper('archive.zip', binanceLayout(market, type), builder, rules, series, fastPath);
  const splitter = new LineSplitter(mapper);
  const bytes = Buffer.from(text, 'latin1');
  const frames: unknown[] = [];
  // The fast paths hand each frame back as the import does once it is written, so their later
  // frames are built in reused (dirty) arrays; the reference path always gets fresh ones.
  const collect = (): void => {
    for (const { day, frame } of builder.take()) {
      frames.push(described(day, frame as Frame<'trade_tick'>));
      if (fastPath !== 'reference') builder.recycle(frame);
    }
  };
  try {
    for (let i = 0; i < bytes.length; i += chunk) {
      // A fresh Buffer per chunk, as zlib hands them over.
      splitter.push(Buffer.from(bytes.subarray(i, i + chunk)));
      collect();
    }
    splitter.end();
    builder.finish();
    collect();
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return { error: { message: error.message, line: error.line, field: error.field, code: error.code } };
  }
  return {
    kernelRows: mapper.scanner?.kernelRows ?? 0,
    rows: mapper.rows,
    series: { ...series, decimals: [...series.decimals], idGaps: series.idGaps.map((g) => ({ ...g })) },
    frames,
  };
}

/** A frame's rows as plain values (copies: the frame's arrays may be reused afterwards). */
function described(day: number, f: Frame<'trade_tick'>): unknown {
  return {
    day,
    length: f.length,
    price: Buffer.from(f.columns.price.bytes).toString('hex'),
    size: Buffer.from(f.columns.size.bytes).toString('hex'),
    side: [...f.columns.aggressor_side],
    id: [...f.columns.trade_id],
    ts: [...f.columns.ts_init].map(String),
  };
}

/** Mostly archive-like decimals, some long or odd ones, rarely junk (`rarer` times more rarely). */
const decimalTextOf = (rarer: number) => fc.oneof(
  { weight: 40 * rarer, arbitrary: fc.tuple(fc.nat({ max: 120_000 }), fc.nat({ max: 99_999_999 })).map(([whole, fraction]) => `${whole}.${String(fraction).padStart(8, '0')}`) },
  { weight: 20 * rarer, arbitrary: fc.tuple(fc.nat({ max: 99_999 }), fc.nat({ max: 4 })).map(([digits, decimals]) => (decimals === 0 ? String(digits) : (digits / 10 ** decimals).toFixed(decimals))) },
  { weight: 1, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.nat({ max: 17 }), fc.nat({ max: 3 })).map(([digits, decimals, zeros]) => {
    const text = digits.toString().padStart(decimals + 1, '0');
    const body = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
    return body + (decimals > 0 ? '0'.repeat(zeros) : '');
  }) },
  { weight: 1, arbitrary: fc.constantFrom('0', '0.00000000', '0.0') },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '-1.5', '+2', '1e5', '.5', '5.', '0', '0.00000000', '00.10', '1.2.3', ' 1', '99999999999999.5') },
);

const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T> => fc.oneof({ weight: oneIn - 1, arbitrary: common }, { weight: 1, arbitrary: odd });

/** A row's recipe; odd values come about once in `oneIn` rows per field, times `rarer`. */
const rowRecipeOf = (rarer: number) => fc.record({
  idStep: rare(fc.constant(1), fc.constantFrom(0, 2, 7, -3), 15 * rarer),
  price: decimalTextOf(rarer),
  qty: decimalTextOf(rarer),
  other: rare(decimalTextOf(1), fc.constantFrom('x', '', 'a,b'), 30 * rarer),
  timeStep: rare(fc.nat({ max: 5_000_000 }), fc.integer({ min: -2_000_000, max: 90_000_000_000 }), 15 * rarer),
  flipUnit: rare(fc.constant(false), fc.constant(true), 20 * rarer),
  buyerMaker: rare(fc.constantFrom('True', 'False', 'true', 'false', 'TRUE', 'fAlSe'), fc.constantFrom('yes', 'Truex', '', 'Fals'), 40 * rarer),
  crlf: rare(fc.constant(false), fc.constant(true), 6 * rarer),
  blankAfter: rare(fc.constant(false), fc.constant(true), 15 * rarer),
  tail: rare(fc.constant(''), fc.constantFrom('\r', '\rx', ',', ',x', ' ', '\r\r'), 40 * rarer),
  corrupt: rare(fc.constant(undefined), fc.record({ at: fc.nat({ max: 90 }), char: fc.constantFrom(',', '\r', 'x', '-', '.', '', ' ', '9', '\n') }), 60 * rarer),
});
const rowRecipe = rowRecipeOf(1);
/** Mostly clean rows, as in real archives: long runs for the kernel between odd lines. */
const cleanRowRecipe = rowRecipeOf(40);

interface Recipe {
  readonly idStep: number;
  readonly price: string;
  readonly qty: string;
  readonly other: string;
  readonly timeStep: number;
  /** Write this row's time in the other unit (ms instead of µs or back). */
  readonly flipUnit: boolean;
  readonly buyerMaker: string;
  readonly crlf: boolean;
  readonly blankAfter: boolean;
  /** Junk after the last field. */
  readonly tail: string;
  readonly corrupt: { readonly at: number; readonly char: string } | undefined;
}

function archiveText(recipes: readonly Recipe[], market: BinanceMarket, type: BinanceDataType, header: boolean, startMicros: number, firstId: number, ms: boolean): string {
  let id = firstId;
  let micros = startMicros;
  let text = header ? `${binanceLayout(market, type).names.join(',')}\n` : '';
  for (const r of recipes) {
    id = Math.max(0, id + r.idStep);
    micros = Math.max(0, micros + r.timeStep);
    const time = ms !== r.flipUnit ? String(Math.floor(micros / 1000)) : String(micros);
    const middle = type === 'trades' ? [r.other] : [r.other, String(id)];
    const fields = [String(id), r.price, r.qty, ...middle, time, r.buyerMaker, ...(market === 'spot' ? ['True'] : [])];
    let line = fields.join(',');
    if (r.corrupt) {
      const at = r.corrupt.at % (line.length + 1);
      line = line.slice(0, at) + r.corrupt.char + line.slice(at + 1);
    }
    text += line + r.tail + (r.crlf ? '\r\n' : '\n') + (r.blankAfter ? '\n' : '');
  }
  return text;
}

describe('trade fast path ≡ reference path', () => {
  it('applies to Binance trades and aggTrades only', () => {
    for (const market of ['spot', 'um', 'cm'] as const) {
      assert.ok(tradeShape(binanceLayout(market, 'trades')));
      assert.ok(tradeShape(binanceLayout(market, 'aggTrades')));
      assert.equal(tradeShape(binanceLayout(market, 'klines')), undefined);
    }
  });

  it('gives the same frames, series state or error on fuzzed archives', () => {
    let runs = 0;
    let clean = 0;
    let kernelTook = 0;
    let rowsTaken = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<[BinanceMarket, BinanceDataType]>(['spot', 'trades'], ['um', 'trades'], ['cm', 'trades'], ['spot', 'aggTrades'], ['um', 'aggTrades']),
        fc.array(rowRecipe, { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.constantFrom<FixedWidth>(8, 16),
        rare(fc.constantFrom<readonly number[]>([8, 8], [16, 16]), fc.constant<readonly number[]>([2, 5]), 6),
        // Chunks: tiny (lines cut everywhere) or large (blocks of many lines for the kernel).
        fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 4_000 })),
        fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 40 })),
        fc.integer({ min: 0, max: 2 * DAY_MICROS - 1 }),
        fc.constantFrom(1, 9_998, 4_299_999_990, 2 ** 40 - 5, 9_007_199_254_740_980),
        fc.boolean(),
        ([market, type], recipes, header, width, maxDecimals, chunk, batchRows, startOffset, firstId, ms) => {
          const text = archiveText(recipes, market, type, header, (DAY - 1) * DAY_MICROS + startOffset, firstId, ms);
          const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals, precisionNames: ['price', 'size'], positive: [1] };
          const { kernelRows, ...kernel } = run(text, market, type, width, rules, chunk, batchRows, 'kernel');
          const { kernelRows: none, ...scanner } = run(text, market, type, width, rules, chunk, batchRows, 'scanner');
          const { kernelRows: noneEither, ...reference } = run(text, market, type, width, rules, chunk, batchRows, 'reference');
          assert.deepEqual(scanner, reference, text);
          assert.deepEqual(kernel, reference, text);
          assert.equal((none ?? 0) + (noneEither ?? 0), 0);
          runs++;
          kernelTook += kernelRows ?? 0;
          rowsTaken += kernel.rows ?? 0;
          if (!kernel.error) clean++;
        },
      ),
      { numRuns: 1500 },
    );
    // Most archives must parse to the end, so frames (not just errors) are compared.
    assert.ok(clean > runs / 5, `only ${clean} of ${runs} fuzzed archives parsed without error`);
    assert.ok(kernelTook > rowsTaken / 5, `the kernel took only ${kernelTook} of ${rowsTaken} rows`);
  });

  it('gives the same on long, mostly clean archives in large chunks, the kernel taking most rows', () => {
    let kernelTook = 0;
    let rowsTaken = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<[BinanceMarket, BinanceDataType]>(['spot', 'trades'], ['um', 'trades'], ['spot', 'aggTrades']),
        fc.array(cleanRowRecipe, { minLength: 50, maxLength: 400 }),
        fc.constantFrom<FixedWidth>(8, 16),
        fc.integer({ min: 2_000, max: 40_000 }),
        fc.integer({ min: 8, max: 500 }),
        fc.integer({ min: 0, max: 2 * DAY_MICROS - 1 }),
        fc.constantFrom(1, 4_299_999_990, 9_007_199_254_740_000),
        fc.boolean(),
        ([market, type], recipes, width, chunk, batchRows, startOffset, firstId, ms) => {
          const text = archiveText(recipes, market, type, true, (DAY - 1) * DAY_MICROS + startOffset, firstId, ms);
          const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals: [16, 16], precisionNames: ['price', 'size'], positive: [1] };
          const { kernelRows, ...kernel } = run(text, market, type, width, rules, chunk, batchRows, 'kernel');
          const { kernelRows: _none, ...reference } = run(text, market, type, width, rules, chunk, batchRows, 'reference');
          assert.deepEqual(kernel, reference, text);
          kernelTook += kernelRows ?? 0;
          rowsTaken += kernel.rows ?? 0;
        },
      ),
      { numRuns: 150 },
    );
    assert.ok(rowsTaken > 5_000 && kernelTook > rowsTaken * 0.8, `the kernel took only ${kernelTook} of ${rowsTaken} rows`);
  });

  it('reads a realistic archive the same in big chunks (most rows through the fast path)', () => {
    const recipes = Array.from({ length: 5000 }, (_, i): Recipe => ({
      idStep: 1, price: `${94_000 + (i % 37)}.${String(i % 100).padStart(2, '0')}000000`, qty: `0.${String(1 + ((i * 7919) % 99_999)).padStart(5, '0')}000`,
      other: '123.45678900', timeStep: 17_000 + (i % 5), flipUnit: i % 3 === 0, buyerMaker: i % 2 ? 'True' : 'False', crlf: false, blankAfter: false, tail: '', corrupt: undefined,
    }));
    const text = archiveText(recipes, 'spot', 'trades', false, (DAY - 1) * DAY_MICROS + DAY_MICROS - 40_000_000, 4_299_990_000, false);
    const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals: [8, 8], precisionNames: ['price', 'size'], positive: [1] };
    const { kernelRows, ...fast } = run(text, 'spot', 'trades', 16, rules, 1 << 16, 1000, 'kernel');
    assert.equal(fast.error, undefined);
    assert.equal(fast.rows, 5000);
    const { kernelRows: _none, ...reference } = run(text, 'spot', 'trades', 16, rules, 1 << 16, 1000, 'reference');
    assert.deepEqual(fast, reference);
    assert.deepEqual((fast.frames as Array<{ day: number }>).map((f) => f.day).filter((d, i, all) => all.indexOf(d) === i), [DAY - 1, DAY]);
    // All but the lines JavaScript takes: the first, the first of the new day, and the lines
    // cut by a chunk boundary (joined, then read by the reference path).
    assert.ok(kernelRows! >= 4980, `the kernel took ${kernelRows} of 5000 rows`);
  });
});

describe('trade fast paths at the edges', () => {
  const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals: [16, 16], precisionNames: ['price', 'size'], positive: [1] };
  const same = (text: string, width: FixedWidth) => {
    const { kernelRows: _k, ...kernel } = run(text, 'spot', 'trades', width, rules, 1 << 16, 1000, 'kernel');
    const { kernelRows: _r, ...reference } = run(text, 'spot', 'trades', width, rules, 1 << 16, 1000, 'reference');
    assert.deepEqual(kernel, reference, text);
  };
  const rows = (lines: string[]) => `${lines.join('\n')}\n`;
  const start = DAY * DAY_MICROS - 3_000_000;

  it('decimals at the limits of each width: integer digits, decimals, 2^53, many digits', () => {
    const texts = ['9999999999.5', '999999999.5', '99999999999.5', '999999999999.5', '9999999999999.5', '9007199254740991', '9007199254740992', '900719925474099.1',
      '0.0000000000000001', '0.00000000000000001', '1.0000000000000000000000000', '000000000001.5', '0000000000001.5', '12345678901234567890123', '1.5000000000000000000001', '5.', '0.1',
      // 28 significant digits: beyond 2^64 too, so a reader that wraps would see a small number
      '123456789012.1234567890123456', '184467440737.0955161600000001', '999999999.999999999',
      // the last non-zero digit on either side of the eighth decimal
      '1.00000001', '1.000000001', '1.000000010', '1.100000000', '1.0000000000000010', '0.1000000010000000', '7.12345678900000000000'];
    for (const width of [8, 16] as const) {
      // The first line has all the decimals the width holds, so the kernel (which leaves wider values to JavaScript) reads the edges.
      const widest = width === 16 ? '1.0000000000000001' : '1.000000001';
      for (const text of texts) {
        same(rows([`100,${widest},${widest},1,${start},True,True`, `101,${text},1.5,1,${start + 1},True,True`, `102,1.5,${text},1,${start + 2},False,True`, `103,1.5,1.5,1,${start + 3},True,True`]), width);
      }
    }
  });

  it('a price beyond the signed 64-bit range is an error naming line and field (it once passed as a quantity)', () => {
    for (const path of ['kernel', 'reference'] as const) {
      const outcome = run(rows([`100,1.5,1.5,1,${start},True,True`, `101,9223372036.5,1.5,1,${start + 1},True,True`]), 'spot', 'trades', 8, rules, 1 << 16, 1000, path);
      assert.match(outcome.error?.message ?? '', /line 2, field price: price 9223372036\.5 is outside the 64-bit range ±9223372036 \(a 128-bit catalog, --width 16, holds it\)/);
      // The same size is a quantity, inside the unsigned range.
      assert.equal(run(rows([`100,1.5,1.5,1,${start},True,True`, `101,1.5,9223372036.5,1,${start + 1},True,True`]), 'spot', 'trades', 8, rules, 1 << 16, 1000, path).error, undefined);
    }
  });

  it('times and ids at the limits: the end of the day, ms and µs, ids past 2^53 and with many digits', () => {
    const end = DAY * DAY_MICROS; // the first µs of DAY
    for (const [a, b] of [[end - 1, end], [end - 2, end - 1], [end, end + 1], [end - 1000, (end / 1000)], [end - 1, 99_999_999_999_999_999]]) {
      same(rows([`100,1.5,1.5,1,${end - 5},True,True`, `101,1.5,1.5,1,${a},True,True`, `102,1.5,1.5,1,${b},True,True`, `103,1.5,1.5,1,${b},True,True`]), 16);
    }
    // The first line goes to JavaScript, so each odd id follows a plain one.
    for (const ids of [['9007199254740989', '9007199254740990', '9007199254740991', '9007199254740992'], ['0', '1', '0000000000000000000000002', '3'], ['0', '100000000000000000000000', '100000000000000000000001', '1'], ['0', '18446744073709551617', '2', '3'], ['1', '18446744073709551618', '3']]) {
      same(rows(ids.map((id, i) => `${id},1.5,1.5,1,${start + i},True,True`)), 16);
    }
    // A time of 20+ digits (beyond 2^64: it must not wrap to a time of the day).
    for (const time of [`${start + 1}0000`, `1844674407370955161${start + 1}`.slice(0, 26), '18446744073711324962000']) {
      same(rows([`100,1.5,1.5,1,${start},True,True`, `101,1.5,1.5,1,${time},True,True`, `102,1.5,1.5,1,${start + 2},True,True`]), 16);
    }
  });

  it('a block of lines larger than the kernel takes at once (1 MB), and one buffer refilled between pushes', () => {
    const lines = Array.from({ length: 45_000 }, (_, i) => `${1000 + i},${94_000 + (i % 97)}.${String(i % 100).padStart(2, '0')}000000,0.00${String(100 + (i % 900))}00,1.5,${start + i * 100},${i % 2 ? 'True' : 'False'},True`);
    const text = rows(lines);
    assert.ok(text.length > 2 * (1 << 20));
    const { kernelRows, ...kernel } = run(text, 'spot', 'trades', 16, rules, text.length, 50_000, 'kernel');
    const { kernelRows: _r, ...reference } = run(text, 'spot', 'trades', 16, rules, text.length, 50_000, 'reference');
    assert.equal(kernel.rows, 45_000);
    assert.deepEqual(kernel, reference);
    assert.ok(kernelRows! >= 44_990, `the kernel took ${kernelRows} of 45000 rows`);

    // A caller may refill the same Buffer for the next chunk: the kernel must not reuse what it
    // copied. The halves are cut so that the second chunk's first whole line lies further in
    // than the kernel's first copy began (past the short first line).
    const short = `1,1.5,1.5,1,${start},True,True`;
    const body = rows([short, ...Array.from({ length: 40 }, (_, i) => `${2 + i},94123.45000000,0.00123000,115.73245635,${start + 1 + i},True,True`)]);
    let text2 = body;
    for (let pad = 0; ; pad++) {
      text2 = body + '\n'.repeat(pad);
      const half = text2.length / 2;
      if (Number.isInteger(half) && text2[half - 1] !== '\n' && text2.indexOf('\n', half) - half > short.length + 1) break;
    }
    const builder = new BatchBuilder('trade_tick', 16, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 }, 50_000);
    const mapper = new RowMapper('archive.zip', binanceLayout('spot', 'trades'), builder, rules, new SeriesState(), 'kernel');
    const splitter = new LineSplitter(mapper);
    const shared = Buffer.from(text2.slice(0, text2.length / 2));
    splitter.push(shared);
    shared.write(text2.slice(text2.length / 2));
    splitter.push(shared);
    splitter.end();
    builder.finish();
    const [{ frame }] = builder.take() as [DayFrame];
    assert.deepEqual((frame as Frame<'trade_tick'>).columns.trade_id, Array.from({ length: 41 }, (_, i) => String(i + 1)));
    assert.ok(mapper.scanner!.kernelRows >= 30, `the kernel took ${mapper.scanner!.kernelRows} of 41 rows`);
  });

  it('every character of a row replaced, dropped or doubled', () => {
    const line = `101,94123.45000000,0.00123000,115.73245635,${start + 1},True,True`;
    for (let at = 0; at < line.length; at++) {
      // \xb0 and \xb9: not digits, though their low seven bits are
      for (const char of [',', 'x', '.', '', '\r', '-', '9', '0', '\xb0', '\xb9', line[at]! + line[at]!]) {
        // The first line has all the decimals, so the kernel (which leaves wider values to JavaScript) reads the second.
        same(rows([`100,1.12345678,1.12345678,1,${start},True,True`, line.slice(0, at) + char + line.slice(at + 1), `102,1.5,1.5,1,${start + 2},True,True`, `103,1.5,1.5,1,${start + 3},True,True`]), 16);
      }
    }
  });
});

describe('fast-path pieces', () => {
  it('a missing or damaged WebAssembly module loads as null, so callers take their JavaScript path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seamless-wasm-'));
    try {
      assert.equal(instantiateWasm(pathToFileURL(join(dir, 'missing.wasm'))), null);
      await writeFile(join(dir, 'damaged.wasm'), Buffer.from('\0asm not a module'));
      assert.equal(instantiateWasm(pathToFileURL(join(dir, 'damaged.wasm'))), null);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('a frame handed back twice, or one the builder did not make, never shares arrays with another frame', () => {
    const builder = new BatchBuilder('trade_tick', 8, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 }, 2);
    const frameOf = (day: number): Frame<'trade_tick'> => {
      builder.commit(day);
      builder.commit(day);
      return builder.take()[0]!.frame as Frame<'trade_tick'>;
    };
    const first = frameOf(20_000);
    builder.recycle(first);
    builder.recycle(first); // the second time must be ignored
    builder.recycle({ ...first }); // not one of the builder's frames
    // Fresh arrays were already being filled when `first` came back: the frame after them
    // reuses `first`'s arrays, and the one after that must not get them a second time.
    frameOf(20_000);
    const third = frameOf(20_000);
    const fourth = frameOf(20_000);
    assert.equal(third.columns.ts_init.buffer, first.columns.ts_init.buffer, 'the handed-back arrays are reused');
    assert.notEqual(fourth.columns.ts_init.buffer, third.columns.ts_init.buffer);
    assert.notEqual(fourth.columns.price.bytes.buffer, third.columns.price.bytes.buffer);
  });

  it('ids kept as numbers read back as String(id), sequential or not (fuzzed)', () => {
    const edges = [0, 1, 9_999, 10_000, 10_001, 99_999_999, 100_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 4_299_999_999, 999_999_999_999, 1e12, Number.MAX_SAFE_INTEGER];
    const sequential = Array.from({ length: 20_000 / 7 }, (_, k) => 4_299_990_000 + 7 * k);
    const all = [...edges, ...sequential];
    assert.deepEqual(idTexts(Float64Array.from(all)), all.map(String));
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 50 }), (ids) => assert.deepEqual(idTexts(Float64Array.from(ids)), ids.map(String))), { numRuns: 2_000 });
  });

  it('writeScaledDigits is exact on both branches (digits below and above 2^24, fuzzed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 24 - 1 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), fc.nat({ max: 16 }), fc.constantFrom<FixedWidth>(8, 16), (digits, shift, width) => {
        const expected = BigInt(digits) * 10n ** BigInt(shift);
        if (expected >= 1n << BigInt(width * 8)) return; // the caller guarantees the value fits
        const words = new Uint32Array(width / 4 + 2).fill(0xdeadbeef);
        writeScaledDigits(words, 1, digits, shift, width);
        let got = 0n;
        for (let w = width / 4; w >= 1; w--) got = (got << 32n) | BigInt(words[w]!);
        assert.equal(got, expected);
        assert.equal(words[0], 0xdeadbeef); // neighbours untouched
        assert.equal(words[width / 4 + 1], 0xdeadbeef);
      }),
      { numRuns: 20_000 },
    );
  });
});
