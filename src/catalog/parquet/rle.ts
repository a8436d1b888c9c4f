/**
 * The RLE / bit-packing hybrid encoding Parquet uses for dictionary indices and
 * definition levels. A run header is a varint: `(count << 1) | 0` for an RLE run of
 * `count` copies of one value (stored in ceil(bitWidth/8) little-endian bytes), or
 * `(groups << 1) | 1` for `groups * 8` values bit-packed LSB-first.
 */

/** Thrown when a run would read past its buffer or decode more values than expected. */
export class RleError extends Error {
  override name = 'RleError';
}

/** Where readHybrid delivers runs: decodeHybrid stores values, a dictionary decoder expands them in place. */
export interface HybridRuns {
  /** `count` copies of `value`, for output positions `[at, at + count)`. */
  repeat(value: number, at: number, count: number): void;
  /** `count` values bit-packed LSB-first at `bytes[pos, end)` (bytes past `end` read as 0), for positions from `at`. */
  packed(bytes: Uint8Array, pos: number, end: number, bitWidth: number, at: number, count: number): void;
}

/**
 * Reads `count` values of `bitWidth` bits from `bytes[offset, end)` as runs handed to `runs`.
 * Returns the offset after the last run consumed.
 */
export function readHybrid(bytes: Uint8Array, offset: number, end: number, bitWidth: number, count: number, runs: HybridRuns): number {
  if (bitWidth < 0 || bitWidth > 32) throw new RleError(`bit width must be 0..32, was ${bitWidth}`);
  if (bitWidth === 0) {
    if (count > 0) runs.repeat(0, 0, count);
    return offset;
  }
  const byteWidth = (bitWidth + 7) >> 3;
  let pos = offset;
  let written = 0;
  while (written < count) {
    if (pos >= end) throw new RleError(`hybrid-encoded data ends after ${written} of ${count} values`);
    // varint header
    let header = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new RleError('hybrid run header runs past the page');
      const b = bytes[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 35) throw new RleError('hybrid run header is too long');
    }
    if (header % 2 === 0) {
      const runLength = header / 2;
      if (pos + byteWidth > end) throw new RleError('RLE run value runs past the page');
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value += bytes[pos + i]! * 2 ** (8 * i);
      pos += byteWidth;
      const take = Math.min(count - written, runLength);
      runs.repeat(value, written, take);
      written += take;
    } else {
      const groups = (header - 1) / 2;
      const valueCount = groups * 8;
      const byteCount = groups * bitWidth;
      if (pos + byteCount > end) {
        // Writers may truncate the last bit-packed run to the bytes that hold real values.
        if (written + Math.floor(((end - pos) * 8) / bitWidth) < count) throw new RleError('bit-packed run runs past the page');
      }
      const take = Math.min(valueCount, count - written);
      runs.packed(bytes, pos, Math.min(end, pos + byteCount), bitWidth, written, take);
      written += take;
      pos += byteCount;
    }
  }
  return Math.min(pos, end);
}

/**
 * Decodes `count` values of `bitWidth` bits from `bytes[offset, end)` into `out`.
 * Returns the offset after the last run consumed.
 */
export function decodeHybrid(bytes: Uint8Array, offset: number, end: number, bitWidth: number, count: number, out: Uint32Array): number {
  return readHybrid(bytes, offset, end, bitWidth, count, {
    repeat: (value, at, n) => void out.fill(value, at, at + n),
    packed: (packed, pos, stop, width, at, n) => unpackBits(packed, pos, stop, width, n, out, at),
  });
}

/** Unpacks `count` LSB-first values of `bitWidth` bits from `bytes[pos, end)` (bytes past `end` read as 0) into `out` from `at`. */
export function unpackBits(bytes: Uint8Array, pos: number, end: number, bitWidth: number, count: number, out: Uint32Array, at: number): void {
  if (bitWidth <= 25) {
    // Each value from the 32-bit little-endian window at its first byte (shift <= 7, so a
    // value of <= 25 bits fits): no bit accumulator to carry from one value to the next.
    const mask = (1 << bitWidth) - 1;
    const whole = Math.max(0, Math.min(count, Math.floor(((end - pos - 4) * 8) / bitWidth) + 1)); // windows inside [pos, end)
    let i = 0;
    for (let bit = 0; i < whole; i++, bit += bitWidth) {
      const p = pos + (bit >>> 3);
      out[at + i] = ((bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> (bit & 7)) & mask;
    }
    // The last few values: bytes past `end` (a truncated final run) read as zeros.
    for (let bit = i * bitWidth; i < count; i++, bit += bitWidth) {
      const p = pos + (bit >>> 3);
      let window = 0;
      for (let k = 0; k < 4 && p + k < end; k++) window |= bytes[p + k]! << (8 * k);
      out[at + i] = (window >>> (bit & 7)) & mask;
    }
    return;
  }
  // Wide values: accumulate in a float to stay exact beyond 32 bits.
  let acc = 0;
  let bits = 0;
  const modulus = 2 ** bitWidth;
  for (let i = 0; i < count; i++) {
    while (bits < bitWidth) {
      acc += (pos < end ? bytes[pos]! : 0) * 2 ** bits;
      pos++;
      bits += 8;
    }
    out[at + i] = acc % modulus;
    acc = Math.floor(acc / modulus);
    bits -= bitWidth;
  }
}

/** Returns the number of bits needed to store values up to `maxValue`. */
export function bitWidthFor(maxValue: number): number {
  return maxValue === 0 ? 0 : 32 - Math.clz32(maxValue);
}

/** Growable byte sink for the encoder. */
class Bytes {
  buffer: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
  }
  ensure(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buffer[this.length++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buffer[this.length++] = n;
  }
}

/**
 * Encodes `values[0, count)` with the hybrid encoding: runs of 8 or more equal values
 * become RLE runs, everything else is bit-packed in groups of 8.
 */
export function encodeHybrid(values: Uint32Array, count: number, bitWidth: number): Uint8Array {
  const out = new Bytes(((count * bitWidth) >> 3) + 16);
  const byteWidth = (bitWidth + 7) >> 3;
  let literalStart = 0; // pending literals are values[literalStart, i)
  let i = 0;
  const flushLiterals = (end: number): void => {
    const n = end - literalStart;
    if (n === 0) return;
    const groups = Math.ceil(n / 8);
    out.varint(groups * 2 + 1);
    packBits(values, literalStart, end, groups * 8, bitWidth, out);
    literalStart = end;
  };
  while (i < count) {
    const value = values[i]!;
    let run = 1;
    while (i + run < count && values[i + run] === value) run++;
    const pending = i - literalStart;
    // Top up pending literals to a multiple of 8 from the run, then RLE the rest.
    const topUp = (8 - (pending % 8)) % 8;
    if (run - topUp >= 8) {
      flushLiterals(i + topUp);
      const rleLength = run - topUp;
      out.varint(rleLength * 2);
      out.ensure(byteWidth);
      let v = value;
      for (let b = 0; b < byteWidth; b++) {
        out.buffer[out.length++] = v & 0xff;
        v = Math.floor(v / 256);
      }
      i += run;
      literalStart = i;
    } else {
      i += run;
    }
  }
  flushLiterals(count);
  return out.buffer.subarray(0, out.length);
}

function packBits(values: Uint32Array, start: number, end: number, paddedCount: number, bitWidth: number, out: Bytes): void {
  out.ensure(((paddedCount * bitWidth) >> 3) + 8);
  const buffer = out.buffer;
  let at = out.length;
  if (bitWidth <= 24) {
    // 32-bit accumulator: at most 7 pending bits plus one 24-bit value.
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < paddedCount; i++) {
      const v = start + i < end ? values[start + i]! : 0;
      acc |= v << bits;
      bits += bitWidth;
      while (bits >= 8) {
        buffer[at++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) buffer[at++] = acc & 0xff;
  } else {
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < paddedCount; i++) {
      const v = start + i < end ? values[start + i]! : 0;
      acc += v * 2 ** bits;
      bits += bitWidth;
      while (bits >= 8) {
        buffer[at++] = acc % 256;
        acc = Math.floor(acc / 256);
        bits -= 8;
      }
    }
    if (bits > 0) buffer[at++] = acc % 256;
  }
  out.length = at;
}
