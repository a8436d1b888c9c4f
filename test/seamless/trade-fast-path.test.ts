/**
 * The fused trade check (trade-fast-path.ts): what it proves clean the rule engine flags
 * nothing in, on arbitrary raws, times and ids; every kind of defect is left to the engine,
 * within a frame and at the seam of two; and the provider serves clean trades untouched while
 * still flagging a duplicate id between two of storage's frames.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { tradeMarkOf } from '../../src/catalog/trade-facts.js';
import { type FixedWidth, PRICE_ERROR, PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { tsInitOf } from '../../src/model/frames.js';
import { syntheticQuotes, syntheticTrades } from '../../src/model/synthetic-market.js';
import { StreamProof, checkConformance } from '../../src/seamless/conformance/index.js';
import { tradesCertainlyClean } from '../../src/seamless/conformance/trade-fast-path.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { useUpNativePages } from '../helpers/facts-files.js';
import { assertDefectsLeftToEngine } from '../helpers/proof-checks.js';
import { DEFECTS, damage, rawTrades } from '../helpers/trade-rows.js';
import { DAY0, META, TRADE_NODE, scratchDir, setup } from '../helpers/seamless-setup.js';

const series = new Symbology().series('tick:binance:BTC/USDT');

describe('fused trade check', () => {
  it('on arbitrary raws, times and ids, "certainly clean" means the engine flags nothing', () => {
    let clean = 0;
    const raw = (bits: bigint) => fc.oneof(
      { arbitrary: fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }), weight: 1 },
      { arbitrary: fc.bigInt({ min: -2n, max: 1n << 70n }), weight: 4 },
      { arbitrary: fc.constantFrom(0n, PRICE_UNDEF[16], PRICE_ERROR[16], QUANTITY_UNDEF[16], 1n << 96n, (1n << 96n) - 1n), weight: 1 },
    );
    const id = fc.oneof(fc.constantFrom('1', '9', '10', '11', '99', '100', 'a', '', '010'), fc.integer({ min: 0, max: 10_000 }).map(String));
    fc.assert(
      fc.property(fc.constantFrom<FixedWidth>(8, 16), fc.array(fc.tuple(raw(128n), raw(128n), fc.integer({ min: -2, max: 3 }), id), { minLength: 1, maxLength: 5 }), (width, rows) => {
        const bits = BigInt(width * 8);
        let ts = 1_704_153_600_000_000_000n;
        const frame = rawTrades(width, rows.map(([price, size, step, tradeId]) => [BigInt.asIntN(Number(bits), price), BigInt.asUintN(Number(bits), size), (ts += BigInt(step)), tradeId] as const));
        if (!tradesCertainlyClean([frame])) return;
        clean++;
        assert.deepEqual(checkConformance(series, frame).report.rules, {});
      }),
      { numRuns: 3000 },
    );
    assert.ok(clean > 100, `only ${clean} of 3000 random frames were proven clean; the property has no teeth`);
  });

  it('every defect, anywhere in a frame or at the seam of two, is left to the engine, which finds it', () => {
    for (const width of [8, 16] as const) {
      assertDefectsLeftToEngine(series, syntheticTrades({ meta: META, start: DAY0, count: 600, stepNs: 1_000_000_000n, width }), DEFECTS, damage, tradesCertainlyClean);
    }
  });

  it('ids rise when longer, or of equal length and above in string order', () => {
    const rows = (ids: string[]) => rawTrades(16, ids.map((id, i) => [10n ** 20n, 10n ** 12n, 1_704_153_600_000_000_000n + BigInt(i), id] as const));
    assert.equal(tradesCertainlyClean([rows(['8', '9', '10', '11', '100'])]), true);
    assert.equal(tradesCertainlyClean([rows(['b', 'c', 'aa'])]), true, 'not numbers, still distinct');
    assert.equal(tradesCertainlyClean([rows(['10', '9'])]), false);
    assert.equal(tradesCertainlyClean([rows(['9', '9'])]), false);
    assert.equal(tradesCertainlyClean([rows(['12', '011'])]), true, 'a longer id rises whatever its characters: it cannot repeat a shorter one');
    assert.equal(tradesCertainlyClean([rows(['12', '11', '12'])]), false, 'a step down leaves the frame to the engine');
    assert.equal(tradesCertainlyClean([rows(['5', '6']), rows(['6', '7'])]), false, 'an id repeated across frames');
  });

  it('a proof of trades vouches for nothing once a frame of another type is in its stream', () => {
    const trades = syntheticTrades({ meta: META, start: DAY0, count: 10, stepNs: 1_000_000_000n });
    const quotes = syntheticQuotes({ meta: META, start: DAY0 + 20_000_000_000n, count: 10, stepNs: 1_000_000_000n });
    const proof = new StreamProof('trade_tick', 0.1);
    proof.add(trades);
    assert.equal(proof.verdict([trades], 0.1), 'clean');
    proof.add(quotes);
    assert.equal(proof.verdict([trades, quotes], 0.1), 'doubtful');
    assert.equal(new StreamProof('order_book_delta', 0.1).verdict([], 0.1), 'doubtful', 'no fused proof for deltas');
  });

  it('the provider serves clean trades untouched and still drops an id repeated between two of storage\'s frames', async () => {
    // 12,000 trades: the catalog stores 5,000-row groups, so storage streams three frames.
    const trades = syntheticTrades({ meta: META, start: DAY0, count: 12_000, stepNs: 100_000_000n });
    const window = { start: DAY0, end: tsInitOf(trades)[11_999]! + 1n };
    const clean = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    await useUpNativePages(join(clean.dir, 'warm'));
    await clean.storage.write(trades);
    const ok = await clean.provider.fetch(TRADE_NODE, window);
    assert.equal(ok.meta.rows, 12_000);
    assert.equal(ok.frames.length, 3, 'served as storage streamed them, not joined');
    assert.deepEqual(ok.meta.conformance.rules, {});
    assert.ok(ok.frames.every((frame) => tradeMarkOf(frame)), 'the catalog took trade facts while decoding (src/catalog/trade-facts.ts)');

    const dirty = await setup(await scratchDir(), { strategy: 'FAIL_FAST' });
    trades.columns.trade_id[5_000] = trades.columns.trade_id[4_999]!; // the first row of the second frame repeats the last of the first
    await dirty.storage.write(trades);
    const flagged = await dirty.provider.fetch(TRADE_NODE, window);
    assert.equal(flagged.meta.conformance.rules['trade_duplicate_id']?.count, 1);
    assert.equal(flagged.meta.rows, 11_999, 'drop (the default) keeps the first');
  });
});
