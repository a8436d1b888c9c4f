/**
 * The checks every data type shares, on ts_init and ts_event, in one pass over their
 * 32-bit words (reading a BigUint64Array element allocates a BigInt, so the loop never
 * does): ts_init order, ties (handed to the type's duplicate check), suspected gaps, and
 * ts_event/ts_init skew. Also counts rows per UTC day for the report.
 */
import { NS_PER_DAY } from '../../model/time.js';
import type { FileFindings } from './report.js';
import type { FrameSink } from './finding-sink.js';
import type { GapEstimator } from './gap-estimator.js';

const TWO_32 = 4294967296;

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
 * Scans one frame. `onTie(i)` runs for a row whose ts_init equals the latest one before it
 * (row i − 1, or the last row of the previous frame when i is 0).
 */
export function scanTimes(tsInit: BigUint64Array, tsEvent: BigUint64Array, state: TimeState, sink: FrameSink, onTie?: (i: number) => void): void {
  const ti = new Uint32Array(tsInit.buffer, tsInit.byteOffset, tsInit.length * 2);
  const te = new Uint32Array(tsEvent.buffer, tsEvent.byteOffset, tsEvent.length * 2);
  const { gaps, maxLagNs } = state;
  let { started, maxHi, maxLo } = state;
  for (let i = 0, w = 0; i < tsInit.length; i++, w += 2) {
    const lo = ti[w]!;
    const hi = ti[w + 1]!;
    if (started && (hi < maxHi || (hi === maxHi && lo < maxLo))) {
      sink.add('ts_init_order', i, { ts_init: tsInit[i]!.toString(), latest_before: wordsToNs(maxHi, maxLo).toString() });
    } else {
      if (started) {
        // Exact below 2^53 ns (104 days); beyond, only the magnitude matters.
        const delta = (hi - maxHi) * TWO_32 + (lo - maxLo);
        if (delta === 0) {
          onTie?.(i);
        } else if (gaps) {
          if (delta > gaps.threshold) sink.add('suspected_gap', i, { gap_ns: String(delta), threshold_ns: String(gaps.threshold), previous_ts_init: wordsToNs(maxHi, maxLo).toString() });
          gaps.add(delta);
        }
      }
      maxHi = hi;
      maxLo = lo;
      started = true;
    }
    const lag = (hi - te[w + 1]!) * TWO_32 + (lo - te[w]!);
    if (lag < 0 || lag > maxLagNs) sink.add('ts_skew', i, { ts_event: tsEvent[i]!.toString(), ts_init: tsInit[i]!.toString(), lag_ns: (tsInit[i]! - tsEvent[i]!).toString() });
  }
  state.started = started;
  state.maxHi = maxHi;
  state.maxLo = maxLo;
}

/** Adds the frame's rows to their UTC days: one BigInt division per run of same-day rows. */
export function countRowsPerDay(tsInit: BigUint64Array, findings: FileFindings): void {
  const words = new Uint32Array(tsInit.buffer, tsInit.byteOffset, tsInit.length * 2);
  let i = 0;
  while (i < tsInit.length) {
    const day = tsInit[i]! / NS_PER_DAY;
    const start = day * NS_PER_DAY;
    const end = start + NS_PER_DAY;
    const sHi = Number(start >> 32n);
    const sLo = Number(start & 0xffffffffn);
    const eHi = Number(end >> 32n);
    const eLo = Number(end & 0xffffffffn);
    let j = i + 1;
    for (let w = 2 * j; j < tsInit.length; j++, w += 2) {
      const lo = words[w]!;
      const hi = words[w + 1]!;
      if (hi < sHi || (hi === sHi && lo < sLo) || hi > eHi || (hi === eHi && lo >= eLo)) break;
    }
    findings.addRows(Number(day), j - i);
    i = j;
  }
}
