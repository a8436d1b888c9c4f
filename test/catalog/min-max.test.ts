/**
 * The statistics' min and max positions: the WebAssembly kernel and the JavaScript loops
 * (src/catalog/parquet/min-max.ts) against a reference that compares values as BigInt or
 * byte by byte, on values drawn to tie and to share long prefixes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StatsOrder } from '../../src/catalog/parquet/column-write.js';
import { minMaxFast, minMaxInJavaScript, minMaxOf } from '../../src/catalog/parquet/min-max.js';

/** -1, 0 or 1 for values `a` and `b` of `width` bytes at the given offsets, in `order`. */
function compare(bytes: Uint8Array, a: number, b: number, width: number, order: StatsOrder): number {
  if (order === 'bytes') {
    for (let k = 0; k < width; k++) if (bytes[a + k] !== bytes[b + k]) return bytes[a + k]! < bytes[b + k]! ? -1 : 1;
    return 0;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const read = (at: number) => (width === 8 ? (order === 'signed' ? view.getBigInt64(at, true) : view.getBigUint64(at, true)) : BigInt(order === 'signed' ? view.getInt32(at, true) : view.getUint32(at, true)));
  const x = read(a);
  const y = read(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The first least and first greatest, plainly. */
function reference(bytes: Uint8Array, count: number, width: number, order: StatsOrder): { minAt: number; maxAt: number } {
  let minAt = 0;
  let maxAt = 0;
  for (let i = 1; i < count; i++) {
    if (compare(bytes, i * width, minAt * width, width, order) < 0) minAt = i;
    if (compare(bytes, i * width, maxAt * width, width, order) > 0) maxAt = i;
  }
  return { minAt, maxAt };
}

/** Values of `width` bytes from a few prototypes with a byte or two changed: ties, shared prefixes, differences in any byte. */
function columns(width: number): fc.Arbitrary<{ bytes: Uint8Array; count: number; offset: number }> {
  const value = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.array(fc.tuple(fc.integer({ min: 0, max: width - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }));
  return fc
    .record({
      prototypes: fc.array(fc.uint8Array({ minLength: width, maxLength: width }), { minLength: 3, maxLength: 3 }),
      values: fc.array(value, { minLength: 1, maxLength: 300 }),
      offset: fc.constantFrom(0, 8, 3),
    })
    .map(({ prototypes, values, offset }) => {
      const bytes = new Uint8Array(offset + values.length * width).subarray(offset);
      values.forEach(([p, changes], i) => {
        bytes.set(prototypes[p]!, i * width);
        for (const [at, byte] of changes) bytes[i * width + at] = byte;
      });
      return { bytes, count: values.length, offset };
    });
}

const CASES: ReadonlyArray<readonly [number, StatsOrder]> = [
  [8, 'unsigned'], [8, 'signed'], [8, 'bytes'], [16, 'bytes'], [4, 'unsigned'], [4, 'signed'], [4, 'bytes'],
];

describe('column min and max positions', () => {
  for (const [width, order] of CASES) {
    const kernelTakes = width === 8 || width === 16;
    it(`width ${width}, ${order}: ${kernelTakes ? 'the kernel and ' : ''}the JavaScript loops find the first least and first greatest`, () => {
      fc.assert(
        fc.property(columns(width), ({ bytes, count }) => {
          const expected = reference(bytes, count, width, order);
          assert.deepEqual(minMaxInJavaScript(bytes, count, width, order), expected);
          assert.deepEqual(minMaxOf(bytes, count, width, order), expected);
          const fast = minMaxFast(bytes, count, width, order);
          if (kernelTakes) assert.deepEqual(fast, expected);
          else assert.equal(fast, undefined);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('leaves chunks over the kernel budget to JavaScript, with the same answer', () => {
    const count = 70_000; // 1.1 MB of 16-byte values
    const bytes = new Uint8Array(count * 16);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    assert.equal(minMaxFast(bytes, count, 16, 'bytes'), undefined);
    assert.deepEqual(minMaxOf(bytes, count, 16, 'bytes'), reference(bytes, count, 16, 'bytes'));
  });
});
