/**
 * Realized PnL per instrument from fills, matching lots first-in first-out, in exact decimal
 * math (decimal.ts: scaled bigints, never floats).
 *
 * A BUY first closes open short lots (oldest first), a SELL open long lots; what remains
 * opens a new lot at the fill price. Closing `q` of a lot opened at `entry` by a fill at `px`
 * realizes (px − entry) × q for a long lot and (entry − px) × q for a short one. The result is
 * in the instrument's quote currency per unit of quantity (no contract multiplier) and gross
 * of fees; fees are summed separately per fee currency.
 */
import { type Decimal, ZERO, addDecimal, compareDecimal, formatDecimal, mulDecimal, negateDecimal, normalizeDecimal, parseDecimal, subDecimal } from './decimal.js';

export interface LedgerFill {
  readonly instrumentId: string;
  readonly side: 'BUY' | 'SELL';
  readonly qty: string;
  readonly price: string;
  readonly fee?: string;
  readonly feeCurrency?: string;
  /** Quote currency of the price (exec:fills `currency`). */
  readonly currency?: string;
}

interface Lot {
  qty: Decimal;
  readonly price: Decimal;
  /** +1 long, -1 short. */
  readonly sign: 1 | -1;
}

interface Book {
  readonly lots: Lot[];
  realized: Decimal;
  readonly fees: Map<string, Decimal>;
  fills: number;
  currency: string;
}

export interface InstrumentPnl {
  readonly instrumentId: string;
  readonly realizedPnl: string;
  readonly currency: string;
  /** Signed open quantity (negative: short). */
  readonly position: string;
  readonly openLots: number;
  readonly fees: Readonly<Record<string, string>>;
  readonly fills: number;
}

export class FifoLedger {
  private readonly books = new Map<string, Book>();

  /** Applies one fill. Throws DecimalError on a non-decimal qty/price/fee, RangeError on qty <= 0. */
  apply(fill: LedgerFill): void {
    const qty = parseDecimal(fill.qty, `qty of ${fill.instrumentId}`);
    const price = parseDecimal(fill.price, `price of ${fill.instrumentId}`);
    if (qty.units <= 0n) throw new RangeError(`fill qty must be > 0, was ${fill.qty} (${fill.instrumentId})`);
    const book = this.book(fill.instrumentId);
    if (fill.currency) book.currency = fill.currency;
    book.fills++;
    if (fill.fee !== undefined && fill.fee !== '') {
      const currency = fill.feeCurrency ?? '';
      book.fees.set(currency, addDecimal(book.fees.get(currency) ?? ZERO, parseDecimal(fill.fee, `fee of ${fill.instrumentId}`)));
    }
    const sign: 1 | -1 = fill.side === 'BUY' ? 1 : -1;
    let remaining = qty;
    while (remaining.units > 0n && book.lots.length > 0 && book.lots[0]!.sign !== sign) {
      const lot = book.lots[0]!;
      const closed = compareDecimal(remaining, lot.qty) < 0 ? remaining : lot.qty;
      const perUnit = lot.sign === 1 ? subDecimal(price, lot.price) : subDecimal(lot.price, price);
      book.realized = addDecimal(book.realized, mulDecimal(perUnit, closed));
      lot.qty = subDecimal(lot.qty, closed);
      remaining = subDecimal(remaining, closed);
      if (lot.qty.units === 0n) book.lots.shift();
    }
    if (remaining.units > 0n) book.lots.push({ qty: remaining, price, sign });
  }

  results(): InstrumentPnl[] {
    return [...this.books.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([instrumentId, book]) => {
        let position = ZERO;
        for (const lot of book.lots) position = addDecimal(position, lot.sign === 1 ? lot.qty : negateDecimal(lot.qty));
        return {
          instrumentId,
          realizedPnl: formatDecimal(normalizeDecimal(book.realized)),
          currency: book.currency,
          position: formatDecimal(normalizeDecimal(position)),
          openLots: book.lots.length,
          fees: Object.fromEntries([...book.fees].map(([currency, amount]) => [currency, formatDecimal(normalizeDecimal(amount))])),
          fills: book.fills,
        };
      });
  }

  private book(instrumentId: string): Book {
    let book = this.books.get(instrumentId);
    if (book === undefined) {
      book = { lots: [], realized: ZERO, fees: new Map(), fills: 0, currency: '' };
      this.books.set(instrumentId, book);
    }
    return book;
  }
}

/** Reads exec:fills fields into a LedgerFill; throws naming the stream and entry when side is not BUY/SELL. */
export function ledgerFillFromFields(id: string, fields: Readonly<Record<string, string>>, stream = 'exec:fills'): LedgerFill {
  const side = fields['side'];
  if (side !== 'BUY' && side !== 'SELL') throw new RangeError(`${stream} entry ${id}: side must be BUY or SELL, was "${side ?? '(missing)'}"`);
  const instrumentId = fields['instrument_id'] ?? (fields['symbol'] && fields['venue'] ? `${fields['symbol']}.${fields['venue']}` : undefined);
  if (!instrumentId) throw new RangeError(`${stream} entry ${id}: no instrument_id (or symbol and venue)`);
  return {
    instrumentId,
    side,
    qty: fields['qty'] ?? '',
    price: fields['price'] ?? '',
    ...(fields['fee'] !== undefined ? { fee: fields['fee'] } : {}),
    ...(fields['fee_currency'] !== undefined ? { feeCurrency: fields['fee_currency'] } : {}),
    ...(fields['currency'] !== undefined ? { currency: fields['currency'] } : {}),
  };
}
