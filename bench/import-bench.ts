/**
 * `npm run bench:import`: `seamless import binance` end to end (checksum, unzip, parse, encode,
 * write) on generated spot trade archives in Binance's real format (µs timestamps, 8-decimal
 * text, True/False), against NautilusTrader's own path in the same run
 * (bench/import_anchor.py: pandas.read_csv → TradeTickDataWrangler.process → write_data).
 *
 *   BENCH_IMPORT_ROWS        rows of the day archive timed for our rate (default 3,000,000)
 *   BENCH_IMPORT_ANCHOR_ROWS rows of the archive both sides import (default 1,000,000)
 *   BENCH_IMPORT_MONTH_ROWS  rows of the month archive for the peak-RSS probe (default 30,000,000)
 *   BENCH_RUNS               runs per figure (median; default 5; the anchor runs at most 3)
 *
 * Archives are generated once into $TMPDIR/seamless-import-bench/mirror-<sizes>/ and reused. Rates are given
 * against wall time and against the process's CPU time (all threads: zlib inflates on the
 * libuv pool), because the machine is shared with other work.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../src/catalog/catalog.js';
import { zipCsvChunks } from '../src/pipeline/import/archive-stream.js';
import { BatchBuilder } from '../src/pipeline/import/batch-builder.js';
import { binanceLayout } from '../src/pipeline/import/binance-formats.js';
import { binanceArchivePath } from '../src/pipeline/import/binance-layout.js';
import { importBinance } from '../src/pipeline/import/binance-import.js';
import { LineSplitter } from '../src/pipeline/import/csv-lines.js';
import { RowMapper, SeriesState } from '../src/pipeline/import/row-mapper.js';
import { dayToIso, monthBounds, parseDay } from '../src/pipeline/import/utc-days.js';
import { writeBinanceZip } from '../test/support/archives/mirror.js';
import { formatRate, median } from './measure.js';
import { REPO_ROOT } from './repo-root.js';

const run = promisify(execFile);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROWS = env('BENCH_IMPORT_ROWS', 3_000_000);
const ANCHOR_ROWS = env('BENCH_IMPORT_ANCHOR_ROWS', 1_000_000);
const MONTH_ROWS = env('BENCH_IMPORT_MONTH_ROWS', 30_000_000);
const RUNS = env('BENCH_RUNS', 5);
const DIR = join(tmpdir(), 'seamless-import-bench');
const DAY_MS = 86_400_000;

/** Spot trade lines for `days`, `perDay` rows each, µs stamps, in chunks of 100k lines. */
async function* spotTrades(days: readonly number[], perDay: number): AsyncGenerator<Uint8Array> {
  let id = 4_000_000_000;
  let cents = 9_412_345;
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (const day of days) {
    const stepMicros = Math.floor((DAY_MS * 1000) / (perDay + 1));
    for (let i = 0; i < perDay; ) {
      let text = '';
      const end = Math.min(perDay, i + 100_000);
      for (; i < end; i++, id++) {
        cents += Math.floor(random() * 21) - 10;
        const micros = day * DAY_MS * 1000 + i * stepMicros;
        const qty = 1 + Math.floor(random() * 200_000);
        text += `${id},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}000000,${Math.floor(qty / 100_000)}.${String(qty % 100_000).padStart(5, '0')}000,123.45678900,${micros},${random() < 0.5 ? 'True' : 'False'},True\n`;
      }
      yield Buffer.from(text, 'latin1');
    }
  }
}

async function ensureArchive(mirror: string, days: number[], perDay: number, monthly: boolean): Promise<void> {
  const relPath = binanceArchivePath({ market: 'spot', type: 'trades', symbol: 'BTCUSDT' }, { kind: monthly ? 'monthly' : 'daily', day: days[0]! });
  if (existsSync(join(mirror, ...relPath.split('/')))) return;
  process.stderr.write(`generating ${relPath} (${(days.length * perDay).toLocaleString('en-US')} rows)...\n`);
  await writeBinanceZip(mirror, relPath, spotTrades(days, perDay));
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

interface Timing {
  wall: number[];
  cpu: number[];
}

async function timed(fn: () => Promise<number>): Promise<{ rows: number; wall: number; cpu: number }> {
  const startWall = performance.now();
  const startCpu = cpuSeconds();
  const rows = await fn();
  return { rows, wall: (performance.now() - startWall) / 1000, cpu: cpuSeconds() - startCpu };
}

async function measure(label: string, fn: () => Promise<number>): Promise<{ rows: number; timing: Timing }> {
  return (await measureAlternating([[label, fn]]))[0]!;
}

/** Runs the measurements in turn, RUNS rounds (so a load burst hits them alike), and prints a line each. */
async function measureAlternating(jobs: ReadonlyArray<readonly [string, () => Promise<number>]>): Promise<Array<{ rows: number; timing: Timing }>> {
  const results = jobs.map(() => ({ rows: 0, timing: { wall: [], cpu: [] } as Timing }));
  for (let i = 0; i < RUNS; i++) {
    for (const [k, [, fn]] of jobs.entries()) {
      const t = await timed(fn);
      results[k]!.rows = t.rows;
      results[k]!.timing.wall.push(t.wall);
      results[k]!.timing.cpu.push(t.cpu);
    }
  }
  for (const [k, [label]] of jobs.entries()) printRates(label, results[k]!.rows, results[k]!.timing);
  return results;
}

function printRates(label: string, rows: number, timing: Timing): void {
  console.log(`${label.padEnd(44)} ${formatRate(rows / median(timing.wall)).padStart(16)} wall  ${formatRate(rows / median(timing.cpu)).padStart(16)} per CPU-second   (median of ${RUNS}; runs ${timing.wall.map((s) => s.toFixed(2)).join(', ')} s)`);
}

async function importDay(mirror: string, dayIso: string, root: string): Promise<number> {
  await rm(root, { recursive: true, force: true });
  const summary = await importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start: dayIso, end: dayIso, catalog: await Catalog.open(root), progress: false, pricePrecision: 2, sizePrecision: 5 });
  return summary.rows;
}

/** Inflates (and optionally parses, by `rowPath`) one archive without writing: where the time goes. */
async function stage(mirror: string, dayIso: string, parse: boolean, rowPath: 'kernel' | 'scanner' = 'kernel'): Promise<number> {
  const relPath = binanceArchivePath({ market: 'spot', type: 'trades', symbol: 'BTCUSDT' }, { kind: 'daily', day: parseDay(dayIso, 'day') });
  const path = join(mirror, ...relPath.split('/'));
  const archive = { path, label: path, bytes: 0, release: async () => {} };
  const builder = new BatchBuilder('trade_tick', 16, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 });
  const day = parseDay(dayIso, 'day');
  const mapper = new RowMapper(path, binanceLayout('spot', 'trades'), builder, { firstDay: day, lastDay: day, stampOffsetNs: 0n, maxDecimals: [2, 5], precisionNames: ['price', 'size'], positive: [1] }, new SeriesState(), rowPath);
  const splitter = new LineSplitter(mapper);
  let lines = 0;
  for await (const chunk of zipCsvChunks(archive)) {
    if (parse) {
      splitter.push(chunk);
      builder.take();
    } else {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
  }
  splitter.end();
  builder.finish();
  return parse ? mapper.rows : lines;
}

async function rssProbe(mirror: string, start: string, end: string, root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const summary = await importBinance({ source: mirror, market: 'spot', type: 'trades', symbol: 'BTCUSDT', start, end, catalog: await Catalog.open(root), progress: false, pricePrecision: 2, sizePrecision: 5 });
  clearInterval(timer);
  await rm(root, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ rows: summary.rows, days: summary.daysWritten.length, maxRssKb: process.resourceUsage().maxRSS, sampledPeak: peak }));
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === '--rss-probe') return rssProbe(args[0]!, args[1]!, args[2]!, args[3]!);
  await mkdir(DIR, { recursive: true });
  // One mirror per size choice, so archives generated for other sizes are never mistaken for these.
  const mirror = join(DIR, `mirror-${ROWS}-${ANCHOR_ROWS}-${MONTH_ROWS}`);
  const benchDay = parseDay('2025-01-15', 'day');
  const anchorDay = parseDay('2025-01-16', 'day');
  const month = monthBounds(parseDay('2025-02-01', 'day'));
  const monthDays = Array.from({ length: month.next - month.first }, (_, i) => month.first + i);
  await ensureArchive(mirror, [benchDay], ROWS, false);
  await ensureArchive(mirror, [anchorDay], ANCHOR_ROWS, false);
  await ensureArchive(mirror, monthDays, Math.ceil(MONTH_ROWS / monthDays.length), true);
  const load = (await run('uptime')).stdout.trim();
  console.log(`seamless import benchmark — ${new Date().toISOString()}, node ${process.version}; ${load}`);

  const catalogRoot = join(DIR, 'catalog');
  await measure(`inflate only (${ROWS.toLocaleString('en-US')} rows)`, () => stage(mirror, dayToIso(benchDay), false));
  // The parse path's own anchor: the JavaScript scanner the WebAssembly kernel is tested against.
  await measureAlternating([
    ['inflate + parse into frames', () => stage(mirror, dayToIso(benchDay), true)],
    ['  the same, JavaScript scanner alone', () => stage(mirror, dayToIso(benchDay), true, 'scanner')],
  ]);
  const ours = await measure('import (checksum, inflate, parse, write)', () => importDay(mirror, dayToIso(benchDay), catalogRoot));
  const oursSmall = await measure(`import, anchor archive (${ANCHOR_ROWS.toLocaleString('en-US')} rows)`, () => importDay(mirror, dayToIso(anchorDay), catalogRoot));

  const python = process.env['SEAMLESS_PYTHON'] ?? join(REPO_ROOT, '.venv', 'bin', 'python');
  const anchorZip = join(mirror, ...binanceArchivePath({ market: 'spot', type: 'trades', symbol: 'BTCUSDT' }, { kind: 'daily', day: anchorDay }).split('/'));
  const { stdout } = await run(python, [join(REPO_ROOT, 'bench', 'import_anchor.py'), anchorZip, '--runs', String(Math.min(3, RUNS))], { maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const anchor = JSON.parse(stdout) as { rows: number; seconds: number[]; stages: Record<string, number[]> };
  const theirs = anchor.rows / median(anchor.seconds);
  const stages = Object.entries(anchor.stages).map(([name, s]) => `${name} ${median(s).toFixed(2)} s`).join(', ');
  console.log(`${'NautilusTrader read_csv+wrangler+write_data'.padEnd(44)} ${formatRate(theirs).padStart(16)} wall  (median of ${anchor.seconds.length}; ${stages})`);
  const oursSmallRate = oursSmall.rows / median(oursSmall.timing.wall);
  console.log(`ratio on the same archive: ${(oursSmallRate / theirs).toFixed(1)}× NautilusTrader (wall)`);
  console.log(`our rate at ${ROWS.toLocaleString('en-US')} rows: ${formatRate(ours.rows / median(ours.timing.wall))} wall, ${formatRate(ours.rows / median(ours.timing.cpu))} per CPU-second (target ≥ 3 M rows/s)`);

  const script = fileURLToPath(import.meta.url);
  const probe = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--rss-probe', mirror, dayToIso(month.first), dayToIso(month.next - 1), join(DIR, 'catalog-month')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`rss probe exited ${code}`))));
  });
  const rss = JSON.parse(probe) as { rows: number; days: number; maxRssKb: number };
  console.log(`peak RSS importing a ${rss.rows.toLocaleString('en-US')}-row month (${rss.days} day files, one monthly archive): ${(rss.maxRssKb / 1024).toFixed(0)} MB (target < 256 MB)`);
}

await main();
