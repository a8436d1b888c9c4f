/**
 * The demo catalog `npm start` creates on first run, so a newcomer sees data at once: real
 * instrument definitions (BTCUSDT spot, ETHUSDT perpetual on Binance) and one UTC day of
 * synthetic but well-formed market data — 1-minute bars stamped at their close, quotes and
 * trades — from a seeded random walk, so every run builds the same catalog.
 */
import { Catalog } from '../catalog/catalog.js';
import { demoInstruments, writeInstrument } from '../catalog/instruments.js';
import type { Frame } from '../model/frames.js';
import { syntheticBars, syntheticQuotes, syntheticTrades } from '../model/synthetic-market.js';
import { NS_PER_MINUTE, NS_PER_SECOND, isoToNs } from '../model/time.js';

const DAY_START = isoToNs('2024-01-02T00:00:00Z');
const SEED = 20240102;
// BTCUSDT.BINANCE in NautilusTrader's TestInstrumentProvider: price precision 2, size precision 6.
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };

/** Writes the demo catalog into `root` (which must be empty). Returns the files written. */
export async function createDemoCatalog(root: string): Promise<string[]> {
  const written: string[] = [];
  for (const instrument of demoInstruments()) written.push((await writeInstrument(root, instrument)).path);
  const catalog = await Catalog.open(root, { width: 16 });

  // 1,440 one-minute bars from 42,500.00; ts_event = ts_init = bar close.
  const bars = syntheticBars({
    meta: { ...META, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' },
    start: DAY_START + NS_PER_MINUTE,
    count: 1440,
    stepNs: NS_PER_MINUTE,
    seed: SEED,
  });
  written.push((await catalog.write(bars)).path);

  // Quotes and trades for the first hour, once per second, each within 1 ms after the second;
  // trades reach the system 1 µs after they happen. Sharing seed, grid and jitter, quotes and
  // trades walk one mid path at the same times, so every trade is at the quoted bid or ask.
  const ticks = { meta: META, start: DAY_START, count: 3600, stepNs: NS_PER_SECOND, seed: SEED, jitterNs: 1_000_000n };
  const quotes = syntheticQuotes(ticks);
  const trades = syntheticTrades({ ...ticks, initLagNs: 1000n });
  for (const frame of [quotes, trades] as Frame[]) written.push((await catalog.write(frame)).path);
  return written;
}
