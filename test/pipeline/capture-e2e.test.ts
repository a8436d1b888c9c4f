/**
 * `seamless capture` as a real child process against the local Binance simulator (ccxt
 * unmodified): it records, loses its websockets once, is killed with SIGKILL mid-stream,
 * restarts (recovering the WAL and filling the downtime from REST), and stops on SIGTERM.
 *
 * Then: every trade that was acknowledged before the kill is in the catalog, every trade the
 * simulator made between the first and the last recorded is there exactly once and equal to
 * the exchange's, bars are consecutive and equal to the exchange's klines, the quote downtime
 * is a recorded gap, /metrics counted it all, and real NautilusTrader reads the catalog.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { existingFiles } from '../../src/catalog/writer.js';
import { parseRaw } from '../../src/model/fixed-point.js';
import { fixedRawAt } from '../../src/model/frames.js';
import { loadState } from '../../src/pipeline/capture/capture-state.js';
import { GapLedger, gapLedgerDir } from '../../src/pipeline/capture/gap-ledger.js';
import { type StreamDecl, decodeRecord } from '../../src/pipeline/capture/record-codec.js';
import { listSegments } from '../../src/pipeline/capture/wal-recovery.js';
import { run } from '../helpers/cli-run.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { peerNdjson } from '../helpers/python-peer.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';
import { scanSegment } from './wal-scan.js';

const GENESIS = Date.UTC(2024, 0, 1);
const SYMBOLS = [['BTC/USDT', 'BTCUSDT'], ['ETH/USDT', 'ETHUSDT']] as const;

interface Capture {
  readonly child: ChildProcess;
  readonly events: Array<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startCapture(args: string[]): Capture {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'seamless'), 'capture', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Array<Record<string, unknown>> = [];
  let text = '';
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not an event line */
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, events, exited, stderr: () => text };
}

async function until(what: string, capture: Capture, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (capture.child.exitCode !== null) throw new Error(`capture exited (${capture.child.exitCode}) while waiting for ${what}:\n${capture.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${capture.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Trade ids of a symbol in the catalog plus those only in WAL segments: what was acknowledged. */
async function acknowledgedTradeIds(catalogRoot: string, walDir: string, instrumentId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const stored = await (await Catalog.open(catalogRoot)).readAll('trade_tick', instrumentId);
  for (const id of (stored?.columns as unknown as { trade_id: string[] } | undefined)?.trade_id ?? []) ids.add(id);
  for (const path of await listSegments(walDir)) {
    const scan = await scanSegment(path);
    const streams = new Map<number, StreamDecl>();
    for (const record of scan.records) {
      const decoded = decodeRecord(record.payload, streams, path);
      if (decoded.kind === 'rows' && decoded.frame.type === 'trade_tick' && decoded.frame.meta.instrumentId === instrumentId) {
        for (const id of (decoded.frame.columns as unknown as { trade_id: string[] }).trade_id) ids.add(id);
      }
    }
  }
  return ids;
}

describe('seamless capture against the simulator, killed and restarted', () => {
  let sim: BinanceSim;
  const cleanup: Array<() => Promise<void>> = [];

  before(async () => {
    // A trade per sim second, a sim minute per real second: 60 trades/s per symbol, a bar a second.
    sim = await startBinanceSim({ market: 'spot', tradeSpacingMs: 1000, startAtMs: GENESIS + 3_600_000, liveSpeed: 60, liveTickMs: 10 });
  });
  after(async () => {
    for (const step of cleanup) await step();
    await sim.close();
  });

  it('loses no acknowledged trade, repeats none, and fills the downtime', { timeout: 180_000 }, async () => {
    const dir = await tempDir('capture-e2e-');
    cleanup.push(dir.remove);
    const catalogRoot = join(dir.path, 'catalog');
    const walDir = join(dir.path, 'wal');
    const args = [
      '--exchange', 'binance', '--symbols', SYMBOLS.map(([s]) => s).join(','), '--channels', 'trades,quotes,bars', '--timeframe', '1m',
      '--catalog', catalogRoot, '--wal', walDir, '--segment-seconds', '2', '--fsync-ms', '50', '--metrics-port', '0',
      '--exchange-url', sim.restUrl, '--exchange-ws-url', sim.wsUrl,
    ];

    // Run 1: record, survive a dropped connection, then SIGKILL mid-stream.
    const first = startCapture(args);
    cleanup.push(async () => {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    });
    await until('the first start', first, () => first.events.some((e) => e['event'] === 'started'));
    await until('a first conversion', first, () => first.events.some((e) => e['event'] === 'converted'));
    sim.faults.dropConnections();
    await until('reconnects', first, () => first.events.filter((e) => e['event'] === 'reconnected').length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    const acknowledged = new Map<string, Set<string>>();
    for (const [, raw] of SYMBOLS) acknowledged.set(raw, await acknowledgedTradeIds(catalogRoot, walDir, `${raw}.BINANCE`));
    assert.ok((await listSegments(walDir)).length > 0, 'the kill left unconverted segments behind');
    // Downtime: the exchange keeps trading.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Run 2: recover, fill, record, then a clean SIGTERM.
    const second = startCapture(args);
    cleanup.push(async () => {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    });
    await until('the second start', second, () => second.events.some((e) => e['event'] === 'started'));
    assert.ok(second.events.some((e) => e['event'] === 'recovered'), 'the restart recovered the segments the kill left');
    const started = second.events.find((e) => e['event'] === 'started')!;
    const startedAt = second.events.indexOf(started);
    await until('a live segment converted after restart', second, () => second.events.slice(startedAt).some((e) => e['event'] === 'converted'));
    const metrics = await (await fetch(`http://127.0.0.1:${String(started['metricsPort'])}/metrics`)).text();
    second.child.kill('SIGTERM');
    const exit = await second.exited;
    assert.equal(exit.code, 0, second.stderr());
    assert.ok(second.events.some((e) => e['event'] === 'stopped'));

    assert.match(metrics, /seamless_capture_messages_total\{channel="trades",symbol="BTC\/USDT"\} [1-9]/);
    assert.match(metrics, /seamless_capture_restart_filled_rows_total\{channel="trades",symbol="BTC\/USDT"\} [1-9]/);
    assert.match(metrics, /seamless_capture_wal_fsyncs_total [1-9]/);
    assert.match(metrics, /seamless_capture_segments_converted_total\{outcome="ok"\} [1-9]/);

    // The WAL is empty and no swap is half done.
    assert.deepEqual(await listSegments(walDir), []);
    const state = await loadState(walDir);
    assert.equal(state.pending, undefined);

    const catalog = await Catalog.open(catalogRoot);
    for (const [symbol, raw] of SYMBOLS) {
      const instrumentId = `${raw}.BINANCE`;
      const frame = await catalog.readAll('trade_tick', instrumentId);
      assert.ok(frame, `${instrumentId} trades`);
      const ids = (frame.columns as unknown as { trade_id: string[] }).trade_id.map(Number);
      for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1]! + 1, `${symbol}: trade ${ids[i - 1]} is followed by ${ids[i]}`);
      const acked = acknowledged.get(raw)!;
      assert.ok(acked.size > 0);
      const have = new Set(ids.map(String));
      for (const id of acked) assert.ok(have.has(id), `${symbol}: acknowledged trade ${id} is missing`);
      assert.ok(ids.at(-1)! > Math.max(...[...acked].map(Number)) + 30, `${symbol}: the second run recorded past the downtime`);
      const expected = sim.data.expectedTrades(raw, ids[0]!, ids.at(-1)!);
      assert.equal(expected.length, ids.length);
      for (let i = 0; i < ids.length; i++) {
        assert.equal(fixedRawAt(frame.columns.price, i), parseRaw(expected[i]!.price, 8, 16, true), `${symbol} trade ${ids[i]} price`);
        assert.equal(frame.columns.ts_event[i], BigInt(expected[i]!.timeMs) * 1_000_000n);
      }

      const bars = await catalog.readAll('bar', `${instrumentId}-1-MINUTE-LAST-EXTERNAL`);
      assert.ok(bars && bars.length >= 3, `${symbol}: bars`);
      const closes = [...bars.columns.ts_init];
      for (let i = 1; i < closes.length; i++) assert.equal(closes[i]! - closes[i - 1]!, 60_000_000_000n, `${symbol}: bars ${i - 1} and ${i} are not one minute apart`);
      const klines = sim.data.expectedKlines(raw, '1m', Number(closes[0]! / 1_000_000n) - 60_000, Number(closes.at(-1)! / 1_000_000n) - 60_000);
      assert.deepEqual(closes.map((_, i) => fixedRawAt(bars.columns.close, i)), klines.map((k) => parseRaw(String(k[4]), 8, 16, true)));

      const quotes = await catalog.readAll('quote_tick', instrumentId);
      assert.ok(quotes && quotes.length > 10, `${symbol}: quotes`);
      const gaps = await new GapLedger(gapLedgerDir(catalogRoot)).get(`quote:binance:${symbol}`);
      assert.ok(gaps.some((g) => /the capture was not running/.test(g.reason)), `${symbol}: the quote downtime is a recorded gap`);

      // Real NautilusTrader reads what was written, row for row.
      const theirs = (await peerNdjson(['read', '--catalog', catalogRoot, '--type', 'trade_tick', '--identifier', instrumentId])).map((l) => JSON.parse(l) as { trade_id: string; price: string; ts_init: string });
      assert.deepEqual(theirs.map((t) => Number(t.trade_id)), ids);
      assert.deepEqual(theirs.map((t) => Number(t.price)), expected.map((t) => Number(t.price)));
      const theirBars = await peerNdjson(['read', '--catalog', catalogRoot, '--type', 'bar', '--identifier', `${instrumentId}-1-MINUTE-LAST-EXTERNAL`]);
      assert.equal(theirBars.length, bars.length);
      const theirQuotes = await peerNdjson(['read', '--catalog', catalogRoot, '--type', 'quote_tick', '--identifier', instrumentId]);
      assert.equal(theirQuotes.length, quotes.length);
    }
    const instruments = await peerNdjson(['instruments', '--catalog', catalogRoot]);
    assert.deepEqual(instruments.map((l) => (JSON.parse(l) as { id: string }).id).sort(), ['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE']);
    // The day being recorded is a few files, and they never overlap.
    for (const folder of ['trade_tick', 'quote_tick', 'bar']) {
      for (const id of await readdir(join(catalogRoot, 'data', folder))) {
        const files = await existingFiles(join(catalogRoot, 'data', folder, id));
        assert.ok(files.length >= 1);
        for (let i = 1; i < files.length; i++) assert.ok(files[i]!.interval.first > files[i - 1]!.interval.last, `${folder}/${id}: ${files[i - 1]!.path} overlaps ${files[i]!.path}`);
      }
    }
  });

  it('refuses bad flags with a clear message', async () => {
    const noSymbols = await run('capture', '--exchange', 'binance');
    assert.equal(noSymbols.code, 2);
    assert.match(noSymbols.err, /--symbols is required/);
    const badChannel = await run('capture', '--exchange', 'binance', '--symbols', 'BTC/USDT', '--channels', 'trades,books');
    assert.equal(badChannel.code, 2);
    assert.match(badChannel.err, /--channels: "books" is not one of trades, quotes, bars/);
    const badSize = await run('capture', '--exchange', 'binance', '--symbols', 'BTC/USDT', '--segment-bytes', '12');
    assert.equal(badSize.code, 2);
    assert.match(badSize.err, /--segment-bytes must be an integer in 4096\.\./);
  });
});
