/**
 * Trade id gaps (trade-ids.ts) against the rule computed the plain way, per file: files of
 * mostly sequential ids with a few jumps, steps back, non-numeric, empty or over-long ids
 * (which break the run: the next id starts afresh), split into frames at random; the step
 * between files counts when both are sequential.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CheckId } from '../../src/pipeline/validate/checks.js';
import { FileFindings } from '../../src/pipeline/validate/report.js';
import { TradeIdTracker } from '../../src/pipeline/validate/trade-ids.js';
import { idsCountUpPlainly } from '../helpers/trade-rows.js';
import { START } from './validate-support.js';

/** One file's ids: a run from `first`, each step +1 or (rarely) a jump, a step back or a non-numeric id. */
const file = fc
  .tuple(
    fc.integer({ min: 0, max: 2 ** 40 }),
    fc.array(
      fc.oneof(
        { weight: 200, arbitrary: fc.constant<number | string>(1) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: 20 }) },
        { weight: 1, arbitrary: fc.constantFrom<number | string>('x', '', '12a', ' 1', '1234567890123456', '-3', '+7', '1e3') },
      ),
      { minLength: 0, maxLength: 400 },
    ),
  )
  .map(([first, moves]) => {
    let id = first;
    return moves.map((m) => (typeof m === 'string' ? m : String((id = Math.max(0, id + m)))));
  });

/**
 * Ids around the blocks of 1,000 that trade-ids.ts reads from three digits: runs crossing
 * block ends and lengths (…999 → …1000), jumps of ±k·1000 + 1 (the last three digits still
 * one up, the prefix not), and ids of the expected length with a character of the prefix or
 * of the last three changed (to another digit, ":" just above "9", "/" just below "0" or a
 * letter), or zero-padded.
 */
const blockFile = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 2 ** 30 }).map((k) => k * 1000 + 700), fc.integer({ min: 1, max: 14 }).map((k) => 10 ** k - 150)),
    fc.array(
      fc.oneof(
        { weight: 500, arbitrary: fc.constant<Move>({ step: 1 }) },
        { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0).map<Move>((k) => ({ step: k * 1000 + 1 })) },
        { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...'0123456789:/a')).map<Move>(([at, ch]) => ({ at, ch, last: false })) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(':', '/', 'a', '5')).map<Move>(([at, ch]) => ({ at, ch, last: true })) },
        { weight: 1, arbitrary: fc.constant<Move>({ pad: true }) },
      ),
      { minLength: 0, maxLength: 600 },
    ),
  )
  .map(([first, moves]) => {
    let id = first;
    return moves.map((m) => {
      id = Math.max(0, id + ('step' in m ? m.step : 1));
      const text = String(id);
      if ('pad' in m) return `0${text}`;
      if ('step' in m) return text;
      // A character of the prefix (all but the last three) or of the last three.
      const prefix = text.length - 3;
      if (m.last ? text.length < 3 : prefix <= 0) return text;
      const at = m.last ? prefix + (m.at % 3) : m.at % prefix;
      return text.slice(0, at) + m.ch + text.slice(at + 1);
    });
  });

type Move = { step: number } | { at: number; ch: string; last: boolean } | { pad: true };

function plainId(text: string): number {
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
}

function record(findings: FileFindings, row: number, previous: number, id: number, where?: string): void {
  const check: CheckId = id > previous ? 'trade_id_gap' : 'trade_id_order';
  const values: Record<string, string> = { previous_id: String(previous), trade_id: String(id) };
  if (check === 'trade_id_gap') values['missing'] = id - previous === 2 ? String(previous + 1) : `${previous + 1}..${id - 1}`;
  if (where) values['previous'] = where;
  findings.add(check, row, START + BigInt(row), values, check === 'trade_id_gap' ? id - previous - 1 : undefined);
}

/** The rule, file by file (files stay far below the buffer limit). */
function oracle(files: string[][]): unknown[] {
  let lastSequential = false;
  let lastId = NaN;
  return files.map((ids) => {
    const findings = new FileFindings('f', 'trade_tick', 'X', 3);
    const values = ids.map(plainId);
    const steps: Array<[number, number, number]> = [];
    values.forEach((id, i) => {
      if (i > 0 && id === id && values[i - 1]! === values[i - 1]!) steps.push([i, values[i - 1]!, id]);
    });
    const nonUnit = steps.filter(([, previous, id]) => id - previous !== 1);
    const sequential = steps.length > nonUnit.length && nonUnit.length <= Math.max(1, Math.floor(0.01 * steps.length));
    const first = values.findIndex((id) => id === id);
    if (sequential) {
      if (lastSequential && first >= 0 && lastId === lastId && values[first]! - lastId !== 1) record(findings, first, lastId, values[first]!, 'from the previous file');
      for (const [row, previous, id] of nonUnit) record(findings, row, previous, id);
    }
    lastSequential = sequential;
    lastId = values.length > 0 ? values[values.length - 1]! : NaN;
    return findings.report();
  });
}

/** The tracker's findings per file, its frames cut at `cuts`; `proven`: frames whose ids count up say so. */
function tracked(files: string[][], cuts: number[], proven = false): unknown[] {
  const tracker = new TradeIdTracker();
  return files.map((ids) => {
    const findings = new FileFindings('f', 'trade_tick', 'X', 3);
    tracker.beginFile();
    const ts = BigUint64Array.from(ids, (_, i) => START + BigInt(i));
    const bounds = [...new Set([0, ...cuts.map((c) => c % (ids.length + 1)), ids.length])].sort((a, b) => a - b);
    for (let k = 0; k + 1 < bounds.length; k++) {
      const frame = ids.slice(bounds[k], bounds[k + 1]);
      const times = ts.subarray(bounds[k], bounds[k + 1]);
      if (proven && idsCountUpPlainly(frame)) tracker.countingUp(frame[0]!, frame[frame.length - 1]!, frame.length, times, bounds[k]!);
      else tracker.scan(frame, times, bounds[k]!);
    }
    tracker.endFile(findings);
    return findings.report();
  });
}

describe('validate trade ids: gaps = the rule computed plainly', () => {
  it('over files of sequential ids with jumps and non-numeric ids, cut into frames at random, with and without frames proven to count up', () => {
    let reported = 0;
    let counted = 0;
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 5 }), (files, cuts) => {
        const expected = oracle(files);
        assert.deepEqual(tracked(files, cuts), expected);
        assert.deepEqual(tracked(files, cuts, true), expected);
        reported += (expected as Array<{ days: unknown[] }>).reduce((n, r) => n + r.days.length, 0);
        counted += files.filter((ids) => idsCountUpPlainly(ids)).length;
      }),
      { numRuns: 400 },
    );
    // Not vacuous: many files report gaps or steps back, and many frames count up.
    assert.ok(reported > 100, `reported ${reported}`);
    assert.ok(counted > 50, `counted ${counted}`);
  });

  it('over ids around blocks of 1,000: runs, prefix jumps and changed characters, cut into frames at random', () => {
    let reported = 0;
    fc.assert(
      fc.property(fc.array(blockFile, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 5 }), (files, cuts) => {
        const expected = oracle(files);
        assert.deepEqual(tracked(files, cuts), expected);
        reported += (expected as Array<{ days: unknown[] }>).reduce((n, r) => n + r.days.length, 0);
      }),
      { numRuns: 400 },
    );
    assert.ok(reported > 100, `reported ${reported}`);
  });

  it('on hand-made ids that the three-digit reading must not take for a unit step', () => {
    // Each sits inside a sequential file, so its gaps are reported; [ids before, the case].
    const cases: string[][] = [
      ['123459', '12345:'], // ":" is 10 as a digit: 4·100 + 5·10 + 10 = 460
      ['123458', '123459', '1234:0'],
      ['123456', '124457'], // the last three one up, the prefix not
      ['123456', '122457'],
      ['123456', '12a457', '123458'],
      ['129999', '130000', '129999', '12:000', '130005'], // 129999: the same length, one below the block of 130000
      ['129998', '129999', '130000', '130001'],
      ['999998', '999999', '1000000', '1000001'],
      ['000998', '000999', '001000', '1001'],
    ];
    for (const ids of cases) {
      const first = Number(ids[0]!.replace(/[^0-9]/g, '')) - 200;
      const before = Array.from({ length: 200 }, (_, k) => String(Math.max(0, first + k)));
      const last = plainId(ids[ids.length - 1]!);
      const after = Array.from({ length: 200 }, (_, k) => String((last === last ? last : 2e6) + 1 + k));
      const files = [[...before, ...ids, ...after]];
      const expected = oracle(files);
      for (const cuts of [[], [200], [201], [199, 202], [203]]) {
        assert.deepEqual(tracked(files, cuts), expected, `${ids.join(' ')} cut at ${cuts.join(',')}`);
        assert.deepEqual(tracked(files, cuts, true), expected, `${ids.join(' ')} cut at ${cuts.join(',')}, proven`);
      }
    }
  });

  it('counts the steps of a run read again in full once', () => {
    // 123456 → 124457 looks like a unit step by the last three digits; the run up to 124999 is
    // read again in full. Seven jumps in 651 steps: not sequential (at most 6), nothing reported.
    const ids = [...Array.from({ length: 101 }, (_, k) => String(123356 + k)), ...Array.from({ length: 543 }, (_, k) => String(124457 + k))];
    for (let k = 0; k < 6; k++) ids.push(String(Number(ids[ids.length - 1]) + 2));
    const files = [ids];
    const expected = oracle(files);
    assert.deepEqual((expected as Array<{ days: unknown[] }>)[0]!.days, []);
    for (const cuts of [[], [101], [300], [640]]) assert.deepEqual(tracked(files, cuts), expected, `cut at ${cuts.join(',')}`);
  });

  // The bound on memory (see trade-ids.ts): non-unit steps are buffered until the file's
  // verdict, and a file whose buffer outgrows 10,000 + 1 % of the rows read so far is given up
  // as not sequential, even if enough unit steps after would have made the plain rule say
  // sequential. Below that bound the tracker is the plain rule.
  it('gives a file up as not sequential once its jumps outgrow 10,000 + 1 % of its rows, and not before', () => {
    // `jumps` steps of +2 first, then a long run of +1: the plain rule calls both files sequential.
    const build = (jumps: number, run: number) => {
      let id = 5_000_000;
      const ids = [String(id)];
      for (let k = 0; k < jumps; k++) ids.push(String((id += 2)));
      for (let k = 0; k < run; k++) ids.push(String(++id));
      return ids;
    };
    const gaps = (reports: unknown[]) => (reports as Array<{ days: Array<{ checks: Array<{ check: string; count: number }> }> }>)
      .flatMap((r) => r.days.flatMap((d) => d.checks))
      .reduce((n, t) => n + (t.check === 'trade_id_gap' ? t.count : 0), 0);
    const within = [build(9_900, 1_000_000)];
    assert.equal(gaps(oracle(within)), 9_900);
    assert.deepEqual(tracked(within, [4_000, 600_000]), oracle(within));
    const beyond = [build(10_300, 1_100_000)];
    assert.equal(gaps(oracle(beyond)), 10_300, 'the plain rule calls this file sequential');
    for (const cuts of [[], [5_000, 10_200]]) assert.equal(gaps(tracked(beyond, cuts)), 0, `cut at ${cuts.join(',')}: the buffer bound gives the file up`);
    // The next file's first step is not checked against a file given up.
    const next = String(5_000_000 + 2 * 10_300 + 1_100_000 + 5);
    assert.equal(gaps(tracked([...beyond, [next, String(Number(next) + 1)]], [])), 0);
    // Rows of a frame proven to count up count toward the bound too: a run of 1,000,000 first,
    // then 19,000 jumps (within 10,000 + 1 % of the rows read), then a run long enough for the rule.
    let id = 7_000_000;
    const late = Array.from({ length: 1_000_000 }, () => String(id++));
    for (let k = 0; k < 19_000; k++) late.push(String((id += 2)));
    for (let k = 0; k < 1_000_000; k++) late.push(String(++id));
    assert.equal(gaps(oracle([late])), 19_000);
    assert.deepEqual(tracked([late], [1_000_000, 1_019_001], true), oracle([late]));
  });

  it('after a frame proven to count up, the next id is read in full (no block of 1,000 is left from before it)', () => {
    // The frame before the proven one (not proven: one jump) ends at …005, the proven one steps
    // back to …001..…003; …006 next has the last three digits one above …005's, and is a jump
    // of 3 from …003. Four jumps in 405 steps: a sequential file.
    const run = Array.from({ length: 400 }, (_, k) => String(4_000_005 - 400 + k + (k >= 50 ? 1 : 0)));
    const files = [[...run, '4000001', '4000002', '4000003', '4000006', '4000007', '4000009']];
    const expected = oracle(files);
    assert.ok(JSON.stringify(expected).includes('"missing":"4000004..4000005"'), JSON.stringify(expected));
    assert.deepEqual(tracked(files, [400, 403], true), expected);
  });
});
