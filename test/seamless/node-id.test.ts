import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeamlessError } from '../../src/seamless/errors.js';
import { type NodeIdParts, formatNodeId, parseCcxtSymbol, parseNodeId, tryParseNodeId } from '../../src/seamless/node-id.js';
import { parseTimeframe, timeframeFromSpec } from '../../src/seamless/timeframes.js';
import { throwsSeamless } from '../helpers/seamless-assertions.js';

const NS_MINUTE = 60_000_000_000n;

describe('parseTimeframe / timeframeFromSpec', () => {
  const cases: Array<[string, number, string, bigint]> = [
    ['1s', 1, 'SECOND', 1_000_000_000n],
    ['30s', 30, 'SECOND', 30_000_000_000n],
    ['1m', 1, 'MINUTE', NS_MINUTE],
    ['15m', 15, 'MINUTE', 15n * NS_MINUTE],
    ['1h', 1, 'HOUR', 60n * NS_MINUTE],
    ['4h', 4, 'HOUR', 240n * NS_MINUTE],
    ['1d', 1, 'DAY', 1440n * NS_MINUTE],
    ['3d', 3, 'DAY', 3n * 1440n * NS_MINUTE],
    ['1w', 1, 'WEEK', 7n * 1440n * NS_MINUTE],
    ['60m', 60, 'MINUTE', 60n * NS_MINUTE],
  ];

  it('maps ccxt timeframes to step, aggregation and ns, and back', () => {
    for (const [text, step, aggregation, ns] of cases) {
      assert.deepEqual(parseTimeframe(text), { step, aggregation, ns, text });
      assert.equal(timeframeFromSpec(step, aggregation), text);
    }
    assert.equal(timeframeFromSpec(1, 'minute'), '1m');
  });

  it('rejects malformed timeframes with an example', () => {
    for (const text of ['', '0m', '01m', '1x', 'm', '1.5m', '1 m', '-1m', '1mm', '99999999999999999999s']) {
      throwsSeamless(() => parseTimeframe(text), 'SEAMLESS_BAD_NODE_ID', /^timeframe must be an integer > 0 followed by s, m, h, d or w/, /e\.g\. 1s, 30s, 1m/, /, was "/);
    }
  });

  it('rejects month and year timeframes: no fixed ns length', () => {
    throwsSeamless(() => parseTimeframe('1M'), 'SEAMLESS_BAD_NODE_ID', /"1M" is a calendar month.*no fixed length/, /e\.g\. 1s/);
    throwsSeamless(() => parseTimeframe('1y'), 'SEAMLESS_BAD_NODE_ID', /calendar year/);
    throwsSeamless(() => timeframeFromSpec(1, 'MONTH'), 'SEAMLESS_BAD_NODE_ID', /MONTH has no fixed length/, /e\.g\. 1-WEEK → 1w/, /was "1-MONTH"/);
  });

  it('rejects specs without a ccxt timeframe', () => {
    throwsSeamless(() => timeframeFromSpec(100, 'TICK'), 'SEAMLESS_BAD_NODE_ID', /must be one of SECOND, MINUTE, HOUR, DAY, WEEK/, /e\.g\. 1-MINUTE → 1m/, /was "100-TICK"/);
    throwsSeamless(() => timeframeFromSpec(0, 'MINUTE'), 'SEAMLESS_BAD_NODE_ID', /step must be an integer > 0/, /was "0-MINUTE"/);
    throwsSeamless(() => timeframeFromSpec(1.5, 'MINUTE'), 'SEAMLESS_BAD_NODE_ID', /step/);
  });
});

describe('parseCcxtSymbol', () => {
  it('splits spot, swap, future and option symbols', () => {
    assert.deepEqual(parseCcxtSymbol('BTC/USDT'), { text: 'BTC/USDT', type: 'spot', base: 'BTC', quote: 'USDT' });
    assert.deepEqual(parseCcxtSymbol('BTC/USDT:USDT'), { text: 'BTC/USDT:USDT', type: 'swap', base: 'BTC', quote: 'USDT', settle: 'USDT' });
    assert.deepEqual(parseCcxtSymbol('BTC/USD:BTC'), { text: 'BTC/USD:BTC', type: 'swap', base: 'BTC', quote: 'USD', settle: 'BTC' });
    assert.deepEqual(parseCcxtSymbol('BTC/USDT:USDT-251226'), {
      text: 'BTC/USDT:USDT-251226', type: 'future', base: 'BTC', quote: 'USDT', settle: 'USDT', expiry: '251226',
    });
    assert.equal(parseCcxtSymbol('BTC/USD:BTC-250328-60000-C').type, 'option');
  });

  it('names the wrong part', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /must not be empty/],
      ['BTCUSDT', /exactly one "\/" between a non-empty base and quote/],
      ['/USDT', /non-empty base and quote/],
      ['BTC/', /non-empty base and quote/],
      ['BTC/USDT/X', /exactly one "\/"/],
      ['BTC/USDT:', /settle currency after ":"/],
      ['BTC/USDT:USDT:USDT', /at most one ":"/],
      ['BTC/USDT:USDT-2512', /expiry date YYMMDD after "USDT-" \(expiry was "2512"\)/],
      ['BTC/USDT:USDT-251326', /expiry date YYMMDD/],
      ['BTC/USD:BTC-250328-60000-X', /SETTLE-YYMMDD-STRIKE-C\|P/],
    ];
    for (const [text, pattern] of bad) {
      throwsSeamless(() => parseCcxtSymbol(text), 'SEAMLESS_BAD_NODE_ID', /^ccxt symbol /, pattern, /\(e\.g\. BTC\/USDT, BTC\/USDT:USDT/, new RegExp(`was ${JSON.stringify(text).replace(/[/|()]/g, '\\$&')}$`));
    }
  });
});

describe('parseNodeId / formatNodeId', () => {
  const examples: Array<[string, NodeIdParts]> = [
    ['ohlcv:binance:BTC/USDT:1m', { kind: 'ohlcv', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }],
    ['ohlcv:binanceusdm:BTC/USDT:USDT:4h', { kind: 'ohlcv', exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '4h' }],
    ['ohlcv:binance:BTC/USDT:USDT-251226:1d', { kind: 'ohlcv', exchange: 'binance', symbol: 'BTC/USDT:USDT-251226', timeframe: '1d' }],
    ['tick:binance:BTC/USDT', { kind: 'tick', exchange: 'binance', symbol: 'BTC/USDT' }],
    ['tick:binancecoinm:BTC/USD:BTC', { kind: 'tick', exchange: 'binancecoinm', symbol: 'BTC/USD:BTC' }],
    ['quote:binance:BTC/USDT:USDT', { kind: 'quote', exchange: 'binance', symbol: 'BTC/USDT:USDT' }],
  ];

  it('parses and formats the examples both ways', () => {
    for (const [text, parts] of examples) {
      assert.deepEqual(parseNodeId(text), parts);
      assert.equal(formatNodeId(parts), text);
      assert.deepEqual(tryParseNodeId(text), { ok: true, value: parts });
    }
  });

  it('tryParseNodeId returns the error instead of throwing', () => {
    const result = tryParseNodeId('ohlcv:binance:BTC/USDT');
    assert.ok(!result.ok && result.error instanceof SeamlessError && result.error.code === 'SEAMLESS_BAD_NODE_ID');
  });

  it('says which part is missing, with the exact message from the spec', () => {
    const error = throwsSeamless(() => parseNodeId('ohlcv:binance:BTC/USDT'), 'SEAMLESS_BAD_NODE_ID');
    assert.equal(
      error.message,
      'node id "ohlcv:binance:BTC/USDT" is missing its timeframe: expected ohlcv:{exchange}:{symbol}:{timeframe}, e.g. ohlcv:binance:BTC/USDT:1m',
    );
    assert.deepEqual(error.details, { nodeId: 'ohlcv:binance:BTC/USDT', part: 'missing' });
  });

  const OHLCV = /expected ohlcv:\{exchange\}:\{symbol\}:\{timeframe\}, e\.g\. ohlcv:binance:BTC\/USDT:1m$/;
  const TICK = /expected tick:\{exchange\}:\{symbol\}, e\.g\. tick:binance:BTC\/USDT$/;
  const ANY = /expected \{kind\}:\{exchange\}:\{symbol\}\[:\{timeframe\}\], e\.g\. ohlcv:binance:BTC\/USDT:1m, tick:binance:BTC\/USDT or quote:binance:BTC\/USDT:USDT$/;
  const errors: Array<[string, string, RegExp, RegExp]> = [
    ['', 'node id', /^node id "" is empty: /, ANY],
    ['ohlcv:binance:BTC/USDT :1m', 'node id', /must not contain whitespace or control characters/, ANY],
    ['tick:binance:BTC/USDT\n', 'node id', /"tick:binance:BTC\/USDT\\n" must not contain whitespace/, ANY],
    ['candles:binance:BTC/USDT:1m', 'kind', /has an unknown kind, was "candles": the kind must be one of ohlcv, tick, quote; /, ANY],
    ['OHLCV:binance:BTC/USDT:1m', 'kind', /unknown kind, was "OHLCV"/, ANY],
    [':binance:BTC/USDT', 'kind', /is missing its kind \(one of ohlcv, tick, quote\)/, ANY],
    ['ohlcv', 'missing', /is missing its exchange, symbol and timeframe: /, OHLCV],
    ['tick', 'missing', /is missing its exchange and symbol: /, TICK],
    ['ohlcv:binance', 'missing', /is missing its symbol and timeframe: /, OHLCV],
    ['ohlcv:binance:', 'missing', /is missing its symbol and timeframe: /, OHLCV],
    ['tick:binance:', 'missing', /is missing its symbol: /, TICK],
    ['ohlcv:binance:1m', 'missing', /is missing its symbol: /, OHLCV],
    ['ohlcv:binance:BTC/USDT:USDT', 'missing', /is missing its timeframe \("USDT" is part of the symbol, not a timeframe\)/, OHLCV],
    ['ohlcv::BTC/USDT:1m', 'exchange', /has an empty exchange: /, OHLCV],
    ['ohlcv:Binance:BTC/USDT:1m', 'exchange', /exchange in uppercase, was "Binance": use the ccxt exchange id in lowercase, "binance"; /, OHLCV],
    ['tick:BINANCE:BTC/USDT', 'exchange', /in uppercase, was "BINANCE"/, TICK],
    ['ohlcv:bin_ance:BTC/USDT:1m', 'exchange', /bad exchange, was "bin_ance": it must be a ccxt exchange id/, OHLCV],
    ['ohlcv:binance::1m', 'symbol', /has an empty symbol: /, OHLCV],
    ['ohlcv:binance:BTCUSDT:1m', 'symbol', /bad symbol: ccxt symbol needs exactly one "\/".*was "BTCUSDT"; /, OHLCV],
    ['tick:binance:/USDT', 'symbol', /bad symbol: .*non-empty base and quote/, TICK],
    ['tick:binance:BTC/', 'symbol', /bad symbol: .*non-empty base and quote/, TICK],
    ['tick:binance:BTC/USDT:', 'symbol', /bad symbol: .*settle currency/, TICK],
    ['tick:binance:BTC/USDT:USDT:USDT', 'symbol', /bad symbol: .*at most one ":"/, TICK],
    ['ohlcv:binance:BTC/USDT:USDT-2512:1m', 'symbol', /bad symbol: .*expiry date YYMMDD/, OHLCV],
    ['ohlcv:binance:BTC/USDT:', 'timeframe', /has an empty timeframe: /, OHLCV],
    ['ohlcv:binance:BTC/USDT:1x', 'timeframe', /bad timeframe: timeframe must be an integer > 0 .*was "1x"; /, OHLCV],
    ['ohlcv:binance:BTC/USDT:0m', 'timeframe', /bad timeframe: .*was "0m"/, OHLCV],
    ['ohlcv:binance:BTC/USDT:1M', 'timeframe', /bad timeframe: timeframe "1M" is a calendar month/, OHLCV],
  ];

  it('names the wrong part and shows a valid example', () => {
    for (const [text, part, problem, example] of errors) {
      const error = throwsSeamless(() => parseNodeId(text), 'SEAMLESS_BAD_NODE_ID', problem, example);
      assert.equal(error.details['part'], part, text);
      assert.ok(error.message.startsWith(`node id ${JSON.stringify(text)} `), error.message);
    }
  });

  it('formatNodeId rejects a missing or extra timeframe and bad parts', () => {
    throwsSeamless(() => formatNodeId({ kind: 'ohlcv', exchange: 'binance', symbol: 'BTC/USDT' }), 'SEAMLESS_BAD_NODE_ID', /ohlcv node id is missing its timeframe/, /e\.g\. ohlcv:binance:BTC\/USDT:1m/);
    throwsSeamless(() => formatNodeId({ kind: 'tick', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }), 'SEAMLESS_BAD_NODE_ID', /tick node id takes no timeframe, was .*"1m"/, /e\.g\. tick:binance:BTC\/USDT/);
    throwsSeamless(() => formatNodeId({ kind: 'bars' as 'tick', exchange: 'binance', symbol: 'BTC/USDT' }), 'SEAMLESS_BAD_NODE_ID', /kind must be one of ohlcv, tick, quote, was "bars"/, /e\.g\. ohlcv:binance/);
    throwsSeamless(() => formatNodeId({ kind: 'tick', exchange: 'Binance', symbol: 'BTC/USDT' }), 'SEAMLESS_BAD_NODE_ID', /in uppercase/);
    throwsSeamless(() => formatNodeId({ kind: 'ohlcv', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1M' }), 'SEAMLESS_BAD_NODE_ID', /calendar month/);
  });
});

const asset = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
const expiry = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(''));
const symbolArb = fc.oneof(
  fc.tuple(asset, asset).map(([b, q]) => `${b}/${q}`),
  fc.tuple(asset, asset, asset).map(([b, q, s]) => `${b}/${q}:${s}`),
  fc.tuple(asset, asset, asset, expiry).map(([b, q, s, e]) => `${b}/${q}:${s}-${e}`),
  fc.tuple(asset, asset, expiry, fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('C', 'P')).map(([b, q, e, k, r]) => `${b}/${q}:${b}-${e}-${k}-${r}`),
);
const timeframeArb = fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('s', 'm', 'h', 'd', 'w')).map(([n, u]) => `${n}${u}`);
const partsArb: fc.Arbitrary<NodeIdParts> = fc.oneof(
  fc.record({ kind: fc.constant('ohlcv' as const), exchange: fc.stringMatching(/^[a-z0-9]{1,12}$/), symbol: symbolArb, timeframe: timeframeArb }),
  fc.record({ kind: fc.constantFrom('tick' as const, 'quote' as const), exchange: fc.stringMatching(/^[a-z0-9]{1,12}$/), symbol: symbolArb }),
);

describe('node id properties', () => {
  it('parseNodeId(formatNodeId(parts)) gives back the parts, and the text is canonical', () => {
    fc.assert(
      fc.property(partsArb, (parts) => {
        const text = formatNodeId(parts);
        assert.deepEqual(parseNodeId(text), { ...parts });
        assert.equal(formatNodeId(parseNodeId(text)), text);
      }),
    );
  });

  it('timeframeFromSpec inverts parseTimeframe', () => {
    fc.assert(
      fc.property(timeframeArb, (text) => {
        const tf = parseTimeframe(text);
        assert.equal(timeframeFromSpec(tf.step, tf.aggregation), text);
      }),
    );
  });

  it('never throws anything but SeamlessError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('o', 'h', 'l', 'c', 'v', 'b', 'B', ':', '/', '-', '1', 'm', 'U', ' ', 'é') }), (text) => {
        const result = tryParseNodeId(text);
        if (result.ok) assert.equal(formatNodeId(result.value), text);
      }),
    );
  });
});
