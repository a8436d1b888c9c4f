/**
 * One entry of a NautilusTrader message-bus stream, decoded (spec §7.3, §7.5).
 *
 * Layouts (fields read by name, so either works):
 *   1.221.0   topic, payload
 *   later     topic, type, payload, encoding
 *
 * The `encoding` field is not trusted: Python publishers at HEAD always write `Json`, even for
 * msgpack payloads. The payload bytes decide instead: a JSON object starts with `{` (0x7B,
 * after optional whitespace), which as msgpack would be the integer 123 followed by extra
 * bytes, and a msgpack map starts with 0x80–0x8F, 0xDE or 0xDF, which is never valid JSON.
 * So we try the likely decoder first and the other one second; only when both fail is the
 * entry malformed.
 */
import { Decoder } from '@msgpack/msgpack';
import { decodeFlatMap } from './flat-msgpack.js';

export type PayloadEncoding = 'json' | 'msgpack';

export interface BusEntry {
  /** The source stream key. */
  readonly stream: string;
  /** The entry id, `<ms>-<seq>`. */
  readonly id: string;
  readonly topic: string;
  /** `type` field of later releases ('' when absent or empty). */
  readonly declaredType: string;
  /** `encoding` field of later releases, lower-cased ('' when absent). */
  readonly declaredEncoding: string;
  readonly payloadBytes: Buffer;
}

export interface DecodedPayload {
  readonly encoding: PayloadEncoding;
  readonly value: unknown;
}

/** A bus entry that cannot be read; `reason` names what is wrong. */
export class MalformedEntryError extends Error {
  override name = 'MalformedEntryError';
}

/**
 * Reads an entry's fields (as ioredis returns them with the *Buffer commands).
 * Throws MalformedEntryError when `topic` or `payload` is missing or a field has no value.
 */
export function readBusEntry(stream: string, id: string, fields: readonly Buffer[]): BusEntry {
  if (fields.length % 2 !== 0) throw new MalformedEntryError(`entry has an odd number of field items (${fields.length})`);
  let topic: string | undefined;
  let payload: Buffer | undefined;
  let declaredType = '';
  let declaredEncoding = '';
  for (let i = 0; i < fields.length; i += 2) {
    // Names compared as bytes: no string per field name on the hot path.
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (sameBytes(name, TOPIC)) topic = topicText(value);
    else if (sameBytes(name, PAYLOAD)) payload = value;
    else if (sameBytes(name, TYPE)) declaredType = value.toString('utf8');
    else if (sameBytes(name, ENCODING)) declaredEncoding = value.toString('utf8').toLowerCase();
  }
  if (topic === undefined) throw new MalformedEntryError('entry has no "topic" field (expected topic, payload[, type, encoding])');
  if (payload === undefined) throw new MalformedEntryError('entry has no "payload" field (expected topic, payload[, type, encoding])');
  return { stream, id, topic, declaredType, declaredEncoding, payloadBytes: payload };
}

const TOPIC = Buffer.from('topic');
const PAYLOAD = Buffer.from('payload');
const TYPE = Buffer.from('type');
const ENCODING = Buffer.from('encoding');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Consecutive entries of one stream carry the same topic: reuse its string while the bytes match.
let lastTopicBytes: Buffer = Buffer.alloc(0);
let lastTopic = '';

function topicText(value: Buffer): string {
  if (!sameBytes(value, lastTopicBytes)) {
    lastTopic = value.toString('utf8');
    lastTopicBytes = Buffer.from(value); // a copy: the reply buffer it points into is not ours to keep
  }
  return lastTopic;
}

// One decoder for the process: it caches map keys, which repeat in every payload.
// int64/uint64 become bigint so no integer is rounded (msgspec writes ints ≥ 2^32 that way).
const msgpack = new Decoder({ useBigInt64: true });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes payload bytes as JSON or msgpack, whichever they are.
 * Throws MalformedEntryError naming both failures when neither decodes the whole payload.
 */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  if (bytes.length === 0) throw new MalformedEntryError('payload is empty');
  const first = firstNonSpace(bytes);
  const looksJson = first === 0x7b || first === 0x5b || first === 0x22; // { [ "
  if (!looksJson) {
    // Flat maps (nearly every bus payload) take the fast path; anything else the generic decoder.
    const flat = decodeFlatMap(bytes);
    if (flat !== undefined) return { encoding: 'msgpack', value: flat };
  }
  const tryJson = (): DecodedPayload => ({ encoding: 'json', value: JSON.parse(utf8.decode(bytes)) as unknown });
  const tryMsgpack = (): DecodedPayload => ({ encoding: 'msgpack', value: msgpack.decode(bytes) });
  const [likely, other] = looksJson ? [tryJson, tryMsgpack] : [tryMsgpack, tryJson];
  try {
    return likely();
  } catch (firstError) {
    try {
      return other();
    } catch (secondError) {
      const [jsonError, msgpackError] = looksJson ? [firstError, secondError] : [secondError, firstError];
      throw new MalformedEntryError(`payload (${bytes.length} bytes, starting 0x${hex(bytes.subarray(0, 4))}) is neither JSON (${message(jsonError)}) nor msgpack (${message(msgpackError)})`);
    }
  }
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return undefined;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
