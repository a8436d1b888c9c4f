/**
 * The WebAssembly hybrid encoder must give rle.ts's encodeHybrid byte for byte (files we
 * write must not change with the path taken), and what either writes must decode back. Runs
 * and literals are drawn mixed, at every bit width, at lengths around the groups of 8.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeHybridFast } from '../../src/catalog/parquet/hybrid-encode-wasm.js';
import { decodeHybrid, encodeHybrid } from '../../src/catalog/parquet/rle.js';
import { loadKernels } from '../../src/catalog/parquet/wasm-module.js';

/** Values below 2^bitWidth, as pieces: runs of one value (short and long) and stretches of anything. */
function valuesArb(bitWidth: number): fc.Arbitrary<number[]> {
  const value = bitWidth === 0 ? fc.constant(0) : bitWidth === 32 ? fc.oneof(fc.constant(2 ** 32 - 1), fc.nat({ max: 2 ** 32 - 1 })) : fc.oneof(fc.constant(2 ** bitWidth - 1), fc.nat({ max: 2 ** bitWidth - 1 }));
  const piece = fc.oneof(
    fc.tuple(value, fc.integer({ min: 1, max: 40 })).map(([v, n]) => Array<number>(n).fill(v)),
    fc.array(value, { maxLength: 30 }),
  );
  return fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.flat());
}

describe('hybrid encoding in WebAssembly', () => {
  it('is built and loads', () => {
    assert.ok(loadKernels(), 'kernels.wasm is missing from the build: run `npm run build`');
  });

  it('writes exactly what the JavaScript encoder writes, and it decodes back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }).chain((w) => fc.tuple(fc.constant(w), valuesArb(w))), ([bitWidth, list]) => {
        const values = Uint32Array.from(list);
        const expected = encodeHybrid(values, values.length, bitWidth);
        const fast = encodeHybridFast(values, values.length, bitWidth);
        assert.deepEqual(Array.from(fast), Array.from(expected), `bit width ${bitWidth}, ${values.length} values`);
        const decoded = new Uint32Array(values.length);
        decodeHybrid(fast, 0, fast.length, bitWidth, values.length, decoded);
        assert.deepEqual(Array.from(decoded), list);
      }),
      { numRuns: 600 },
    );
  });

  it('gives the same bytes beyond its memory budget, where JavaScript encodes', () => {
    const values = Uint32Array.from({ length: 300_000 }, (_, i) => (i % 97 < 50 ? 3 : i % 13));
    assert.deepEqual(encodeHybridFast(values, values.length, 4), encodeHybrid(values, values.length, 4));
  });
});
