import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ModelError } from '../../src/model/errors.js';
import { AggregationSource, BarAggregation, PriceType } from '../../src/model/enums.js';
import {
  type AggregationSourceName,
  type BarAggregationName,
  type PriceTypeName,
  formatBarSpecification,
  formatBarType,
  formatInstrumentId,
  parseBarSpecification,
  parseBarType,
  parseInstrumentId,
  parseVenue,
  tryParseBarSpecification,
  tryParseBarType,
  tryParseInstrumentId,
  tryParseVenue,
} from '../../src/model/identifiers.js';
import { rejects } from '../helpers/assertions.js';


describe('Venue', () => {
  it('accepts non-empty ASCII without "."', () => {
    assert.equal(parseVenue('BINANCE'), 'BINANCE');
    assert.equal(parseVenue('Arbitrum:UniswapV3'), 'Arbitrum:UniswapV3');
  });

  it('rejects empty, blank, non-ASCII, "." and control characters', () => {
    for (const text of ['', '   ', 'BINANCÉ', 'A.B', 'SIM\t', 'S\u0000IM']) {
      rejects(() => parseVenue(text), 'venue', /^Venue must .*, was .* \(example: "BINANCE"\)$/);
    }
    const result = tryParseVenue('A.B');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error instanceof ModelError);
    assert.deepEqual(tryParseVenue('SIM'), { ok: true, value: 'SIM' });
  });
});

describe('InstrumentId', () => {
  it('splits the spec examples at the last "."', () => {
    const cases: Array<[string, string, string]> = [
      ['1.166564490-60424-0.0.BETFAIR', '1.166564490-60424-0.0', 'BETFAIR'],
      ['EUR/USD.SIM', 'EUR/USD', 'SIM'],
      ['BTCUSDT-PERP.BINANCE', 'BTCUSDT-PERP', 'BINANCE'],
      ['^SPX.CBOE', '^SPX', 'CBOE'],
      ['ES.FUT.XCME', 'ES.FUT', 'XCME'],
      ['TËST-PÉRP.BINANCE', 'TËST-PÉRP', 'BINANCE'],
    ];
    for (const [text, symbol, venue] of cases) {
      assert.deepEqual(parseInstrumentId(text), { symbol, venue, value: text });
    }
  });

  it('explains a missing separator with an example', () => {
    assert.throws(
      () => parseInstrumentId('EURUSD'),
      (error: unknown) =>
        error instanceof ModelError &&
        error.kind === 'instrument_id' &&
        error.value === 'EURUSD' &&
        error.message === 'InstrumentId must be "{symbol}.{venue}", was "EURUSD" (example: "BTCUSDT.BINANCE")',
    );
  });

  it('names the wrong part', () => {
    rejects(() => parseInstrumentId('.BINANCE'), 'instrument_id', /symbol \(before the last '\.'\) must be non-empty, was "\.BINANCE"/);
    rejects(() => parseInstrumentId('  .BINANCE'), 'instrument_id', /symbol/);
    rejects(() => parseInstrumentId('ETHUSDT.'), 'instrument_id', /venue \(after the last '\.'\) must be non-empty printable ASCII, was ""/);
    rejects(() => parseInstrumentId('ETHUSDT.BINANCÉ'), 'instrument_id', /venue .* was "BINANCÉ" in "ETHUSDT\.BINANCÉ"/);
    rejects(() => parseInstrumentId('EUR\nUSD.SIM'), 'instrument_id', /control characters/);
    rejects(() => parseInstrumentId('EUR\u0085USD.SIM'), 'instrument_id', /control characters/);
    rejects(() => parseInstrumentId('EUR\ud800.SIM'), 'instrument_id', /invalid UTF-16/);
  });

  it('tryParse returns a result instead of throwing', () => {
    const ok = tryParseInstrumentId('EUR/USD.SIM');
    assert.ok(ok.ok);
    assert.equal(ok.value.symbol, 'EUR/USD');
    const bad = tryParseInstrumentId('EURUSD');
    assert.ok(!bad.ok);
    assert.equal(bad.error.kind, 'instrument_id');
  });

  it('formats symbol and venue', () => {
    assert.equal(formatInstrumentId('1.166564490-60424-0.0', 'BETFAIR'), '1.166564490-60424-0.0.BETFAIR');
    rejects(() => formatInstrumentId('', 'SIM'), 'instrument_id', /symbol/);
    rejects(() => formatInstrumentId('X', 'A.B'), 'venue', /Venue/);
  });
});

describe('BarSpecification', () => {
  it('parses and canonicalises', () => {
    assert.deepEqual(parseBarSpecification('1-MINUTE-LAST'), { step: 1, aggregation: 'MINUTE', priceType: 'LAST', value: '1-MINUTE-LAST' });
    assert.deepEqual(parseBarSpecification('0100-tick-mid'), { step: 100, aggregation: 'TICK', priceType: 'MID', value: '100-TICK-MID' });
    assert.equal(formatBarSpecification({ step: 5, aggregation: 'second', priceType: 'Bid' }), '5-SECOND-BID');
  });

  it('rejects a zero, negative or fractional step, unknown names and numbers for names', () => {
    rejects(() => parseBarSpecification('0-MINUTE-LAST'), 'bar_specification', /step must be an integer > 0, was "0"/);
    rejects(() => parseBarSpecification('1.5-MINUTE-LAST'), 'bar_specification', /step .* was "1\.5"/);
    rejects(() => parseBarSpecification('-1-MINUTE-LAST'), 'bar_specification', /must be "\{step\}-\{AGGREGATION\}-\{PRICE_TYPE\}"/);
    rejects(() => parseBarSpecification('1-MINUTES-LAST'), 'bar_specification', /aggregation must be one of TICK, .*RENKO, was "MINUTES"/);
    rejects(() => parseBarSpecification('1-MINUTE-CLOSE'), 'bar_specification', /price type must be one of BID, ASK, MID, LAST, MARK, was "CLOSE"/);
    rejects(() => parseBarSpecification('1-12-4'), 'bar_specification', /aggregation .* was "12"/);
    assert.equal(tryParseBarSpecification('1-MINUTE').ok, false);
  });
});

describe('BarType', () => {
  it('parses standard bar types from the last four "-"', () => {
    const parts = parseBarType('BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(parts.instrumentId.symbol, 'BTCUSDT-PERP');
    assert.equal(parts.instrumentId.venue, 'BINANCE');
    assert.deepEqual(parts.spec, { step: 1, aggregation: 'MINUTE', priceType: 'LAST', value: '1-MINUTE-LAST' });
    assert.equal(parts.aggregationSource, 'EXTERNAL');
    assert.equal(parts.composite, undefined);
    assert.equal(parts.value, 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(parseBarType('1.166564490-60424-0.0.BETFAIR-100-TICK-MID-INTERNAL').instrumentId.symbol, '1.166564490-60424-0.0');
  });

  it('parses composite bar types', () => {
    const parts = parseBarType('AUD/USD.SIM-5-MINUTE-LAST-INTERNAL@1-MINUTE-EXTERNAL');
    assert.equal(parts.instrumentId.value, 'AUD/USD.SIM');
    assert.equal(parts.spec.step, 5);
    assert.equal(parts.aggregationSource, 'INTERNAL');
    assert.deepEqual(parts.composite, { step: 1, aggregation: 'MINUTE', aggregationSource: 'EXTERNAL' });
    assert.equal(parts.value, 'AUD/USD.SIM-5-MINUTE-LAST-INTERNAL@1-MINUTE-EXTERNAL');
  });

  it('canonicalises case and leading zeros like Nautilus Display', () => {
    assert.equal(parseBarType('EUR/USD.SIM-01-minute-bid-external').value, 'EUR/USD.SIM-1-MINUTE-BID-EXTERNAL');
  });

  it('names the wrong part', () => {
    rejects(() => parseBarType('EURUSD-1-MINUTE-LAST-EXTERNAL'), 'bar_type', /instrument id is invalid: InstrumentId must be "\{symbol\}\.\{venue\}", was "EURUSD"/);
    rejects(() => parseBarType('EURUSD.SIM-1-MINUTE-LAST'), 'bar_type', /^BarType must be "\{instrument_id\}-/);
    rejects(() => parseBarType('1-MINUTE-LAST-EXTERNAL'), 'bar_type', /BarType must be "\{instrument_id\}-\{step\}-\{AGGREGATION\}-\{PRICE_TYPE\}-\{SOURCE\}", was/);
    rejects(() => parseBarType('X.SIM-0-MINUTE-LAST-EXTERNAL'), 'bar_type', /step must be an integer > 0, was "0"/);
    rejects(() => parseBarType('X.SIM-1-MINUTE-LAST-VENUE'), 'bar_type', /aggregation source must be one of EXTERNAL, INTERNAL, was "VENUE"/);
    rejects(() => parseBarType('X.SIM-1-MINUTE-LAST-EXTERNAL@1-MINUTE'), 'bar_type', /composite part must be "@\{step\}-\{AGGREGATION\}-\{SOURCE\}", was "1-MINUTE"/);
    rejects(() => parseBarType('X.SIM-1-MINUTE-LAST-EXTERNAL@0-MINUTE-EXTERNAL'), 'bar_type', /composite step must be an integer > 0/);
    rejects(() => parseBarType('X.SIM-1-MINUTE-LAST-EXTERNAL\r'), 'bar_type', /control characters/);
    assert.equal(tryParseBarType('').ok, false);
  });

  it('formats parts, including parsed parts, back to the same text', () => {
    const text = 'AUD/USD.SIM-5-MINUTE-LAST-INTERNAL@1-MINUTE-EXTERNAL';
    assert.equal(formatBarType(parseBarType(text)), text);
    assert.equal(
      formatBarType({ instrumentId: 'ADABTC.BINANCE', spec: { step: 1, aggregation: 'MINUTE', priceType: 'LAST' }, aggregationSource: 'EXTERNAL' }),
      'ADABTC.BINANCE-1-MINUTE-LAST-EXTERNAL',
    );
    rejects(
      () => formatBarType({ instrumentId: 'ADABTC.BINANCE', spec: { step: 0, aggregation: 'MINUTE', priceType: 'LAST' }, aggregationSource: 'EXTERNAL' }),
      'bar_type',
      /step/,
    );
  });
});

// Symbols mix the characters that make splitting hard: '.', '/', '-', non-ASCII, spaces.
const symbolChar = fc.constantFrom('A', 'z', '0', '9', '.', '/', '-', '_', '^', ' ', 'é', '€', '😀');
const symbolArb = fc.array(symbolChar, { minLength: 1, maxLength: 16 }).map((cs) => cs.join('')).filter((s) => s.trim() !== '');
const venueArb = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x2e && c !== 0x40), { minLength: 1, maxLength: 10 })
  .map((cs) => String.fromCharCode(...cs))
  .filter((s) => s.trim() !== '');
const aggregationArb = fc.constantFrom(...(Object.keys(BarAggregation) as BarAggregationName[]));
const priceTypeArb = fc.constantFrom(...(Object.keys(PriceType) as PriceTypeName[]));
const sourceArb = fc.constantFrom(...(Object.keys(AggregationSource) as AggregationSourceName[]));
const stepArb = fc.integer({ min: 1, max: 1_000_000 });

describe('identifier properties', () => {
  it('parseInstrumentId(formatInstrumentId(symbol, venue)) gives back symbol and venue', () => {
    fc.assert(
      fc.property(symbolArb, venueArb, (symbol, venue) => {
        const id = formatInstrumentId(symbol, venue);
        assert.equal(id, `${symbol}.${venue}`);
        const parts = parseInstrumentId(id);
        assert.equal(parts.symbol, symbol);
        assert.equal(parts.venue, venue);
      }),
    );
  });

  it('parseBarType(formatBarType(parts)) gives back the parts', () => {
    const composite = fc.option(fc.record({ step: stepArb, aggregation: aggregationArb, aggregationSource: sourceArb }), { nil: undefined });
    fc.assert(
      fc.property(symbolArb, venueArb, stepArb, aggregationArb, priceTypeArb, sourceArb, composite, (symbol, venue, step, aggregation, priceType, source, comp) => {
        const text = formatBarType({ instrumentId: `${symbol}.${venue}`, spec: { step, aggregation, priceType }, aggregationSource: source, composite: comp });
        const parts = parseBarType(text);
        assert.equal(parts.value, text);
        assert.equal(parts.instrumentId.symbol, symbol);
        assert.equal(parts.instrumentId.venue, venue);
        assert.deepEqual([parts.spec.step, parts.spec.aggregation, parts.spec.priceType], [step, aggregation, priceType]);
        assert.equal(parts.aggregationSource, source);
        assert.deepEqual(parts.composite, comp && { ...comp });
        assert.equal(formatBarType(parts), text);
      }),
    );
  });
});
