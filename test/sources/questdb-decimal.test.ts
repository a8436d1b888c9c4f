// The QuestDB decimal codec on its own (no server): raws to ILP unscaled bytes and QuestDB's
// DECIMAL(39, 16) text back to raws, exact over the whole two's complement range of both
// widths, and loud about anything that does not fit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, formatRaw } from '../../src/model/fixed-point.js';
import { allocFixedColumn, fixedRawAt, setFixedRaw } from '../../src/model/frames.js';
import { ilpScale, storeDecimalText, unscaledBytes } from '../../src/sources/questdb/decimal-codec.js';

type Kind = 'price' | 'quantity';
const CASES = [['price', 8], ['price', 16], ['quantity', 8], ['quantity', 16]] as const;

function rawArbitrary(kind: Kind, width: FixedWidth): fc.Arbitrary<bigint> {
  const bits = BigInt(width * 8);
  const [min, max] = kind === 'price' ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  return fc.oneof(fc.bigInt({ min, max }), fc.bigInt({ min: kind === 'price' ? -1000n : 0n, max: 1000n }), fc.constantFrom(min, max, 0n, 1n, max - 1n));
}

/** Reads big-endian two's complement bytes back as a bigint. */
function fromBigEndian(bytes: Int8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte & 0xff);
  return bytes.length > 0 && bytes[0]! < 0 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** QuestDB's text for a raw stored at scale 16 (a 64-bit raw is value × 10^9). */
function storedText(raw: bigint, width: FixedWidth): string {
  return formatRaw(width === 8 ? raw * 10_000_000n : raw, 16, 16);
}

describe('QuestDB decimal codec', () => {
  for (const [kind, width] of CASES) {
    test(`${kind} width ${width}: unscaled bytes are the raw in the fewest bytes, and the text comes back as the raw`, () => {
      fc.assert(
        fc.property(rawArbitrary(kind, width), (raw) => {
          const column = allocFixedColumn(kind, width, 1);
          setFixedRaw(column, 0, raw);
          const bytes = unscaledBytes(column, 0);
          assert.equal(fromBigEndian(bytes), raw);
          if (bytes.length > 1) {
            // Minimal: dropping the first byte would change the value.
            assert.notEqual(fromBigEndian(bytes.subarray(1)), raw);
          }
          const back = allocFixedColumn(kind, width, 1);
          storeDecimalText(back, 0, storedText(raw, width));
          assert.equal(fixedRawAt(back, 0), raw);
        }),
        { numRuns: 500 },
      );
    });
  }

  test('raws are sent at the scale of their width', () => {
    assert.equal(ilpScale(8), 9);
    assert.equal(ilpScale(16), 16);
  });

  test('text that is not a raw of the column is refused, naming the text', () => {
    const price8 = allocFixedColumn('price', 8, 1);
    const quantity16 = allocFixedColumn('quantity', 16, 1);
    assert.throws(() => storeDecimalText(price8, 0, '1.0000000001000000'), /1\.0000000001000000 has more than 9 decimals/);
    assert.throws(() => storeDecimalText(price8, 0, '9223372036.8547758080000000'), /outside the signed 64-bit raw range/);
    assert.throws(() => storeDecimalText(quantity16, 0, '-1.0000000000000000'), /outside the unsigned 128-bit raw range/);
    assert.throws(() => storeDecimalText(quantity16, 0, '34028236692093846346337.4607431768211456'), /outside the unsigned 128-bit raw range/);
    assert.throws(() => storeDecimalText(price8, 0, '1e5'), /not a DECIMAL\(39, 16\) value, was "1e5"/);
    assert.throws(() => storeDecimalText(price8, 0, null), /was null/);
    storeDecimalText(price8, 0, '-0.0000000000000000');
    assert.equal(fixedRawAt(price8, 0), 0n);
    storeDecimalText(price8, 0, '-9223372036.8547758080000000');
    assert.equal(fixedRawAt(price8, 0), -(2n ** 63n));
  });
});
