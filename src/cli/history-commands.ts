/**
 * `seamless fetch` and `seamless coverage`: the history API from the shell. Thin: flags
 * become a provider config (a preset, a world file, or the catalog at --catalog), then one
 * call to the provider, printed in the same row conventions as `catalog read`.
 */
import { frameCsvHeader, frameRowFields, frameRowRecord, frameRowToCsv, frameRowToJson } from '../model/frame-rows.js';
import { nsToIso } from '../model/time.js';
import { buildProvider } from '../seamless/build-provider.js';
import { fetchMetaJson, rangesJson } from '../seamless/fetch-result-json.js';
import { loadPreset } from '../seamless/presets/index.js';
import { type CcxtSourceConfig, DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE, STRATEGIES, type ProviderConfig, type Strategy, catalogPathOf } from '../seamless/provider-config.js';
import { GapLedger, gapLedgerDir } from '../pipeline/capture/gap-ledger.js';
import type { SeamlessProvider } from '../seamless/provider.js';
import { type TimeRange, mergeRanges, subtractRanges } from '../seamless/time-range.js';
import { UsageError, catalogPath, choiceFlag, parseVerbArgs, positional, timeFlag } from './args.js';
import { HISTORY_USAGE } from './history-usage.js';
import { type Output, printTable } from './output.js';

export const PROVIDER_FLAGS = {
  preset: { type: 'string' },
  'presets-file': { type: 'string' },
  world: { type: 'string' },
  'world-preset': { type: 'string' },
  'backfill-from': { type: 'string' },
  'exchange-url': { type: 'string' },
  'exchange-ws-url': { type: 'string' },
} as const;

export type ProviderFlags = {
  preset?: string;
  'presets-file'?: string;
  world?: string;
  'world-preset'?: string;
  'backfill-from'?: string;
  'exchange-url'?: string;
  'exchange-ws-url'?: string;
  catalog?: string;
  strategy?: string;
};

/**
 * The provider the flags describe. Without a preset: the catalog at --catalog, backfilled
 * from --backfill-from, or else (for a backfilling strategy) from the exchange the node id
 * names through ccxt, with its websocket as the live tail for SEAMLESS.
 */
export async function providerFromFlags(values: ProviderFlags, strategy?: Strategy): Promise<SeamlessProvider> {
  const endpoints = exchangeEndpoints(values);
  if (values.preset !== undefined || values.world !== undefined) {
    if (values['backfill-from'] !== undefined || values.catalog !== undefined) throw new UsageError('--catalog and --backfill-from cannot be combined with --preset or --world (the preset names its catalogs)');
    const loaded = await loadPreset({
      ...(values['presets-file'] !== undefined ? { presetsFile: values['presets-file'] } : {}),
      ...(values.preset !== undefined ? { preset: values.preset } : {}),
      ...(values.world !== undefined ? { world: values.world } : {}),
      ...(values['world-preset'] !== undefined ? { worldPresetId: values['world-preset'] } : {}),
    });
    return buildProvider(withEndpoints(loaded.config, endpoints, loaded.preset));
  }
  const fromExchange = values['backfill-from'] === undefined && (strategy === 'AUTO_BACKFILL' || strategy === 'SEAMLESS');
  if (!fromExchange && endpoints) throw new UsageError('--exchange-url and --exchange-ws-url need an exchange source: use --strategy AUTO_BACKFILL or SEAMLESS, or a preset that fetches from an exchange');
  const exchange: CcxtSourceConfig = { kind: 'ccxt', ...endpoints };
  const backfill = values['backfill-from'] !== undefined ? { kind: 'catalog' as const, path: catalogPath(values['backfill-from']) } : fromExchange ? exchange : undefined;
  const config: ProviderConfig = {
    // Without a backfill source, answer with what is stored and list the gaps in the
    // metadata: at a shell, a partial answer is more useful than an error.
    strategy: backfill ? 'AUTO_BACKFILL' : 'PARTIAL',
    storage: { kind: 'catalog', path: catalogPath(values.catalog) },
    ...(backfill ? { backfill: { source: backfill, policy: DEFAULT_BACKFILL_POLICY } } : {}),
    ...(fromExchange && strategy === 'SEAMLESS' ? { live: exchange } : {}),
    cache: DEFAULT_CACHE,
    conformance: {},
    stabilizationBars: 0,
  };
  return buildProvider(config);
}

function exchangeEndpoints(values: ProviderFlags): { restUrl?: string; wsUrl?: string } | undefined {
  const restUrl = values['exchange-url'];
  const wsUrl = values['exchange-ws-url'];
  if (restUrl === undefined && wsUrl === undefined) return undefined;
  return { ...(restUrl !== undefined ? { restUrl } : {}), ...(wsUrl !== undefined ? { wsUrl } : {}) };
}

/** Points a preset's ccxt sources at other endpoints; refuses presets without one. */
function withEndpoints(config: ProviderConfig, endpoints: { restUrl?: string; wsUrl?: string } | undefined, preset: string): ProviderConfig {
  if (!endpoints) return config;
  const retarget = <S extends { kind: string }>(source: S | undefined): S | undefined => (source?.kind === 'ccxt' ? { ...source, ...endpoints } : source);
  const backfill = config.backfill ? { ...config.backfill, source: retarget(config.backfill.source)! } : undefined;
  const live = retarget(config.live);
  if (backfill?.source.kind !== 'ccxt' && live?.kind !== 'ccxt') {
    throw new UsageError(`--exchange-url and --exchange-ws-url: preset ${preset} does not fetch from an exchange, so there is nothing to point elsewhere`);
  }
  return { ...config, ...(backfill ? { backfill } : {}), ...(live ? { live } : {}) };
}

export async function runFetch(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { ...PROVIDER_FLAGS, start: { type: 'string' }, end: { type: 'string' }, strategy: { type: 'string' }, format: { type: 'string' }, meta: { type: 'boolean' } }, HISTORY_USAGE);
  const nodeId = positional(positionals, 0, '<nodeId>');
  const start = timeFlag('start', values.start);
  const end = timeFlag('end', values.end);
  if (start === undefined || end === undefined) throw new UsageError('--start and --end are required (nanoseconds or ISO-8601; the range is half-open)');
  const strategy = choiceFlag('strategy', values.strategy, STRATEGIES);
  const format = choiceFlag('format', values.format, ['ndjson', 'csv', 'table'] as const) ?? 'ndjson';
  const provider = await providerFromFlags(values, strategy);
  try {
    const result = await provider.fetch(nodeId, { start, end }, strategy ? { strategy } : {});
    const type = result.series.dataType;
    if (format === 'csv') await out.writeAsync(`${frameCsvHeader(type)}\n`);
    if (format !== 'table') {
      const toText = format === 'csv' ? frameRowToCsv : frameRowToJson;
      for (const frame of result.frames) {
        for (let from = 0; from < frame.length; from += 10_000) {
          let text = '';
          for (let i = from; i < Math.min(frame.length, from + 10_000); i++) text += `${toText(frame, i)}\n`;
          await out.writeAsync(text);
        }
      }
    } else {
      const rows = result.frames.flatMap((frame) => Array.from({ length: frame.length }, (_, i) => Object.values(frameRowRecord(frame, i)).map(String)));
      printTable(out, ['type', type === 'bar' ? 'bar_type' : 'instrument_id', ...frameRowFields(type).slice(2)], rows);
    }
    const meta = JSON.stringify(fetchMetaJson(result));
    if (values.meta) await out.writeAsync(`${meta}\n`);
    else process.stderr.write(`${meta}\n`);
    return 0;
  } finally {
    await provider.close();
  }
}

export async function runCoverage(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { ...PROVIDER_FLAGS, json: { type: 'boolean' } }, HISTORY_USAGE);
  const nodeId = positional(positionals, 0, '<nodeId>');
  const provider = await providerFromFlags(values);
  try {
    const series = provider.symbology.series(nodeId);
    const ledger = provider.ledger.get(series.nodeId);
    const stored = mergeRanges([...(await provider.storage.coverage(series)), ...ledger.covered]);
    const empty = subtractRanges(ledger.empty, stored);
    // Live capture records where it lost the feed (src/pipeline/capture/gap-ledger.ts).
    const catalogRoot = catalogPathOf(provider.config.storage);
    const gaps = catalogRoot === undefined ? [] : await new GapLedger(gapLedgerDir(catalogRoot)).get(series.nodeId);
    if (values.json) {
      const captureGaps = gaps.map((g) => ({ ...rangesJson([g])[0], reason: g.reason }));
      out.write(`${JSON.stringify({ nodeId: series.nodeId, dataType: series.dataType, identifier: series.identifier, covered: rangesJson(stored), empty: rangesJson(empty), inProgress: rangesJson(ledger.inProgress), captureGaps }, null, 2)}\n`);
      return 0;
    }
    const rows = [
      ...stored.map((r) => row('covered', r)),
      ...empty.map((r) => row('known-empty', r)),
      ...ledger.inProgress.map((r) => row('in-progress', r)),
      ...gaps.map((g) => [...row('capture-gap', g), g.reason]),
    ].sort((a, b) => (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0));
    if (rows.length === 0) {
      out.write(`${series.nodeId} (${series.identifier}): nothing stored or known yet\n`);
      return 0;
    }
    out.write(`${series.nodeId} (${series.dataType} ${series.identifier})\n`);
    printTable(out, gaps.length > 0 ? ['state', 'start', 'end', 'reason'] : ['state', 'start', 'end'], rows);
    return 0;
  } finally {
    await provider.close();
  }
}

function row(state: string, range: TimeRange): string[] {
  return [state, nsToIso(range.start), nsToIso(range.end)];
}
