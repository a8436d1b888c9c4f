import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FixedWidth, PRICE_ERROR, PRICE_UNDEF, QUANTITY_UNDEF, fixedPrecisionOf, pow10, rawToNumber } from '../../src/model/fixed-point.js';
import { fixedToFloat64, fixedToFloat64InJavaScript, hasFloatKernels } from '../../src/model/fixed-to-float.js';
import { type FixedColumn, allocFixedColumn, setFixedRaw } from '../../src/model/frames.js';

type Kind = 'price' | 'quantity';

function column(kind: Kind, width: FixedWidth, raws: readonly bigint[], byteOffset = 0): FixedColumn {
  const packed = allocFixedColumn(kind, width, raws.length);
  raws.forEach((raw, i) => setFixedRaw(packed, i, raw));
  if (byteOffset === 0) return packed;
  const shifted = new Uint8Array(packed.bytes.length + byteOffset);
  shifted.set(packed.bytes, byteOffset);
  return { kind, width, bytes: shifted.subarray(byteOffset) };
}

/** The raw range of a kind and width: two's complement for prices, unsigned for quantities. */
function rawBounds(kind: Kind, width: FixedWidth): { min: bigint; max: bigint } {
  const bits = BigInt(width * 8);
  return kind === 'price' ? { min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n } : { min: 0n, max: 2n ** bits - 1n };
}

function raws(kind: Kind, width: FixedWidth): fc.Arbitrary<bigint> {
  const { min, max } = rawBounds(kind, width);
  const clamp = (raw: bigint) => (raw < min ? min : raw > max ? max : raw);
  const sign = kind === 'price' ? fc.constantFrom(1n, -1n) : fc.constant(1n);
  const any = fc.oneof(
    fc.bigInt({ min, max }), // anywhere, mostly huge
    // prices and sizes as written: a few significant decimals, magnitudes up to 10^12
    fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: fixedPrecisionOf(width) }), sign).map(([m, p, s]) => s * m * pow10(p)),
    // small raws, where two's complement words are all ones for negatives
    fc.bigInt({ min: kind === 'price' ? -(2n ** 70n) : 0n, max: 2n ** 70n }),
    // around the fast path's limit (upper 64 bits = ±2^21) and the 2^53 / 2^64 word edges
    fc.tuple(fc.constantFrom(2n ** 53n, 2n ** 64n, 2n ** 85n, 2n ** 96n), fc.integer({ min: -3, max: 3 }), sign).map(([e, d, s]) => s * (e + BigInt(d))),
    // the upper 64 bits at ±2^21 with an odd middle word: the word sum would round there
    fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), sign).map(([m, d, s]) => s * (2n ** 85n + BigInt(2 * m + 1) * 2n ** 32n + BigInt(d))),
    fc.constantFrom(...(kind === 'price' ? [PRICE_UNDEF[width], PRICE_ERROR[width], -1n, 0n] : [QUANTITY_UNDEF[width], 0n, 1n])),
  );
  return any.map(clamp);
}

/** The double nearest to raw / 10^p, found exactly with BigInt arithmetic among Number(raw) / 10^p and its two neighbours. */
function correctlyRounded(raw: bigint, width: FixedWidth): number {
  const scale = pow10(fixedPrecisionOf(width));
  const candidate = Number(raw) / Number(scale);
  if (raw === 0n) return candidate;
  const bits = new BigInt64Array(1);
  const asDouble = new Float64Array(bits.buffer);
  const neighbour = (by: bigint): number => {
    asDouble[0] = candidate;
    bits[0] = bits[0]! + by;
    return asDouble[0]!;
  };
  // |x * 10^p - raw| * 2^1100, exact: every double is an integer times a power of two >= 2^-1074.
  const error = (x: number): bigint => {
    let mantissa = x;
    let exponent = 0;
    while (!Number.isInteger(mantissa)) {
      mantissa *= 2;
      exponent--;
    }
    const diff = BigInt(mantissa) * scale * 2n ** BigInt(1100 + exponent) - raw * 2n ** 1100n;
    return diff < 0n ? -diff : diff;
  };
  let best = candidate;
  for (const x of [neighbour(-1n), neighbour(1n)]) if (error(x) < error(best)) best = x;
  return best;
}

const KINDS_AND_WIDTHS = (['price', 'quantity'] as const).flatMap((kind) => ([8, 16] as const).map((width) => [kind, width] as const));

const PATHS = [['WebAssembly', fixedToFloat64], ['JavaScript', fixedToFloat64InJavaScript]] as const;

describe('fixedToFloat64', () => {
  it('runs the WebAssembly kernels (built by npm run build)', () => {
    assert.equal(hasFloatKernels(), true);
  });

  for (const [path, convert] of PATHS) {
    for (const [kind, width] of KINDS_AND_WIDTHS) {
      it(`${path}: equals rawToNumber (Number(raw) / 10^p) bit for bit: ${kind}, width ${width}`, () => {
        fc.assert(
          fc.property(fc.array(raws(kind, width), { minLength: 1, maxLength: 40 }), fc.constantFrom(0, 1, 4), (values, offset) => {
            const floats = convert(column(kind, width, values, offset));
            values.forEach((raw, i) => assert.ok(Object.is(floats[i], rawToNumber(raw, width)), `raw ${raw}: ${floats[i]} vs ${rawToNumber(raw, width)}`));
          }),
          { numRuns: 400 },
        );
      });
    }
  }

  it('converts columns longer than a kernel block (16,384 rows), odd lengths, and large raws in a later block', () => {
    for (const [kind, width] of KINDS_AND_WIDTHS) {
      const random = fc.sample(fc.bigInt({ min: 0n, max: width === 8 ? 10n ** 18n : 10n ** 24n }), { numRuns: 40_001, seed: 7 });
      for (const length of [16_383, 16_384, 16_385, 40_001]) {
        const values = random.slice(0, length).map((raw, i) => (kind === 'price' && i % 3 === 0 ? -raw : raw));
        values[length - 2] = kind === 'price' ? PRICE_UNDEF[width] : QUANTITY_UNDEF[width];
        const floats = fixedToFloat64(column(kind, width, values));
        assert.equal(floats.length, length);
        values.forEach((raw, i) => assert.ok(Object.is(floats[i], rawToNumber(raw, width)), `${kind} ${width}, length ${length}, row ${i}: ${floats[i]} vs ${rawToNumber(raw, width)}`));
      }
    }
  });

  it('is within one ulp of the correctly rounded quotient (two roundings: raw to double, then the division)', () => {
    const cases = fc.constantFrom(...KINDS_AND_WIDTHS).chain(([kind, width]) => raws(kind, width).map((raw) => ({ kind, width, raw })));
    fc.assert(
      fc.property(cases, ({ kind, width, raw }) => {
        const got = fixedToFloat64(column(kind, width, [raw]))[0]!;
        const best = correctlyRounded(raw, width);
        assert.ok(Math.abs(got - best) <= Math.abs(best) * Number.EPSILON, `raw ${raw}: ${got} vs correctly rounded ${best}`);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps small negative raws exact (the old word sum lost them to 2^64 rounding)', () => {
    const floats = fixedToFloat64(column('price', 16, [-1n, -5n, -(10n ** 14n) * 4_250_001n]));
    assert.deepEqual([...floats], [-1e-16, -5e-16, rawToNumber(-(10n ** 14n) * 4_250_001n, 16)]);
  });

  it('converts sentinels through the exact path', () => {
    const prices = fixedToFloat64(column('price', 16, [PRICE_UNDEF[16], 12_345n, PRICE_ERROR[16]]));
    assert.deepEqual([...prices], [rawToNumber(PRICE_UNDEF[16], 16), 12_345e-16, rawToNumber(PRICE_ERROR[16], 16)]);
    const sizes = fixedToFloat64(column('quantity', 16, [QUANTITY_UNDEF[16], 2n ** 127n, 7n]));
    assert.deepEqual([...sizes], [rawToNumber(QUANTITY_UNDEF[16], 16), rawToNumber(2n ** 127n, 16), 7e-16]);
  });

  it('writes into a given output array', () => {
    const out = new Float64Array(2);
    assert.equal(fixedToFloat64(column('quantity', 8, [1_500_000_000n, 0n]), out), out);
    assert.deepEqual([...out], [1.5, 0]);
  });
});
