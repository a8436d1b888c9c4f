/**
 * The demo catalog `npm start` creates on first run, so a newcomer sees data at once: real
 * instrument definitions (BTCUSDT spot, ETHUSDT perpetual on Binance) and one UTC day of
 * synthetic but well-formed market data — 1-minute bars stamped at their close, quotes and
 * trades — from a seeded random walk, so every run builds the same catalog.
 */
import { Catalog } from '../catalog/catalog.js';
import { demoInstruments, writeInstrument } from '../catalog/instruments.js';
import { allocFrame, setFixedRaw, type Frame } from '../model/frames.js';
import { NS_PER_MINUTE, NS_PER_SECOND, isoToNs } from '../model/time.js';
import { seededRandom } from '../model/seeded-random.js';

const DAY_START = isoToNs('2024-01-02T00:00:00Z');
// BTCUSDT.BINANCE in NautilusTrader's TestInstrumentProvider: price precision 2, size precision 6.
const PRICE_STEP = 10n ** 14n; // 0.01 at FIXED_PRECISION 16
const SIZE_STEP = 10n ** 10n; // 0.000001


/** Writes the demo catalog into `root` (which must be empty). Returns the files written. */
export async function createDemoCatalog(root: string): Promise<string[]> {
  const written: string[] = [];
  for (const instrument of demoInstruments()) written.push((await writeInstrument(root, instrument)).path);
  const catalog = await Catalog.open(root, { width: 16 });
  const rand = seededRandom(20240102);
  const meta = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };

  // 1,440 one-minute bars; ts_event = ts_init = bar close.
  const bars = allocFrame('bar', 16, 1440, { ...meta, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' });
  let cents = 4_250_000n; // 42,500.00
  for (let i = 0; i < bars.length; i++) {
    const open = cents;
    const path = [open];
    for (let k = 0; k < 4; k++) path.push(path[path.length - 1]! + BigInt(Math.round((rand() - 0.5) * 3000)));
    const close = path[path.length - 1]!;
    const high = path.reduce((a, b) => (b > a ? b : a));
    const low = path.reduce((a, b) => (b < a ? b : a));
    setFixedRaw(bars.columns.open, i, open * PRICE_STEP);
    setFixedRaw(bars.columns.high, i, high * PRICE_STEP);
    setFixedRaw(bars.columns.low, i, low * PRICE_STEP);
    setFixedRaw(bars.columns.close, i, close * PRICE_STEP);
    setFixedRaw(bars.columns.volume, i, BigInt(Math.round(rand() * 50_000_000)) * SIZE_STEP);
    bars.columns.ts_event[i] = DAY_START + BigInt(i + 1) * NS_PER_MINUTE;
    bars.columns.ts_init[i] = bars.columns.ts_event[i]!;
    cents = close;
  }
  written.push((await catalog.write(bars)).path);

  // Quotes and trades for the first hour, once per second.
  const n = 3600;
  const quotes = allocFrame('quote_tick', 16, n, meta);
  const trades = allocFrame('trade_tick', 16, n, meta);
  let mid = 4_250_000n;
  for (let i = 0; i < n; i++) {
    mid += BigInt(Math.round((rand() - 0.5) * 400));
    const ts = DAY_START + BigInt(i) * NS_PER_SECOND + BigInt(Math.floor(rand() * 1_000_000));
    setFixedRaw(quotes.columns.bid_price, i, (mid - 1n) * PRICE_STEP);
    setFixedRaw(quotes.columns.ask_price, i, (mid + 1n) * PRICE_STEP);
    setFixedRaw(quotes.columns.bid_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * SIZE_STEP);
    setFixedRaw(quotes.columns.ask_size, i, BigInt(1 + Math.floor(rand() * 5_000_000)) * SIZE_STEP);
    quotes.columns.ts_event[i] = ts;
    quotes.columns.ts_init[i] = ts;
    const buyer = rand() < 0.5;
    setFixedRaw(trades.columns.price, i, (buyer ? mid + 1n : mid - 1n) * PRICE_STEP);
    setFixedRaw(trades.columns.size, i, BigInt(1 + Math.floor(rand() * 2_000_000)) * SIZE_STEP);
    trades.columns.aggressor_side[i] = buyer ? 1 : 2;
    trades.columns.trade_id[i] = String(100_000_000 + i);
    trades.columns.ts_event[i] = ts;
    trades.columns.ts_init[i] = ts + 1000n;
  }
  for (const frame of [quotes, trades] as Frame[]) written.push((await catalog.write(frame)).path);
  return written;
}
