/**
 * The instrument definition an import writes beside its data, in NautilusTrader's `to_dict()`
 * shape (see demoInstruments() in src/catalog/instruments.ts), so a catalog of imported data
 * drives a backtest as it is. Limits come from exchange info when given; fees and margins are
 * zero (archives carry neither — set them in the venue config of the backtest).
 */
import { type InstrumentRecord, readInstruments, writeInstrument } from '../../catalog/instruments.js';
import { unitText } from '../../model/fixed-point.js';
import type { InstrumentNaming } from './instrument-ids.js';
import type { SymbolRules } from './exchange-info.js';

export interface Precisions {
  readonly price: number;
  readonly size: number;
}

/** Returns decimal `text` with exactly `precision` decimals (truncating extra digits). */
export function atPrecision(text: string, precision: number): string {
  const [whole = '0', fraction = ''] = text.split('.');
  return precision === 0 ? whole : `${whole}.${fraction.padEnd(precision, '0').slice(0, precision)}`;
}

/** COIN-M contract sizes when no exchange info says otherwise: 100 USD for BTC, 10 USD for the rest. */
function defaultContractSize(base: string): number {
  return base === 'BTC' ? 100 : 10;
}

/** Builds the CurrencyPair or CryptoPerpetual record of an imported instrument. */
export function instrumentRecord(naming: InstrumentNaming, precisions: Precisions, tsNs: bigint, rules?: SymbolRules): InstrumentRecord {
  const p = precisions.price;
  const s = precisions.size;
  const priceIncrement = rules ? atPrecision(rules.tickSize, p) : unitText(p);
  const sizeIncrement = rules ? atPrecision(rules.stepSize, s) : unitText(s);
  const limit = (value: string | undefined, precision: number) => (value === undefined ? null : atPrecision(value, precision));
  const common = {
    id: naming.id,
    raw_symbol: naming.rawSymbol,
    base_currency: naming.base,
    quote_currency: naming.quote,
    price_precision: p,
    price_increment: priceIncrement,
    size_precision: s,
    size_increment: sizeIncrement,
    max_quantity: limit(rules?.maxQty, s),
    min_quantity: limit(rules?.minQty, s),
    max_notional: null,
    min_notional: null,
    max_price: limit(rules?.maxPrice, p),
    min_price: limit(rules?.minPrice, p),
    margin_init: '0',
    margin_maint: '0',
    maker_fee: '0',
    taker_fee: '0',
    ts_event: tsNs,
    ts_init: tsNs,
    tick_scheme_name: null,
    info: null,
  };
  if (naming.className === 'CurrencyPair') {
    return { type: 'CurrencyPair', ...common, multiplier: '1', lot_size: sizeIncrement };
  }
  const multiplier = naming.inverse && naming.id.endsWith('.BINANCE') ? String(rules?.contractSize ?? defaultContractSize(naming.base)) : '1';
  return {
    type: 'CryptoPerpetual',
    ...common,
    settlement_currency: naming.settlement,
    is_inverse: naming.inverse,
    multiplier,
    lot_size: '1',
  };
}

/** Returns the catalog's definition of `id` (the latest by ts_init), if it has one. */
export async function existingInstrument(root: string, id: string): Promise<InstrumentRecord | undefined> {
  const found = await readInstruments(root, { ids: [id] });
  const mine = found.filter((r) => r['id'] === id);
  mine.sort((a, b) => (BigInt(a['ts_init'] as bigint) < BigInt(b['ts_init'] as bigint) ? -1 : 1));
  return mine[mine.length - 1];
}

/** Writes the instrument unless the catalog already defines it; returns whether it wrote. */
export async function ensureInstrument(root: string, record: InstrumentRecord): Promise<boolean> {
  if (await existingInstrument(root, record['id'] as string)) return false;
  await writeInstrument(root, record);
  return true;
}
