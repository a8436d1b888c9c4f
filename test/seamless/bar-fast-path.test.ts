/**
 * The fused bar check (bar-fast-path.ts): what it proves clean the rule engine flags nothing
 * in, on arbitrary OHLC raws, volumes and steps; every kind of defect is left to the engine,
 * within a frame and at the seam of two; and the provider serves clean bars as storage
 * streamed them, stabilising frame by frame.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { barMarkOf } from '../../src/catalog/bar-facts.js';
import { type FixedWidth, QUANTITY_RAW_MAX, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { checkConformance } from '../../src/seamless/conformance/index.js';
import { barsCertainlyClean } from '../../src/seamless/conformance/bar-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { DEFECTS, STEP, cleanBars, damage, rawBars } from '../helpers/bar-rows.js';
import { useUpNativePages } from '../helpers/facts-files.js';
import { assertDefectsLeftToEngine } from '../helpers/proof-checks.js';
import { BAR_NODE, DAY0, bars, minutes, scratchDir, setup } from '../helpers/seamless-setup.js';

const series = new Symbology().series('ohlcv:binance:BTC/USDT:1m');

describe('fused bar check', () => {
  it('on arbitrary OHLC raws, volumes and steps, "certainly clean" means the engine flags nothing', () => {
    let clean = 0;
    // High and low around open and close: ties, one raw apart, far apart, and now and then on the wrong side.
    const reach = fc.oneof(fc.constant(0n), fc.bigInt({ min: -2n, max: 2n }), fc.bigInt({ min: 0n, max: 1n << 40n }));
    const row = (width: FixedWidth) => fc
      .tuple(
        fc.oneof(fc.bigInt({ min: -(1n << 60n), max: 1n << 90n }), fc.bigInt({ min: 1n, max: 1n << 50n })),
        fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
        reach,
        reach,
        fc.oneof(fc.bigInt({ min: 0n, max: 1n << 62n }), fc.constantFrom(QUANTITY_RAW_MAX[width], QUANTITY_RAW_MAX[width] + 1n, QUANTITY_UNDEF[width], 0n)),
        fc.oneof({ arbitrary: fc.constant(STEP), weight: 8 }, { arbitrary: fc.constantFrom(0n, 2n * STEP, STEP + 1n, STEP - 1n), weight: 1 }),
      )
      .map(([open, move, up, down, volume, step]) => {
        const close = open + move;
        return [open, (open > close ? open : close) + up, (open < close ? open : close) - down, close, volume, step] as const;
      });
    fc.assert(
      fc.property(fc.constantFrom<FixedWidth>(8, 16).chain((width) => fc.tuple(fc.constant(width), fc.array(row(width), { minLength: 1, maxLength: 4 }), fc.constantFrom(0n, 1n))), ([width, rows, offGrid]) => {
        const bits = BigInt(width * 8);
        const wrap = (raw: bigint) => BigInt.asIntN(Number(bits), raw);
        let ts = DAY0 + offGrid;
        const frame = rawBars(width, rows.map(([o, h, l, c, v, step]) => [wrap(o), wrap(h), wrap(l), wrap(c), BigInt.asUintN(Number(bits), v), (ts += step)] as const));
        if (!barsCertainlyClean([frame], STEP)) return;
        clean++;
        assert.deepEqual(checkConformance(series, frame).report.rules, {});
      }),
      { numRuns: 3000 },
    );
    assert.ok(clean > 100, `only ${clean} of 3000 random frames were proven clean; the property has no teeth`);
  });

  it('every defect, anywhere in a frame or at the seam of two, is left to the engine, which finds it', () => {
    for (const width of [8, 16] as const) assertDefectsLeftToEngine(series, cleanBars(width, 600, 7), DEFECTS, damage, (frames) => barsCertainlyClean(frames, STEP));
  });

  // Units (bits 32 to 95) from 2^53 on are rounded as floats: two prices 2 units apart can
  // compare equal there, and the tie would go to word 0. Such prices are left to the engine.
  it('16-byte prices too large to compare as floats are left to the engine', () => {
    const unit = 1n << 32n;
    const big = 1n << 90n;
    const frame = rawBars(16, [[big + 5n * unit, big + 3n * unit, big, big + unit, 1000n, DAY0 + STEP]]);
    assert.equal(barsCertainlyClean([frame], STEP), false);
    assert.equal(checkConformance(series, frame).report.rules['bar_ohlc']?.count, 1);
  });

  it('a first bar off the grid is left to the engine', () => {
    const frame = cleanBars(8, 10, 3);
    for (let i = 0; i < frame.length; i++) frame.columns.ts_init[i] = frame.columns.ts_init[i]! + 7n;
    assert.equal(barsCertainlyClean([frame], STEP), false);
    assert.equal(checkConformance(series, frame).report.rules['bar_grid']?.count, 10);
  });

  it('the provider serves clean bars as storage streamed them, stabilising frame by frame, and still sees a gap between two frames', async () => {
    // 12,000 bars: the catalog stores 5,000-row groups, so storage streams three frames.
    const s = await setup(await scratchDir(), { strategy: 'FAIL_FAST', stabilizationBars: 1 });
    await useUpNativePages(join(s.dir, 'warm'));
    await s.storage.write(bars(1, 12_000));
    s.now = DAY0 + 12_000n * STEP + 30n * 1_000_000_000n; // the last bar closed 30 s ago: held back
    const served = await s.provider.fetch(BAR_NODE, minutes(0, 12_000));
    assert.deepEqual(served.frames.map((f) => f.length), [5_000, 5_000, 1_999]);
    assert.equal(served.meta.stabilizedRows, 1);
    assert.deepEqual(served.meta.conformance.rules, {});
    // The catalog took bar facts while decoding (src/catalog/bar-facts.ts); the last frame, trimmed, is a new one.
    assert.ok(served.frames.slice(0, 2).every((frame) => barMarkOf(frame) !== undefined), 'the frames served as decoded were marked');

    const gappy = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    const stored = bars(1, 12_000);
    for (let i = 5_000; i < 12_000; i++) stored.columns.ts_init[i] = stored.columns.ts_init[i]! + STEP; // bar 5,001's minute missing, at the seam
    for (let i = 5_000; i < 12_000; i++) stored.columns.ts_event[i] = stored.columns.ts_event[i]! + STEP;
    await gappy.storage.write(stored);
    const flagged = await gappy.provider.fetch(BAR_NODE, minutes(0, 12_001));
    assert.equal(flagged.meta.conformance.rules['bar_gap']?.count, 1);
  });
});
