/**
 * The writer's shortcuts give exactly what the plain way gives: a column that is the very same
 * bytes as an earlier one (imported trades share one array for ts_event and ts_init) is
 * encoded once into identical file bytes; trade ids are written by an ASCII loop with an exact
 * UTF-8 fallback; the ts_init order check compares 32-bit words, across frames too; pages go
 * to the file as parts (writev), a short writev is finished, and a sink without writev gets
 * the same bytes joined, one writev runs at a time while encoding goes on and a failed one is
 * thrown; fixed-size binary min/max compared a word at a time equal bytewise.
 */
import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Catalog } from '../../src/catalog/catalog.js';
import { type WritableFile, fileSink } from '../../src/catalog/file-sink.js';
import { encodeFramesToFile } from '../../src/catalog/frame-encode.js';
import { type ColumnInput, encodeColumnChunk } from '../../src/catalog/parquet/column-write.js';
import { type ByteSink, type ColumnSpec, ParquetWriter } from '../../src/catalog/parquet/file-writer.js';
import { PhysicalType } from '../../src/catalog/parquet/format.js';
import { type Frame, sliceFrame } from '../../src/model/frames.js';
import { tempDir } from '../helpers/paths.js';
import { frameDifference, prng, randomFrame } from '../helpers/random-frames.js';

const START = 1_700_000_000_000_000_000n;
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 5 };

async function fileBytes(path: string, frames: Array<Frame<'trade_tick'>>): Promise<Buffer> {
  const handle = await open(path, 'w');
  try {
    await encodeFramesToFile(handle, 'trade_tick', 16, META, frames, {}, path);
  } finally {
    await handle.close();
  }
  return readFile(path);
}

/** The frame with ts_init pointing at ts_event's array, as the importer builds it. */
function sharingTs(frame: Frame<'trade_tick'>): Frame<'trade_tick'> {
  const ts = frame.columns.ts_event;
  ts.set(frame.columns.ts_init);
  return { ...frame, columns: { ...frame.columns, ts_init: ts } };
}

describe('writer shortcuts', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => dir.remove());

  it('a ts_init sharing ts_event’s array writes the same file bytes as a copy of it', async () => {
    const shared = sharingTs(randomFrame('trade_tick', prng(11), { width: 16, rows: 12_345, startNs: START, meta: META, distinct: 9 }));
    const copied = { ...shared, columns: { ...shared.columns, ts_init: shared.columns.ts_event.slice() } };
    const a = await fileBytes(join(dir.path, 'shared.parquet'), [shared]);
    const b = await fileBytes(join(dir.path, 'copied.parquet'), [copied]);
    assert.ok(a.length > 12_345 * 8);
    assert.ok(a.equals(b));
  });

  it('ASCII, empty and non-ASCII trade ids all read back exactly (the UTF-8 fallback mid row group)', async () => {
    const frame = randomFrame('trade_tick', prng(12), { width: 16, rows: 7_000, startNs: START, meta: META });
    const ids = frame.columns.trade_id;
    ids[0] = '';
    ids[2_500] = 'café-2500'; // only a 2-byte char in this row group
    ids[5_001] = '😀';
    ids[6_999] = 'x'.repeat(300);
    ids[6_000] = 'y'.repeat(200); // a length byte >= 0x80 in an otherwise ASCII page
    const catalog = await Catalog.open(join(dir.path, 'ids'), { width: 16 });
    await catalog.write(frame);
    const back = await catalog.readAll('trade_tick', META.instrumentId);
    assert.ok(back);
    assert.equal(frameDifference(back, frame), undefined);
    assert.deepEqual([back.columns.trade_id[2_500], back.columns.trade_id[5_001]], ['café-2500', '😀']);
  });

  it('property: any trade ids read back exactly, whether their page is pure ASCII (one string per page) or not', async () => {
    const id = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
      { weight: 1, arbitrary: fc.integer({ min: 120, max: 300 }).map((n) => 'z'.repeat(n)) },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 400 }), async (ids) => {
        const frame = randomFrame('trade_tick', prng(100 + run), { width: 16, rows: ids.length, startNs: START, meta: META });
        ids.forEach((value, i) => (frame.columns.trade_id[i] = value));
        const catalog = await Catalog.open(join(dir.path, `ids-${run++}`), { width: 16 });
        await catalog.write(frame);
        const back = await catalog.readAll('trade_tick', META.instrumentId);
        assert.deepEqual(back?.columns.trade_id, ids);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses ts_init going back across frames, naming the row; equal times are fine', async () => {
    const frame = randomFrame('trade_tick', prng(13), { width: 16, rows: 200, startNs: START, meta: META });
    const ts = frame.columns.ts_init;
    const halves = () => [sliceFrame(frame, 0, 100), sliceFrame(frame, 100, 200)];
    ts[100] = ts[99]!; // a tie
    await fileBytes(join(dir.path, 'ties.parquet'), halves());
    // The second frame's first row before the first frame's last (the high 32-bit words differ).
    ts[100] = ts[99]! - (1n << 33n);
    await assert.rejects(fileBytes(join(dir.path, 'back.parquet'), halves()), (error: Error) => /row 100 has ts_init .*before the previous row's/.test(error.message));
    ts[100] = ts[99]!;
    ts[150] = ts[149]! - 1n; // within a frame
    await assert.rejects(fileBytes(join(dir.path, 'back2.parquet'), halves()), (error: Error) => /row 150 has ts_init/.test(error.message));
  });

  it('a writev cut short is finished by plain writes, every byte in place', async () => {
    const path = join(dir.path, 'short.parquet');
    const parts = [Buffer.from('header-'), Buffer.alloc(0), Buffer.from('body-one-'), Buffer.from('x'), Buffer.from('body-two')];
    const whole = Buffer.concat(parts);
    for (let cut = 0; cut <= whole.length; cut++) {
      const handle = await open(path, 'w');
      try {
        // A file that takes only `cut` bytes of a writev (really writing them), as a pipe or a full disk may.
        const short = {
          write: handle.write.bind(handle),
          writev: async (buffers: NodeJS.ArrayBufferView[], position?: number) => {
            await handle.write(Buffer.concat(buffers as Uint8Array[]).subarray(0, cut), 0, cut, position);
            return { bytesWritten: cut, buffers };
          },
        } as unknown as WritableFile;
        const sink = fileSink(short);
        await sink.write(Buffer.from('PAR1'));
        await sink.writev!(parts);
        await sink.write(Buffer.from('!'));
      } finally {
        await handle.close();
      }
      assert.equal((await readFile(path)).toString(), `PAR1${whole.toString()}!`, `cut at ${cut}`);
    }
  });

  it('a sink without writev gets the same bytes, joined', async () => {
    const specs: ColumnSpec[] = [
      { name: 'v', physical: PhysicalType.INT64, width: 8, dictionary: true, statsOrder: 'signed' },
      { name: 's', physical: PhysicalType.BYTE_ARRAY, width: 0, dictionary: false, statsOrder: 'bytes' },
    ];
    const written = async (withWritev: boolean): Promise<Buffer> => {
      const out: Uint8Array[] = [];
      const sink: ByteSink = { write: async (bytes) => void out.push(bytes.slice()) };
      if (withWritev) sink.writev = async (parts) => void out.push(...parts.map((p) => p.slice()));
      const writer = new ParquetWriter(sink, specs, { codec: 1, keyValue: new Map(), createdBy: 'test' });
      const random = prng(5);
      for (let group = 0; group < 40; group++) {
        const count = 1 + Math.floor(random() * 3_000);
        const values = new BigInt64Array(count).map(() => BigInt(Math.floor(random() * 50)));
        await writer.writeRowGroup(count, [
          { kind: 'fixed', bytes: new Uint8Array(values.buffer) },
          { kind: 'string', values: Array.from({ length: count }, () => String(random())) },
        ]);
      }
      await writer.close();
      return Buffer.concat(out);
    };
    const a = await written(true);
    assert.ok(a.length > 1 << 20, 'the writer flushed more than once');
    assert.ok(a.equals(await written(false)));
  });

  it('min/max of fixed-size binary by words equal the bytewise min/max (fuzzed, equal prefixes included)', () => {
    fc.assert(
      fc.property(fc.constantFrom(4, 8, 16), fc.integer({ min: 1, max: 300 }), fc.integer(), fc.boolean(), (width, count, seed, aligned) => {
        const random = prng(seed);
        // Few byte values, so values share long prefixes and ties reach the later words.
        const pool = [0, 1, 0x7f, 0x80, 0xff];
        const buffer = new Uint8Array(count * width + 4);
        const bytes = buffer.subarray(aligned ? 4 : 1, (aligned ? 4 : 1) + count * width);
        for (let i = 0; i < bytes.length; i++) bytes[i] = pool[Math.floor(random() * pool.length)]!;
        const spec = { physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, width, dictionary: false, statsOrder: 'bytes' } as const;
        const stats = encodeColumnChunk({ kind: 'fixed', bytes }, count, spec, 0).meta.statistics!;
        const values = Array.from({ length: count }, (_, i) => Buffer.from(bytes.subarray(i * width, (i + 1) * width)));
        values.sort(Buffer.compare);
        assert.deepEqual(Buffer.from(stats.min!), values[0]);
        assert.deepEqual(Buffer.from(stats.max!), values[count - 1]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('one writev at a time, in order, the encoding going on meanwhile; a failed one is thrown by the next flush or close', async () => {
    const spec: ColumnSpec[] = [{ name: 'v', physical: PhysicalType.INT64, width: 8, dictionary: false, statsOrder: 'signed' }];
    const group = (seed: number): ColumnInput[] => [{ kind: 'fixed', bytes: new Uint8Array(BigInt64Array.from({ length: 100_000 }, (_, i) => BigInt(seed * 1e6 + i)).buffer) }];
    const slowSink = (failAt: number) => {
      let running = 0;
      let most = 0;
      let calls = 0;
      const out: Uint8Array[] = [];
      const sink: ByteSink = {
        write: async () => assert.fail('a writev sink gets writev'),
        writev: async (parts) => {
          const call = calls++;
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          if (call === failAt) throw new Error(`disk full at write ${call}`);
          out.push(...parts.map((p) => p.slice()));
        },
      };
      return { sink, out, most: () => most, calls: () => calls };
    };
    const ok = slowSink(-1);
    const writer = new ParquetWriter(ok.sink, spec, { codec: 0, keyValue: new Map(), createdBy: 'test' });
    for (let g = 0; g < 6; g++) await writer.writeRowGroup(100_000, group(g));
    await writer.close();
    assert.ok(ok.calls() >= 4, `${ok.calls()} writes`);
    assert.equal(ok.most(), 1, 'never two writes at once');
    const joined = Buffer.concat(ok.out);
    const plain: Uint8Array[] = [];
    const reference = new ParquetWriter({ write: async (b) => void plain.push(b.slice()) }, spec, { codec: 0, keyValue: new Map(), createdBy: 'test' });
    for (let g = 0; g < 6; g++) await reference.writeRowGroup(100_000, group(g));
    await reference.close();
    assert.ok(joined.equals(Buffer.concat(plain)), 'the same bytes, in order');

    for (const failAt of [0, 2]) {
      const failing = slowSink(failAt);
      const broken = new ParquetWriter(failing.sink, spec, { codec: 0, keyValue: new Map(), createdBy: 'test' });
      await assert.rejects(
        (async () => {
          for (let g = 0; g < 6; g++) await broken.writeRowGroup(100_000, group(g));
          await broken.close();
        })(),
        new RegExp(`disk full at write ${failAt}`),
      );
    }
  });
});
