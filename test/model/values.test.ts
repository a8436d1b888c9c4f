import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FixedWidth, fixedPrecisionOf, pow10, PRICE_RAW_MAX, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { Price, Quantity } from '../../src/model/values.js';
import { rejects } from '../helpers/assertions.js';


describe('Price.parse', () => {
  it('infers precision from the decimals written, like Price.from_str', () => {
    const price = Price.parse('1.2300');
    assert.equal(price.precision, 4);
    assert.equal(price.width, 16);
    assert.equal(price.raw, 12_300_000_000_000_000n);
    assert.equal(price.toString(), '1.2300');
    assert.equal(Price.parse('42').precision, 0);
  });

  it('parses the spec examples exactly', () => {
    const small = Price.parse('0.00002853', 8);
    assert.equal(small.raw, 28_530n);
    assert.equal(small.precision, 8);
    assert.equal(Price.parse('0.00002853', 16).raw, 285_300_000_000n);
    const p = Price.parse('112.13', 16, 5);
    assert.equal(p.raw, 1_121_300_000_000_000_000n);
    assert.equal(p.toString(), '112.13000');
  });

  it('parses negatives', () => {
    assert.equal(Price.parse('-1.5', 8).raw, -1_500_000_000n);
    assert.equal(Price.parse('-1.5', 8).toString(), '-1.5');
  });

  it('rejects bad text, extra decimals and out-of-range values', () => {
    rejects(() => Price.parse('1e3'), 'price', /^Price must be a plain decimal number, was "1e3" \(example: "112\.13"\)$/);
    rejects(() => Price.parse('1.2.3'), 'price', /was "1\.2\.3"/);
    rejects(() => Price.parse('0.0000000001', 8), 'price', /at most 9 decimals at width 8, was "0\.0000000001"/);
    rejects(() => Price.parse('1.234', 8, 2), 'price', /^Price must have at most 2 significant decimals at precision 2, was "1\.234" \(example: "112\.13"\)$/);
    assert.equal(Price.parse('1.2300', 8, 2).toString(), '1.23');
    rejects(() => Price.parse('1', 8, 10), 'price', /at most 9 decimals/);
    rejects(() => Price.parse('9223372037', 8), 'price', /outside the 64-bit range/);
  });

  it('tryParse returns a result', () => {
    const ok = Price.tryParse('1.5', 8);
    assert.ok(ok.ok);
    assert.equal(ok.value.raw, 1_500_000_000n);
    const bad = Price.tryParse('x');
    assert.ok(!bad.ok);
    assert.equal(bad.error.kind, 'price');
  });
});

describe('Quantity.parse', () => {
  it('parses non-negative text', () => {
    const q = Quantity.parse('100.5', 8);
    assert.equal(q.raw, 100_500_000_000n);
    assert.equal(q.precision, 1);
    assert.equal(Quantity.parse('-0', 8).raw, 0n);
  });

  it('rejects negatives and values beyond QUANTITY_MAX', () => {
    rejects(() => Quantity.parse('-1'), 'quantity', /^Quantity must not be negative, was "-1" \(example: "1\.5"\)$/);
    rejects(() => Quantity.parse('18446744073', 8), 'quantity', /outside the 64-bit range/);
    assert.equal(Quantity.tryParse('-0.1').ok, false);
  });
});

describe('fromRaw', () => {
  it('accepts raws that are multiples of 10^(FIXED_PRECISION - precision)', () => {
    const p = Price.fromRaw(28_530n, 8, 8);
    assert.equal(p.toString(), '0.00002853');
    assert.equal(Quantity.fromRaw(QUANTITY_RAW_MAX[8], 9, 8).toString(), '18446744072.999999488');
    assert.equal(Quantity.fromRaw(18_000_000_000n, 0, 8).toString(), '18');
  });

  it('rejects raws with digits below the precision', () => {
    rejects(() => Price.fromRaw(28_531n, 8, 8), 'price', /^Price raw must be a multiple of 10\^1 at precision 8, width 8, was 28531$/);
    rejects(() => Quantity.fromRaw(12_345n, 2, 16), 'quantity', /multiple of 10\^14/);
  });

  it('rejects out-of-range raws, negative quantities and bad precisions', () => {
    rejects(() => Price.fromRaw(PRICE_RAW_MAX[8] + 1n, 9, 8), 'price', /outside the 64-bit range/);
    rejects(() => Quantity.fromRaw(-1n, 9, 8), 'quantity', /must not be negative/);
    rejects(() => Price.fromRaw(0n, 17, 16), 'price', /precision must be an integer in 0\.\.16 for width 16, was 17/);
  });

  it('allows sentinels only with precision 0', () => {
    const undef = Price.fromRaw(PRICE_UNDEF[16], 0, 16);
    assert.equal(undef.isSentinel(), true);
    assert.equal(undef.toString(), '170141183460469231731687303715884105727');
    assert.equal(Quantity.fromRaw(QUANTITY_UNDEF[8], 0, 8).isSentinel(), true);
    rejects(() => Price.fromRaw(PRICE_UNDEF[8], 2, 8), 'price', /sentinel raw 9223372036854775807 needs precision 0, was precision 2/);
    assert.equal(Price.parse('1').isSentinel(), false);
  });
});

describe('arithmetic and comparison', () => {
  it('adds and subtracts at the larger precision', () => {
    const sum = Price.parse('1.5', 8).add(Price.parse('0.25', 8));
    assert.equal(sum.toString(), '1.75');
    assert.equal(sum.precision, 2);
    assert.equal(Price.parse('1', 8).sub(Price.parse('2.5', 8)).toString(), '-1.5');
    assert.equal(Quantity.parse('3', 16).sub(Quantity.parse('1.5', 16)).toString(), '1.5');
  });

  it('rejects mixed widths, sentinels, overflow and negative quantities', () => {
    rejects(() => Price.parse('1', 8).add(Price.parse('1', 16)), 'price', /needs equal widths, was 8 and 16/);
    rejects(() => Price.parse('1', 8).add(Price.fromRaw(PRICE_UNDEF[8], 0, 8)), 'price', /cannot use a sentinel/);
    rejects(() => Price.parse('9223372036', 8).add(Price.parse('1', 8)), 'price', /outside the 64-bit range/);
    rejects(() => Quantity.parse('1', 8).sub(Quantity.parse('2', 8)), 'quantity', /^Quantity must not be negative, was 1 - 2$/);
  });

  it('compares by value across precisions and widths', () => {
    assert.equal(Price.parse('1.50', 8).equals(Price.parse('1.5', 8)), true);
    assert.equal(Price.parse('1.5', 8).compare(Price.parse('1.50000001', 16)), -1);
    assert.equal(Price.parse('-2', 16).compare(Price.parse('-3', 16)), 1);
    assert.equal(Price.parse('2', 16).equals(Price.parse('2.0000000000000001', 16)), false);
  });

  it('converts to numbers and JSON', () => {
    assert.equal(Price.parse('-1.25', 16).toNumber(), -1.25);
    assert.equal(JSON.stringify({ size: Quantity.parse('1.50', 8) }), '{"size":"1.50"}');
  });
});

/** Arbitrary raw at a random precision of `width`, with magnitude below `limit`. */
function rawAt(width: FixedWidth, limit: bigint, signed: boolean) {
  return fc.integer({ min: 0, max: fixedPrecisionOf(width) }).chain((precision) => {
    const step = pow10(fixedPrecisionOf(width) - precision);
    return fc.bigInt({ min: signed ? -limit / step : 0n, max: limit / step }).map((k) => ({ raw: k * step, precision }));
  });
}

describe('value properties', () => {
  for (const width of [8, 16] as const) {
    it(`(a + b) - b == a for prices and quantities, width ${width}`, () => {
      const half = PRICE_RAW_MAX[width] / 2n;
      fc.assert(
        fc.property(rawAt(width, half, true), rawAt(width, half, true), (x, y) => {
          const a = Price.fromRaw(x.raw, x.precision, width);
          const b = Price.fromRaw(y.raw, y.precision, width);
          const back = a.add(b).sub(b);
          assert.equal(back.raw, a.raw);
          assert.ok(back.equals(a));
          assert.equal(a.add(b).raw, b.add(a).raw);
        }),
      );
      const qhalf = QUANTITY_RAW_MAX[width] / 2n;
      fc.assert(
        fc.property(rawAt(width, qhalf, false), rawAt(width, qhalf, false), (x, y) => {
          const a = Quantity.fromRaw(x.raw, x.precision, width);
          const b = Quantity.fromRaw(y.raw, y.precision, width);
          assert.equal(a.add(b).sub(b).raw, a.raw);
        }),
      );
    });

    it(`parse(toString()) round-trips value and precision, width ${width}`, () => {
      fc.assert(
        fc.property(rawAt(width, PRICE_RAW_MAX[width], true), ({ raw, precision }) => {
          const price = Price.fromRaw(raw, precision, width);
          const back = Price.parse(price.toString(), width);
          assert.equal(back.raw, raw);
          assert.equal(back.precision, precision);
        }),
      );
    });

    it(`compare is consistent with raw order and sorting, width ${width}`, () => {
      fc.assert(
        fc.property(fc.array(rawAt(width, PRICE_RAW_MAX[width], true), { minLength: 2, maxLength: 20 }), (items) => {
          const prices = items.map(({ raw, precision }) => Price.fromRaw(raw, precision, width));
          for (const a of prices) {
            for (const b of prices) {
              const expected = a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
              assert.equal(a.compare(b), expected);
              assert.equal(b.compare(a), -expected || 0);
              assert.equal(a.equals(b), expected === 0);
            }
          }
          const sorted = [...prices].sort((a, b) => a.compare(b));
          for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.raw <= sorted[i]!.raw);
        }),
        { numRuns: 50 },
      );
    });
  }
});
