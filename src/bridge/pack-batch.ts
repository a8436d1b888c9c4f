/**
 * A minimal msgpack writer for the one shape publish-batch sends: arrays of small integers,
 * strings, byte buffers and nested arrays. Standard msgpack (Redis' cmsgpack reads it).
 *
 * Why not @msgpack/msgpack's encoder: it dispatches on every value and encodes UTF-8 in JS.
 * Here the output is built as a JS string of byte values (one char per byte, "latin1") from
 * pieces, then turned into bytes by one native Buffer.from. Field names and values are almost
 * always ASCII, where a string's bytes are its chars; the rare non-ASCII string (and every
 * Buffer) is converted to its byte string first.
 *
 * Buffers are written as msgpack *str*, not bin: Redis' cmsgpack rejects bin ("Bad data format
 * in input"), and a Lua string is a byte string either way, so raw payload bytes arrive intact.
 */

export type Packable = number | string | Buffer | readonly Packable[];

const NON_ASCII = /[^\x00-\x7f]/;

/** Returns the msgpack bytes of `value`. */
export function packBatch(value: Packable): Buffer {
  const pieces: string[] = [];
  write(pieces, value);
  return Buffer.from(pieces.join(''), 'latin1');
}

function write(pieces: string[], value: Packable): void {
  if (typeof value === 'string') {
    const bytes = NON_ASCII.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
    pieces.push(header(bytes.length, 0xa0, 32, 0xd9, 0xda, 0xdb), bytes);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`packBatch writes unsigned 32-bit integers only, was ${value}`);
    pieces.push(value < 128 ? String.fromCharCode(value) : `\xce${be(value, 4)}`);
  } else if (Buffer.isBuffer(value)) {
    pieces.push(header(value.length, 0xa0, 32, 0xd9, 0xda, 0xdb), value.toString('latin1'));
  } else {
    pieces.push(header(value.length, 0x90, 16, -1, 0xdc, 0xdd));
    for (const item of value) write(pieces, item);
  }
}

/** The length header: fix form below `fixLimit`, else 8-bit (when the type has one), 16-bit, 32-bit. */
function header(length: number, fix: number, fixLimit: number, x8: number, x16: number, x32: number): string {
  if (length < fixLimit) return String.fromCharCode(fix | length);
  if (x8 >= 0 && length < 256) return String.fromCharCode(x8, length);
  if (length < 65536) return String.fromCharCode(x16) + be(length, 2);
  return String.fromCharCode(x32) + be(length, 4);
}

/** `n` as `bytes` big-endian byte chars. */
function be(n: number, bytes: 2 | 4): string {
  return bytes === 2 ? String.fromCharCode((n >>> 8) & 0xff, n & 0xff) : String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
