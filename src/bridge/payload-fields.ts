/**
 * Reading one field of a decoded NautilusTrader payload (spec §7.5) with the type rules the
 * serializer guarantees, each failure naming the event type, the field and the value:
 *
 * | helper     | accepts                                   | returns                     |
 * |------------|-------------------------------------------|-----------------------------|
 * | text       | string                                    | as is                       |
 * | optText    | string or null/absent                     | as is, or ''                |
 * | decimal    | plain decimal string ("1.10000")          | as is (never via a float)   |
 * | optDecimal | decimal string or null                    | as is, or ''                |
 * | money      | "<decimal> <CCY>" ("-2.00 USD")           | [amount, currency]          |
 * | timestamp  | ns digits, ISO-8601 (timestamps_as_iso8601) or an integer | ns digits  |
 * | floatText  | number (Nautilus floats: avg_px_open, …)   | shortest round-trip text   |
 * | integerText| integer number or bigint                  | digits                      |
 * | flag       | boolean                                   | '1' / '0'                   |
 */
import { type InstrumentIdParts, parseInstrumentId } from '../model/identifiers.js';
import { parseTimeArg } from '../model/time.js';
import { isDecimalText } from './decimal.js';

export type Payload = Readonly<Record<string, unknown>>;

/** A payload that decodes but does not have the shape its type requires. */
export class PayloadShapeError extends Error {
  override name = 'PayloadShapeError';
}

function fail(payload: Payload, key: string, expected: string): never {
  const type = typeof payload['type'] === 'string' ? payload['type'] : 'payload';
  const value = payload[key];
  const shown = value === undefined ? 'missing' : `${describe(value)} (${typeof value})`;
  throw new PayloadShapeError(`${type}.${key} must be ${expected}, was ${shown}`);
}

function describe(value: unknown): string {
  const text = typeof value === 'bigint' ? value.toString() : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function text(payload: Payload, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') fail(payload, key, 'a string');
  return value;
}

export function optText(payload: Payload, key: string): string {
  const value = payload[key];
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') fail(payload, key, 'a string or null');
  return value;
}

export function decimal(payload: Payload, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string' || !isDecimalText(value)) fail(payload, key, 'a decimal string like "1.25"');
  return value;
}

export function optDecimal(payload: Payload, key: string): string {
  const value = payload[key];
  if (value === null || value === undefined) return '';
  return decimal(payload, key);
}

const MONEY_TEXT = /^(-?\d+(?:\.\d+)?) ([A-Za-z0-9_\-/]{1,16})$/;

/** Splits Money text ("2.00 USD") into amount and currency. */
export function money(payload: Payload, key: string): [amount: string, currency: string] {
  const value = payload[key];
  const match = typeof value === 'string' ? MONEY_TEXT.exec(value) : null;
  if (match === null) fail(payload, key, 'money text like "2.00 USD"');
  return [match[1]!, match[2]!];
}

/** Money that may be null or absent: ['', ''] then. */
export function optMoney(payload: Payload, key: string): [amount: string, currency: string] {
  const value = payload[key];
  if (value === null || value === undefined) return ['', ''];
  return money(payload, key);
}

/** A `ts_*` value as nanosecond digits. */
export function timestamp(payload: Payload, key: string): string {
  const value = payload[key];
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return value;
    try {
      return parseTimeArg(value).toString();
    } catch {
      fail(payload, key, 'nanosecond digits or ISO-8601 text');
    }
  }
  // The serializer always writes strings; integers are accepted from other producers.
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  fail(payload, key, 'nanosecond digits or ISO-8601 text');
}

export function optTimestamp(payload: Payload, key: string): string {
  const value = payload[key];
  return value === null || value === undefined ? '' : timestamp(payload, key);
}

/** A float field (Nautilus sends a few as floats): JS's shortest round-trip text. */
export function floatText(payload: Payload, key: string): string {
  const value = payload[key];
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(payload, key, 'a finite number');
  return String(value);
}

export function integerText(payload: Payload, key: string): string {
  const value = payload[key];
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(payload, key, 'an integer');
  return String(value);
}

export function flag(payload: Payload, key: string): string {
  const value = payload[key];
  if (value === null || value === undefined) return '';
  if (typeof value !== 'boolean') fail(payload, key, 'true or false');
  return value ? '1' : '0';
}

/** A nested map (OrderInitialized.options), or an empty one when null/absent. */
export function nested(payload: Payload, key: string): Payload {
  const value = payload[key];
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(payload, key, 'a map');
  return value as Payload;
}

// Instrument ids repeat in every tick: parse each once (bounded, cleared when full).
const instrumentCache = new Map<string, InstrumentIdParts>();
const INSTRUMENT_CACHE_MAX = 10_000;

/** The instrument id split into symbol and venue. */
export function instrument(payload: Payload, key = 'instrument_id'): InstrumentIdParts {
  const id = text(payload, key);
  let parts = instrumentCache.get(id);
  if (parts === undefined) {
    try {
      parts = parseInstrumentId(id);
    } catch {
      fail(payload, key, 'an instrument id "{symbol}.{venue}"');
    }
    if (instrumentCache.size >= INSTRUMENT_CACHE_MAX) instrumentCache.clear();
    instrumentCache.set(id, parts);
  }
  return parts;
}

/** True for a decoded map (not an array, not a primitive). */
export function isPayloadMap(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
