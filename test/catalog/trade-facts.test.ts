/**
 * Trade facts (src/catalog/trade-facts.ts): taken while a trade row group is decoded, they
 * leave the history API only the ids to compare when it proves a frame clean. What must hold:
 * - a read with facts returns exactly the frames a read without them does;
 * - a frame its mark (and its ids) prove clean is one the rule engine flags nothing in, on
 *   random trades with random defects, 8- and 16-byte raws;
 * - clean frames do get marks, also over pages that pyarrow cuts small;
 * - a defect in a checked column, at any row of a row group, costs it its mark.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Catalog } from '../../src/catalog/catalog.js';
import { tradeMarkOf } from '../../src/catalog/trade-facts.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { type Frame, sliceFrame } from '../../src/model/frames.js';
import { syntheticTrades } from '../../src/model/synthetic-market.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { markedTradesClean, tradeOrderStart } from '../../src/seamless/conformance/trade-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { assertMarksProveOnlyClean, onlyDataFile, readFileFrames, useUpNativePages } from '../helpers/facts-files.js';
import { tempDir } from '../helpers/paths.js';
import { peerPython } from '../helpers/python-peer.js';
import { DAY0, META } from '../helpers/seamless-setup.js';
import { DEFECTS, type Defect, damage } from '../helpers/trade-rows.js';

const series = new Symbology().series('tick:binance:BTC/USDT');
/** Our writer refuses rows out of `ts_init` order: pyarrow writes those below. */
const WRITABLE: Defect[] = DEFECTS.filter((d) => d !== 'backwards');

async function writeTrades(root: string, frame: Frame<'trade_tick'>, groupRows: number): Promise<string> {
  await (await Catalog.open(root, { width: frame.width })).write(frame, { rowGroupSize: groupRows });
  return onlyDataFile(root, 'trade_tick', META.instrumentId);
}

function trades(width: FixedWidth, count: number, seed: number): Frame<'trade_tick'> {
  return syntheticTrades({ meta: META, start: DAY0, count, stepNs: 1_000_000n, jitterNs: 900_000n, width, seed });
}

/** Which frames their marks and ids prove, carried from frame to frame as the provider's proof does. */
function proven(frames: Frame<'trade_tick'>[]): boolean[] {
  const state = tradeOrderStart();
  return frames.map((frame) => markedTradesClean(frame, state));
}

describe('trade facts taken while decoding', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-trade-facts-');
    await useUpNativePages(join(tmp.path, 'warm'));
  });
  after(async () => tmp.remove());

  it('on random trades with random defects: reads equal, and a mark proves only what the engine finds clean', () =>
    assertMarksProveOnlyClean({
      dir: tmp.path,
      type: 'trade_tick',
      identifier: META.instrumentId,
      series,
      make: trades,
      damage,
      defects: WRITABLE,
      provenAlone: (frame) => markedTradesClean(frame, tradeOrderStart()),
    }));

  it('a defect at any row of a row group costs it the proof (the mark, unless the defect is in the ids)', async () => {
    const cases = [
      { groupRows: 200, rows: [400, 401, 450, 598, 599] },
      { groupRows: 201, rows: [402, 403, 601, 602] },
    ];
    for (const width of [8, 16] as const) {
      const clean = trades(width, 1_000, 5);
      for (const defect of WRITABLE) {
        for (const { groupRows, rows } of cases) for (const row of rows) {
          const frame = sliceFrame(clean, 0, clean.length);
          damage(frame, row, defect);
          const label = `${defect} at ${row}, width ${width}`;
          const frames = await readFileFrames(await writeTrades(join(tmp.path, `defect-${width}-${defect}-${groupRows}-${row}`), frame, groupRows), 'trade_tick', true);
          assert.deepEqual(frames.map((f) => tradeMarkOf(f)), [true, true, defect === 'repeat_id', true, true], label);
          // A repeated id at a group's first row repeats the last id of the group before: the proof sees it at the seam.
          assert.deepEqual(proven(frames).slice(0, 3), [true, true, false], label);
          assert.ok(Object.keys(checkConformance(series, frame).report.rules).length > 0, `${label}: the engine flags it`);
        }
      }
    }
  });

  it('over small pages (pyarrow): clean frames are proven, one going back in time is not, all read the same', async () => {
    const script = `
import sys, pyarrow as pa, pyarrow.parquet as pq, random
random.seed(7)
path, n, width, encoding, time = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
scale = 10**14 if width == 16 else 10**7
prices, sizes, sides, ids, ts = [], [], [], [], []
for i in range(n):
    prices.append((4250000 + random.randint(-500, 500)) * scale); sizes.append(random.randint(1, 5000000) * 10**(10 if width == 16 else 3))
    sides.append(random.choice([1, 2])); ids.append(str(100000000 + i)); ts.append(1704153600000000000 + i * 1000000)
if time == 'back':
    ts[4500] = ts[4499] - 1
fb = pa.binary(width)
schema = pa.schema([pa.field('price', fb, False), pa.field('size', fb, False), pa.field('aggressor_side', pa.uint8(), False), pa.field('trade_id', pa.string(), False), pa.field('ts_event', pa.uint64(), False), pa.field('ts_init', pa.uint64(), False)],
    metadata={'instrument_id': 'BTCUSDT.BINANCE', 'price_precision': '2', 'size_precision': '6'})
table = pa.table([pa.array([p.to_bytes(width, 'little', signed=True) for p in prices], fb), pa.array([s.to_bytes(width, 'little') for s in sizes], fb), pa.array(sides, pa.uint8()), pa.array(ids, pa.string()), pa.array(ts, pa.uint64()), pa.array(ts, pa.uint64())], schema=schema)
pq.write_table(table, path, row_group_size=3000, data_page_size=4096, use_dictionary=encoding == 'dict', compression='snappy')
`;
    for (const width of [8, 16] as const) {
      for (const [encoding, time] of [['dict', 'sorted'], ['plain', 'sorted'], ['plain', 'back']] as const) {
        const path = join(tmp.path, `pyarrow-${width}-${encoding}-${time}.parquet`);
        await promisify(execFile)(peerPython(), ['-c', script, path, '7001', String(width), encoding, time]);
        const plain = await readFileFrames(path, 'trade_tick', false);
        const withFacts = await readFileFrames(path, 'trade_tick', true);
        assert.deepEqual(withFacts, plain);
        assert.deepEqual(withFacts.map((f) => f.length), [3000, 3000, 1001]);
        const label = `width ${width}, ${encoding}, ${time}`;
        assert.deepEqual(withFacts.map((f) => tradeMarkOf(f)), time === 'back' ? [true, false, true] : [true, true, true], label);
        // The third group follows the first in time and ids: proven on its own (the provider's proof stops at the first doubt anyway).
        assert.deepEqual(proven(withFacts), time === 'back' ? [true, false, true] : [true, true, true], label);
      }
    }
  });
});
