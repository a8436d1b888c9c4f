/*
 * AssemblyScript, part of kernels.wasm (see kernels.ts; built by `npm run build`, not by tsc:
 * see tsconfig's exclude). Walks the RowGroup list of a Parquet footer (Thrift compact protocol) and notes,
 * per column chunk, where it starts, where its Statistics struct starts, and its 8-byte min
 * and max as words.
 *
 * Why WebAssembly: a fresh process reading a 1-minute window out of a day file spends most
 * of its time walking a ~1 MB footer of 2,000 row groups while V8 still interprets the
 * JavaScript walker (8–9 ms, 1.3 ms once optimized). WebAssembly is compiled before it runs,
 * so the same walk costs about what optimized code does from the first byte.
 *
 * It is a fast path only: anything unusual (a map, a long varint, more chunks than the
 * outputs hold, bytes running out) makes it return -1, and the caller runs the JavaScript
 * walker, which accepts or rejects the footer and words its errors. So for every footer this
 * walker accepts, its outputs must equal the JavaScript walker's; the tests check that on
 * random and mutated footers.
 *
 * Memory: the caller copies the footer to [base, end) and passes where the outputs go.
 * Offsets handed back are relative to `base`, like the JavaScript walker's.
 */

const STOP: u32 = 0;
const TRUE: u32 = 1;
const FALSE: u32 = 2;
const BYTE: u32 = 3;
const I16: u32 = 4;
const I32: u32 = 5;
const I64: u32 = 6;
const DOUBLE: u32 = 7;
const BINARY: u32 = 8;
const LIST: u32 = 9;
const SET: u32 = 10;
const STRUCT: u32 = 12;
const MAX_DEPTH: i32 = 32;

let base: u32 = 0;
let end: u32 = 0;
/** Set by anything unusual; every caller then gives up. */
let failed: bool = false;
/** Where the column chunk being skipped has ColumnMetaData (field 3) → statistics (field 12); 0: none. */
let statsFound: u32 = 0;
/** The value of the last varint read by readVarint. */
let varintValue: u64 = 0;
/**
 * After a walk: the column count every row group has, or -1 when they differ. When all
 * have the same count, one column's statistics words sit at a fixed stride and pruning
 * reads them in place instead of copying them out per row group.
 */
export let uniformColumns: i32 = -1;
/**
 * After a walk whose row groups all have the same columns: bit c set when column c (of the
 * first 32, among those asked for) has 8-byte statistics in every row group that form a
 * chain, each group's min ≤ its max ≤ the next group's min, as unsigned 64-bit words. A
 * file sorted by that column has such statistics, and a window's row groups are then found
 * by binary search. 0 when the columns differ between groups.
 */
export let chainedColumns: u32 = 0;

// @ts-ignore: decorator
@inline function fail(): u32 {
  failed = true;
  return end;
}

/** Returns the offset after the varint at `pos` (at most 10 bytes). Inlined: integers are most of a footer. */
// @ts-ignore: decorator
@inline function skipVarint(pos: u32): u32 {
  const limit = pos + 10;
  while (pos < end) {
    const b = load<u8>(pos);
    pos++;
    if (b < 0x80) return pos;
    if (pos >= limit) return fail();
  }
  return fail();
}

/** Reads a varint of at most 7 bytes (below 2^49, exact as a double) into varintValue. */
// @ts-ignore: decorator
@inline function readVarint(pos: u32): u32 {
  let result: u64 = 0;
  let shift: u64 = 0;
  while (pos < end && shift < 49) {
    const b = load<u8>(pos);
    pos++;
    result |= (<u64>(b & 0x7f)) << shift;
    if (b < 0x80) {
      varintValue = result;
      return pos;
    }
    shift += 7;
  }
  return fail();
}

// @ts-ignore: decorator
@inline function unzigzag(n: u64): i64 {
  return <i64>((n >> 1) ^ (0 - (n & 1)));
}

/** Reads a field header's id (delta or long form) given the previous id; returns the offset after it in `pos`. */
let fieldId: i32 = 0;
// @ts-ignore: decorator
@inline function readFieldId(pos: u32, header: u32, previous: i32): u32 {
  if (header >= 0x10) {
    fieldId = previous + <i32>(header >> 4);
    return pos;
  }
  pos = readVarint(pos);
  fieldId = <i32>unzigzag(varintValue);
  return pos;
}

/** Skips a binary (short ones, most of a footer's, with their one-byte length inline). */
// @ts-ignore: decorator
@inline function skipBinary(pos: u32): u32 {
  if (pos < end && load<u8>(pos) < 0x80) {
    const after = pos + 1 + <u32>load<u8>(pos);
    return after > end ? fail() : after;
  }
  pos = readVarint(pos);
  if (failed) return end;
  const after = <u64>pos + varintValue;
  if (after > <u64>end) return fail();
  return <u32>after;
}

/**
 * Skips the value of compact `type` at `pos` and returns the offset after it. `path` 1: the
 * value is a ColumnChunk struct, whose field 3 struct is a ColumnMetaData; 2: a
 * ColumnMetaData, whose field 12 struct (statistics) is noted in statsFound.
 *
 * One recursive function for structs, lists and scalars, with every helper inlined: V8
 * compiles each hot WebAssembly function again with its optimizing compiler, one background
 * job per function, while the first walk runs; on two cores five such jobs (the walker split
 * by kind of value) took much of the walk's own CPU, two leave it more.
 */
function skip(pos: u32, type: u32, depth: i32, path: i32): u32 {
  if (depth > MAX_DEPTH) return fail();
  const limit = end;
  if (type == STRUCT) {
    let id: i32 = 0;
    for (;;) {
      if (pos >= limit) return fail();
      const header = <u32>load<u8>(pos);
      pos++;
      const fieldType = header & 0x0f;
      if (fieldType == STOP) return pos;
      pos = readFieldId(pos, header, id);
      if (failed) return limit;
      id = fieldId;
      if (fieldType >= I16 && fieldType <= I64) pos = skipVarint(pos);
      else if (fieldType == BINARY) pos = skipBinary(pos);
      else if (fieldType == TRUE || fieldType == FALSE) {
        // a struct's booleans live in the field type
      } else if (fieldType == STRUCT) {
        let inner: i32 = 0;
        if (path == 1 && id == 3) inner = 2;
        else if (path == 2 && id == 12) statsFound = pos;
        pos = skip(pos, STRUCT, depth + 1, inner);
      } else pos = skip(pos, fieldType, depth + 1, 0);
      if (failed) return limit;
      if (pos > limit) return fail();
    }
  }
  if (type == LIST || type == SET) {
    if (pos >= limit) return fail();
    const header = <u32>load<u8>(pos);
    pos++;
    const element = header & 0x0f;
    let size = header >> 4;
    if (size == 15) {
      pos = readVarint(pos);
      if (failed) return limit;
      if (varintValue > <u64>(limit - pos)) return fail();
      size = <u32>varintValue;
    }
    if (size > limit - pos) return fail();
    if (element == TRUE || element == FALSE || element == BYTE) pos += size; // one byte each in a list
    else if (element >= I16 && element <= I64) {
      for (let i: u32 = 0; i < size && !failed; i++) pos = skipVarint(pos);
    } else if (element == BINARY) {
      for (let i: u32 = 0; i < size && !failed; i++) pos = skipBinary(pos);
    } else {
      for (let i: u32 = 0; i < size && !failed; i++) pos = skip(pos, element, depth + 1, 0);
    }
    if (failed) return limit;
    if (pos > limit) return fail();
    return pos;
  }
  if (type == BYTE) pos += 1;
  else if (type >= I16 && type <= I64) pos = skipVarint(pos);
  else if (type == DOUBLE) pos += 8;
  else if (type == BINARY) pos = skipBinary(pos);
  else return fail(); // maps and unknown types: not in the footers this walks
  if (failed) return limit;
  if (pos > limit) return fail();
  return pos;
}

/**
 * Writes the 8-byte min and max of the Statistics struct at `pos` as four u32 words at
 * `out` (minLow, minHigh, maxLow, maxHigh) and returns 1, or returns 0 when either is not
 * 8 bytes. min_value/max_value (fields 6/5) win over the deprecated min/max (2/1), as in
 * the JavaScript reader.
 */
// @ts-ignore: decorator
@inline function statisticsWords(pos: u32, out: u32): u32 {
  let min: u32 = 0;
  let minLength: u32 = 0;
  let max: u32 = 0;
  let maxLength: u32 = 0;
  let oldMin: u32 = 0;
  let oldMinLength: u32 = 0;
  let oldMax: u32 = 0;
  let oldMaxLength: u32 = 0;
  let id: i32 = 0;
  for (;;) {
    if (pos >= end) {
      fail();
      return 0;
    }
    const header = <u32>load<u8>(pos);
    pos++;
    const type = header & 0x0f;
    if (type == STOP) break;
    pos = readFieldId(pos, header, id);
    if (failed) return 0;
    id = fieldId;
    if (type == BINARY && (id == 1 || id == 2 || id == 5 || id == 6)) {
      pos = readVarint(pos);
      if (failed) return 0;
      if (<u64>pos + varintValue > <u64>end) {
        fail();
        return 0;
      }
      const length = <u32>varintValue;
      if (id == 1) {
        oldMax = pos;
        oldMaxLength = length;
      } else if (id == 2) {
        oldMin = pos;
        oldMinLength = length;
      } else if (id == 5) {
        max = pos;
        maxLength = length;
      } else {
        min = pos;
        minLength = length;
      }
      pos += length;
    } else if (type != TRUE && type != FALSE) {
      pos = skip(pos, type, 1, 0);
      if (failed) return 0;
    }
  }
  if (min == 0) {
    min = oldMin;
    minLength = oldMinLength;
  }
  if (max == 0) {
    max = oldMax;
    maxLength = oldMaxLength;
  }
  if (minLength != 8 || maxLength != 8) return 0;
  store<u32>(out, load<u32>(min));
  store<u32>(out + 4, load<u32>(min + 4));
  store<u32>(out + 8, load<u32>(max));
  store<u32>(out + 12, load<u32>(max + 4));
  return 1;
}

/**
 * Walks `count` RowGroup structs starting at `pos`. Outputs per column chunk (`capacity`
 * of them): chunkAt and statsAt (u32), statWords (4 × u32) and statPresent (u8); per row
 * group: groupFirst and groupColumns (u32), numRows and totalByteSize (f64). Statistics
 * words are taken for the columns whose bit is set in `statisticsColumns` (and every column
 * from the 33rd on); the others get statPresent 0. Returns the offset after the list, or -1
 * (see the file comment).
 */
export function walkRowGroups(
  footerBase: u32,
  footerEnd: u32,
  pos: u32,
  count: u32,
  capacity: u32,
  chunkAt: u32,
  statsAt: u32,
  statWords: u32,
  statPresent: u32,
  groupFirst: u32,
  groupColumns: u32,
  numRows: u32,
  totalByteSize: u32,
  statisticsColumns: u32,
): i32 {
  base = footerBase;
  end = footerEnd;
  failed = false;
  uniformColumns = -1;
  let uniform: i32 = -2; // -2: no row group yet
  let used: u32 = 0;
  for (let g: u32 = 0; g < count; g++) {
    let columns: i32 = -1;
    let rows: f64 = 0;
    let bytes: f64 = 0;
    let id: i32 = 0;
    for (;;) {
      if (pos >= end) return -1;
      const header = <u32>load<u8>(pos);
      pos++;
      const type = header & 0x0f;
      if (type == STOP) break;
      pos = readFieldId(pos, header, id);
      if (failed) return -1;
      id = fieldId;
      if (id == 1 && type == LIST) {
        if (columns >= 0 || pos >= end) return -1;
        const list = <u32>load<u8>(pos);
        pos++;
        if ((list & 0x0f) != STRUCT) return -1;
        let n = <u64>(list >> 4);
        if (n == 15) {
          pos = readVarint(pos);
          if (failed) return -1;
          n = varintValue;
        }
        if (n > <u64>(capacity - used) || n > <u64>(end - pos)) return -1;
        columns = <i32>n;
        for (let i: i32 = 0; i < columns; i++) {
          store<u32>(chunkAt + (used << 2), pos - base);
          statsFound = 0;
          pos = skip(pos, STRUCT, 1, 1);
          if (failed) return -1;
          store<u32>(statsAt + (used << 2), statsFound == 0 ? 0 : statsFound - base);
          const wanted = i >= 32 || ((statisticsColumns >> <u32>i) & 1) != 0;
          const present = statsFound == 0 || !wanted ? 0 : statisticsWords(statsFound, statWords + (used << 4));
          if (failed) return -1;
          store<u8>(statPresent + used, <u8>present);
          used++;
        }
      } else if ((id == 2 || id == 3) && (type == I64 || type == I32)) {
        pos = readVarint(pos);
        if (failed) return -1;
        const value = <f64>unzigzag(varintValue);
        if (id == 2) bytes = value;
        else rows = value;
      } else if (type != TRUE && type != FALSE) {
        pos = skip(pos, type, 1, 0);
        if (failed) return -1;
      }
    }
    if (columns < 0) return -1;
    uniform = uniform == -2 || uniform == columns ? columns : -1;
    store<u32>(groupFirst + (g << 2), used - <u32>columns);
    store<u32>(groupColumns + (g << 2), <u32>columns);
    store<f64>(numRows + (g << 3), rows);
    store<f64>(totalByteSize + (g << 3), bytes);
  }
  uniformColumns = uniform == -2 ? -1 : uniform;
  chainedColumns = uniformColumns > 0 ? chainedOf(<u32>uniformColumns, count, statWords, statPresent, statisticsColumns) : 0;
  return <i32>(pos - base);
}

/** The chainedColumns mask of a walk whose `count` row groups all have `columns` columns. */
function chainedOf(columns: u32, count: u32, statWords: u32, statPresent: u32, statisticsColumns: u32): u32 {
  let mask: u32 = 0;
  const last = columns < 32 ? columns : 32;
  for (let c: u32 = 0; c < last; c++) {
    if (((statisticsColumns >> c) & 1) == 0) continue;
    let chained = true;
    let previousMax: u64 = 0;
    for (let g: u32 = 0, k = c; g < count; g++, k += columns) {
      const min = load<u64>(statWords + (k << 4));
      const max = load<u64>(statWords + (k << 4) + 8);
      if (load<u8>(statPresent + k) == 0 || min < previousMax || max < min) {
        chained = false;
        break;
      }
      previousMax = max;
    }
    if (chained) mask |= <u32>1 << c;
  }
  return mask;
}
