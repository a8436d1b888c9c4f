/**
 * History API benchmarks (issue "seamless history API", Speed). Each figure is the median
 * of BENCH_RUNS runs (default 5) beside its anchor from the same run:
 * - serving quotes, trades and bars from storage vs a raw catalog read of the same rows
 *   (target: <= 10 % added);
 * - a cache hit for a day of 1-minute bars (target: <= 1 ms);
 * - `stream` replaying history (target: >= 5 M rows/s), beside raw catalog reads interleaved with it:
 *   from one day-sized file, and from a year of day files of 1-minute bars (a catalog as a
 *   recorder leaves it; each file is opened for 1,440 rows, so the read itself is slower);
 * - where serving's added time goes: the conformance check over the decoded quotes, and a
 *   bare sweep of the same memory (one word per cache line), each as a share of the raw read.
 * Run with `npm run bench:history`.
 */
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { NS_PER_MINUTE } from '../src/model/time.js';
import { syntheticBars, syntheticTrades } from '../src/model/synthetic-market.js';
import { buildProvider } from '../src/seamless/build-provider.js';
import type { LiveEvent, LiveFeed } from '../src/seamless/contracts.js';
import { DEFAULT_CACHE, type ProviderConfig } from '../src/seamless/provider-config.js';
import { SeamlessProvider } from '../src/seamless/provider.js';
import { quotesCertainlyClean } from '../src/seamless/conformance/quote-fast-path.js';
import { DEFAULT_MAX_SPREAD_RATIO } from '../src/seamless/conformance/check.js';
import type { Frame } from '../src/model/frames.js';
import { stream } from '../src/seamless/stream.js';
import { formatRate, median, timeRuns } from './measure.js';
import { DAY_START, INSTRUMENT, benchCatalog } from './quote-data.js';
import { REPO_ROOT } from './repo-root.js';
import { rm } from 'node:fs/promises';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const ROWS = Number(process.env['BENCH_HISTORY_ROWS'] ?? 2_000_000);
const DATA = join(REPO_ROOT, 'bench', 'data');
const QUOTE_NODE = 'quote:binance:BTC/USDT';
const TRADE_NODE = 'tick:binance:BTC/USDT';
const BAR_NODE = 'ohlcv:binance:BTC/USDT:1m';
const BAR_TYPE = `${INSTRUMENT}-1-MINUTE-LAST-EXTERNAL`;
/** Pairs of serving and raw reads per kind: their ratio's quartiles here span 10 to 20 points, so the median needs many. */
const SERVING_PAIRS = Math.max(4 * RUNS + 1, 21);
const DAY = 86_400_000_000_000n;

function config(path: string, cache = false): ProviderConfig {
  return { strategy: 'PARTIAL', storage: { kind: 'catalog', path }, cache: cache ? DEFAULT_CACHE : false, conformance: {}, stabilizationBars: 0 };
}

/** A live feed that stays silent, so `stream` replays history and then waits. */
const silentFeed: LiveFeed = {
  name: 'silent',
  async *subscribe(_series, signal): AsyncGenerator<LiveEvent> {
    await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
  },
};

/** The anchor: the catalog's own read of the same rows, kept in memory as `fetch` keeps them. */
async function rawRead(catalog: Catalog, end: bigint): Promise<number> {
  const frames = [];
  for await (const frame of catalog.read('quote_tick', INSTRUMENT, { start: DAY_START, end })) frames.push(frame);
  return frames.reduce((sum, f) => sum + f.length, 0);
}

async function main(): Promise<void> {
  console.log(`history benchmarks: ${ROWS.toLocaleString()} quotes, median of ${RUNS} runs, node ${process.version}`);
  const data = await benchCatalog(join(DATA, `quotes-${ROWS}`), ROWS);
  const catalog = await Catalog.open(data.root, { width: 16 });
  const end = DAY_START + 2n * DAY;
  const provider = await buildProvider(config(data.root), { clock: () => end + DAY });

  // 1. Serving from storage vs the raw catalog read of the same rows, for quotes, trades and bars.
  const raw = await servingVsRaw('quotes', QUOTE_NODE, ROWS, () => rawRead(catalog, end), provider, { start: DAY_START, end }, SERVING_PAIRS);
  for (const kind of ['trades', 'bars'] as const) {
    const count = kind === 'trades' ? ROWS : Math.max(1, ROWS >> 1);
    const root = join(DATA, `${kind}-${count}`);
    const kindCatalog = await Catalog.open(root, { width: 16 });
    const type = kind === 'trades' ? 'trade_tick' : 'bar';
    const identifier = kind === 'trades' ? INSTRUMENT : BAR_TYPE;
    if ((await kindCatalog.intervals(type, identifier)).length === 0) {
      const meta = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 };
      await kindCatalog.write(kind === 'trades'
        ? syntheticTrades({ meta, start: DAY_START, count, stepNs: 40_000_000n, jitterNs: 30_000_000n, width: 16 })
        : syntheticBars({ meta: { ...meta, barType: BAR_TYPE }, start: DAY_START + NS_PER_MINUTE, count, stepNs: NS_PER_MINUTE, width: 16 }));
    }
    const window = { start: DAY_START, end: DAY_START + BigInt(count + 1) * NS_PER_MINUTE };
    const kindProvider = await buildProvider(config(root), { clock: () => window.end + DAY });
    // The anchor keeps the frames, as `fetch` keeps them (for trades, 2 M id strings the GC must walk).
    const read = async () => {
      const frames = [];
      for await (const frame of kindCatalog.read(type, identifier, window)) frames.push(frame);
      return frames;
    };
    await servingVsRaw(kind, kind === 'trades' ? TRADE_NODE : BAR_NODE, count, read, kindProvider, window, SERVING_PAIRS);
  }

  // 2. A cache hit for one day of 1-minute bars.
  const barsRoot = join(DATA, 'bars-1440');
  await rm(barsRoot, { recursive: true, force: true });
  const barCatalog = await Catalog.open(barsRoot, { width: 16 });
  await barCatalog.write(syntheticBars({ meta: { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6, barType: `${INSTRUMENT}-1-MINUTE-LAST-EXTERNAL` }, start: DAY_START + NS_PER_MINUTE, count: 1440, stepNs: NS_PER_MINUTE }));
  const cached = await buildProvider(config(barsRoot, true), { clock: () => end + DAY });
  const dayRange = { start: DAY_START, end: DAY_START + DAY };
  const miss = await timeRuns(1, () => cached.fetch('ohlcv:binance:BTC/USDT:1m', dayRange));
  const hits: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    const hit = await cached.fetch('ohlcv:binance:BTC/USDT:1m', dayRange);
    hits.push(performance.now() - started);
    if (!hit.meta.cached || hit.meta.rows !== 1440) throw new Error('expected a cache hit of 1440 bars');
  }
  console.log(`cache hit, 1 day of 1-minute bars: ${median(hits).toFixed(3)} ms (p99 ${[...hits].sort((a, b) => a - b)[Math.floor(hits.length * 0.99)]!.toFixed(3)} ms) | anchor the first (storage) fetch ${(median(miss) * 1000).toFixed(2)} ms | target <= 1 ms`);

  // 3. stream replay rate, beside raw catalog reads of the same rows interleaved with it (in
  // alternating order, as for serving).
  const replays: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < 2 * RUNS + 1; i++) {
    const [read, replay] = await inTurn(i, () => timeRuns(1, () => rawRead(catalog, end)), () => timedReplay(provider, QUOTE_NODE, ROWS));
    reads.push(...read);
    replays.push(replay);
  }
  const paired = median(replays.map((seconds, i) => reads[i]! / seconds));
  console.log(`stream replay: ${formatRate(ROWS / median(replays))} (median of ${replays.length}) | anchor raw catalog read, interleaved ${formatRate(ROWS / median(reads))} | ${paired.toFixed(2)}x raw (median of pairs) | target >= 5 M rows/s`);
  await replayOfDayFiles(365);

  // 4. The floor under serving's added time: any pass over the decoded rows after the read.
  const frames: Frame<'quote_tick'>[] = [];
  for await (const frame of catalog.read('quote_tick', INSTRUMENT, { start: DAY_START, end })) frames.push(frame);
  const check: number[] = [];
  const sweep: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    check.push(cpuMs(() => {
      if (!quotesCertainlyClean(frames, DEFAULT_MAX_SPREAD_RATIO)) throw new Error('the bench quotes should be clean');
    }));
    sweep.push(cpuMs(() => memorySweep(frames)));
  }
  const rawMs = median(raw) * 1000;
  console.log(`conformance quote check over the decoded rows: ${median(check).toFixed(1)} ms CPU (${((median(check) / rawMs) * 100).toFixed(1)} % of the raw read) | anchor a bare sweep of the same memory, one word per 64-byte line: ${median(sweep).toFixed(1)} ms CPU (${((median(sweep) / rawMs) * 100).toFixed(1)} %)`);
}

/** Seconds for `stream` to replay `rows` rows of `node` from DAY_START, on a live feed that stays silent. */
async function timedReplay(provider: SeamlessProvider, node: string, rows: number): Promise<number> {
  const live = new SeamlessProvider({ ...providerParts(provider), live: silentFeed });
  const controller = new AbortController();
  const started = performance.now();
  let replayed = 0;
  for await (const event of stream(live, node, DAY_START, { signal: controller.signal })) {
    if (event.type === 'rows') replayed += event.frame.length;
    if (replayed >= rows) break;
  }
  const seconds = (performance.now() - started) / 1000;
  controller.abort();
  if (replayed < rows) throw new Error(`expected ${rows} rows of ${node} replayed, got ${replayed}`);
  return seconds;
}

/** `stream` over `days` files of one day of 1-minute bars each, beside the raw read of the same files. */
async function replayOfDayFiles(days: number): Promise<void> {
  const root = join(DATA, `bar-days-${days}`);
  const catalog = await Catalog.open(root, { width: 16 });
  if ((await catalog.files('bar', BAR_TYPE)).length !== days) {
    await rm(root, { recursive: true, force: true });
    const fresh = await Catalog.open(root, { width: 16 });
    const meta = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6, barType: BAR_TYPE };
    for (let day = 0; day < days; day++) {
      await fresh.write(syntheticBars({ meta, start: DAY_START + BigInt(day) * DAY + NS_PER_MINUTE, count: 1440, stepNs: NS_PER_MINUTE, seed: day + 1 }));
    }
  }
  const rows = days * 1440;
  const end = DAY_START + BigInt(days) * DAY;
  const base = await buildProvider(config(root), { clock: () => end + DAY });
  const replays: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    replays.push(await timedReplay(base, BAR_NODE, rows));
    const started = performance.now();
    let read = 0;
    for await (const frame of catalog.read('bar', BAR_TYPE, { start: DAY_START, end: end + 1n })) read += frame.length; // the last bar closes at `end`
    reads.push((performance.now() - started) / 1000);
    if (read !== rows) throw new Error(`expected ${rows} bars, read ${read}`);
  }
  console.log(`stream replay, ${days} day files of 1-minute bars: ${formatRate(rows / median(replays))} | anchor raw catalog read of the same files ${formatRate(rows / median(reads))} | ${(median(reads) / median(replays)).toFixed(2)}x raw`);
}

/**
 * Serving from storage vs the raw catalog read of the same rows: warm-up pairs first, then
 * interleaved pairs (in alternating order); the overhead is the median of each pair's ratio, which cancels the drift
 * of a shared machine between pairs better than a ratio of two medians. Returns the raw
 * reads' seconds.
 */
async function servingVsRaw(label: string, node: string, rows: number, rawRead: () => Promise<unknown>, provider: SeamlessProvider, range: { start: bigint; end: bigint }, pairs: number): Promise<number[]> {
  const serve = () => provider.fetch(node, range, { noCache: true });
  for (let i = 0; i < 2; i++) {
    await rawRead();
    await serve();
  }
  const raw: number[] = [];
  const served: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const timed = async (fn: () => Promise<unknown>) => {
    const before = process.cpuUsage();
    const [seconds] = await timeRuns(1, fn);
    const used = process.cpuUsage(before);
    return { seconds: seconds!, cpu: used.user + used.system };
  };
  for (let i = 0; i < pairs; i++) {
    const [r, s] = await inTurn(i, () => timed(rawRead), () => timed(serve));
    raw.push(r.seconds);
    served.push(s.seconds);
    ratios.push(s.seconds / r.seconds - 1);
    cpuRatios.push(s.cpu / r.cpu - 1);
  }
  const servedRows = (await serve()).meta.rows;
  if (servedRows !== rows) throw new Error(`fetch served ${servedRows} ${label}, expected ${rows}`);
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))]! * 100).toFixed(1);
  console.log(`serving ${rows.toLocaleString()} ${label} from storage: ${(median(served) * 1000).toFixed(1)} ms | anchor raw catalog read of the same rows, kept ${(median(raw) * 1000).toFixed(1)} ms | ${(median(ratios) * 100).toFixed(1)} % added (median of ${pairs} interleaved pairs; quartiles ${quartile(0.25)} to ${quartile(0.75)} %; CPU time ${(median(cpuRatios) * 100).toFixed(1)} %) | target <= 10 %`);
  return raw;
}

/**
 * Runs `a` and `b` of pair `round`, `a` first in even rounds and `b` first in odd ones: each
 * run leaves garbage for the next to collect, so neither side always inherits the other's.
 * Returns their results as [a's, b's].
 */
async function inTurn<A, B>(round: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (round % 2 === 0) {
    const first = await a();
    return [first, await b()];
  }
  const first = await b();
  return [await a(), first];
}

/** CPU milliseconds (user + system) of one call. */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Touches one 32-bit word per cache line of the columns the quote check reads. */
function memorySweep(frames: readonly Frame<'quote_tick'>[]): number {
  let acc = 0;
  for (const frame of frames) {
    const c = frame.columns;
    for (const bytes of [c.bid_price.bytes, c.ask_price.bytes, c.bid_size.bytes, c.ask_size.bytes, new Uint8Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.byteLength)]) {
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
      for (let i = 0; i < words.length; i += 16) acc |= words[i]!;
    }
  }
  return acc;
}

function providerParts(p: SeamlessProvider) {
  return { config: p.config, symbology: p.symbology, storage: p.storage, ledger: p.ledger, clock: () => p.now() };
}

await main();
