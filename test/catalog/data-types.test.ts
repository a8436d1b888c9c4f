import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseWriteFolder, DATA_TYPES, folderCandidates, resolveDataType, tryResolveDataType } from '../../src/catalog/data-types.js';
import { CatalogError } from '../../src/catalog/errors.js';

describe('resolveDataType', () => {
  it('resolves the market data class names to their frame keys and folders', () => {
    assert.deepEqual(resolveDataType('QuoteTick'), {
      kind: 'market', key: 'quote_tick', className: 'QuoteTick', aliases: [],
      folders: { py1221: 'quote_tick', py1222: 'quote_tick', rust: 'quotes' },
    });
    assert.deepEqual(resolveDataType('TradeTick').folders, { py1221: 'trade_tick', py1222: 'trade_tick', rust: 'trades' });
    assert.deepEqual(resolveDataType('Bar').folders, { py1221: 'bar', py1222: 'bar', rust: 'bars' });
    assert.deepEqual(resolveDataType('OrderBookDelta').folders, { py1221: 'order_book_delta', py1222: 'order_book_deltas', rust: 'order_book_deltas' });
  });

  it('resolves every folder name of every scheme to the same descriptor', () => {
    for (const [text, key] of [
      ['quote_tick', 'quote_tick'], ['quotes', 'quote_tick'], ['trade_tick', 'trade_tick'], ['trades', 'trade_tick'],
      ['bar', 'bar'], ['bars', 'bar'], ['order_book_delta', 'order_book_delta'], ['order_book_deltas', 'order_book_delta'],
      ['OrderBookDeltas', 'order_book_delta'],
    ] as const) {
      const descriptor = resolveDataType(text);
      assert.equal(descriptor.kind, 'market', text);
      assert.equal(descriptor.key, key, text);
    }
    assert.equal(resolveDataType('order_book_deltas').className, 'OrderBookDelta');
  });

  it('knows the other spec §1.2 folders as non-decoded types', () => {
    for (const [text, className] of [
      ['order_book_depth10', 'OrderBookDepth10'], ['order_book_depths', 'OrderBookDepth10'],
      ['mark_price_update', 'MarkPriceUpdate'], ['mark_prices', 'MarkPriceUpdate'],
      ['index_price_update', 'IndexPriceUpdate'], ['index_prices', 'IndexPriceUpdate'],
      ['instrument_close', 'InstrumentClose'], ['instrument_closes', 'InstrumentClose'],
      ['instrument_status', 'InstrumentStatus'],
    ] as const) {
      const descriptor = resolveDataType(text);
      assert.equal(descriptor.kind, 'other', text);
      assert.equal(descriptor.className, className, text);
    }
  });

  it('maps instrument classes to the folders NautilusTrader 1.221.0 class_to_filename gives', () => {
    // Output of nautilus_trader.persistence.funcs.class_to_filename in the project's .venv (1.221.0).
    const expected: Record<string, string> = {
      BettingInstrument: 'betting_instrument', BinaryOption: 'binary_option', Cfd: 'cfd', Commodity: 'commodity',
      CryptoFuture: 'crypto_future', CryptoOption: 'crypto_option', CryptoPerpetual: 'crypto_perpetual',
      CurrencyPair: 'currency_pair', Equity: 'equity', FuturesContract: 'futures_contract', FuturesSpread: 'futures_spread',
      IndexInstrument: 'index_instrument', OptionContract: 'option_contract', OptionSpread: 'option_spread',
      SyntheticInstrument: 'synthetic_instrument',
    };
    for (const [className, folder] of Object.entries(expected)) {
      const descriptor = resolveDataType(className);
      assert.equal(descriptor.kind, 'instrument');
      assert.deepEqual(descriptor.folders, { py1221: folder, py1222: folder, rust: 'instruments' });
      assert.equal(resolveDataType(folder).className, className);
    }
    assert.equal(resolveDataType('instruments').className, 'Instrument');
  });

  it('is case-sensitive and throws CATALOG_UNKNOWN_TYPE listing valid names', () => {
    assert.equal(tryResolveDataType('quoteTick'), null);
    assert.equal(tryResolveDataType('QUOTE_TICK'), null);
    assert.equal(tryResolveDataType('custom_foo'), null);
    assert.throws(() => resolveDataType('quote_ticks'), (error: unknown) => {
      assert.ok(error instanceof CatalogError);
      assert.equal(error.code, 'CATALOG_UNKNOWN_TYPE');
      assert.match(error.message, /was "quote_ticks"/);
      assert.match(error.message, /QuoteTick/);
      assert.match(error.message, /order_book_deltas/);
      return true;
    });
  });

  it('has unique class names across the registry', () => {
    const names = DATA_TYPES.flatMap((d) => [d.className, ...d.aliases]);
    assert.equal(new Set(names).size, names.length);
  });
});

describe('folderCandidates', () => {
  it('lists each distinct folder name once', () => {
    assert.deepEqual(folderCandidates(resolveDataType('QuoteTick')), ['quote_tick', 'quotes']);
    assert.deepEqual(folderCandidates(resolveDataType('OrderBookDelta')), ['order_book_deltas', 'order_book_delta']);
    assert.deepEqual(folderCandidates(resolveDataType('CurrencyPair')), ['currency_pair', 'instruments']);
  });
});

describe('chooseWriteFolder', () => {
  const deltas = resolveDataType('OrderBookDelta');
  it('defaults to the Python >= 1.222 name, or the explicit scheme', () => {
    assert.equal(chooseWriteFolder(deltas, []), 'order_book_deltas');
    assert.equal(chooseWriteFolder(deltas, [], 'py1221'), 'order_book_delta');
    assert.equal(chooseWriteFolder(resolveDataType('QuoteTick'), ['bar'], 'rust'), 'quotes');
    assert.equal(chooseWriteFolder(resolveDataType('QuoteTick'), ['bar']), 'quote_tick');
  });
  it('reuses a candidate folder the catalog already has, over the scheme', () => {
    assert.equal(chooseWriteFolder(deltas, ['order_book_delta', 'bar']), 'order_book_delta');
    assert.equal(chooseWriteFolder(resolveDataType('QuoteTick'), ['quotes'], 'py1221'), 'quotes');
  });
  it('prefers the scheme folder, then py1222, when several candidates exist', () => {
    assert.equal(chooseWriteFolder(deltas, ['order_book_delta', 'order_book_deltas']), 'order_book_deltas');
    assert.equal(chooseWriteFolder(deltas, ['order_book_delta', 'order_book_deltas'], 'py1221'), 'order_book_delta');
  });
});
