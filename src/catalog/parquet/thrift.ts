/**
 * Thrift compact protocol, the encoding of Parquet footers and page headers: its type codes,
 * its error, and the writer (reading is in thrift-read.ts). The writer is explicit: each field
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
