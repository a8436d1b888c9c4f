/**
 * The fused quote and trade loops test the precision of all their columns with one branch
 * (the per-column test only runs when it fails). Against the BigInt `isRawAtPrecision`, on
 * raws built to slip past one part of that test: multiples off by ±1 or ±2^k (the low word
 * differs), by ±2^32, ±3·2^32 or 2^64 (the low word intact), and raws of every size, beyond
 * the fast path's 2^78 included; declared precisions 0 to the width's maximum.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, fixedPrecisionOf, isRawAtPrecision, pow10 } from '../../src/model/fixed-point.js';
import { allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { START, type TickType, validateFiles } from './validate-support.js';

const COLUMNS: Record<TickType, ReadonlyArray<[string, boolean]>> = {
  quote_tick: [
    ['bid_price', true],
    ['ask_price', true],
    ['bid_size', false],
    ['ask_size', false],
  ],
  trade_tick: [
    ['price', true],
    ['size', false],
  ],
};

/** A raw near a multiple of `unit` (or an arbitrary one), within the column's range and no sentinel. */
function raw(width: FixedWidth, signed: boolean, unit: bigint) {
  const bits = width * 8;
  const offsets = [0n, 1n, -1n, unit / 2n, 2n ** 32n, -(2n ** 32n), 3n * 2n ** 32n, 2n ** 64n, 1n << BigInt(Math.min(32, bits - 2))];
  return fc.tuple(fc.integer({ min: 0, max: bits - 2 }), fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) }), fc.constantFrom(...offsets), fc.boolean(), fc.boolean()).map(([size, seed, offset, negative, arbitrary]) => {
    const magnitude = seed % 2n ** BigInt(size);
    let value = arbitrary ? magnitude : (magnitude / unit) * unit + offset;
    if (signed && negative) value = -value;
    const [min, max] = signed ? [-(2n ** BigInt(bits - 1)) + 1n, 2n ** BigInt(bits - 1) - 2n] : [0n, 2n ** BigInt(bits) - 2n];
    return value < min ? min : value > max ? max : value;
  });
}

/** A multiple of `unit` of any size the column holds. */
function multiple(width: FixedWidth, signed: boolean, unit: bigint) {
  const bits = width * 8;
  return fc.tuple(fc.integer({ min: 0, max: bits - 2 }), fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) }), fc.boolean()).map(([size, seed, negative]) => {
    const value = ((seed % 2n ** BigInt(size)) / unit) * unit;
    return signed && negative ? -value : value;
  });
}

function ticks(type: TickType, width: FixedWidth) {
  const top = fixedPrecisionOf(width);
  return fc.tuple(fc.integer({ min: 0, max: top }), fc.integer({ min: 0, max: top })).chain(([pricePrecision, sizePrecision]) => {
    const columns = COLUMNS[type];
    const units = columns.map(([, signed]) => pow10(top - (signed ? pricePrecision : sizePrecision)));
    // One raw per row may miss; the others are multiples, so the row's verdict hangs on it
    // alone (a miss in another column would send the row to the per-column tests anyway).
    const row = fc
      .tuple(fc.tuple(...columns.map(([, signed], c) => raw(width, signed, units[c]!))), fc.tuple(...columns.map(([, signed], c) => multiple(width, signed, units[c]!))), fc.integer({ min: 0, max: columns.length - 1 }))
      .map(([any, multiples, c]) => multiples.map((m, k) => (k === c ? any[k]! : m)));
    return fc.record({ pricePrecision: fc.constant(pricePrecision), sizePrecision: fc.constant(sizePrecision), rows: fc.array(row, { minLength: 1, maxLength: 40 }) });
  });
}

describe('validate ticks: the one-branch precision test', () => {
  for (const type of ['quote_tick', 'trade_tick'] as const) {
    it(`${type}: precision findings = per-raw BigInt verdicts, both widths`, () => {
      let drifts = 0;
      let clean = 0;
      fc.assert(
        fc.property(
          fc.constantFrom<FixedWidth>(8, 16).chain((width) => fc.tuple(fc.constant(width), ticks(type, width))),
          ([width, { pricePrecision, sizePrecision, rows }]) => {
            const frame = allocFrame(type, width, rows.length, { instrumentId: 'X.TEST', pricePrecision, sizePrecision });
            const columns = frame.columns as unknown as Record<string, Parameters<typeof setFixedRaw>[0]>;
            const expected: string[] = [];
            rows.forEach((values, i) => {
              COLUMNS[type].forEach(([name, signed], c) => {
                setFixedRaw(columns[name]!, i, values[c]!);
                if (isRawAtPrecision(values[c]!, signed ? pricePrecision : sizePrecision, width)) clean++;
                else expected.push(`${i}:${name}`);
              });
              frame.columns.ts_init[i] = frame.columns.ts_event[i] = START + BigInt(i) * 1_000_000_000n;
            });
            const [report] = validateFiles(type, [[frame]], { spikeWindow: 100_000 });
            const got = report!.days.flatMap((d) => d.checks.filter((t) => t.check === 'precision_drift').flatMap((t) => t.examples.map((e) => `${e.row}:${e.values['column']}`)));
            assert.deepEqual(got.sort(), expected.sort());
            drifts += expected.length;
          },
        ),
        { numRuns: 400 },
      );
      // Not vacuous: many raws of each verdict.
      assert.ok(drifts > 500 && clean > 500, `drifts ${drifts}, clean ${clean}`);
    });
  }
});
