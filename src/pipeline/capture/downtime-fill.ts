/**
 * After a restart, the time the capture was not running: the live feed starts at "now", so
 * the rows between the last one recorded (kept in the WAL state) and the first live one are
 * fetched from REST where the exchange keeps them, and recorded as a gap where it does not.
 *
 * - trades on exchanges with consecutive trade ids: exactly the ids between the two, so a
 *   restart (even after `kill -9`) leaves no hole and no repeat;
 * - bars: the closed bars between the two, from REST (the stream only starts at the next close);
 * - quotes, and trades without consecutive ids: a gap, since they cannot be matched exactly.
 *
 * `alreadyRecorded` drops live rows at or before the last recorded one (a quick restart can
 * see the same bar or trade again).
 */
import { NS_PER_MS } from '../../model/time.js';
import { tsInitOf } from '../../model/frames.js';
import type { Backfiller } from '../../seamless/contracts.js';
import type { Series, SeriesFrame } from '../../seamless/series.js';
import { errorText } from '../../exchanges/ccxt-errors.js';
import type { StreamPosition } from './capture-state.js';
import { filterRows } from './frame-merge.js';

export type FillEvent =
  | { readonly type: 'rows'; readonly frame: SeriesFrame }
  | { readonly type: 'gap'; readonly start: bigint; readonly end: bigint; readonly reason: string };

const DIGITS = /^\d+$/;

function tradeIds(frame: SeriesFrame): string[] {
  return (frame.columns as unknown as { trade_id: string[] }).trade_id;
}

/** The live frame without rows the previous run already recorded. */
export function withoutRecorded(series: Series, frame: SeriesFrame, position: StreamPosition, sequential: boolean): SeriesFrame {
  const ts = tsInitOf(frame);
  if (series.kind === 'tick' && sequential && position.lastTradeId !== undefined && DIGITS.test(position.lastTradeId)) {
    const last = BigInt(position.lastTradeId);
    const ids = tradeIds(frame);
    return filterRows(frame, (i) => !DIGITS.test(ids[i]!) || BigInt(ids[i]!) > last);
  }
  if (series.kind === 'ohlcv') return filterRows(frame, (i) => ts[i]! > position.lastTs);
  return frame;
}

/** Rows (and gaps) between `position` and the first live frame. */
export async function* fillDowntime(series: Series, position: StreamPosition, firstLive: SeriesFrame, backfiller: Backfiller, sequential: boolean, signal?: AbortSignal): AsyncGenerator<FillEvent> {
  const firstTs = tsInitOf(firstLive)[0]!;
  if (firstTs <= position.lastTs) return;
  const notRunning = 'the capture was not running';
  if (series.kind === 'quote') {
    yield { type: 'gap', start: position.lastTs + 1n, end: firstTs, reason: `${notRunning}; exchanges keep no quote history to fill it from` };
    return;
  }
  if (series.kind === 'tick') {
    const lastId = position.lastTradeId;
    const firstId = tradeIds(firstLive)[0]!;
    if (!sequential || lastId === undefined || !DIGITS.test(lastId) || !DIGITS.test(firstId)) {
      yield { type: 'gap', start: position.lastTs + 1n, end: firstTs, reason: `${notRunning}; trades without consecutive ids cannot be matched exactly to fill it` };
      return;
    }
    const low = BigInt(lastId);
    const high = BigInt(firstId);
    const expected = high - low - 1n;
    if (expected <= 0n) return;
    const range = { start: position.lastTs, end: firstTs + NS_PER_MS };
    yield* fetchMissing(series, range, backfiller, signal, expected, (frame) => {
      const ids = tradeIds(frame);
      return filterRows(frame, (i) => DIGITS.test(ids[i]!) && BigInt(ids[i]!) > low && BigInt(ids[i]!) < high);
    }, { start: position.lastTs + 1n, end: firstTs }, `trades between ids ${lastId} and ${firstId} (${notRunning})`);
    return;
  }
  const step = series.stepNs!;
  const expected = (firstTs - position.lastTs) / step - 1n;
  if (expected <= 0n) return;
  // Bars closing in (lastTs, firstTs) open in [lastTs, firstTs - 2·step] and end by firstTs - step.
  yield* fetchMissing(series, { start: position.lastTs, end: firstTs - step }, backfiller, signal, expected, (frame) => {
    const ts = tsInitOf(frame);
    return filterRows(frame, (i) => ts[i]! > position.lastTs && ts[i]! < firstTs);
  }, { start: position.lastTs + 1n, end: firstTs }, `bars closing between the last recorded and the first live one (${notRunning})`);
}

async function* fetchMissing(
  series: Series,
  range: { start: bigint; end: bigint },
  backfiller: Backfiller,
  signal: AbortSignal | undefined,
  expected: bigint,
  keep: (frame: SeriesFrame) => SeriesFrame,
  gapRange: { start: bigint; end: bigint },
  what: string,
): AsyncGenerator<FillEvent> {
  let got = 0n;
  try {
    for await (const page of backfiller.backfill(series, range, signal)) {
      const frame = keep(page);
      if (frame.length === 0) continue;
      got += BigInt(frame.length);
      yield { type: 'rows', frame };
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    yield { type: 'gap', ...gapRange, reason: `${what} could not be fetched from REST: ${errorText(error)}` };
    return;
  }
  if (got < expected) yield { type: 'gap', ...gapRange, reason: `${expected - got} of ${expected} ${what} are missing from REST too` };
}
