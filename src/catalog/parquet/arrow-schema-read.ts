/**
 * Reads the `ARROW:schema` footer entry (base64 of an Arrow IPC Schema message) with a
 * small flatbuffer reader that checks every offset against the buffer. A general Arrow
 * library trusts these offsets, and a corrupt footer then made it allocate without bound
 * (found by our fuzz test), so reading untrusted files goes through this instead.
 *
 * Tables read (Arrow `Message.fbs` / `Schema.fbs`, field ids in brackets):
 * Message{header_type[1], header[2]} → Schema{fields[1], custom_metadata[2]} →
 * Field{name[0], nullable[1], type_type[2], type[3]}, KeyValue{key[0], value[1]}.
 */
import type { ArrowFieldInfo, ArrowSchemaInfo } from './arrow-schema.js';

/** Thrown when the bytes are not a well-formed Arrow schema message. */
export class ArrowSchemaError extends Error {
  override name = 'ArrowSchemaError';
}

const MESSAGE_HEADER_SCHEMA = 1;
const MAX_FIELDS = 10_000;
const TEXT = new TextDecoder('utf-8', { fatal: true });

class FlatBuffer {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(at: number, size: number): void {
    if (!Number.isInteger(at) || at < 0 || at + size > this.bytes.length) throw new ArrowSchemaError(`offset ${at} (+${size}) is outside the ${this.bytes.length}-byte schema message`);
  }

  u8(at: number): number {
    this.check(at, 1);
    return this.view.getUint8(at);
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.view.getUint16(at, true);
  }
  i16(at: number): number {
    this.check(at, 2);
    return this.view.getInt16(at, true);
  }
  u32(at: number): number {
    this.check(at, 4);
    return this.view.getUint32(at, true);
  }
  i32(at: number): number {
    this.check(at, 4);
    return this.view.getInt32(at, true);
  }

  /** Returns the position of field `id`'s value in the table at `table`, or undefined. */
  field(table: number, id: number): number | undefined {
    const vtable = table - this.i32(table);
    const vtableSize = this.u16(vtable);
    if (vtableSize < 4) throw new ArrowSchemaError('vtable is too small');
    const slot = 4 + 2 * id;
    if (slot + 2 > vtableSize) return undefined;
    const offset = this.u16(vtable + slot);
    return offset === 0 ? undefined : table + offset;
  }

  /** Follows an offset field to the table or vector it points at. */
  indirect(at: number): number {
    return at + this.u32(at);
  }

  string(at: number): string {
    const start = this.indirect(at);
    const length = this.u32(start);
    this.check(start + 4, length);
    try {
      return TEXT.decode(this.bytes.subarray(start + 4, start + 4 + length));
    } catch {
      throw new ArrowSchemaError('a string in the schema is not valid UTF-8');
    }
  }

  /** Returns the positions of the offset elements of a vector of tables. */
  tableVector(at: number, limit: number): number[] {
    const start = this.indirect(at);
    const length = this.u32(start);
    if (length > limit) throw new ArrowSchemaError(`vector of ${length} entries exceeds ${limit}`);
    this.check(start + 4, length * 4);
    return Array.from({ length }, (_, i) => this.indirect(start + 4 + 4 * i));
  }
}

/** Decodes base64 `ARROW:schema` into field types (apache-arrow-style names) and metadata. */
export function decodeArrowSchemaMessage(base64: string): ArrowSchemaInfo {
  let bytes: Uint8Array = Buffer.from(base64, 'base64');
  // IPC framing: optional 0xFFFFFFFF continuation, then int32 length, then the flatbuffer.
  if (bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff) bytes = bytes.subarray(4);
  if (bytes.length < 8) throw new ArrowSchemaError('schema message is too short');
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
  if (declared < 0 || declared + 4 > bytes.length) throw new ArrowSchemaError(`schema message declares ${declared} bytes, has ${bytes.length - 4}`);
  const fb = new FlatBuffer(bytes.subarray(4, 4 + declared));
  const message = fb.indirect(0);
  const headerType = fb.field(message, 1);
  if (headerType === undefined || fb.u8(headerType) !== MESSAGE_HEADER_SCHEMA) throw new ArrowSchemaError('message is not a Schema message');
  const headerAt = fb.field(message, 2);
  if (headerAt === undefined) throw new ArrowSchemaError('schema message has no header');
  const schema = fb.indirect(headerAt);

  const fields: ArrowFieldInfo[] = [];
  const fieldsAt = fb.field(schema, 1);
  for (const field of fieldsAt === undefined ? [] : fb.tableVector(fieldsAt, MAX_FIELDS)) {
    const nameAt = fb.field(field, 0);
    const nullableAt = fb.field(field, 1);
    const typeTypeAt = fb.field(field, 2);
    const typeAt = fb.field(field, 3);
    fields.push({
      name: nameAt === undefined ? '' : fb.string(nameAt),
      nullable: nullableAt === undefined ? false : fb.u8(nullableAt) !== 0,
      type: typeName(fb, typeTypeAt === undefined ? 0 : fb.u8(typeTypeAt), typeAt === undefined ? undefined : fb.indirect(typeAt)),
    });
  }
  const metadata = new Map<string, string>();
  const metadataAt = fb.field(schema, 2);
  for (const entry of metadataAt === undefined ? [] : fb.tableVector(metadataAt, MAX_FIELDS)) {
    const keyAt = fb.field(entry, 0);
    const valueAt = fb.field(entry, 1);
    if (keyAt !== undefined) metadata.set(fb.string(keyAt), valueAt === undefined ? '' : fb.string(valueAt));
  }
  return { fields, metadata };
}

const SIMPLE_TYPES: Record<number, string> = { 1: 'Null', 4: 'Binary', 5: 'Utf8', 6: 'Bool', 19: 'LargeBinary', 20: 'LargeUtf8', 23: 'BinaryView', 24: 'Utf8View' };
const TIME_UNITS = ['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'];

/** Names a type the way apache-arrow's `String(type)` does for the types catalogs use. */
function typeName(fb: FlatBuffer, typeType: number, table: number | undefined): string {
  const simple = SIMPLE_TYPES[typeType];
  if (simple) return simple;
  const int = (id: number, fallback: number) => {
    const at = table === undefined ? undefined : fb.field(table, id);
    return at === undefined ? fallback : fb.i32(at);
  };
  switch (typeType) {
    case 2: {
      const bitWidth = int(0, 0);
      const signedAt = table === undefined ? undefined : fb.field(table, 1);
      const signed = signedAt !== undefined && fb.u8(signedAt) !== 0;
      return `${signed ? 'Int' : 'Uint'}${bitWidth}`;
    }
    case 7:
      return `Decimal[${int(0, 0)}e${int(1, 0) > 0 ? '-' : '+'}${Math.abs(int(1, 0))}]`;
    case 10: {
      const unitAt = table === undefined ? undefined : fb.field(table, 0);
      const unit = unitAt === undefined ? 0 : fb.i16(unitAt);
      const zoneAt = table === undefined ? undefined : fb.field(table, 1);
      return `Timestamp<${TIME_UNITS[unit] ?? unit}${zoneAt === undefined ? '' : `, ${fb.string(zoneAt)}`}>`;
    }
    case 15:
      return `FixedSizeBinary[${int(0, 0)}]`;
    default:
      return `Type${typeType}`;
  }
}
