/**
 * Local files as byte sources (src/catalog/parquet/byte-source.ts): whatever the reads, in
 * order or not, they return the file's bytes, both when a small file is read whole when it is
 * opened and when a larger one is read in exact reads and read-ahead blocks.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fileSource } from '../../src/catalog/parquet/byte-source.js';
import { tempDir } from '../helpers/paths.js';

/** Reads: some random, some sequential runs (each starting where the last ended), some past the end. */
const reads = (size: number) =>
  fc.array(
    fc.oneof(
      fc.tuple(fc.nat({ max: size + 10 }), fc.nat({ max: 3000 })).map(([offset, length]) => ({ offset, length, run: 1 })),
      fc.tuple(fc.nat({ max: size }), fc.integer({ min: 1, max: 900 }), fc.integer({ min: 2, max: 12 })).map(([offset, length, run]) => ({ offset, length, run })),
    ),
    { minLength: 1, maxLength: 12 },
  );

describe('file byte sources', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  const files: Array<{ path: string; bytes: Uint8Array }> = [];
  before(async () => {
    tmp = await tempDir('seamless-byte-source-');
    for (const size of [0, 1, 4_000, 20_000]) {
      const bytes = new Uint8Array(randomBytes(size));
      const path = join(tmp.path, `file-${size}`);
      await writeFile(path, bytes);
      files.push({ path, bytes });
    }
  });
  after(async () => tmp.remove());

  for (const [label, options] of [
    ['read whole by the first read', {}],
    ['read in exact reads and read-ahead blocks', { wholeBelow: 0, readAhead: 1024 }],
  ] as const) {
    it(`returns the file's bytes for any reads: ${label}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: files.length - 1 }).chain((k) => fc.tuple(fc.constant(k), reads(files[k]!.bytes.length))), async ([k, plan]) => {
          const { path, bytes } = files[k]!;
          const source = await fileSource(path, options);
          try {
            assert.equal(source.byteLength, bytes.length);
            for (const { offset, length, run } of plan) {
              for (let r = 0, at = offset; r < run; r++, at += length) {
                const got = await source.read(at, length);
                assert.deepEqual(got, bytes.subarray(at, Math.min(bytes.length, at + length)), `${path}: ${length} bytes at ${at}`);
              }
            }
            // Concurrent first reads (a footer's head and tail) share the one read.
            const [head, tail] = await Promise.all([source.read(0, 4), source.read(Math.max(0, bytes.length - 8), 8)]);
            assert.deepEqual(head, bytes.subarray(0, 4));
            assert.deepEqual(tail, bytes.subarray(Math.max(0, bytes.length - 8)));
          } finally {
            await source.close();
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('reads a small file whole when it opens it, and holds no descriptor after', async () => {
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    const { path, bytes } = files[3]!;
    const source = await fileSource(path);
    assert.equal(await open(), before, 'closed once read');
    assert.deepEqual(await source.read(0, bytes.length), bytes);
    await source.close();
  });

  it('a file cut short under an open source: reads return the bytes still there, a short one in a buffer of its own', async () => {
    const bytes = new Uint8Array(randomBytes(3 << 20));
    const cut = (3 << 20) / 2;
    const path = join(tmp.path, 'cut-short');
    await writeFile(path, bytes);
    // Past wholeBelow: exact reads (synchronous) and read-ahead blocks (on the thread pool).
    const source = await fileSource(path, { wholeBelow: 0, readAhead: 1 << 20 });
    await truncate(path, cut);
    const half = 1 << 19;
    // A sequential run: a block from 100, the next block read ahead (cut short) and joined to it
    // by a read that straddles both, a read from there past the cut, then an exact read past it.
    for (const [offset, length] of [[0, 100], [100, 1000], [1100, half], [1100 + half, half], [1100 + 2 * half, half], [(1 << 20) + 5, 1 << 20]] as const) {
      assert.deepEqual(await source.read(offset, length), bytes.subarray(offset, Math.min(cut, offset + length)), `read(${offset}, ${length})`);
    }
    const short = await source.read((1 << 20) + 5, 1 << 20);
    assert.equal(short.buffer.byteLength, short.length, 'a short read is a copy of its own size: no unread byte behind it');
    await source.close();
  });

  it('closes its file', async () => {
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    for (const options of [{}, { wholeBelow: 0 }]) {
      const source = await fileSource(files[2]!.path, options);
      await source.read(0, 10);
      await source.close();
    }
    assert.equal(await open(), before);
  });
});
