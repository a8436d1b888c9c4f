/**
 * Window tests on `ts_init` words: the WebAssembly marker (row groups at a window's edges)
 * and the JavaScript loop must mark exactly the values a BigInt comparison puts in
 * `[start, end)`, and classifying row-group statistics must give the same answer whatever
 * stride the statistics are laid out at. Sorted files' statistics form a chain, and the
 * binary search over a chain must find exactly the ranges that classifying all of them keeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { statisticsAreChained } from '../../src/catalog/parquet/statistics-chain.js';
import { chainedRunInWindow, classifyRanges, markInWindow, markInWindowLoop, tsWindow } from '../../src/catalog/ts-window.js';

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

  it('finds, in chained ranges, by binary search exactly the run that classifying every range keeps', () => {
    // Sorted values cut into consecutive ranges (shared edges included, as equal ts_init across
    // row groups), then possibly one edit that may break the chain.
    const chainArb = fc.record({
      values: fc.array(fc.oneof(u64(), u33(), fc.bigInt({ min: 0n, max: 40n })), { minLength: 0, maxLength: 120 }),
      cuts: fc.array(fc.nat(120), { maxLength: 40 }),
      edit: fc.option(fc.record({ at: fc.nat(60), kind: fc.constantFrom('absent', 'swap', 'inverted'), value: u64() }), { nil: undefined }),
    });
    fc.assert(
      fc.property(windowArb, chainArb, fc.integer({ min: 1, max: 4 }), fc.nat(3), ({ start, end }, { values, cuts, edit }, stride, column) => {
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const edges = [...new Set(cuts.filter((c) => c < sorted.length))].sort((a, b) => a - b);
        const ranges: Array<{ min: bigint; max: bigint; present: boolean }> = [];
        let from = 0;
        for (const edge of [...edges, sorted.length]) {
          if (edge <= from) continue;
          ranges.push({ min: sorted[from]!, max: sorted[edge - 1]!, present: true });
          // At even cuts the next range starts at this one's last value: a shared edge.
          from = edge % 2 === 0 ? edge - 1 : edge;
        }
        if (edit && ranges.length > 0) {
          const r = ranges[edit.at % ranges.length]!;
          if (edit.kind === 'absent') r.present = false;
          else if (edit.kind === 'inverted') [r.min, r.max] = [r.max, r.min];
          else r.min = edit.value;
        }
        const first = column % stride;
        const words = new Uint32Array(ranges.length * stride * 4).fill(0xdeadbeef);
        const present = new Uint8Array(ranges.length * stride).fill(1);
        ranges.forEach(({ min, max, present: has }, g) => {
          words.set(wordsOf([min, max]), 4 * (first + g * stride));
          present[first + g * stride] = has ? 1 : 0;
        });
        const stats = { words, present, first, stride };
        const chained = ranges.every((r, g) => r.present && r.min <= r.max && (g === 0 || ranges[g - 1]!.max <= r.min));
        assert.equal(statisticsAreChained(stats, ranges.length), chained, 'chain detection');
        if (!chained) return;
        const w = tsWindow(start, end);
        const fits = new Uint8Array(ranges.length);
        classifyRanges(w, words, present, first, stride, fits);
        const kept = ranges.map((_, g) => g).filter((g) => fits[g] !== 1);
        const run = chainedRunInWindow(w, words, first, stride, ranges.length);
        const expected = kept.length === 0 ? [] : Array.from({ length: kept.at(-1)! - kept[0]! + 1 }, (_, i) => kept[0]! + i);
        assert.deepEqual(kept, expected, 'the kept ranges of a chain are one run');
        assert.deepEqual(Array.from({ length: run.to - run.from }, (_, i) => run.from + i), kept, `run [${run.from}, ${run.to}) against [${start}, ${end})`);
      }),
      { numRuns: 500 },
    );
  });
});
