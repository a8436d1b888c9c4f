/**
 * CRC-32 (IEEE 802.3, the one zlib and gzip use). Node's `zlib.crc32` crosses into C++ on
 * every call, which costs more than the checksum itself for the ~100-byte records a live
 * capture writes; a table-driven loop in JS is faster below a few hundred bytes. Both give
 * the same value (the tests check), so segments read the same whichever computed them.
 */
import { crc32 as nativeCrc32 } from 'node:zlib';

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** Above this many bytes the native call wins. */
const NATIVE_FROM = 512;

export function crc32(data: Uint8Array): number {
  return crc32Range(data, 0, data.length);
}

/** The CRC-32 of `data[start, end)`, without making a view of it. */
export function crc32Range(data: Uint8Array, start: number, end: number): number {
  if (end - start >= NATIVE_FROM) return nativeCrc32(data.subarray(start, end));
  let c = -1;
  for (let i = start; i < end; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
