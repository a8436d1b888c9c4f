/**
 * The anchor for "same statistics": a stored node config run directly as NautilusTrader's own
 * CLI does — `BacktestNode(configs).run()` on a decoded list of BacktestRunConfig — with no
 * Seamless code in the process. NaN statistics become null, as the runner reports them.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodePython } from '../../src/nodes/python-env.js';

const SCRIPT = `
import json, math, sys, msgspec
from nautilus_trader.config import BacktestRunConfig, msgspec_decoding_hook
from nautilus_trader.backtest.node import BacktestNode
configs = msgspec.json.decode(open(sys.argv[1], "rb").read(), type=list[BacktestRunConfig], dec_hook=msgspec_decoding_hook)
result = BacktestNode(configs=configs).run()[0]
def clean(v):
    if isinstance(v, float) and not math.isfinite(v): return None
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items()}
    return v
out = {"stats_pnls": clean(result.stats_pnls), "stats_returns": clean(result.stats_returns), "total_orders": result.total_orders,
       "total_positions": result.total_positions, "iterations": result.iterations, "total_events": result.total_events}
open(sys.argv[2], "w").write(json.dumps(out))
`;

export interface DirectResult {
  readonly stats_pnls: Record<string, Record<string, number | null>>;
  readonly stats_returns: Record<string, number | null>;
  readonly total_orders: number;
  readonly total_positions: number;
  readonly iterations: number;
  readonly total_events: number;
}

/** Runs `[configJson]` in a bare Python; resolves with NautilusTrader's result and the wall time. */
export async function directRun(configJson: string, dir: string): Promise<{ result: DirectResult; ms: number }> {
  const configPath = join(dir, 'direct-config.json');
  const outPath = join(dir, 'direct-result.json');
  await writeFile(configPath, `[${configJson}]`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(nodePython(), ['-c', SCRIPT, configPath, outPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`direct run exited ${code}: ${stderr.slice(-2000)}`))));
  });
  const ms = performance.now() - started;
  return { result: JSON.parse(await readFile(outPath, 'utf8')) as DirectResult, ms };
}
