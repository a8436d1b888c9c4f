/**
 * Both quote and trade paths — the fused JavaScript loops, which test the precision of all
 * their columns with one branch (the per-column test only runs when it fails), and the
 * WebAssembly kernel (tick-scan-kernel.ts), whose test ends in one integer product — against
 * the BigInt `isRawAtPrecision`, on raws built to slip past one part of the test: multiples
 * off by ±1 or ±2^k (the low word differs), by ±2^32, ±3·2^32 or 2^64 (the low word intact),
 * and raws of every size, beyond the fast paths' limits included; declared precisions 0 to the
 * width's maximum. And the kernel against the loops on whole reports: sentinels, crossed and
 * locked quotes, zero and negative sizes, drift, raws whose floats merge, spikes, and frames
 * longer than the kernel's block.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, PRICE_ERROR, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF, fixedPrecisionOf, isRawAtPrecision, pow10 } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { allowTickKernel, tickScanner } from '../../src/pipeline/validate/tick-scan-kernel.js';
import { START, type TickType, validateFiles, withKernelAllowed } from './validate-support.js';

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

/** Runs `body` with the kernel allowed or not, and allows it again after. */
function withKernel<T>(allowed: boolean, body: () => T): T {
  return withKernelAllowed(allowTickKernel, allowed, body);
}

describe('validate ticks: the one-branch precision test', () => {
  it('the tick kernel is built and loads (else quotes and trades would silently take the JavaScript loops)', () => {
    assert.ok(tickScanner());
  });

  for (const [type, kernel] of [['quote_tick', true], ['quote_tick', false], ['trade_tick', true], ['trade_tick', false]] as const) {
    it(`${type}, ${kernel ? 'the kernel' : 'the fused loop'}: precision findings = per-raw BigInt verdicts, both widths`, () => withKernel(kernel, () => {
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
    }));
  }
});

const FAULTS = ['none', 'sentinel', 'error', 'near-sentinel', 'size-undef', 'crossed', 'locked', 'zero', 'negative', 'drift', 'huge', 'wide-size', 'zero-and-wide', 'merged', 'spike'] as const;
type Fault = (typeof FAULTS)[number];

/**
 * A series of `rows` ticks near a level that walks, each row with one fault or none, in any of
 * its columns (quotes: bid, ask, bid size, ask size; trades: price, size). 'near-sentinel' puts
 * a value one raw from a sentinel, or a size whose top half is all ones. 'wide-size' puts a
 * size just below 2^(64+k) (at 16 bytes, the largest the kernel's integer test takes), at
 * precision or one raw off, or just above it: 2^k · (2^64 + 5^k · 7), off precision though
 * its low 64 bits after the shift are a multiple of 5^k. 'zero-and-wide' puts a zero size
 * beside a size beyond 2^(64+k). 'huge' puts a value
 * beyond the kernel's limits (2^62 at 8 bytes, 2^78 at 16) yet at precision; 'merged' puts bid
 * and ask one raw apart beyond 2^53, where their floats are equal. `finest`: both precisions
 * declared at the width's finest.
 */
function plantedFrame(type: TickType, width: FixedWidth, finest: boolean, rows: ReadonlyArray<readonly [number, Fault, number]>, from: number): Frame {
  // At the finest precision every raw is at precision, sentinels included: only the kernel's limits tell them.
  const meta = finest ? { instrumentId: 'X.TEST', pricePrecision: fixedPrecisionOf(width), sizePrecision: fixedPrecisionOf(width) } : { instrumentId: 'X.TEST', pricePrecision: 2, sizePrecision: 3 };
  const frame = allocFrame(type, width, rows.length, meta);
  const unit = pow10(fixedPrecisionOf(width) - meta.pricePrecision);
  const sizeUnit = pow10(fixedPrecisionOf(width) - meta.sizePrecision);
  const huge = width === 8 ? 2n ** 62n : 2n ** 78n;
  const columns = frame.columns as unknown as Record<string, Parameters<typeof setFixedRaw>[0]>;
  const names = type === 'quote_tick' ? ['bid_price', 'ask_price', 'bid_size', 'ask_size'] : ['price', 'size'];
  let level = 4_250_000n;
  rows.forEach(([move, fault, at], i) => {
    level += BigInt(move);
    const values = type === 'quote_tick' ? [level * unit, (level + 2n) * unit, 5n * sizeUnit, 7n * sizeUnit] : [level * unit, 5n * sizeUnit];
    const k = at % names.length;
    const isPrice = type === 'quote_tick' ? k < 2 : k === 0;
    if (fault === 'sentinel') values[k] = isPrice ? PRICE_UNDEF[width] : QUANTITY_UNDEF[width];
    else if (fault === 'error') values[k] = isPrice ? PRICE_ERROR[width] : QUANTITY_UNDEF[width];
    else if (fault === 'near-sentinel') values[k] = isPrice ? (at & 4 ? PRICE_UNDEF[width] - 1n : PRICE_ERROR[width] + 1n) : QUANTITY_UNDEF[width] - (at & 4 ? 1n : QUANTITY_UNDEF[width] >> BigInt(width * 4));
    else if (fault === 'size-undef') values[names.length - 1] = QUANTITY_UNDEF[width];
    else if (fault === 'crossed' && type === 'quote_tick') values[0] = values[1]! + unit;
    else if (fault === 'locked' && type === 'quote_tick') values[0] = values[1]!;
    else if (fault === 'zero') values[names.length - 1 - (at & 1) * (type === 'quote_tick' ? 1 : 0)] = 0n;
    else if (fault === 'negative') values[names.length - 1] = (QUANTITY_RAW_MAX[width] / sizeUnit + 1n) * sizeUnit;
    else if (fault === 'drift') values[k] = values[k]! + 1n;
    else if (fault === 'wide-size' || fault === 'zero-and-wide') {
      const k = BigInt(fixedPrecisionOf(width) - meta.sizePrecision);
      const last = names.length - 1;
      if (fault === 'zero-and-wide') {
        values[last] = 2n ** (width === 16 ? 64n + k : 62n) * (k > 0n ? 10n : 1n);
        if (type === 'quote_tick') values[last - 1] = 0n;
      } else if (at & 4 && width === 16 && k > 0n) values[last] = 2n ** k * (2n ** 64n + 5n ** k * 7n);
      else values[last] = ((2n ** (width === 16 ? 63n + k : 61n)) / sizeUnit) * sizeUnit + (at & 2 ? 1n : 0n);
    } else if (fault === 'huge') values[k] = isPrice ? (at & 1 ? -1n : 1n) * (huge / unit + 1n) * unit : (huge / sizeUnit + 1n) * sizeUnit;
    else if (fault === 'merged' && type === 'quote_tick') {
      const base = 2n ** 60n * (width === 16 ? 2n ** 10n : 1n);
      values[0] = base + BigInt(at & 1);
      values[1] = base + BigInt((at >> 1) & 1);
    } else if (fault === 'spike') values[0] = values[0]! * 3n;
    names.forEach((name, c) => setFixedRaw(columns[name]!, i, values[c]!));
    frame.columns.ts_init[i] = frame.columns.ts_event[i] = START + BigInt(from + i) * 1_000_000_000n;
  });
  return frame;
}

describe('validate ticks: the kernel = the fused loops', () => {
  for (const type of ['quote_tick', 'trade_tick'] as const) {
    it(`${type}: whole reports agree, both widths, with every fault, across frames and kernel blocks`, () => {
      const seen: Record<string, number> = {};
      const fault = fc.oneof({ weight: 30, arbitrary: fc.constant<Fault>('none') }, { weight: 2, arbitrary: fc.constantFrom<Fault>(...FAULTS) });
      const row = fc.tuple(fc.integer({ min: -20, max: 20 }), fault, fc.nat({ max: 7 }));
      const series = fc.tuple(fc.constantFrom<FixedWidth>(8, 16), fc.array(fc.array(row, { minLength: 1, maxLength: 300, size: 'max' }), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean());
      fc.assert(
        fc.property(series, ([width, frameRows, long, finest]) => {
          const all = long ? [...frameRows, Array.from({ length: 20_000 }, (_, k) => frameRows[0]![k % frameRows[0]!.length]!)] : frameRows;
          let from = 0;
          const frames = all.map((rows) => {
            const frame = plantedFrame(type, width, finest, rows, from);
            from += rows.length;
            return frame;
          });
          const options = { spikeWindow: 20, spikeMads: 5 };
          const plain = withKernel(false, () => validateFiles(type, [frames], options));
          const fast = withKernel(true, () => validateFiles(type, [frames], options));
          assert.deepEqual(fast, plain);
          for (const day of plain[0]!.days) for (const tally of day.checks) seen[tally.check] = (seen[tally.check] ?? 0) + tally.count;
        }),
        { numRuns: 80 },
      );
      const expected = type === 'quote_tick' ? ['sentinel', 'quote_crossed', 'quote_locked', 'size_zero', 'size_negative', 'precision_drift', 'price_spike'] : ['sentinel', 'size_zero', 'size_negative', 'precision_drift', 'price_spike'];
      for (const check of expected) assert.ok((seen[check] ?? 0) > 10, JSON.stringify(seen));
    });
  }
});
