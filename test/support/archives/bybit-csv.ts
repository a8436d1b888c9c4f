/**
 * CSV text in public.bybit.com's formats: derivatives `trading/` files (header, seconds with a
 * fraction, taker side Buy/Sell, an RPI column in newer files) and `spot/` files
 * (`id,timestamp,price,volume,side,rpi`, ms, lower-case side).
 */
import { seededRandom } from '../../../src/model/seeded-random.js';
import { DAY_MS, type ExpectedTrade, fixedText } from './binance-csv.js';

export interface BybitCsvOptions {
  readonly day: number;
  readonly rows: number;
  readonly seed: number;
  readonly symbol: string;
  /** Newer derivatives files add an RPI column. */
  readonly rpi?: boolean;
  /** Rows newest first (some Bybit files are written that way). */
  readonly descending?: boolean;
}

function uuid(rand: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

/** Derivatives trades: `timestamp` like `1704326400.1234` (seconds, 4 decimals). */
export function bybitDerivativesCsv(options: BybitCsvOptions): { text: string; expected: ExpectedTrade[] } {
  const rand = seededRandom(options.seed);
  const header = `timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional${options.rpi ? ',RPI' : ''}`;
  const rows: Array<{ line: string; trade: ExpectedTrade }> = [];
  let halfTicks = 8_400_000; // price in 0.05 steps; /20 gives tenths: 42000.0
  const step = Math.floor((DAY_MS * 10) / (options.rows + 1)); // in 0.1 ms
  for (let i = 0; i < options.rows; i++) {
    halfTicks += Math.floor(rand() * 11) - 5;
    const tenthsMs = options.day * DAY_MS * 10 + i * step + Math.floor(rand() * step);
    const seconds = Math.floor(tenthsMs / 10_000);
    const fraction = String(tenthsMs % 10_000).padStart(4, '0');
    const price = fixedText(Math.floor(halfTicks / 20), 1);
    const size = fixedText(1 + Math.floor(rand() * 9000), 3);
    const buy = rand() < 0.5;
    const id = uuid(rand);
    const line = `${seconds}.${fraction},${options.symbol},${buy ? 'Buy' : 'Sell'},${size},${price},ZeroPlusTick,${id},4.2e+06,${size},42000${options.rpi ? ',0' : ''}`;
    rows.push({ line, trade: { id, price, size, aggressor: buy ? 'BUYER' : 'SELLER', tsNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * 100_000n } });
  }
  const ordered = options.descending ? [...rows].reverse() : rows;
  return { text: `${header}\n${ordered.map((r) => r.line).join('\n')}\n`, expected: rows.map((r) => r.trade) };
}

/** Spot trades: `id,timestamp,price,volume,side,rpi` with ms timestamps and lower-case sides. */
export function bybitSpotCsv(options: BybitCsvOptions): { text: string; expected: ExpectedTrade[] } {
  const rand = seededRandom(options.seed);
  const lines = ['id,timestamp,price,volume,side,rpi'];
  const expected: ExpectedTrade[] = [];
  let tenths = 420_000;
  const step = Math.floor(DAY_MS / (options.rows + 1));
  for (let i = 0; i < options.rows; i++) {
    tenths += Math.floor(rand() * 11) - 5;
    const ms = options.day * DAY_MS + i * step + Math.floor(rand() * step);
    const price = fixedText(tenths, 1);
    const size = fixedText(1 + Math.floor(rand() * 900_000), 6);
    const buy = rand() < 0.5;
    lines.push(`${i + 1},${ms},${price},${size},${buy ? 'buy' : 'sell'},0`);
    expected.push({ id: String(i + 1), price, size, aggressor: buy ? 'BUYER' : 'SELLER', tsNs: BigInt(ms) * 1_000_000n });
  }
  return { text: `${lines.join('\n')}\n`, expected };
}
