/**
 * The checks every data type shares, on ts_init and ts_event, in one pass over their
 * 32-bit words (reading a BigUint64Array element allocates a BigInt, so the loop never
 * does): ts_init order, ties (handed to the type's duplicate check), suspected gaps, and
 * ts_event/ts_init skew. The same pass counts rows per UTC day for the report.
 */
import { NS_PER_DAY } from '../../model/time.js';
import type { FileFindings } from './report.js';
import type { FrameSink } from './finding-sink.js';
import { type GapEstimator, bucketOf } from './gap-estimator.js';
import { type TimeScanner, timeScanner } from './time-scan-kernel.js';

const TWO_32 = 4294967296;
const DAY_NS = Number(NS_PER_DAY);
const NO_HISTOGRAM = new Float64Array(0);

/** What the time checks remember between frames and files of one instrument. */
export class TimeState {
  started = false;
  maxHi = 0;
  maxLo = 0;

  constructor(
    /** Largest allowed ts_init − ts_event (ns). */
    readonly maxLagNs: number,
    /** Undefined where the type has its own spacing check (bars). */
    readonly gaps: GapEstimator | undefined,
  ) {}
}

/** The ns of a ts_init held as its two 32-bit words (for report values only: allocates). */
function wordsToNs(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Scans one frame, and adds its rows to their UTC days in `findings`. `onTie(i)` runs for a
 * row whose ts_init equals the latest one before it (row i − 1, or the last row of the
 * previous frame when i is 0).
 */
export function scanTimes(tsInit: BigUint64Array, tsEvent: BigUint64Array, state: TimeState, sink: FrameSink, findings: FileFindings, onTie?: (i: number) => void): void {
  const scanner = kernelAllowed ? timeScanner() : undefined;
  if (scanner) scanTimesWithKernel(scanner, tsInit, tsEvent, state, sink, findings, onTie);
  else scanTimesPlainly(tsInit, tsEvent, state, sink, findings, onTie);
}

let kernelAllowed = true;

/** Tests only: false makes every frame take the JavaScript loop (the reference). */
export function allowTimeKernel(allowed: boolean): void {
  kernelAllowed = allowed;
}

/**
 * scanTimesPlainly's findings, ties and day counts, in its order, from the kernel's records
 * (time-scan-kernel.ts); the kernel stops where the gap threshold is due for a refresh, which
 * happens here, between its calls.
 */
function scanTimesWithKernel(scanner: TimeScanner, tsInit: BigUint64Array, tsEvent: BigUint64Array, state: TimeState, sink: FrameSink, findings: FileFindings, onTie?: (i: number) => void): void {
  const ti = new Uint32Array(tsInit.buffer, tsInit.byteOffset, tsInit.length * 2);
  const gaps = state.gaps;
  const flags = scanner.flags;
  const { recordRows, recordBits, recordLatest } = scanner;
  const day = new DayRun(findings);
  scanner.begin(state.started, wordsToNs(state.maxHi, state.maxLo), gaps ? gaps.left : 0, gaps ? gaps.threshold : Infinity);
  if (gaps) scanner.histogram.set(gaps.block);
  const length = tsInit.length;
  for (let from = 0; from < length; from += scanner.capacity) {
    const count = Math.min(scanner.capacity, length - from);
    scanner.load(tsInit, tsEvent, from, count);
    for (let at = 0; at < count; ) {
      const recorded = scanner.scan(at, count, state.maxLagNs);
      for (let r = 0; r < recorded; r++) {
        const i = from + recordRows[r]!;
        const bits = recordBits[r]!;
        if (bits & flags.day) day.begin(tsInit, i);
        if (bits & (flags.gap | flags.order)) {
          const latestLo = recordLatest[2 * r]!;
          const latestHi = recordLatest[2 * r + 1]!;
          if (bits & flags.gap) {
            // The double scanTimesPlainly reports: the exact difference, rounded once.
            const delta = (ti[2 * i + 1]! - latestHi) * TWO_32 + (ti[2 * i]! - latestLo);
            sink.add('suspected_gap', i, { gap_ns: String(delta), threshold_ns: String(gaps!.threshold), previous_ts_init: wordsToNs(latestHi, latestLo).toString() });
          } else {
            sink.add('ts_init_order', i, { ts_init: tsInit[i]!.toString(), latest_before: wordsToNs(latestHi, latestLo).toString() });
          }
        } else if (bits & flags.tie) {
          onTie?.(i);
        }
        if (bits & flags.skew) addSkew(tsInit, tsEvent, i, sink);
      }
      at = scanner.stoppedAt;
      if (gaps && scanner.samplesLeft === 0) {
        gaps.block.set(scanner.histogram);
        gaps.refresh();
        scanner.histogram.set(gaps.block);
        scanner.refreshed(gaps.left, gaps.threshold);
      }
    }
  }
  if (gaps) {
    gaps.block.set(scanner.histogram);
    gaps.left = scanner.samplesLeft;
  }
  state.started = scanner.started;
  const latest = scanner.latest;
  state.maxHi = Number(latest >> 32n);
  state.maxLo = Number(latest & 0xffffffffn);
  day.end(length);
}

function addSkew(tsInit: BigUint64Array, tsEvent: BigUint64Array, i: number, sink: FrameSink): void {
  sink.add('ts_skew', i, { ts_event: tsEvent[i]!.toString(), ts_init: tsInit[i]!.toString(), lag_ns: (tsInit[i]! - tsEvent[i]!).toString() });
}

/** The time checks in JavaScript, on 32-bit words: the reference for the kernel. */
function scanTimesPlainly(tsInit: BigUint64Array, tsEvent: BigUint64Array, state: TimeState, sink: FrameSink, findings: FileFindings, onTie?: (i: number) => void): void {
  const ti = new Uint32Array(tsInit.buffer, tsInit.byteOffset, tsInit.length * 2);
  const te = new Uint32Array(tsEvent.buffer, tsEvent.byteOffset, tsEvent.length * 2);
  const gaps = state.gaps;
  // Locals V8 keeps untagged (a tagged local is checked and unboxed, a boolean of unknown
  // type tested for truthiness, at each use in the loop): doubles from a Float64Array, words
  // by `>>> 0` or `| 0`, a boolean by `=== true`. ~3 ns/row less than locals from the fields.
  const doubles = Float64Array.of(state.maxLagNs, gaps ? gaps.threshold : Infinity);
  const maxLagNs = doubles[0]!;
  let threshold = doubles[1]!;
  let started = state.started === true;
  let maxHi = state.maxHi >>> 0;
  let maxLo = state.maxLo >>> 0;
  // The gap estimator's state as locals (a field written per row costs a load and a store).
  const histogram = gaps ? gaps.block : NO_HISTOGRAM;
  let left = gaps ? gaps.left | 0 : 0;
  // Rows per day: a run of rows in one day, from its start as words; one BigInt division per run.
  const day = new DayRun(findings);
  let startHi = day.startHi | 0;
  let startLo = day.startLo >>> 0;
  const length = tsInit.length;
  for (let i = 0, w = 0; i < length; i++, w += 2) {
    const lo = ti[w]!;
    const hi = ti[w + 1]!;
    // ns since the day's start: exact while |hi − startHi| <= 2^20; beyond, at least 2^52,
    // far outside the day either way. One test instead of four word comparisons.
    const sinceStart = (hi - startHi) * TWO_32 + (lo - startLo);
    if (!(sinceStart >= 0 && sinceStart < DAY_NS)) {
      day.begin(tsInit, i);
      startHi = day.startHi | 0;
      startLo = day.startLo >>> 0;
    }
    // Exact below 2^53 ns (104 days); beyond, only the magnitude matters. Its sign is always exact.
    const delta = (hi - maxHi) * TWO_32 + (lo - maxLo);
    if (delta > 0 && started) {
      if (gaps) {
        if (delta > threshold) sink.add('suspected_gap', i, { gap_ns: String(delta), threshold_ns: String(threshold), previous_ts_init: wordsToNs(maxHi, maxLo).toString() });
        histogram[bucketOf(delta)]!++;
        if (--left === 0) {
          gaps.refresh();
          // Through `doubles` again, so the local stays untagged.
          doubles[1] = gaps.threshold;
          threshold = doubles[1]!;
          left = gaps.left | 0;
        }
      }
      maxHi = hi;
      maxLo = lo;
    } else if (!started) {
      maxHi = hi;
      maxLo = lo;
      started = true;
    } else if (delta === 0) {
      onTie?.(i);
    } else {
      sink.add('ts_init_order', i, { ts_init: tsInit[i]!.toString(), latest_before: wordsToNs(maxHi, maxLo).toString() });
    }
    const lag = (hi - te[w + 1]!) * TWO_32 + (lo - te[w]!);
    if (lag < 0 || lag > maxLagNs) addSkew(tsInit, tsEvent, i, sink);
  }
  state.started = started;
  state.maxHi = maxHi;
  state.maxLo = maxLo;
  if (gaps) gaps.left = left;
  day.end(length);
}

/** The UTC day of the current run of rows, which `scanTimes` adds to the report when it ends. */
class DayRun {
  // Before the first row: 2^54 ns or more before every row.
  startHi = -(2 ** 22);
  startLo = 0;
  private index = 0;
  private first = 0;

  constructor(private readonly findings: FileFindings) {}

  /** Row `i` is outside the current day: the run so far is counted and row i's day begins. */
  begin(tsInit: BigUint64Array, i: number): void {
    this.end(i);
    const day = tsInit[i]! / NS_PER_DAY;
    const start = day * NS_PER_DAY;
    this.startHi = Number(start >> 32n);
    this.startLo = Number(start & 0xffffffffn);
    this.index = Number(day);
    this.first = i;
  }

  /** Counts the run's rows up to row `i` (exclusive). */
  end(i: number): void {
    if (i > this.first) this.findings.addRows(this.index, i - this.first);
  }
}
