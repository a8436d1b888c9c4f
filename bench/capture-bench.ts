/**
 * Capture throughput (issue "data pipeline", Speed: capture >= 100 k messages/s, zero loss).
 *
 * One message = one live row in its own WAL record (the worst case: Binance sends one trade
 * or one book ticker per websocket message), alternating trades and quotes of two symbols,
 * handed over in event-loop turns of BATCH messages exactly as the daemon does (append,
 * flush once per turn, fdatasync every 200 ms by the log's own timer). Then every sealed
 * segment is converted into daily catalog files, and the catalog is read back:
 * count in must equal count out, trade ids consecutive.
 *
 * Anchors from the same run:
 * - disk: `fs.writeSync` of the same number of bytes in the same chunk sizes with the same
 *   fdatasync policy — the most any WAL could do on this disk;
 * - catalog: `Catalog.write` of the same rows straight from memory — the Parquet writer's
 *   own ceiling, which conversion cannot beat.
 * Median of BENCH_RUNS runs (default 3). Run with `npm run bench:capture`.
 */
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import type { FixedWidth } from '../src/model/fixed-point.js';
import { type FrameMeta, allocFrame, setFixedRaw } from '../src/model/frames.js';
import { NS_PER_DAY } from '../src/model/time.js';
import { loadState } from '../src/pipeline/capture/capture-state.js';
import { GapLedger, gapLedgerDir } from '../src/pipeline/capture/gap-ledger.js';
import type { StreamDecl } from '../src/pipeline/capture/record-codec.js';
import { SegmentConverter } from '../src/pipeline/capture/segment-converter.js';
import { type SealedSegment, WriteAheadLog } from '../src/pipeline/capture/write-ahead-log.js';
import type { SeriesFrame } from '../src/seamless/series.js';
import { median } from './measure.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const MESSAGES = Number(process.env['BENCH_CAPTURE_MESSAGES'] ?? 1_000_000);
const BATCH = Number(process.env['BENCH_CAPTURE_BATCH'] ?? 256);
const FSYNC_MS = 200;
const WIDTH: FixedWidth = 16;
const DAY0 = 19_723n * NS_PER_DAY;
const STEP_NS = 10_000_000n; // 100 rows a second per stream: 1 M messages stay inside one UTC day
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

interface Stream {
  readonly decl: StreamDecl;
  /** A one-row frame reused for every message (the WAL copies its bytes). */
  readonly frame: SeriesFrame;
}

function streams(): Stream[] {
  return SYMBOLS.flatMap((symbol, s) => {
    const meta: FrameMeta = { instrumentId: `${symbol}.BINANCE`, pricePrecision: 2, sizePrecision: 6 };
    const trade = allocFrame('trade_tick', WIDTH, 1, meta);
    setFixedRaw(trade.columns.price, 0, BigInt(42_000 + s) * 10n ** 16n);
    setFixedRaw(trade.columns.size, 0, 12_345n * 10n ** 10n);
    trade.columns.aggressor_side[0] = 1;
    const quote = allocFrame('quote_tick', WIDTH, 1, meta);
    setFixedRaw(quote.columns.bid_price, 0, BigInt(41_999 + s) * 10n ** 16n);
    setFixedRaw(quote.columns.ask_price, 0, BigInt(42_001 + s) * 10n ** 16n);
    setFixedRaw(quote.columns.bid_size, 0, 10n ** 16n);
    setFixedRaw(quote.columns.ask_size, 0, 2n * 10n ** 16n);
    return [
      { decl: { nodeId: `tick:binance:${symbol}`, type: 'trade_tick', width: WIDTH, meta }, frame: trade as SeriesFrame },
      { decl: { nodeId: `quote:binance:${symbol}`, type: 'quote_tick', width: WIDTH, meta }, frame: quote as SeriesFrame },
    ];
  });
}

/** Sets message `i`'s time (and trade id) on its stream's reused frame. */
function stamp(stream: Stream, i: number): SeriesFrame {
  const ts = DAY0 + BigInt(i) * STEP_NS;
  const c = stream.frame.columns as unknown as { ts_event: BigUint64Array; ts_init: BigUint64Array; trade_id?: string[] };
  c.ts_event[0] = ts;
  c.ts_init[0] = ts;
  if (c.trade_id) c.trade_id[0] = String(i + 1);
  return stream.frame;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface RunResult {
  walSeconds: number;
  convertSeconds: number;
  walBytes: number;
  chunkSizes: number[];
  rowsOut: number;
}

async function captureRun(dir: string): Promise<RunResult> {
  const root = join(dir, 'catalog');
  const walDir = join(dir, 'wal');
  await mkdir(walDir, { recursive: true });
  const all = streams();
  const sealed: SealedSegment[] = [];
  const chunkSizes: number[] = [];
  const wal = new WriteAheadLog({ dir: walDir, nextSeq: 1n, segmentBytes: 64 * 1024 * 1024, segmentMs: 3_600_000, fsyncMs: FSYNC_MS, onSealed: (s) => sealed.push(s) });
  const started = performance.now();
  for (let i = 0; i < MESSAGES; ) {
    const end = Math.min(MESSAGES, i + BATCH);
    for (; i < end; i++) {
      const stream = all[i % all.length]!;
      wal.appendRows(stream.decl, stamp(stream, i), 0n);
    }
    chunkSizes.push(wal.flush());
    await turn();
  }
  await wal.close();
  const walSeconds = (performance.now() - started) / 1000;

  const convertStart = performance.now();
  const state = await loadState(walDir);
  const converter = new SegmentConverter({ catalogRoot: root, walDir, width: WIDTH, state, gaps: new GapLedger(gapLedgerDir(root)) });
  for (const segment of sealed) await converter.convert(segment.path);
  const convertSeconds = (performance.now() - convertStart) / 1000;

  // Zero loss: every message is a row in the catalog, trade ids consecutive.
  const catalog = await Catalog.open(root);
  let rowsOut = 0;
  for (const stream of all) {
    const frame = await catalog.readAll(stream.decl.type, stream.decl.meta.instrumentId);
    rowsOut += frame?.length ?? 0;
    if (frame && stream.decl.type === 'trade_tick') {
      const ids = (frame.columns as unknown as { trade_id: string[] }).trade_id;
      for (let k = 1; k < ids.length; k++) if (Number(ids[k]) !== Number(ids[k - 1]) + all.length) throw new Error(`trade ids out of order at ${k}: ${ids[k - 1]} then ${ids[k]}`);
    }
  }
  return { walSeconds, convertSeconds, walBytes: sealed.reduce((n, s) => n + s.bytes, 0), chunkSizes: chunkSizes.filter((n) => n > 0), rowsOut };
}

/** The disk's ceiling: the same bytes, the same chunks, the same fdatasync policy. */
async function diskAnchor(dir: string, chunkSizes: readonly number[]): Promise<number> {
  const path = join(dir, 'anchor.bin');
  const chunk = Buffer.alloc(Math.max(...chunkSizes), 7);
  const fd = openSync(path, 'w');
  const started = performance.now();
  let lastSync = started;
  let syncing: Promise<void> | undefined;
  for (const size of chunkSizes) {
    writeSync(fd, chunk, 0, size);
    const now = performance.now();
    if (now - lastSync >= FSYNC_MS && !syncing) {
      lastSync = now;
      syncing = new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve()))).finally(() => {
        syncing = undefined;
      });
    }
    await turn();
  }
  if (syncing) await syncing;
  await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  closeSync(fd);
  return (performance.now() - started) / 1000;
}

/** The Parquet writer's ceiling: the same rows written straight from memory. */
async function catalogAnchor(dir: string): Promise<number> {
  const root = join(dir, 'anchor-catalog');
  const all = streams();
  // Whole-column frames built up front (not timed): the anchor times the writer only.
  const framesOf = all.map((stream, s) => {
    const count = Math.ceil((MESSAGES - s) / all.length);
    const out = allocFrame(stream.decl.type, WIDTH, count, stream.decl.meta) as SeriesFrame;
    for (let k = 0; k < count; k++) copyOne(stamp(stream, s + k * all.length), out, k);
    return out;
  });
  const catalog = await Catalog.open(root, { width: WIDTH });
  const started = performance.now();
  for (const frame of framesOf) await catalog.write(frame);
  return (performance.now() - started) / 1000;
}

function copyOne(from: SeriesFrame, to: SeriesFrame, at: number): void {
  const a = from.columns as unknown as Record<string, unknown>;
  const b = to.columns as unknown as Record<string, unknown>;
  for (const name of Object.keys(a)) {
    const x = a[name];
    const y = b[name];
    if (Array.isArray(x)) (y as string[])[at] = x[0] as string;
    else if (x instanceof BigUint64Array) (y as BigUint64Array)[at] = x[0]!;
    else if (x instanceof Uint8Array) (y as Uint8Array)[at] = x[0]!;
    else {
      const fx = x as { bytes: Uint8Array; width: number };
      (y as { bytes: Uint8Array }).bytes.set(fx.bytes.subarray(0, fx.width), at * fx.width);
    }
  }
}

function rate(n: number, seconds: number): string {
  return `${(n / seconds / 1000).toFixed(1)} k msg/s`;
}

async function main(): Promise<void> {
  console.log(`capture benchmark: ${MESSAGES.toLocaleString()} messages (1 row each, trades + quotes, 2 symbols), turns of ${BATCH}, fdatasync every ${FSYNC_MS} ms, median of ${RUNS} runs, node ${process.version}`);
  const wal: number[] = [];
  const convert: number[] = [];
  const total: number[] = [];
  const disk: number[] = [];
  const parquet: number[] = [];
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    const dir = join(tmpdir(), `seamless-capture-bench-${process.pid}-${r}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    try {
      const result = await captureRun(dir);
      if (result.rowsOut !== MESSAGES) throw new Error(`LOSS: ${MESSAGES} messages in, ${result.rowsOut} rows out`);
      wal.push(result.walSeconds);
      convert.push(result.convertSeconds);
      total.push(result.walSeconds + result.convertSeconds);
      bytes = result.walBytes;
      disk.push(await diskAnchor(dir, result.chunkSizes));
      parquet.push(await catalogAnchor(dir));
      console.log(`  run ${r + 1}: WAL ${result.walSeconds.toFixed(2)} s, conversion ${result.convertSeconds.toFixed(2)} s, disk anchor ${disk.at(-1)!.toFixed(2)} s, catalog anchor ${parquet.at(-1)!.toFixed(2)} s; ${result.rowsOut.toLocaleString()} rows out (zero loss)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const m = (xs: number[]): number => median(xs);
  console.log(`WAL append+flush+fsync : ${rate(MESSAGES, m(wal))} (${(bytes / m(wal) / 1e6).toFixed(0)} MB/s, ${(bytes / MESSAGES).toFixed(0)} B/msg)`);
  console.log(`  disk anchor          : ${rate(MESSAGES, m(disk))} for the same bytes -> WAL at ${((m(disk) / m(wal)) * 100).toFixed(0)} % of the disk's ceiling`);
  console.log(`conversion to catalog  : ${rate(MESSAGES, m(convert))}`);
  console.log(`  catalog anchor       : ${rate(MESSAGES, m(parquet))} (Catalog.write from memory) -> conversion at ${((m(parquet) / m(convert)) * 100).toFixed(0)} % of the writer's rate`);
  console.log(`end to end (WAL + conversion): ${rate(MESSAGES, m(total))} — target >= 100 k msg/s: ${MESSAGES / m(total) >= 100_000 ? 'met' : 'NOT met'}; zero loss in every run`);
}

await main();
