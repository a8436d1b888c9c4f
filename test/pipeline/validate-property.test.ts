/**
 * Properties (fast-check): the spike detector's shortcuts never change its verdict against
 * a brute-force rolling median/MAD; the word-level precision test agrees with the BigInt
 * `isRawAtPrecision`; a clean generated series yields no finding; planting one fault
 * anywhere yields exactly the findings that fault implies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, PRICE_RAW_MAX, QUANTITY_RAW_MAX, fixedPrecisionOf, isRawAtPrecision, pow10 } from '../../src/model/fixed-point.js';
import { fixedToFloat64 } from '../../src/model/fixed-to-float.js';
import { type AnyFrame, type FixedColumn, allocFixedColumn, setFixedRaw } from '../../src/model/frames.js';
import { resolveOptions } from '../../src/pipeline/validate/options.js';
import { rawView } from '../../src/seamless/conformance/raw-view.js';
import { PrecisionCheck } from '../../src/pipeline/validate/precision-check.js';
import { SpikeDetector } from '../../src/pipeline/validate/spike-detector.js';
import { WasmSpikeDetector, batchSpikeTest } from '../../src/pipeline/validate/spike-kernel.js';
import { PLANTS, cleanFrame, findings, validateFiles } from './validate-support.js';

/** The definition, computed the slow way: sort the window for every price. */
function oracle(prices: readonly number[], window: number, mads: number, step: number): boolean[] {
  return prices.map((p, i) => {
    if (i < window) return false;
    const s = prices.slice(i - window, i).sort((a, b) => a - b);
    const n = window;
    const median = n & 1 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
    const d = s.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
    const mad = n & 1 ? d[n >> 1]! : (d[(n >> 1) - 1]! + d[n >> 1]!) / 2;
    const sigma = Math.max(1.4826 * mad, step, 1e-4 * Math.abs(median));
    return Math.abs(p - median) > mads * sigma;
  });
}

/** Walks `base` by `moves`, asserts the detector's verdicts (push and pushAll) equal the oracle's, and returns them. */
function detectorAgreesWithOracle(moves: readonly number[], window: number, mads: number, base: number, step = 1): boolean[] {
  let price = base;
  const prices = moves.map((m) => (price += m));
  const detector = new SpikeDetector(window, mads, step);
  const expected = oracle(prices, window, mads, step);
  assert.deepEqual(prices.map((p) => detector.push(p)), expected);
  // The same prices through pushAll (where tier 1 may rest), in frames of 1000.
  const batched = new SpikeDetector(window, mads, step);
  const all = Float64Array.from(prices);
  const got = prices.map(() => false);
  for (let start = 0; start < all.length; start += 1000) batched.pushAll(all.subarray(start), Math.min(1000, all.length - start), (k) => (got[start + k] = true));
  assert.deepEqual(got, expected);
  // The WebAssembly twin, in frames of random lengths (some beyond its 4,096 a call): the same
  // verdicts, and the same median and scale reported for each spike as the JavaScript's.
  const wasm = wasmDetector(window, mads, step);
  const twin = new SpikeDetector(window, mads, step);
  const reported: string[] = [];
  const twinReported: string[] = [];
  for (let start = 0, piece = 1; start < all.length; start += piece, piece = 1 + ((piece * 7919) % 5003)) {
    const n = Math.min(piece, all.length - start);
    wasm.pushAll(all.subarray(start, start + n), n, (k) => reported.push(`${start + k} ${wasm.lastMedian} ${wasm.lastScale}`));
    twin.pushAll(all.subarray(start, start + n), n, (k) => twinReported.push(`${start + k} ${twin.lastMedian} ${twin.lastScale}`));
  }
  assert.deepEqual(reported, twinReported);
  assert.deepEqual(reported.length, expected.filter(Boolean).length);
  return expected;
}

/** The kernel's detector; the build makes it, so its absence is a failure here. */
function wasmDetector(window: number, mads: number, step: number): WasmSpikeDetector {
  const detector = WasmSpikeDetector.create(window, mads, step);
  assert.ok(detector, 'the spike kernel did not load');
  return detector;
}

describe('validate properties', () => {
  it('spike detector = brute-force rolling median/MAD, on walks with jumps, plateaus and spikes', () => {
    let spikes = 0;
    let calm = 0;
    const move = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -5000, max: 5000 }) });
    fc.assert(
      fc.property(fc.array(move, { minLength: 1, maxLength: 600, size: 'max' }), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2_000_000 }), (moves, window, mads, base) => {
        for (const spike of detectorAgreesWithOracle(moves, window, mads, base)) spike ? spikes++ : calm++;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: both verdicts occurred, many times.
    assert.ok(spikes > 100 && calm > 1000, `spikes ${spikes}, calm ${calm}`);
  });

  it('spike detector = brute force on bar-like walks with long windows (tier 2 bounds and merges)', () => {
    // Closes of a random walk move more than k basis points within a window, so nearly every
    // price goes past tier 1; long windows let the sorted copy age by many prices.
    let spikes = 0;
    let calm = 0;
    const move = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: -40, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: -3000, max: 3000 }) });
    fc.assert(
      fc.property(fc.array(move, { minLength: 150, maxLength: 700 }), fc.integer({ min: 41, max: 140 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1000, max: 50_000 }), (moves, window, mads, base) => {
        for (const spike of detectorAgreesWithOracle(moves, window, mads, base)) spike ? spikes++ : calm++;
      }),
      { numRuns: 150 },
    );
    assert.ok(spikes > 50 && calm > 10_000, `spikes ${spikes}, calm ${calm}`);
  });

  it('spike detector = brute force on walks whose volatility changes, with far jumps and large magnitudes (tier 2 grid)', () => {
    // The grid's cells are a quarter MAD wide around the median it was laid out at: calm and
    // wild stretches change the MAD under it, far jumps land in its clamped edge cells, and
    // bases near 2^60 or below zero make every cell and edge a rounded float.
    let spikes = 0;
    let calm = 0;
    const stretch = fc.tuple(fc.constantFrom(1, 30, 1000, 50_000), fc.integer({ min: 20, max: 200 }));
    const walk = fc.array(stretch, { minLength: 1, maxLength: 6 }).chain((stretches) =>
      fc.tuple(...stretches.map(([scale, length]) => fc.array(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -scale, max: scale }) }, { weight: 1, arbitrary: fc.integer({ min: -1e6, max: 1e6 }).map((x) => x * scale) }), { minLength: length, maxLength: length }))),
    );
    const base = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(2 ** 60, -(2 ** 60), 1e15));
    // Small k puts many prices near the threshold, where a loose or wrong bound shows.
    const mads = fc.oneof(fc.integer({ min: 2, max: 12 }), fc.double({ min: 0.3, max: 3, noNaN: true }));
    fc.assert(
      fc.property(walk, fc.integer({ min: 3, max: 120 }), mads, base, fc.constantFrom(1, 7, 1000), (parts, window, k, start, step) => {
        for (const spike of detectorAgreesWithOracle(parts.flat(), window, k, start, step)) spike ? spikes++ : calm++;
      }),
      { numRuns: 150 },
    );
    assert.ok(spikes > 1000 && calm > 10_000, `spikes ${spikes}, calm ${calm}`);
  });

  it('spike detector = brute force over long series where tier 1 rests and comes back (its blocks rebuilt from the ring)', () => {
    // Tier 1 rests after 64 misses in a row and comes back 4096 prices later: volatile
    // stretches (bar-like, every price misses it) alternate with calm ones that it clears,
    // with spikes in both, so its rebuilt bounds decide prices the oracle checks.
    let spikes = 0;
    let calm = 0;
    const stretch = fc.tuple(fc.constantFrom(2, 3000), fc.integer({ min: 1500, max: 5000 }), fc.integer({ min: 0, max: 2 ** 31 }));
    fc.assert(
      fc.property(fc.array(stretch, { minLength: 2, maxLength: 4 }), fc.integer({ min: 20, max: 150 }), fc.integer({ min: 3, max: 10 }), (stretches, window, mads) => {
        const moves: number[] = [];
        for (const [scale, length, seed] of stretches) {
          let state = seed;
          for (let k = 0; k < length; k++) {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            const u = state / 2 ** 32;
            moves.push(k % 997 === 500 ? Math.round((u - 0.5) * 400 * scale) : Math.round((u - 0.5) * 2 * scale));
          }
        }
        for (const spike of detectorAgreesWithOracle(moves, window, mads, 10_000_000)) spike ? spikes++ : calm++;
      }),
      { numRuns: 6 },
    );
    assert.ok(spikes > 5 && calm > 10_000, `spikes ${spikes}, calm ${calm}`);
    // Tier 1 starts resting at price 113 (64 misses of the 300 bar-like moves) and comes back
    // at 4209. From price 4152 on, 7 prices in 10 sit D above the level of the 3 others and of
    // all before (MAD 0): each low one is a spike, though the window's minimum. At 4209 the
    // ring's oldest slots hold only the low level, so bounds rebuilt from anything but the
    // window's own prices would let tier 1 clear price 4209, a low one.
    const moves = Array.from({ length: 300 }, (_, k) => ((k * 7919) % 6001) - 3000);
    while (moves.length < 4152) moves.push(0);
    for (let k = 0; moves.length < 5000; k++) moves.push(k % 10 === 0 ? 100_000 : k % 10 === 7 ? -100_000 : 0);
    const verdicts = detectorAgreesWithOracle(moves, 50, 3, 10_000_000);
    assert.ok(verdicts.slice(4209, 4230).some(Boolean));
    // Tier 1 really rests here (else the rebuild above went untested).
    let level = 10_000_000;
    const resting = new SpikeDetector(50, 3, 1);
    resting.pushAll(Float64Array.from(moves.slice(0, 200), (m) => (level += m)), 200, () => {});
    assert.ok((resting as unknown as { resting: number }).resting > 0, 'tier 1 did not rest after 64 misses in a row');
    level = 10_000_000;
    const wasmResting = wasmDetector(50, 3, 1);
    wasmResting.pushAll(Float64Array.from(moves.slice(0, 200), (m) => (level += m)), 200, () => {});
    assert.ok(wasmResting.resting, 'tier 1 of the kernel did not rest after 64 misses in a row');
  });

  it('spike detector = brute force on a spike just past the threshold, where a block\'s own prices set tier 1\'s bounds (the kernel clears whole blocks)', () => {
    // The kernel clears a block of prices at once from the window's bounds widened by the
    // block's own lowest and highest price (wasm/spike-test.ts, blockClears). Prices rest at
    // A, then (in a block) fall to B just within reach and the last climbs back 1 past the
    // threshold: bounds that left out the block's low, or measured the floor from the wrong
    // end, would clear it. Both signs (the floor's end flips); a window of 20 takes blocks of
    // 16, whose first 15 prices then hold its median.
    const A = 100_030_000;
    const B = 100_000_000;
    for (const sign of [1, -1]) {
      const prices = [...Array<number>(48).fill(sign * A), ...Array<number>(15).fill(sign * B), sign * (B + 30_001)];
      const moves = prices.map((p, i) => p - (i === 0 ? 0 : prices[i - 1]!));
      const verdicts = detectorAgreesWithOracle(moves, 20, 3, 0);
      assert.deepEqual(verdicts.flatMap((spike, i) => (spike ? [i] : [])), [63], `sign ${sign}`);
    }
    // An odd block (17, window 34): the spike is its last price, taken outside the pairs.
    for (const sign of [1, -1]) {
      const prices = [...Array<number>(84).fill(sign * B), sign * (B - 30_001)];
      const verdicts = detectorAgreesWithOracle(prices.map((p, i) => p - (i === 0 ? 0 : prices[i - 1]!)), 34, 3, 0);
      assert.deepEqual(verdicts.flatMap((spike, i) => (spike ? [i] : [])), [84], `odd block, sign ${sign}`);
    }
  });

  it('a window too long for the memory of the kernel falls back to the JavaScript detector', () => {
    // 2 MB hold the kernel's state for windows up to about 65,000 prices; the option allows 100,000.
    assert.ok(WasmSpikeDetector.create(60_000, 3, 1), 'a window of 60,000 fits the kernel');
    assert.equal(WasmSpikeDetector.create(100_000, 3, 1), undefined);
    assert.ok(batchSpikeTest(100_000, 3, 1) instanceof SpikeDetector);
    assert.ok(batchSpikeTest(100, 3, 1) instanceof WasmSpikeDetector);
  });

  it('spike detector = brute force where prices gather at the median and the next one lands at the threshold (the stretch bounds of the kernel)', () => {
    // Scattered prices make tier 1 rest, so the kernel bounds several prices at once from the
    // grid (wasm/spike-test.ts, startStretch). A cluster at the median then shrinks the MAD
    // within such a stretch, and a probe lands within 5 % of the shrunk threshold: a bound
    // that forgot the prices arriving during the stretch would clear some spikes here.
    let spikes = 0;
    let calm = 0;
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 300 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom(2, 3, 5), (window, seed, mads) => {
        let state = seed;
        const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const range = 1000 + Math.floor(random() * 100_000);
        const prices: number[] = [];
        const medianAndMad = () => {
          const s = prices.slice(-window).sort((a, b) => a - b);
          const median = window & 1 ? s[window >> 1]! : (s[(window >> 1) - 1]! + s[window >> 1]!) / 2;
          const d = s.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
          return [median, window & 1 ? d[window >> 1]! : (d[(window >> 1) - 1]! + d[window >> 1]!) / 2] as const;
        };
        while (prices.length < 6 * window) {
          if (prices.length < window || random() < 0.85) {
            prices.push(Math.floor(random() * range));
            continue;
          }
          const cluster = 1 + Math.floor(random() * 8);
          for (let c = 0; c < cluster; c++) prices.push(Math.round(medianAndMad()[0]));
          const [median, mad] = medianAndMad();
          const edge = mads * Math.max(1.4826 * mad, 1, 1e-4 * Math.abs(median)) * (1 + (random() - 0.5) * 0.1);
          prices.push(Math.round(median + (random() < 0.5 ? edge : -edge)));
        }
        const moves = prices.map((p, i) => (i === 0 ? p : p - prices[i - 1]!));
        for (const spike of detectorAgreesWithOracle(moves, window, mads, 0)) spike ? spikes++ : calm++;
      }),
      { numRuns: 40 },
    );
    assert.ok(spikes > 200 && calm > 10_000, `spikes ${spikes}, calm ${calm}`);
  });

  it('the word-level precision test agrees with isRawAtPrecision, both widths, signed and unsigned', () => {
    const width = fc.constantFrom<FixedWidth>(8, 16);
    const verdicts = { true: 0, false: 0 };
    fc.assert(
      fc.property(width, fc.integer({ min: 0, max: 16 }), fc.boolean(), fc.bigInt({ min: 0n, max: 2n ** 127n }), fc.integer({ min: -3, max: 3 }), fc.boolean(), (w, p, signed, seed, nudge, multiple) => {
        const precision = Math.min(p, fixedPrecisionOf(w));
        const max = signed ? PRICE_RAW_MAX[w] : QUANTITY_RAW_MAX[w];
        const unit = pow10(fixedPrecisionOf(w) - precision);
        // Half the cases are multiples of the unit (nudged by a few raws), half arbitrary.
        let raw = multiple ? (seed % (max / unit)) * unit + BigInt(nudge) : seed % max;
        if (signed && seed % 2n === 0n) raw = -raw;
        if (!signed && raw < 0n) raw = -raw;
        const column = allocFixedColumn(signed ? 'price' : 'quantity', w, 1);
        setFixedRaw(column, 0, raw);
        const check = new PrecisionCheck(w, precision);
        const expected = isRawAtPrecision(raw, precision, w);
        assert.equal(check.atPrecision(rawView(column), 0), expected, `raw ${raw} precision ${precision} width ${w}`);
        verdicts[`${expected}`]++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(verdicts.true > 500 && verdicts.false > 500, JSON.stringify(verdicts));
  });

  it('the below-2^53 precision test agrees with isRawAtPrecision', () => {
    const verdicts = { true: 0, false: 0 };
    fc.assert(
      fc.property(fc.constantFrom<FixedWidth>(8, 16), fc.integer({ min: 0, max: 16 }), fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), fc.integer({ min: -3, max: 3 }), fc.boolean(), (w, p, seed, nudge, multiple) => {
        const precision = Math.min(p, fixedPrecisionOf(w));
        const unit = pow10(fixedPrecisionOf(w) - precision);
        let raw = multiple ? (seed / unit) * unit + BigInt(nudge) : seed;
        if (raw >= 2n ** 53n || raw <= -(2n ** 53n)) raw = seed;
        const expected = isRawAtPrecision(raw, precision, w);
        assert.equal(new PrecisionCheck(w, precision).exactBelow53(Number(raw)), expected, `raw ${raw} precision ${precision} width ${w}`);
        verdicts[`${expected}`]++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(verdicts.true > 500 && verdicts.false > 500, JSON.stringify(verdicts));
  });

  const TYPES = ['quote_tick', 'trade_tick', 'bar'] as const;

  /** The price the spike check follows (quote mid, trade price, bar close), in price steps. */
  function spikeSeries(frame: AnyFrame): number[] {
    const step = 10 ** -frame.meta.pricePrecision;
    const ticks = (name: string) => Array.from(fixedToFloat64((frame.columns as unknown as Record<string, FixedColumn>)[name]!), (p) => Math.round(p / step));
    if (frame.type === 'quote_tick') {
      const ask = ticks('ask_price');
      return ticks('bid_price').map((bid, i) => (bid + ask[i]!) / 2);
    }
    return ticks(frame.type === 'bar' ? 'close' : 'price');
  }

  it('a clean generated series yields no finding but the spikes its own random walk holds', () => {
    // A random walk can run far from its rolling median (seed 488826, 402 bars: row 401); the
    // brute-force oracle says where, and nothing else may fire.
    let walkSpikes = 0;
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.constantFrom<FixedWidth>(8, 16), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 700 }), (type, width, seed, rows) => {
        const frame = cleanFrame(type, width, rows, seed) as AnyFrame;
        const { spikeWindow, spikeMads } = resolveOptions({});
        const expected = oracle(spikeSeries(frame), spikeWindow, spikeMads, 1).flatMap((spike, i) => (spike ? [`price_spike@${i}`] : []));
        walkSpikes += expected.length;
        assert.deepEqual(findings(validateFiles(type, [[frame]])), expected.sort());
      }),
      { numRuns: 40 },
    );
    assert.ok(walkSpikes < 40, `clean walks should rarely hold spikes, held ${walkSpikes}`);
  });

  it('seed 488826 (402 bars, width 8) holds one genuine spike, which the validator reports', () => {
    const frame = cleanFrame('bar', 8, 402, 488826);
    assert.deepEqual(findings(validateFiles('bar', [[frame]])), ['price_spike@401']);
  });

  it('planting one fault yields exactly the findings it implies', () => {
    // A random walk can hold a genuine spike (seed 883279 bars: row 272), and a plant changes
    // the rolling spike window of the rows after it (a ×1.2 spike, a skipped sentinel row,
    // bars removed, a moved quote mid), which can carry a later row past the threshold. So the
    // brute-force oracle on the planted series says which spikes there are (no seed is
    // skipped); the plant's own must be among them, and nothing else may fire.
    const cases = PLANTS.flatMap((plant) => plant.types.map((type) => ({ plant, type })));
    const { spikeWindow, spikeMads } = resolveOptions({});
    let walkSpikes = 0;
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.constantFrom<FixedWidth>(8, 16), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 300, max: 395 }), ({ plant, type }, width, seed, row) => {
        const { frame, expected: planted } = plant.apply(cleanFrame(type, width, 400, seed), row);
        // Sentinel rows stay out of the spike window.
        const skipped = new Set(planted.filter((f) => f.startsWith('sentinel@')).map((f) => Number(f.slice('sentinel@'.length))));
        const series = spikeSeries(frame as AnyFrame);
        const rows = series.map((_, i) => i).filter((i) => !skipped.has(i));
        const spikes = oracle(rows.map((i) => series[i]!), spikeWindow, spikeMads, 1).flatMap((spike, k) => (spike ? [`price_spike@${rows[k]}`] : []));
        const plantedSpikes = planted.filter((f) => f.startsWith('price_spike@'));
        for (const finding of plantedSpikes) assert.ok(spikes.includes(finding), `the plant's ${finding} is no spike by definition`);
        walkSpikes += spikes.length - plantedSpikes.length;
        const expected = [...planted.filter((f) => !f.startsWith('price_spike@')), ...spikes];
        assert.deepEqual(findings(validateFiles(type, [[frame]])), expected.sort());
      }),
      { numRuns: 120 },
    );
    assert.ok(walkSpikes < 40, `planted series should rarely hold other spikes, held ${walkSpikes}`);
  });

  // Sentinel rows are left out of the spike test (bars and trades batch their prices with
  // the rows they came from): a spike a few rows after a sentinel must be reported at its
  // own row, and the rows between must not shift.
  it('a spike a few rows after a sentinel row is reported at its own row', () => {
    const sentinel = PLANTS.find((p) => p.check === 'sentinel')!;
    const spike = PLANTS.find((p) => p.check === 'price_spike')!;
    const { spikeWindow, spikeMads } = resolveOptions({});
    let planted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.constantFrom<FixedWidth>(8, 16), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 300, max: 390 }), fc.integer({ min: 1, max: 5 }), (type, width, seed, row, after) => {
        const withSentinel = sentinel.apply(cleanFrame(type, width, 400, seed), row);
        const withSpike = spike.apply(withSentinel.frame, row + after);
        const series = spikeSeries(withSpike.frame as AnyFrame);
        const rows = series.map((_, i) => i).filter((i) => i !== row);
        const spikes = oracle(rows.map((i) => series[i]!), spikeWindow, spikeMads, 1).flatMap((isSpike, k) => (isSpike ? [`price_spike@${rows[k]}`] : []));
        // The oracle, which never sees the sentinel row, must agree that the plant is a spike.
        if (!spikes.includes(`price_spike@${row + after}`)) return;
        planted++;
        assert.deepEqual(findings(validateFiles(type, [[withSpike.frame]])), [`sentinel@${row}`, ...spikes].sort());
      }),
      { numRuns: 60 },
    );
    assert.ok(planted > 40, `only ${planted} of 60 plants were spikes by definition; the property has no teeth`);
  });
});
