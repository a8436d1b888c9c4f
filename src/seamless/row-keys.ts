/**
 * Identity of a row for de-duplication at the history/live seam: trades by venue trade id
 * (else by ts, price, size and side), quotes by all their values, bars by their close.
 * Keys are exact strings of the raw values, so two different rows never collide.
 */
import { type FixedColumn, type Frame, tsInitOf } from '../model/frames.js';
import type { SeriesFrame } from './series.js';

function raw(column: FixedColumn, i: number): string {
  let text = '';
  const { bytes, width } = column;
  for (let b = i * width; b < (i + 1) * width; b++) text += bytes[b]!.toString(16).padStart(2, '0');
  return text;
}

export function rowKey(frame: SeriesFrame, i: number): string {
  const ts = tsInitOf(frame)[i]!;
  switch (frame.type) {
    case 'bar':
      return `b:${ts}`;
    case 'trade_tick': {
      const c = (frame as unknown as Frame<'trade_tick'>).columns;
      const id = c.trade_id[i]!;
      return id !== '' ? `t:${id}` : `t:${ts}:${raw(c.price, i)}:${raw(c.size, i)}:${c.aggressor_side[i]}`;
    }
    case 'quote_tick': {
      const c = (frame as unknown as Frame<'quote_tick'>).columns;
      return `q:${ts}:${raw(c.bid_price, i)}:${raw(c.ask_price, i)}:${raw(c.bid_size, i)}:${raw(c.ask_size, i)}`;
    }
  }
}
