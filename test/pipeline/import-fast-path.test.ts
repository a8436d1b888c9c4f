/**
 * The fast path for Binance trade rows (trade-scanner.ts) against the reference path
 * (RowMapper.line, field by field): on fuzzed archives — valid rows, odd decimals, id jumps,
 * ms/µs, day crossings, CRLF, blank lines, headers and random corruption — both must give the
 * same frames and series state, or the same error (message, line, field). Also its pieces:
 * trade-id text and the small-digits branch of writeScaledDigits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import type { Frame } from '../../src/model/frames.js';
import { BatchBuilder, type DayFrame } from '../../src/pipeline/import/batch-builder.js';
import { binanceLayout } from '../../src/pipeline/import/binance-formats.js';
import type { BinanceDataType, BinanceMarket } from '../../src/pipeline/import/binance-layout.js';
import { LineSplitter } from '../../src/pipeline/import/csv-lines.js';
import { ImportError } from '../../src/pipeline/import/errors.js';
import { writeScaledDigits } from '../../src/pipeline/import/fixed-bytes.js';
import { RowMapper, type RowRules, SeriesState } from '../../src/pipeline/import/row-mapper.js';
import { IdText, tradeShape } from '../../src/pipeline/import/trade-scanner.js';

const DAY = Date.UTC(2025, 0, 1) / 86_400_000;
const DAY_MICROS = 86_400_000_000;

interface Outcome {
  frames?: unknown[];
  series?: unknown;
  rows?: number;
  error?: { message: string; line: number | undefined; field: string | undefined; code: string };
}

function run(text: string, market: BinanceMarket, type: BinanceDataType, width: FixedWidth, rules: RowRules, chunk: number, batchRows: number, fastPath: boolean): Outcome {
  const builder = new BatchBuilder('trade_tick', width, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 }, batchRows);
  const series = new SeriesState();
  const mapper = new RowMapper('archive.zip', binanceLayout(market, type), builder, rules, series, fastPath);
  const splitter = new LineSplitter(mapper);
  const bytes = Buffer.from(text, 'latin1');
  const frames: DayFrame[] = [];
  try {
    for (let i = 0; i < bytes.length; i += chunk) {
      // A fresh Buffer per chunk, as zlib hands them over.
      splitter.push(Buffer.from(bytes.subarray(i, i + chunk)));
      frames.push(...builder.take());
    }
    splitter.end();
    builder.finish();
    frames.push(...builder.take());
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return { error: { message: error.message, line: error.line, field: error.field, code: error.code } };
  }
  return {
    rows: mapper.rows,
    series: { ...series, decimals: [...series.decimals], idGaps: series.idGaps.map((g) => ({ ...g })) },
    frames: frames.map(({ day, frame }) => {
      const f = frame as Frame<'trade_tick'>;
      return {
        day,
        length: f.length,
        price: Buffer.from(f.columns.price.bytes).toString('hex'),
        size: Buffer.from(f.columns.size.bytes).toString('hex'),
        side: [...f.columns.aggressor_side],
        id: [...f.columns.trade_id],
        ts: [...f.columns.ts_init].map(String),
      };
    }),
  };
}

/** Mostly archive-like decimals, some long or odd ones, rarely junk. */
const decimalText = fc.oneof(
  { weight: 40, arbitrary: fc.tuple(fc.nat({ max: 120_000 }), fc.nat({ max: 99_999_999 })).map(([whole, fraction]) => `${whole}.${String(fraction).padStart(8, '0')}`) },
  { weight: 20, arbitrary: fc.tuple(fc.nat({ max: 99_999 }), fc.nat({ max: 4 })).map(([digits, decimals]) => (decimals === 0 ? String(digits) : (digits / 10 ** decimals).toFixed(decimals))) },
  { weight: 1, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.nat({ max: 17 }), fc.nat({ max: 3 })).map(([digits, decimals, zeros]) => {
    const text = digits.toString().padStart(decimals + 1, '0');
    const body = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
    return body + (decimals > 0 ? '0'.repeat(zeros) : '');
  }) },
  { weight: 1, arbitrary: fc.constantFrom('0', '0.00000000', '0.0') },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '-1.5', '+2', '1e5', '.5', '5.', '0', '0.00000000', '00.10', '1.2.3', ' 1', '99999999999999.5') },
);

const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T> => fc.oneof({ weight: oneIn - 1, arbitrary: common }, { weight: 1, arbitrary: odd });

const rowRecipe = fc.record({
  idStep: rare(fc.constant(1), fc.constantFrom(0, 2, 7, -3), 15),
  price: decimalText,
  qty: decimalText,
  other: rare(decimalText, fc.constantFrom('x', '', 'a,b'), 30),
  timeStep: rare(fc.nat({ max: 5_000_000 }), fc.integer({ min: -2_000_000, max: 90_000_000_000 }), 15),
  flipUnit: rare(fc.constant(false), fc.constant(true), 20),
  buyerMaker: rare(fc.constantFrom('True', 'False', 'true', 'false', 'TRUE', 'fAlSe'), fc.constantFrom('yes', 'Truex', '', 'Fals'), 40),
  crlf: rare(fc.constant(false), fc.constant(true), 6),
  blankAfter: rare(fc.constant(false), fc.constant(true), 15),
  tail: rare(fc.constant(''), fc.constantFrom('\r', '\rx', ',', ',x', ' ', '\r\r'), 40),
  corrupt: rare(fc.constant(undefined), fc.record({ at: fc.nat({ max: 90 }), char: fc.constantFrom(',', '\r', 'x', '-', '.', '', ' ', '9', '\n') }), 60),
});

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
    fc.assert(
      fc.property(
        fc.constantFrom<[BinanceMarket, BinanceDataType]>(['spot', 'trades'], ['um', 'trades'], ['cm', 'trades'], ['spot', 'aggTrades'], ['um', 'aggTrades']),
        fc.array(rowRecipe, { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.constantFrom<FixedWidth>(8, 16),
        rare(fc.constantFrom<readonly number[]>([8, 8], [16, 16]), fc.constant<readonly number[]>([2, 5]), 6),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 2 * DAY_MICROS - 1 }),
        fc.constantFrom(1, 9_998, 4_299_999_990, 2 ** 40 - 5, 9_007_199_254_740_980),
        fc.boolean(),
        ([market, type], recipes, header, width, maxDecimals, chunk, batchRows, startOffset, firstId, ms) => {
          const text = archiveText(recipes, market, type, header, (DAY - 1) * DAY_MICROS + startOffset, firstId, ms);
          const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals, precisionNames: ['price', 'size'], positive: [1] };
          const fast = run(text, market, type, width, rules, chunk, batchRows, true);
          const reference = run(text, market, type, width, rules, chunk, batchRows, false);
          assert.deepEqual(fast, reference, text);
          runs++;
          if (!fast.error) clean++;
        },
      ),
      { numRuns: 1500 },
    );
    // Most archives must parse to the end, so frames (not just errors) are compared.
    assert.ok(clean > runs / 5, `only ${clean} of ${runs} fuzzed archives parsed without error`);
  });

  it('reads a realistic archive the same in big chunks (most rows through the fast path)', () => {
    const recipes = Array.from({ length: 5000 }, (_, i): Recipe => ({
      idStep: 1, price: `${94_000 + (i % 37)}.${String(i % 100).padStart(2, '0')}000000`, qty: `0.${String(1 + ((i * 7919) % 99_999)).padStart(5, '0')}000`,
      other: '123.45678900', timeStep: 17_000 + (i % 5), flipUnit: i % 3 === 0, buyerMaker: i % 2 ? 'True' : 'False', crlf: false, blankAfter: false, tail: '', corrupt: undefined,
    }));
    const text = archiveText(recipes, 'spot', 'trades', false, (DAY - 1) * DAY_MICROS + DAY_MICROS - 40_000_000, 4_299_990_000, false);
    const rules: RowRules = { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals: [8, 8], precisionNames: ['price', 'size'], positive: [1] };
    const fast = run(text, 'spot', 'trades', 16, rules, 1 << 16, 1000, true);
    assert.equal(fast.error, undefined);
    assert.equal(fast.rows, 5000);
    assert.deepEqual(fast, run(text, 'spot', 'trades', 16, rules, 1 << 16, 1000, false));
    assert.deepEqual((fast.frames as Array<{ day: number }>).map((f) => f.day).filter((d, i, all) => all.indexOf(d) === i), [DAY - 1, DAY]);
  });
});

describe('fast-path pieces', () => {
  it('IdText.of equals String(id) for any safe integer, sequential or not (fuzzed)', () => {
    const ids = new IdText();
    const edges = [0, 1, 9_999, 10_000, 10_001, 99_999_999, 100_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 4_299_999_999, 999_999_999_999, 1e12, Number.MAX_SAFE_INTEGER];
    for (const id of edges) assert.equal(ids.of(id), String(id));
    for (let id = 4_299_990_000; id < 4_300_010_000; id += 7) assert.equal(ids.of(id), String(id));
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (id) => assert.equal(ids.of(id), String(id))), { numRuns: 20_000 });
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
