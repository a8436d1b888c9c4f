/**
 * Quote facts (src/catalog/quote-facts.ts): taken while a quote row group is decoded, they
 * let the history API prove a frame clean without a pass over it. What must hold:
 * - a read with facts returns exactly the frames a read without them does (the facts' memory
 *   never touches the values);
 * - a frame whose mark proves it clean for a spread limit is one the rule engine flags
 *   nothing in, on random quotes with random defects, 8- and 16-byte raws;
 * - clean frames do get marks (else the property has no teeth), also over pages that
 *   pyarrow cuts small and price columns without a dictionary;
 * - row groups too big for the facts' memory get none and read the same.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Catalog } from '../../src/catalog/catalog.js';
import { QUOTE_FACTS_MAX_ROWS, QuoteFacts, quoteMarkOf } from '../../src/catalog/quote-facts.js';
import { FACTS_AT } from '../../src/catalog/row-group-facts.js';
import { type WasmMemory, ensureMemory, loadKernels } from '../../src/catalog/parquet/wasm-module.js';
import { PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, fixedRawAt, setFixedRaw, sliceFrame } from '../../src/model/frames.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { markedClean, orderStart, spreadLimitOf } from '../../src/seamless/conformance/quote-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { assertMarksProveOnlyClean, onlyDataFile, readFileFrames, warmTempDir } from '../helpers/facts-files.js';
import { peerPython } from '../helpers/python-peer.js';

const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
const START = 1_704_153_600_000_000_000n;
const series = new Symbology().series('quote:binance:BTC/USDT');
const LIMIT = spreadLimitOf(0.1);

function readAll(path: string, facts: boolean): Promise<Frame<'quote_tick'>[]> {
  return readFileFrames(path, 'quote_tick', facts);
}

function onlyFile(root: string): Promise<string> {
  return onlyDataFile(root, 'quote_tick', META.instrumentId);
}

/** Defects our writer accepts (it refuses rows out of `ts_init` order: pyarrow writes those below). */
type Defect = 'crossed' | 'locked' | 'wide' | 'towering' | 'zero' | 'sentinel' | 'negative';

function damage(frame: Frame<'quote_tick'>, row: number, defect: Defect): void {
  const c = frame.columns;
  const bid = fixedRawAt(c.bid_price, row);
  const ask = fixedRawAt(c.ask_price, row);
  switch (defect) {
    case 'crossed': return setFixedRaw(c.bid_price, row, ask + 1n);
    case 'locked': return setFixedRaw(c.bid_price, row, ask);
    case 'wide': return setFixedRaw(c.ask_price, row, bid + bid / 5n);
    // A valid but far too wide ask whose units (bits 32 to 95) are the bid's plus one: only
    // its top word tells it from a tight quote (8-byte raws have none: there it is wide).
    case 'towering': return setFixedRaw(c.ask_price, row, frame.width === 16 ? bid + (1n << 96n) + (1n << 32n) : bid + bid / 5n);
    case 'zero': return setFixedRaw(c.ask_size, row, 0n);
    case 'sentinel': return setFixedRaw(row % 2 ? c.bid_price : c.ask_size, row, row % 2 ? PRICE_UNDEF[frame.width] : QUANTITY_UNDEF[frame.width]);
    case 'negative': return setFixedRaw(c.bid_price, row, -bid);
  }
}

describe('quote facts taken while decoding', () => {
  const tmp = warmTempDir('seamless-quote-facts-');

  it('on random quotes with random defects: reads equal, and a mark proves only what the engine finds clean', () =>
    assertMarksProveOnlyClean({
      dir: tmp(),
      type: 'quote_tick',
      identifier: META.instrumentId,
      series,
      make: (width, count, seed) => syntheticQuotes({ meta: META, start: START, count, stepNs: 1_000_000n, width, seed }),
      damage,
      defects: ['crossed', 'locked', 'wide', 'towering', 'zero', 'sentinel', 'negative'],
      // The frame alone: order across frames is the proof's to check.
      provenAlone: (frame) => markedClean(frame, LIMIT, orderStart()),
    }));

  it('a defect in any checked column leaves its row group unproven, the others proven', async () => {
    // Rows of the third group: its first, middle and last rows (the kernels take rows two at
    // a time and the last ones alone), in groups of an even and an odd number of rows.
    const cases = [
      { groupRows: 200, rows: [400, 450, 597, 598, 599] },
      { groupRows: 201, rows: [402, 601, 602] },
    ];
    for (const width of [8, 16] as const) {
      for (const defect of ['crossed', 'locked', 'towering', 'zero', 'sentinel', 'negative'] as const) {
        for (const { groupRows, rows } of cases) for (const row of rows) {
          const frame = syntheticQuotes({ meta: META, start: START, count: 1_000, stepNs: 1_000_000n, width, seed: 5 });
          damage(frame, row, defect);
          const root = join(tmp(), `defect-${width}-${defect}-${groupRows}-${row}`);
          await (await Catalog.open(root, { width })).write(frame, { rowGroupSize: groupRows });
          const frames = await readAll(await onlyFile(root), true);
          const order = orderStart();
          assert.deepEqual(frames.map((f) => markedClean(f, LIMIT, order)), [true, true, false, true, true], `${defect} at ${row}, width ${width}`);
          // A negative 8-byte price passes the per-row facts; its mark's least bid below 1 is what
          // refuses it. An 8-byte towering ask is a wide one: its mark's band refuses it.
          if (!(width === 8 && (defect === 'negative' || defect === 'towering'))) assert.equal(quoteMarkOf(frames[2]!), undefined, `${defect} at ${row}, width ${width}`);
        }
      }
    }
  });

  it('a wide quote keeps the row group\'s mark, but the mark cannot place it in one band', async () => {
    const frame = syntheticQuotes({ meta: META, start: START, count: 400, stepNs: 1_000_000n, width: 16, seed: 9 });
    damage(frame, 250, 'wide');
    const root = join(tmp(), 'wide');
    await (await Catalog.open(root, { width: 16 })).write(frame, { rowGroupSize: 200 });
    const frames = await readAll(await onlyFile(root), true);
    const order = orderStart();
    assert.deepEqual(frames.map((f) => markedClean(f, LIMIT, order)), [true, false]);
    assert.equal(checkConformance(series, frames[1]!).report.rules['quote_spread']?.count, 1);
  });

  it('over small pages and price columns without a dictionary (pyarrow): clean frames are proven, one going back in time is not, all read the same', async () => {
    const script = `
import sys, pyarrow as pa, pyarrow.parquet as pq, random
random.seed(7)
n, width = int(sys.argv[2]), int(sys.argv[3])
def raw(v): return v.to_bytes(width, 'little', signed=True)
mid, bids, asks, bs, asz, ts = 4250000, [], [], [], [], []
scale = 10**14 if width == 16 else 10**7
for i in range(n):
    mid += random.randint(-200, 200)
    bids.append(raw((mid - 1) * scale)); asks.append(raw((mid + 1) * scale))
    bs.append(raw(random.randint(1, 5000000) * 10**(10 if width == 16 else 3))); asz.append(raw(random.randint(1, 5000000) * 10**(10 if width == 16 else 3)))
    ts.append(1704153600000000000 + i * 1000000)
if sys.argv[5] == 'back':
    for r in (4500, n - 1): ts[r] = ts[r - 1] - 1
fb = pa.binary(width)
schema = pa.schema([pa.field('bid_price', fb, False), pa.field('ask_price', fb, False), pa.field('bid_size', fb, False), pa.field('ask_size', fb, False), pa.field('ts_event', pa.uint64(), False), pa.field('ts_init', pa.uint64(), False)],
    metadata={'instrument_id': 'BTCUSDT.BINANCE', 'price_precision': '2', 'size_precision': '6'})
table = pa.table([pa.array(bids, fb), pa.array(asks, fb), pa.array(bs, fb), pa.array(asz, fb), pa.array(ts, pa.uint64()), pa.array(ts, pa.uint64())], schema=schema)
pq.write_table(table, sys.argv[1], row_group_size=3000, data_page_size=4096, use_dictionary=sys.argv[4] == 'dict', compression='snappy')
`;
    for (const width of [8, 16] as const) {
      for (const [dictionary, time] of [['dict', 'sorted'], ['plain', 'sorted'], ['plain', 'back']]) {
        const path = join(tmp(), `pyarrow-${width}-${dictionary}-${time}.parquet`);
        // 7,001 rows: the last group's odd last row is taken alone by the time kernel.
        await promisify(execFile)(peerPython(), ['-c', script, path, '7001', String(width), dictionary!, time!]);
        const plain = await readAll(path, false);
        const withFacts = await readAll(path, true);
        assert.deepEqual(withFacts, plain);
        assert.deepEqual(withFacts.map((f) => f.length), [3000, 3000, 1001]);
        const order = orderStart();
        const expected = time === 'back' ? [true, false, false] : [true, true, true];
        assert.deepEqual(withFacts.map((f) => markedClean(f, LIMIT, order)), expected, `width ${width}, ${dictionary}, ${time}`);
        withFacts.forEach((frame, i) => {
          const rules = checkConformance(series, frame).report.rules;
          if (expected[i]) assert.deepEqual(rules, {});
          else assert.equal(rules['quote_order']?.count, 1);
        });
      }
    }
  });

  // Times whose bits read as a float are NaN (from 0x7FF0000000000001, the year 2262 on)
  // cannot carry the proof's order to the next frame: such a row group gets no mark.
  it('a row group with times beyond 0x7FF0000000000000 gets no mark', async () => {
    const frame = syntheticQuotes({ meta: META, start: START, count: 400, stepNs: 1_000_000n, width: 16, seed: 13 });
    const last = 0x7ff0000000000000n;
    for (let i = 0; i < 400; i++) frame.columns.ts_init[i] = frame.columns.ts_event[i] = last - 200n + BigInt(i);
    const root = join(tmp(), 'far-times');
    await (await Catalog.open(root, { width: 16 })).write(frame, { rowGroupSize: 200 });
    const frames = await readAll(await onlyFile(root), true);
    assert.deepEqual(frames.map((f) => quoteMarkOf(f) !== undefined), [true, false]);
  });

  it('row groups too big for the facts\' memory get no mark and read the same', async () => {
    // The largest row group the bids' slot holds still gets facts: the layout fits the kernels' memory.
    for (const width of [8, 16] as const) {
      assert.notEqual(QuoteFacts.start(width, QUOTE_FACTS_MAX_ROWS), undefined, `${QUOTE_FACTS_MAX_ROWS} rows, width ${width}`);
      assert.equal(QuoteFacts.start(width, QUOTE_FACTS_MAX_ROWS + 1), undefined, `${QUOTE_FACTS_MAX_ROWS + 1} rows, width ${width}`);
    }
    for (const rows of [60_000, 70_000]) {
      const frame = syntheticQuotes({ meta: META, start: START, count: rows, stepNs: 1_000_000n, width: 16, seed: 3 });
      const root = join(tmp(), `big-${rows}`);
      await (await Catalog.open(root, { width: 16 })).write(frame, { rowGroupSize: rows });
      const path = await onlyFile(root);
      const withFacts = await readAll(path, true);
      assert.deepEqual(withFacts, await readAll(path, false));
      assert.equal(quoteMarkOf(withFacts[0]!), undefined, `${rows} rows`);
    }
  });

  it('a marked frame that starts before the last time proven is not proven', async () => {
    const frame = syntheticQuotes({ meta: META, start: START, count: 400, stepNs: 1_000_000n, width: 16, seed: 11 });
    const root = join(tmp(), 'order');
    await (await Catalog.open(root, { width: 16 })).write(frame, { rowGroupSize: 200 });
    const [first, second] = await readAll(await onlyFile(root), true);
    const order = orderStart();
    assert.equal(markedClean(second!, LIMIT, order), true);
    assert.equal(markedClean(first!, LIMIT, order), false, 'rows before the ones already proven');
    // A copy carries no mark: the mark vouches for the frame as decoded, nothing else.
    assert.equal(markedClean(sliceFrame(first!, 0, first!.length), LIMIT, orderStart()), false);
  });

  // The collector on its own, with values placed in the kernels' memory by hand: a mark needs
  // every column seen whole, bids before asks, and nothing written over the bids' keys (1 MB up) in between.
  it('marks only when every column was seen whole, bids in their slot before asks, with nothing written above the slot in between', () => {
    const memory = loadKernels<{ memory: WasmMemory }>()!.memory;
    const bytes = new DataView(memory.buffer);
    const rows = 4;
    // The bids where the decoders place them (their slot, at FACTS_AT); the rest where pages land.
    const [BIDS, ASKS, SIZES, TIMES] = [FACTS_AT, 4096, 8192, 12288];
    new Uint8Array(memory.buffer, 0, TIMES + rows * 8).fill(0);
    new Uint8Array(memory.buffer, BIDS, rows * 16).fill(0);
    for (let i = 0; i < rows; i++) {
      bytes.setBigUint64(BIDS + i * 16, BigInt(1000 + i) << 32n, true);
      bytes.setBigUint64(ASKS + i * 16, BigInt(1002 + i) << 32n, true);
      bytes.setBigUint64(SIZES + i * 16, 5n << 32n, true);
      bytes.setBigUint64(TIMES + i * 8, START + BigInt(i), true);
    }
    type Step = 'bids' | 'bidsElsewhere' | 'asks' | 'bidSizes' | 'askSizes' | 'times' | 'overwrite' | 'missed';
    const run = (steps: Step[]) => {
      const facts = QuoteFacts.start(16, rows)!;
      const [bid, ask, bidSize, askSize, , time] = facts.probes();
      for (const step of steps) {
        if (step === 'bids') bid!.inKernelMemory(BIDS, rows, 0);
        if (step === 'bidsElsewhere') {
          new Uint8Array(memory.buffer).copyWithin(0, BIDS, BIDS + rows * 16);
          bid!.inKernelMemory(0, rows, 0);
        }
        if (step === 'asks') ask!.inKernelMemory(ASKS, rows, 0);
        if (step === 'bidSizes') bidSize!.inKernelMemory(SIZES, rows, 0);
        if (step === 'askSizes') askSize!.inKernelMemory(SIZES, rows, 0);
        if (step === 'times') time!.inKernelMemory(TIMES, rows, 0);
        if (step === 'overwrite') ensureMemory(memory, FACTS_AT + 64); // a kernel asking for memory above FACTS_AT, over the slot
        if (step === 'missed') ask!.missed();
      }
      const frame = {};
      facts.markIfClean(frame);
      return quoteMarkOf(frame);
    };
    const all: Step[] = ['bids', 'asks', 'bidSizes', 'askSizes', 'times'];
    assert.deepEqual(run(all), { leastBid: 1000, greatestAsk: 1005 });
    assert.equal(run(['bids', 'overwrite', 'asks', 'bidSizes', 'askSizes', 'times']), undefined, 'bids possibly overwritten');
    assert.equal(run(['bidsElsewhere', 'asks', 'bidSizes', 'askSizes', 'times']), undefined, 'bids decoded outside their slot');
    assert.deepEqual(run(['overwrite', 'bids', 'asks', 'bidSizes', 'askSizes', 'times']), { leastBid: 1000, greatestAsk: 1005 }, 'before the bids were written');
    assert.equal(run(['asks', 'bids', 'bidSizes', 'askSizes', 'times']), undefined, 'asks before bids');
    for (const left of all) assert.equal(run(all.filter((s) => s !== left)), undefined, `without ${left}`);
    assert.equal(run([...all, 'missed']), undefined, 'a page decoded elsewhere');
  });
});
