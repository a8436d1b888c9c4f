/**
 * Consolidation benchmark (issue "data pipeline", `seamless maintain consolidate`): 168
 * hourly fragments of quotes over 7 days, consolidated by 1-day period by us and by the
 * real NautilusTrader 1.221.0 (`ParquetDataCatalog.consolidate_catalog_by_period` in .venv)
 * on identical copies. Reports the median seconds of BENCH_RUNS runs, rows/s and MB/s of
 * input, the ratio, and the number of files each produced — once for fragments named by
 * whole hours (contiguous; Nautilus' default `ensure_contiguous_files=True`) and once for
 * fragments named by their data (gaps between files; `ensure_contiguous_files=False`, as
 * Nautilus requires there). Python's timing excludes interpreter start and imports.
 *
 * Run with `npm run bench:maintain` (BENCH_RUNS=3, BENCH_ROWS_PER_FILE=5000 by default).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Catalog } from '../src/catalog/catalog.js';
import { consolidate } from '../src/catalog/upkeep.js';
import { type Frame, allocFrame, setFixedRaw } from '../src/model/frames.js';
import { seededRandom } from '../src/model/seeded-random.js';
import { NS_PER_DAY, NS_PER_HOUR } from '../src/model/time.js';
import { median } from './measure.js';
import { REPO_ROOT } from './repo-root.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ROWS_PER_FILE = Number(process.env['BENCH_ROWS_PER_FILE'] ?? 5000);
const FRAGMENTS = 168;
const START = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z
const INSTRUMENT = 'BTCUSDT.BINANCE';
const META = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 };
const FOLDER = join('data', 'quote_tick', INSTRUMENT);
const run = promisify(execFile);

const NAUTILUS_CONSOLIDATE = `
import json, sys, time
import pandas as pd
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
catalog = ParquetDataCatalog(sys.argv[1])
started = time.perf_counter()
catalog.consolidate_catalog_by_period(period=pd.Timedelta(days=1), ensure_contiguous_files=sys.argv[2] == "1")
print(json.dumps({"seconds": time.perf_counter() - started}))
`;

/** One hour of quotes: a random walk in cents, mostly distinct sizes, ts spread over the hour. */
function hourOfQuotes(rand: () => number, hourStart: bigint, cents: { value: number }): Frame<'quote_tick'> {
  const frame = allocFrame('quote_tick', 16, ROWS_PER_FILE, META);
  const c = frame.columns;
  const step = (NS_PER_HOUR - 2_000_000n) / BigInt(ROWS_PER_FILE);
  for (let i = 0; i < ROWS_PER_FILE; i++) {
    cents.value += Math.round((rand() - 0.5) * 4);
    setFixedRaw(c.bid_price, i, BigInt(cents.value) * 10n ** 14n);
    setFixedRaw(c.ask_price, i, BigInt(cents.value + 1 + Math.floor(rand() * 3)) * 10n ** 14n);
    setFixedRaw(c.bid_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * 10n ** 10n);
    setFixedRaw(c.ask_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * 10n ** 10n);
    const ts = hourStart + 1_000_000n + BigInt(i) * step;
    c.ts_event[i] = ts;
    c.ts_init[i] = ts + 1000n;
  }
  return frame;
}

/** Writes the 168 fragments; `contiguous` names each by its whole hour, else by its rows. */
async function writeFragments(root: string, contiguous: boolean): Promise<void> {
  const catalog = await Catalog.open(root, { width: 16, scheme: 'py1221' });
  const rand = seededRandom(7);
  const cents = { value: 4_250_000 };
  for (let h = 0; h < FRAGMENTS; h++) {
    const first = START + BigInt(h) * NS_PER_HOUR;
    await catalog.write(hourOfQuotes(rand, first, cents), contiguous ? { interval: { first, last: first + NS_PER_HOUR - 1n } } : {});
  }
}

async function folderStats(root: string): Promise<{ files: number; bytes: number }> {
  const names = (await readdir(join(root, FOLDER))).filter((n) => n.endsWith('.parquet') && !n.startsWith('.'));
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(root, FOLDER, n))).size));
  return { files: names.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

async function countRows(root: string): Promise<number> {
  const catalog = await Catalog.open(root);
  let rows = 0;
  for await (const frame of catalog.read('quote_tick', INSTRUMENT)) rows += frame.length;
  return rows;
}

interface Outcome {
  seconds: number[];
  files: number[];
}

async function main(): Promise<void> {
  const python = process.env['SEAMLESS_PYTHON'] ?? join(REPO_ROOT, '.venv', 'bin', 'python');
  const work = await mkdtemp(join(tmpdir(), 'seamless-maintain-bench-'));
  const rows = FRAGMENTS * ROWS_PER_FILE;
  console.log(`consolidation benchmark: ${FRAGMENTS} hourly fragments x ${ROWS_PER_FILE} quotes = ${rows.toLocaleString()} rows over 7 days, period 1d, median of ${RUNS} runs, node ${process.version}`);
  try {
    for (const contiguous of [true, false]) {
      const template = join(work, contiguous ? 'contiguous' : 'gaps');
      await writeFragments(template, contiguous);
      const input = await folderStats(template);
      const ours: Outcome = { seconds: [], files: [] };
      const theirs: Outcome = { seconds: [], files: [] };
      for (let i = 0; i < RUNS; i++) {
        // Interleaved, on fresh copies, so load from other processes hits both alike.
        const a = join(work, `ours-${i}`);
        await cp(template, a, { recursive: true });
        const catalog = await Catalog.open(a);
        const started = performance.now();
        await consolidate(catalog.layout, 'quote_tick', undefined, catalog.width, { period: NS_PER_DAY, fillPeriods: contiguous });
        ours.seconds.push((performance.now() - started) / 1000);
        ours.files.push((await folderStats(a)).files);
        if ((await countRows(a)) !== rows) throw new Error(`ours: row count changed in run ${i}`);
        await rm(a, { recursive: true, force: true });

        const b = join(work, `theirs-${i}`);
        await cp(template, b, { recursive: true });
        const { stdout } = await run(python, ['-c', NAUTILUS_CONSOLIDATE, b, contiguous ? '1' : '0'], { maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
        theirs.seconds.push((JSON.parse(stdout) as { seconds: number }).seconds);
        theirs.files.push((await folderStats(b)).files);
        if ((await countRows(b)) !== rows) throw new Error(`NautilusTrader: row count changed in run ${i}`);
        await rm(b, { recursive: true, force: true });
      }
      const mb = input.bytes / 1e6;
      const line = (name: string, o: Outcome) => {
        const s = median(o.seconds);
        return `  ${name.padEnd(16)} ${s.toFixed(3).padStart(7)} s  ${(rows / s / 1e6).toFixed(2).padStart(6)} M rows/s  ${(mb / s).toFixed(1).padStart(6)} MB/s  files out: ${[...new Set(o.files)].join('/')}`;
      };
      console.log(`\n${contiguous ? 'contiguous fragments (named by whole hour), ensure_contiguous_files=True' : 'fragments with gaps (named by their rows), ensure_contiguous_files=False'}; input ${input.files} files, ${mb.toFixed(1)} MB`);
      console.log(line('seamless', ours));
      console.log(line('NautilusTrader', theirs));
      console.log(`  ratio (seamless throughput / NautilusTrader): ${(median(theirs.seconds) / median(ours.seconds)).toFixed(2)}x; runs: seamless ${ours.seconds.map((s) => s.toFixed(2)).join(', ')} s, NautilusTrader ${theirs.seconds.map((s) => s.toFixed(2)).join(', ')} s`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
