/**
 * The NautilusTrader instrument a captured series belongs to, built from the exchange's ccxt
 * market, so a backtest can load the catalog without any other source: spot markets become
 * `CurrencyPair`, perpetual swaps `CryptoPerpetual`. Other market kinds get no definition
 * (the data is still written; the caller logs that the instrument is missing).
 *
 * Limits and fees are copied only when they are exact decimals at the instrument's
 * precision; otherwise they are left out (they are optional in Nautilus), never rounded.
 */
import type { Market } from 'ccxt';
import type { InstrumentRecord } from '../../catalog/instruments.js';
import type { MarketInfo } from '../../exchanges/ccxt-market.js';
import { unitText } from '../../model/fixed-point.js';
import type { Series } from '../../seamless/series.js';

/** The instrument record for a series, or undefined for a market kind we do not define. */
export function instrumentFromMarket(series: Series, info: MarketInfo, tsInit: bigint): InstrumentRecord | undefined {
  const { market, pricePrecision, sizePrecision } = info;
  if (!hasMarketBasics(market)) return undefined;
  const common = {
    id: series.instrumentId,
    raw_symbol: market.id,
    base_currency: market.base,
    quote_currency: market.quote,
    price_precision: pricePrecision,
    price_increment: unitText(pricePrecision),
    size_precision: sizePrecision,
    size_increment: unitText(sizePrecision),
    multiplier: exact(market.contractSize, 16) ?? '1',
    max_quantity: exact(market.limits?.amount?.max, sizePrecision) ?? null,
    min_quantity: exact(market.limits?.amount?.min, sizePrecision) ?? null,
    max_price: exact(market.limits?.price?.max, pricePrecision) ?? null,
    min_price: exact(market.limits?.price?.min, pricePrecision) ?? null,
    max_notional: null,
    min_notional: null,
    margin_init: '0',
    margin_maint: '0',
    maker_fee: exact(market.maker, 16) ?? '0',
    taker_fee: exact(market.taker, 16) ?? '0',
    ts_event: tsInit,
    ts_init: tsInit,
    info: null,
  };
  if (market.spot) return { type: 'CurrencyPair', ...common, lot_size: null, tick_scheme_name: null };
  if (market.swap) {
    return { type: 'CryptoPerpetual', ...common, settlement_currency: market.settle ?? market.quote, is_inverse: market.inverse === true, tick_scheme_name: null };
  }
  return undefined;
}

/**
 * The value as decimal text with at most `decimals` places (trailing zeros trimmed to that
 * precision, as Nautilus prints a Quantity or Price), or undefined when it is missing, not
 * a plain decimal, or would need rounding.
 */
export function exact(value: unknown, decimals: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return undefined;
  if (decimals === 16) return fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`;
}

/** Whether ccxt describes the market with the fields the definitions need. */
export function hasMarketBasics(market: Market | undefined): market is NonNullable<Market> {
  return market !== undefined && typeof market.base === 'string' && typeof market.quote === 'string' && typeof market.id === 'string';
}
