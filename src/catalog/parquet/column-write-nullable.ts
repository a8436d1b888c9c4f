/**
 * Encodes column chunks that the REQUIRED fast path in column-write.ts does not: OPTIONAL
 * columns (with nulls), BOOLEAN and plain binary columns. Used for instrument files, which
 * hold one row of pyarrow-default nullable fields, so simplicity wins over speed here:
 * one PLAIN v1 data page per chunk, no dictionary.
 *
 * A v1 data page of an OPTIONAL column is
 *
 * | part               | bytes                                                          |
 * |--------------------|----------------------------------------------------------------|
 * | definition levels  | u32 LE length, then RLE/bit-packed hybrid levels of bit width 1 |
 * | values             | the non-null values only, PLAIN                                 |
 *
 * PLAIN is: fixed-width values back to back (LE), BYTE_ARRAY as u32 LE length + bytes,
 * BOOLEAN bit-packed LSB-first (value i is bit i % 8 of byte i / 8). A REQUIRED column has no
 * level section. Statistics: null count, and min/max of the non-null values in the order the
 * column's logical type defines (unsigned or signed integers, IEEE doubles, bytewise binary).
 */
import { compress } from './compression.js';
import { type ColumnChunkMeta, Encoding, PhysicalType, type Statistics, encodePageHeader } from './format.js';
import { plainByteArrays } from './plain-encode.js';
import { encodeHybridFast } from './hybrid-encode-wasm.js';

/** Rows of a binary column; `nulls[i] === 1` marks row i null (its value is ignored). */
export interface BinaryColumnInput {
  readonly kind: 'binary';
  readonly values: readonly Uint8Array[];
  readonly nulls?: Uint8Array;
}

/** Rows of a boolean column, one byte per row (0 or 1); `nulls[i] === 1` marks row i null. */
export interface BooleanColumnInput {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
  readonly nulls?: Uint8Array;
}

/** Every input this encoder takes (column-write.ts' ColumnInput, structurally). */
export type NullableColumnInput =
  | { readonly kind: 'fixed'; readonly bytes: Uint8Array; readonly nulls?: Uint8Array }
  | { readonly kind: 'string'; readonly values: readonly string[]; readonly nulls?: Uint8Array }
  | BinaryColumnInput
  | BooleanColumnInput;

/** The parts of column-write.ts' ColumnEncoding this encoder uses. */
export interface NullableColumnEncoding {
  readonly physical: number;
  readonly width: number;
  readonly statsOrder: 'unsigned' | 'signed' | 'bytes';
  readonly optional?: boolean;
}

export interface NullableEncodedChunk {
  /** The chunk's bytes: these parts back to back (the writer copies them to the file as they are). */
  readonly parts: readonly Uint8Array[];
  readonly meta: Omit<ColumnChunkMeta, 'path' | 'type'>;
}

const TEXT = new TextEncoder();

/**
 * Encodes `count` rows of one column chunk as a dictionary-less PLAIN v1 data page, with
 * definition levels when the column is optional.
 *
 * Throws RangeError when a REQUIRED column has a null row, or the input kind does not fit
 * the physical type.
 */
export function encodeNullableChunk(input: NullableColumnInput, count: number, encoding: NullableColumnEncoding, codec: number): NullableEncodedChunk {
  checkKind(input, encoding);
  const nulls = input.nulls;
  let nullCount = 0;
  if (nulls) for (let i = 0; i < count; i++) nullCount += nulls[i] === 1 ? 1 : 0;
  if (nullCount > 0 && !encoding.optional) throw new RangeError(`a REQUIRED column cannot hold nulls, was ${nullCount} null rows; declare the column optional`);
  const present = (i: number): boolean => nulls === undefined || nulls[i] !== 1;

  const values = plainValues(input, count, encoding.width, present);
  let page: Uint8Array;
  if (encoding.optional) {
    const levels = new Uint32Array(count);
    for (let i = 0; i < count; i++) levels[i] = present(i) ? 1 : 0;
    const runs = encodeHybridFast(levels, count, 1);
    page = new Uint8Array(4 + runs.length + values.length);
    new DataView(page.buffer).setUint32(0, runs.length, true);
    page.set(runs, 4);
    page.set(values, 4 + runs.length);
  } else {
    page = values;
  }
  const body = compress(codec, page);
  const header = encodePageHeader('data', page.length, body.length, count, Encoding.PLAIN);

  const statistics: Statistics = { nullCount, ...minMax(input, count, encoding, present) };
  return {
    parts: [header, body],
    meta: {
      encodings: [Encoding.PLAIN, Encoding.RLE],
      codec,
      numValues: count,
      totalUncompressedSize: header.length + page.length,
      totalCompressedSize: header.length + body.length,
      dataPageOffset: 0,
      statistics,
    },
  };
}

function checkKind(input: NullableColumnInput, encoding: NullableColumnEncoding): void {
  const expected: Record<NullableColumnInput['kind'], readonly number[]> = {
    fixed: [PhysicalType.INT32, PhysicalType.INT64, PhysicalType.FLOAT, PhysicalType.DOUBLE, PhysicalType.FIXED_LEN_BYTE_ARRAY],
    string: [PhysicalType.BYTE_ARRAY],
    binary: [PhysicalType.BYTE_ARRAY],
    boolean: [PhysicalType.BOOLEAN],
  };
  if (!expected[input.kind].includes(encoding.physical)) {
    throw new RangeError(`a ${input.kind} input cannot fill a column of physical type ${encoding.physical}, was given one`);
  }
}

/** Returns the PLAIN encoding of the non-null rows. */
function plainValues(input: NullableColumnInput, count: number, width: number, present: (i: number) => boolean): Uint8Array {
  switch (input.kind) {
    case 'fixed': {
      const out = new Uint8Array(count * width);
      let n = 0;
      for (let i = 0; i < count; i++) {
        if (!present(i)) continue;
        out.set(input.bytes.subarray(i * width, (i + 1) * width), n * width);
        n++;
      }
      return out.subarray(0, n * width);
    }
    case 'boolean': {
      const out = new Uint8Array(Math.ceil(count / 8));
      let n = 0;
      for (let i = 0; i < count; i++) {
        if (!present(i)) continue;
        if (input.values[i]) out[n >> 3]! |= 1 << (n & 7);
        n++;
      }
      return out.subarray(0, Math.ceil(n / 8));
    }
    case 'string':
    case 'binary': {
      return plainByteArrays(byteValues(input, count, present));
    }
  }
}

function byteValues(input: NullableColumnInput & { kind: 'string' | 'binary' }, count: number, present: (i: number) => boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    if (!present(i)) continue;
    out.push(input.kind === 'string' ? TEXT.encode(input.values[i]!) : input.values[i]!);
  }
  return out;
}

/** Returns min/max of the non-null rows as Parquet statistics bytes, or {} when every row is null. */
function minMax(input: NullableColumnInput, count: number, encoding: NullableColumnEncoding, present: (i: number) => boolean): Pick<Statistics, 'min' | 'max'> {
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  const consider = (value: Uint8Array, compare: (a: Uint8Array, b: Uint8Array) => number): void => {
    if (min === undefined || compare(value, min) < 0) min = value;
    if (max === undefined || compare(value, max) > 0) max = value;
  };
  switch (input.kind) {
    case 'boolean':
      for (let i = 0; i < count; i++) if (present(i)) consider(Uint8Array.of(input.values[i] ? 1 : 0), compareBytes);
      break;
    case 'string':
    case 'binary':
      for (const value of byteValues(input, count, present)) consider(value, compareBytes);
      break;
    case 'fixed': {
      const width = encoding.width;
      const compare = fixedComparator(encoding);
      for (let i = 0; i < count; i++) {
        if (!present(i)) continue;
        const value = input.bytes.slice(i * width, (i + 1) * width);
        // NaN has no place in an ordering; Parquet writers leave it out of min/max.
        if (encoding.physical === PhysicalType.DOUBLE && Number.isNaN(readDouble(value))) continue;
        consider(value, compare);
      }
      if (encoding.physical === PhysicalType.DOUBLE && min && max) {
        // The Parquet spec: a zero min is written as -0.0, a zero max as +0.0.
        if (readDouble(min) === 0) min = doubleBytes(-0);
        if (readDouble(max) === 0) max = doubleBytes(0);
      }
      break;
    }
  }
  return min && max ? { min, max } : {};
}

function fixedComparator(encoding: NullableColumnEncoding): (a: Uint8Array, b: Uint8Array) => number {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);
  const sign = (d: number | bigint) => (d < 0 ? -1 : d > 0 ? 1 : 0);
  const signed = encoding.statsOrder === 'signed';
  switch (encoding.physical) {
    case PhysicalType.INT32:
      return (a, b) => (signed ? sign(view(a).getInt32(0, true) - view(b).getInt32(0, true)) : sign(view(a).getUint32(0, true) - view(b).getUint32(0, true)));
    case PhysicalType.INT64:
      return (a, b) => (signed ? sign(view(a).getBigInt64(0, true) - view(b).getBigInt64(0, true)) : sign(view(a).getBigUint64(0, true) - view(b).getBigUint64(0, true)));
    case PhysicalType.FLOAT:
      return (a, b) => sign(view(a).getFloat32(0, true) - view(b).getFloat32(0, true));
    case PhysicalType.DOUBLE:
      return (a, b) => sign(readDouble(a) - readDouble(b));
    default:
      return compareBytes;
  }
}

function readDouble(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

function doubleBytes(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value, true);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const d = a[k]! - b[k]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
