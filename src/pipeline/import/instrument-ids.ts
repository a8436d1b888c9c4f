/**
 * How NautilusTrader names the instruments of the archives we import, so imported data meets
 * the adapters' live data under one id (checked against nautilus_trader 1.221.0's
 * `BinanceSymbol.parse_as_nautilus` and Bybit's `-SPOT/-LINEAR/-INVERSE` suffixes):
 *
 * | exchange, market | archive symbol | instrument id            | class           |
 * |------------------|----------------|--------------------------|-----------------|
 * | Binance spot     | `BTCUSDT`      | `BTCUSDT.BINANCE`        | CurrencyPair    |
 * | Binance um       | `BTCUSDT`      | `BTCUSDT-PERP.BINANCE`   | CryptoPerpetual |
 * | Binance cm       | `BTCUSD_PERP`  | `BTCUSD-PERP.BINANCE`    | CryptoPerpetual (inverse) |
 * | Bybit spot       | `BTCUSDT`      | `BTCUSDT-SPOT.BYBIT`     | CurrencyPair    |
 * | Bybit linear     | `BTCUSDT`      | `BTCUSDT-LINEAR.BYBIT`   | CryptoPerpetual |
 * | Bybit inverse    | `BTCUSD`       | `BTCUSD-INVERSE.BYBIT`   | CryptoPerpetual (inverse) |
 */
import { formatInstrumentId } from '../../model/identifiers.js';
import { ImportError } from './errors.js';

export type InstrumentClass = 'CurrencyPair' | 'CryptoPerpetual';

export interface InstrumentNaming {
  readonly id: string;
  readonly rawSymbol: string;
  readonly className: InstrumentClass;
  readonly base: string;
  readonly quote: string;
  readonly settlement: string;
  readonly inverse: boolean;
}

/** Quote assets, longest first so `FDUSD` wins over `USD`; used when no exchange info is given. */
const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'DAI', 'USD', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'BRL', 'JPY', 'GBP', 'AUD'];

/** Splits `BTCUSDT` into `BTC` and `USDT` by the known quote assets. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  for (const quote of QUOTES) {
    if (symbol.length > quote.length && symbol.endsWith(quote)) return { base: symbol.slice(0, -quote.length), quote };
  }
  throw new ImportError('IMPORT_USAGE', `cannot tell the base and quote assets of ${JSON.stringify(symbol)} (known quotes: ${QUOTES.join(', ')}); pass --exchange-info with the exchange's exchangeInfo JSON`);
}

/** Returns the Nautilus naming of a Binance archive symbol; `assets` (from exchange info) overrides the split. */
export function binanceInstrument(market: 'spot' | 'um' | 'cm', symbol: string, assets?: { base: string; quote: string; margin?: string }): InstrumentNaming {
  if (market === 'spot') {
    const { base, quote } = assets ?? splitSymbol(symbol);
    return { id: formatInstrumentId(symbol, 'BINANCE'), rawSymbol: symbol, className: 'CurrencyPair', base, quote, settlement: quote, inverse: false };
  }
  if (/\d$/.test(symbol)) {
    throw new ImportError('IMPORT_USAGE', `--symbol ${symbol} is a delivery future; only perpetuals are imported (USD-M like BTCUSDT, COIN-M like BTCUSD_PERP)`);
  }
  if (market === 'um') {
    const { base, quote } = assets ?? splitSymbol(symbol);
    return { id: formatInstrumentId(`${symbol}-PERP`, 'BINANCE'), rawSymbol: symbol, className: 'CryptoPerpetual', base, quote, settlement: assets?.margin ?? quote, inverse: false };
  }
  if (!symbol.endsWith('_PERP')) {
    throw new ImportError('IMPORT_USAGE', `--market cm takes COIN-M perpetual symbols ending in _PERP (e.g. BTCUSD_PERP), was ${JSON.stringify(symbol)}`);
  }
  const pair = symbol.slice(0, -'_PERP'.length);
  const { base, quote } = assets ?? splitSymbol(pair);
  // Nautilus' Binance adapter replaces `_` by `-`: BTCUSD_PERP → BTCUSD-PERP.
  return { id: formatInstrumentId(`${pair}-PERP`, 'BINANCE'), rawSymbol: symbol, className: 'CryptoPerpetual', base, quote, settlement: assets?.margin ?? base, inverse: true };
}

/** Returns the Nautilus naming of a Bybit symbol in a market. */
export function bybitInstrument(market: 'spot' | 'linear' | 'inverse', symbol: string): InstrumentNaming {
  const { base, quote } = splitSymbol(symbol);
  const suffix = market.toUpperCase();
  const id = formatInstrumentId(`${symbol}-${suffix}`, 'BYBIT');
  if (market === 'spot') return { id, rawSymbol: symbol, className: 'CurrencyPair', base, quote, settlement: quote, inverse: false };
  if (market === 'linear') return { id, rawSymbol: symbol, className: 'CryptoPerpetual', base, quote, settlement: quote, inverse: false };
  return { id, rawSymbol: symbol, className: 'CryptoPerpetual', base, quote, settlement: base, inverse: true };
}
