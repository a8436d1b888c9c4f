import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { INVERSE_QUOTES, KNOWN_QUOTES, LINEAR_QUOTES, Symbology } from '../../src/seamless/symbology.js';
import { throwsSeamless } from '../helpers/seamless-assertions.js';

const BAD = 'SEAMLESS_BAD_NODE_ID';
const TABLE_EXAMPLE = /e\.g\. new Symbology\(\{ venues: \{ \w+: \{ symbols: \{ "[^"]+": "[^"]+" \} \} \} \}\)$/;
const symbology = new Symbology();

describe('Symbology defaults', () => {
  it('resolves an ohlcv node id to its bar series', () => {
    assert.deepEqual(symbology.series('ohlcv:binance:BTC/USDT:1m'), {
      nodeId: 'ohlcv:binance:BTC/USDT:1m',
      kind: 'ohlcv',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      stepNs: 60_000_000_000n,
      dataType: 'bar',
      instrumentId: 'BTCUSDT.BINANCE',
      identifier: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL',
    });
  });

  it('resolves tick and quote node ids to the instrument id', () => {
    assert.deepEqual(symbology.series('tick:binance:BTC/USDT'), {
      nodeId: 'tick:binance:BTC/USDT',
      kind: 'tick',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      dataType: 'trade_tick',
      instrumentId: 'BTCUSDT.BINANCE',
      identifier: 'BTCUSDT.BINANCE',
    });
    const quote = symbology.series('quote:binance:BTC/USDT:USDT');
    assert.equal(quote.dataType, 'quote_tick');
    assert.equal(quote.identifier, 'BTCUSDT-PERP.BINANCE');
    assert.equal(quote.timeframe, undefined);
    assert.ok(Object.isFrozen(quote));
  });

  it('maps symbols and venues by the rules', () => {
    const cases: Array<[string, string, string]> = [
      ['binance', 'BTC/USDT', 'BTCUSDT.BINANCE'],
      ['binanceusdm', 'BTC/USDT:USDT', 'BTCUSDT-PERP.BINANCE'],
      ['binancecoinm', 'BTC/USD:BTC', 'BTCUSD-PERP.BINANCE'],
      ['binanceusdm', 'BTC/USDT:USDT-251226', 'BTCUSDT-251226.BINANCE'],
      ['binancecoinm', 'ETH/USD:ETH-250328', 'ETHUSD-250328.BINANCE'],
      ['bybit', 'ETH/USDC:USDC', 'ETHUSDC-PERP.BYBIT'],
      ['okx', 'SOL/USDT', 'SOLUSDT.OKX'],
      ['kraken', 'BTC/EUR', 'BTCEUR.KRAKEN'],
      ['constructor', 'BTC/USDT', 'BTCUSDT.CONSTRUCTOR'],
    ];
    for (const [exchange, symbol, instrumentId] of cases) {
      assert.equal(symbology.instrumentId(exchange, symbol), instrumentId);
    }
  });

  it('builds bar types from timeframes', () => {
    assert.equal(symbology.series('ohlcv:binanceusdm:BTC/USDT:USDT:1h').identifier, 'BTCUSDT-PERP.BINANCE-1-HOUR-LAST-EXTERNAL');
    assert.equal(symbology.series('ohlcv:binance:ETH/BTC:30s').identifier, 'ETHBTC.BINANCE-30-SECOND-LAST-EXTERNAL');
    const weekly = symbology.series('ohlcv:okx:BTC/USDT:1w');
    assert.equal(weekly.identifier, 'BTCUSDT.OKX-1-WEEK-LAST-EXTERNAL');
    assert.equal(weekly.stepNs, 7n * 86_400_000_000_000n);
  });

  it('maps bar types back to ohlcv node ids', () => {
    const cases: Array<[string, string | undefined, string]> = [
      ['BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL', undefined, 'ohlcv:binance:BTC/USDT:1m'],
      ['BTCUSDT-PERP.BINANCE-1-HOUR-LAST-EXTERNAL', undefined, 'ohlcv:binance:BTC/USDT:USDT:1h'],
      ['BTCUSDT-PERP.BINANCE-1-HOUR-LAST-EXTERNAL', 'binanceusdm', 'ohlcv:binanceusdm:BTC/USDT:USDT:1h'],
      ['BTCUSD-PERP.BINANCE-1-DAY-LAST-EXTERNAL', 'binancecoinm', 'ohlcv:binancecoinm:BTC/USD:BTC:1d'],
      ['BTCUSDT-251226.BINANCE-4-HOUR-LAST-EXTERNAL', undefined, 'ohlcv:binance:BTC/USDT:USDT-251226:4h'],
      ['ETHBTC.BINANCE-30-SECOND-LAST-EXTERNAL', undefined, 'ohlcv:binance:ETH/BTC:30s'],
      ['BTCUSDT.OKX-1-WEEK-LAST-EXTERNAL', undefined, 'ohlcv:okx:BTC/USDT:1w'],
    ];
    for (const [barType, exchange, nodeId] of cases) {
      assert.equal(symbology.nodeIdForBarType(barType, exchange), nodeId);
    }
  });

  it('maps instrument ids back to tick and quote node ids, splitting at the longest known quote', () => {
    assert.equal(symbology.nodeIdForInstrument('tick', 'BTCUSDT.BINANCE'), 'tick:binance:BTC/USDT');
    assert.equal(symbology.nodeIdForInstrument('quote', 'BTCUSDT-PERP.BINANCE'), 'quote:binance:BTC/USDT:USDT');
    assert.equal(symbology.nodeIdForInstrument('tick', 'BTCFDUSD.BINANCE'), 'tick:binance:BTC/FDUSD');
    assert.equal(symbology.nodeIdForInstrument('tick', 'ETHBUSD.BINANCE'), 'tick:binance:ETH/BUSD');
    assert.equal(symbology.nodeIdForInstrument('tick', 'USDCUSDT.BYBIT'), 'tick:bybit:USDC/USDT');
    assert.equal(symbology.nodeIdForInstrument('quote', 'ETHUSD-PERP.BINANCE', 'binancecoinm'), 'quote:binancecoinm:ETH/USD:ETH');
  });
});

describe('Symbology errors', () => {
  it('rejects derivatives without an unambiguous rule, asking for a symbol table entry', () => {
    throwsSeamless(() => symbology.series('tick:deribit:BTC/USD:BTC-250328-60000-C'), BAD, /"BTC\/USD:BTC-250328-60000-C" on exchange deribit is an option, which has no naming rule/, TABLE_EXAMPLE);
    throwsSeamless(() => symbology.series('ohlcv:binance:ETH/BTC:BTC:1m'), BAD, /"ETH\/BTC:BTC" on exchange binance has no naming rule .*was "ETH\/BTC:BTC": add it to the exchange's symbol table/, TABLE_EXAMPLE);
    throwsSeamless(() => symbology.series('quote:kraken:BTC/USD:USD'), BAD, /"BTC\/USD:USD" .* has no naming rule/, /"BTC\/USD:USD": "BTCUSD-PERP"/);
  });

  it('rejects Nautilus symbols it cannot split, asking for a symbol table entry', () => {
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'FOOXYZ.BINANCE'), BAD, /"FOOXYZ" on exchange binance does not end in a known quote asset \(USDT, USDC/, /was "FOOXYZ"/, TABLE_EXAMPLE);
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'USDT.BINANCE'), BAD, /known quote asset/);
    throwsSeamless(() => symbology.nodeIdForInstrument('quote', 'ETHBTC-PERP.BINANCE'), BAD, /"ETHBTC-PERP" .* is ambiguous: .* linear \(ETH\/BTC:BTC\) or inverse \(ETH\/BTC:ETH\)/, TABLE_EXAMPLE);
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'BTC-USD.COINBASE'), BAD, /"BTC-USD" .* has no naming rule: expected BASEQUOTE, BASEQUOTE-PERP or BASEQUOTE-YYMMDD/, TABLE_EXAMPLE);
  });

  it('maps back only LAST-EXTERNAL time bars of a fixed step', () => {
    const example = /e\.g\. BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL → ohlcv:binance:BTC\/USDT:1m$/;
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT.BINANCE-1-MINUTE-MID-EXTERNAL'), BAD, /has no ohlcv node id: only standard LAST-EXTERNAL time bars map to one, was MID-EXTERNAL/, example);
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT.BINANCE-1-MINUTE-LAST-INTERNAL'), BAD, /was LAST-INTERNAL/, example);
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT.BINANCE-5-MINUTE-LAST-INTERNAL@1-MINUTE-EXTERNAL'), BAD, /was a composite bar type/, example);
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT.BINANCE-1-MONTH-LAST-EXTERNAL'), BAD, /MONTH has no fixed length/, example);
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT.BINANCE-100-TICK-LAST-EXTERNAL'), BAD, /must be one of SECOND, MINUTE, HOUR, DAY, WEEK/, example);
    throwsSeamless(() => symbology.nodeIdForBarType('BTCUSDT-1-MINUTE'), BAD, /^BarType must be .*was "BTCUSDT-1-MINUTE" \(example: /);
  });

  it('checks the exchange against the instrument venue', () => {
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'BTCUSDT.BINANCE', 'bybit'), BAD, /is on venue BINANCE, but exchange "bybit" maps to venue BYBIT, was exchange "bybit": pass an exchange whose venue is BINANCE, e\.g\. "binance"$/);
    throwsSeamless(() => new Symbology({ exchanges: { 'KRAKEN-X': 'kraken' } }).nodeIdForInstrument('tick', 'BTCUSD.KRAKEN-X'), BAD, /exchange "kraken" maps to venue KRAKEN,/, /e\.g\. new Symbology\(\{ venues: \{ myexchange: \{ venue: "KRAKEN-X" \} \} \}\)$/);
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'BTCUSDT.BINANCE_FUTURES'), BAD, /venue "BINANCE_FUTURES" has no default ccxt exchange id \("binance_futures" is not lowercase letters and digits\)/, /e\.g\. new Symbology\(\{ exchanges: \{ "BINANCE_FUTURES": "binanceusdm" \} \}\)/);
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'BTCUSDT.BINANCE', 'Binance'), BAD, /exchange must be a ccxt exchange id .*was "Binance": e\.g\. binance/);
    throwsSeamless(() => symbology.nodeIdForInstrument('tick', 'BTCUSDT'), BAD, /^InstrumentId must be .*was "BTCUSDT" \(example: "BTCUSDT\.BINANCE"\)/);
  });

  it('sends ohlcv callers of nodeIdForInstrument to nodeIdForBarType', () => {
    throwsSeamless(() => symbology.nodeIdForInstrument('ohlcv' as 'tick', 'BTCUSDT.BINANCE'), BAD, /kind must be tick or quote .*use nodeIdForBarType\), was "ohlcv"/, /e\.g\. nodeIdForInstrument\('tick'/);
  });

  it('passes node id errors through', () => {
    throwsSeamless(() => symbology.series('ohlcv:binance:BTC/USDT'), BAD, /is missing its timeframe/);
  });

  it('remembers resolved series but never an error, and forgets when full', () => {
    const fresh = new Symbology();
    const series = fresh.series('quote:binance:ETH/USDT');
    assert.equal(fresh.series('quote:binance:ETH/USDT'), series, 'the same frozen object again');
    assert.ok(Object.isFrozen(series));
    for (let round = 0; round < 2; round++) throwsSeamless(() => fresh.series('ohlcv:binance:ETH/USDT'), BAD, /is missing its timeframe/);
    // Past 4,096 ids the memo starts over; answers stay the same.
    for (let i = 0; i < 5000; i++) fresh.series(`tick:binance:C${i}/USDT`);
    assert.deepEqual(fresh.series('quote:binance:ETH/USDT'), series);
    assert.equal(fresh.series('tick:binance:C4999/USDT').instrumentId, 'C4999USDT.BINANCE');
  });
});

describe('Symbology config', () => {
  it('uses a custom venue both ways, implying the exchange for the venue', () => {
    const s = new Symbology({ venues: { kraken: { venue: 'KRAKENX' } } });
    assert.equal(s.series('tick:kraken:BTC/USD').instrumentId, 'BTCUSD.KRAKENX');
    assert.equal(s.nodeIdForInstrument('tick', 'BTCUSD.KRAKENX'), 'tick:kraken:BTC/USD');
    assert.equal(s.nodeIdForBarType('BTCUSD.KRAKENX-1-MINUTE-LAST-EXTERNAL'), 'ohlcv:kraken:BTC/USD:1m');
  });

  it('lets exchanges choose the exchange of a shared venue', () => {
    const s = new Symbology({ exchanges: { BINANCE: 'binanceusdm' } });
    assert.equal(s.nodeIdForInstrument('quote', 'BTCUSDT-PERP.BINANCE'), 'quote:binanceusdm:BTC/USDT:USDT');
    assert.equal(s.exchangeFor('BINANCE'), 'binanceusdm');
    assert.equal(new Symbology().exchangeFor('BINANCE'), 'binance');
  });

  it('an explicit symbol table wins over the rules in both directions', () => {
    const s = new Symbology({
      venues: {
        binance: { symbols: { 'BTC/USDT': 'XBTUSDT', 'ETH/BTC:BTC': 'ETHBTC-PERP' } },
        deribit: { venue: 'DERIBIT', symbols: { 'BTC/USD:BTC-250328-60000-C': 'BTC-28MAR25-60000-C' } },
      },
    });
    assert.equal(s.series('ohlcv:binance:BTC/USDT:1m').identifier, 'XBTUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(s.nodeIdForBarType('XBTUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL'), 'ohlcv:binance:BTC/USDT:1m');
    assert.equal(s.series('tick:binance:ETH/BTC:BTC').instrumentId, 'ETHBTC-PERP.BINANCE');
    assert.equal(s.nodeIdForInstrument('tick', 'ETHBTC-PERP.BINANCE'), 'tick:binance:ETH/BTC:BTC');
    assert.equal(s.series('quote:deribit:BTC/USD:BTC-250328-60000-C').instrumentId, 'BTC-28MAR25-60000-C.DERIBIT');
    assert.equal(s.nodeIdForInstrument('quote', 'BTC-28MAR25-60000-C.DERIBIT'), 'quote:deribit:BTC/USD:BTC-250328-60000-C');
    // The rule would read BTCUSDT as BTC/USDT, which the table sends to XBTUSDT.
    throwsSeamless(() => s.nodeIdForInstrument('tick', 'BTCUSDT.BINANCE'), BAD, /reads as ccxt "BTC\/USDT", but the symbol table maps that to "XBTUSDT"/, TABLE_EXAMPLE);
    // Other exchanges keep the rules.
    assert.equal(s.instrumentId('bybit', 'BTC/USDT'), 'BTCUSDT.BYBIT');
  });

  it('rejects bad config entries with SEAMLESS_BAD_CONFIG', () => {
    const example = /; e\.g\. \{ venues: \{ binanceusdm: /;
    const cases: Array<[ConstructorParameters<typeof Symbology>[0], RegExp]> = [
      [{ venues: { Binance: {} } }, /venues\.Binance: key must be a ccxt exchange id .*was "Binance"/],
      [{ venues: { binance: { venue: 'BIN.ANCE' } } }, /venues\.binance\.venue: Venue must be .*was "BIN\.ANCE"/],
      [{ venues: { binance: { symbols: { BTCUSDT: 'BTCUSDT' } } } }, /venues\.binance\.symbols\["BTCUSDT"\]: ccxt symbol needs exactly one "\/"/],
      [{ venues: { binance: { symbols: { 'BTC/USDT': ' ' } } } }, /venues\.binance\.symbols\["BTC\/USDT"\]: InstrumentId symbol/],
      [{ venues: { binance: { symbols: { 'BTC/USDT': 'X', 'BTC/USDC': 'X' } } } }, /symbols\["BTC\/USDC"\]: Nautilus symbol is already mapped from "BTC\/USDT", was "X"/],
      [{ exchanges: { BINANCE: 'Binance' } }, /exchanges\.BINANCE: must be a ccxt exchange id .*was "Binance"/],
      [{ exchanges: { 'BIN.ANCE': 'binance' } }, /exchanges\.BIN\.ANCE: Venue must be/],
    ];
    for (const [config, pattern] of cases) {
      throwsSeamless(() => new Symbology(config), 'SEAMLESS_BAD_CONFIG', /^symbology config /, pattern, example);
    }
  });
});

// Bases whose letters would not join the quote into a longer known quote (ETHB + USD reads
// as ETH + BUSD by design), so the longest-suffix split gives back this base and quote.
function splitsBack(base: string, quote: string): boolean {
  return KNOWN_QUOTES.every((other) => other.length <= quote.length || !`${base}${quote}`.endsWith(other));
}

const baseArb = fc.stringMatching(/^[A-Z0-9]{1,10}$/);
const expiryArb = fc
  .tuple(fc.integer({ min: 20, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(''));
const symbolArb = fc.oneof(
  fc.tuple(baseArb, fc.constantFrom(...KNOWN_QUOTES)).filter(([b, q]) => splitsBack(b, q)).map(([b, q]) => `${b}/${q}`),
  fc.tuple(baseArb, fc.constantFrom(...LINEAR_QUOTES), fc.option(expiryArb, { nil: undefined }))
    .filter(([b, q]) => splitsBack(b, q))
    .map(([b, q, e]) => `${b}/${q}:${q}${e ? `-${e}` : ''}`),
  fc.tuple(baseArb, fc.constantFrom(...INVERSE_QUOTES), fc.option(expiryArb, { nil: undefined }))
    .filter(([b, q]) => splitsBack(b, q))
    .map(([b, q, e]) => `${b}/${q}:${b}${e ? `-${e}` : ''}`),
);
const exchangeArb = fc.constantFrom('binance', 'binanceusdm', 'binancecoinm', 'bybit', 'okx', 'kraken', 'coinbase');
const timeframeArb = fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom('s', 'm', 'h', 'd', 'w')).map(([n, u]) => `${n}${u}`);

describe('symbology properties', () => {
  it('series → nodeIdForBarType gives back the ohlcv node id', () => {
    fc.assert(
      fc.property(exchangeArb, symbolArb, timeframeArb, (exchange, symbol, timeframe) => {
        const nodeId = `ohlcv:${exchange}:${symbol}:${timeframe}`;
        const series = symbology.series(nodeId);
        assert.equal(series.nodeId, nodeId);
        assert.equal(symbology.nodeIdForBarType(series.identifier, exchange), nodeId);
        // Without an exchange, the venue's default exchange keeps the symbol and timeframe.
        assert.equal(symbology.nodeIdForBarType(series.identifier), `ohlcv:${symbology.exchangeFor(symbology.venueFor(exchange))}:${symbol}:${timeframe}`);
      }),
    );
  });

  it('series → nodeIdForInstrument gives back the tick and quote node ids', () => {
    fc.assert(
      fc.property(fc.constantFrom('tick' as const, 'quote' as const), exchangeArb, symbolArb, (kind, exchange, symbol) => {
        const nodeId = `${kind}:${exchange}:${symbol}`;
        const series = symbology.series(nodeId);
        assert.equal(series.identifier, series.instrumentId);
        assert.equal(symbology.nodeIdForInstrument(kind, series.instrumentId, exchange), nodeId);
      }),
    );
  });
});
