/**
 * WAL segments and records: frames survive the binary encoding byte for byte; a torn tail is
 * cut at the last whole record; a CRC mismatch inside the file stops the scan there and the
 * rest is kept aside; and, fuzzed, a segment cut at any byte recovers exactly the records
 * that were whole before the cut.
 */
import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureError } from '../../src/pipeline/capture/errors.js';
import { lockWal } from '../../src/pipeline/capture/wal-recovery.js';
import { crc32Range } from '../../src/pipeline/capture/crc32.js';
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import type { FrameMeta } from '../../src/model/frames.js';
import type { SeriesFrame } from '../../src/seamless/series.js';
import { type StreamDecl, type WalRecord, decodeRecord } from '../../src/pipeline/capture/record-codec.js';
import { SEGMENT_HEADER_BYTES, SegmentWriter, recoverSegment } from '../../src/pipeline/capture/wal-segment.js';
import { gapPayload, rowsPayloadSize, streamPayload, writeRowsPayload } from '../../src/pipeline/capture/record-codec.js';
import { frameDifference, prng, randomFrame } from '../helpers/random-frames.js';
import { withLiveProcess } from '../helpers/live-process.js';
import { tempDir } from '../helpers/paths.js';
import { scanSegment, scanSegmentBytes } from './wal-scan.js';

const META: FrameMeta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
const BAR_META: FrameMeta = { ...META, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };

function decl(type: StreamDecl['type'], width: FixedWidth): StreamDecl {
  return { nodeId: `${type}:${width}`, type, width, meta: type === 'bar' ? BAR_META : META };
}

/** Writes `frames` (with a gap record between) to a new segment; returns its path and what went in. */
async function writeSegment(dir: string, seed: number, frames: number, width: FixedWidth): Promise<{ path: string; frames: SeriesFrame[]; gaps: number }> {
  const rand = prng(seed);
  const writer = SegmentWriter.create(dir, 1n);
  const types: StreamDecl['type'][] = ['trade_tick', 'quote_tick', 'bar'];
  const decls = types.map((t) => decl(t, width));
  let seq = 1n;
  decls.forEach((d, i) => {
    const p = streamPayload(seq++, i, d);
    writer.append(p.size, p.write);
  });
  const written: SeriesFrame[] = [];
  let gaps = 0;
  for (let i = 0; i < frames; i++) {
    const stream = i % 3;
    const frame = randomFrame(types[stream]!, rand, { width, rows: 1 + Math.floor(rand() * 20), startNs: 1_700_000_000_000_000_000n, meta: decls[stream]!.meta }) as SeriesFrame;
    const s = seq++;
    writer.append(rowsPayloadSize(frame), (buf, at) => writeRowsPayload(buf, at, s, stream, 42n, frame));
    written.push(frame);
    if (i % 4 === 3) {
      const g = gapPayload(seq++, stream, 10n, 20n, `gap ${i} ünïcode`);
      writer.append(g.size, g.write);
      gaps++;
    }
    if (i % 5 === 0) writer.flush();
  }
  await writer.close();
  return { path: writer.path, frames: written, gaps };
}

function decodeAll(payloads: Buffer[]): WalRecord[] {
  const streams = new Map<number, StreamDecl>();
  return payloads.map((p) => decodeRecord(p, streams, 'test'));
}

describe('capture WAL segments', () => {
  const dirs: Array<{ remove: () => Promise<void> }> = [];
  const dir = async (): Promise<string> => {
    const d = await tempDir('capture-wal-');
    dirs.push(d);
    return d.path;
  };
  after(async () => {
    await Promise.all(dirs.map((d) => d.remove()));
  });

  for (const width of [8, 16] as const) {
    it(`round-trips trades, quotes, bars and gaps byte for byte (width ${width})`, async () => {
      const { path, frames, gaps } = await writeSegment(await dir(), width, 40, width);
      const scan = await scanSegment(path);
      assert.equal(scan.damage, undefined);
      assert.equal(scan.firstSeq, 1n);
      const records = decodeAll(scan.records.map((r) => r.payload));
      const rows = records.flatMap((r) => (r.kind === 'rows' ? [r.frame] : []));
      assert.equal(rows.length, frames.length);
      rows.forEach((frame, i) => assert.equal(frameDifference(frame, frames[i]!), undefined, `frame ${i}`));
      const gapRecords = records.filter((r) => r.kind === 'gap');
      assert.equal(gapRecords.length, gaps);
      assert.match((gapRecords[0] as { reason: string }).reason, /ünïcode/);
      // Sequences rise by one per record, across every kind.
      records.forEach((r, i) => assert.equal(r.seq, BigInt(i + 1)));
    });
  }

  it('cuts a torn tail at the last whole record and syncs the cut', async () => {
    const { path } = await writeSegment(await dir(), 7, 12, 16);
    const whole = await scanSegment(path);
    const full = await readFile(path);
    const lastStart = whole.records.at(-1)!.offset;
    // A crash in the middle of the last record's write.
    await writeFile(path, full.subarray(0, lastStart + 11));
    const recovered = await recoverSegment(path);
    assert.equal(recovered.recordCount, whole.records.length - 1);
    assert.equal(recovered.truncatedBytes, 11);
    assert.equal(recovered.damage?.tornTail, true);
    assert.equal(recovered.keptAside, undefined);
    assert.equal((await stat(path)).size, lastStart);
    // Recovering again finds nothing to do.
    const again = await recoverSegment(path);
    assert.equal(again.truncatedBytes, 0);
    assert.equal(again.recordCount, whole.records.length - 1);
  });

  it('stops at a CRC mismatch inside the file and keeps the bytes after it aside', async () => {
    const d = await dir();
    const { path } = await writeSegment(d, 9, 12, 16);
    const whole = await scanSegment(path);
    const data = await readFile(path);
    const victim = whole.records[5]!;
    data[victim.offset + 8 + 3]! ^= 0x40; // one flipped bit in record 6's payload
    await writeFile(path, data);
    const scan = await scanSegment(path);
    assert.equal(scan.records.length, 5);
    assert.equal(scan.damage?.reason, 'a record fails its CRC');
    assert.equal(scan.damage?.tornTail, false);
    const recovered = await recoverSegment(path);
    assert.ok(recovered.keptAside, 'damage inside the file is kept for inspection');
    const aside = await readFile(recovered.keptAside);
    assert.equal(aside.length, data.length - victim.offset);
    assert.ok((await readdir(d)).some((n) => n.endsWith('.corrupt')));
    assert.equal((await stat(path)).size, victim.offset);
  });

  it('treats a CRC mismatch in the very last record as a torn tail', async () => {
    const { path } = await writeSegment(await dir(), 11, 6, 8);
    const data = await readFile(path);
    data[data.length - 1]! ^= 0xff;
    const scan = scanSegmentBytes(path, data);
    assert.equal(scan.damage?.tornTail, true);
    assert.equal(scan.validEnd, scan.records.at(-1)!.offset + 8 + scan.records.at(-1)!.payload.length);
  });

  it('removes a segment whose header was torn (it held nothing)', async () => {
    const d = await dir();
    const path = join(d, '00000000000000000005.wal');
    await writeFile(path, Buffer.from('SEAMW'));
    const recovered = await recoverSegment(path);
    assert.equal(recovered.recordCount, 0);
    await assert.rejects(stat(path), /ENOENT/);
  });

  it('locks the WAL folder against a second live capture, and takes over a dead one\'s lock', async () => {
    const d = await dir();
    await withLiveProcess(async (pid) => {
      await writeFile(join(d, 'LOCK'), `${pid}\n`);
      await assert.rejects(lockWal(d), (error: unknown) => error instanceof CaptureError && error.code === 'CAPTURE_LOCKED' && new RegExp(`in use by process ${pid}`).test(error.message));
    });
    // The holder is gone (as after kill -9): the lock is taken over.
    const release = await lockWal(d);
    assert.equal((await readFile(join(d, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await release();
    await assert.rejects(stat(join(d, 'LOCK')), /ENOENT/);
  });

  it('fuzz: a segment cut at every byte offset recovers exactly the records whole before the cut', async () => {
    const d = await dir();
    // fast-check may draw the same values twice (and replays them when shrinking): one folder per run.
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom<FixedWidth>(8, 16), async (seed, frames, width) => {
        const sub = join(d, `run${run++}-s${seed}-${frames}-${width}`);
        await (await import('node:fs/promises')).mkdir(sub, { recursive: true });
        const { path } = await writeSegment(sub, seed, frames, width);
        const data = await readFile(path);
        const whole = scanSegmentBytes(path, data).records;
        const ends = whole.map((r) => r.offset + 8 + r.payload.length);
        for (let cut = 0; cut <= data.length; cut++) {
          const scan = scanSegmentBytes(path, data.subarray(0, cut));
          const expected = cut < SEGMENT_HEADER_BYTES ? 0 : ends.filter((e) => e <= cut).length;
          assert.equal(scan.records.length, expected, `cut at ${cut}`);
          for (let i = 0; i < expected; i++) assert.ok(scan.records[i]!.payload.equals(whole[i]!.payload));
          assert.equal(scan.validEnd, expected === 0 ? (cut < SEGMENT_HEADER_BYTES ? 0 : SEGMENT_HEADER_BYTES) : ends[expected - 1]);
          if (cut < data.length && cut >= SEGMENT_HEADER_BYTES) assert.equal(scan.damage === undefined, [SEGMENT_HEADER_BYTES, ...ends].includes(cut), `cut at ${cut}`);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('fuzz: the table-driven CRC-32 equals zlib\'s on any bytes, small and large', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(50), (bytes, skip) => {
        const start = Math.min(skip, bytes.length);
        assert.equal(crc32Range(bytes, start, bytes.length), zlibCrc32(bytes.subarray(start)));
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: random damage never yields a record that was not written, and never throws', async () => {
    const d = await dir();
    const { path } = await writeSegment(d, 5, 10, 16);
    const data = await readFile(path);
    const whole = scanSegmentBytes(path, data).records.map((r) => r.payload);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(data.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const damaged = Buffer.from(data);
        for (const [at, mask] of flips) damaged[at]! ^= mask;
        const scan = scanSegmentBytes(path, damaged);
        // What survives is a prefix of what was written (CRC-32 lets no flipped record through here).
        scan.records.forEach((r, i) => assert.ok(r.payload.equals(whole[i]!), `record ${i}`));
      }),
      { numRuns: 300 },
    );
  });
});
