/**
 * CSV text in data.binance.vision's real formats (see the spec's §B.3), with the quirks the
 * importer must handle: header or none, ms or µs timestamps, `True`/`true` booleans, COIN-M
 * columns. Each generator also returns what the importer should make of every row, so tests
 * can check meaning (aggressor, ns time, exact values), not only that something was written.
 */
import { seededRandom } from '../../../src/model/seeded-random.js';

export type Market = 'spot' | 'um' | 'cm';
export const DAY_MS = 86_400_000;

export interface ExpectedTrade {
  readonly id: string;
  /** Decimal text as written (trailing zeros included). */
  readonly price: string;
  readonly size: string;
  readonly aggressor: 'BUYER' | 'SELLER';
  readonly tsNs: bigint;
}

export interface TradeCsvOptions {
  readonly market: Market;
  readonly kind: 'trades' | 'aggTrades';
  /** UTC day number (days since 1970-01-01). */
  readonly day: number;
  readonly rows: number;
  readonly firstId: number;
  readonly unit: 'ms' | 'us';
  readonly header: boolean;
  readonly seed: number;
  /** Ids to leave out (a gap in the archive). */
  readonly dropIds?: ReadonlySet<number>;
}

export interface GeneratedCsv<E> {
  readonly text: string;
  readonly expected: E[];
  readonly lastId: number;
}

const TRADE_HEADERS: Record<Market, Record<'trades' | 'aggTrades', string>> = {
  spot: { trades: '', aggTrades: '' }, // spot files never have a header
  um: { trades: 'id,price,qty,quote_qty,time,is_buyer_maker', aggTrades: 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker' },
  cm: { trades: 'id,price,qty,base_qty,time,is_buyer_maker', aggTrades: 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker' },
};

/** Formats `units / 10^decimals` with exactly `decimals` decimals. */
export function fixedText(units: number, decimals: number): string {
  const text = String(units).padStart(decimals + 1, '0');
  return decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

/** Trade or aggTrade rows of one day. Spot: 8-decimal text, `True`/`False`; futures: short decimals, `true`/`false`. */
export function binanceTradeCsv(options: TradeCsvOptions): GeneratedCsv<ExpectedTrade> {
  const rand = seededRandom(options.seed);
  const lines: string[] = [];
  if (options.header && options.market !== 'spot') lines.push(TRADE_HEADERS[options.market][options.kind]);
  const expected: ExpectedTrade[] = [];
  let priceTicks = 9_412_345; // 94123.45 in cents
  let id = options.firstId;
  const dayStartMs = options.day * DAY_MS;
  const step = Math.max(1, Math.floor(DAY_MS / (options.rows + 1)));
  for (let i = 0; i < options.rows; i++, id++) {
    priceTicks += Math.floor(rand() * 21) - 10;
    const ms = dayStartMs + i * step + Math.floor(rand() * step);
    const micros = ms * 1000 + Math.floor(rand() * 1000);
    const time = options.unit === 'us' ? micros : ms;
    const tsNs = options.unit === 'us' ? BigInt(micros) * 1000n : BigInt(ms) * 1_000_000n;
    const buyerMaker = rand() < 0.5;
    let price: string;
    let size: string;
    let middle: string;
    if (options.market === 'cm') {
      price = fixedText(Math.floor(priceTicks / 10), 1); // 94123.4 (tick 0.1)
      size = String(1 + Math.floor(rand() * 50)); // contracts
      middle = fixedText(Math.floor(Number(size) * 100 * 1e8 / (priceTicks / 100)), 8); // base qty
    } else if (options.market === 'um') {
      price = fixedText(Math.floor(priceTicks / 10), 1);
      size = fixedText(1 + Math.floor(rand() * 5000), 3);
      middle = fixedText(Math.floor(priceTicks * Number(size)), 2);
    } else {
      price = fixedText(priceTicks * 1_000_000, 8); // 94123.45000000
      size = fixedText((1 + Math.floor(rand() * 200_000)) * 1000, 8); // 5 real decimals
      middle = fixedText(Math.floor(priceTicks * Number(size)), 2);
    }
    if (options.dropIds?.has(id)) continue;
    const bool = options.market === 'spot' ? (buyerMaker ? 'True' : 'False') : buyerMaker ? 'true' : 'false';
    if (options.kind === 'trades') {
      lines.push(options.market === 'spot' ? `${id},${price},${size},${middle},${time},${bool},True` : `${id},${price},${size},${middle},${time},${bool}`);
    } else {
      const first = id * 3;
      const tail = options.market === 'spot' ? ',True' : '';
      lines.push(`${id},${price},${size},${first},${first + 2},${time},${bool}${tail}`);
    }
    expected.push({ id: String(id), price, size, aggressor: buyerMaker ? 'SELLER' : 'BUYER', tsNs });
  }
  return { text: `${lines.join('\n')}\n`, expected, lastId: id - 1 };
}

export interface ExpectedBar {
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  /** The bar's close: open time + interval, in ns. */
  readonly tsNs: bigint;
}

export interface KlineCsvOptions {
  readonly market: Market;
  readonly day: number;
  readonly intervalMs: number;
  readonly unit: 'ms' | 'us';
  readonly header: boolean;
  readonly seed: number;
}

/** One day of klines (12 columns); `closeTime` is open + interval − 1 unit, as Binance writes it. */
export function binanceKlineCsv(options: KlineCsvOptions): GeneratedCsv<ExpectedBar> {
  const rand = seededRandom(options.seed);
  const lines: string[] = [];
  if (options.header && options.market !== 'spot') {
    lines.push(options.market === 'cm'
      ? 'open_time,open,high,low,close,volume,close_time,base_volume,count,taker_buy_volume,taker_buy_base_volume,ignore'
      : 'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore');
  }
  const expected: ExpectedBar[] = [];
  let cents = 9_400_000;
  const bars = Math.floor(DAY_MS / options.intervalMs);
  const decimals = options.market === 'spot' ? 8 : 2;
  const scale = 10 ** (decimals - 2);
  for (let i = 0; i < bars; i++) {
    const openMs = options.day * DAY_MS + i * options.intervalMs;
    const open = cents;
    const moves = [open, open + Math.floor(rand() * 400) - 200, open + Math.floor(rand() * 400) - 200];
    const close = moves[2]!;
    const high = Math.max(...moves) + Math.floor(rand() * 50);
    const low = Math.min(...moves) - Math.floor(rand() * 50);
    cents = close;
    const volumeUnits = Math.floor(rand() * 1e9);
    const [o, h, l, c] = [open, high, low, close].map((v) => fixedText(v * scale, decimals)) as [string, string, string, string];
    // Volumes are sums of trade sizes, so they have the size step's decimals (5 for spot, 3 for um).
    const volume = options.market === 'cm' ? String(Math.floor(volumeUnits / 1000)) : options.market === 'spot' ? fixedText(volumeUnits * 1000, 8) : fixedText(volumeUnits, 3);
    const unit = options.unit === 'us' ? 1000 : 1;
    const openTime = openMs * unit;
    const closeTime = (openMs + options.intervalMs) * unit - 1;
    lines.push(`${openTime},${o},${h},${l},${c},${volume},${closeTime},123.45,${10 + i},1.5,2.5,0`);
    expected.push({ open: o, high: h, low: l, close: c, volume, tsNs: BigInt(openMs + options.intervalMs) * 1_000_000n });
  }
  return { text: `${lines.join('\n')}\n`, expected, lastId: 0 };
}
