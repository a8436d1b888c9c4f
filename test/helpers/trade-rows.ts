/**
 * Trades for the tests of the trade checks (trade-fast-path.ts, the catalog's trade facts):
 * frames from raw rows, and every defect the trade rules flag.
 */
import { type FixedWidth, PRICE_ERROR, PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { META } from './seamless-setup.js';

/** Trades from raw (price, size, ts, id) rows. */
export function rawTrades(width: FixedWidth, rows: ReadonlyArray<readonly [bigint, bigint, bigint, string]>): Frame<'trade_tick'> {
  const frame = allocFrame('trade_tick', width, rows.length, META);
  rows.forEach(([price, size, ts, id], i) => {
    setFixedRaw(frame.columns.price, i, price);
    setFixedRaw(frame.columns.size, i, size);
    frame.columns.ts_init[i] = ts;
    frame.columns.ts_event[i] = ts;
    frame.columns.trade_id[i] = id;
    frame.columns.aggressor_side[i] = 1;
  });
  return frame;
}

export type Defect = 'price_zero' | 'price_negative' | 'size_zero' | 'price_undef' | 'price_error' | 'size_undef' | 'backwards' | 'repeat_id';

export function damage(frame: Frame<'trade_tick'>, row: number, defect: Defect): void {
  const c = frame.columns;
  const w = frame.width;
  switch (defect) {
    case 'price_zero': return setFixedRaw(c.price, row, 0n);
    case 'price_negative': return setFixedRaw(c.price, row, -(10n ** 12n));
    case 'size_zero': return setFixedRaw(c.size, row, 0n);
    case 'price_undef': return setFixedRaw(c.price, row, PRICE_UNDEF[w]);
    case 'price_error': return setFixedRaw(c.price, row, PRICE_ERROR[w]);
    case 'size_undef': return setFixedRaw(c.size, row, QUANTITY_UNDEF[w]);
    case 'backwards': c.ts_init[row] = c.ts_init[row - 1]! - 1n; return;
    case 'repeat_id': c.trade_id[row] = c.trade_id[row - 1]!; return;
  }
}

export const DEFECTS: Defect[] = ['price_zero', 'price_negative', 'size_zero', 'price_undef', 'price_error', 'size_undef', 'backwards', 'repeat_id'];

/** True when ids count up by one as canonical numbers of 1 to 15 digits: the catalog's rule (tradeIdsCountUp), written plainly. */
export function idsCountUpPlainly(ids: readonly string[]): boolean {
  const first = Number(ids[0]);
  return ids.length > 0 && ids.every((id, i) => /^(0|[1-9][0-9]{0,14})$/.test(id) && Number(id) === first + i);
}
