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

function tracked(files: string[][], cuts: number[]): unknown[] {
  const tracker = new TradeIdTracker();
  return files.map((ids) => {
    const findings = new FileFindings('f', 'trade_tick', 'X', 3);
    tracker.beginFile();
    const ts = BigUint64Array.from(ids, (_, i) => START + BigInt(i));
    const bounds = [...new Set([0, ...cuts.map((c) => c % (ids.length + 1)), ids.length])].sort((a, b) => a - b);
    for (let k = 0; k + 1 < bounds.length; k++) tracker.scan(ids.slice(bounds[k], bounds[k + 1]), ts.subarray(bounds[k], bounds[k + 1]), bounds[k]!);
    tracker.endFile(findings);
    return findings.report();
  });
}

describe('validate trade ids: gaps = the rule computed plainly', () => {
  it('over files of sequential ids with jumps and non-numeric ids, cut into frames at random', () => {
    let reported = 0;
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 5 }), (files, cuts) => {
        const expected = oracle(files);
        assert.deepEqual(tracked(files, cuts), expected);
        reported += (expected as Array<{ days: unknown[] }>).reduce((n, r) => n + r.days.length, 0);
      }),
      { numRuns: 400 },
    );
    // Not vacuous: many files report gaps or steps back.
    assert.ok(reported > 100, `reported ${reported}`);
  });
});
