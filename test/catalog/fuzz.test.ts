/**
 * Fuzzing the reader: thousands of mutated copies of the NautilusTrader fixtures (bit
 * flips, random overwrites, truncation, footer and page-header damage) must each either
 * decode or fail with our typed errors — never another exception, a hang or a crash.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { barMarkOf } from '../../src/catalog/bar-facts.js';
import { CatalogError } from '../../src/catalog/errors.js';
import { decodeRowGroup, planFileDecoding } from '../../src/catalog/frame-decode.js';
import { memorySource } from '../../src/catalog/parquet/byte-source.js';
import { ParquetFile, ParquetFileError } from '../../src/catalog/parquet/file-reader.js';
import { quoteMarkOf } from '../../src/catalog/quote-facts.js';
import { tradeMarkOf } from '../../src/catalog/trade-facts.js';
import { tradeIdNumbers } from '../../src/model/trade-id-numbers.js';
import type { Frame, MarketDataType } from '../../src/model/frames.js';
import { useUpNativePages } from '../helpers/facts-files.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { type SampleFile, cleanWriterFiles, fixtureFiles, ownWriterFiles } from '../helpers/sample-files.js';

const ITERATIONS = Number(process.env['SEAMLESS_FUZZ_ITERATIONS'] ?? 4000);
/** The fixtures, and (before the tests) snappy files of our own writer: every type, dictionary and PLAIN pages. */
export const originals: SampleFile[] = fixtureFiles();

async function addOwnFiles(): Promise<void> {
  originals.push(...(await ownWriterFiles({ seed: 99, rows: 7000, distinct: 5 })));
}

export function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const pick = (from: number, to: number) => from + Math.floor(rand() * Math.max(1, to - from));
  switch (Math.floor(rand() * 5)) {
    case 0: // a few bit flips anywhere
      for (let i = 1 + Math.floor(rand() * 8); i > 0; i--) out[pick(0, out.length)]! ^= 1 << Math.floor(rand() * 8);
      return out;
    case 1: // damage the footer, where most structure lives
      for (let i = 1 + Math.floor(rand() * 16); i > 0; i--) out[pick(Math.max(0, out.length - 2048), out.length - 8)] = Math.floor(rand() * 256);
      return out;
    case 2: // overwrite a run with random bytes (page headers, page bodies)
    {
      const start = pick(4, out.length - 8);
      const length = Math.min(out.length - 8 - start, 1 + Math.floor(rand() * 64));
      for (let i = 0; i < length; i++) out[start + i] = Math.floor(rand() * 256);
      return out;
    }
    case 3: // truncate
      return out.subarray(0, pick(0, out.length));
    default: // damage the footer length
    {
      const at = out.length - 8 + Math.floor(rand() * 4);
      out[at] = Math.floor(rand() * 256);
      return out;
    }
  }
}

export async function decodeAll(bytes: Uint8Array, type: MarketDataType): Promise<number> {
  return (await decodeFrames(bytes, type, false)).reduce((rows, frame) => rows + frame.length, 0);
}

/** Every row group's frame, decoded with or without conformance facts (row-group-facts.ts), and trade ids that count up left as numbers (`lazyTradeIds`). */
async function decodeFrames(bytes: Uint8Array, type: MarketDataType, facts: boolean, lazyTradeIds = false): Promise<Frame[]> {
  const file = await ParquetFile.open(memorySource(bytes, 'fuzz.parquet'));
  const plan = await planFileDecoding(file, type);
  const frames: Frame[] = [];
  for (let g = 0; g < file.meta.rowGroups.length; g++) frames.push(await decodeRowGroup(file, plan, g, facts, lazyTradeIds));
  return frames;
}

/** What decoding `bytes` comes to: the frames, how many were marked and how many hold ids as numbers, or the error it fails with. */
async function outcome(bytes: Uint8Array, type: MarketDataType, facts: boolean, lazyTradeIds = false): Promise<{ result: Frame[] | string; marked: number; unmade: number }> {
  try {
    const frames = await decodeFrames(bytes, type, facts, lazyTradeIds);
    // Counted before anything reads `trade_id`, which makes the strings.
    const unmade = frames.filter((f) => tradeIdNumbers(f.columns) !== undefined).length;
    return { result: frames, marked: frames.filter((f) => quoteMarkOf(f) !== undefined || tradeMarkOf(f) || barMarkOf(f) !== undefined).length, unmade };
  } catch (error) {
    return { result: `${(error as Error).name}: ${(error as Error).message}`, marked: 0, unmade: 0 };
  }
}

describe('reader fuzzing', () => {
  before(addOwnFiles);

  it(`${ITERATIONS} mutated fixtures: decode or typed error only`, { timeout: 600_000 }, async () => {
    const rand = prng(Number(process.env['SEAMLESS_FUZZ_SEED'] ?? 20261121));
    const outcomes = { decoded: 0, typed: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const original = originals[i % originals.length]!;
      const mutated = mutate(original.bytes, rand);
      const started = performance.now();
      try {
        await decodeAll(mutated, original.type);
        outcomes.decoded++;
      } catch (error) {
        if (error instanceof CatalogError || error instanceof ParquetFileError) outcomes.typed++;
        else assert.fail(`iteration ${i} (${original.name}): untyped ${(error as Error)?.name}: ${(error as Error)?.message}`);
      }
      // A hang guard (a mutated length sending a loop round forever), not a speed limit: a
      // decode takes milliseconds, but a loaded CI machine can stall one for seconds.
      assert.ok(performance.now() - started < 60_000, `iteration ${i} (${original.name}) took over 60 s`);
    }
    // Both outcomes must occur, or the mutations are not exercising anything.
    assert.ok(outcomes.decoded > 0 && outcomes.typed > ITERATIONS / 4, JSON.stringify(outcomes));
  });

  // The facts' kernels run over whatever a damaged page decodes to: they must never change
  // what a read returns or how it fails; nor must trade ids left as numbers, whose pages the
  // decoder then never turns into strings.
  it(`${ITERATIONS / 4} mutated files read with conformance facts, and with trade ids left as numbers: the same frames, or the same error, as without`, { timeout: 600_000 }, async () => {
    const rand = prng(Number(process.env['SEAMLESS_FUZZ_SEED'] ?? 20261122));
    // The native snappy decoder, which takes a process's first pages, words a corrupt page's
    // error otherwise: every read compared here must go to the same decoder.
    const warm = await tempDir();
    await useUpNativePages(warm.path).finally(() => warm.remove());
    // Clean rows too, which earn marks: the random ones and the zstd fixtures hardly do.
    const files = [...originals, ...(await cleanWriterFiles(7000))];
    let marked = 0;
    let unmade = 0;
    for (let i = 0; i < ITERATIONS / 4; i++) {
      const original = files[i % files.length]!;
      const mutated = mutate(original.bytes, rand);
      const plain = await outcome(mutated, original.type, false);
      const withFacts = await outcome(mutated, original.type, true);
      assert.deepEqual(withFacts.result, plain.result, `iteration ${i} (${original.name})`);
      marked += withFacts.marked;
      if (original.type !== 'trade_tick') continue;
      const lazy = await outcome(mutated, original.type, true, true);
      unmade += lazy.unmade;
      assert.deepEqual(lazy.result, plain.result, `iteration ${i} (${original.name}), trade ids as numbers`);
    }
    // Most damage fails a file or dirties its rows; a few dozen marks (42 with the default seed) show the facts ran.
    assert.ok(marked >= ITERATIONS / 200, `only ${marked} frames were marked: the facts hardly ran`);
    // Only the clean trade files' intact row groups count up (11 frames with the default seed).
    assert.ok(unmade >= ITERATIONS / 800, `only ${unmade} frames held their ids as numbers: the lazy path hardly ran`);
  });

  it('the unmutated fixtures decode', async () => {
    for (const original of originals) assert.ok((await decodeAll(original.bytes, original.type)) > 0, original.name);
  });
});
