/**
 * This build against another one, alternating in one process, so the machine's drift (on a
 * shared 2-core machine, ±50 % from minute to minute) hits both alike:
 *
 *   node dist/bench/build-ab.js <other-checkout> import [rounds]   # the import bench's 3 M-row day
 *   node dist/bench/build-ab.js <other-checkout> write  [rounds]   # 2 M 128-bit quotes into a catalog
 *   node dist/bench/build-ab.js <other-checkout> bars   [rounds]   # validation's check loop over 1 M bars (CPU)
 *   node dist/bench/build-ab.js <other-checkout> quotes [rounds]   # validation's check loop over 2 M 128-bit quotes (CPU)
 *   node dist/bench/build-ab.js <other-checkout> validate-trades [rounds]     # whole validation of 2 M trades our writer wrote (CPU)
 *   node dist/bench/build-ab.js <other-checkout> validate-trades-nt [rounds]  # the same trades as pyarrow writes them for NautilusTrader (dictionary-encoded ids)
 *   node dist/bench/build-ab.js <other-checkout> consolidate-trades [rounds]  # those 2 M trades in 50 fragments consolidated into one day file (CPU)
 *   node dist/bench/build-ab.js <other-checkout> read [rounds]     # the history bench's 2 M 128-bit quotes read from the catalog, kept (CPU)
 *
 * The other checkout must be built (`npm run build`): e.g. `git worktree add /tmp/base <rev>`,
 * link node_modules, build. `import` needs the archive `npm run bench:import` generates.
 * Prints each build's rates per round and their medians; the order within a round alternates.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { promisify } from 'node:util';
import { Catalog } from '../src/catalog/catalog.js';
import { type Frame, sliceFrame } from '../src/model/frames.js';
import { syntheticBars, syntheticTrades } from '../src/model/synthetic-market.js';
import { NS_PER_DAY, NS_PER_MINUTE } from '../src/model/time.js';
import { median } from './measure.js';
import { INSTRUMENT, benchCatalog, quoteFrames } from './quote-data.js';
import { REPO_ROOT } from './repo-root.js';

interface Build {
  readonly name: string;
  readonly root: string;
  readonly rates: number[];
}

type Job = (root: string, dir: string) => Promise<number>;

/** A mirror the import bench generated that holds its 3 M-row day (any choice of the other sizes). */
function dayMirror(): string {
  const base = join(tmpdir(), 'seamless-import-bench');
  const day = 'data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2025-01-15.zip';
  const found = existsSync(base) ? readdirSync(base).filter((n) => n.startsWith('mirror-3000000-')).find((n) => existsSync(join(base, n, day))) : undefined;
  if (!found) throw new Error(`no 3 M-row day archive under ${base}: run npm run bench:import once`);
  return join(base, found);
}

/** Imports the bench's 3 M-row day with the build at `root`; returns rows/s. */
async function importDay(root: string, dir: string): Promise<number> {
  const { importBinance } = (await import(join(root, 'dist/src/pipeline/import/binance-import.js'))) as typeof import('../src/pipeline/import/binance-import.js');
  const { Catalog } = (await import(join(root, 'dist/src/catalog/catalog.js'))) as typeof import('../src/catalog/catalog.js');
  const catalog = await Catalog.open(dir);
  const started = performance.now();
  const summary = await importBinance({ source: dayMirror(), market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: '2025-01-15', end: '2025-01-15', catalog, progress: false, pricePrecision: 2, sizePrecision: 5 });
  return summary.rows / ((performance.now() - started) / 1000);
}

const QUOTES = 2_000_000;
let quotes: Array<Frame<'quote_tick'>> | undefined;

/** Writes 2 M quotes (128-bit) into a fresh catalog with the build at `root`; returns rows/s. */
async function writeQuotes(root: string, dir: string): Promise<number> {
  quotes ??= [...quoteFrames(QUOTES)];
  const { Catalog } = (await import(join(root, 'dist/src/catalog/catalog.js'))) as typeof import('../src/catalog/catalog.js');
  const catalog = await Catalog.open(dir, { width: 16 });
  const started = performance.now();
  await catalog.write(quotes);
  return QUOTES / ((performance.now() - started) / 1000);
}

const BARS = 1_000_000;
let bars: Array<Frame<'bar'>> | undefined;

/** 1 M 8-byte one-minute bars in frames of 5,000 (a NautilusTrader row group), as validate-bench.ts makes them. */
function barFrames(): Array<Frame<'bar'>> {
  const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };
  const all = syntheticBars({ meta, start: 1_704_153_600_000_000_000n + NS_PER_MINUTE, count: BARS, stepNs: NS_PER_MINUTE, width: 8 });
  return Array.from({ length: BARS / 5000 }, (_, k) => sliceFrame(all, k * 5000, (k + 1) * 5000));
}

/** Runs the build at `root`'s SeriesValidator over 1 M bars in memory (the bench's check loop); returns rows per CPU second. */
async function checkBars(root: string): Promise<number> {
  bars ??= barFrames();
  return checkLoop(root, bars);
}

/** The same over the 2 M quotes of the write job. */
async function checkQuotes(root: string): Promise<number> {
  quotes ??= [...quoteFrames(QUOTES)];
  return checkLoop(root, quotes);
}

async function checkLoop(root: string, frames: ReadonlyArray<Frame<'bar'> | Frame<'quote_tick'>>): Promise<number> {
  const { SeriesValidator } = (await import(join(root, 'dist/src/pipeline/validate/series-validator.js'))) as typeof import('../src/pipeline/validate/series-validator.js');
  const { resolveOptions } = (await import(join(root, 'dist/src/pipeline/validate/options.js'))) as typeof import('../src/pipeline/validate/options.js');
  const validator = new SeriesValidator(frames[0]!.type, 'BENCH', resolveOptions({}));
  validator.beginFile('bench');
  const started = cpuUsage();
  for (const frame of frames) validator.frame(frame);
  const used = cpuUsage(started);
  validator.endFile();
  const rows = frames.reduce((sum, frame) => sum + frame.length, 0);
  return rows / ((used.user + used.system) / 1e6);
}

const TRADES = 2_000_000;
const tradeCatalogs = new Map<string, Promise<string>>();

/**
 * A catalog of 2 M 16-byte trades with sequential ids, written once per process by this build;
 * `pyarrow`: the same file rewritten by pyarrow with its defaults (dictionary-encoded ids, as
 * NautilusTrader's write_data leaves them) and 5,000-row groups.
 */
function tradeCatalog(pyarrow: boolean): Promise<string> {
  const key = pyarrow ? 'pyarrow' : 'ours';
  let made = tradeCatalogs.get(key);
  if (!made) {
    made = (async () => {
      const root = join(tmpdir(), `seamless-build-ab-trades-${key}-${process.pid}`);
      await rm(root, { recursive: true, force: true });
      const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
      await (await Catalog.open(root, { width: 16 })).write(syntheticTrades({ meta, start: 1_704_153_600_000_000_000n, count: TRADES, stepNs: 40_000_000n, jitterNs: 30_000_000n, width: 16 }));
      if (pyarrow) {
        const dir = join(root, 'data', 'trade_tick', meta.instrumentId);
        const file = join(dir, readdirSync(dir)[0]!);
        const rewrite = 'import sys, pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\npq.write_table(t, sys.argv[1], row_group_size=5000)';
        await promisify(execFile)(join(REPO_ROOT, '.venv', 'bin', 'python'), ['-c', rewrite, file]);
      }
      return root;
    })();
    tradeCatalogs.set(key, made);
  }
  return made;
}

/** `seamless validate` of the trade catalog with the build at `root`; returns rows per CPU second. */
async function validateTrades(root: string, pyarrow: boolean): Promise<number> {
  const catalog = await tradeCatalog(pyarrow);
  const { validateCatalog } = (await import(join(root, 'dist/src/pipeline/validate/runner.js'))) as typeof import('../src/pipeline/validate/runner.js');
  const started = cpuUsage();
  const report = await validateCatalog(catalog, { type: 'trade_tick' });
  const used = cpuUsage(started);
  if (report.totals.rows !== TRADES) throw new Error(`validated ${report.totals.rows} rows, expected ${TRADES}`);
  return TRADES / ((used.user + used.system) / 1e6);
}

let fragments: Promise<string> | undefined;

/** The trade catalog's rows cut into 50 files of 40,000 (a day's fragments), written once by this build. */
function fragmentedTrades(): Promise<string> {
  fragments ??= (async () => {
    const root = join(tmpdir(), `seamless-build-ab-fragments-${process.pid}`);
    await rm(root, { recursive: true, force: true });
    const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
    const all = syntheticTrades({ meta, start: 1_704_153_600_000_000_000n, count: TRADES, stepNs: 40_000_000n, jitterNs: 30_000_000n, width: 16 });
    const catalog = await Catalog.open(root, { width: 16 });
    const step = TRADES / 50;
    for (let k = 0; k < 50; k++) await catalog.write(sliceFrame(all, k * step, (k + 1) * step));
    return root;
  })();
  return fragments;
}

/** Consolidates a fresh copy of the fragments into one file a day with the build at `root`; returns rows per CPU second. */
async function consolidateTrades(root: string, dir: string): Promise<number> {
  const template = await fragmentedTrades();
  await cp(template, dir, { recursive: true });
  const { consolidate } = (await import(join(root, 'dist/src/catalog/upkeep.js'))) as typeof import('../src/catalog/upkeep.js');
  const { Catalog: BuildCatalog } = (await import(join(root, 'dist/src/catalog/catalog.js'))) as typeof import('../src/catalog/catalog.js');
  const catalog = await BuildCatalog.open(dir);
  const started = cpuUsage();
  const result = await consolidate(catalog.layout, 'trade_tick', undefined, catalog.width, { period: NS_PER_DAY });
  const used = cpuUsage(started);
  if (result.rows !== TRADES) throw new Error(`consolidated ${result.rows} rows, expected ${TRADES}`);
  return TRADES / ((used.user + used.system) / 1e6);
}

/** Reads the history bench's 2 M quotes (bench/data, made once) with the build at `root`, keeping the frames; returns rows per CPU second. */
async function readQuotes(root: string): Promise<number> {
  const data = await benchCatalog(join(REPO_ROOT, 'bench', 'data', `quotes-${QUOTES}`), QUOTES);
  const { Catalog: BuildCatalog } = (await import(join(root, 'dist/src/catalog/catalog.js'))) as typeof import('../src/catalog/catalog.js');
  const catalog = await BuildCatalog.open(data.root, { width: 16 });
  const frames = [];
  const started = cpuUsage();
  for await (const frame of catalog.read('quote_tick', INSTRUMENT)) frames.push(frame);
  const used = cpuUsage(started);
  const rows = frames.reduce((sum, f) => sum + f.length, 0);
  if (rows !== QUOTES) throw new Error(`read ${rows} quotes, expected ${QUOTES}`);
  return rows / ((used.user + used.system) / 1e6);
}

async function main(): Promise<void> {
  const [other, what = 'import', roundsText = '8'] = process.argv.slice(2);
  const jobs: Record<string, Job> = {
    import: importDay,
    write: writeQuotes,
    bars: checkBars,
    quotes: checkQuotes,
    'validate-trades': (root) => validateTrades(root, false),
    'validate-trades-nt': (root) => validateTrades(root, true),
    'consolidate-trades': consolidateTrades,
    read: readQuotes,
  };
  const job = jobs[what];
  if (!other || !job) throw new Error(`usage: node dist/bench/build-ab.js <other-checkout> ${Object.keys(jobs).join('|')} [rounds]`);
  const builds: Build[] = [
    { name: 'other', root: resolve(other), rates: [] },
    { name: 'this', root: REPO_ROOT, rates: [] },
  ];
  const dir = join(tmpdir(), `seamless-build-ab-${process.pid}`);
  for (let round = 0; round < Number(roundsText); round++) {
    for (const build of round % 2 ? [...builds].reverse() : builds) {
      await rm(dir, { recursive: true, force: true });
      build.rates.push(await job(build.root, dir));
    }
  }
  await rm(dir, { recursive: true, force: true });
  for (const made of [...tradeCatalogs.values(), ...(fragments ? [fragments] : [])]) await rm(await made, { recursive: true, force: true });
  for (const build of builds) {
    const shown = build.rates.map((r) => (r / 1e6).toFixed(2)).join(' ');
    console.log(`${build.name.padEnd(6)} ${what} M rows/s: ${shown}   median ${(median(build.rates) / 1e6).toFixed(2)}   (${build.root})`);
  }
  const paired = builds[1]!.rates.map((r, i) => r / builds[0]!.rates[i]! - 1);
  console.log(`this vs other, per round: ${paired.map((p) => `${p >= 0 ? '+' : ''}${(100 * p).toFixed(0)} %`).join(', ')}`);
}

await main();
