/**
 * The pieces of the exchange tier that need no server: the URL rewrite, error classes,
 * Retry-After, reconnect backoff, and the row conversion, fuzzed with arbitrary answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import * as fc from 'fast-check';
import { classifyCcxtError, retryAfterMs } from '../../src/exchanges/ccxt-errors.js';
import { createCcxtExchange } from '../../src/exchanges/ccxt-exchange.js';
import { decimalsOf } from '../../src/exchanges/ccxt-market.js';
import { barsFromOhlcv, ticksFromTrades } from '../../src/exchanges/ccxt-rows.js';
import { ReconnectBackoff } from '../../src/exchanges/reconnect-backoff.js';
import { formatRaw } from '../../src/model/fixed-point.js';
import { fixedRawAt } from '../../src/model/frames.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const symbology = new Symbology();
const barContext = { series: symbology.series('ohlcv:binance:BTC/USDT:1m'), info: { market: {} as never, pricePrecision: 2, sizePrecision: 5 }, width: 16 as const, source: 'test fetchOHLCV' };
const tradeContext = { ...barContext, series: symbology.series('tick:binance:BTC/USDT'), source: 'test fetchTrades' };

describe('createCcxtExchange', () => {
  it('points every REST and websocket URL at the given bases, keeping paths', async () => {
    const exchange = createCcxtExchange('binanceusdm', { restUrl: 'http://127.0.0.1:8080/mirror/', wsUrl: 'ws://127.0.0.1:8081' });
    try {
      const api = exchange.urls['api'] as Record<string, unknown>;
      assert.equal(api['fapiPublic'], 'http://127.0.0.1:8080/mirror/fapi/v1');
      assert.equal((api['ws'] as Record<string, string>)['future'], 'ws://127.0.0.1:8081/ws');
      assert.equal(exchange.number, String, 'decimals stay strings');
    } finally {
      await exchange.close();
    }
  });

  it('loads only spot markets for binance when its websocket is pointed elsewhere', async () => {
    const exchange = createCcxtExchange('binance', { wsUrl: 'ws://127.0.0.1:1' });
    assert.deepEqual((exchange.options['fetchMarkets'] as { types: string[] }).types, ['spot']);
    await exchange.close();
  });

  it('refuses unknown exchanges, wrong schemes and credentials in URLs', () => {
    assert.throws(() => createCcxtExchange('nosuch'), seamlessError('SEAMLESS_BAD_NODE_ID', /unknown exchange "nosuch"/));
    assert.throws(() => createCcxtExchange('binance', { restUrl: 'ws://x' }), seamlessError('SEAMLESS_BAD_CONFIG', /--exchange-url "ws:\/\/x" must start with http: or https:/));
    assert.throws(() => createCcxtExchange('binance', { wsUrl: 'http://x' }), seamlessError('SEAMLESS_BAD_CONFIG', /--exchange-ws-url/));
    const error = (() => {
      try {
        createCcxtExchange('binance', { restUrl: 'https://user:s3cret@proxy.example' });
      } catch (e) {
        return e as SeamlessError;
      }
      return undefined;
    })();
    assert.ok(error instanceof SeamlessError && /must not carry credentials/.test(error.message));
    assert.doesNotMatch(error.message, /s3cret/);
  });
});

describe('decimalsOf', () => {
  it("reads ccxt's tick sizes, in plain and exponent form, and refuses what is not one", async () => {
    const exchange = createCcxtExchange('binance');
    try {
      assert.equal(decimalsOf(exchange, '0.01000000', 'price'), 2);
      assert.equal(decimalsOf(exchange, '1e-8', 'amount'), 8);
      assert.equal(decimalsOf(exchange, '1', 'amount'), 0);
      assert.throws(() => decimalsOf(exchange, 'abc', 'price'), seamlessError('SEAMLESS_EXCHANGE', /malformed price tick "abc"/));
      assert.throws(() => decimalsOf(exchange, undefined, 'price'), seamlessError('SEAMLESS_EXCHANGE', /gave no price precision/));
      assert.throws(() => decimalsOf(exchange, '1e-20', 'price'), seamlessError('SEAMLESS_EXCHANGE', /expected 0\.\.16 decimals/));
    } finally {
      await exchange.close();
    }
  });
});

describe('ccxt errors', () => {
  it('tells rate limits, retryable failures, unknown symbols and refusals apart', () => {
    assert.equal(classifyCcxtError(new ccxt.RateLimitExceeded('429')), 'rate-limit');
    assert.equal(classifyCcxtError(new ccxt.DDoSProtection('418')), 'rate-limit');
    assert.equal(classifyCcxtError(new ccxt.RequestTimeout('t')), 'network');
    assert.equal(classifyCcxtError(new ccxt.ExchangeNotAvailable('503')), 'network');
    assert.equal(classifyCcxtError(new ccxt.OperationFailed('-1001')), 'network');
    assert.equal(classifyCcxtError(new ccxt.BadSymbol('-1121')), 'bad-symbol');
    assert.equal(classifyCcxtError(new ccxt.AuthenticationError('key')), 'refused');
    assert.equal(classifyCcxtError(new Error('x')), 'refused');
  });

  it('reads Retry-After in seconds or as a date, in any letter case', () => {
    const withHeaders = (headers: Record<string, string>): Exchange => ({ last_response_headers: headers }) as unknown as Exchange;
    assert.equal(retryAfterMs(withHeaders({ 'Retry-After': '3' })), 3000);
    assert.equal(retryAfterMs(withHeaders({ 'retry-after': '0.5' })), 500);
    const date = retryAfterMs(withHeaders({ 'retry-after': new Date(Date.now() + 10_000).toUTCString() }))!;
    assert.ok(date > 8000 && date <= 10_000, String(date));
    assert.equal(retryAfterMs(withHeaders({})), undefined);
  });
});

describe('ReconnectBackoff', () => {
  it('doubles up to the cap, gives up after maxFailures, and starts over after a healthy period', () => {
    let now = 0;
    const backoff = new ReconnectBackoff({ initialMs: 100, maxMs: 1000, healthyMs: 5000, maxFailures: 6 }, () => now);
    const delays = Array.from({ length: 6 }, () => backoff.failed()!);
    delays.forEach((d, i) => {
      const ceiling = Math.min(1000, 100 * 2 ** i);
      assert.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${i + 1}: ${d} within [${ceiling / 2}, ${ceiling}]`);
    });
    assert.equal(backoff.failed(), undefined, 'gives up after 6 failures in a row');
    const fresh = new ReconnectBackoff({ initialMs: 100, maxMs: 1000, healthyMs: 5000 }, () => now);
    fresh.failed();
    fresh.failed();
    fresh.connected();
    now += 4000;
    assert.ok(fresh.failed()! >= 200, 'a short connection does not reset');
    fresh.connected();
    now += 6000;
    assert.ok(fresh.failed()! <= 100, 'a healthy connection resets to the first step');
  });
});

describe('rows from ccxt answers (fuzzed)', () => {
  const decimal = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([n, pad]) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}${'0'.repeat(pad)}`);

  it('valid candles become bars whose raws print back as the exchange text', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000_000 }), decimal, decimal, decimal, decimal, decimal), { maxLength: 20 }), (candles) => {
      const rows = candles.map(([t, o, h, l, c, v]) => [t * 60_000, o, h, l, c, `${v}000`]);
      const frame = barsFromOhlcv(rows as never, barContext);
      rows.forEach((row, i) => {
        const [whole, fraction] = (row[4] as string).split('.');
        assert.equal(formatRaw(fixedRawAt((frame.columns as unknown as { close: never }).close, i), 8, 16), `${whole}.${fraction!.padEnd(8, '0').slice(0, 8)}`);
        assert.equal(frame.columns.ts_init[i], BigInt(row[0] as number + 60_000) * 1_000_000n);
      });
    }));
  });

  it('anything else is refused as a malformed answer naming row and field, never another error', () => {
    const junk = fc.oneof(fc.string(), fc.double(), fc.constant(undefined), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.integer());
    fc.assert(fc.property(fc.array(fc.oneof(fc.array(junk, { maxLength: 8 }), junk), { minLength: 1, maxLength: 5 }), (answer) => {
      try {
        barsFromOhlcv(answer as never, barContext);
      } catch (error) {
        seamlessError('SEAMLESS_EXCHANGE', /test fetchOHLCV BTC\/USDT: row \d+ field \w+/)(error);
      }
    }));
    fc.assert(fc.property(fc.array(fc.record({ id: junk, timestamp: junk, price: junk, amount: junk, side: junk }), { minLength: 1, maxLength: 5 }), (answer) => {
      try {
        ticksFromTrades(answer as never, tradeContext);
      } catch (error) {
        seamlessError('SEAMLESS_EXCHANGE', /test fetchTrades BTC\/USDT: row \d+ field \w+/)(error);
      }
    }));
  });

  it('a timestamp past what u64 nanoseconds hold is refused, not wrapped', () => {
    assert.throws(() => barsFromOhlcv([[2e13, '1', '1', '1', '1', '1']] as never, barContext), seamlessError('SEAMLESS_EXCHANGE', /row 0 field timestamp is not a millisecond timestamp/));
  });

  it('a price with more decimals than the market allows is refused, not rounded', () => {
    assert.throws(() => barsFromOhlcv([[0, '1.001', '1', '1', '1', '1']] as never, barContext), seamlessError('SEAMLESS_EXCHANGE', /row 0 field open .*more than precision 2/));
  });
});
