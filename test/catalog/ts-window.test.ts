/**
 * Window tests on `ts_init` words: the WebAssembly marker (row groups at a window's edges)
 * and the JavaScript loop must mark exactly the values a BigInt comparison puts in
 * `[start, end)`, and classifying row-group statistics must give the same answer whatever
 * stride the statistics are laid out at.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyRanges, markInWindow, markInWindowLoop, tsWindow } from '../../src/catalog/ts-window.js';

const U64_MAX = (1n << 64n) - 1n;
const u64 = () => fc.bigInt({ min: 0n, max: U64_MAX });
const u33 = () => fc.bigInt({ min: 0n, max: (1n << 33n) - 1n });

/** Values near the window's bounds (where an off-by-one lives), and anywhere. */
function valueArb(bounds: bigint[]): fc.Arbitrary<bigint> {
  const near = fc.tuple(fc.constantFrom(...bounds), fc.integer({ min: -2, max: 2 })).map(([b, d]) => {
    const v = b + BigInt(d);
    return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
  });
  return fc.oneof(near, u64(), u33());
}

const windowArb = fc.record({
  start: fc.option(fc.oneof(u64(), u33(), fc.constant(0n)), { nil: undefined }),
  end: fc.option(fc.oneof(u64(), u33(), fc.constant(U64_MAX)), { nil: undefined }),
});

function inWindow(v: bigint, start: bigint | undefined, end: bigint | undefined): boolean {
  return (start === undefined || v >= start) && (end === undefined || v < end);
}

function wordsOf(values: bigint[]): Uint32Array {
  return new Uint32Array(BigUint64Array.from(values).buffer);
}

describe('ts_init windows on 32-bit words', () => {
  it('marks exactly the values inside [start, end), by WebAssembly for long runs and by the loop', () => {
    fc.assert(
      fc.property(windowArb.chain((w) => fc.tuple(fc.constant(w), fc.array(valueArb([w.start ?? 0n, w.end ?? U64_MAX, 1n << 32n]), { maxLength: 1200, size: 'max' }))), ([{ start, end }, values]) => {
        const length = values.length;
        const words = wordsOf(values);
        const expected = values.map((v) => (inWindow(v, start, end) ? 1 : 0));
        const count = expected.reduce<number>((a, b) => a + b, 0);
        const w = tsWindow(start, end);
        const fast = new Uint8Array(length).fill(7);
        assert.equal(markInWindow(words, w, fast), count);
        assert.deepEqual(Array.from(fast), expected);
        const loop = new Uint8Array(length).fill(7);
        assert.equal(markInWindowLoop(words, w, loop), count);
        assert.deepEqual(Array.from(loop), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('classifies row-group ranges the same at any stride and offset', () => {
    fc.assert(
      fc.property(windowArb, fc.array(fc.record({ a: u64(), b: u64(), present: fc.boolean() }), { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.nat(5), ({ start, end }, ranges, stride, column) => {
        fc.pre(start === undefined || end === undefined || start < end); // readers return before classifying an empty window
        const first = column % stride;
        const slots = ranges.length * stride;
        const words = new Uint32Array(slots * 4).fill(0xdeadbeef); // other columns' words: must be ignored
        const present = new Uint8Array(slots).fill(1);
        ranges.forEach(({ a, b, present: has }, g) => {
          const k = first + g * stride;
          const [min, max] = a <= b ? [a, b] : [b, a];
          words.set(wordsOf([min, max]), 4 * k);
          present[k] = has ? 1 : 0;
        });
        const fits = new Uint8Array(ranges.length);
        classifyRanges(tsWindow(start, end), words, present, first, stride, fits);
        ranges.forEach(({ a, b, present: has }, g) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const misses = (end !== undefined && min >= end) || (start !== undefined && max < start);
          const inside = inWindow(min, start, end) && inWindow(max, start, end);
          const expected = !has ? 0 : misses ? 1 : inside ? 2 : 0;
          assert.equal(fits[g], expected, `range ${g}: [${min}, ${max}] against [${start}, ${end})`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
