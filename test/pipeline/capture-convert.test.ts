/**
 * Rotation and conversion: the log rotates by size and by age with sequences continuing
 * across segments; sealed segments become one catalog file per (series, UTC day); a segment
 * converted again (a crash before its deletion, or in the middle of it) adds nothing twice;
 * an interrupted day-file swap is finished on start; gaps land in the gap ledger; a file in
 * the way is refused with a clear error and the segment is kept.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { existingFiles, stageFile, targetFolder, writeFrames } from '../../src/catalog/writer.js';
import { fixedPrecisionOf, pow10 } from '../../src/model/fixed-point.js';
import { NS_PER_DAY, NS_PER_HOUR } from '../../src/model/time.js';
import { type FrameMeta, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import type { SeriesFrame } from '../../src/seamless/series.js';
import { type CaptureState, loadState, saveState, watermarkKey } from '../../src/pipeline/capture/capture-state.js';
import { CaptureError } from '../../src/pipeline/capture/errors.js';
import { GapLedger, gapLedgerDir } from '../../src/pipeline/capture/gap-ledger.js';
import type { StreamDecl } from '../../src/pipeline/capture/record-codec.js';
import { SegmentConverter } from '../../src/pipeline/capture/segment-converter.js';
import { SeriesClaims, claimPath, seriesClaimsDir } from '../../src/pipeline/capture/series-claims.js';
import { type SealedSegment, WriteAheadLog } from '../../src/pipeline/capture/write-ahead-log.js';
import { withLiveProcess } from '../helpers/live-process.js';
import { tempDir } from '../helpers/paths.js';
import { scanSegment } from './wal-scan.js';

const META: FrameMeta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
const TRADES: StreamDecl = { nodeId: 'tick:binance:BTC/USDT', type: 'trade_tick', width: 16, meta: META };
const QUOTES: StreamDecl = { nodeId: 'quote:binance:BTC/USDT', type: 'quote_tick', width: 16, meta: META };
const DAY0 = 19_723n * NS_PER_DAY; // 2024-01-01

function trades(firstId: number, count: number, startNs: bigint, stepNs: bigint): SeriesFrame {
  const frame = allocFrame('trade_tick', 16, count, META);
  for (let i = 0; i < count; i++) {
    setFixedRaw(frame.columns.price, i, BigInt(4_200_000 + firstId + i) * 10n ** 14n);
    setFixedRaw(frame.columns.size, i, BigInt(1 + i) * 10n ** 10n);
    frame.columns.aggressor_side[i] = 1 + (i % 2);
    frame.columns.trade_id[i] = String(firstId + i);
    frame.columns.ts_event[i] = startNs + BigInt(i) * stepNs;
    frame.columns.ts_init[i] = startNs + BigInt(i) * stepNs;
  }
  return frame as SeriesFrame;
}

function quotes(count: number, startNs: bigint, stepNs: bigint, salt = 0): SeriesFrame {
  const frame = allocFrame('quote_tick', 16, count, META);
  for (let i = 0; i < count; i++) {
    setFixedRaw(frame.columns.bid_price, i, BigInt(100 + i + salt) * 10n ** 14n);
    setFixedRaw(frame.columns.ask_price, i, BigInt(101 + i + salt) * 10n ** 14n);
    setFixedRaw(frame.columns.bid_size, i, 10n ** 16n);
    setFixedRaw(frame.columns.ask_size, i, 2n * 10n ** 16n);
    frame.columns.ts_event[i] = startNs + BigInt(i) * stepNs;
    frame.columns.ts_init[i] = startNs + BigInt(i) * stepNs;
  }
  return frame as SeriesFrame;
}

interface Rig {
  root: string;
  walDir: string;
  state: CaptureState;
  converter: SegmentConverter;
  sealed: SealedSegment[];
  wal(options?: Partial<{ segmentBytes: number; segmentMs: number; fsyncMs: number }>): WriteAheadLog;
}

describe('capture rotation and conversion', () => {
  const dirs: Array<{ remove: () => Promise<void> }> = [];
  after(async () => {
    await Promise.all(dirs.map((d) => d.remove()));
  });

  async function rig(): Promise<Rig> {
    const d = await tempDir('capture-convert-');
    dirs.push(d);
    const root = join(d.path, 'catalog');
    const walDir = join(d.path, 'wal');
    const state = await loadState(walDir);
    const sealed: SealedSegment[] = [];
    const converter = new SegmentConverter({ catalogRoot: root, walDir, width: 16, state, gaps: new GapLedger(gapLedgerDir(root)) });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(walDir, { recursive: true });
    return {
      root,
      walDir,
      state,
      converter,
      sealed,
      wal: (o = {}) => new WriteAheadLog({ dir: walDir, nextSeq: state.lastSeq + 1n, segmentBytes: o.segmentBytes ?? 1 << 20, segmentMs: o.segmentMs ?? 60_000, fsyncMs: o.fsyncMs ?? 0, onSealed: (s) => sealed.push(s) }),
    };
  }

  async function tradeIds(root: string): Promise<string[]> {
    const frame = await (await Catalog.open(root)).readAll('trade_tick', META.instrumentId);
    return frame ? [...(frame.columns as unknown as { trade_id: string[] }).trade_id] : [];
  }

  it('rotates by size: sequences continue across segments and each segment declares its streams', async () => {
    const r = await rig();
    const wal = r.wal({ segmentBytes: 4096 });
    for (let i = 0; i < 200; i++) {
      wal.appendRows(TRADES, trades(1 + i * 5, 5, DAY0 + BigInt(i) * 1000n, 100n), 1n);
      wal.appendRows(QUOTES, quotes(1, DAY0 + BigInt(i) * 1000n, 1n), 1n);
    }
    await wal.close();
    assert.ok(r.sealed.length > 5, `${r.sealed.length} segments`);
    let expectedSeq = 1n;
    let rows = 0;
    for (const segment of r.sealed) {
      assert.equal(segment.firstSeq, expectedSeq);
      const scan = await scanSegment(segment.path);
      assert.equal(scan.damage, undefined);
      // Every segment starts with its own stream declarations.
      assert.equal(scan.records[0]!.payload[0], 1);
      for (const record of scan.records) {
        assert.equal(record.payload.readBigUInt64LE(1), expectedSeq++);
        if (record.payload[0] === 2) rows += record.payload.readUInt32LE(19);
      }
      assert.equal(segment.lastSeq, expectedSeq - 1n);
      // A segment ends within one batch of its bound.
      assert.ok(segment.bytes < 4096 + 1024, `${segment.bytes} bytes`);
    }
    assert.equal(rows, 200 * 6);
    assert.equal(r.sealed.at(-1)!.reason, 'shutdown');
  });

  it('rotates by age', async () => {
    const r = await rig();
    const wal = r.wal({ segmentMs: 50, fsyncMs: 20 });
    wal.appendRows(TRADES, trades(1, 3, DAY0, 1n), 1n);
    wal.flush();
    // Sealing waits on fsyncs, which a loaded machine can stall for a second or more.
    const deadline = Date.now() + 5000;
    while (r.sealed.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(r.sealed.length, 1);
    assert.equal(r.sealed[0]!.reason, 'time');
    wal.appendRows(TRADES, trades(4, 3, DAY0 + 10n, 1n), 1n);
    await wal.close();
    assert.equal(r.sealed.length, 2);
    assert.equal(r.sealed[1]!.firstSeq, r.sealed[0]!.lastSeq + 1n);
  });

  it('writes one file per UTC day, merges later segments into it, and a re-converted segment adds nothing', async () => {
    const r = await rig();
    const wal = r.wal();
    // 22:00 on day 0 to 02:00 on day 1, one trade a minute, across two segments.
    const start = DAY0 + 22n * NS_PER_HOUR;
    wal.appendRows(TRADES, trades(1, 100, start, 60_000_000_000n), 1n);
    await wal.rotate('size');
    wal.appendRows(TRADES, trades(101, 140, start + 100n * 60_000_000_000n, 60_000_000_000n), 1n);
    wal.appendGap(TRADES, start + 5n, start + 9n, 'test gap');
    await wal.close();
    const [first, second] = r.sealed;
    const copy = `${second!.path}.copy`;
    await copyFile(second!.path, copy);
    const a = await r.converter.convert(first!.path);
    assert.equal(a.rows, 100);
    const b = await r.converter.convert(second!.path);
    assert.equal(b.rows, 140);
    assert.equal(b.gaps, 1);
    const ids = await tradeIds(r.root);
    assert.deepEqual(ids, Array.from({ length: 240 }, (_, i) => String(i + 1)));
    const dir = await targetFolder(r.root, 'trade_tick', META.instrumentId);
    const files = await existingFiles(dir);
    assert.equal(files.length, 2, files.map((f) => f.path).join());
    for (const f of files) assert.equal(f.interval.first / NS_PER_DAY, f.interval.last / NS_PER_DAY);
    assert.deepEqual((await readdir(r.walDir)).filter((n) => n.endsWith('.wal')), []);
    // A crash after the catalog had the rows but before the segment was deleted.
    await copyFile(copy, second!.path);
    const again = await r.converter.convert(second!.path);
    assert.equal(again.rows, 0);
    assert.equal(again.skipped, 140);
    assert.deepEqual(await tradeIds(r.root), ids);
    const gaps = await new GapLedger(gapLedgerDir(r.root)).get(TRADES.nodeId);
    assert.deepEqual(gaps, [{ start: start + 5n, end: start + 9n, reason: 'test gap' }]);
    const state = await loadState(r.walDir);
    assert.equal(state.streams.get(TRADES.nodeId)?.lastTradeId, '240');
    assert.equal(state.lastSeq, second!.lastSeq);
  });

  it('a crash between two days of one segment: the re-run writes the second day once, quotes included', async () => {
    const r = await rig();
    const wal = r.wal();
    // 23:30 on day 0, one quote a minute: 30 on day 0, 20 on day 1.
    wal.appendRows(QUOTES, quotes(50, DAY0 + 23n * NS_PER_HOUR + 30n * 60_000_000_000n, 60_000_000_000n), 1n);
    await wal.close();
    const path = r.sealed[0]!.path;
    await copyFile(path, `${path}.copy`);
    await r.converter.convert(path);
    const catalog = await Catalog.open(r.root);
    const full = await catalog.readAll('quote_tick', META.instrumentId);
    assert.equal(full?.length, 50);
    // Reconstruct the state right after day 0 was committed: day 1 neither written nor marked.
    const dir = await targetFolder(r.root, 'quote_tick', META.instrumentId);
    const day1 = (await existingFiles(dir)).find((f) => f.interval.first >= DAY0 + NS_PER_DAY)!;
    await rm(day1.path);
    const state = await loadState(r.walDir);
    state.watermarks.set(watermarkKey(QUOTES.nodeId, 19_723n), r.sealed[0]!.lastSeq);
    state.watermarks.delete(watermarkKey(QUOTES.nodeId, 19_724n));
    await saveState(r.walDir, state);
    await copyFile(`${path}.copy`, path);
    const converter = new SegmentConverter({ catalogRoot: r.root, walDir: r.walDir, width: 16, state, gaps: new GapLedger(gapLedgerDir(r.root)) });
    const result = await converter.convert(path);
    assert.equal(result.rows, 20);
    assert.equal(result.skipped, 30);
    const after = await catalog.readAll('quote_tick', META.instrumentId);
    assert.equal(after?.length, 50);
    assert.deepEqual([...after!.columns.ts_init], [...full!.columns.ts_init]);
  });

  it('keeps a day as disjoint files while it is recorded, splitting at a shared timestamp, and compacts it once the next day starts', async () => {
    const r = await rig();
    const wal = r.wal();
    const t = DAY0 + 10n * NS_PER_HOUR;
    // Three segments; each boundary splits trades that share one millisecond.
    wal.appendRows(TRADES, trades(1, 10, t, 1_000_000n), 1n); // ends at t + 9 ms
    await wal.rotate('size');
    wal.appendRows(TRADES, trades(11, 10, t + 9_000_000n, 0n), 1n); // ten more at t + 9 ms
    wal.appendRows(TRADES, trades(21, 10, t + 10_000_000n, 1_000_000n), 1n);
    await wal.rotate('size');
    wal.appendRows(TRADES, trades(31, 10, t + 19_000_000n, 1_000_000n), 1n); // starts at the last time again
    await wal.rotate('size');
    for (const segment of r.sealed) await r.converter.convert(segment.path);
    const dir = await targetFolder(r.root, 'trade_tick', META.instrumentId);
    const parts = await existingFiles(dir);
    assert.ok(parts.length >= 2, `${parts.length} files`);
    for (let i = 1; i < parts.length; i++) assert.ok(parts[i]!.interval.first > parts[i - 1]!.interval.last, 'files of a day never overlap');
    assert.deepEqual(await tradeIds(r.root), Array.from({ length: 40 }, (_, i) => String(i + 1)));
    // The next day begins: the finished day becomes one file.
    wal.appendRows(TRADES, trades(41, 5, DAY0 + NS_PER_DAY + 1n, 1n), 1n);
    await wal.close();
    await r.converter.convert(r.sealed.at(-1)!.path);
    const after = await existingFiles(dir);
    assert.equal(after.length, 2);
    assert.equal(after[0]!.interval.first, t);
    assert.equal(after[0]!.interval.last, t + 28_000_000n);
    assert.deepEqual(await tradeIds(r.root), Array.from({ length: 45 }, (_, i) => String(i + 1)));
  });

  /** A rig whose 10 trades of DAY0 were converted into one day file (`old`, in `dir`). */
  async function oneConvertedDay() {
    const r = await rig();
    const wal = r.wal();
    wal.appendRows(TRADES, trades(1, 10, DAY0, 1_000n), 1n);
    await wal.close();
    await r.converter.convert(r.sealed[0]!.path);
    const dir = await targetFolder(r.root, 'trade_tick', META.instrumentId);
    const [old] = await existingFiles(dir);
    return { r, dir, old: old! };
  }

  it('finishes a day-file swap a crash interrupted, whether or not the link happened', async () => {
    for (const linked of [false, true]) {
      const { r, dir, old } = await oneConvertedDay();
      // The merged day file staged, and the swap noted, when the process died.
      const merged = trades(1, 20, DAY0, 1_000n);
      const staged = await stageFile(dir, 'trade_tick', 16, META, [merged]);
      r.state.pending = { staged: [{ temp: staged.temp, path: staged.path }], replaces: [old.path] };
      await saveState(r.walDir, r.state);
      if (linked) await copyFile(staged.temp, staged.path);
      const restarted = await loadState(r.walDir);
      await new SegmentConverter({ catalogRoot: r.root, walDir: r.walDir, width: 16, state: restarted, gaps: new GapLedger(gapLedgerDir(r.root)) }).finishPending();
      const files = await existingFiles(dir);
      assert.deepEqual(files.map((f) => f.path), [staged.path], `linked=${linked}`);
      assert.equal((await readdir(dir)).filter((n) => n.endsWith('.tmp')).length, 0);
      assert.equal((await tradeIds(r.root)).length, 20);
      assert.equal((await loadState(r.walDir)).pending, undefined);
    }
  });

  it('finishes an interrupted swap only under its series\' claim: it waits while another live capture holds it', async () => {
    const { r, dir, old } = await oneConvertedDay();
    const staged = await stageFile(dir, 'trade_tick', 16, META, [trades(1, 20, DAY0, 1_000n)]);
    r.state.pending = { staged: [{ temp: staged.temp, path: staged.path }], replaces: [old.path], nodeId: TRADES.nodeId };
    await saveState(r.walDir, r.state);
    const restarted = await loadState(r.walDir);
    assert.equal(restarted.pending?.nodeId, TRADES.nodeId, 'the series is kept with the pending swap');

    const claims = new SeriesClaims(r.root);
    const converter = new SegmentConverter({ catalogRoot: r.root, walDir: r.walDir, width: 16, state: restarted, gaps: new GapLedger(gapLedgerDir(r.root)), claim: (nodeId) => claims.claim(nodeId) });
    await withLiveProcess(async (pid) => {
      await mkdir(seriesClaimsDir(r.root), { recursive: true });
      await writeFile(claimPath(r.root, TRADES.nodeId), `${pid}\n`);
      await assert.rejects(converter.finishPending(), (error: unknown) => error instanceof CaptureError && error.code === 'CAPTURE_LOCKED');
      assert.deepEqual((await existingFiles(dir)).map((f) => f.path), [old.path], 'nothing swapped while another capture holds the series');
      assert.ok((await loadState(r.walDir)).pending, 'the swap is still noted');
    });
    // The holder is gone: the claim is taken over and the swap finished.
    await converter.finishPending();
    assert.deepEqual((await existingFiles(dir)).map((f) => f.path), [staged.path]);
    assert.equal((await tradeIds(r.root)).length, 20);
    await claims.releaseAll();
  });

  it('drops trades a day file already has (a backfill got there first) and refuses a file spanning days', async () => {
    const r = await rig();
    const catalog = await Catalog.open(r.root);
    await catalog.write(trades(1, 30, DAY0 + NS_PER_HOUR, 1_000_000n));
    const wal = r.wal();
    wal.appendRows(TRADES, trades(21, 30, DAY0 + NS_PER_HOUR + 20_000_000n, 1_000_000n), 1n);
    await wal.close();
    const result = await r.converter.convert(r.sealed[0]!.path);
    assert.equal(result.rows, 20);
    assert.equal(result.skipped, 10);
    assert.deepEqual(await tradeIds(r.root), Array.from({ length: 50 }, (_, i) => String(i + 1)));

    const other = await rig();
    const spanning = await Catalog.open(other.root);
    await spanning.write(trades(1, 2, DAY0 + 23n * NS_PER_HOUR, 2n * NS_PER_HOUR));
    const wal2 = other.wal();
    wal2.appendRows(TRADES, trades(3, 2, DAY0 + 25n * NS_PER_HOUR + 1n, 1n), 1n);
    await wal2.close();
    await assert.rejects(other.converter.convert(other.sealed[0]!.path), (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.code, 'CAPTURE_CONVERSION_CONFLICT');
      assert.match(error.message, /spans more than the UTC day 2024-01-02.*split it by day/);
      return true;
    });
    assert.ok((await readdir(other.walDir)).some((n) => n.endsWith('.wal')), 'the segment is kept');
  });

  it('refuses to convert into a folder whose files have another precision or width, keeping the segment', async () => {
    for (const [width, meta] of [[16, { ...META, pricePrecision: 3 }], [8, META]] as const) {
      const r = await rig();
      const frame = allocFrame('trade_tick', width, 1, meta);
      setFixedRaw(frame.columns.price, 0, 42n * pow10(fixedPrecisionOf(width)));
      setFixedRaw(frame.columns.size, 0, pow10(fixedPrecisionOf(width)));
      frame.columns.aggressor_side[0] = 1;
      frame.columns.trade_id[0] = '1';
      frame.columns.ts_event[0] = DAY0 + NS_PER_HOUR;
      frame.columns.ts_init[0] = DAY0 + NS_PER_HOUR;
      await writeFrames(r.root, 'trade_tick', width, meta, [frame]);
      const wal = r.wal();
      wal.appendRows(TRADES, trades(2, 5, DAY0 + 2n * NS_PER_HOUR, 1_000_000n), 1n);
      await wal.close();
      await assert.rejects(r.converter.convert(r.sealed[0]!.path), (error: unknown) => {
        assert.ok(error instanceof CaptureError, String(error));
        assert.equal(error.code, 'CAPTURE_CONVERSION_CONFLICT');
        assert.match(error.message, width === 8 ? /holds 64-bit files/ : /"pricePrecision":3/);
        return true;
      });
      assert.ok((await readdir(r.walDir)).some((n) => n.endsWith('.wal')), 'the segment is kept');
    }
  });

  it('names a damaged state file and what to do', async () => {
    const r = await rig();
    await writeFile(join(r.walDir, 'state.json'), '{"version":1,"lastSeq":"x"}');
    await assert.rejects(loadState(r.walDir), /state\.json is damaged \(lastSeq is not a decimal string\).*restore it from a backup/);    // A pending swap whose series is no series name (a claim file would be `series-.pid`).
    for (const nodeId of ['5', '""', 'null']) {
      await writeFile(join(r.walDir, 'state.json'), `{"version":1,"lastSeq":"1","pending":{"staged":[],"replaces":[],"nodeId":${nodeId}}}`);
      await assert.rejects(loadState(r.walDir), /state\.json is damaged \(pending\.nodeId is not a series name\)/, nodeId);
    }
  });
});
