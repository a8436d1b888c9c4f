import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FixedWidth, fixedPrecisionOf, pow10, PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, type FixedColumn, allocFrame, fieldsOf, setFixedRaw } from '../../src/model/frames.js';
import { frameRowToJson } from '../../src/model/frame-rows.js';
import { checkConformance, CONFORMANCE_RULES } from '../../src/seamless/conformance/index.js';
import type { ConformanceConfig, RuleAction } from '../../src/seamless/provider-config.js';
import type { Series, SeriesDataType, SeriesFrame } from '../../src/seamless/series.js';

const STEP = 1000n;
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };
const base = { exchange: 'binance', symbol: 'BTC/USDT', instrumentId: 'BTCUSDT.BINANCE', identifier: 'BTCUSDT.BINANCE' };
const SERIES: Record<SeriesDataType, Series> = {
  bar: { ...base, nodeId: 'ohlcv:binance:BTC/USDT:1s', kind: 'ohlcv', stepNs: STEP, dataType: 'bar', identifier: META.barType },
  trade_tick: { ...base, nodeId: 'tick:binance:BTC/USDT', kind: 'tick', dataType: 'trade_tick' },
  quote_tick: { ...base, nodeId: 'quote:binance:BTC/USDT', kind: 'quote', dataType: 'quote_tick' },
};

/** A row of small values so that every rule fires often: [ts, values per fixed column, id]. */
const rowArb = fc.record({
  ts: fc.integer({ min: 0, max: 12 }),
  offGrid: fc.integer({ min: 0, max: 9 }),
  values: fc.array(fc.integer({ min: -3, max: 12 }), { minLength: 5, maxLength: 5 }),
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
});
type Row = { ts: number; offGrid: number; values: number[]; id: string };

/** Builds a frame from rows: value 12 becomes a sentinel, negatives stay only on prices. */
function dirtyFrame(type: SeriesDataType, width: FixedWidth, rows: Row[]): SeriesFrame {
  const frame = allocFrame(type, width, rows.length, META) as SeriesFrame;
  const columns = frame.columns as unknown as Record<string, unknown>;
  const unit = pow10(fixedPrecisionOf(width) - META.pricePrecision);
  const fixed = fieldsOf(type).filter(([, kind]) => kind === 'price' || kind === 'quantity');
  rows.forEach((row, i) => {
    fixed.forEach(([name, kind], k) => {
      const v = row.values[k]!;
      const raw = v === 12 ? (kind === 'price' ? PRICE_UNDEF[width] : QUANTITY_UNDEF[width]) : BigInt(kind === 'price' ? v : Math.abs(v)) * unit;
      setFixedRaw(columns[name] as FixedColumn, i, raw);
    });
    const ts = BigInt(row.ts) * STEP + (row.offGrid === 0 ? 1n : 0n);
    (columns['ts_init'] as BigUint64Array)[i] = ts;
    (columns['ts_event'] as BigUint64Array)[i] = ts;
    if (type === 'trade_tick') {
      (columns['trade_id'] as string[])[i] = row.id;
      (columns['aggressor_side'] as Uint8Array)[i] = 1;
    }
  });
  return frame;
}

const action = fc.constantFrom<RuleAction>('off', 'warn', 'drop', 'block');

function configArb(type: SeriesDataType): fc.Arbitrary<ConformanceConfig> {
  const ids = CONFORMANCE_RULES[type].map((rule) => rule.id);
  return fc.record(Object.fromEntries(ids.map((id) => [id, action])), { requiredKeys: [] }) as fc.Arbitrary<ConformanceConfig>;
}

function rowsOf(frame: Frame | undefined): string[] {
  return frame ? Array.from({ length: frame.length }, (_, i) => frameRowToJson(frame, i)) : [];
}

function isSubsequence(sub: string[], full: string[]): boolean {
  let j = 0;
  for (const row of full) if (j < sub.length && row === sub[j]) j++;
  return j === sub.length;
}

const TYPES: SeriesDataType[] = ['bar', 'trade_tick', 'quote_tick'];

describe('conformance properties', () => {
  for (const type of TYPES) {
    for (const width of [8, 16] as FixedWidth[]) {
      it(`${type} width ${width}: output is a subsequence, counts add up, block and drop are consistent`, () => {
        fc.assert(
          fc.property(fc.array(rowArb, { maxLength: 30 }), configArb(type), (rows, config) => {
            const frame = dirtyFrame(type, width, rows);
            const before = rowsOf(frame);
            const { frame: out, report } = checkConformance(SERIES[type], frame, config);
            const after = rowsOf(out);
            assert.deepEqual(rowsOf(frame), before, 'the input is not modified');
            assert.ok(isSubsequence(after, before));
            const outcomes = Object.values(report.rules);
            const dropped = outcomes.reduce((sum, rule) => sum + rule.dropped, 0);
            assert.equal(report.rowsIn, rows.length);
            assert.equal(report.rowsOut, after.length);
            assert.equal(report.rowsIn - report.rowsOut, dropped);
            assert.equal(out === frame, dropped === 0 || rows.length === 0);
            assert.equal(report.blocked, outcomes.some((rule) => rule.action === 'block'));
            for (const [id, rule] of Object.entries(report.rules)) {
              assert.ok(rule.count > 0);
              assert.ok(rule.samples.length <= 5);
              assert.equal(rule.dropped, rule.action === 'drop' ? rule.count : 0, id);
            }
          }),
          { numRuns: 150 },
        );
      });

      it(`${type} width ${width}: a second pass dropping everything droppable drops nothing more`, () => {
        const dropAll = Object.fromEntries(CONFORMANCE_RULES[type].map((rule) => [rule.id, 'drop' as const]));
        fc.assert(
          fc.property(fc.array(rowArb, { maxLength: 30 }), (rows) => {
            const first = checkConformance(SERIES[type], dirtyFrame(type, width, rows), dropAll);
            const second = checkConformance(SERIES[type], first.frame, dropAll);
            assert.equal(second.frame, first.frame);
            assert.deepEqual(Object.keys(second.report.rules).filter((id) => id !== 'bar_gap'), []);
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});
