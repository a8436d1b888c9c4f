/**
 * Reading the Thrift compact protocol: a cursor for the structs callers know, decoded field by
 * field with no generic objects in between (i64 values come back as numbers — Parquet i64
 * fields are sizes, offsets and counts, far below 2^53), and fast skipping for the rest.
 */
import { CompactType, ThriftError } from './thrift.js';

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

/*
 * Skipping values, fast in a process that has run nothing yet. Opening a day file walks ~1 MB
 * of footer, mostly column chunks it only skips, before the JIT has warmed up, where every
 * call and every bytecode counts. So skipValue is one plain recursive function over locals
 * that skips integers, short binaries and short lists of them (the bulk of a footer) inline
 * and recurses only into nested structs; measured in fresh processes it walks a
 * 2,000-row-group footer in about half the time of the same logic split into a function per
 * kind of value.
 */

const MAX_DEPTH = 32;

/** Asks skipValue to note where a nested struct starts: the one the field ids `path` lead to from the skipped struct. */
export interface StructNote {
  readonly path: readonly number[];
  /** Set to the struct's offset when found; left as is otherwise. */
  found: number;
}

/**
 * Returns the offset just past the value of compact `type` at `pos`; with `note`, also
 * notes where the struct at `note.path` inside it starts (`pathAt` is internal: the index in
 * the path this struct's fields are matched against, -1 off the path). Noting while
 * skipping, in this already hot function, is how a cold open finds every row group's
 * statistics without a second, interpreted pass over the footer.
 */
export function skipValue(bytes: Uint8Array, pos: number, type: number, depth = 0, note?: StructNote, pathAt = note ? 0 : -1): number {
  if (depth > MAX_DEPTH) throw new ThriftError(`thrift values nest deeper than ${MAX_DEPTH} levels`);
  const end = bytes.length;
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
      if (pos >= end) endsEarly(pos);
      const header = bytes[pos++]!;
      const elementType = header & 0x0f;
      let size = header >> 4;
      if (size === 15) {
        size = readVarint(bytes, pos);
        pos = skipVarint(bytes, pos);
      }
      if (size > end - pos) throw new ThriftError(`thrift list of ${size} elements exceeds the buffer`);
      if (elementType <= CompactType.Byte) pos += size; // list booleans and bytes take one byte each
      else if (elementType <= CompactType.I64) for (let i = 0; i < size; i++) while (pos < end && bytes[pos++]! >= 0x80);
      else if (elementType === CompactType.Binary) for (let i = 0; i < size; i++) pos = skipBinary(bytes, pos);
      else for (let i = 0; i < size; i++) pos = skipValue(bytes, pos, elementType, depth + 1);
      break;
    }
    case CompactType.Map: {
      const size = readVarint(bytes, pos);
      pos = skipVarint(bytes, pos);
      if (size === 0) break;
      if (size > end - pos) throw new ThriftError(`thrift map of ${size} entries exceeds the buffer`);
      const kinds = bytes[pos++] ?? 0;
      for (let i = 0; i < size; i++) {
        pos = skipValue(bytes, pos, kinds >> 4, depth + 1);
        pos = skipValue(bytes, pos, kinds & 0x0f, depth + 1);
      }
      break;
    }
    case CompactType.Struct: {
      let id = 0;
      for (;;) {
        if (pos >= end) endsEarly(pos);
        const header = bytes[pos++]!;
        const fieldType = header & 0x0f;
        if (fieldType === CompactType.Stop) break;
        if (header >= 0x10) id += header >> 4;
        else {
          id = unzigzag(readVarint(bytes, pos)); // long-form field id
          pos = skipVarint(bytes, pos);
        }
        if (fieldType >= CompactType.I16 && fieldType <= CompactType.I64) {
          while (pos < end && bytes[pos++]! >= 0x80);
        } else if (fieldType === CompactType.Binary) {
          const length = bytes[pos] ?? 0;
          pos = length < 0x80 ? pos + 1 + length : skipBinary(bytes, pos);
        } else if (fieldType === CompactType.List) {
          const list = bytes[pos] ?? 0;
          const elements = list & 0x0f;
          if (list < 0xf0 && (elements === CompactType.I32 || elements === CompactType.Binary)) {
            // Short lists of integers or binaries (a column chunk's encodings and path), inline.
            pos++;
            for (let i = list >> 4; i > 0; i--) {
              if (elements === CompactType.I32) while (pos < end && bytes[pos++]! >= 0x80);
              else {
                const length = bytes[pos] ?? 0;
                pos = length < 0x80 ? pos + 1 + length : skipBinary(bytes, pos);
              }
            }
          } else pos = skipValue(bytes, pos, fieldType, depth + 1);
        } else if (pathAt >= 0 && fieldType === CompactType.Struct && id === note!.path[pathAt]) {
          const last = pathAt + 1 === note!.path.length;
          if (last) note!.found = pos;
          pos = skipValue(bytes, pos, fieldType, depth + 1, last ? undefined : note, last ? -1 : pathAt + 1);
        } else if (fieldType >= CompactType.Byte) {
          pos = skipValue(bytes, pos, fieldType, depth + 1);
        } // True and False carry their value in the type
      }
      break;
    }
    default:
      throw new ThriftError(`unknown thrift compact type ${type} at byte ${pos}`);
  }
  if (pos > end) endsEarly(end);
  return pos;
}

/** Returns the offset after the varint at `pos`. */
export function skipVarint(bytes: Uint8Array, pos: number): number {
  const limit = pos + 10;
  while (pos < bytes.length) {
    if (bytes[pos++]! < 0x80) return pos;
    if (pos >= limit) throw new ThriftError(`thrift varint longer than 10 bytes at byte ${pos}`);
  }
  return endsEarly(pos);
}

/** Returns the unsigned varint at `pos` (skip it with skipVarint). */
export function readVarint(bytes: Uint8Array, pos: number): number {
  let result = 0;
  for (let shift = 0; pos < bytes.length && shift < 64; shift += 7) {
    const b = bytes[pos++]!;
    result += shift < 28 ? (b & 0x7f) << shift : (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
  }
  throw new ThriftError(`thrift varint at byte ${pos} is truncated or longer than 10 bytes`);
}

/** Returns a zigzag-encoded varint value as a signed number. */
export function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function skipBinary(bytes: Uint8Array, pos: number): number {
  const length = readVarint(bytes, pos);
  return skipVarint(bytes, pos) + length;
}

function endsEarly(pos: number): never {
  throw new ThriftError(`thrift data ends early at byte ${pos}`);
}
