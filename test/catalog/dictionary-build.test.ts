/**
 * The writer's dictionary builder: the WebAssembly kernel (wasm/dictionary-build.ts) against
 * the JavaScript builder on random columns — any width the writer uses, few to all-distinct
 * values, offsets into a larger buffer — the same dictionary bytes and indices, or both give
 * up; and the dictionary itself against its definition.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildDictionary, buildDictionaryFast, buildDictionaryPlainly } from '../../src/catalog/parquet/dictionary-build.js';

/** `count` values of `width` bytes drawn from `pool` distinct random ones, at 4-byte offset `pad`. */
function column(seed: number, count: number, width: number, pool: number, pad: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const next = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x);
  // High bits: an LCG's low byte repeats every 256 steps.
  const values = Array.from({ length: pool }, () => Uint8Array.from({ length: width }, () => next() >>> 24));
  const buffer = new Uint8Array(pad * 4 + count * width + 8);
  for (let i = 0; i < count; i++) buffer.set(values[(next() >>> 8) % pool]!, pad * 4 + i * width);
  return buffer.subarray(pad * 4, pad * 4 + count * width);
}

describe('dictionary builder: WebAssembly ≡ JavaScript', () => {
  it('the same dictionary and indices, or both give up (fuzzed)', () => {
    let built = 0;
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6_000 }), fc.constantFrom(4, 8, 16), fc.integer({ min: 1, max: 4_000 }), fc.nat({ max: 3 }), (seed, count, width, pool, pad) => {
        const bytes = column(seed, count, width, pool, pad);
        const fast = buildDictionaryFast(bytes, count, width);
        assert.notEqual(fast, 'declined', 'a chunk this small must take the fast path');
        const plain = buildDictionaryPlainly(bytes, count, width);
        assert.deepEqual(fast, plain);
        if (plain) built++;
      }),
      { numRuns: 400 },
    );
    assert.ok(built > 100, `only ${built} columns got a dictionary`);
  });

  it('is the distinct values in order of first appearance, indices pointing at each row’s value', () => {
    const count = 5_000;
    const bytes = column(7, count, 16, 300, 1);
    const dictionary = buildDictionary(bytes, count, 16)!;
    const key = (b: Uint8Array, i: number) => Buffer.from(b.subarray(i * 16, i * 16 + 16)).toString('hex');
    const order: string[] = [];
    for (let i = 0; i < count; i++) if (!order.includes(key(bytes, i))) order.push(key(bytes, i));
    assert.equal(dictionary.count, order.length);
    assert.deepEqual(Array.from({ length: dictionary.count }, (_, d) => key(dictionary.values, d)), order);
    for (let i = 0; i < count; i++) assert.equal(key(dictionary.values, dictionary.indices[i]!), key(bytes, i));
  });

  it('gives up past half the rows distinct, and leaves chunks over its memory budget to JavaScript', () => {
    assert.equal(buildDictionary(column(3, 1_000, 16, 100_000, 0), 1_000, 16), undefined);
    assert.equal(buildDictionaryFast(column(3, 1_000, 16, 100_000, 0), 1_000, 16), undefined);
    const big = column(5, 100_000, 16, 50, 0); // 1.6 MB of values
    assert.equal(buildDictionaryFast(big, 100_000, 16), 'declined');
    assert.equal(buildDictionary(big, 100_000, 16)!.count, 50);
  });
});
