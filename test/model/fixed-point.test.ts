import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type FixedWidth,
  checkPrecision,
  checkRawRange,
  convertRaw,
  FixedPointError,
  fixedPrecisionOf,
  formatRaw,
  isRawAtPrecision,
  isSentinel,
  parseRaw,
  pow10,
  PRICE_ERROR,
  PRICE_RAW_MAX,
  PRICE_UNDEF,
  QUANTITY_RAW_MAX,
  unitText,
  QUANTITY_UNDEF,
  rawToNumber,
} from '../../src/model/fixed-point.js';

const WIDTHS: FixedWidth[] = [8, 16];

describe('fixed-point constants', () => {
  it('maps widths to FIXED_PRECISION 9 and 16', () => {
    assert.equal(fixedPrecisionOf(8), 9);
    assert.equal(fixedPrecisionOf(16), 16);
  });

  it('holds the spec sentinels and v1.221.0 raw maxima', () => {
    assert.equal(PRICE_UNDEF[8], 9_223_372_036_854_775_807n);
    assert.equal(PRICE_ERROR[8], -9_223_372_036_854_775_808n);
    assert.equal(QUANTITY_UNDEF[8], 18_446_744_073_709_551_615n);
    assert.equal(PRICE_UNDEF[16], 2n ** 127n - 1n);
    assert.equal(QUANTITY_UNDEF[16], 2n ** 128n - 1n);
    assert.equal(PRICE_RAW_MAX[8], 9_223_372_036_000_000_000n);
    assert.equal(QUANTITY_RAW_MAX[8], 18_446_744_072_999_999_488n);
    assert.equal(PRICE_RAW_MAX[16], 170_141_183_460_459_988_838_491_619_328n);
  });

  it('computes powers of ten and rejects exponents outside 0..39', () => {
    assert.equal(pow10(0), 1n);
    assert.equal(pow10(16), 10_000_000_000_000_000n);
    assert.throws(() => pow10(40), RangeError);
  });
});

describe('parseRaw', () => {
  it('parses the spec example 0.00002853 at p=8 in both widths', () => {
    assert.equal(parseRaw('0.00002853', 8, 8, true), 28_530n);
    assert.equal(parseRaw('0.00002853', 8, 16, true), 285_300_000_000n);
  });

  it('parses signs, bare fractions and trailing dots', () => {
    assert.equal(parseRaw('-1.5', 1, 8, true), -1_500_000_000n);
    assert.equal(parseRaw('.5', 1, 8, true), 500_000_000n);
    assert.equal(parseRaw('-.5', 1, 8, true), -500_000_000n);
    assert.equal(parseRaw('+2', 0, 8, true), 2_000_000_000n);
    assert.equal(parseRaw('5.', 0, 16, false), 50_000_000_000_000_000n);
  });

  it('accepts trailing zeros beyond the precision', () => {
    assert.equal(parseRaw('1.2300', 2, 8, true), 1_230_000_000n);
  });

  it('rejects text that is not a plain decimal', () => {
    for (const text of ['', 'abc', '1e-3', '1.2.3', '1,5', '0x10', '--1', 'NaN', 'Infinity']) {
      assert.throws(() => parseRaw(text, 4, 8, true), FixedPointError, text);
    }
  });

  it('rejects more significant decimals than the precision', () => {
    assert.throws(() => parseRaw('1.234', 2, 8, true), /has 3 decimals, more than precision 2/);
  });

  it('rejects negative quantities', () => {
    assert.throws(() => parseRaw('-1', 0, 8, false), /quantity must not be negative/);
  });

  it('enforces the price range at its exact edge', () => {
    assert.equal(parseRaw('9223372036', 0, 8, true), 9_223_372_036_000_000_000n);
    assert.equal(parseRaw('-9223372036', 0, 8, true), -9_223_372_036_000_000_000n);
    assert.throws(() => parseRaw('9223372036.000000001', 9, 8, true), /outside the 64-bit range/);
    assert.throws(() => parseRaw('18446744073', 0, 8, false), /outside the 64-bit range/);
  });

  it('rejects precisions above FIXED_PRECISION', () => {
    assert.throws(() => parseRaw('1', 10, 8, true), /precision must be an integer in 0..9 for width 8, was 10/);
  });
});

describe('formatRaw', () => {
  it('formats the spec example 112.13 at p=5, width 16', () => {
    assert.equal(formatRaw(1_121_300_000_000_000_000n, 5, 16), '112.13000');
  });

  it('formats negatives, zero and precision 0', () => {
    assert.equal(formatRaw(-1_500_000_000n, 2, 8), '-1.50');
    assert.equal(formatRaw(-500_000_000n, 1, 8), '-0.5');
    assert.equal(formatRaw(0n, 3, 8), '0.000');
    assert.equal(formatRaw(7_000_000_000n, 0, 8), '7');
    assert.equal(formatRaw(28_530n, 8, 8), '0.00002853');
  });
});

describe('conversions and checks', () => {
  it('converts 64-bit raws to 128-bit by 10^7 and back exactly', () => {
    assert.equal(convertRaw(28_530n, 8, 16), 285_300_000_000n);
    assert.equal(convertRaw(285_300_000_000n, 16, 8), 28_530n);
    assert.equal(convertRaw(5n, 8, 8), 5n);
    assert.throws(() => convertRaw(1n, 16, 8), FixedPointError);
  });

  it('recognises sentinels by signedness', () => {
    assert.equal(isSentinel(PRICE_UNDEF[8], 8, true), true);
    assert.equal(isSentinel(PRICE_ERROR[16], 16, true), true);
    assert.equal(isSentinel(QUANTITY_UNDEF[8], 8, false), true);
    assert.equal(isSentinel(PRICE_UNDEF[8], 8, false), false);
    assert.equal(isSentinel(0n, 16, true), false);
  });

  it('checks raws are multiples of 10^(FIXED_PRECISION - p)', () => {
    assert.equal(isRawAtPrecision(28_530n, 8, 8), true);
    assert.equal(isRawAtPrecision(28_531n, 8, 8), false);
    assert.equal(isRawAtPrecision(1_000_000_000n, 0, 8), true);
    assert.equal(isRawAtPrecision(100_000_000n, 0, 8), false);
  });

  it('checks precision and range', () => {
    assert.doesNotThrow(() => checkPrecision(16, 16));
    assert.throws(() => checkPrecision(-1, 16), FixedPointError);
    assert.throws(() => checkPrecision(1.5, 16), FixedPointError);
    assert.doesNotThrow(() => checkRawRange(QUANTITY_RAW_MAX[16], 16, false));
    assert.throws(() => checkRawRange(QUANTITY_RAW_MAX[16] + 1n, 16, false), FixedPointError);
    assert.throws(() => checkRawRange(-PRICE_RAW_MAX[16] - 1n, 16, true), FixedPointError);
  });

  it('converts raws to floats for display', () => {
    assert.equal(rawToNumber(1_500_000_000n, 8), 1.5);
    assert.equal(rawToNumber(-25_000_000_000_000_000n, 16), -2.5);
  });
});

describe('fixed-point properties', () => {
  for (const width of WIDTHS) {
    const fixed = fixedPrecisionOf(width);
    for (let precision = 0; precision <= fixed; precision++) {
      const step = pow10(fixed - precision);
      it(`parse(format(raw)) === raw at width ${width}, precision ${precision}`, () => {
        const prices = fc.bigInt({ min: -PRICE_RAW_MAX[width] / step, max: PRICE_RAW_MAX[width] / step }).map((k) => k * step);
        fc.assert(
          fc.property(prices, (raw) => {
            const text = formatRaw(raw, precision, width);
            assert.equal(parseRaw(text, precision, width, true), raw);
            // Exactly `precision` decimals, so the text says the precision too.
            assert.equal(text.includes('.') ? text.length - text.indexOf('.') - 1 : 0, precision);
          }),
          { numRuns: 60 },
        );
        const quantities = fc.bigInt({ min: 0n, max: QUANTITY_RAW_MAX[width] / step }).map((k) => k * step);
        fc.assert(
          fc.property(quantities, (raw) => assert.equal(parseRaw(formatRaw(raw, precision, width), precision, width, false), raw)),
          { numRuns: 60 },
        );
      });
    }
  }

  it('converts 8 -> 16 -> 8 without change and keeps the decimal text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -PRICE_RAW_MAX[8], max: PRICE_RAW_MAX[8] }), (raw) => {
        const wide = convertRaw(raw, 8, 16);
        assert.equal(convertRaw(wide, 16, 8), raw);
        assert.equal(formatRaw(wide, 9, 16), formatRaw(raw, 9, 8));
      }),
    );
  });

  it('unitText is one raw unit at the precision, as decimal text', () => {
    assert.equal(unitText(0), '1');
    assert.equal(unitText(2), '0.01');
    for (let p = 0; p <= 16; p++) assert.equal(parseRaw(unitText(p), p, 16, false), pow10(16 - p));
  });
});
