/**
 * Decodes one column chunk (all its pages) of a flat column into packed values.
 *
 * Fixed-width physical types (INT32, INT64, FIXED_LEN_BYTE_ARRAY) come back as one
 * Uint8Array of `count * width` bytes on a fresh, 8-byte aligned buffer, so callers view
 * it as BigUint64Array or use it as fixed-point raws without another copy. BYTE_ARRAY comes
 * back as strings, or as a counting run when its probe proved the values count up.
 * Supported: data pages v1 and v2, PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY, REQUIRED and
 * OPTIONAL columns (nulls reported in a mask).
 */
import { isAscii } from 'node:buffer';
import { decompress } from './compression.js';
import { Encoding, PageType, PhysicalType, Repetition, type SchemaElement, decodePageHeader } from './format.js';
import { DictionaryIndexError, expandDictionaryPage } from './dictionary-gather.js';
import { unfilledBytes } from './fresh-bytes.js';
import { decodeHybrid } from './rle.js';
import type { PageWatch } from './wasm-module.js';

export interface FixedValues {
  readonly kind: 'fixed';
  /** Bytes per value. */
  readonly width: number;
  readonly bytes: Uint8Array;
  /** 1 where the value is null; absent when the chunk has no nulls. */
  readonly nulls?: Uint8Array;
}

export interface StringValues {
  readonly kind: 'string';
  readonly values: string[];
  readonly nulls?: Uint8Array;
}

/**
 * A REQUIRED string column whose values are the decimal texts of `first`, `first + 1`, …:
 * trade ids its probe proved to count up (StringPageProbe.countingFrom), left unmade.
 */
export interface CountingValues {
  readonly kind: 'counting';
  readonly first: number;
  readonly count: number;
}

export type ColumnValues = FixedValues | StringValues | CountingValues;

/**
 * Sees a column's values page by page while they sit in the catalog kernels' memory, just
 * decompressed (PLAIN pages) or expanded (dictionary pages), before they are copied out: for
 * facts taken without another pass over the values (see ../row-group-facts.ts). Fixed-width
 * REQUIRED columns; a REQUIRED string column's pages (PLAIN, dictionary, indices) are handed
 * over as bytes (`strings`), for trade ids.
 */
export interface PageProbe {
  /** Where values `[at, at + count)` should be decoded in the kernels' memory, if anywhere in particular (PageWatch.placeAt). */
  placeAt?(at: number, count: number): number | undefined;
  /** Values `[at, at + count)` of the chunk lie at byte `offset` of the kernels' memory. */
  inKernelMemory(offset: number, count: number, at: number): void;
  /** Some values never were in the kernels' memory (JavaScript or native decoders, another codec, nulls): no facts for this chunk. */
  missed(): void;
  /** For a REQUIRED string column: sees its pages as bytes. A probe without it misses a string chunk. */
  readonly strings?: StringPageProbe;
}

/** How a REQUIRED string column's pages are handed to a probe (PageProbe.strings). */
export interface StringPageProbe {
  /** A PLAIN data page: values `[at, at + count)` are `page[offset, end)`, each a 4-byte length and its bytes. */
  plain(page: Uint8Array, offset: number, end: number, count: number, at: number): void;
  /** The chunk's dictionary page: its `count` values are all of `page`, in PLAIN form. */
  dictionary(page: Uint8Array, count: number): void;
  /** A dictionary-encoded data page: values `[at, at + count)` are the dictionary's entries `indices[0 .. count)`. */
  indices(indices: Uint32Array, count: number, at: number): void;
  /**
   * After a page: when every value seen so far is the canonical decimal text of the first
   * plus its position (below 2^53), that first value; otherwise -1. The decoder then need
   * not make those values' strings (CountingValues).
   */
  countingFrom?(): number;
}

/** Thrown for pages that are malformed or use an encoding this codec does not read. */
export class ColumnDecodeError extends Error {
  override name = 'ColumnDecodeError';
}

/** Returns the byte width of a fixed-width physical type, or 0 for BYTE_ARRAY. */
export function physicalWidth(element: SchemaElement): number {
  switch (element.type) {
    case PhysicalType.INT32:
    case PhysicalType.FLOAT:
      return 4;
    case PhysicalType.INT64:
    case PhysicalType.DOUBLE:
      return 8;
    case PhysicalType.FIXED_LEN_BYTE_ARRAY:
      return element.typeLength ?? 0;
    case PhysicalType.BYTE_ARRAY:
      return 0;
    default:
      throw new ColumnDecodeError(`column "${element.name}" has physical type ${element.type}, which this reader does not decode`);
  }
}

/** A string dictionary's entries are made on first need: none are when its ids count up (CountingValues). */
type Dictionary = { kind: 'fixed'; bytes: Uint8Array; count: number } | { kind: 'string'; page: Uint8Array; count: number; values: string[] | undefined };

function dictionaryStrings(dictionary: { page: Uint8Array; count: number; values: string[] | undefined }, name: string): string[] {
  if (dictionary.values === undefined) {
    const values = new Array<string>(dictionary.count);
    readPlainStrings(dictionary.page, 0, dictionary.page.length, dictionary.count, values, 0, name);
    dictionary.values = values;
  }
  return dictionary.values;
}

/**
 * Decodes `rowCount` values from `chunk`, which holds the column chunk's pages
 * back to back (starting at its dictionary page when it has one). `probe` sees the values
 * where the WebAssembly paths decode them (see PageProbe).
 */
export function decodeColumnChunk(chunk: Uint8Array, element: SchemaElement, codec: number, rowCount: number, probe?: PageProbe): ColumnValues {
  const width = physicalWidth(element);
  const optional = element.repetition === Repetition.OPTIONAL;
  const probing = probe !== undefined && width > 0 && !optional;
  const strings = width === 0 && !optional ? probe?.strings : undefined;
  if (probe && !probing && !strings) probe.missed();
  if (element.repetition === Repetition.REPEATED) {
    throw new ColumnDecodeError(`column "${element.name}" is REPEATED; only flat columns are supported`);
  }
  // Allocated on the first page, unless that page can simply become the column (see below).
  let fixedOut: Uint8Array | undefined;
  const stringOut: string[] | undefined = width === 0 ? new Array<string>(rowCount) : undefined;
  let nulls: Uint8Array | undefined;
  let dictionary: Dictionary | undefined;
  let written = 0;
  let pos = 0;
  let levels = new Uint32Array(0);
  // Values [0, deferred) are counting ids whose strings were not made (CountingValues): a
  // chunk of trade ids that count up, PLAIN or dictionary-encoded, skips a string per row.
  let deferred = 0;
  let deferredFirst = -1;
  // The probe sees each page's values if a WebAssembly path decodes them. One watch for the
  // chunk, told each page's rows (`pageAt`, `pageCount`), and one that asks for no slot.
  let probed = false;
  let pageAt = 0;
  let pageCount = 0;
  const seen = (offset: number) => {
    probed = true;
    probe!.inKernelMemory(offset, pageCount, pageAt);
  };
  const watch: { placeAt: number | undefined; seen(offset: number): void } | undefined = probing ? { placeAt: undefined, seen } : undefined;
  const unplaced: PageWatch | undefined = probing ? { placeAt: undefined, seen } : undefined;

  while (written < rowCount) {
    if (pos >= chunk.length) throw new ColumnDecodeError(`column "${element.name}" ends after ${written} of ${rowCount} values`);
    const header = decodePageHeader(chunk, pos);
    pos += header.headerLength;
    const bodyEnd = pos + header.compressedSize;
    if (header.compressedSize < 0 || bodyEnd > chunk.length) {
      throw new ColumnDecodeError(`column "${element.name}": page of ${header.compressedSize} bytes runs past the column chunk`);
    }
    const body = chunk.subarray(pos, bodyEnd);
    pos = bodyEnd;

    if (header.type === PageType.DICTIONARY_PAGE) {
      const page = decompress(codec, body, header.uncompressedSize);
      if (width > 0) {
        if (page.length < header.numValues * width) throw new ColumnDecodeError(`column "${element.name}": dictionary page is too short`);
        dictionary = { kind: 'fixed', bytes: page, count: header.numValues };
      } else {
        dictionary = { kind: 'string', page, count: header.numValues, values: undefined };
        // Made now (errors first) unless the probe may prove the entries need not be made.
        if (strings?.countingFrom === undefined) dictionaryStrings(dictionary, element.name);
        strings?.dictionary(page, header.numValues);
      }
      continue;
    }
    if (header.type !== PageType.DATA_PAGE && header.type !== PageType.DATA_PAGE_V2) continue; // index pages

    const pageValues = header.numValues;
    if (pageValues < 0 || written + pageValues > rowCount) {
      throw new ColumnDecodeError(`column "${element.name}": page holds ${pageValues} values, more than the ${rowCount - written} left in the row group`);
    }
    let page: Uint8Array;
    let offset = 0;
    let defined = pageValues;
    let pageNulls: Uint32Array | undefined;
    probed = false;
    pageAt = written;
    pageCount = pageValues;
    if (watch) watch.placeAt = probe!.placeAt?.(written, pageValues);
    // A PLAIN page is its values (REQUIRED: no levels) when it holds enough bytes for them;
    // a slot holds exactly the page's values, so a longer page is not placed.
    const plain = header.encoding === Encoding.PLAIN;
    const watchPlain = (size: number) => (watch === undefined || !plain || size < pageValues * width ? undefined : size === pageValues * width ? watch : unplaced);

    if (header.type === PageType.DATA_PAGE_V2) {
      const levelBytes = (header.repLevelsLength ?? 0) + (header.defLevelsLength ?? 0);
      if (levelBytes > body.length) throw new ColumnDecodeError(`column "${element.name}": v2 page levels run past the page`);
      if (optional && (header.defLevelsLength ?? 0) > 0) {
        if (levels.length < pageValues) levels = new Uint32Array(pageValues);
        const start = header.repLevelsLength ?? 0;
        decodeHybrid(body, start, start + (header.defLevelsLength ?? 0), 1, pageValues, levels);
        pageNulls = levels;
      }
      const valuesBody = body.subarray(levelBytes);
      const size = header.uncompressedSize - levelBytes;
      page = header.isCompressed === false ? valuesBody : decompress(codec, valuesBody, size, watchPlain(size));
    } else {
      page = decompress(codec, body, header.uncompressedSize, watchPlain(header.uncompressedSize));
      if (optional) {
        if (page.length < 4) throw new ColumnDecodeError(`column "${element.name}": page too short for definition levels`);
        const length = page[0]! | (page[1]! << 8) | (page[2]! << 16) | (page[3]! << 24);
        if (length < 0 || 4 + length > page.length) throw new ColumnDecodeError(`column "${element.name}": definition levels run past the page`);
        if (levels.length < pageValues) levels = new Uint32Array(pageValues);
        decodeHybrid(page, 4, 4 + length, 1, pageValues, levels);
        pageNulls = levels;
        offset = 4 + length;
      }
    }
    if (pageNulls) {
      defined = 0;
      for (let i = 0; i < pageValues; i++) defined += pageNulls[i]!;
      if (defined < pageValues) {
        nulls ??= new Uint8Array(rowCount);
        for (let i = 0; i < pageValues; i++) nulls[written + i] = pageNulls[i]! ^ 1;
      }
    }

    // Decode the defined values densely, then spread them over the null slots if any.
    const dense = defined === pageValues;
    if (width > 0 && fixedOut === undefined) {
      // One PLAIN page holding the whole chunk (the common case: writers cut pages at ~1 MB)
      // that decompression just produced is already the packed column: keep it, no copy.
      if (dense && header.encoding === Encoding.PLAIN && pageValues === rowCount && offset === 0 && page.length === rowCount * width && page !== body && ownsBuffer(page)) {
        if (probing && !probed) probe!.missed();
        fixedOut = page;
        written += pageValues;
        continue;
      }
      // A REQUIRED column's pages write every value or the read fails; null slots stay zero.
      fixedOut = optional ? new Uint8Array(new ArrayBuffer(rowCount * width)) : unfilledBytes(rowCount * width);
    }
    const target = dense ? written : 0;
    let scratchFixed: Uint8Array | undefined;
    let scratchStrings: string[] | undefined;
    if (!dense) {
      if (width > 0) scratchFixed = new Uint8Array(defined * width);
      else scratchStrings = new Array<string>(defined);
    }
    const outFixed = scratchFixed ?? fixedOut;
    const outStrings = scratchStrings ?? stringOut;

    switch (header.encoding) {
      case Encoding.PLAIN:
        if (width > 0) {
          const bytes = defined * width;
          if (offset + bytes > page.length) throw new ColumnDecodeError(`column "${element.name}": PLAIN page holds fewer than ${defined} values`);
          if (element.type === PhysicalType.BOOLEAN) throw new ColumnDecodeError('BOOLEAN columns are not supported');
          outFixed!.set(page.subarray(offset, offset + bytes), target * width);
        } else {
          // The probe sees the page first; its kernel checks every length against the page.
          strings?.plain(page, offset, page.length, defined, target);
          const first = deferred === target ? (strings?.countingFrom?.() ?? -1) : -1;
          if (first >= 0) {
            if (deferred === 0) deferredFirst = first;
            deferred += defined;
          } else {
            readPlainStrings(page, offset, page.length, defined, outStrings!, target, element.name);
          }
        }
        break;
      case Encoding.PLAIN_DICTIONARY:
      case Encoding.RLE_DICTIONARY: {
        if (!dictionary) throw new ColumnDecodeError(`column "${element.name}": dictionary-encoded page without a dictionary page`);
        const bitWidth = page[offset] ?? 0;
        if (dictionary.kind === 'fixed') {
          try {
            expandDictionaryPage(page, offset + 1, page.length, bitWidth, defined, dictionary, width, outFixed!, target, true, watch);
          } catch (error) {
            if (error instanceof DictionaryIndexError) throw new ColumnDecodeError(`column "${element.name}": ${error.message}`);
            throw error;
          }
        } else {
          const indices = new Uint32Array(defined);
          decodeHybrid(page, offset + 1, page.length, bitWidth, defined, indices);
          strings?.indices(indices, defined, target);
          // The probe proves the indices run on by one, so the last is the largest.
          const first = deferred === target && defined > 0 && indices[defined - 1]! < dictionary.count ? (strings?.countingFrom?.() ?? -1) : -1;
          if (first >= 0) {
            if (deferred === 0) deferredFirst = first;
            deferred += defined;
            break;
          }
          const entries = dictionaryStrings(dictionary, element.name);
          for (let i = 0; i < defined; i++) {
            const value = entries[indices[i]!];
            if (value === undefined) throw new ColumnDecodeError(`column "${element.name}": dictionary index ${indices[i]} out of range`);
            outStrings![target + i] = value;
          }
        }
        break;
      }
      default:
        throw new ColumnDecodeError(`column "${element.name}" uses encoding ${header.encoding}, which this reader does not decode (PLAIN and dictionary are supported)`);
    }

    if (probing && !probed) probe!.missed();
    if (!dense) {
      let k = 0;
      for (let i = 0; i < pageValues; i++) {
        if (nulls![written + i] === 0) {
          if (width > 0) fixedOut!.set(scratchFixed!.subarray(k * width, (k + 1) * width), (written + i) * width);
          else stringOut![written + i] = scratchStrings![k]!;
          k++;
        } else if (stringOut) {
          stringOut[written + i] = '';
        }
      }
    }
    written += pageValues;
  }

  if (width > 0) {
    const bytes = fixedOut ?? new Uint8Array(0);
    return nulls ? { kind: 'fixed', width, bytes, nulls } : { kind: 'fixed', width, bytes };
  }
  if (deferred > 0) {
    if (deferred === rowCount) return { kind: 'counting', first: deferredFirst, count: rowCount };
    // A later page did not count on: the skipped values get their strings after all.
    for (let i = 0; i < deferred; i++) stringOut![i] = String(deferredFirst + i);
  }
  return nulls ? { kind: 'string', values: stringOut!, nulls } : { kind: 'string', values: stringOut! };
}

/** True when `bytes` is a whole buffer of its own (8-byte aligned, shared with no other view we made). */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads `count` PLAIN BYTE_ARRAY values from `page[offset, end)` into `out` from index `at`; errors name column `name`. */
export function readPlainStrings(page: Uint8Array, offset: number, end: number, count: number, out: string[], at: number, name: string): void {
  // Pure-ASCII pages (trade ids, symbols) become one string and each value a substring of it:
  // one native decode per page instead of one per value (trades read ~1.5x faster). The
  // 4-byte lengths ride along as characters; a length byte >= 0x80 just means the slow path.
  // isAscii is simdutf's scan: 25x a regular expression's test over the decoded text.
  const ascii = isAscii(page.subarray(offset, end));
  const text = ascii ? Buffer.from(page.buffer, page.byteOffset + offset, end - offset).toString('latin1') : '';
  let pos = offset;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > end) throw new ColumnDecodeError(`column "${name}": PLAIN strings end after ${i} of ${count}`);
    const length = (page[pos]! | (page[pos + 1]! << 8) | (page[pos + 2]! << 16) | (page[pos + 3]! << 24)) >>> 0;
    pos += 4;
    if (pos + length > end) throw new ColumnDecodeError(`column "${name}": string ${i} runs past the page`);
    out[at + i] = ascii ? text.substring(pos - offset, pos - offset + length) : decodeShortString(page, pos, pos + length, name);
    pos += length;
  }
}

function decodeShortString(page: Uint8Array, start: number, end: number, name: string): string {
  // ASCII fast path: trade ids are short and plain.
  if (end - start <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) if (page[i]! >= 0x80) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, page.subarray(start, end) as unknown as number[]);
  }
  try {
    return UTF8.decode(page.subarray(start, end));
  } catch {
    throw new ColumnDecodeError(`column "${name}": a string value is not valid UTF-8`);
  }
}
