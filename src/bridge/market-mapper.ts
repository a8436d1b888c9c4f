/**
 * Market data → `market.raw.*`:
 *   QuoteTick → market.raw.<VENUE>.<symbol>   bid_px, bid_sz, ask_px, ask_sz, mid, ts_ns, …
 *   TradeTick → market.raw.trades.<symbol>    price, size, side, ts_ns, trade_id, …
 *
 * `<asset>` in the quote stream name is the venue as written in the instrument id (`BINANCE`,
 * `SIM`): the only grouping a QuoteTick payload carries (the asset class would need the
 * instrument definition). `mid` is (bid + ask) / 2 in exact decimal math, with one more decimal
 * than the prices only when the sum is odd. Trade `side` is the aggressor: BUYER → BUY,
 * SELLER → SELL, NO_AGGRESSOR → NONE.
 */
import { midText } from './decimal.js';
import type { BridgeKeys } from './keys.js';
import type { DomainRecord } from './domain-record.js';
import { type Payload, PayloadShapeError, decimal, instrument, text, timestamp } from './payload-fields.js';

export function mapQuoteTick(payload: Payload, keys: BridgeKeys): DomainRecord {
  const { symbol, venue, value } = instrument(payload);
  const bid = decimal(payload, 'bid_price');
  const ask = decimal(payload, 'ask_price');
  const tsInit = timestamp(payload, 'ts_init');
  const fields: Record<string, string> = {
    bid_px: bid,
    bid_sz: decimal(payload, 'bid_size'),
    ask_px: ask,
    ask_sz: decimal(payload, 'ask_size'),
    mid: midText(bid, ask),
    ts_ns: timestamp(payload, 'ts_event'),
    ts_init: tsInit,
    instrument_id: value,
  };
  return { kind: 'quote', stream: keys.quotes(venue, symbol), fields, tsInit };
}

const AGGRESSOR_SIDE: Readonly<Record<string, string>> = { BUYER: 'BUY', SELLER: 'SELL', NO_AGGRESSOR: 'NONE' };

export function mapTradeTick(payload: Payload, keys: BridgeKeys): DomainRecord {
  const { symbol, venue, value } = instrument(payload);
  const aggressor = text(payload, 'aggressor_side');
  const side = AGGRESSOR_SIDE[aggressor.toUpperCase()];
  if (side === undefined) throw new PayloadShapeError(`TradeTick.aggressor_side must be BUYER, SELLER or NO_AGGRESSOR, was "${aggressor}"`);
  const tsInit = timestamp(payload, 'ts_init');
  const fields: Record<string, string> = {
    price: decimal(payload, 'price'),
    size: decimal(payload, 'size'),
    side,
    ts_ns: timestamp(payload, 'ts_event'),
    trade_id: text(payload, 'trade_id'),
    ts_init: tsInit,
    instrument_id: value,
    venue,
  };
  return { kind: 'trade', stream: keys.trades(symbol), fields, tsInit };
}
