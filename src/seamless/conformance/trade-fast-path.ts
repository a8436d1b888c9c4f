/**
 * One pass that proves trade frames clean under every trade rule (no sentinel, price and
 * size above zero, `ts_init` in order, no trade id seen before), so serving clean trades from
 * storage needs neither joining the frames nor the rule engine. A frame decoded with trade
 * facts (src/catalog/trade-facts.ts) needs the pass over its ids only. Like quote-fast-path.ts it
 * answers only "certainly clean": a row it cannot clear leaves the frames to the engine,
 * which decides exactly.
 *
 * Ids: rising strictly, shorter before longer and equal lengths in string order, is a strict
 * order, so no id repeats; venues that number their trades pass with one comparison a row.
 */
import { tradeIdsCountUp, tradeMarkOf } from '../../catalog/trade-facts.js';
import type { Frame } from '../../model/frames.js';
import { tradeIdText } from '../../model/trade-id-numbers.js';
import { rawView } from './raw-view.js';

/** What the pass carries from frame to frame: the last time (see OrderState in quote-fast-path.ts) and id proven. */
export interface TradeOrderState {
  last: number;
  lastId: string | undefined;
}

/** A fresh state: the least time the pass can prove in order (u64 1), no id yet. */
export function tradeOrderStart(): TradeOrderState {
  return { last: Number.MIN_VALUE, lastId: undefined };
}

/** True when every row of `frame` is certainly clean; advances `state` past it when so. */
export function tradeFrameCertainlyClean(frame: Frame<'trade_tick'>, state: TradeOrderState): boolean {
  return provenBy(frame, state, false, (ts, n) => {
    const price = rawView(frame.columns.price).words;
    const size = rawView(frame.columns.size).words;
    return frame.width === 16 ? clean16(price, size, ts, n) : clean8(price, size, ts, n);
  });
}

/**
 * True when `frame`'s mark (src/catalog/trade-facts.ts) and its ids prove it certainly
 * clean; advances `state` past it when so. Ids the catalog proved to count up by one
 * (tradeIdsCountUp) rise strictly, so only the first is compared. Only for a frame just read
 * from storage (the provider's StreamProof): the facts say nothing about a frame changed since.
 */
export function markedTradesClean(frame: Frame<'trade_tick'>, state: TradeOrderState): boolean {
  return tradeMarkOf(frame) && provenBy(frame, state, tradeIdsCountUp(frame), () => true);
}

/**
 * The checks every proof of a trade frame shares: its first time not before the last proven,
 * `rowsClean` for its prices, sizes and times, and ids rising from the last proven (from its
 * first id on when `idsCountUp`). Advances `state` to the frame's last row when all pass.
 */
function provenBy(frame: Frame<'trade_tick'>, state: TradeOrderState, idsCountUp: boolean, rowsClean: (ts: Float64Array, n: number) => boolean): boolean {
  const c = frame.columns;
  const n = frame.length;
  if (n === 0) return true;
  const ts = new Float64Array(c.ts_init.buffer, c.ts_init.byteOffset, n);
  if (!(ts[0]! >= state.last)) return false;
  if (!rowsClean(ts, n)) return false;
  // Canonical numbers one apart: by length, then text, each id follows the one before.
  const last = state.lastId;
  if (!(idsCountUp ? last === undefined || idFollows(last, tradeIdText(c, 0)) : idsRise(c.trade_id, last))) return false;
  state.last = ts[n - 1]!;
  state.lastId = tradeIdText(c, n - 1);
  return true;
}

/** The pass over a run of trade frames in `ts_init` order. */
export function tradesCertainlyClean(frames: readonly Frame<'trade_tick'>[]): boolean {
  const state = tradeOrderStart();
  return frames.every((frame) => tradeFrameCertainlyClean(frame, state));
}

// Prices: top word (signed) above 0 and not 0x7FFFFFFF (the UNDEF sentinel's), or 0 with a
// lower word set: positive and finite. Sizes: not all zero, top word not all ones (the UNDEF
// sentinel's). Time: the float test of quote-fast-path.ts ("Time order"). The loops follow
// that file's compiled-code rules: nothing outside the loop but constants.

function clean16(price: Uint32Array, size: Uint32Array, ts: Float64Array, n: number): boolean {
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const k = i << 2;
    const pt = price[k + 3]! | 0;
    if (!(pt === 0 ? (price[k + 2]! | price[k + 1]! | price[k]!) !== 0 : pt > 0 && pt !== 0x7fffffff)) return false;
    const st = size[k + 3]!;
    if (st === 0xffffffff || (st | size[k + 2]! | size[k + 1]! | size[k]!) === 0) return false;
    const t = ts[i]!;
    if (!(t >= prev)) return false;
    prev = t;
  }
  return true;
}

function clean8(price: Uint32Array, size: Uint32Array, ts: Float64Array, n: number): boolean {
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const k = i << 1;
    const pt = price[k + 1]! | 0;
    if (!(pt === 0 ? price[k]! !== 0 : pt > 0 && pt !== 0x7fffffff)) return false;
    const st = size[k + 1]!;
    if (st === 0xffffffff || (st | size[k]!) === 0) return false;
    const t = ts[i]!;
    if (!(t >= prev)) return false;
    prev = t;
  }
  return true;
}

/** True when `id` comes after `previous` in the ids' strict order (see the file comment). */
export function idFollows(previous: string, id: string): boolean {
  return id.length > previous.length || (id.length === previous.length && id > previous);
}

/** True when `ids` rise strictly from `after` on. */
function idsRise(ids: readonly string[], after: string | undefined): boolean {
  let previous = after;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (previous !== undefined && !idFollows(previous, id)) return false;
    previous = id;
  }
  return true;
}
