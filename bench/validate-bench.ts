/**
 * `seamless validate` benchmark (issue "data pipeline", Speed: validation >= 20 M rows/s).
 * For quotes, trades and bars, each figure is the median of BENCH_RUNS runs (default 5),
 * beside anchors from the same run:
 * - the check loop alone (frames already in memory) — what the target is about;
 * - the whole validation (list, open, decode, check, report) of the same catalog;
 * - the raw catalog read of the same files (decode only, frames dropped, read as validation
 *   reads them: trades with facts): the floor any whole-catalog validation sits on;
 * - pyarrow reading the quotes file single-threaded (bench/anchors.py, in .venv).
 * Rates are given by wall time and by process CPU time: on a machine shared with other
 * work the CPU figure is the steadier one. Run with `npm run bench:validate`.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { readFile } from '../src/catalog/reader.js';
import { type AnyFrame, type Frame, type MarketDataType } from '../src/model/frames.js';
import { syntheticBars, syntheticTrades } from '../src/model/synthetic-market.js';
import { NS_PER_MINUTE } from '../src/model/time.js';
import { resolveOptions } from '../src/pipeline/validate/options.js';
import { validateCatalog, validationReadOptions } from '../src/pipeline/validate/runner.js';
import { SeriesValidator } from '../src/pipeline/validate/series-validator.js';
import { anchor, formatRate, median } from './measure.js';
import { DAY_START, INSTRUMENT, benchCatalog } from './quote-data.js';
import { REPO_ROOT } from './repo-root.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const ROWS = Number(process.env['BENCH_VALIDATE_ROWS'] ?? 2_000_000);
const TARGET = 20e6;

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Wall and CPU seconds of one call. */
async function timed(fn: () => Promise<unknown> | unknown): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function medians(timings: readonly Timing[]): Timing {
  return { wall: median(timings.map((t) => t.wall)), cpu: median(timings.map((t) => t.cpu)) };
}

function rates(rows: number, t: Timing): string {
  return `${formatRate(rows / t.wall)} wall, ${formatRate(rows / t.cpu)} CPU`;
}

async function catalogFiles(root: string, type: MarketDataType, identifier: string): Promise<string[]> {
  const dir = join(root, 'data', type, identifier);
  return (await readdir(dir)).filter((n) => n.endsWith('.parquet')).map((n) => join(dir, n));
}

async function decodeAll(files: readonly string[], type: MarketDataType, keep: boolean): Promise<Frame[]> {
  const frames: Frame[] = [];
  // Read as validateCatalog reads (trades with the facts whose id proof the check loop uses).
  for (const file of files) for await (const frame of readFile(file, type, validationReadOptions(type))) if (keep) frames.push(frame);
  return frames;
}

/** Validates frames in memory; returns the findings per check (the data has no planted faults). */
function checkLoop(type: MarketDataType, frames: readonly Frame[]): Record<string, number> {
  const validator = new SeriesValidator(type, 'BENCH', resolveOptions({}));
  validator.beginFile('bench');
  for (const frame of frames) validator.frame(frame as AnyFrame);
  const found: Record<string, number> = {};
  for (const day of validator.endFile().days) for (const tally of day.checks) found[tally.check] = (found[tally.check] ?? 0) + tally.count;
  return found;
}

/** Measures one type: returns the check-loop CPU rate. */
async function measure(label: string, root: string, type: MarketDataType, identifier: string): Promise<{ loop: Timing; whole: Timing; read: Timing; rows: number }> {
  const files = await catalogFiles(root, type, identifier);
  let frames: Frame[] = await decodeAll(files, type, true);
  const rows = frames.reduce((sum, f) => sum + f.length, 0);
  const found = checkLoop(type, frames); // also the warm-up
  const loop: Timing[] = [];
  const whole: Timing[] = [];
  const read: Timing[] = [];
  for (let i = 0; i < RUNS; i++) loop.push(await timed(() => checkLoop(type, frames)));
  // Dropped before the reads: millions of rows held in memory (trade ids as strings above
  // all) slow every full collection during the reads: the figures would measure what the
  // bench keeps, not the reader.
  frames = [];
  // Interleaved, so a burst of load from other work hits both alike.
  for (let i = 0; i < RUNS; i++) {
    read.push(await timed(() => decodeAll(files, type, false)));
    whole.push(
      await timed(async () => {
        const report = await validateCatalog(root, { type, identifier });
        if (report.totals.rows !== rows) throw new Error(`validated ${report.totals.rows} rows, expected ${rows}`);
      }),
    );
  }
  const m = { loop: medians(loop), whole: medians(whole), read: medians(read), rows };
  console.log(`\n${label}: ${rows.toLocaleString()} rows; findings on this unplanted data: ${JSON.stringify(found)}`);
  console.log(`  check loop alone      ${rates(rows, m.loop)} | target >= 20 M rows/s: ${rows / m.loop.cpu >= TARGET ? 'met (CPU)' : 'missed (CPU)'}`);
  console.log(`  whole validation      ${rates(rows, m.whole)}`);
  console.log(`  anchor raw read       ${rates(rows, m.read)} (decode only, the same files)`);
  console.log(`  ratios (CPU)          whole / raw read ${(m.whole.cpu / m.read.cpu).toFixed(2)}x the time; check loop = ${((m.loop.cpu / m.whole.cpu) * 100).toFixed(0)} % of the whole; check loop / raw read ${(m.loop.cpu / m.read.cpu).toFixed(2)}x`);
  return m;
}

/** One line per type, CPU-time rates: the figures BENCHMARKS.md (section `seamless validate`) quotes. */
function printSummary(results: ReadonlyArray<[string, { loop: Timing; whole: Timing; read: Timing; rows: number }]>): void {
  const m = (rows: number, seconds: number) => `${(rows / seconds / 1e6).toFixed(2)} M/s`;
  console.log('\nsummary (CPU time)   check loop   whole validate   raw read   validate / raw read (rows/s)   target loop >= 20 M/s');
  for (const [name, r] of results) {
    console.log(`  ${name.padEnd(18)} ${m(r.rows, r.loop.cpu).padEnd(12)} ${m(r.rows, r.whole.cpu).padEnd(16)} ${m(r.rows, r.read.cpu).padEnd(10)} ${(r.read.cpu / r.whole.cpu).toFixed(2).padEnd(30)} ${r.rows / r.loop.cpu >= TARGET ? 'met' : 'missed'}`);
  }
}

/**
 * Whole validation of a catalog of three series (2 M quotes, 2 M trades, 1 M bars), one thread
 * against `jobs` 2 (this thread and one worker thread), alternating; the anchor is the
 * one-thread run in the same process.
 */
async function seriesOnWorkers(scratch: string, ...roots: string[]): Promise<void> {
  const root = join(scratch, 'three-series');
  for (const from of roots) await cp(join(from, 'data'), join(root, 'data'), { recursive: true });
  const rows = (await validateCatalog(root, { jobs: 1 })).totals.rows;
  const alone: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < Math.max(RUNS, 3); i++) {
    for (const [jobs, into] of (i % 2 === 0 ? [[1, alone], [2, two]] : [[2, two], [1, alone]]) as Array<[number, number[]]>) {
      const started = performance.now();
      await validateCatalog(root, { jobs });
      into.push((performance.now() - started) / 1000);
    }
  }
  console.log(`\nthree series (${rows.toLocaleString()} rows), whole validation: jobs 2 ${formatRate(rows / median(two))} wall | anchor jobs 1 ${formatRate(rows / median(alone))} | ${(median(alone) / median(two)).toFixed(2)}x (medians of ${alone.length}, alternating)`);
}

async function main(): Promise<void> {
  console.log(`validate benchmarks: median of ${RUNS} runs, node ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const scratch = await mkdtemp(join(tmpdir(), 'seamless-validate-bench-'));
  try {
    // Quotes: the history bench's day of BTCUSDT quotes (reused from bench/data when present).
    const shared = join(REPO_ROOT, 'bench', 'data', `quotes-${ROWS}`);
    const quotes = await benchCatalog(existsSync(shared) ? shared : join(scratch, 'quotes'), ROWS);
    const results: Array<[string, Awaited<ReturnType<typeof measure>>]> = [];
    results.push(['quotes', await measure('quote_tick, 16-byte', quotes.root, 'quote_tick', INSTRUMENT)]);
    const pyarrow = await anchor(['pyarrow-read', quotes.file, '--runs', String(RUNS)]);
    console.log(`  anchor pyarrow        ${formatRate(pyarrow.rows / median(pyarrow.seconds))} wall (pq.read_table 1 thread + float64, bench/anchors.py)`);

    // Trades: sequential ids, one a second-ish, one file.
    const tradesRoot = join(scratch, 'trades');
    const meta = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 };
    await (await Catalog.open(tradesRoot, { width: 16 })).write(syntheticTrades({ meta, start: DAY_START, count: ROWS, stepNs: 40_000_000n, jitterNs: 30_000_000n, width: 16 }));
    results.push(['trades', await measure('trade_tick, 16-byte', tradesRoot, 'trade_tick', INSTRUMENT)]);

    // Bars: 1-minute bars, 8-byte raws.
    const barsRoot = join(scratch, 'bars');
    const barType = `${INSTRUMENT}-1-MINUTE-LAST-EXTERNAL`;
    const barCount = Math.min(ROWS, 1_000_000);
    await (await Catalog.open(barsRoot, { width: 8 })).write(syntheticBars({ meta: { ...meta, barType }, start: DAY_START + NS_PER_MINUTE, count: barCount, stepNs: NS_PER_MINUTE, width: 8 }));
    results.push(['bars', await measure('bar, 8-byte', barsRoot, 'bar', barType)]);
    printSummary(results);

    // Several series at once (`jobs`): the trades and the bars above, in one catalog with the quotes' copy.
    await seriesOnWorkers(scratch, quotes.root, tradesRoot, barsRoot);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
