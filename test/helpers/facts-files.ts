/**
 * Helpers for the tests of the catalog's conformance facts (quote-facts.ts, trade-facts.ts,
 * bar-facts.ts): reading one file with and without facts, finding a catalog's only data file,
 * and using up the pages a process decodes natively (they leave no facts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import { readFile } from '../../src/catalog/reader.js';
import type { Frame, MarketDataType } from '../../src/model/frames.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';

/** Every frame of one Parquet file, read with or without facts. */
export async function readFileFrames<T extends MarketDataType>(path: string, type: T, facts: boolean): Promise<Frame<T>[]> {
  const frames: Frame<T>[] = [];
  for await (const frame of readFile(path, type, { facts })) frames.push(frame);
  return frames;
}

/** The path of the only data file of `type` and `identifier` under catalog `root`. */
export async function onlyDataFile(root: string, type: MarketDataType, identifier: string): Promise<string> {
  const dir = join(root, 'data', type, identifier);
  const files = await readdir(dir);
  if (files.length !== 1) throw new Error(`${dir} holds ${files.length} files, expected one`);
  return join(dir, files[0]!);
}

/** A process's first 64 snappy pages go to the native decoder, which leaves no facts: this uses them up. */
export async function useUpNativePages(dir: string): Promise<void> {
  const warm = await Catalog.open(dir, { width: 16 });
  const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
  await warm.write(syntheticQuotes({ meta, start: 1_704_153_600_000_000_000n, count: 2_000, stepNs: 1_000_000n, width: 16 }), { rowGroupSize: 100 });
  for await (const frame of warm.read('quote_tick', meta.instrumentId)) if (frame.length === 0) throw new Error('empty warm-up frame');
}
