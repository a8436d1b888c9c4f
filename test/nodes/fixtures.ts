/**
 * Test data for node tests: the demo catalog (BTCUSDT spot + ETHUSDT perp, one day of 1-minute
 * bars) and a longer one (many days of BTCUSDT bars) for runs that must last a while, written
 * with our catalog layer into temp folders; plus the EMACross BacktestRunConfig over them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import { demoInstruments, writeInstrument } from '../../src/catalog/instruments.js';
import { createDemoCatalog } from '../../src/cli/demo-catalog.js';
import { NS_PER_MINUTE, isoToNs } from '../../src/model/time.js';
import { syntheticBars } from '../../src/model/synthetic-market.js';
import type { JsonObject } from '../../src/nodes/json-value.js';

export const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `seamless-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The demo catalog: bars for 2024-01-02 (closes 00:01 .. 24:00). */
export async function demoCatalog(root: string): Promise<string> {
  await createDemoCatalog(root);
  return root;
}

/** Demo instruments plus `days` days of BTCUSDT 1-minute bars from 2024-01-02. */
export async function longCatalog(root: string, days: number): Promise<string> {
  for (const instrument of demoInstruments()) await writeInstrument(root, instrument);
  const catalog = await Catalog.open(root, { width: 16 });
  const bars = syntheticBars({
    meta: { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: BAR_TYPE },
    start: isoToNs('2024-01-02T00:00:00Z') + NS_PER_MINUTE,
    count: days * 1440,
    stepNs: NS_PER_MINUTE,
    seed: 7,
  });
  await catalog.write(bars);
  return root;
}

export interface EmaOptions {
  readonly catalogPath?: string;
  readonly fast?: number;
  readonly slow?: number;
  readonly start?: string;
  readonly end?: string;
  readonly logLevel?: string;
}

/** NautilusTrader's example EMACross on BTCUSDT 1-minute bars, MARGIN account in USDT. */
export function emaConfig(options: EmaOptions = {}): JsonObject {
  const data: JsonObject = { data_cls: 'nautilus_trader.model.data:Bar', instrument_id: 'BTCUSDT.BINANCE', bar_spec: '1-MINUTE-LAST' };
  if (options.catalogPath) data['catalog_path'] = options.catalogPath;
  if (options.start) data['start_time'] = options.start;
  if (options.end) data['end_time'] = options.end;
  return {
    engine: {
      trader_id: 'BACKTESTER-001',
      logging: { log_level: options.logLevel ?? 'WARNING' },
      strategies: [
        {
          strategy_path: 'nautilus_trader.examples.strategies.ema_cross:EMACross',
          config_path: 'nautilus_trader.examples.strategies.ema_cross:EMACrossConfig',
          config: {
            instrument_id: 'BTCUSDT.BINANCE',
            bar_type: BAR_TYPE,
            trade_size: '0.05',
            fast_ema_period: options.fast ?? 10,
            slow_ema_period: options.slow ?? 20,
            request_bars: false,
            subscribe_trade_ticks: false,
          },
        },
      ],
    },
    venues: [{ name: 'BINANCE', oms_type: 'NETTING', account_type: 'MARGIN', starting_balances: ['100000 USDT'] }],
    data: [data],
    dispose_on_completion: false,
  };
}
