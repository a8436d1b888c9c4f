/**
 * Helpers for the tests of the catalog's conformance facts (quote-facts.ts, trade-facts.ts,
 * bar-facts.ts): reading one file with and without facts, finding a catalog's only data file,
 * using up the pages a process decodes natively (they leave no facts), and the property every
 * kind of facts must pass.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { Catalog } from '../../src/catalog/catalog.js';
import { readFile } from '../../src/catalog/reader.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import type { Frame, MarketDataType } from '../../src/model/frames.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import type { Series, SeriesDataType } from '../../src/seamless/series.js';
import { tempDir } from './paths.js';

/** Every frame of one Parquet file, read with or without facts (and trade ids that count up left as numbers: `lazyTradeIds`). */
export async function readFileFrames<T extends MarketDataType>(path: string, type: T, facts: boolean, lazyTradeIds = false): Promise<Frame<T>[]> {
  const frames: Frame<T>[] = [];
  for await (const frame of readFile(path, type, { facts, lazyTradeIds })) frames.push(frame);
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

/**
 * A temporary folder for the enclosing `describe`, made with its native pages used up
 * (useUpNativePages) before the tests and removed after them; call it inside `describe`. The
 * returned function gives the folder's path once the tests run.
 */
export function warmTempDir(prefix: string): () => string {
  let tmp: { path: string; remove: () => Promise<void> } | undefined;
  before(async () => {
    tmp = await tempDir(prefix);
    // Pages decoded natively come out as Buffers and leave no facts: decode those first.
    await useUpNativePages(join(tmp.path, 'warm'));
  });
  after(async () => tmp?.remove());
  return () => tmp!.path;
}

/** One data type's side of the facts property (assertMarksProveOnlyClean). */
export interface FactsCase<T extends SeriesDataType, D> {
  /** Where the property writes its catalogs. */
  readonly dir: string;
  readonly type: T;
  readonly identifier: string;
  readonly series: Series;
  /** Clean rows of a width, count and seed. */
  make(width: FixedWidth, count: number, seed: number): Frame<T>;
  damage(frame: Frame<T>, row: number, defect: D): void;
  /** Defects our writer accepts. */
  readonly defects: readonly D[];
  /** True when `frame`'s mark proves it clean on its own (a fresh proof). */
  provenAlone(frame: Frame<T>): boolean;
}

/**
 * On random rows with random defects, written in random row groups: a read with facts
 * returns exactly the frames a read without them does, and a frame its mark proves clean
 * is one the rule engine flags nothing in. Clean frames must get proven often, else the
 * property has no teeth.
 */
export async function assertMarksProveOnlyClean<T extends SeriesDataType, D>(c: FactsCase<T, D>): Promise<void> {
  let proven = 0;
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<FixedWidth>(8, 16),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 2, max: 900 }),
      fc.integer({ min: 50, max: 400 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...c.defects)), { maxLength: 3 }),
      async (width, seed, count, groupRows, defects) => {
        const frame = c.make(width, count, seed);
        for (const [at, defect] of defects) c.damage(frame, 1 + (at % (count - 1)), defect);
        const root = join(c.dir, `run-${run++}`);
        await (await Catalog.open(root, { width })).write(frame, { rowGroupSize: groupRows });
        const path = await onlyDataFile(root, c.type, c.identifier);
        const withFacts = await readFileFrames(path, c.type, true);
        assert.deepEqual(withFacts, await readFileFrames(path, c.type, false));
        for (const read of withFacts) {
          if (!c.provenAlone(read)) continue;
          proven++;
          assert.deepEqual(checkConformance(c.series, read).report.rules, {}, `width ${width}, seed ${seed}, defects ${JSON.stringify(defects)}`);
        }
      },
    ),
    { numRuns: 60 },
  );
  assert.ok(proven > 100, `only ${proven} frames were proven by their marks; the property has no teeth`);
}
