/**
 * Order events (topic `events.order.{strategy_id}`) → `exec:orders`, and OrderFilled →
 * `exec:fills`. Every order record carries the same identity fields; each status adds its own.
 * The table with every field is in docs/bridge.md.
 *
 * OrderAccepted carries no side, quantity or time in force: the record is completed from the
 * OrderInitialized of the same client order id (see order-init-cache.ts), hence `needsInit`.
 * OrderCanceled and OrderExpired have no reason in NautilusTrader's payload, so `reason` is ''.
 */
import type { BridgeKeys } from './keys.js';
import type { DomainRecord, OrderInit } from './domain-record.js';
import { type Payload, decimal, flag, instrument, money, nested, optDecimal, optText, text, timestamp } from './payload-fields.js';

/** Order event types mapped to `exec:orders` (OrderFilled goes to `exec:fills`). */
export const ORDER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'OrderInitialized',
  'OrderDenied',
  'OrderEmulated',
  'OrderReleased',
  'OrderSubmitted',
  'OrderAccepted',
  'OrderRejected',
  'OrderCanceled',
  'OrderExpired',
  'OrderTriggered',
  'OrderPendingUpdate',
  'OrderPendingCancel',
  'OrderModifyRejected',
  'OrderCancelRejected',
  'OrderUpdated',
]);

/** `OrderPendingCancel` → `pending_cancel`. */
export function orderStatus(type: string): string {
  return type
    .replace(/^Order/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function mapOrderEvent(payload: Payload, keys: BridgeKeys): DomainRecord {
  const type = text(payload, 'type');
  const { symbol, venue } = instrument(payload);
  const clientOrderId = text(payload, 'client_order_id');
  const fields: Record<string, string> = {
    status: orderStatus(type),
    venue,
    cl_ord_id: clientOrderId,
    symbol,
    instrument_id: text(payload, 'instrument_id'),
    venue_order_id: optText(payload, 'venue_order_id'),
    strategy_id: text(payload, 'strategy_id'),
    trader_id: text(payload, 'trader_id'),
    account_id: optText(payload, 'account_id'),
  };
  let remember: DomainRecord['remember'];
  let needsInit: string | undefined;
  switch (type) {
    case 'OrderInitialized': {
      const init = orderInit(payload);
      Object.assign(fields, init, { reduce_only: flag(payload, 'reduce_only'), post_only: flag(payload, 'post_only') });
      remember = { clientOrderId, init };
      break;
    }
    case 'OrderAccepted':
      Object.assign(fields, { side: '', qty: '', tif: '', order_type: '', price: '' });
      needsInit = clientOrderId;
      break;
    case 'OrderUpdated':
      fields['qty'] = decimal(payload, 'quantity');
      fields['price'] = optDecimal(payload, 'price');
      fields['trigger_price'] = optDecimal(payload, 'trigger_price');
      break;
    case 'OrderRejected':
      fields['reason'] = optText(payload, 'reason');
      fields['due_post_only'] = flag(payload, 'due_post_only');
      break;
    case 'OrderDenied':
    case 'OrderModifyRejected':
    case 'OrderCancelRejected':
    case 'OrderCanceled':
    case 'OrderExpired':
      fields['reason'] = optText(payload, 'reason');
      break;
  }
  const tsInit = timestamp(payload, 'ts_init');
  fields['event_id'] = text(payload, 'event_id');
  fields['ts_ns'] = timestamp(payload, 'ts_event');
  fields['ts_init'] = tsInit;
  return {
    kind: 'order',
    stream: keys.orders,
    fields,
    eventId: fields['event_id']!,
    tsInit,
    ...(remember ? { remember } : {}),
    ...(needsInit ? { needsInit } : {}),
  };
}

function orderInit(payload: Payload): OrderInit {
  const options = nested(payload, 'options');
  const price = options['price'];
  return {
    side: text(payload, 'order_side'),
    qty: decimal(payload, 'quantity'),
    tif: text(payload, 'time_in_force'),
    order_type: text(payload, 'order_type'),
    price: typeof price === 'string' ? decimal(options, 'price') : '',
  };
}

export function mapOrderFilled(payload: Payload, keys: BridgeKeys): DomainRecord {
  const { symbol, venue } = instrument(payload);
  const [fee, feeCurrency] = money(payload, 'commission');
  const tsInit = timestamp(payload, 'ts_init');
  const fields: Record<string, string> = {
    fill_id: text(payload, 'trade_id'),
    cl_ord_id: text(payload, 'client_order_id'),
    price: decimal(payload, 'last_px'),
    qty: decimal(payload, 'last_qty'),
    fee,
    venue,
    ts_ns: timestamp(payload, 'ts_event'),
    fee_currency: feeCurrency,
    side: text(payload, 'order_side'),
    symbol,
    instrument_id: text(payload, 'instrument_id'),
    venue_order_id: text(payload, 'venue_order_id'),
    position_id: optText(payload, 'position_id'),
    order_type: text(payload, 'order_type'),
    liquidity: text(payload, 'liquidity_side'),
    currency: text(payload, 'currency'),
    strategy_id: text(payload, 'strategy_id'),
    trader_id: text(payload, 'trader_id'),
    account_id: text(payload, 'account_id'),
    event_id: text(payload, 'event_id'),
    ts_init: tsInit,
  };
  return { kind: 'fill', stream: keys.fills, fields, eventId: fields['event_id']!, tsInit };
}
