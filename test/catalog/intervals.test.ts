import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  closedToHalfOpen, findOverlaps, halfOpenToClosed, type Interval, intervalsOverlap, isContiguous,
  mergeIntervals, missingIntervals, periodBounds, sortIntervals,
} from '../../src/catalog/intervals.js';

const iv = (first: bigint, last: bigint): Interval => ({ first, last });

describe('overlap', () => {
  it('treats intervals as closed', () => {
    assert.equal(intervalsOverlap(iv(1n, 2n), iv(2n, 3n)), true);
    assert.equal(intervalsOverlap(iv(2n, 3n), iv(1n, 2n)), true);
    assert.equal(intervalsOverlap(iv(1n, 2n), iv(3n, 4n)), false);
    assert.equal(intervalsOverlap(iv(1n, 10n), iv(4n, 5n)), true);
  });

  it('finds every overlapping pair', () => {
    assert.deepEqual(findOverlaps([iv(5n, 6n), iv(1n, 2n), iv(3n, 4n)]), []);
    assert.deepEqual(findOverlaps([iv(2n, 3n), iv(1n, 2n), iv(10n, 20n), iv(1n, 100n)]), [
      [iv(1n, 2n), iv(1n, 100n)],
      [iv(1n, 2n), iv(2n, 3n)],
      [iv(1n, 100n), iv(2n, 3n)],
      [iv(1n, 100n), iv(10n, 20n)],
    ]);
  });
});

describe('sortIntervals / mergeIntervals / isContiguous', () => {
  it('sorts by first then last without mutating', () => {
    const list = [iv(5n, 6n), iv(1n, 9n), iv(1n, 2n)];
    assert.deepEqual(sortIntervals(list), [iv(1n, 2n), iv(1n, 9n), iv(5n, 6n)]);
    assert.deepEqual(list[0], iv(5n, 6n));
  });

  it('merges overlapping and contiguous intervals only', () => {
    assert.deepEqual(mergeIntervals([iv(5n, 6n), iv(1n, 2n), iv(3n, 4n), iv(8n, 9n), iv(9n, 12n), iv(10n, 11n)]), [iv(1n, 6n), iv(8n, 12n)]);
    assert.deepEqual(mergeIntervals([iv(5n, 6n), iv(1n, 3n)]), [iv(1n, 3n), iv(5n, 6n)]);
    assert.deepEqual(mergeIntervals([iv(1n, 2n), iv(4n, 5n)]), [iv(1n, 2n), iv(4n, 5n)]);
    assert.deepEqual(mergeIntervals([]), []);
  });

  it('calls intervals contiguous only when each starts right after the previous ends', () => {
    assert.equal(isContiguous([iv(3n, 4n), iv(1n, 2n), iv(5n, 9n)]), true);
    assert.equal(isContiguous([iv(1n, 2n), iv(4n, 5n)]), false);
    assert.equal(isContiguous([iv(1n, 2n), iv(2n, 5n)]), false);
    assert.equal(isContiguous([iv(1n, 2n)]), true);
    assert.equal(isContiguous([]), true);
  });
});

describe('missingIntervals', () => {
  it('matches get_missing_intervals_for_request of test_catalog_pyo3.py', () => {
    assert.deepEqual(missingIntervals([iv(1n, 2n), iv(5n, 6n)], 0n, 10n), [iv(0n, 0n), iv(3n, 4n), iv(7n, 10n)]);
  });

  it('handles full cover, no files, and requests inside or outside the files', () => {
    assert.deepEqual(missingIntervals([iv(0n, 10n)], 0n, 10n), []);
    assert.deepEqual(missingIntervals([], 3n, 7n), [iv(3n, 7n)]);
    assert.deepEqual(missingIntervals([iv(1n, 2n), iv(5n, 6n)], 3n, 4n), [iv(3n, 4n)]);
    assert.deepEqual(missingIntervals([iv(1n, 2n), iv(5n, 6n)], 2n, 5n), [iv(3n, 4n)]);
    assert.deepEqual(missingIntervals([iv(100n, 200n)], 0n, 10n), [iv(0n, 10n)]);
    assert.deepEqual(missingIntervals([iv(1n, 2n)], 5n, 4n), []);
  });

  it('returns exactly the request minus the covered points, disjoint and sorted (property)', () => {
    const small = fc.bigInt({ min: 0n, max: 60n });
    const interval = fc.tuple(small, small).map(([a, b]) => (a <= b ? iv(a, b) : iv(b, a)));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), small, small, (files, s, e) => {
        const [start, end] = s <= e ? [s, e] : [e, s];
        const gaps = missingIntervals(files, start, end);
        const inGap = (t: bigint) => gaps.some((g) => g.first <= t && t <= g.last);
        const covered = (t: bigint) => files.some((f) => f.first <= t && t <= f.last);
        for (let t = start; t <= end; t++) assert.equal(inGap(t), !covered(t), `t=${t}`);
        for (const g of gaps) assert.ok(g.first >= start && g.last <= end && g.first <= g.last);
        for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i - 1]!.last + 1n < gaps[i]!.first, 'gaps are disjoint, sorted and maximal');
      }),
      { numRuns: 500 },
    );
  });
});

describe('periodBounds and converters', () => {
  const DAY = 86_400_000_000_000n;
  it('returns the closed period containing ns', () => {
    assert.deepEqual(periodBounds(0n, DAY), iv(0n, DAY - 1n));
    assert.deepEqual(periodBounds(DAY - 1n, DAY), iv(0n, DAY - 1n));
    assert.deepEqual(periodBounds(DAY, DAY), iv(DAY, 2n * DAY - 1n));
    assert.deepEqual(periodBounds(1637971740000000000n, DAY), iv(1637971200000000000n, 1638057599999999999n));
    assert.deepEqual(periodBounds(-1n, 10n), iv(-10n, -1n));
    assert.throws(() => periodBounds(5n, 0n), /was 0/);
  });

  it('converts half-open [start, end) and closed [first, last]', () => {
    assert.deepEqual(halfOpenToClosed(5n, 10n), iv(5n, 9n));
    assert.equal(halfOpenToClosed(5n, 5n), null);
    assert.deepEqual(closedToHalfOpen(5n, 9n), { start: 5n, end: 10n });
    assert.deepEqual(closedToHalfOpen(7n, 7n), { start: 7n, end: 8n });
  });
});
