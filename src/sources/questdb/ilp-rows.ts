/**
 * Sends a frame's rows to QuestDB with the official ILP client, `batchRows` rows per HTTP
 * request. Each request is one transaction that QuestDB applies whole or not at all, and at
 * most two batches are held (one being built, one in flight), so memory stays bounded for
 * any frame.
 *
 * | column            | ILP call                                      | QuestDB column      |
 * |-------------------|-----------------------------------------------|---------------------|
 * | identifier        | `symbol('series', …)`                         | SYMBOL              |
 * | tie order         | `intColumn('seq', …)` (not for bars)          | INT                 |
 * | price, quantity   | `decimalColumn(name, bytes, 9 or 16)`         | DECIMAL(39, 16)     |
 * | aggressor_side    | `intColumn`                                   | BYTE                |
 * | trade_id          | `stringColumn`                                | VARCHAR             |
 * | ts_event          | `timestampColumn(…, 'ns')`                    | TIMESTAMP_NS        |
 * | ts_init           | `at(…, 'ns')`                                 | TIMESTAMP_NS `ts`   |
 */
import type { Sender } from '@questdb/nodejs-client';
import type { FixedColumn, Frame } from '../../model/frames.js';
import type { SeriesFrame } from '../../seamless/series.js';
import { ilpScale, unscaledBytes } from './decimal-codec.js';

type Fixed = Array<readonly [string, FixedColumn]>;

/** The frame's price and quantity columns in table order, and its non-decimal extras. */
function columnsOf(frame: SeriesFrame): { fixed: Fixed; side?: Uint8Array; tradeId?: string[] } {
  switch (frame.type) {
    case 'bar': {
      const c = (frame as Frame<'bar'>).columns;
      return { fixed: [['open', c.open], ['high', c.high], ['low', c.low], ['close', c.close], ['volume', c.volume]] };
    }
    case 'trade_tick': {
      const c = (frame as Frame<'trade_tick'>).columns;
      return { fixed: [['price', c.price], ['size', c.size]], side: c.aggressor_side, tradeId: c.trade_id };
    }
    case 'quote_tick': {
      const c = (frame as Frame<'quote_tick'>).columns;
      return { fixed: [['bid_price', c.bid_price], ['ask_price', c.ask_price], ['bid_size', c.bid_size], ['ask_size', c.ask_size]] };
    }
  }
}

/** Lets pending I/O run (the request in flight) without waiting for a timer. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
const ROWS_PER_YIELD = 4_096;

/**
 * Buffers and flushes every row of `frame` into `table` under `identifier`. Resolves once
 * QuestDB acknowledged the last request (committed to its WAL, not yet visible). Rejects with
 * the client's error on the first request that fails after the client's retries; earlier
 * batches stay committed, which is safe because the tables deduplicate re-sent rows.
 *
 * One request stays in flight while the next batch is built: `flush()` copies the buffer
 * before sending, so QuestDB ingests batch k while we encode batch k + 1. Memory holds at
 * most two batches.
 */
export async function sendFrame(sender: Sender, table: string, identifier: string, frame: SeriesFrame, batchRows: number): Promise<void> {
  const { fixed, side, tradeId } = columnsOf(frame);
  const { ts_event: tsEvent, ts_init: tsInit } = frame.columns as { ts_event: BigUint64Array; ts_init: BigUint64Array };
  const scale = ilpScale(frame.width);
  const withSeq = frame.type !== 'bar';
  let inFlight: Promise<boolean> | undefined;
  let seq = 0;
  for (let i = 0; i < frame.length; i++) {
    const ts = tsInit[i]!;
    seq = i > 0 && tsInit[i - 1] === ts ? seq + 1 : 0;
    sender.table(table).symbol('series', identifier);
    if (withSeq) sender.intColumn('seq', seq);
    for (const [name, column] of fixed) sender.decimalColumn(name, unscaledBytes(column, i), scale);
    if (side) sender.intColumn('aggressor_side', side[i]!);
    if (tradeId) sender.stringColumn('trade_id', tradeId[i]!);
    sender.timestampColumn('ts_event', tsEvent[i]!, 'ns');
    await sender.at(ts, 'ns');
    if ((i + 1) % batchRows === 0) {
      await inFlight;
      inFlight = sender.flush();
      inFlight.catch(() => undefined); // observed here, thrown where it is awaited
    } else if ((i + 1) % ROWS_PER_YIELD === 0 && inFlight) {
      await yieldToIo();
    }
  }
  await inFlight;
  await sender.flush();
}
