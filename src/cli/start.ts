/**
 * `seamless start` (what `npm start` runs): a summary of the default catalog — an empty or
 * missing one gets the demo data first — then the gateway over it until SIGINT/SIGTERM
 * (see gateway-command.ts). `--summary-only` stops after the summary.
 */
import { Catalog } from '../catalog/catalog.js';
import { nsToRfc3339 } from '../catalog/file-names.js';
import { catalogPath, parseVerbArgs } from './args.js';
import { createDemoCatalog } from './demo-catalog.js';
import { GATEWAY_FLAGS, GATEWAY_USAGE, serveGateway } from './gateway-command.js';
import { type Output, printTable } from './output.js';

export const START_USAGE = `seamless start [--catalog PATH] [--summary-only] [--host H] [--port N] [--token-file PATH] [--log-level L]

  Summarises the catalog (creating the demo catalog when it is empty or missing), then runs
  the gateway over it until SIGINT/SIGTERM; --summary-only stops after the summary.`;

export async function runStart(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { ...GATEWAY_FLAGS, 'summary-only': { type: 'boolean' } }, `${START_USAGE}\n\n${GATEWAY_USAGE}`);
  const root = catalogPath(values.catalog);
  let catalog = await Catalog.open(root);
  if ((await catalog.list()).length === 0) {
    const files = await createDemoCatalog(root);
    out.write(`created a demo catalog in ${root} (${files.length} files)\n\n`);
    catalog = await Catalog.open(root);
  }
  const listing = await catalog.list();
  out.write(`catalog ${root} (${catalog.width * 8}-bit fixed point)\n\n`);
  printTable(
    out,
    ['type', 'identifier', 'files', 'first', 'last', 'bytes'],
    listing.map((r) => [r.folder, r.identifier, String(r.files), r.first === null ? '' : nsToRfc3339(r.first), r.last === null ? '' : nsToRfc3339(r.last), String(r.bytes)]),
  );
  // Hints name what this catalog holds: its first bars (else quotes, else trades).
  const sample = SAMPLE_FOLDERS.map((folder) => listing.find((r) => r.folder === folder)).find((r) => r !== undefined);
  const hints: string[] = [];
  if (sample) hints.push(`seamless catalog read ${sample.folder} ${sample.identifier} --limit 5 --format table`);
  if (listing.some((r) => r.folder === 'bar' && r.identifier === DEMO_BARS)) {
    hints.push('seamless fetch ohlcv:binance:BTC/USDT:1m --start 2024-01-02T10:00:00Z --end 2024-01-02T11:00:00Z --format table');
  }
  if (sample && !values['summary-only']) hints.push(`curl "<gateway URL below>/v1/catalog/${sample.folder}/${sample.identifier}/rows?limit=5"`);
  if (hints.length > 0) out.write(`\ntry: ${hints.join('\n     ')}\n`);
  if (values['summary-only']) return 0;
  out.write('\n');
  return serveGateway(values, out);
}

const SAMPLE_FOLDERS = ['bar', 'quote_tick', 'trade_tick'] as const;
/** The demo catalog's bars, which the demo's `fetch` hint reads. */
const DEMO_BARS = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
