/**
 * Decides where one decoded bus message goes: a domain stream (by payload `type`), the raw
 * pass-through (types the bridge does not map), or nowhere (heartbeats, only counted).
 *
 * Throws (MalformedEntryError, PayloadShapeError, DecimalError) when a mapped type lacks a
 * field or has one of the wrong kind; the daemon sends such entries to the dead-letter stream.
 */
import type { DecodedPayload } from './bus-entry.js';
import type { Routing } from './domain-record.js';
import type { BridgeKeys } from './keys.js';
import { mapQuoteTick, mapTradeTick } from './market-mapper.js';
import { ORDER_EVENT_TYPES, mapOrderEvent, mapOrderFilled } from './order-mapper.js';
import { isPayloadMap } from './payload-fields.js';
import { POSITION_EVENT_TYPES, mapPositionEvent } from './position-mapper.js';

/** NautilusTrader's heartbeat topic (spec §7.3): an RFC 3339 string, not an event. */
export const HEARTBEAT_TOPIC = 'health:heartbeat';

export function routeMessage(topic: string, decoded: DecodedPayload, keys: BridgeKeys): Routing {
  if (topic === HEARTBEAT_TOPIC) return { route: 'heartbeat' };
  const payload = decoded.value;
  if (!isPayloadMap(payload) || typeof payload['type'] !== 'string') return { route: 'raw', type: '' };
  const type = payload['type'];
  if (type === 'QuoteTick') return { route: 'domain', record: mapQuoteTick(payload, keys) };
  if (type === 'TradeTick') return { route: 'domain', record: mapTradeTick(payload, keys) };
  if (type === 'OrderFilled') return { route: 'domain', record: mapOrderFilled(payload, keys) };
  if (ORDER_EVENT_TYPES.has(type)) return { route: 'domain', record: mapOrderEvent(payload, keys) };
  if (POSITION_EVENT_TYPES.has(type)) return { route: 'domain', record: mapPositionEvent(payload, keys) };
  return { route: 'raw', type };
}
