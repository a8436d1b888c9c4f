/**
 * The multi-frame entry point: clean quote frames pass untouched through the fused fast
 * path, and for any mix of defects it answers exactly what the rule engine answers on the
 * joined frame.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PRICE_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, fixedRawAt, setFixedRaw, sliceFrame } from '../../src/model/frames.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { checkConformance, checkConformanceFrames } from '../../src/seamless/conformance/index.js';
import { joinFrames } from '../../src/seamless/frame-select.js';
import { Symbology } from '../../src/seamless/symbology.js';

const series = new Symbology().series('quote:binance:BTC/USDT');
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };

function split(frame: Frame<'quote_tick'>, cuts: number[]): Frame<'quote_tick'>[] {
  const points = [0, ...[...new Set(cuts.map((c) => c % frame.length))].sort((a, b) => a - b), frame.length];
  return points.slice(1).map((end, i) => sliceFrame(frame, points[i]!, end)).filter((f) => f.length > 0);
}

type Defect = 'crossed' | 'locked' | 'zero' | 'sentinel' | 'wide' | 'backwards';

function damage(frame: Frame<'quote_tick'>, row: number, defect: Defect): void {
  const c = frame.columns;
  const bid = fixedRawAt(c.bid_price, row);
  switch (defect) {
    case 'crossed': setFixedRaw(c.ask_price, row, bid - 10n ** 14n); break;
    case 'locked': setFixedRaw(c.ask_price, row, bid); break;
    case 'zero': setFixedRaw(c.bid_size, row, 0n); break;
    case 'sentinel': setFixedRaw(c.bid_price, row, PRICE_UNDEF[16]); break;
    case 'wide': setFixedRaw(c.ask_price, row, bid * 2n); break;
    case 'backwards': c.ts_init[row] = c.ts_init[row]! - 10_000_000_000n; break;
  }
}

describe('conformance over frames', () => {
  it('clean quote frames come back as the same objects with an empty report', () => {
    const frame = syntheticQuotes({ meta: META, start: 1_704_153_600_000_000_000n, count: 5000, stepNs: 1_000_000n, width: 16 });
    const frames = split(frame, [1000, 2500, 4000]);
    const result = checkConformanceFrames(series, frames);
    assert.equal(result.frames.length, frames.length);
    result.frames.forEach((f, i) => assert.equal(f, frames[i]));
    assert.deepEqual(result.report, { rowsIn: 5000, rowsOut: 5000, rules: {}, blocked: false });
  });

  it('with any defects and any actions it agrees with the engine on the joined frame', () => {
    const defects: Defect[] = ['crossed', 'locked', 'zero', 'sentinel', 'wide', 'backwards'];
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(999), fc.constantFrom(...defects)), { maxLength: 6 }),
      fc.array(fc.nat(999), { maxLength: 4 }),
      fc.constantFrom(8 as const, 16 as const),
      fc.constantFrom('warn' as const, 'drop' as const),
      (damages, cuts, width, action) => {
        const frame = syntheticQuotes({ meta: META, start: 1_704_153_600_000_000_000n, count: 1000, stepNs: 1_000_000_000n, width });
        for (const [row, defect] of damages) {
          if (defect === 'sentinel' && width === 8) continue;
          damage(frame, row, defect);
        }
        const config = { quote_crossed: action, quote_size: action, quote_spread: action, quote_order: action, quote_non_finite: action };
        const ours = checkConformanceFrames(series, split(frame, cuts), config);
        const engine = checkConformance(series, frame, config);
        assert.deepEqual(ours.report, engine.report);
        assert.deepEqual(joinFrames(ours.frames), engine.frame);
      },
    ), { numRuns: 200 });
  });
});
