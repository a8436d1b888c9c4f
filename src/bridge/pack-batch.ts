/**
 * A minimal msgpack writer for the one shape publish-batch sends: arrays of small integers,
 * strings, byte buffers and nested arrays. Standard msgpack (Redis' cmsgpack reads it).
 *
 * Why not @msgpack/msgpack's encoder: it dispatches on every value and allocates per value.
 * PackWriter writes straight into one reused scratch buffer (ASCII strings char by char, which
 * for the short field names and values of a batch is cheaper than a native call per string)
 * and copies the result out once per batch: a batch of a thousand entries allocates one Buffer.
 *
 * Buffers are written as msgpack *str*, not bin: Redis' cmsgpack rejects bin ("Bad data format
 * in input"), and a Lua string is a byte string either way, so raw payload bytes arrive intact.
 */

export class PackWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  /** Starts a new message (the scratch buffer is reused). */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** The bytes written since reset(), as a new Buffer (the scratch buffer stays ours). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  arrayHeader(length: number): void {
    this.ensure(5);
    this.header(length, 0x90, 16, -1, 0xdc, 0xdd);
  }

  uint(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`PackWriter writes unsigned 32-bit integers only, was ${value}`);
    this.ensure(5);
    if (value < 128) this.buf[this.pos++] = value;
    else {
      this.buf[this.pos++] = 0xce;
      this.buf.writeUInt32BE(value, this.pos);
      this.pos += 4;
    }
  }

  str(value: string): void {
    const length = value.length;
    // Optimistic: ASCII, so bytes = chars and the header size is known before writing.
    this.ensure(length + 5);
    const start = this.pos;
    this.header(length, 0xa0, 32, 0xd9, 0xda, 0xdb);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = start;
        this.utf8(value);
        return;
      }
      buf[pos++] = code;
    }
    this.pos = pos;
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length + 5);
    this.header(value.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  private utf8(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.ensure(length + 5);
    this.header(length, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** The length header: fix form below `fixLimit`, else 8-bit (when the type has one), 16-bit, 32-bit. */
  private header(length: number, fix: number, fixLimit: number, x8: number, x16: number, x32: number): void {
    const buf = this.buf;
    if (length < fixLimit) buf[this.pos++] = fix | length;
    else if (x8 >= 0 && length < 256) {
      buf[this.pos++] = x8;
      buf[this.pos++] = length;
    } else if (length < 65536) {
      buf[this.pos++] = x16;
      buf.writeUInt16BE(length, this.pos);
      this.pos += 2;
    } else {
      buf[this.pos++] = x32;
      buf.writeUInt32BE(length, this.pos);
      this.pos += 4;
    }
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
