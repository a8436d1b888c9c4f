/**
 * Whole Parquet files for tests that work on bytes (fuzzing, footer walks): the
 * NautilusTrader fixtures (ZSTD) and files of our own writer (snappy) for every market type
 * and both widths.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import { syntheticBars, syntheticQuotes, syntheticTrades } from '../../src/model/synthetic-market.js';
import type { MarketDataType } from '../../src/model/frames.js';
import { FIXTURES, tempDir } from './paths.js';
import { prng, randomFrame } from './random-frames.js';

export interface SampleFile {
  readonly name: string;
  readonly type: MarketDataType;
  readonly bytes: Uint8Array;
}

const FIXTURE_FILES: Array<[string, MarketDataType]> = [
  ['bars.parquet', 'bar'],
  ['trades.parquet', 'trade_tick'],
  ['quotes.parquet', 'quote_tick'],
  ['deltas.parquet', 'order_book_delta'],
  ['quotes-3-groups-filter-query.parquet', 'quote_tick'],
];

/** Every NautilusTrader fixture, 64- and 128-bit, named `<width>/<file>`. */
export function fixtureFiles(): SampleFile[] {
  return ['64-bit', '128-bit'].flatMap((w) => FIXTURE_FILES.map(([name, type]) => ({ name: `${w}/${name}`, type, bytes: readFileSync(join(FIXTURES, w, name)) })));
}

/**
 * One file of our writer per market type and width, named `seamless/<type>-<width>`, from
 * random frames of `rows` rows (`distinct` values per column at width 8, when given).
 */
export async function ownWriterFiles(options: { seed: number; rows: number; distinct?: number }): Promise<SampleFile[]> {
  const dir = await tempDir('seamless-samples-');
  const files: SampleFile[] = [];
  try {
    const rand = prng(options.seed);
    for (const type of ['bar', 'quote_tick', 'trade_tick', 'order_book_delta'] as const) {
      for (const width of [8, 16] as const) {
        const catalog = await Catalog.open(join(dir.path, `${type}-${width}`), { width });
        const meta = { instrumentId: 'EUR/USD.SIM', pricePrecision: 2, sizePrecision: 3, ...(type === 'bar' ? { barType: 'EUR/USD.SIM-1-MINUTE-BID-EXTERNAL' } : {}) };
        const distinct = options.distinct === undefined ? {} : { distinct: width === 8 ? options.distinct : options.rows };
        const written = await catalog.write(randomFrame(type, rand, { width, rows: options.rows, startNs: 1_600_000_000_000_000_000n, meta, ...distinct }));
        files.push({ name: `seamless/${type}-${width}`, type, bytes: await readFile(written.path) });
      }
    }
  } finally {
    await dir.remove();
  }
  return files;
}

/** Clean synthetic quotes, trades and bars of both widths from our writer (snappy): rows the catalog's conformance facts mark. */
export async function cleanWriterFiles(rows: number): Promise<SampleFile[]> {
  const dir = await tempDir('seamless-clean-samples-');
  const files: SampleFile[] = [];
  try {
    const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
    const start = 1_704_153_600_000_000_000n;
    for (const width of [8, 16] as const) {
      const frames = [
        syntheticQuotes({ meta, start, count: rows, stepNs: 1_000_000n, width }),
        syntheticTrades({ meta, start, count: rows, stepNs: 1_000_000n, width }),
        syntheticBars({ meta: { ...meta, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' }, start: start + 60_000_000_000n, count: rows, stepNs: 60_000_000_000n, width }),
      ];
      for (const frame of frames) {
        const written = await (await Catalog.open(join(dir.path, `${frame.type}-${width}`), { width })).write(frame);
        files.push({ name: `seamless/clean-${frame.type}-${width}`, type: frame.type, bytes: await readFile(written.path) });
      }
    }
  } finally {
    await dir.remove();
  }
  return files;
}
