/**
 * Range math by properties: merge, subtract, intersect and missing gaps agree with a
 * point-set model, on grids and off them; chunks tile a range on a fixed epoch grid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SeamlessError } from '../../src/seamless/errors.js';
import {
  type TimeRange, chunkRange, gridAround, gridInside, intersectRanges, mergeRanges, missingRanges, subtractRanges, timeRange, toNs,
} from '../../src/seamless/time-range.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const SPAN = 200;
const arbRange = fc.tuple(fc.integer({ min: 0, max: SPAN }), fc.integer({ min: 0, max: SPAN })).map(([a, b]): TimeRange => ({ start: BigInt(Math.min(a, b)), end: BigInt(Math.max(a, b)) }));
const arbRanges = fc.array(arbRange, { maxLength: 8 });

/** The set of integer points `[start, end)` covers, as a bitmap. */
function points(ranges: readonly TimeRange[]): boolean[] {
  const set = new Array<boolean>(SPAN + 1).fill(false);
  for (const r of ranges) for (let t = Number(r.start); t < Number(r.end); t++) set[t] = true;
  return set;
}

function isCanonical(ranges: readonly TimeRange[]): boolean {
  return ranges.every((r, i) => r.end > r.start && (i === 0 || r.start > ranges[i - 1]!.end));
}

describe('range math', () => {
  it('merge keeps the point set and leaves sorted, disjoint, non-touching ranges', () => {
    fc.assert(fc.property(arbRanges, (ranges) => {
      const merged = mergeRanges(ranges);
      assert.deepEqual(points(merged), points(ranges));
      assert.ok(isCanonical(merged));
    }));
  });

  it('subtract, intersect and missing agree with set algebra', () => {
    fc.assert(fc.property(arbRanges, arbRanges, arbRange, (a, b, window) => {
      const pa = points(a);
      const pb = points(b);
      const pw = points([window]);
      assert.deepEqual(points(subtractRanges(a, b)), pa.map((x, i) => x && !pb[i]));
      assert.deepEqual(points(intersectRanges(a, b)), pa.map((x, i) => x && pb[i]!));
      const missing = missingRanges(a, window);
      assert.deepEqual(points(missing), pw.map((x, i) => x && !pa[i]));
      assert.ok(isCanonical(subtractRanges(a, b)) && isCanonical(intersectRanges(a, b)) && isCanonical(missing));
    }));
  });

  it('single-bar and touching ranges are handled exactly (qmtl dropped single-point overlaps)', () => {
    assert.deepEqual(intersectRanges([{ start: 0n, end: 60n }], [{ start: 0n, end: 60n }]), [{ start: 0n, end: 60n }]);
    assert.deepEqual(intersectRanges([{ start: 0n, end: 60n }], [{ start: 60n, end: 120n }]), []);
    assert.deepEqual(mergeRanges([{ start: 0n, end: 60n }, { start: 60n, end: 120n }]), [{ start: 0n, end: 120n }]);
    // Off-grid coverage does not hide a leading gap (qmtl's missing-range quirk).
    assert.deepEqual(missingRanges([{ start: 5n, end: 45n }], { start: 0n, end: 100n }), [{ start: 0n, end: 5n }, { start: 45n, end: 100n }]);
  });

  it('grid helpers: inside keeps whole cells, around grows to them, both on the grid', () => {
    fc.assert(fc.property(arbRange, fc.integer({ min: 1, max: 30 }), (r, stepN) => {
      const step = BigInt(stepN);
      const inside = gridInside(r, step);
      const around = gridAround(r, step);
      assert.equal(around.start % step, 0n);
      assert.equal(around.end % step, 0n);
      assert.ok(around.start <= r.start && around.end >= r.end);
      if (inside) {
        assert.ok(inside.start >= r.start && inside.end <= r.end);
        assert.equal(inside.start % step, 0n);
        assert.equal(inside.end % step, 0n);
      } else {
        assert.ok(r.end - r.start < 2n * step, 'no whole cell fits only in a short range');
      }
    }));
  });

  it('chunks tile the range with inner boundaries on the epoch grid of the chunk length', () => {
    fc.assert(fc.property(arbRange.filter((r) => r.end > r.start), fc.integer({ min: 1, max: 50 }), (r, chunkN) => {
      const chunk = BigInt(chunkN);
      const pieces = chunkRange(r, chunk);
      assert.equal(pieces[0]!.start, r.start);
      assert.equal(pieces.at(-1)!.end, r.end);
      for (let i = 1; i < pieces.length; i++) {
        assert.equal(pieces[i]!.start, pieces[i - 1]!.end);
        assert.equal(pieces[i]!.start % chunk, 0n);
      }
      for (const p of pieces) assert.ok(p.end - p.start <= chunk && p.end > p.start);
    }));
  });

  it('time inputs: ns, ISO-8601, seconds, milliseconds and Date agree; bad input names the field', () => {
    const ns = 1_704_153_600_000_000_000n;
    assert.equal(toNs(ns), ns);
    assert.equal(toNs('2024-01-02T00:00:00Z'), ns);
    assert.equal(toNs({ seconds: 1_704_153_600 }), ns);
    assert.equal(toNs({ millis: 1_704_153_600_000 }), ns);
    assert.equal(toNs(new Date('2024-01-02T00:00:00Z')), ns);
    assert.throws(() => timeRange('2024-01-02', '2024-01-01'), seamlessError('SEAMLESS_BAD_RANGE', /half-open/));
    assert.throws(() => timeRange('yesterday', '2024-01-01'), (e: unknown) => e instanceof SeamlessError && /start/.test(e.message));
    assert.throws(() => toNs(-1n), (e: unknown) => e instanceof SeamlessError);
  });
});
