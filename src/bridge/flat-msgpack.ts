/**
 * A fast path for the payloads NautilusTrader's msgpack serializer writes on the bus
 * (spec §7.5): ONE flat map of str keys to str, int, bool, nil or float values. Market data
 * (QuoteTick, TradeTick) and most order events are exactly that.
 *
 * decodeFlatMap returns the same value @msgpack/msgpack's `Decoder({ useBigInt64: true })`
 * would (int64/uint64 as bigint, uint32 and smaller as number, float32 widened), or `undefined`
 * for anything else — nested maps or arrays, bin, ext, non-str keys, `__proto__`, invalid UTF-8,
 * truncated input, trailing bytes — which the caller then hands to the generic decoder, so
 * unusual payloads get exactly the generic behaviour and error messages.
 *
 * Why it is faster: no per-value dispatch through a general state machine, keys are reused
 * from the previous payload when their bytes match (payloads of one type repeat their keys in
 * the same order), and ASCII strings are built directly from the bytes.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Key strings seen at each position of the previous maps, with their bytes (latin1 chars). */
const KEY_SLOTS = 64;
const keyBytes: (Uint8Array | undefined)[] = new Array(KEY_SLOTS);
const keyTexts: string[] = new Array(KEY_SLOTS);
/** The same for short str values. */
const CACHED_MAX = 32;
const valueBytes: (Uint8Array | undefined)[] = new Array(KEY_SLOTS);
const valueTexts: string[] = new Array(KEY_SLOTS);

/** Why a value could not be read by the fast path. */
const NOT_FLAT = Symbol('not flat');

export function decodeFlatMap(input: Uint8Array): Record<string, unknown> | undefined {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = bytes.length;
  if (end === 0) return undefined;
  const head = bytes[0]!;
  let count: number;
  let pos: number;
  if (head >= 0x80 && head <= 0x8f) {
    count = head & 0x0f;
    pos = 1;
  } else if (head === 0xde && end >= 3) {
    count = (bytes[1]! << 8) | bytes[2]!;
    pos = 3;
  } else {
    return undefined; // map32 (never for a flat event) and anything else: the generic decoder
  }
  const map: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    // Key: str only.
    if (pos >= end) return undefined;
    const kh = bytes[pos]!;
    let klen: number;
    if ((kh & 0xe0) === 0xa0) {
      klen = kh & 0x1f;
      pos += 1;
    } else if (kh === 0xd9 && pos + 1 < end) {
      klen = bytes[pos + 1]!;
      pos += 2;
    } else return undefined;
    if (pos + klen > end) return undefined;
    const key = keyAt(i, bytes, pos, klen);
    if (key === undefined || key === '__proto__') return undefined;
    pos += klen;
    // Value.
    if (pos >= end) return undefined;
    const h = bytes[pos++]!;
    let value: unknown;
    if (h < 0x80) value = h;
    else if ((h & 0xe0) === 0xa0) {
      value = cachedStr(valueBytes, valueTexts, i, bytes, pos, h & 0x1f, end);
      pos += h & 0x1f;
    } else if (h >= 0xe0) value = h - 0x100;
    else {
      switch (h) {
        case 0xc0:
          value = null;
          break;
        case 0xc2:
          value = false;
          break;
        case 0xc3:
          value = true;
          break;
        case 0xd9: {
          if (pos + 1 > end) return undefined;
          const n = bytes[pos]!;
          value = cachedStr(valueBytes, valueTexts, i, bytes, pos + 1, n, end);
          pos += 1 + n;
          break;
        }
        case 0xda: {
          if (pos + 2 > end) return undefined;
          const n = bytes.readUInt16BE(pos);
          value = str(bytes, pos + 2, n, end);
          pos += 2 + n;
          break;
        }
        case 0xdb: {
          if (pos + 4 > end) return undefined;
          const n = bytes.readUInt32BE(pos);
          value = str(bytes, pos + 4, n, end);
          pos += 4 + n;
          break;
        }
        case 0xcc:
          if (pos + 1 > end) return undefined;
          value = bytes[pos];
          pos += 1;
          break;
        case 0xcd:
          if (pos + 2 > end) return undefined;
          value = bytes.readUInt16BE(pos);
          pos += 2;
          break;
        case 0xce:
          if (pos + 4 > end) return undefined;
          value = bytes.readUInt32BE(pos);
          pos += 4;
          break;
        case 0xcf:
          if (pos + 8 > end) return undefined;
          value = bytes.readBigUInt64BE(pos);
          pos += 8;
          break;
        case 0xd0:
          if (pos + 1 > end) return undefined;
          value = bytes.readInt8(pos);
          pos += 1;
          break;
        case 0xd1:
          if (pos + 2 > end) return undefined;
          value = bytes.readInt16BE(pos);
          pos += 2;
          break;
        case 0xd2:
          if (pos + 4 > end) return undefined;
          value = bytes.readInt32BE(pos);
          pos += 4;
          break;
        case 0xd3:
          if (pos + 8 > end) return undefined;
          value = bytes.readBigInt64BE(pos);
          pos += 8;
          break;
        case 0xca:
          if (pos + 4 > end) return undefined;
          value = bytes.readFloatBE(pos);
          pos += 4;
          break;
        case 0xcb:
          if (pos + 8 > end) return undefined;
          value = bytes.readDoubleBE(pos);
          pos += 8;
          break;
        default:
          return undefined; // nested map/array, bin, ext, never-used bytes
      }
    }
    if (value === NOT_FLAT) return undefined;
    map[key] = value;
  }
  return pos === end ? map : undefined;
}

/** The key at map position `slot`: the previous payload's string when the bytes are the same. */
function keyAt(slot: number, bytes: Buffer, start: number, length: number): string | undefined {
  const text = cachedStr(keyBytes, keyTexts, slot, bytes, start, length, start + length);
  return typeof text === 'string' ? text : undefined;
}

/**
 * A str value at map position `slot`, reusing the string of the previous payload's value at
 * that position when the bytes are the same (type, instrument id, sizes and often prices repeat
 * from tick to tick): a byte compare is cheaper than a new string.
 */
function cachedStr(cacheBytes: (Uint8Array | undefined)[], cacheTexts: string[], slot: number, bytes: Buffer, start: number, length: number, end: number): string | typeof NOT_FLAT {
  if (start + length > end) return NOT_FLAT;
  if (slot >= KEY_SLOTS || length > CACHED_MAX) return str(bytes, start, length, end);
  const known = cacheBytes[slot];
  if (known !== undefined && known.length === length) {
    let same = true;
    for (let j = length - 1; j >= 0; j--) {
      // From the end: timestamps and prices share their first digits, not their last.
      if (known[j] !== bytes[start + j]) {
        same = false;
        break;
      }
    }
    if (same) return cacheTexts[slot]!;
  }
  const text = str(bytes, start, length, end);
  if (typeof text === 'string') {
    // A copy: a view would pin the whole ioredis reply buffer the payload lives in.
    cacheBytes[slot] = Uint8Array.prototype.slice.call(bytes, start, start + length);
    cacheTexts[slot] = text;
  }
  return text;
}

/** UTF-8 text of bytes[start, start + length); NOT_FLAT when out of range or not valid UTF-8. */
function str(bytes: Buffer, start: number, length: number, end: number): string | typeof NOT_FLAT {
  if (start + length > end) return NOT_FLAT;
  for (let j = start; j < start + length; j++) {
    if (bytes[j]! >= 0x80) return utf8Text(bytes, start, length);
  }
  // ASCII: chars are the bytes, and latin1 decoding builds the string natively without validation.
  return bytes.toString('latin1', start, start + length);
}

function utf8Text(bytes: Uint8Array, start: number, length: number): string | typeof NOT_FLAT {
  // A leading BOM is kept by @msgpack/msgpack's short-string decoder but dropped by TextDecoder: leave it to the generic path.
  if (length >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return NOT_FLAT;
  try {
    return utf8.decode(bytes.subarray(start, start + length));
  } catch {
    return NOT_FLAT; // invalid UTF-8: the generic decoder decides what that becomes
  }
}
