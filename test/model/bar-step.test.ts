/** barStepNs: the length of one bar of a time bar type, and undefined for everything else. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barStepNs } from '../../src/model/bar-step.js';

describe('barStepNs', () => {
  it('gives step × unit for time aggregations', () => {
    assert.equal(barStepNs('BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL'), 60_000_000_000n);
    assert.equal(barStepNs('EUR/USD.SIM-15-SECOND-BID-INTERNAL'), 15_000_000_000n);
    assert.equal(barStepNs('AAPL.XNAS-4-HOUR-LAST-EXTERNAL'), 4n * 3_600_000_000_000n);
    assert.equal(barStepNs('AAPL.XNAS-1-WEEK-LAST-EXTERNAL'), 7n * 86_400_000_000_000n);
    assert.equal(barStepNs('AAPL.XNAS-250-MILLISECOND-LAST-EXTERNAL'), 250_000_000n);
  });

  it('is undefined without a bar type, for names that do not parse, and for tick, volume and month bars', () => {
    for (const barType of [undefined, '', 'not a bar type', 'BTCUSDT.BINANCE-1-MINUTE-LAST', 'BTCUSDT.BINANCE-100-TICK-LAST-EXTERNAL', 'BTCUSDT.BINANCE-10-VOLUME-LAST-EXTERNAL', 'BTCUSDT.BINANCE-1-MONTH-LAST-EXTERNAL']) {
      assert.equal(barStepNs(barType), undefined, String(barType));
    }
  });
});
