/**
 * Position events (topic `events.position.{strategy_id}`) → `exec:positions`, one record per
 * PositionOpened / PositionChanged / PositionClosed (and PositionAdjusted of later releases).
 *
 * NautilusTrader sends `signed_qty`, `avg_px_open`, `avg_px_close` and `realized_return` as
 * floats. `signed_qty` is rebuilt exactly from the decimal `quantity` and the side; the others
 * are written as JS's shortest round-trip text of the float (the payload had no exact value).
 * PositionClosed has no `ts_event`: its `ts_ns` is `ts_closed`.
 */
import type { BridgeKeys } from './keys.js';
import type { DomainRecord } from './domain-record.js';
import { type Payload, decimal, floatText, instrument, integerText, optDecimal, optMoney, optText, optTimestamp, text, timestamp } from './payload-fields.js';

export const POSITION_EVENT_TYPES: ReadonlySet<string> = new Set(['PositionOpened', 'PositionChanged', 'PositionClosed', 'PositionAdjusted']);

export function mapPositionEvent(payload: Payload, keys: BridgeKeys): DomainRecord {
  const type = text(payload, 'type');
  const { symbol, venue } = instrument(payload);
  const quantity = decimal(payload, 'quantity');
  const side = text(payload, 'side');
  const [realizedPnl, pnlCurrency] = optMoney(payload, 'realized_pnl');
  const [unrealizedPnl] = optMoney(payload, 'unrealized_pnl');
  const tsInit = timestamp(payload, 'ts_init');
  const fields: Record<string, string> = {
    status: type.replace(/^Position/, '').toLowerCase(),
    position_id: text(payload, 'position_id'),
    venue,
    symbol,
    instrument_id: text(payload, 'instrument_id'),
    side,
    entry: text(payload, 'entry'),
    qty: quantity,
    signed_qty: side === 'SHORT' && !/^0*\.?0*$/.test(quantity) ? `-${quantity}` : quantity,
    peak_qty: optDecimal(payload, 'peak_qty'),
    last_qty: optDecimal(payload, 'last_qty'),
    last_px: optDecimal(payload, 'last_px'),
    currency: optText(payload, 'currency'),
    avg_px_open: floatText(payload, 'avg_px_open'),
    avg_px_close: floatText(payload, 'avg_px_close'),
    realized_return: floatText(payload, 'realized_return'),
    realized_pnl: realizedPnl,
    unrealized_pnl: unrealizedPnl,
    pnl_currency: pnlCurrency,
    opening_order_id: optText(payload, 'opening_order_id'),
    closing_order_id: optText(payload, 'closing_order_id'),
    strategy_id: text(payload, 'strategy_id'),
    trader_id: text(payload, 'trader_id'),
    account_id: optText(payload, 'account_id'),
    duration_ns: integerText(payload, 'duration_ns'),
    event_id: text(payload, 'event_id'),
    ts_ns: type === 'PositionClosed' ? timestamp(payload, 'ts_closed') : timestamp(payload, 'ts_event'),
    ts_opened: optTimestamp(payload, 'ts_opened'),
    ts_init: tsInit,
  };
  return { kind: 'position', stream: keys.positions, fields, eventId: fields['event_id']!, tsInit };
}
