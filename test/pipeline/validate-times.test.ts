/**
 * The time checks' pass (time-checks.ts), both its paths (the WebAssembly kernel and the
 * JavaScript loop), against a BigInt oracle: ts_init order, ties, skew,
 * suspected gaps and rows per UTC day, over series split into frames at random, with ties,
 * steps back, steps across midnight and jumps of up to 2^62 ns (where the loop's float
 * offsets from the day's start and from the latest ts_init are no longer exact).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { NS_PER_DAY } from '../../src/model/time.js';
import { FrameSink } from '../../src/pipeline/validate/finding-sink.js';
import { GapEstimator } from '../../src/pipeline/validate/gap-estimator.js';
import { FileFindings } from '../../src/pipeline/validate/report.js';
import { TimeState, allowTimeKernel, scanTimes } from '../../src/pipeline/validate/time-checks.js';
import { timeScanner } from '../../src/pipeline/validate/time-scan-kernel.js';
import { START } from './validate-support.js';

const MAX_LAG = 1_000_000;
const U64 = 2n ** 64n;
const TWO_32 = 4294967296;

/**
 * A row's ts_init: [kind, ns]. 'step' moves the series on by ns: mostly short, a tie when 0,
 * rarely a pause, a midnight or two, or up to 2^62 ns; 'back' is one row ns behind it (up to
 * two days, rarely up to 2^62 ns), the series does not move.
 */
const row = fc.oneof(
  { weight: 80, arbitrary: fc.tuple(fc.constant('step'), fc.bigInt({ min: 1n, max: 100_000_000n })) },
  { weight: 6, arbitrary: fc.tuple(fc.constant('step'), fc.constant(0n)) },
  { weight: 4, arbitrary: fc.tuple(fc.constant('back'), fc.bigInt({ min: 1n, max: 2n * NS_PER_DAY })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('back'), fc.integer({ min: 40, max: 62 }).chain((k) => fc.bigInt({ min: 1n, max: 2n ** BigInt(k) }))) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('step'), fc.bigInt({ min: 1_000_000_000n, max: 100_000_000_000n })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('step'), fc.bigInt({ min: 1n, max: 2n * NS_PER_DAY })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('step'), fc.integer({ min: 40, max: 62 }).chain((k) => fc.bigInt({ min: 1n, max: 2n ** BigInt(k) }))) },
);
/** ts_init − ts_event: mostly fine, sometimes negative or beyond MAX_LAG. */
const lag = fc.oneof(
  { weight: 16, arbitrary: fc.bigInt({ min: 0n, max: BigInt(MAX_LAG) }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, BigInt(MAX_LAG), -1n, BigInt(MAX_LAG) + 1n, -(2n ** 60n), 2n ** 60n) },
);

interface Series {
  readonly tsInit: bigint[];
  readonly tsEvent: bigint[];
}

const series = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 63n }), fc.array(fc.tuple(row, lag), { minLength: 1, maxLength: 1500, size: 'max' })).map(([start, rows]): Series => {
  const tsInit: bigint[] = [];
  const tsEvent: bigint[] = [];
  const clamp = (x: bigint) => (x < 0n ? 0n : x >= U64 ? U64 - 1n : x);
  let base = start % 3n === 0n ? START : start;
  for (const [[kind, ns], l] of rows) {
    if (kind === 'step') base = clamp(base + ns);
    const ts = kind === 'back' ? clamp(base - ns) : base;
    tsInit.push(ts);
    tsEvent.push(clamp(ts - l));
  }
  return { tsInit, tsEvent };
});

/** The ns between two ts_init given as words, as the loop computes it (exact below 2^53). */
function wordDelta(a: bigint, b: bigint): number {
  const hi = (x: bigint) => Number(x >> 32n);
  const lo = (x: bigint) => Number(x & 0xffffffffn);
  return (hi(a) - hi(b)) * TWO_32 + (lo(a) - lo(b));
}

/** The checks by their definitions, row by row with BigInt, into a FileFindings. */
function oracle({ tsInit, tsEvent }: Series, factor: number, floorNs: number): { report: unknown; ties: number[] } {
  const findings = new FileFindings('f', 'quote_tick', 'X', 3);
  const gaps = new GapEstimator(factor, floorNs);
  const ties: number[] = [];
  let latest: bigint | undefined;
  tsInit.forEach((ts, i) => {
    findings.addRows(Number(ts / NS_PER_DAY), 1);
    if (latest !== undefined && ts < latest) {
      findings.add('ts_init_order', i, ts, { ts_init: ts.toString(), latest_before: latest.toString() });
    } else {
      if (latest !== undefined && ts === latest) ties.push(i);
      else if (latest !== undefined) {
        const delta = wordDelta(ts, latest);
        if (delta > gaps.threshold) findings.add('suspected_gap', i, ts, { gap_ns: String(delta), threshold_ns: String(gaps.threshold), previous_ts_init: latest.toString() });
        gaps.add(delta);
      }
      latest = ts;
    }
    const lagNs = ts - tsEvent[i]!;
    if (lagNs < 0n || lagNs > BigInt(MAX_LAG)) findings.add('ts_skew', i, ts, { ts_event: tsEvent[i]!.toString(), ts_init: ts.toString(), lag_ns: lagNs.toString() });
  });
  return { report: findings.report(), ties };
}

/** scanTimes over the series cut into frames at `cuts`. */
function scanned({ tsInit, tsEvent }: Series, cuts: number[], factor: number, floorNs: number): { report: unknown; ties: number[] } {
  const findings = new FileFindings('f', 'quote_tick', 'X', 3);
  const state = new TimeState(MAX_LAG, new GapEstimator(factor, floorNs));
  const sink = new FrameSink();
  const ties: number[] = [];
  const bounds = [...new Set([0, ...cuts.map((c) => c % tsInit.length), tsInit.length])].sort((a, b) => a - b);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [from, to] = [bounds[k]!, bounds[k + 1]!];
    const ti = BigUint64Array.from(tsInit.slice(from, to));
    const te = BigUint64Array.from(tsEvent.slice(from, to));
    sink.frame(findings, ti, from);
    scanTimes(ti, te, state, sink, findings, (i) => ties.push(from + i));
  }
  return { report: findings.report(), ties };
}

describe('validate times: the time checks = a BigInt oracle', () => {
  it('the time kernel is built and loads (else every frame would silently take the JavaScript loop)', () => {
    assert.ok(timeScanner());
  });

  for (const kernel of [true, false]) {
    describe(kernel ? 'the kernel' : 'the JavaScript loop', () => {
      before(() => allowTimeKernel(kernel));
      after(() => allowTimeKernel(true));
      timeProperties();
    });
  }

  it('a ts_event at the top of u64 after a ts_init near 0 is skew (in u64 arithmetic their difference wraps to a small lag)', () => {
    // Rows in pairs that are otherwise plainly in order, the odd one on either side of a pair.
    for (const odd of [2, 3]) {
      const tsInit = Array.from({ length: 8 }, (_, i) => BigInt(1000 * (i + 1)));
      const s = { tsInit, tsEvent: tsInit.map((t, i) => (i === odd ? U64 - 1n : t)) };
      const expected = oracle(s, 10, 1);
      const got = scanned(s, [], 10, 1);
      assert.deepEqual(got, expected);
      assert.match(JSON.stringify(expected.report), /ts_skew/);
    }
  });

  it('gaps beyond 2^53 ns go to the bucket of their rounded size, in the kernel as in the loop', () => {
    // 2^54 − 1 ns rounds to 2^54 as a double: bucket 54, where the exact integer would say 53.
    const steps = [2n ** 54n - 1n, 2n ** 53n + 1n, 2n ** 55n - 3n, 1000n, 2n ** 54n - 1n];
    const tsInit = steps.reduce<bigint[]>((all, step) => [...all, all[all.length - 1]! + step], [START]);
    const histograms = [true, false].map((kernel) => {
      allowTimeKernel(kernel);
      try {
        const gaps = new GapEstimator(4, 1000);
        const findings = new FileFindings('f', 'quote_tick', 'X', 3);
        const sink = new FrameSink();
        const ts = BigUint64Array.from(tsInit);
        sink.frame(findings, ts, 0);
        scanTimes(ts, ts, new TimeState(MAX_LAG, gaps), sink, findings);
        return Array.from(gaps.block);
      } finally {
        allowTimeKernel(true);
      }
    });
    assert.deepEqual(histograms[0], histograms[1]);
    // Bucket 54: both 2^54 − 1 (rounded up) and 2^55 − 3 (rounded to 2^55 − 4); 53: 2^53 + 1.
    assert.equal(histograms[1]![54], 3);
    assert.equal(histograms[1]![53], 1);
  });

  it('a frame longer than a kernel block, with gaps due for a refresh across its blocks', () => {
    // 50,000 rows: three blocks of the kernel, dozens of threshold refreshes, some at a block's edge.
    let ts = START;
    const tsInit: bigint[] = [];
    for (let i = 0; i < 50_000; i++) {
      ts += i % 997 === 0 ? 60_000_000_000n : i % 13 === 0 ? 0n : BigInt(1 + ((i * 7919) % 5000)) * 1000n;
      tsInit.push(i % 4099 === 0 ? ts - 10_000_000n : ts);
    }
    const s = { tsInit, tsEvent: tsInit.map((t, i) => (i % 3001 === 0 ? t + 1n : t)) };
    const expected = oracle(s, 4, 1000);
    const report = expected.report as { days: Array<{ checks: Array<{ check: string; count: number }> }> };
    const counts: Record<string, number> = {};
    for (const day of report.days) for (const t of day.checks) counts[t.check] = (counts[t.check] ?? 0) + t.count;
    assert.ok(counts['suspected_gap']! > 20 && counts['ts_init_order']! > 5 && counts['ts_skew']! > 5 && expected.ties.length > 1000, JSON.stringify(counts));
    for (const kernel of [true, false]) {
      allowTimeKernel(kernel);
      try {
        assert.deepEqual(scanned(s, [17_000, 33_000], 4, 1000), expected);
      } finally {
        allowTimeKernel(true);
      }
    }
  });
});

function timeProperties(): void {
  it('order, ties, skew, suspected gaps and rows per UTC day, over frames cut at random', () => {
    const seen: Record<string, number> = {};
    let days = 0;
    fc.assert(
      fc.property(series, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(1.5, 4), (s, cuts, factor) => {
        const expected = oracle(s, factor, 1000);
        const got = scanned(s, cuts, factor, 1000);
        assert.deepEqual(got, expected);
        const report = expected.report as { days: Array<{ checks: Array<{ check: string; count: number }> }> };
        days += report.days.length;
        for (const day of report.days) for (const t of day.checks) seen[t.check] = (seen[t.check] ?? 0) + t.count;
        seen['tie'] = (seen['tie'] ?? 0) + expected.ties.length;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: many days, and many findings of each kind.
    const kinds = ['ts_init_order', 'suspected_gap', 'ts_skew', 'tie'];
    assert.ok(days > 1000 && kinds.every((k) => (seen[k] ?? 0) > 500), `days ${days}, ${JSON.stringify(seen)}`);
  });

  it('rows per day around midnight and across a jump of about 2^52 ns (the float offset at its exact limit)', () => {
    const midnight = 19_724n * NS_PER_DAY;
    const far = midnight + 2n ** 52n + 2n ** 32n;
    const tsInit = [midnight - 1n, midnight, midnight + NS_PER_DAY - 1n, midnight + NS_PER_DAY, far - 1n, far, far + 1n, midnight + 5n];
    const s = { tsInit, tsEvent: tsInit };
    assert.deepEqual(scanned(s, [3], 4, 1000), oracle(s, 4, 1000));
  });
}
