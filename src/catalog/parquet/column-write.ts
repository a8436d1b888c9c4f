/**
 * Encodes one column chunk: an optional dictionary page and v1 data pages, compressed,
 * with min/max statistics. Like pyarrow, fixed-width columns with few distinct values are
 * dictionary-encoded (RLE_DICTIONARY) and fall back to PLAIN when the dictionary would be
 * large; timestamps are always PLAIN. Columns are REQUIRED (Nautilus data has no nulls).
 * Optional columns, nulls, booleans and binary go to column-write-nullable.ts.
 */
import { type BinaryColumnInput, type BooleanColumnInput, encodeNullableChunk } from './column-write-nullable.js';
import { compress } from './compression.js';
import { decimalStatistics, encodePlainDecimals } from './decimal-text.js';
import { buildDictionary } from './dictionary-build.js';
import { type ColumnChunkMeta, Encoding, PhysicalType, type Statistics, encodePageHeader } from './format.js';
import { minMaxOf } from './min-max.js';
import { encodeHybridFast } from './hybrid-encode-wasm.js';
import { bitWidthFor } from './rle.js';

export type StatsOrder = 'unsigned' | 'signed' | 'bytes';

export interface ColumnEncoding {
  /** Parquet physical type (PhysicalType.*). */
  readonly physical: number;
  /** Bytes per value for fixed-width types; 0 for BYTE_ARRAY. */
  readonly width: number;
  readonly dictionary: boolean;
  /** How min/max compare: integers by value (LE words), FIXED_LEN_BYTE_ARRAY bytewise. */
  readonly statsOrder: StatsOrder;
  /** OPTIONAL repetition (definition levels); absent or false for REQUIRED. */
  readonly optional?: boolean;
}

/**
 * The rows of one column chunk. `nulls[i] === 1` marks row i null (its slot is ignored);
 * only optional columns take nulls. `fixed` holds `count * width` bytes.
 */
export type ColumnInput =
  | { kind: 'fixed'; bytes: Uint8Array; nulls?: Uint8Array }
  | { kind: 'string'; values: readonly string[]; nulls?: Uint8Array }
  /** The decimal text of integers in [0, 2^53), given as the numbers (decimal-text.ts); REQUIRED only. */
  | { kind: 'decimal'; values: Float64Array; nulls?: undefined }
  | BinaryColumnInput
  | BooleanColumnInput;

export interface EncodedChunk {
  /**
   * Pages back to back (page header, page body, …), the dictionary page (if any) first; as
   * parts, so the chunk is copied once, into the file, not concatenated first.
   */
  readonly parts: readonly Uint8Array[];
  /** Column metadata with offsets relative to the chunk start (the writer shifts them). */
  readonly meta: Omit<ColumnChunkMeta, 'path' | 'type'>;
}

const MAX_PAGE_BYTES = 1 << 20;
const TEXT = new TextEncoder();

/** Encodes `count` values of one column chunk. */
/** Per-column memory across row groups: skip dictionary attempts on columns that keep failing. */
export interface DictionaryHints {
  tryDictionary?: boolean;
  dictionaryFailed?: boolean;
}

export function encodeColumnChunk(input: ColumnInput, count: number, encoding: ColumnEncoding, codec: number, hints?: DictionaryHints): EncodedChunk {
  if (input.kind === 'decimal') {
    if (encoding.optional || encoding.physical !== PhysicalType.BYTE_ARRAY) throw new RangeError('decimal text goes to a REQUIRED BYTE_ARRAY column only');
  } else if (
    // Floating point too: the statistics below order 4/8-byte values as integers.
    encoding.optional || input.kind === 'binary' || input.kind === 'boolean' || input.nulls || encoding.physical === PhysicalType.DOUBLE || encoding.physical === PhysicalType.FLOAT
  ) {
    return encodeNullableChunk(input, count, encoding, codec);
  }
  const parts: Uint8Array[] = [];
  let uncompressed = 0;
  let compressed = 0;
  const push = (header: Uint8Array, body: Uint8Array, rawLength: number) => {
    parts.push(header, body);
    uncompressed += header.length + rawLength;
    compressed += header.length + body.length;
  };

  const plain =
    input.kind === 'fixed' ? input.bytes.subarray(0, count * encoding.width) : input.kind === 'decimal' ? encodePlainDecimals(input.values, count) : encodePlainStrings(input.values, count);
  const dictionary = input.kind === 'fixed' && encoding.dictionary && hints?.tryDictionary !== false ? buildDictionary(input.bytes, count, encoding.width) : undefined;
  if (hints && input.kind === 'fixed' && encoding.dictionary) hints.dictionaryFailed = dictionary === undefined;
  // Min/max of the distinct values equal min/max of all values, and there are fewer of them.
  const statistics =
    input.kind === 'fixed'
      ? dictionary
        ? fixedStatistics(dictionary.values, dictionary.count, encoding)
        : fixedStatistics(input.bytes, count, encoding)
      : input.kind === 'decimal'
        ? decimalStatistics(input.values, count)
        : stringStatistics(input.values, count);

  let dictionaryPageOffset: number | undefined;
  let encodings: number[];
  if (dictionary) {
    dictionaryPageOffset = 0;
    const dictBytes = dictionary.values;
    const dictBody = compress(codec, dictBytes);
    push(encodePageHeader('dictionary', dictBytes.length, dictBody.length, dictionary.count, Encoding.PLAIN), dictBody, dictBytes.length);
    const bitWidth = bitWidthFor(dictionary.count - 1);
    const rowsPerPage = Math.max(1, Math.floor((MAX_PAGE_BYTES * 8) / Math.max(1, bitWidth)));
    for (let start = 0; start < count; start += rowsPerPage) {
      const n = Math.min(rowsPerPage, count - start);
      const runs = encodeHybridFast(dictionary.indices.subarray(start, start + n), n, bitWidth);
      const page = new Uint8Array(1 + runs.length);
      page[0] = bitWidth;
      page.set(runs, 1);
      const body = compress(codec, page);
      push(encodePageHeader('data', page.length, body.length, n, Encoding.RLE_DICTIONARY), body, page.length);
    }
    encodings = [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY];
  } else {
    if (input.kind === 'fixed') {
      const rowsPerPage = Math.max(1, Math.floor(MAX_PAGE_BYTES / encoding.width));
      for (let start = 0; start < count; start += rowsPerPage) {
        const n = Math.min(rowsPerPage, count - start);
        const page = plain.subarray(start * encoding.width, (start + n) * encoding.width);
        const body = compress(codec, page);
        push(encodePageHeader('data', page.length, body.length, n, Encoding.PLAIN), body, page.length);
      }
    } else {
      const body = compress(codec, plain);
      push(encodePageHeader('data', plain.length, body.length, count, Encoding.PLAIN), body, plain.length);
    }
    encodings = [Encoding.PLAIN, Encoding.RLE];
  }

  const dataPageOffset = dictionary ? parts[0]!.length + parts[1]!.length : 0;
  const meta: EncodedChunk['meta'] = {
    encodings,
    codec,
    numValues: count,
    totalUncompressedSize: uncompressed,
    totalCompressedSize: compressed,
    dataPageOffset,
    ...(dictionaryPageOffset !== undefined ? { dictionaryPageOffset } : {}),
    ...(statistics ? { statistics } : {}),
  };
  return { parts, meta };
}

function fixedStatistics(bytes: Uint8Array, count: number, encoding: ColumnEncoding): Statistics | undefined {
  if (count === 0) return undefined;
  const width = encoding.width;
  const { minAt, maxAt } = minMaxOf(bytes, count, width, encoding.statsOrder);
  return { min: bytes.slice(minAt * width, (minAt + 1) * width), max: bytes.slice(maxAt * width, (maxAt + 1) * width), nullCount: 0 };
}

function stringStatistics(values: readonly string[], count: number): Statistics | undefined {
  if (count === 0) return undefined;
  let min = values[0]!;
  let max = min;
  for (let i = 1; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min: TEXT.encode(min), max: TEXT.encode(max), nullCount: 0 };
}

/**
 * PLAIN BYTE_ARRAY page body (4-byte little-endian length, then UTF-8) written straight into
 * one buffer, no Uint8Array per value (TextEncoder.encode per trade id was ~60 % of writing a
 * trades frame). Trade ids are ASCII, where UTF-16 length = UTF-8 length and each char is its
 * byte: a JS loop writes them without a native call per value. The first non-ASCII char sends
 * the whole chunk to the exact UTF-8 path instead.
 */
function encodePlainStrings(values: readonly string[], count: number): Uint8Array {
  let total = 4 * count;
  for (let i = 0; i < count; i++) total += values[i]!.length;
  // allocUnsafeSlow: a buffer of its own (offset 0, not the shared pool); every byte is written below.
  const out = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    const length = value.length;
    out[pos] = length & 0xff;
    out[pos + 1] = (length >>> 8) & 0xff;
    out[pos + 2] = (length >>> 16) & 0xff;
    out[pos + 3] = length >>> 24;
    pos += 4;
    for (let k = 0; k < length; k++) {
      const code = value.charCodeAt(k);
      if (code >= 0x80) return encodePlainStringsUtf8(values, count);
      out[pos++] = code;
    }
  }
  return out;
}

/** encodePlainStrings for values that are not all ASCII: sizes with Buffer.byteLength, writes UTF-8 in place. */
function encodePlainStringsUtf8(values: readonly string[], count: number): Uint8Array {
  let total = 4 * count;
  for (let i = 0; i < count; i++) total += Buffer.byteLength(values[i]!, 'utf8');
  const out = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const written = out.write(values[i]!, pos + 4, 'utf8');
    out.writeUInt32LE(written, pos);
    pos += 4 + written;
  }
  return out;
}

