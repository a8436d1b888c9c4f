/**
 * `seamless <verb>`: the one entry point. Parses the verb, runs it, and turns every error we
 * raise on purpose into a one-line message and a non-zero exit (2 for usage, 1 otherwise).
 */
import { isCatalogError } from '../catalog/errors.js';
import { RowError } from '../model/frame-rows.js';
import { ModelError } from '../model/errors.js';
import { FixedPointError } from '../model/fixed-point.js';
import { NodeError } from '../nodes/errors.js';
import { CaptureError } from '../pipeline/capture/errors.js';
import { ImportError } from '../pipeline/import/errors.js';
import { HelpRequested, UsageError } from './args.js';
import { CATALOG_USAGE, runCatalogCommand } from './catalog-commands.js';
import { HISTORY_USAGE } from './history-usage.js';
import { SeamlessError } from '../seamless/errors.js';
import { type Output, stdoutOutput } from './output.js';
import { runStart } from './start.js';

export const USAGE = `seamless — tooling for NautilusTrader catalogs

usage: seamless <verb> [--catalog PATH]

  start                 summary of the default catalog (a demo catalog on first run), then the gateway

catalog and history
  catalog <verb> ...    list, read, write and maintain a NautilusTrader Parquet catalog
  fetch <nodeId> ...    history of a series from cache, storage or backfill (see below)
  coverage <nodeId>     what is stored, known-empty or being fetched for a series
  stream <nodeId> ...   history from a time, then live rows as they happen

pipeline
  import binance|bybit  exchange archives into daily catalog files (\`seamless import help\`)
  capture ...           record live trades, quotes and bars into the catalog (\`capture --help\`)
  validate [<type> [<id>]]  data-quality report per file and day (\`validate --help\`)
  maintain <verb> ...   stats and alerts, consolidate, prune, verify/repair names (\`maintain help\`)

bridge
  bridge ...            NautilusTrader's Redis message bus → exec:*/market.raw.* streams
  flags get|set|audit   feature flags and the halt switch (mode) in Redis, audited

gateway and nodes
  gateway [--port N]    the HTTP API: catalog, history, backtests, nodes (start runs it)
  node check <config>   lint a NautilusTrader node config before it runs (\`node --help\`)
  backtest <verb> ...   run|grid|compare|ls|show real NautilusTrader backtests (\`backtest --help\`)

--catalog defaults to $NAUTILUS_PATH/catalog, else ./catalog.

${CATALOG_USAGE}

${HISTORY_USAGE}`;

export async function main(argv: string[], out: Output = stdoutOutput()): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'start':
        return await runStart(rest, out);
      case 'catalog':
        return await runCatalogCommand(rest, out);
      // Loaded on use: the history stack costs ~100 ms of start-up the catalog verbs don't need.
      case 'fetch':
        return await (await import('./history-commands.js')).runFetch(rest, out);
      case 'coverage':
        return await (await import('./history-commands.js')).runCoverage(rest, out);
      case 'stream':
        return await (await import('./stream-command.js')).runStream(rest, out);
      case 'gateway':
        return await (await import('./gateway-command.js')).runGateway(rest, out);
      case 'capture':
        return await (await import('./capture-command.js')).runCapture(rest, out);
      case 'validate':
        return await (await import('./validate-command.js')).runValidate(rest, out);
      case 'node':
        return await (await import('./node-command.js')).runNodeCommand(rest, out);
      case 'backtest':
        return await (await import('./backtest-command.js')).runBacktestCommand(rest, out);
      case 'bridge':
        return await (await import('./bridge-command.js')).runBridge(rest, out);
      case 'flags':
        return await (await import('./flags-command.js')).runFlags(rest, out);
      case 'maintain':
        return await (await import('./maintain-command.js')).runMaintain(rest, out);
      case 'import':
        return await (await import('./import-command.js')).runImportCommand(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.write(`${USAGE}\n`);
        return 0;
      default:
        throw new UsageError(`unknown verb "${verb}"`);
    }
  } catch (error) {
    if (error instanceof HelpRequested) {
      out.write(`${error.usage}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`seamless: ${error.message}\nrun \`seamless help\` for usage\n`);
      return 2;
    }
    if (error instanceof SeamlessError) {
      process.stderr.write(`seamless: ${error.message} [${error.code}]\n`);
      return 1;
    }
    // Every typed error of the library is one line (with its code when it has one) and exit 1.
    if (isCatalogError(error) || error instanceof CaptureError || error instanceof ImportError || error instanceof NodeError) {
      process.stderr.write(`seamless: ${error.message} [${error.code}]\n`);
      return 1;
    }
    if (error instanceof RowError || error instanceof ModelError || error instanceof FixedPointError) {
      process.stderr.write(`seamless: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
