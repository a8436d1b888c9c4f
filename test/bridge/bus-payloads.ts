/**
 * NautilusTrader message-bus payloads built the way its MsgSpecSerializer builds them
 * (spec §7.5): the event's to_dict() keys in insertion order, every `ts_*` value a string of
 * nanoseconds, decimals as strings at their precision, Money as "2.00 USD", a few floats.
 * Encoded as JSON or msgpack, and written as stream entries in either layout (§7.3).
 */
import { randomUUID } from 'node:crypto';
import { encode } from '@msgpack/msgpack';
import type { Redis } from 'ioredis';

export type Encoding = 'json' | 'msgpack';
/** 1.221.0: topic, payload. 'head': topic, type, payload, encoding (encoding always "Json", as Python publishers write it). */
export type Layout = '1.221.0' | 'head';
export type Payload = Record<string, unknown>;

const TRADER = 'TESTER-001';
const STRATEGY = 'EMACross-001';
const ACCOUNT = 'SIM-001';

export function encodePayload(payload: unknown, encoding: Encoding): Buffer {
  return encoding === 'json' ? Buffer.from(JSON.stringify(payload)) : Buffer.from(encode(payload));
}

/** XADDs one bus entry; returns its id. */
export async function xaddBus(client: Redis, key: string, topic: string, payload: unknown, encoding: Encoding, layout: Layout): Promise<string> {
  const bytes = encodePayload(payload, encoding);
  // Python publishers at HEAD write type "" and encoding "Json" whatever the payload is.
  const fields: (string | Buffer)[] = layout === '1.221.0' ? ['topic', topic, 'payload', bytes] : ['topic', topic, 'type', '', 'payload', bytes, 'encoding', 'Json'];
  return (await client.xadd(key, '*', ...(fields as string[])))!;
}

/** The stream key NautilusTrader uses by default: trader-{id}:stream:{topic}. */
export function busKey(topic: string, trader = TRADER): string {
  return `trader-${trader}:stream:${topic}`;
}

interface OrderBase {
  instrumentId: string;
  clientOrderId: string;
  ts?: bigint;
}

function ids(base: OrderBase) {
  return { trader_id: TRADER, strategy_id: STRATEGY, instrument_id: base.instrumentId, client_order_id: base.clientOrderId };
}

function ts(base: { ts?: bigint }): string {
  return String(base.ts ?? 1_700_000_000_000_000_000n);
}

export function orderInitialized(base: OrderBase & { side: 'BUY' | 'SELL'; qty: string; price?: string; tif?: string }): Payload {
  return {
    type: 'OrderInitialized',
    ...ids(base),
    order_side: base.side,
    order_type: base.price === undefined ? 'MARKET' : 'LIMIT',
    quantity: base.qty,
    time_in_force: base.tif ?? 'GTC',
    post_only: false,
    reduce_only: false,
    quote_quantity: false,
    options: base.price === undefined ? {} : { price: base.price, display_qty: null, expire_time_ns: 0 },
    emulation_trigger: 'NO_TRIGGER',
    trigger_instrument_id: null,
    contingency_type: 'NO_CONTINGENCY',
    order_list_id: null,
    linked_order_ids: null,
    parent_order_id: null,
    exec_algorithm_id: null,
    exec_algorithm_params: null,
    exec_spawn_id: null,
    tags: null,
    event_id: randomUUID(),
    ts_init: ts(base),
    ts_event: ts(base),
    reconciliation: false,
  };
}

export function orderSubmitted(base: OrderBase): Payload {
  return { type: 'OrderSubmitted', ...ids(base), account_id: ACCOUNT, event_id: randomUUID(), ts_event: ts(base), ts_init: ts(base) };
}

export function orderAccepted(base: OrderBase & { venueOrderId: string }): Payload {
  return { type: 'OrderAccepted', ...ids(base), venue_order_id: base.venueOrderId, account_id: ACCOUNT, event_id: randomUUID(), ts_event: ts(base), ts_init: ts(base), reconciliation: false };
}

export function orderCanceled(base: OrderBase & { venueOrderId: string | null }): Payload {
  return { type: 'OrderCanceled', ...ids(base), venue_order_id: base.venueOrderId, account_id: ACCOUNT, event_id: randomUUID(), ts_event: ts(base), ts_init: ts(base), reconciliation: false };
}

export function orderExpired(base: OrderBase & { venueOrderId: string | null }): Payload {
  return { ...orderCanceled(base), type: 'OrderExpired' };
}

export function orderRejected(base: OrderBase & { reason: string }): Payload {
  return { type: 'OrderRejected', ...ids(base), account_id: ACCOUNT, reason: base.reason, event_id: randomUUID(), ts_event: ts(base), ts_init: ts(base), reconciliation: false, due_post_only: false };
}

export function orderUpdated(base: OrderBase & { venueOrderId: string; qty: string; price: string | null }): Payload {
  return { type: 'OrderUpdated', ...ids(base), venue_order_id: base.venueOrderId, account_id: ACCOUNT, quantity: base.qty, price: base.price, trigger_price: null, event_id: randomUUID(), ts_event: ts(base), ts_init: ts(base), reconciliation: false };
}

export function orderFilled(base: OrderBase & { venueOrderId: string; tradeId: string; side: 'BUY' | 'SELL'; qty: string; px: string; commission: string; eventId?: string }): Payload {
  return {
    type: 'OrderFilled',
    ...ids(base),
    venue_order_id: base.venueOrderId,
    account_id: ACCOUNT,
    trade_id: base.tradeId,
    position_id: null,
    order_side: base.side,
    order_type: 'MARKET',
    last_qty: base.qty,
    last_px: base.px,
    currency: 'USD',
    commission: base.commission,
    liquidity_side: 'TAKER',
    event_id: base.eventId ?? randomUUID(),
    ts_event: ts(base),
    ts_init: ts(base),
    info: {},
    reconciliation: false,
  };
}

function positionBase(instrumentId: string, positionId: string) {
  return { trader_id: TRADER, strategy_id: STRATEGY, instrument_id: instrumentId, position_id: positionId, account_id: ACCOUNT, opening_order_id: 'O-1' };
}

export function positionOpened(p: { instrumentId: string; positionId: string; side: 'LONG' | 'SHORT'; qty: string; px: string; ts?: bigint }): Payload {
  return {
    type: 'PositionOpened',
    ...positionBase(p.instrumentId, p.positionId),
    entry: p.side === 'LONG' ? 'BUY' : 'SELL',
    side: p.side,
    signed_qty: (p.side === 'LONG' ? 1 : -1) * Number(p.qty),
    quantity: p.qty,
    peak_qty: p.qty,
    last_qty: p.qty,
    last_px: p.px,
    currency: 'USD',
    avg_px_open: Number(p.px),
    realized_pnl: '-0.20 USD',
    duration_ns: 0,
    event_id: randomUUID(),
    ts_event: ts(p),
    ts_init: ts(p),
  };
}

export function positionChanged(p: { instrumentId: string; positionId: string; side: 'LONG' | 'SHORT'; qty: string; px: string; ts?: bigint }): Payload {
  return {
    type: 'PositionChanged',
    ...positionBase(p.instrumentId, p.positionId),
    entry: p.side === 'LONG' ? 'BUY' : 'SELL',
    side: p.side,
    signed_qty: (p.side === 'LONG' ? 1 : -1) * Number(p.qty),
    quantity: p.qty,
    peak_qty: p.qty,
    last_qty: p.qty,
    last_px: p.px,
    currency: 'USD',
    avg_px_open: Number(p.px),
    avg_px_close: 0.0,
    realized_return: 0.0,
    realized_pnl: '0.00 USD',
    unrealized_pnl: '12.50 USD',
    event_id: randomUUID(),
    ts_opened: ts(p),
    ts_event: ts(p),
    ts_init: ts(p),
  };
}

/** PositionClosed: no ts_event key (spec §7.5). */
export function positionClosed(p: { instrumentId: string; positionId: string; qty: string; px: string; ts?: bigint }): Payload {
  return {
    type: 'PositionClosed',
    ...positionBase(p.instrumentId, p.positionId),
    closing_order_id: 'O-2',
    entry: 'BUY',
    side: 'FLAT',
    signed_qty: 0.0,
    quantity: '0',
    peak_qty: p.qty,
    last_qty: p.qty,
    last_px: p.px,
    currency: 'USD',
    avg_px_open: 1.1,
    avg_px_close: Number(p.px),
    realized_return: 0.0125,
    realized_pnl: '125.00 USD',
    event_id: randomUUID(),
    ts_opened: ts(p),
    ts_closed: ts(p),
    duration_ns: 60_000_000_000,
    ts_init: ts(p),
  };
}

export function quoteTick(q: { instrumentId: string; bid: string; ask: string; bidSize?: string; askSize?: string; ts?: bigint; tsInit?: bigint }): Payload {
  return {
    type: 'QuoteTick',
    instrument_id: q.instrumentId,
    bid_price: q.bid,
    ask_price: q.ask,
    bid_size: q.bidSize ?? '1000000',
    ask_size: q.askSize ?? '1000000',
    ts_event: ts(q),
    ts_init: String(q.tsInit ?? q.ts ?? 1_700_000_000_000_000_000n),
  };
}

export function tradeTick(t: { instrumentId: string; price: string; size: string; aggressor: 'BUYER' | 'SELLER' | 'NO_AGGRESSOR'; tradeId: string; ts?: bigint }): Payload {
  return { type: 'TradeTick', instrument_id: t.instrumentId, price: t.price, size: t.size, aggressor_side: t.aggressor, trade_id: t.tradeId, ts_event: ts(t), ts_init: ts(t) };
}
