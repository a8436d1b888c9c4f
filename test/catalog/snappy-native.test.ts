/**
 * A process's first 64 snappy pages are decoded by the native binding, the rest by
 * the kernels' WebAssembly decoder (compression.ts). This file runs in a process of its own, so its
 * first pages are the native ones: both decoders must give the same bytes for valid pages,
 * and corrupt pages (damaged bodies, lying length prefixes) must end in an error or a
 * rejected length, never a crash or an unbounded allocation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Codec } from '../../src/catalog/parquet/format.js';
import { compress, decompress } from '../../src/catalog/parquet/compression.js';
import { prng } from '../helpers/random-frames.js';

/** Pages like a catalog's: runs of repeated words and incompressible stretches. */
function page(rand: () => number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; ) {
    const run = 1 + Math.floor(rand() * 400);
    const repeated = rand() < 0.5;
    const value = Math.floor(rand() * 256);
    for (let k = 0; k < run && i < size; k++, i++) out[i] = repeated ? value : Math.floor(rand() * 256);
  }
  return out;
}

function outcome(input: Uint8Array, size: number): string {
  try {
    return `ok ${Buffer.from(decompress(Codec.SNAPPY, input, size)).toString('base64')}`;
  } catch (error) {
    return `error ${(error as Error).name}`;
  }
}

describe('snappy: native first pages, WebAssembly after', () => {
  // First, while the native decoder is still in use: pages it must not be given.
  it('refuses a page whose length prefix disagrees with the page header, without allocating what it claims', () => {
    // A prefix claiming 4 GB on a 10-byte page: neither decoder may try to allocate it.
    const lying = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0, 1, 2, 3, 4);
    assert.throws(() => decompress(Codec.SNAPPY, lying, 10));
    // A header claiming more than the page holds.
    const packed = compress(Codec.SNAPPY, new Uint8Array(1000).fill(7));
    assert.throws(() => decompress(Codec.SNAPPY, packed, 2000));
  });

  it('decodes the same pages to the same bytes, valid or damaged, on both paths', () => {
    const rand = prng(2026);
    const cases: Array<{ input: Uint8Array; size: number }> = [];
    for (let i = 0; i < 32; i++) {
      const raw = page(rand, 1 + Math.floor(rand() * 200_000));
      const packed = compress(Codec.SNAPPY, raw);
      cases.push({ input: packed, size: raw.length });
      // The same page damaged after its length prefix: the native decoder gets it (the prefix matches).
      const damaged = Uint8Array.from(packed);
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) damaged[3 + Math.floor(rand() * (damaged.length - 3))] = Math.floor(rand() * 256);
      cases.push({ input: damaged, size: raw.length });
    }
    assert.equal(cases.length, 64);
    const native = cases.map((c) => outcome(c.input, c.size)); // this process's first 64 pages
    const wasm = cases.map((c) => outcome(c.input, c.size));
    for (let i = 0; i < cases.length; i += 2) assert.ok(native[i]!.startsWith('ok '), `valid page ${i} failed natively: ${native[i]}`);
    // Valid pages: identical bytes. Damaged ones: each decoder may fail its own way, but when both succeed they agree.
    for (let i = 0; i < cases.length; i++) {
      if (native[i]!.startsWith('ok ') && wasm[i]!.startsWith('ok ')) assert.equal(native[i], wasm[i], `page ${i}`);
      if (i % 2 === 0) assert.equal(native[i], wasm[i], `valid page ${i}`);
    }
  });

  it('after the native pages, still refuses a header that claims more than the block holds', () => {
    // A decoder filling a buffer of the header's length would leave the rest as whatever its memory held.
    const packed = compress(Codec.SNAPPY, new Uint8Array(1000).fill(7));
    for (let i = 0; i < 70; i++) decompress(Codec.SNAPPY, packed, 1000); // past the native pages, whatever ran before
    assert.throws(() => decompress(Codec.SNAPPY, packed, 2000), /snappy block says 1000 bytes, the page header 2000/);
  });
});
