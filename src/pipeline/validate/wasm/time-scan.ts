/*
 * AssemblyScript (the validation's kernels.wasm, an instance of its own). The time checks of
 * ../time-checks.ts on u64 ts_init and ts_event: where each row's UTC day begins, ts_init
 * order and ties against the latest ts_init, suspected gaps against the threshold with the
 * gap histogram counted here, and ts_event/ts_init skew. Rows that need words (findings,
 * ties, the start of a day) are recorded; ../time-scan-kernel.ts handles them in the order
 * the JavaScript loop does, and refreshes the gap threshold where the kernel stops for it.
 *
 * Comparisons against the threshold and the skew limit, and the histogram's bucket, use the
 * difference as a double, as the JavaScript loop computes it (the exact difference rounded
 * once), so both paths agree on every row; order, ties and days are exact on u64.
 *
 * Memory (laid out by `setUpTimes` from __heap_base, never grown): ts_init and ts_event of up
 * to `capacity` rows, the 64 histogram counts (f64), then the records (row, bits, and the
 * latest ts_init before the row).
 */

export const DAY: i32 = 1;
export const GAP: i32 = 2;
export const TIE: i32 = 4;
export const ORDER: i32 = 8;
export const SKEW: i32 = 16;

const NS_PER_DAY: u64 = 86_400_000_000_000;
const TWO_53: f64 = 9007199254740992;

let capacity: i32 = 0;
let initAt: usize = 0;
let eventAt: usize = 0;
let histogramAt: usize = 0;
let recordRowsAt: usize = 0;
let recordBitsAt: usize = 0;
let recordLatestAt: usize = 0;
// State carried from call to call (../time-checks.ts TimeState and the frame's day run).
let started: i32 = 0;
let latest: u64 = 0;
let hasDay: i32 = 0;
let dayStart: u64 = 0;
/** Gap samples until the threshold is refreshed; 0: no gap estimate (bars). */
let left: i32 = 0;
let threshold: f64 = Infinity;
let stoppedAt: i32 = 0;

/** Lays out room for `rows` rows a call; 0 when that does not fit the memory as it is. */
export function setUpTimes(rows: i32): i32 {
  capacity = rows;
  const column = <usize>rows << 3;
  let at = (__heap_base + 15) & ~15;
  initAt = at;
  eventAt = (at += column);
  histogramAt = (at += column);
  recordRowsAt = (at += 64 << 3);
  recordBitsAt = (at += <usize>rows << 2);
  recordLatestAt = (at += <usize>rows << 2);
  at += column;
  return at <= (<usize>memory.size() << 16) ? 1 : 0;
}

/** Where region `k` starts: ts_init, ts_event, histogram, record rows, record bits, record latest. */
export function timeRegion(k: i32): usize {
  switch (k) {
    case 0: return initAt;
    case 1: return eventAt;
    case 2: return histogramAt;
    case 3: return recordRowsAt;
    case 4: return recordBitsAt;
    default: return recordLatestAt;
  }
}

/** Sets the state a frame starts from: the latest ts_init (if started), gap samples left (0: no gaps) and the threshold; no day yet. */
export function beginTimes(isStarted: i32, latestTs: u64, samplesLeft: i32, gapThreshold: f64): void {
  started = isStarted;
  latest = latestTs;
  left = samplesLeft;
  threshold = gapThreshold;
  hasDay = 0;
}

/** After a stop for a refresh: the new threshold and samples left. */
export function refreshed(samplesLeft: i32, gapThreshold: f64): void {
  left = samplesLeft;
  threshold = gapThreshold;
}

export function timesStarted(): i32 {
  return started;
}

export function timesLatest(): u64 {
  return latest;
}

export function samplesLeft(): i32 {
  return left;
}

/** The row after the last one the last scan handled. */
export function timesStoppedAt(): i32 {
  return stoppedAt;
}

/** One more gap in the histogram's bucket for `delta` (> 0): bucket b holds [2^b, 2^(b+1)). */
// @ts-ignore: decorator
@inline function countGap(delta: u64): void {
  const slot = histogramAt + (<usize>(63 - <i32>clz(delta)) << 3);
  store<f64>(slot, load<f64>(slot) + 1);
}

/**
 * Scans rows [from, count) of the columns in memory; `maxLag` is the skew limit (ns, as a
 * double). Stops after a row that used the last gap sample before a refresh (then
 * timesStoppedAt() < count). Returns the number of records.
 */
export function scanTimes(from: i32, count: i32, maxLag: f64): i32 {
  let records = 0;
  let isStarted = started;
  let last = latest;
  let samples = left;
  const gaps = samples > 0;
  const limit = threshold;
  // The pair step below compares integers where the loop compares doubles: for an integer d
  // below 2^53, <f64>d > x ⇔ d > ⌊x⌋ (x ≥ 0). A gap limit of 2^53 or more (or none yet,
  // Infinity) clears every difference below 2^53; larger ones take the loop.
  const paired = maxLag >= 0 && maxLag < TWO_53 && (!gaps || limit >= 0);
  const lagLimit: u64 = paired ? <u64>maxLag : 0;
  const gapLimit: u64 = !paired || !gaps ? 0 : limit >= TWO_53 ? <u64>TWO_53 - 1 : <u64>limit;
  let i = from;
  while (i < count) {
    const at = <usize>i << 3;
    // Two rows a step while both are plainly in order: later than the latest (by at most the
    // gap limit), in the current day, ts_event at most maxLag before ts_init, and not the
    // last gap samples before a refresh. Such rows record nothing; the loop below does the rest.
    if (paired && i + 1 < count && isStarted && hasDay && (!gaps || samples > 2)) {
      const t0 = load<u64>(initAt + at);
      const t1 = load<u64>(initAt + at + 8);
      const e0 = load<u64>(eventAt + at);
      const e1 = load<u64>(eventAt + at + 8);
      const d0 = t0 - last;
      const d1 = t1 - t0;
      if (
        t0 > last && t1 > t0 && t0 >= dayStart && t1 - dayStart < NS_PER_DAY &&
        // e <= t too: a ts_event after its ts_init makes t - e wrap, to a small number when e is near 2^64.
        e0 <= t0 && t0 - e0 <= lagLimit && e1 <= t1 && t1 - e1 <= lagLimit &&
        (!gaps || (d0 <= gapLimit && d1 <= gapLimit))
      ) {
        if (gaps) {
          countGap(d0);
          countGap(d1);
          samples -= 2;
        }
        last = t1;
        i += 2;
        continue;
      }
    }
    const ts = load<u64>(initAt + at);
    let bits = 0;
    if (!hasDay || ts - dayStart >= NS_PER_DAY || ts < dayStart) {
      bits = DAY;
      hasDay = 1;
      dayStart = (ts / NS_PER_DAY) * NS_PER_DAY;
    }
    let refresh = false;
    if (!isStarted) {
      last = ts;
      isStarted = 1;
    } else if (ts > last) {
      if (gaps) {
        const delta = <f64>(ts - last);
        if (delta > limit) bits |= GAP;
        countGap(<u64>delta); // the rounded difference, as JavaScript buckets it (exact below 2^53)
        if (--samples == 0) refresh = true;
      }
      if (bits & GAP) store<u64>(recordLatestAt + (<usize>records << 3), last);
      last = ts;
    } else if (ts == last) {
      bits |= TIE;
    } else {
      bits |= ORDER;
      store<u64>(recordLatestAt + (<usize>records << 3), last);
    }
    const event = load<u64>(eventAt + at);
    if (event > ts || <f64>(ts - event) > maxLag) bits |= SKEW;
    if (bits != 0) {
      store<i32>(recordRowsAt + (<usize>records << 2), i);
      store<i32>(recordBitsAt + (<usize>records << 2), bits);
      records++;
    }
    i++;
    if (refresh) break;
  }
  started = isStarted;
  latest = last;
  left = samples;
  stoppedAt = i;
  return records;
}
