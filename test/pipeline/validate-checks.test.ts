/**
 * Every check on data with one planted fault: it fires at the planted row (and only the
 * companions the fault really implies), for 8- and 16-byte raws; clean synthetic data of
 * each type yields no finding at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { type Frame, type MarketDataType, sliceFrame } from '../../src/model/frames.js';
import { CHECKS_BY_TYPE } from '../../src/pipeline/validate/checks.js';
import { PLANTS, cleanFrame, examplesOf, findings, validateFiles } from './validate-support.js';

const TYPES: readonly MarketDataType[] = ['quote_tick', 'trade_tick', 'bar'];
const WIDTHS: readonly FixedWidth[] = [8, 16];
const ROWS = 400;
const ROW = 350;

describe('validate: clean synthetic data', () => {
  for (const type of TYPES) {
    for (const width of WIDTHS) {
      it(`${type}, ${width}-byte: no findings`, () => {
        const reports = validateFiles(type, [[cleanFrame(type, width, ROWS)]]);
        assert.deepEqual(findings(reports), []);
        assert.equal(reports[0]!.rows, ROWS);
      });
    }
  }
});

describe('validate: one planted fault per check', () => {
  for (const plant of PLANTS) {
    for (const type of plant.types) {
      for (const width of WIDTHS) {
        it(`${plant.check} in ${type}, ${width}-byte, fires at row ${ROW}`, () => {
          const { frame, expected } = plant.apply(cleanFrame(type, width, ROWS), ROW);
          assert.deepEqual(findings(validateFiles(type, [[frame]])), [...expected].sort());
        });
      }
    }
  }

  it('every check of every type has a planted-fault test (file-level checks are in validate-catalog)', () => {
    const fileLevel = new Set(['unreadable', 'precision_mismatch']);
    for (const type of TYPES) {
      for (const check of CHECKS_BY_TYPE[type]) {
        if (fileLevel.has(check)) continue;
        assert.ok(PLANTS.some((p) => p.check === check && p.types.includes(type)), `${check} of ${type} has no plant`);
      }
    }
  });

  it('a fault split across two frames of one file is found at its file row', () => {
    const { frame, expected } = PLANTS.find((p) => p.check === 'ts_init_order')!.apply(cleanFrame('quote_tick', 16, ROWS), ROW);
    const frames = [sliceFrame(frame, 0, ROW), sliceFrame(frame, ROW, frame.length)];
    assert.deepEqual(findings(validateFiles('quote_tick', [frames])), expected);
  });
});

describe('validate: finding values', () => {
  it('a trade id gap names the missing range and counts the missing ids', () => {
    const { frame } = PLANTS.find((p) => p.check === 'trade_id_gap')!.apply(cleanFrame('trade_tick', 16, ROWS), ROW);
    const reports = validateFiles('trade_tick', [[frame]]);
    const [example] = examplesOf(reports, 'trade_id_gap');
    const first = 100_000_000 + ROW;
    assert.deepEqual(example!.values, { previous_id: String(first - 1), trade_id: String(first + 5), missing: `${first}..${first + 4}` });
    assert.equal(reports[0]!.days[0]!.checks.find((t) => t.check === 'trade_id_gap')!.amount, 5);
  });

  it('a crossed quote shows both prices at full precision, and the tally counts beyond the kept examples', () => {
    const plant = PLANTS.find((p) => p.check === 'quote_crossed')!;
    let frame: Frame = cleanFrame('quote_tick', 16, ROWS);
    for (const r of [10, 20, 30, 40]) frame = plant.apply(frame, r).frame;
    const reports = validateFiles('quote_tick', [[frame]], { examples: 2 });
    const tally = reports[0]!.days[0]!.checks.find((t) => t.check === 'quote_crossed')!;
    assert.equal(tally.count, 4);
    assert.equal(tally.severity, 'error');
    assert.deepEqual(tally.examples.map((e) => e.row), [10, 20]);
    assert.match(tally.examples[0]!.values['bid']!, /^\d+\.\d+$/);
    assert.ok(Number(tally.examples[0]!.values['bid']) > Number(tally.examples[0]!.values['ask']));
  });

  it('thin data does not alarm: one tick an hour, then a six-hour pause, is judged against hours', () => {
    const frame = cleanFrame('trade_tick', 16, ROWS);
    const ts = frame.columns.ts_init;
    for (let i = 0; i < ROWS; i++) frame.columns.ts_event[i] = ts[i] = 1_704_153_600_000_000_000n + BigInt(i) * 3_600_000_000_000n + (i >= ROW ? 5n * 3_600_000_000_000n : 0n);
    // Five extra hours on a one-hour rhythm: under 10 × p99, so not suspect.
    assert.deepEqual(findings(validateFiles('trade_tick', [[frame]])), []);
    // The same data with a pause of a day is.
    for (let i = ROW; i < ROWS; i++) frame.columns.ts_event[i] = ts[i] = ts[i]! + 86_400_000_000_000n;
    assert.deepEqual(findings(validateFiles('trade_tick', [[frame]])), [`suspected_gap@${ROW}`]);
  });
});

