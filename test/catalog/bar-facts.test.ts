/**
 * Bar facts (src/catalog/bar-facts.ts): taken while a bar row group is decoded, they let the
 * history API prove a frame clean without a pass over it. What must hold:
 * - a read with facts returns exactly the frames a read without them does;
 * - a frame its mark proves clean is one the rule engine flags nothing in, on random bars
 *   with random defects, 8- and 16-byte raws;
 * - clean frames do get marks (else the property has no teeth), also over pages that pyarrow
 *   cuts small and price columns without a dictionary;
 * - a defect in any checked column, at any row, costs its row group the proof;
 * - row groups too big for the facts' memory get none and read the same.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BarFacts, barMarkOf } from '../../src/catalog/bar-facts.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { type WasmMemory, ensureMemory, loadKernels } from '../../src/catalog/parquet/wasm-module.js';
import { PRICE_ERROR, PRICE_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, sliceFrame } from '../../src/model/frames.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { barOrderStart, markedBarsClean } from '../../src/seamless/conformance/bar-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { BAR_META, DEFECTS, type Defect, STEP, cleanBars, damage } from '../helpers/bar-rows.js';
import { assertMarksProveOnlyClean, onlyDataFile, readFileFrames, warmTempDir } from '../helpers/facts-files.js';
import { peerPython } from '../helpers/python-peer.js';
import { DAY0 } from '../helpers/seamless-setup.js';

const series = new Symbology().series('ohlcv:binance:BTC/USDT:1m');
/** Our writer refuses rows out of `ts_init` order: pyarrow writes those below. */
const WRITABLE: Defect[] = DEFECTS.filter((d) => d !== 'backwards');

async function writeBars(root: string, frame: Frame<'bar'>, groupRows: number): Promise<string> {
  await (await Catalog.open(root, { width: frame.width })).write(frame, { rowGroupSize: groupRows });
  return onlyDataFile(root, 'bar', BAR_META.barType);
}

/** Which frames their marks prove, carried from frame to frame as the provider's proof does. */
function proven(frames: Frame<'bar'>[]): boolean[] {
  const state = barOrderStart();
  return frames.map((frame) => markedBarsClean(frame, STEP, state));
}

describe('bar facts taken while decoding', () => {
  const tmp = warmTempDir('seamless-bar-facts-');

  it('on random bars with random defects: reads equal, and a mark proves only what the engine finds clean', () =>
    assertMarksProveOnlyClean({
      dir: tmp(),
      type: 'bar',
      identifier: BAR_META.barType,
      series,
      make: cleanBars,
      damage,
      defects: WRITABLE,
      // A fresh proof: the frame's first bar must then be on the grid.
      provenAlone: (frame) => markedBarsClean(frame, STEP, barOrderStart()),
    }));

  it('a defect in any checked column, at any row of a row group, costs it the proof', async () => {
    // Rows of the third group: its first, second, middle and last rows (the kernels take rows
    // two at a time and an odd last one alone), in groups of an even and an odd number of rows.
    const cases = [
      { groupRows: 200, rows: [400, 401, 450, 598, 599] },
      { groupRows: 201, rows: [402, 403, 601, 602] },
    ];
    for (const width of [8, 16] as const) {
      const clean = cleanBars(width, 1_000, 5);
      for (const { groupRows } of cases) {
        const frames = await readFileFrames(await writeBars(join(tmp(), `clean-${width}-${groupRows}`), clean, groupRows), 'bar', true);
        assert.deepEqual(proven(frames), [true, true, true, true, true], `clean, width ${width}`);
      }
      for (const defect of WRITABLE) {
        for (const { groupRows, rows } of cases) for (const row of rows) {
          const frame = sliceFrame(clean, 0, clean.length);
          damage(frame, row, defect);
          const label = `${defect} at ${row}, width ${width}`;
          const frames = await readFileFrames(await writeBars(join(tmp(), `defect-${width}-${defect}-${groupRows}-${row}`), frame, groupRows), 'bar', true);
          // After the damaged group the bars no longer follow the last one proven, so nothing after it is proven either.
          assert.deepEqual(proven(frames), [true, true, false, false, false], label);
          // Defects in a row's own values cost the group its mark; a time defect at a group's first row leaves the group's stride whole.
          const atSeam = (defect === 'gap' || defect === 'duplicate' || defect === 'off_grid') && row % groupRows === 0;
          if (!atSeam) assert.equal(barMarkOf(frames[2]!), undefined, label);
          assert.ok(Object.keys(checkConformance(series, frame).report.rules).length > 0, `${label}: the engine flags it`);
        }
      }
    }
  });

  it('over small pages, price columns without a dictionary and nullable columns (pyarrow): clean frames are proven, a damaged one or a nullable one is not, all read the same', async () => {
    const script = `
import sys, pyarrow as pa, pyarrow.parquet as pq, random
random.seed(7)
path, n, width, encoding, damage = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def raw(v): return v.to_bytes(width, 'little', signed=True)
scale = 10**14 if width == 16 else 10**7
price, cols = 4250000, [[], [], [], [], [], []]
for i in range(n):
    o = price; c = price + random.randint(-200, 200)
    h = max(o, c) + random.choice([0, random.randint(0, 50)]); l = min(o, c) - random.choice([0, random.randint(0, 50)])
    if damage == 'ohlc' and i == 4500: h = o - 1
    ts = 1704153600000000000 + (i + 1) * 60000000000
    if damage == 'back' and i == 4500: ts -= 120000000000
    for k, v in enumerate([o * scale, h * scale, l * scale, c * scale]): cols[k].append(raw(v))
    cols[4].append(random.randint(1, 5000000).to_bytes(width, 'little')); cols[5].append(ts)
    price = c
fb = pa.binary(width)
nullable = encoding == 'nullable'
schema = pa.schema([pa.field(name, fb, nullable) for name in ['open', 'high', 'low', 'close', 'volume']] + [pa.field('ts_event', pa.uint64(), False), pa.field('ts_init', pa.uint64(), False)],
    metadata={'bar_type': 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL', 'price_precision': '2', 'size_precision': '6'})
table = pa.table([pa.array(cols[k], fb) for k in range(5)] + [pa.array(cols[5], pa.uint64()), pa.array(cols[5], pa.uint64())], schema=schema)
pq.write_table(table, path, row_group_size=3000, data_page_size=4096, use_dictionary=encoding == 'dict', compression='snappy')
`;
    for (const width of [8, 16] as const) {
      for (const [encoding, defect] of [['dict', 'none'], ['plain', 'none'], ['plain', 'ohlc'], ['dict', 'back'], ['nullable', 'none']] as const) {
        const path = join(tmp(), `pyarrow-${width}-${encoding}-${defect}.parquet`);
        // 7,001 rows: the last group's odd last row is taken alone by the kernels.
        await promisify(execFile)(peerPython(), ['-c', script, path, '7001', String(width), encoding, defect]);
        const plain = await readFileFrames(path, 'bar', false);
        const withFacts = await readFileFrames(path, 'bar', true);
        assert.deepEqual(withFacts, plain);
        assert.deepEqual(withFacts.map((f) => f.length), [3000, 3000, 1001]);
        const label = `width ${width}, ${encoding}, ${defect}`;
        if (encoding === 'nullable') {
          // OPTIONAL columns (no nulls here) are decoded with their levels: no facts, nothing refused.
          assert.deepEqual(withFacts.map((f) => barMarkOf(f)), [undefined, undefined, undefined], label);
          continue;
        }
        assert.deepEqual(proven(withFacts), defect === 'none' ? [true, true, true] : [true, false, false], label);
        if (defect !== 'none') assert.equal(barMarkOf(withFacts[1]!), undefined, label);
      }
    }
  });

  it('bars on a constant stride other than the series\' interval keep their marks but are not proven', async () => {
    const twoMinute = cleanBars(16, 600, 11);
    for (let i = 0; i < 600; i++) twoMinute.columns.ts_init[i] = twoMinute.columns.ts_event[i] = DAY0 + BigInt(2 * (i + 1)) * STEP;
    const frames = await readFileFrames(await writeBars(join(tmp(), 'two-minute'), twoMinute, 200), 'bar', true);
    assert.deepEqual(frames.map((f) => barMarkOf(f)?.stride), [2, 2, 2].map((k) => k * Number(STEP)));
    assert.deepEqual(proven(frames), [false, false, false]);
    assert.equal(checkConformance(series, frames[0]!).report.rules['bar_gap']?.count, 199);
  });

  it('row groups too big for the facts\' memory get no mark and read the same', async () => {
    for (const rows of [16_384, 16_385]) {
      const path = await writeBars(join(tmp(), `big-${rows}`), cleanBars(16, rows, 3), rows);
      const withFacts = await readFileFrames(path, 'bar', true);
      assert.deepEqual(withFacts, await readFileFrames(path, 'bar', false));
      assert.equal(barMarkOf(withFacts[0]!) !== undefined, rows === 16_384, `${rows} rows`);
    }
  });

  // The collector on its own, with values placed in the kernels' memory by hand: a mark needs
  // every column seen whole, open before high and low before close, and nothing written over
  // the kept columns (1 MB up) in between.
  it('marks only when every column was seen whole, in its slot or in place, in order, with nothing written over the slots', () => {
    const memory = loadKernels<{ memory: WasmMemory }>()!.memory;
    const rows = 4;
    // Open, high and low are decoded into the slots their probes give; close and volume
    // (16 bytes a row) and ts_init lie in place at 12, 16 and 20 KB.
    const slotProbes = BarFacts.start(16, rows)!.probes();
    const slot = (column: number) => slotProbes[column]!.placeAt!(0, rows)!;
    const page = (column: number) => (column < 3 ? slot(column) : (column + 1) * 4096);
    const words = (column: number, length: number) => new BigInt64Array(memory.buffer, page(column), length);
    new BigInt64Array(memory.buffer, 0, 4096).fill(0n);
    for (let i = 0; i < rows; i++) {
      const set = (column: number, value: bigint) => {
        words(column, 2 * rows)[2 * i] = value;
        words(column, 2 * rows)[2 * i + 1] = 0n;
      };
      set(0, 1000n + BigInt(i));
      set(1, 1005n + BigInt(i));
      set(2, 995n + BigInt(i));
      set(3, 1001n + BigInt(i));
      set(4, 7n);
      words(5, rows)[i] = DAY0 + BigInt(i + 1) * STEP;
    }
    type Step = 'open' | 'high' | 'low' | 'close' | 'volume' | 'times' | 'overwrite' | 'missed' | 'open elsewhere';
    const run = (steps: Step[]) => {
      const facts = BarFacts.start(16, rows)!;
      const probes = facts.probes();
      const column: Record<string, number> = { open: 0, high: 1, low: 2, close: 3, volume: 4, times: 6 };
      for (const step of steps) {
        if (step === 'overwrite') ensureMemory(memory, (1 << 20) + 64); // a kernel asking for memory above FACTS_AT, outside the slots
        else if (step === 'missed') probes[3]!.missed();
        else if (step === 'open elsewhere') probes[0]!.inKernelMemory(page(3), rows, 0);
        else probes[column[step]!]!.inKernelMemory(page(step === 'times' ? 5 : column[step]!), rows, 0);
      }
      const frame = {};
      facts.markIfClean(frame);
      return barMarkOf(frame);
    };
    const all: Step[] = ['open', 'high', 'low', 'close', 'volume', 'times'];
    assert.deepEqual(run(all), { stride: Number(STEP) });
    assert.equal(run(['open', 'overwrite', 'high', 'low', 'close', 'volume', 'times']), undefined, 'open possibly overwritten');
    assert.equal(run(['open', 'high', 'overwrite', 'low', 'close', 'volume', 'times']), undefined, 'open and high possibly overwritten');
    assert.equal(run(['open', 'high', 'low', 'overwrite', 'close', 'volume', 'times']), undefined, 'high and low possibly overwritten');
    assert.deepEqual(run(['overwrite', 'open', 'high', 'low', 'close', 'volume', 'times']), { stride: Number(STEP) }, 'before anything was kept');
    assert.equal(run(['high', 'open', 'low', 'close', 'volume', 'times']), undefined, 'high before open');
    assert.equal(run(['open', 'high', 'close', 'low', 'volume', 'times']), undefined, 'close before low');
    assert.equal(run(['open elsewhere', 'high', 'low', 'close', 'volume', 'times']), undefined, 'open not in its slot');
    for (const left of all) assert.equal(run(all.filter((s) => s !== left)), undefined, `without ${left}`);
    assert.equal(run([...all, 'missed']), undefined, 'a page decoded elsewhere');
    // A slot takes only the next rows, whole, within the row group.
    const probe = BarFacts.start(16, rows)!.probes()[0]!;
    assert.equal(probe.placeAt!(1, 2), undefined, 'rows after a gap');
    assert.equal(probe.placeAt!(0, rows + 1), undefined, 'more rows than the row group');
    assert.equal(probe.placeAt!(0, 2), slot(0));
    probe.inKernelMemory(slot(0), 2, 0);
    assert.equal(probe.placeAt!(2, 2), slot(0) + 2 * 16, 'the next page follows the first');

    // Prices in order but all one sentinel: only the sentinel tests can refuse them.
    const prices = (raw: bigint) => {
      for (let column = 0; column < 4; column++) for (let i = 0; i < rows; i++) {
        words(column, 2 * rows)[i * 2] = BigInt.asIntN(64, raw);
        words(column, 2 * rows)[i * 2 + 1] = BigInt.asIntN(64, raw >> 64n);
      }
    };
    prices(PRICE_UNDEF[16]);
    assert.equal(run(all), undefined, 'all PRICE_UNDEF');
    prices(PRICE_ERROR[16]);
    assert.equal(run(all), undefined, 'all PRICE_ERROR');
    prices(5n << 64n);
    assert.deepEqual(run(all), { stride: Number(STEP) }, 'equal prices above 2^64');
    // Equal high halves: the low halves decide, as unsigned numbers (2^63 above 5).
    const bar = (open: bigint, high: bigint, low: bigint, close: bigint) => {
      [open, high, low, close].forEach((raw, column) => {
        for (let i = 0; i < rows; i++) {
          words(column, 2 * rows)[i * 2] = BigInt.asIntN(64, raw);
          words(column, 2 * rows)[i * 2 + 1] = BigInt.asIntN(64, raw >> 64n);
        }
      });
    };
    const base = 1n << 64n;
    const top = 1n << 63n;
    bar(base + 5n, base + top, base, base + 6n);
    assert.deepEqual(run(all), { stride: Number(STEP) }, 'high above open by the low half\'s top bit');
    bar(base + top, base + 5n, base, base + 5n);
    assert.equal(run(all), undefined, 'high below open by the low half\'s top bit');
    bar(base + 5n, base + 6n, base + top, base + 6n);
    assert.equal(run(all), undefined, 'low above open by the low half\'s top bit');
    // Times one stride apart as 64-bit sums, but wrapping past 2^64: out of order as Nautilus reads them.
    for (let i = 0; i < rows; i++) words(5, rows)[i] = BigInt.asIntN(64, 2n ** 64n - 2n * STEP + BigInt(i) * STEP);
    assert.equal(run(all), undefined, 'times past 2^63');
  });
});
