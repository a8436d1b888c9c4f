/**
 * Reading a catalog of many files opens the next file while the current one is read
 * (src/catalog/reader.ts, readFrames): the frames are those of the files read one by one, in
 * order; a file that fails to open fails the read only when the read gets to it, after the
 * frames before it; and a read stopped early leaves no file open.
 */
import assert from 'node:assert/strict';
import { readdir, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { FilesAhead, readFile } from '../../src/catalog/reader.js';
import type { Frame } from '../../src/model/frames.js';
import { syntheticBars } from '../../src/model/synthetic-market.js';
import { warmTempDir } from '../helpers/facts-files.js';

const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: BAR_TYPE };
const DAY0 = 1_704_153_600_000_000_000n;
const DAY = 86_400_000_000_000n;
const MINUTE = 60_000_000_000n;
const DAYS = 5;

async function openFiles(): Promise<number> {
  // Closing is not awaited by readers: give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return (await readdir('/proc/self/fd')).length;
}

async function collect(frames: AsyncIterable<Frame<'bar'>>): Promise<Array<Frame<'bar'>>> {
  const out: Array<Frame<'bar'>> = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

/** A catalog of one file a day, 100-row groups; returns it and its files in time order. */
async function dayFiles(root: string): Promise<{ catalog: Catalog; paths: string[] }> {
  const catalog = await Catalog.open(root, { width: 16 });
  for (let d = 0; d < DAYS; d++) {
    const bars = syntheticBars({ meta: META, start: DAY0 + BigInt(d) * DAY + MINUTE, count: 300, stepNs: MINUTE, seed: d + 1 });
    await catalog.write(bars, { rowGroupSize: 100 });
  }
  const paths = (await catalog.files('bar', BAR_TYPE)).map((f) => f.path);
  assert.equal(paths.length, DAYS);
  return { catalog, paths };
}

describe('reading many files, the next opened ahead', () => {
  const tmp = warmTempDir('seamless-read-ahead-');

  it('gives the frames of the files read one by one, in order', async () => {
    const { catalog, paths } = await dayFiles(join(tmp(), 'all'));
    const oneByOne: Array<Frame<'bar'>> = [];
    for (const path of paths) oneByOne.push(...(await collect(readFile(path, 'bar'))));
    assert.equal(oneByOne.length, DAYS * 3);
    assert.deepEqual(await collect(catalog.read('bar', BAR_TYPE)), oneByOne);
  });

  it('leaves no file open when the reader stops early, at any frame', async () => {
    const { catalog } = await dayFiles(join(tmp(), 'stop'));
    const before = await openFiles();
    for (const stopAfter of [1, 3, 4, 7]) {
      let seen = 0;
      for await (const frame of catalog.read('bar', BAR_TYPE)) {
        assert.ok(frame.length > 0);
        if (++seen === stopAfter) break;
      }
      assert.equal(await openFiles(), before, `stopped after ${stopAfter} frames`);
    }
  });

  it('a damaged file fails the read when the read gets to it, after the frames of the files before it', async () => {
    const { catalog, paths } = await dayFiles(join(tmp(), 'damaged'));
    await truncate(paths[2]!, 100);
    const before = await openFiles();
    const got: Array<Frame<'bar'>> = [];
    await assert.rejects(
      async () => {
        for await (const frame of catalog.read('bar', BAR_TYPE)) got.push(frame);
      },
      (error: Error & { code?: string }) => error.code === 'CATALOG_CORRUPT_FILE' && error.message.includes(paths[2]!),
    );
    assert.equal(got.length, 6, 'the two files before it, three row groups each');
    assert.equal(await openFiles(), before);
  });

  it('a file removed after the listing fails the read at its turn, naming it', async () => {
    const { catalog, paths } = await dayFiles(join(tmp(), 'removed'));
    const files = await catalog.files('bar', BAR_TYPE);
    await unlink(paths[1]!);
    const got: Array<Frame<'bar'>> = [];
    await assert.rejects(
      async () => {
        for await (const frame of catalog.read('bar', BAR_TYPE, { files })) got.push(frame);
      },
      (error: Error & { code?: string }) => error.code === 'CATALOG_NOT_FOUND' && error.message.includes(paths[1]!),
    );
    assert.equal(got.length, 3);
  });

  it('FilesAhead: a file opened ahead for a path that is not read next is closed, and the one asked for is read', async () => {
    const { paths } = await dayFiles(join(tmp(), 'other-path'));
    const before = await openFiles();
    const ahead = new FilesAhead();
    const first = await collect(ahead.read(paths[0]!, paths[1]!, 'bar'));
    // Not the path opened ahead: that one is closed, this one opened.
    const other = await collect(ahead.read(paths[3]!, undefined, 'bar'));
    assert.deepEqual(first, await collect(readFile(paths[0]!, 'bar')));
    assert.deepEqual(other, await collect(readFile(paths[3]!, 'bar')));
    assert.equal(await openFiles(), before);
  });
});
