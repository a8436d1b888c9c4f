/**
 * Page compression codecs. Chosen by measurement on 80 KB column pages (2 cores):
 * - snappy decode: our WebAssembly decoder in the catalog's kernels (snappy-decode-wasm.ts),
 *   as fast as hysnappy's when it replaced it (1.15 vs 1.17 GB/s), and 15–20 % faster since
 *   on a quote file's pages (copies decoded without a branch on their kind). hysnappy grows a
 *   plain WebAssembly memory, and that detach slows every typed-array loop of the process (see
 *   the kernel). hyparquet's pure-JS decoder (~0.4 GB/s) takes pages over 16 MB and any block the
 *   kernel refuses, and words the errors. The napi binding takes a process's first pages
 *   (below). Snappy encode: the napi binding (~200 MB/s on incompressible timestamps, where
 *   the JS encoders manage ~70 MB/s).
 * - zstd both ways: @bokuweb/zstd-wasm (~440 MB/s decode), no native build needed.
 * - gzip: node's zlib.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import snappy from 'snappy';
import { compress as zstdCompress, decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import { Codec } from './format.js';
import { snappyDecodeFast } from './snappy-decode-wasm.js';
import { readVarint } from './thrift-read.js';
import type { PageWatch } from './wasm-module.js';

export type CompressionName = 'snappy' | 'zstd' | 'gzip' | 'none';

export const CODEC_OF: Record<CompressionName, number> = { snappy: Codec.SNAPPY, zstd: Codec.ZSTD, gzip: Codec.GZIP, none: Codec.UNCOMPRESSED };

/** Pages above this go to the JavaScript decoder: the others allocate or grow what a block claims. */
const SNAPPY_MAX_PAGE = 16 << 20;
/**
 * A process's first snappy pages go to the native binding: WebAssembly runs as baseline
 * code until V8 has optimised it, and a cold 1-minute window read decodes only ~18 pages
 * (measured on 18 pages of 80 KB in fresh processes: native 0.8–0.9 ms, WebAssembly 2–4 ms).
 * From then on WebAssembly is the faster one (the binding allocates a Buffer per page).
 */
const NATIVE_SNAPPY_FIRST_PAGES = 64;
let snappyPages = 0;

function snappyDecode(input: Uint8Array, uncompressedSize: number, watch?: PageWatch): Uint8Array {
  // A snappy block starts with its own uncompressed length. It must agree with the page
  // header: a decoder writing into a buffer of the header's length could leave stale bytes
  // past what the block holds, and the native decoder allocates what the block claims.
  let claimed: number;
  try {
    claimed = readVarint(input, 0);
  } catch {
    claimed = -1;
  }
  if (claimed !== uncompressedSize) {
    throw new CompressionError(`snappy block says ${claimed < 0 ? 'an unreadable length' : `${claimed} bytes`}, the page header ${uncompressedSize}`);
  }
  if (uncompressedSize > SNAPPY_MAX_PAGE) return jsSnappy(input, uncompressedSize);
  if (snappyPages < NATIVE_SNAPPY_FIRST_PAGES) {
    snappyPages++;
    const output = snappy.uncompressSync(input, { asBuffer: true }) as Buffer;
    // A Buffer may sit in a shared pool; callers keep a page as a column only when it owns its buffer.
    return output.byteOffset === 0 && output.byteLength === output.buffer.byteLength ? output : Uint8Array.from(output);
  }
  return snappyDecodeFast(input, uncompressedSize, watch) ?? jsSnappy(input, uncompressedSize);
}

function jsSnappy(input: Uint8Array, uncompressedSize: number): Uint8Array {
  const output = new Uint8Array(uncompressedSize);
  snappyUncompress(input, output);
  return output;
}

let zstdReady: Promise<void> | undefined;
let zstdLoaded = false;

/** Loads the zstd wasm module once; call before compressing or decompressing zstd pages. */
export function initCompression(): Promise<void> {
  zstdReady ??= zstdInit().then(() => {
    zstdLoaded = true;
  });
  return zstdReady;
}

/** Thrown for codecs this build cannot decode, or pages whose size does not match their header. */
export class CompressionError extends Error {
  override name = 'CompressionError';
}

/**
 * Decompresses one page body into exactly `uncompressedSize` bytes. `watch` (PageWatch)
 * may ask for the bytes at a slot of the catalog kernels' memory, and sees where there they
 * were decompressed, when they were (the WebAssembly snappy path), before they are copied out.
 */
export function decompress(codec: number, input: Uint8Array, uncompressedSize: number, watch?: PageWatch): Uint8Array {
  let output: Uint8Array;
  switch (codec) {
    case Codec.UNCOMPRESSED:
      output = input;
      break;
    case Codec.SNAPPY:
      output = snappyDecode(input, uncompressedSize, watch);
      break;
    case Codec.ZSTD:
      if (!zstdLoaded) throw new CompressionError('zstd is not initialised: await initCompression() first');
      output = zstdDecompress(input);
      break;
    case Codec.GZIP:
      output = gunzipSync(input);
      break;
    default:
      throw new CompressionError(`compression codec ${codec} is not supported (snappy, zstd, gzip and none are); rewrite the file with one of those`);
  }
  if (output.length !== uncompressedSize) {
    throw new CompressionError(`page decompressed to ${output.length} bytes, header says ${uncompressedSize}`);
  }
  return output;
}

/** Compresses one page body. */
export function compress(codec: number, input: Uint8Array): Uint8Array {
  switch (codec) {
    case Codec.UNCOMPRESSED:
      return input;
    case Codec.SNAPPY:
      return snappy.compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    case Codec.ZSTD:
      if (!zstdLoaded) throw new CompressionError('zstd is not initialised: await initCompression() first');
      return zstdCompress(input, 3);
    case Codec.GZIP:
      return gzipSync(input);
    default:
      throw new CompressionError(`cannot write compression codec ${codec}`);
  }
}
