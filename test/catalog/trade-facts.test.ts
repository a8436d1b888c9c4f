/**
 * Trade facts (src/catalog/trade-facts.ts): taken while a trade row group is decoded, they
 * leave the history API only the ids to compare when it proves a frame clean. What must hold:
 * - a read with facts returns exactly the frames a read without them does;
 * - a frame its mark (and its ids) prove clean is one the rule engine flags nothing in, on
 *   random trades with random defects, 8- and 16-byte raws;
 * - clean frames do get marks, also over pages that pyarrow cuts small;
 * - a defect in a checked column, at any row of a row group, costs it its mark;
 * - a frame is said to count its ids up (tradeIdsCountUp) exactly when they do: canonical
 *   numbers of 1 to 15 digits, each the one before plus one; over pages pyarrow cuts small
 *   too, PLAIN or dictionary-encoded (as NautilusTrader writes them), with the ids checked
 *   from page to page.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { Catalog } from '../../src/catalog/catalog.js';
import { type WasmMemory, loadKernels } from '../../src/catalog/parquet/wasm-module.js';
import { decodeColumnChunk } from '../../src/catalog/parquet/column-read.js';
import { Encoding, PhysicalType, Repetition, encodePageHeader } from '../../src/catalog/parquet/format.js';
import { encodeHybrid } from '../../src/catalog/parquet/rle.js';
import { TRADE_FACT_COLUMNS, TradeFacts, tradeIdsCountUp, tradeMarkOf } from '../../src/catalog/trade-facts.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { type Frame, sliceFrame } from '../../src/model/frames.js';
import { syntheticTrades } from '../../src/model/synthetic-market.js';
import { tradeIdNumbers } from '../../src/model/trade-id-numbers.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { markedTradesClean, tradeOrderStart } from '../../src/seamless/conformance/trade-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { assertMarksProveOnlyClean, onlyDataFile, readFileFrames, warmTempDir } from '../helpers/facts-files.js';
import { peerPython } from '../helpers/python-peer.js';
import { DAY0, META } from '../helpers/seamless-setup.js';
import { DEFECTS, type Defect, damage, idsCountUpPlainly } from '../helpers/trade-rows.js';

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

/** Trades of `width` whose ids are `ids`. */
function tradesWithIds(width: FixedWidth, ids: readonly string[], seed: number): Frame<'trade_tick'> {
  const frame = trades(width, ids.length, seed);
  ids.forEach((id, i) => (frame.columns.trade_id[i] = id));
  return frame;
}

/** Which frames their marks and ids prove, carried from frame to frame as the provider's proof does. */
function proven(frames: Frame<'trade_tick'>[]): boolean[] {
  const state = tradeOrderStart();
  return frames.map((frame) => markedTradesClean(frame, state));
}

describe('trade facts taken while decoding', () => {
  const tmp = warmTempDir('seamless-trade-facts-');

  it('on random trades with random defects: reads equal, and a mark proves only what the engine finds clean', () =>
    assertMarksProveOnlyClean({
      dir: tmp(),
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
          const frames = await readFileFrames(await writeTrades(join(tmp(), `defect-${width}-${defect}-${groupRows}-${row}`), frame, groupRows), 'trade_tick', true);
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
        const path = join(tmp(), `pyarrow-${width}-${encoding}-${time}.parquet`);
        await promisify(execFile)(peerPython(), ['-c', script, path, '7001', String(width), encoding, time]);
        const plain = await readFileFrames(path, 'trade_tick', false);
        const withFacts = await readFileFrames(path, 'trade_tick', true);
        assert.deepEqual(withFacts, plain);
        assert.deepEqual(withFacts.map((f) => f.length), [3000, 3000, 1001]);
        const label = `width ${width}, ${encoding}, ${time}`;
        assert.deepEqual(withFacts.map((f) => tradeMarkOf(f)), time === 'back' ? [true, false, true] : [true, true, true], label);
        // Ids 100000000 + i count up over many small pages, PLAIN or dictionary-encoded.
        assert.deepEqual(withFacts.map((f) => tradeIdsCountUp(f)), [true, true, true], label);
        // The third group follows the first in time and ids: proven on its own (the provider's proof stops at the first doubt anyway).
        assert.deepEqual(proven(withFacts), time === 'back' ? [true, false, true] : [true, true, true], label);
      }
    }
  });

  it('says ids count up exactly when they do: random ids in random row groups', async () => {
    // Runs that count up, broken now and then by an id that is not the next one: a jump, a
    // repeat, a step back, a leading zero, a letter, nothing, 16 digits.
    const breaks = ['jump', 'repeat', 'back', 'zero', 'letter', 'empty', 'long', 'space'] as const;
    const ids = fc
      .tuple(
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 15 }).map((k) => 10 ** k - 30)),
        fc.array(fc.oneof({ weight: 150, arbitrary: fc.constant<'next' | (typeof breaks)[number]>('next') }, { weight: 1, arbitrary: fc.constantFrom(...breaks) }), { minLength: 1, maxLength: 700, size: 'max' }),
      )
      .map(([first, moves]) => {
        let id = first;
        return moves.map((move, i) => {
          if (i > 0) id = Math.min(id + 1, 10 ** 15 + 20);
          const text = String(id);
          switch (move) {
            case 'next': return text;
            case 'jump': return String((id += 2));
            case 'repeat': return String(--id);
            case 'back': return String((id = Math.max(0, id - 5)));
            case 'zero': return `0${text}`;
            case 'letter': return `${text.slice(0, -1)}a`;
            case 'empty': return '';
            case 'long': return String((id = 10 ** 15 + id));
            case 'space': return ` ${text}`;
          }
        });
      });
    let counted = 0;
    let refused = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(ids, fc.integer({ min: 1, max: 300 }), fc.constantFrom<FixedWidth>(8, 16), async (ids, groupRows, width) => {
        const frame = tradesWithIds(width, ids, run);
        const path = await writeTrades(join(tmp(), `count-up-${run++}`), frame, groupRows);
        const withFacts = await readFileFrames(path, 'trade_tick', true);
        const plainly = await readFileFrames(path, 'trade_tick', false);
        assert.deepEqual(withFacts, plainly);
        for (const f of withFacts) {
          const expected = idsCountUpPlainly(f.columns.trade_id);
          assert.equal(tradeIdsCountUp(f), expected, `ids ${f.columns.trade_id.slice(0, 3).join(',')}…`);
          if (expected) counted++;
          else refused++;
        }
        // Left as numbers: exactly the groups whose ids count up (our writer's pages are PLAIN),
        // each number the id's value, and the strings made from them equal to the plain read's.
        const lazy = await readFileFrames(path, 'trade_tick', true, true);
        lazy.forEach((f, k) => {
          const numbers = tradeIdNumbers(f.columns);
          assert.equal(numbers !== undefined, tradeIdsCountUp(f));
          if (numbers) assert.deepEqual(Array.from(numbers, String), plainly[k]!.columns.trade_id);
        });
        assert.deepEqual(lazy, plainly);
      }),
      { numRuns: 150 },
    );
    // Not vacuous: both answers are given many times.
    assert.ok(counted > 100 && refused > 100, `counted ${counted}, refused ${refused}`);
  });

  it('ids counting up across digit lengths and from 0 count up; one changed id at any row of a group does not', async () => {
    const starts = [0, 7, 95, 999_999_950, 99_999_999_999_950];
    for (const start of starts) {
      const ids = Array.from({ length: 300 }, (_, i) => String(start + i));
      const counts = await readFileFrames(await writeTrades(join(tmp(), `lengths-${start}`), tradesWithIds(16, ids, 3), 100), 'trade_tick', true);
      assert.deepEqual(counts.map(tradeIdsCountUp), [true, true, true], `from ${start}`);
    }
    // Ids longer than 8 digits are compared in two words: a change in the first digits alone is seen.
    for (const [label, row, change] of [
      // Row 152 follows …151 without a carry: only its first word tells it from the next id.
      ['first digit', 152, (id: string) => `${Number(id[0]) + 1}${id.slice(1)}`],
      ['eighth digit', 151, (id: string) => `${id.slice(0, 7)}${(Number(id[7]) + 1) % 10}${id.slice(8)}`],
    ] as const) {
      const long = Array.from({ length: 300 }, (_, i) => String(3_000_000_000 + i));
      long[row] = change(long[row]!);
      const path = await writeTrades(join(tmp(), `long-${row}`), tradesWithIds(16, long, 3), 100);
      assert.deepEqual((await readFileFrames(path, 'trade_tick', true)).map(tradeIdsCountUp), [true, false, true], label);
    }
    // A long id whose last eight characters are not digits, right where its first part alone
    // would make it the next id (2·10^8 − 1 after 199,999,998).
    const notDigits = [...Array.from({ length: 99 }, (_, i) => String(199_999_900 + i)), '2/0000000'];
    const notDigitsFrames = await readFileFrames(await writeTrades(join(tmp(), 'long-not-digits'), tradesWithIds(8, notDigits, 3), 100), 'trade_tick', true);
    assert.deepEqual(notDigitsFrames.map(tradeIdsCountUp), [false]);
    // A page larger than the room below the facts' memory (1 MB) is not taken: 100,000 ids of 9 digits take 1.3 MB.
    const many = Array.from({ length: 100_000 }, (_, i) => String(100_000_000 + i));
    const big = await writeTrades(join(tmp(), 'big-group'), tradesWithIds(8, many, 3), 100_000);
    const bigFrames = await readFileFrames(big, 'trade_tick', true);
    assert.deepEqual(bigFrames, await readFileFrames(big, 'trade_tick', false));
    assert.deepEqual(bigFrames.map(tradeIdsCountUp), [false]);
    // 15 digits is the most: ids past 999,999,999,999,999 are 16 digits long.
    const past = Array.from({ length: 100 }, (_, i) => String(999_999_999_999_950 + i));
    const frames = await readFileFrames(await writeTrades(join(tmp(), 'past-15-digits'), tradesWithIds(8, past, 3), 50), 'trade_tick', true);
    assert.deepEqual(frames.map(tradeIdsCountUp), [true, false]);
    const ids = Array.from({ length: 300 }, (_, i) => String(1_000_000 + i));
    const changes: Array<[string, (id: string) => string]> = [
      ['next but one', (id) => String(Number(id) + 1)],
      ['the one before', (id) => String(Number(id) - 1)],
      ['leading zero', (id) => `0${id}`],
      ['trailing space', (id) => `${id} `],
      ['a colon for the last digit', (id) => `${id.slice(0, -1)}:`],
      ['a slash for the first digit', (id) => `/${id.slice(1)}`],
      // Characters just above "9" that would give the right value if taken for digits 10 to 19.
      ['a character above 9 for the last two digits', (id) => `${Math.floor(Number(id) / 10) - 1}${String.fromCharCode(58 + (Number(id) % 10))}`],
      ['a colon for the leading "10"', (id) => `:${id.slice(2)}`],
      // "*" to "/" just below "0": their low 4 bits would give the right value if taken for digits 10 to 15.
      ['a character below 0 for the last two digits', (id) => `${Math.floor(Number(id) / 10) - 1}${String.fromCharCode(0x2a + (Number(id) % 10))}`],
      ['empty', () => ''],
    ];
    for (const [label, change] of changes) {
      for (const row of [100, 101, 150, 199]) {
        const changed = ids.slice();
        changed[row] = change(changed[row]!);
        const path = await writeTrades(join(tmp(), `changed-${label.replaceAll(' ', '-')}-${row}`), tradesWithIds(16, changed, 4), 100);
        assert.deepEqual((await readFileFrames(path, 'trade_tick', true)).map(tradeIdsCountUp), [true, false, true], `${label} at row ${row}`);
      }
    }
  });

  it('left as numbers only within the dictionary: indices that count on past its end fail the read as without facts', () => {
    // A hand-made chunk: a dictionary of the ids 100..104, then a page of indices 0..rows-1.
    const plainStrings = (ids: string[]) => Buffer.concat(ids.flatMap((id) => [Buffer.from(Uint32Array.of(id.length).buffer), Buffer.from(id)]));
    const chunk = (rows: number) => {
      const dictionary = plainStrings(['100', '101', '102', '103', '104']);
      const indices = Buffer.concat([Buffer.of(3), encodeHybrid(Uint32Array.from({ length: rows }, (_, i) => i), rows, 3)]);
      return Buffer.concat([
        encodePageHeader('dictionary', dictionary.length, dictionary.length, 5, Encoding.PLAIN),
        dictionary,
        encodePageHeader('data', indices.length, indices.length, rows, Encoding.RLE_DICTIONARY),
        indices,
      ]);
    };
    const element = { name: 'trade_id', type: PhysicalType.BYTE_ARRAY, repetition: Repetition.REQUIRED };
    const decode = (rows: number, lazy: boolean) => decodeColumnChunk(chunk(rows), element, 0, rows, TradeFacts.start(16, rows, lazy)!.probes()[TRADE_FACT_COLUMNS.tradeId]);
    assert.deepEqual(decode(5, true), { kind: 'counting', first: 100, count: 5 });
    assert.deepEqual(decode(5, false), { kind: 'string', values: ['100', '101', '102', '103', '104'] });
    assert.deepEqual(decode(4, true), { kind: 'counting', first: 100, count: 4 });
    for (const lazy of [true, false]) assert.throws(() => decode(7, lazy), /dictionary index 5 out of range/);
  });

  it('the kernel reads nothing past its page: a page shorter than its count, or a length past its end, is refused', () => {
    const k = loadKernels<{ memory: WasmMemory; idsCountUp(pageAt: number, end: number, count: number, last: number): number }>()!;
    const page = (ids: string[]) => Buffer.concat(ids.flatMap((id) => [Buffer.from(Uint32Array.of(id.length).buffer), Buffer.from(id)]));
    // After the page, more ids (or digits) that a read past its end would take in.
    const run = (bytes: Uint8Array, count: number, last = -1, after: Uint8Array = page(['13', '14'])) => {
      const memory = new Uint8Array(k.memory.buffer);
      memory.set(bytes, 64);
      memory.set(after, 64 + bytes.length);
      return k.idsCountUp(64, 64 + bytes.length, count, last);
    };
    const ids = page(['10', '11', '12']);
    assert.equal(run(ids, 3), 12);
    assert.equal(run(ids, 3, 9), 12);
    assert.equal(run(ids, 3, 10), -2);
    assert.equal(run(ids, 4), -2);
    assert.equal(run(ids, 5), -2);
    // The last length claims one byte more than the page holds.
    assert.equal(run(ids.subarray(0, ids.length - 1), 3, -1, Buffer.from('2')), -2);
    assert.equal(run(ids.subarray(0, ids.length - 1), 2, -1, Buffer.from('2')), 11);
    assert.equal(run(ids.subarray(0, ids.length - 3), 3), -2);
    assert.equal(run(new Uint8Array(0), 0, 7), 7);
  });

  it('the kernel agrees with a plain reading on random pages: runs of one length broken by near misses', () => {
    const k = loadKernels<{ memory: WasmMemory; idsCountUp(pageAt: number, end: number, count: number, last: number): number }>()!;
    const page = (ids: string[]) => Buffer.concat(ids.flatMap((id) => [Buffer.from(Uint32Array.of(id.length).buffer), Buffer.from(id, 'latin1')]));
    // What the kernel must answer: the last id, or -2 unless each is a canonical number of 1
    // to 15 digits and the one before plus one (the first: `last` plus one, unless -1).
    const plainly = (ids: string[], last: number): number => {
      let previous = last;
      for (const id of ids) {
        if (!/^(0|[1-9][0-9]{0,14})$/.test(id)) return -2;
        const value = Number(id);
        if (previous >= 0 && value !== previous + 1) return -2;
        previous = value;
      }
      return previous;
    };
    // Near misses a run at a fixed stride could take for the next id: one more or one fewer
    // digit with the right digits where the next id's would be, a different head with the
    // right last eight digits (digits copied from elsewhere in the id before), a digit or
    // the last byte changed.
    const misses = ['longer', 'shorter', 'head', 'digit', 'byte', 'repeat'] as const;
    const cases = fc.record({
      first: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 10 ** 15 - 1 }), fc.integer({ min: 1, max: 15 }).map((n) => 10 ** n - 7), fc.constantFrom(111_111_110, 2_111_111_110, 10 ** 8 - 3, 10 ** 14 + 10 ** 8 - 2)),
      count: fc.integer({ min: 1, max: 60 }),
      miss: fc.option(fc.record({ kind: fc.constantFrom(...misses), at: fc.nat(), digit: fc.integer({ min: 0, max: 9 }), place: fc.nat() }), { freq: 2 }),
      last: fc.constantFrom('none', 'before', 'wrong'),
    });
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(cases, ({ first, count, miss, last }) => {
        const ids = Array.from({ length: count }, (_, i) => String(first + i));
        if (miss) {
          const at = miss.at % count;
          const id = ids[at]!;
          const before = at > 0 ? ids[at - 1]! : id;
          ids[at] = {
            longer: `${id}${miss.digit}`,
            shorter: id.slice(0, -1),
            head: `${before[miss.place % before.length]}${id.slice(1)}`,
            digit: `${id.slice(0, miss.place % id.length)}${miss.digit}${id.slice((miss.place % id.length) + 1)}`,
            byte: `${id.slice(0, -1)}${String.fromCharCode(0x2a + (miss.place % 20))}`,
            repeat: before,
          }[miss.kind];
        }
        const lastId = last === 'none' ? -1 : last === 'before' ? first - 1 : first + 5;
        const bytes = page(ids);
        // Room before the page, which the kernel may read; after it, the next ids.
        const memory = new Uint8Array(k.memory.buffer);
        memory.set(page([String(first + count), String(first + count + 1)]), 64 + bytes.length);
        memory.set(bytes, 64);
        const expected = plainly(ids, lastId);
        assert.equal(k.idsCountUp(64, 64 + bytes.length, count, lastId), expected, `ids ${ids.join(',')} after ${lastId}`);
        if (expected === -2) refused++;
        else taken++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(taken > 500 && refused > 500, `taken ${taken}, refused ${refused}`);
  });

  it('ids are followed from page to page: PLAIN, dictionary-encoded, and PLAIN after the dictionary grew too large (pyarrow)', async () => {
    // Pages of exactly 100 rows (pyarrow cuts a page after a batch once it holds data_page_size
    // bytes), row groups of 300: where the ids change at a page boundary, only their group is refused.
    const script = `
import sys, pyarrow as pa, pyarrow.parquet as pq
path, pattern, encoding = sys.argv[1], sys.argv[2], sys.argv[3]
n = 900
ids = [100000000 + i for i in range(n)]
if pattern == 'jump':
    ids = [i + (1000 if r >= 400 else 0) for r, i in enumerate(ids)]
if pattern == 'repeat':
    ids = [ids[r - 100] if r >= 400 else i for r, i in enumerate(ids)]
trade_ids = pa.array([str(i) for i in ids], pa.string())
if pattern == 'swap':
    # Written as a dictionary of the ids in order, and rows 410 and 411 swapped.
    order = list(range(n))
    order[410], order[411] = 411, 410
    trade_ids = pa.DictionaryArray.from_arrays(pa.array(order, pa.int32()), trade_ids)
fb = pa.binary(16)
ts = [1704153600000000000 + r * 1000000 for r in range(n)]
schema = pa.schema([pa.field('price', fb, False), pa.field('size', fb, False), pa.field('aggressor_side', pa.uint8(), False), pa.field('trade_id', trade_ids.type, False), pa.field('ts_event', pa.uint64(), False), pa.field('ts_init', pa.uint64(), False)],
    metadata={'instrument_id': 'BTCUSDT.BINANCE', 'price_precision': '2', 'size_precision': '6'})
table = pa.table([pa.array([(42500 * 10**14).to_bytes(16, 'little')] * n, fb), pa.array([(10**16).to_bytes(16, 'little')] * n, fb), pa.array([1] * n, pa.uint8()), trade_ids, pa.array(ts, pa.uint64()), pa.array(ts, pa.uint64())], schema=schema)
options = {'dict': {'use_dictionary': True}, 'plain': {'use_dictionary': False}, 'fallback': {'use_dictionary': True, 'dictionary_pagesize_limit': 1500}}[encoding]
pq.write_table(table, path, row_group_size=300, data_page_size=1, write_batch_size=100, compression='snappy', **options)
`;
    const expected: Record<string, boolean[]> = {
      count: [true, true, true],
      // Row 400 starts the second group's second page: one id more than 1 up.
      jump: [true, false, true],
      // From row 400 on, each row repeats the id 100 rows before: the second group's dictionary
      // still counts up (300..499), its second page starts again from its first id.
      repeat: [true, false, true],
      // A dictionary that counts up, its entries used out of order (pyarrow keeps a dictionary array's own).
      swap: [true, false, true],
    };
    for (const encoding of ['plain', 'dict', 'fallback']) {
      for (const pattern of Object.keys(expected).filter((p) => p !== 'swap' || encoding === 'dict')) {
        const path = join(tmp(), `pages-${encoding}-${pattern}.parquet`);
        await promisify(execFile)(peerPython(), ['-c', script, path, pattern, encoding]);
        const frames = await readFileFrames(path, 'trade_tick', true);
        const plainly = await readFileFrames(path, 'trade_tick', false);
        assert.deepEqual(frames, plainly);
        assert.deepEqual(frames.map(tradeIdsCountUp), expected[pattern], `${encoding}, ${pattern}`);
        // Left as numbers: the groups whose ids count up, whatever the pages' encoding; where a
        // later page stops counting (jump, repeat, swap), the pages before it get their strings
        // after all.
        const lazy = await readFileFrames(path, 'trade_tick', true, true);
        const unmade = lazy.map((f) => tradeIdNumbers(f.columns) !== undefined);
        assert.deepEqual(unmade, expected[pattern], `${encoding}, ${pattern}, left as numbers`);
        assert.deepEqual(lazy, plainly);
      }
    }
  });

  it('groups whose ids count up are proven from their first id: one repeating the last id of the group before is not', async () => {
    // Rows 400 on carry the id of the row before them: the third group counts up from the second's last id.
    const ids = Array.from({ length: 1_000 }, (_, i) => String(5_000_000 + (i >= 400 ? i - 1 : i)));
    const frames = await readFileFrames(await writeTrades(join(tmp(), 'seam-repeat'), tradesWithIds(16, ids, 6), 200), 'trade_tick', true);
    assert.deepEqual(frames.map(tradeIdsCountUp), [true, true, true, true, true]);
    assert.deepEqual(frames.map(tradeMarkOf), [true, true, true, true, true]);
    assert.deepEqual(proven(frames).slice(0, 3), [true, true, false]);
    // Shorter ids before longer ones rise too: 99,999,999 → 100,000,000 at a seam.
    const across = Array.from({ length: 400 }, (_, i) => String(99_999_800 + i));
    const rising = await readFileFrames(await writeTrades(join(tmp(), 'seam-longer'), tradesWithIds(8, across, 6), 200), 'trade_tick', true);
    assert.deepEqual(proven(rising), [true, true]);
  });
});
