/**
 * The benchmark's data: a day of BTCUSDT quotes as a 128-bit catalog file, written once by
 * our writer into bench/data (git-ignored) and reused. Prices follow a random walk in cents
 * (few distinct values per row group, as in real books); sizes are mostly distinct.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { allocFrame, setFixedRaw, type Frame } from '../src/model/frames.js';
import { NS_PER_DAY } from '../src/model/time.js';
import { seededRandom } from '../src/model/seeded-random.js';

export const DAY_START = 1_704_153_600_000_000_000n; // 2024-01-02T00:00:00Z
export const INSTRUMENT = 'BTCUSDT.BINANCE';
const META = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 };


/** Yields `rows` quotes spread evenly over one UTC day, in frames of 100,000 rows. */
export function* quoteFrames(rows: number): Generator<Frame<'quote_tick'>> {
  const rand = seededRandom(42);
  const step = NS_PER_DAY / BigInt(rows);
  let cents = 4_250_000;
  const priceCache = new Map<number, bigint>();
  const priceRaw = (c: number) => {
    let raw = priceCache.get(c);
    if (raw === undefined) {
      raw = BigInt(c) * 10n ** 14n;
      priceCache.set(c, raw);
    }
    return raw;
  };
  for (let start = 0; start < rows; start += 100_000) {
    const n = Math.min(100_000, rows - start);
    const frame = allocFrame('quote_tick', 16, n, META);
    const c = frame.columns;
    for (let i = 0; i < n; i++) {
      cents += Math.round((rand() - 0.5) * 4);
      const spread = 1 + Math.floor(rand() * 3);
      setFixedRaw(c.bid_price, i, priceRaw(cents));
      setFixedRaw(c.ask_price, i, priceRaw(cents + spread));
      setFixedRaw(c.bid_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * 10n ** 10n);
      setFixedRaw(c.ask_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * 10n ** 10n);
      const ts = DAY_START + BigInt(start + i) * step;
      c.ts_event[i] = ts;
      c.ts_init[i] = ts + 1000n;
    }
    yield frame;
  }
}

/** Returns the path of the one file of a bench catalog with `rows` quotes, writing it if needed. */
export async function benchCatalog(root: string, rows: number): Promise<{ root: string; file: string }> {
  const dir = join(root, 'data', 'quote_tick', INSTRUMENT);
  if (!existsSync(dir) || (await readdir(dir)).filter((n) => n.endsWith('.parquet')).length === 0) {
    await mkdir(root, { recursive: true });
    const catalog = await Catalog.open(root, { width: 16, scheme: 'py1221' });
    await catalog.writeStream('quote_tick', META, (async function* () {
      yield* quoteFrames(rows);
    })());
  }
  const [name] = (await readdir(dir)).filter((n) => n.endsWith('.parquet'));
  return { root, file: join(dir, name!) };
}
