/**
 * Thrift compact protocol, the encoding of Parquet footers and page headers.
 *
 * The reader is a cursor: callers decode the structs they know field by field and skip the
 * rest, with no generic objects in between (i64 values come back as numbers — Parquet i64
 * fields are sizes, offsets and counts, far below 2^53). The writer is explicit: each field
 * is written with its declared type, so an i8/i16/i32 is never guessed from a JS number.
 */

export const enum CompactType {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

/** Thrown when bytes are not a well-formed compact-protocol struct (corrupt footer or header). */
export class ThriftError extends Error {
  override name = 'ThriftError';
}

/** Growable byte sink with the compact protocol's primitive writers. */
export class ThriftWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;
  private readonly lastIds: number[] = [];
  private lastId = 0;

  /** Returns the bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  beginStruct(): void {
    this.lastIds.push(this.lastId);
    this.lastId = 0;
  }

  endStruct(): void {
    this.rawByte(CompactType.Stop);
    this.lastId = this.lastIds.pop() ?? 0;
  }

  i32(id: number, value: number): void {
    this.fieldHeader(id, CompactType.I32);
    this.varint(zigzag(value));
  }

  /** i8 in thrift IDL; the compact protocol writes it as one raw byte. */
  i8(id: number, value: number): void {
    this.fieldHeader(id, CompactType.Byte);
    this.rawByte(value & 0xff);
  }

  i64(id: number, value: number | bigint): void {
    this.fieldHeader(id, CompactType.I64);
    this.varintBig(zigzagBig(BigInt(value)));
  }

  bool(id: number, value: boolean): void {
    this.fieldHeader(id, value ? CompactType.True : CompactType.False);
  }

  binary(id: number, value: Uint8Array): void {
    this.fieldHeader(id, CompactType.Binary);
    this.varint(value.length);
    this.bytes(value);
  }

  string(id: number, value: string): void {
    this.binary(id, TEXT_ENCODER.encode(value));
  }

  struct(id: number, write: () => void): void {
    this.fieldHeader(id, CompactType.Struct);
    this.beginStruct();
    write();
    this.endStruct();
  }

  /** A list of structs. */
  structList<T>(id: number, items: readonly T[], write: (item: T) => void): void {
    this.listHeader(id, CompactType.Struct, items.length);
    for (const item of items) {
      this.beginStruct();
      write(item);
      this.endStruct();
    }
  }

  i32List(id: number, items: readonly number[]): void {
    this.listHeader(id, CompactType.I32, items.length);
    for (const item of items) this.varint(zigzag(item));
  }

  stringList(id: number, items: readonly string[]): void {
    this.listHeader(id, CompactType.Binary, items.length);
    for (const item of items) {
      const bytes = TEXT_ENCODER.encode(item);
      this.varint(bytes.length);
      this.bytes(bytes);
    }
  }

  private listHeader(id: number, elementType: CompactType, size: number): void {
    this.fieldHeader(id, CompactType.List);
    if (size < 15) {
      this.rawByte((size << 4) | elementType);
    } else {
      this.rawByte(0xf0 | elementType);
      this.varint(size);
    }
  }

  private fieldHeader(id: number, type: CompactType): void {
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) {
      this.rawByte((delta << 4) | type);
    } else {
      this.rawByte(type);
      this.varint(zigzag(id));
    }
    this.lastId = id;
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private rawByte(b: number): void {
    this.ensure(1);
    this.buffer[this.length++] = b;
  }

  private bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  private varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buffer[this.length++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buffer[this.length++] = n;
  }

  private varintBig(n: bigint): void {
    this.ensure(10);
    while (n >= 0x80n) {
      this.buffer[this.length++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buffer[this.length++] = Number(n);
  }
}

const TEXT_ENCODER = new TextEncoder();

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function zigzagBig(n: bigint): bigint {
  return n >= 0n ? n << 1n : (-n << 1n) - 1n;
}

/**
 * A cursor for decoding known structs field by field without building generic objects:
 * the hot paths (footers of thousands of row groups, one header per page) use it to read
 * only the fields they need and skip the rest.
 */
export class ThriftCursor {
  offset: number;
  /** Type nibble of the field returned by the last `nextField`. */
  fieldType = 0;
  private lastIds: number[] = [];
  private lastId = 0;

  constructor(readonly bytes: Uint8Array, offset = 0) {
    this.offset = offset;
  }

  /** Enters a struct (call before reading its fields). */
  enter(): void {
    if (this.lastIds.length > 32) throw new ThriftError('thrift structs nest deeper than 32 levels');
    this.lastIds.push(this.lastId);
    this.lastId = 0;
  }

  /** Returns the next field id of the current struct, or 0 at its end (and leaves it). */
  nextField(): number {
    const header = this.byte();
    const type = header & 0x0f;
    if (type === CompactType.Stop) {
      this.lastId = this.lastIds.pop() ?? 0;
      return 0;
    }
    const delta = header >> 4;
    this.lastId = delta === 0 ? this.zigzag() : this.lastId + delta;
    this.fieldType = type;
    return this.lastId;
  }

  /** Value of a BOOL field (encoded in the field type). */
  bool(): boolean {
    return this.fieldType === CompactType.True;
  }

  int(): number {
    if (this.fieldType === CompactType.Byte) {
      const b = this.byte();
      return b > 127 ? b - 256 : b;
    }
    return this.zigzag();
  }

  /** A binary value as a view on the buffer (no copy). */
  binary(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.bytes.length) throw new ThriftError(`thrift binary of ${length} bytes runs past the buffer`);
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    return TEXT_DECODER.decode(this.binary());
  }

  /** Reads a list header; returns its size (elements follow). */
  list(): { size: number; elementType: number } {
    const header = this.byte();
    const elementType = header & 0x0f;
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    if (size > this.bytes.length - this.offset) throw new ThriftError(`thrift list of ${size} elements exceeds the buffer`);
    return { size, elementType };
  }

  /** Skips the value of the current field (or of `type`). */
  skip(type: number = this.fieldType): void {
    this.offset = skipValue(this.bytes, this.offset, type);
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new ThriftError(`thrift data ends early at byte ${this.offset}`);
    return this.bytes[this.offset++]!;
  }

  private varint(): number {
    // Most values fit one or two bytes; integer ops up to 28 bits, float math beyond.
    const bytes = this.bytes;
    let pos = this.offset;
    if (pos < bytes.length) {
      const b0 = bytes[pos]!;
      if (b0 < 0x80) {
        this.offset = pos + 1;
        return b0;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new ThriftError(`thrift data ends early at byte ${pos}`);
      const b = bytes[pos++]!;
      result += shift < 28 ? (b & 0x7f) << shift : (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        this.offset = pos;
        return result;
      }
      shift += 7;
      if (shift > 63) throw new ThriftError(`thrift varint longer than 10 bytes at byte ${pos}`);
    }
  }

  private zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}

const TEXT_DECODER = new TextDecoder();

/** Where `skipValue` found the struct at a field-id path, e.g. ColumnChunk → meta_data → statistics. */
export interface SkipNote {
  /** Field ids from the skipped struct down to the wanted struct. */
  readonly path: readonly number[];
  /** Receives the wanted struct's offset at `found[slot]` (left as is when absent). */
  found: Uint32Array;
  slot: number;
}

/**
 * Returns the offset just past the compact-protocol value of `type` at `offset`; with
 * `note`, also notes where the struct at `note.path` inside it starts.
 *
 * One plain function over locals rather than cursor methods: a day file's footer is ~1 MB of
 * column chunks that opening it mostly skips, in a fresh process, before the JIT has warmed
 * up, where every call costs. So integers and binaries (the bulk) are skipped inline, and
 * only nested structs, lists and maps recurse. `pathAt` is internal: the index in
 * `note.path` this struct matches, or -1 off the path.
 */
export function skipValue(bytes: Uint8Array, offset: number, type: number, note?: SkipNote, pathAt = note ? 0 : -1, depth = 0): number {
  if (depth > 32) throw new ThriftError('thrift values nest deeper than 32 levels');
  const end = bytes.length;
  let pos = offset;
  switch (type) {
    case CompactType.True:
    case CompactType.False:
      return pos;
    case CompactType.Byte:
      pos += 1;
      break;
    case CompactType.I16:
    case CompactType.I32:
    case CompactType.I64:
      while (pos < end && bytes[pos++]! >= 0x80);
      break;
    case CompactType.Double:
      pos += 8;
      break;
    case CompactType.Binary:
      pos = skipBinary(bytes, pos);
      break;
    case CompactType.List:
    case CompactType.Set: {
      if (pos >= end) break;
      const header = bytes[pos++]!;
      const elementType = header & 0x0f;
      let size = header >> 4;
      if (size === 15) {
        size = readVarint(bytes, pos);
        pos = skipVarint(bytes, pos);
      }
      if (size > end - pos) throw new ThriftError(`thrift list of ${size} elements exceeds the buffer`);
      if (elementType === CompactType.True || elementType === CompactType.False || elementType === CompactType.Byte) pos += size;
      else if (elementType === CompactType.I16 || elementType === CompactType.I32 || elementType === CompactType.I64) {
        for (let i = 0; i < size; i++) while (pos < end && bytes[pos++]! >= 0x80);
      } else if (elementType === CompactType.Binary) for (let i = 0; i < size; i++) pos = skipBinary(bytes, pos);
      else for (let i = 0; i < size; i++) pos = skipValue(bytes, pos, elementType, undefined, -1, depth + 1);
      break;
    }
    case CompactType.Map: {
      const size = readVarint(bytes, pos);
      pos = skipVarint(bytes, pos);
      if (size === 0) break;
      if (size > end - pos) throw new ThriftError(`thrift map of ${size} entries exceeds the buffer`);
      const kinds = bytes[pos++] ?? 0;
      for (let i = 0; i < size; i++) {
        pos = skipValue(bytes, pos, kinds >> 4, undefined, -1, depth + 1);
        pos = skipValue(bytes, pos, kinds & 0x0f, undefined, -1, depth + 1);
      }
      break;
    }
    case CompactType.Struct: {
      let id = 0;
      for (;;) {
        if (pos >= end) throw new ThriftError(`thrift data ends early at byte ${pos}`);
        const header = bytes[pos++]!;
        const fieldType = header & 0x0f;
        if (fieldType === CompactType.Stop) break;
        if (header >> 4 !== 0) id += header >> 4;
        else {
          const zigzag = readVarint(bytes, pos); // long-form field id
          id = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
          pos = skipVarint(bytes, pos);
        }
        if (fieldType === CompactType.I16 || fieldType === CompactType.I32 || fieldType === CompactType.I64) {
          while (pos < end && bytes[pos++]! >= 0x80);
        } else if (fieldType === CompactType.Binary) {
          const length = bytes[pos] ?? 0;
          pos = length < 0x80 ? pos + 1 + length : skipBinary(bytes, pos); // short binaries inline
        } else if (fieldType === CompactType.True || fieldType === CompactType.False) {
          // the value is in the type
        } else if (pathAt >= 0 && fieldType === CompactType.Struct && id === note!.path[pathAt]) {
          const last = pathAt + 1 === note!.path.length;
          if (last) note!.found[note!.slot] = pos;
          pos = skipValue(bytes, pos, fieldType, note, last ? -1 : pathAt + 1, depth + 1);
        } else pos = skipValue(bytes, pos, fieldType, undefined, -1, depth + 1);
      }
      break;
    }
    default:
      throw new ThriftError(`unknown thrift compact type ${type} at byte ${pos}`);
  }
  if (pos > end) throw new ThriftError(`thrift data ends early at byte ${end}`);
  return pos;
}

/** Offset after the varint at `pos`. */
export function skipVarint(bytes: Uint8Array, pos: number): number {
  const limit = pos + 10;
  while (pos < bytes.length) {
    if (bytes[pos++]! < 0x80) return pos;
    if (pos >= limit) throw new ThriftError(`thrift varint longer than 10 bytes at byte ${pos}`);
  }
  throw new ThriftError(`thrift data ends early at byte ${pos}`);
}

/** Offset after the length-prefixed binary at `pos`. */
function skipBinary(bytes: Uint8Array, pos: number): number {
  const length = readVarint(bytes, pos);
  return skipVarint(bytes, pos) + length;
}

/** The unsigned varint at `pos` (callers skip it with skipVarint). */
export function readVarint(bytes: Uint8Array, pos: number): number {
  let result = 0;
  for (let shift = 0; pos < bytes.length && shift < 64; shift += 7) {
    const b = bytes[pos++]!;
    result += shift < 28 ? (b & 0x7f) << shift : (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
  }
  throw new ThriftError(`thrift varint at byte ${pos} is truncated or longer than 10 bytes`);
}
