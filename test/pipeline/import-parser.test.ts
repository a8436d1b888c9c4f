/**
 * The byte-level CSV path of the importer: decimal text → fixed-point bytes (against the exact
 * BigInt parser, fuzzed), ms/µs/seconds → ns, chunk boundaries, and the bad-row errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, parseRaw } from '../../src/model/fixed-point.js';
import { allocFixedColumn, fixedRawAt } from '../../src/model/frames.js';
import { BatchBuilder, type DayFrame } from '../../src/pipeline/import/batch-builder.js';
import { LineSplitter } from '../../src/pipeline/import/csv-lines.js';
import { ImportError } from '../../src/pipeline/import/errors.js';
import { FieldReader } from '../../src/pipeline/import/field-reader.js';
import { binanceLayout } from '../../src/pipeline/import/binance-formats.js';
import { RowMapper, type RowLayout, type RowRules, SeriesState } from '../../src/pipeline/import/row-mapper.js';
import type { Frame } from '../../src/model/frames.js';

function readDecimal(text: string, width: FixedWidth): { raw: bigint; decimals: number } {
  const column = allocFixedColumn('quantity', width, 1);
  const reader = new FieldReader('test.csv', ['value']);
  const buf = Buffer.from(text, 'latin1');
  reader.begin(buf, 0, buf.length, 1);
  const decimals = reader.decimal(new Uint32Array(column.bytes.buffer), 0, width, false);
  reader.done();
  return { raw: fixedRawAt(column, 0), decimals };
}

const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 16 }), fc.nat({ max: 4 }))
  .map(([digits, decimals, zeros]) => {
    const text = digits.toString().padStart(decimals + 1, '0');
    const body = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
    return decimals === 0 && zeros > 0 ? `${body}.${'0'.repeat(zeros)}` : body + '0'.repeat(decimals > 0 ? zeros : 0);
  });

describe('decimal text → fixed-point bytes', () => {
  it('matches the exact BigInt parser on any decimal that fits (fuzzed, both widths)', () => {
    fc.assert(
      fc.property(decimalText, fc.constantFrom<FixedWidth>(8, 16), (text, width) => {
        const fixed = width === 8 ? 9 : 16;
        let expected: bigint | undefined;
        try {
          expected = parseRaw(text, fixed, width, false);
        } catch {
          expected = undefined; // too many decimals or out of range: ours must refuse too
        }
        if (expected === undefined) {
          assert.throws(() => readDecimal(text, width), ImportError);
          return;
        }
        const { raw, decimals } = readDecimal(text, width);
        assert.equal(raw, expected, text);
        const fraction = (text.split('.')[1] ?? '').replace(/0+$/, '');
        assert.equal(decimals, fraction.length, text);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads typical archive values exactly', () => {
    assert.deepEqual(readDecimal('94123.45000000', 16), { raw: 941234500000000000000n, decimals: 2 });
    assert.deepEqual(readDecimal('0.00001000', 16), { raw: 100000000000n, decimals: 5 });
    assert.deepEqual(readDecimal('12', 8), { raw: 12000000000n, decimals: 0 });
    assert.deepEqual(readDecimal('0.0000000000000001', 16), { raw: 1n, decimals: 16 });
    assert.deepEqual(readDecimal('9999999999999.99', 16), { raw: 99999999999999900000000000000n, decimals: 2 });
  });

  it('refuses signs, exponents, empty text and too many decimals, naming the field', () => {
    for (const bad of ['-1.5', '+1', '1e-3', '', '1.2.3', '0.00000000001']) {
      assert.throws(() => readDecimal(bad, 8), (error: unknown) => error instanceof ImportError && error.field === 'value' && error.line === 1, bad);
    }
  });
});

const SPOT_TRADES = binanceLayout('spot', 'trades');
const DAY = Date.UTC(2025, 0, 1) / 86_400_000;

function tradeRules(overrides: Partial<RowRules> = {}): RowRules {
  return { firstDay: DAY - 1, lastDay: DAY, stampOffsetNs: 0n, maxDecimals: [8, 8], precisionNames: ['price', 'size'], positive: [1], ...overrides };
}

function parse(text: string, layout: RowLayout = SPOT_TRADES, rules = tradeRules(), chunkSize = 7, batchRows = 3): { frames: DayFrame[]; series: SeriesState } {
  const builder = new BatchBuilder('trade_tick', 16, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 }, batchRows);
  const series = new SeriesState();
  const splitter = new LineSplitter(new RowMapper('archive.zip', layout, builder, rules, series));
  const bytes = Buffer.from(text, 'latin1');
  const frames: DayFrame[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    splitter.push(bytes.subarray(i, i + chunkSize));
    frames.push(...builder.take());
  }
  splitter.end();
  builder.finish();
  frames.push(...builder.take());
  return { frames, series };
}

function rows(frames: DayFrame[]): Array<{ day: number; id: string; ts: bigint; side: number; price: bigint }> {
  return frames.flatMap(({ day, frame }) => {
    const f = frame as Frame<'trade_tick'>;
    return Array.from({ length: f.length }, (_, i) => ({ day, id: f.columns.trade_id[i]!, ts: f.columns.ts_init[i]!, side: f.columns.aggressor_side[i]!, price: fixedRawAt(f.columns.price, i) }));
  });
}

describe('rows → frames', () => {
  it('reads ms and µs per value, True/false, across chunk and day boundaries, with CRLF', () => {
    const text = [
      '1,94000.10000000,0.50000000,47000.05,1735689599999,True,True',
      '2,94000.20000000,0.50000000,47000.10,1735689599999999,false,True',
      '3,94000.30000000,0.50000000,47000.15,1735689600000000,FALSE,True',
      '4,94000.40000000,0.50000000,47000.20,1735689600001,true,True',
    ].join('\r\n');
    const { frames } = parse(text);
    const got = rows(frames);
    assert.deepEqual(got.map((r) => r.ts), [1735689599999000000n, 1735689599999999000n, 1735689600000000000n, 1735689600001000000n]);
    assert.deepEqual(got.map((r) => r.side), [2, 1, 1, 2]); // buyer maker (True/true) → SELLER (2), else BUYER (1)
    assert.deepEqual(got.map((r) => r.day), [DAY - 1, DAY - 1, DAY, DAY]);
    assert.deepEqual(got.map((r) => r.id), ['1', '2', '3', '4']);
    assert.equal(got[2]!.price, 940003000000000000000n);
    // No frame spans two days.
    for (const { day, frame } of frames) for (const ts of (frame as Frame<'trade_tick'>).columns.ts_init) assert.equal(Number(ts / 86_400_000_000_000n), day);
  });

  it('skips a header row and records trade-id gaps', () => {
    const layout = binanceLayout('um', 'trades');
    const text = 'id,price,qty,quote_qty,time,is_buyer_maker\n10,1.5,2,3,1735689600000,true\n11,1.5,2,3,1735689600001,true\n15,1.5,2,3,1735689600002,false\n';
    const { frames, series } = parse(text, layout);
    assert.equal(rows(frames).length, 3);
    assert.equal(series.missingIds, 3);
    assert.deepEqual(series.idGaps.map((g) => [g.afterId, g.nextId, g.line]), [[11, 15, 4]]);
  });

  const bad: Array<[string, string, RegExp, string]> = [
    ['a missing column', '1,94000.1,0.5,4,1735689600000,True', /line 2: expected 7 fields .*was 6/, 'is_best_match'],
    ['a non-numeric price', '1,94k,0.5,4,1735689600000,True,True', /line 2, field price: must be a plain decimal number, was "94k"/, 'price'],
    ['a negative size', '1,94000.1,-0.5,4,1735689600000,True,True', /line 2, field qty: must not be negative/, 'qty'],
    ['a zero size', '1,94000.1,0.000,4,1735689600000,True,True', /field qty: must be positive/, 'qty'],
    ['a timestamp of neither unit', '1,94000.1,0.5,4,173568960000000,True,True', /field time: timestamp out of range: neither milliseconds/, 'time'],
    ['a timestamp outside the archive', '1,94000.1,0.5,4,1736000000000,True,True', /field time: timestamp out of range: 2025-01-04 is outside the archive's 2024-12-31\.\.2025-01-01/, 'time'],
    ['a bad boolean', '1,94000.1,0.5,4,1735689600000,yes,True', /field is_buyer_maker: must be true or false, was "yes"/, 'is_buyer_maker'],
    ['time going backwards', '1,94000.1,0.5,4,1735689500000,True,True', /field time: timestamp is earlier than the previous row's/, 'time'],
  ];
  for (const [what, line, message, field] of bad) {
    it(`names the archive, line and field for ${what}`, () => {
      const text = `0,94000.1,0.5,4,1735689600000,True,True\n${line}\n`;
      assert.throws(() => parse(text), (error: unknown) => {
        assert.ok(error instanceof ImportError, String(error));
        assert.match(error.message, /^archive\.zip line 2/);
        assert.match(error.message, message);
        assert.match(error.message, /re-download|--force/);
        assert.equal(error.line, 2);
        assert.equal(error.field, field);
        return true;
      });
    });
  }

  it('refuses a value with more decimals than the instrument precision, with the flag to fix it', () => {
    const text = '0,94000.123,0.5,4,1735689600000,True,True\n';
    assert.throws(() => parse(text, SPOT_TRADES, tradeRules({ maxDecimals: [2, 5] })), /field price: has 3 decimals, more than the instrument's price precision 2.*--price-precision 3/);
  });

  it('never crashes on random bytes: each line is a row or an ImportError (fuzzed)', () => {
    const field = fc.stringMatching(/^[0-9.\-eTruFals ]{0,8}$/);
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 5, maxLength: 9 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (lines, chunk) => {
        const text = lines.map((l) => l.join(',')).join('\n');
        try {
          const { frames } = parse(text, SPOT_TRADES, tradeRules(), chunk);
          for (const { frame } of frames) assert.ok(frame.length > 0);
        } catch (error) {
          assert.ok(error instanceof ImportError, `unexpected ${String(error)}`);
          assert.ok(error.line !== undefined && error.line >= 1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
