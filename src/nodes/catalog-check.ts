/**
 * The checks NautilusTrader 1.221.0 skips and our catalog can answer, run before a backtest:
 *
 * | check                         | NautilusTrader 1.221.0 when it fails          | finding              |
 * |-------------------------------|-----------------------------------------------|----------------------|
 * | catalog_path exists           | loads no data                                 | CATALOG_MISSING      |
 * | every instrument named exists | loads no data (warning in the log)            | UNKNOWN_INSTRUMENT   |
 * | the series has data at all    | "No data found" warning, empty run            | NO_DATA              |
 * | the window is covered         | runs on whatever part exists                  | WINDOW_UNCOVERED     |
 * | times parse                   | pandas guesses                                | BAD_TIME             |
 * | one-shot bar_spec             | loads every bar type of the instrument        | ONESHOT_LOADS_ALL_BARS (warning) |
 * | strategy bar_type is loaded   | the strategy waits for bars that never come   | BAR_TYPE_NOT_LOADED (warning)    |
 *
 * Instruments named are those of `data[*]` (instrument_id, instrument_ids, bar_types) and of
 * every strategy and actor `config` (instrument_id, instrument_ids, bar_type, bar_types).
 * Coverage is judged on file names only (as NautilusTrader's get_missing_intervals does); a gap
 * no longer than the tolerance — one bar for time bars, one minute otherwise — is normal at
 * the edges of a window and is not reported.
 */
import { stat } from 'node:fs/promises';
import { Catalog } from '../catalog/catalog.js';
import type { CatalogListing } from '../catalog/layout.js';
import { tryResolveDataType } from '../catalog/data-types.js';
import { escapeIdentifier } from '../catalog/identifier-path.js';
import { type Interval, mergeIntervals, missingIntervals } from '../catalog/intervals.js';
import { readInstruments } from '../catalog/instruments.js';
import { barStepNs } from '../model/bar-step.js';
import { tryParseBarType } from '../model/identifiers.js';
import { NS_PER_MINUTE, nsToIso, parseTimeArg } from '../model/time.js';
import { closeNames } from '../seamless/presets/suggest.js';
import { formatPath } from './config-path.js';
import { type Finding, finding } from './findings.js';
import { type JsonObject, type JsonValue, isJsonObject } from './json-value.js';

export interface CatalogCheckOptions {
  /** Gaps up to this long are not reported; default one bar (time bars) or one minute. */
  readonly gapToleranceNs?: bigint;
}

export interface CatalogCheckResult {
  readonly findings: Finding[];
  /** The data window the run will cover (union over data configs), when known. */
  readonly window?: { readonly start: bigint; readonly end: bigint };
}

/** An opened catalog with what the checks read from it, each read once. */
interface CatalogView {
  readonly instruments: Set<string>;
  list(): Promise<CatalogListing[]>;
  intervals(type: string, identifier: string): Promise<Interval[]>;
}

/**
 * Catalogs by root, opened once for a batch of configs (a grid's combinations all read the
 * same ones); null for a root that is not a folder.
 */
export type CatalogViews = Map<string, Promise<CatalogView | null>>;

/**
 * Returns the catalog findings for one BacktestRunConfig (already holding its catalog paths).
 * Pass one `views` to every config of a batch so each catalog is opened and listed once.
 */
export async function checkCatalog(config: JsonObject, options: CatalogCheckOptions = {}, views: CatalogViews = new Map()): Promise<CatalogCheckResult> {
  const findings: Finding[] = [];
  let haveCatalog = false;
  const loadedBarTypes = new Set<string>();
  const allInstruments = new Set<string>();
  let windowStart: bigint | undefined;
  let windowEnd: bigint | undefined;

  const runStart = timeAt(config, ['start'], findings);
  const runEnd = timeAt(config, ['end'], findings);
  const oneShot = config['chunk_size'] === undefined || config['chunk_size'] === null;
  const data = Array.isArray(config['data']) ? config['data'] : [];

  for (const [i, entry] of data.entries()) {
    if (!isJsonObject(entry) || typeof entry['catalog_path'] !== 'string') continue;
    const base = ['data', i] as const;
    haveCatalog = true;
    const view = await openView(entry['catalog_path'], views);
    if (!view) {
      findings.push(finding(formatPath([...base, 'catalog_path']), 'CATALOG_MISSING', `no catalog at ${entry['catalog_path']}; write one with \`seamless catalog write\` or fix catalog_path`));
      continue;
    }
    for (const id of view.instruments) allInstruments.add(id);

    // Instruments this data config names, each with the path it was named at.
    const named: Array<{ id: string; path: Array<string | number> }> = [];
    if (typeof entry['instrument_id'] === 'string') named.push({ id: entry['instrument_id'], path: [...base, 'instrument_id'] });
    for (const [j, id] of strings(entry['instrument_ids'])) named.push({ id, path: [...base, 'instrument_ids', j] });
    const barTypes: string[] = [];
    for (const [j, text] of strings(entry['bar_types'])) {
      const parsed = tryParseBarType(text);
      if (!parsed.ok) continue; // node_check.py reports a malformed bar type
      barTypes.push(parsed.value.value);
      named.push({ id: parsed.value.instrumentId.value, path: [...base, 'bar_types', j] });
    }
    const known = named.filter(({ id, path }) => knownInstrument(id, path, view.instruments, entry['catalog_path'] as string, findings));

    const className = typeof entry['data_cls'] === 'string' ? entry['data_cls'].split(':').pop()! : '';
    const descriptor = tryResolveDataType(className);
    if (descriptor?.kind !== 'market') continue; // custom data: the catalog layer cannot judge it

    // The series the run reads: exact bar types when the config pins them, else instrument ids.
    let series: string[] = known.map((k) => k.id);
    if (descriptor.key === 'bar') {
      const spec = typeof entry['bar_spec'] === 'string' ? entry['bar_spec'] : undefined;
      if (barTypes.length > 0) series = barTypes;
      else if (spec !== undefined) series = known.map((k) => `${k.id}-${spec}-EXTERNAL`);
      if (oneShot && spec !== undefined && typeof entry['instrument_id'] === 'string') {
        const all = await barFolders(view, entry['instrument_id']);
        if (all.length > 1) {
          findings.push(
            finding(
              formatPath([...base, 'bar_spec']),
              'ONESHOT_LOADS_ALL_BARS',
              `NautilusTrader 1.221.0 in one-shot mode (chunk_size null) loads every bar type of ${entry['instrument_id']}, not only ${spec}: ${all.join(', ')}; set chunk_size and bar_types to load one`,
            ),
          );
        }
        for (const folder of all) loadedBarTypes.add(folder);
      }
      for (const s of series) loadedBarTypes.add(s);
    }

    const start = latest(timeAt(entry, ['start_time'], findings, base), runStart);
    const end = earliest(timeAt(entry, ['end_time'], findings, base), runEnd);
    const tolerance = options.gapToleranceNs ?? defaultTolerance(series[0]);
    for (const id of series) {
      const intervals = await view.intervals(descriptor.key, id);
      if (intervals.length === 0) {
        findings.push(finding(formatPath(base), 'NO_DATA', `the catalog ${entry['catalog_path']} has no ${descriptor.className} data for ${id}; BacktestNode would load nothing (write the data first, or fix data_cls/instrument_id/bar_spec)`));
        continue;
      }
      const held = mergeIntervals(intervals);
      const first = held[0]!.first;
      const last = held[held.length - 1]!.last;
      const s = start ?? first;
      const e = end ?? last;
      if (s > e) {
        findings.push(finding(formatPath(base), 'BAD_TIME', `the window ends (${nsToIso(e)}) before it starts (${nsToIso(s)})`));
        continue;
      }
      windowStart = windowStart === undefined || s < windowStart ? s : windowStart;
      windowEnd = windowEnd === undefined || e > windowEnd ? e : windowEnd;
      const gaps = missingIntervals(intervals, s, e).filter((g) => g.last - g.first + 1n > tolerance);
      if (gaps.length > 0) {
        findings.push(
          finding(
            formatPath(base),
            'WINDOW_UNCOVERED',
            `${descriptor.className} ${id}: the catalog does not cover ${describeGaps(gaps)} of the window ${nsToIso(s)} .. ${nsToIso(e)}; it holds ${describeGaps(held)} — fetch the missing data or narrow start_time/end_time`,
          ),
        );
      }
    }
  }

  checkComponentConfigs(config, allInstruments, loadedBarTypes, haveCatalog, findings);
  const window = windowStart !== undefined && windowEnd !== undefined ? { start: windowStart, end: windowEnd } : undefined;
  return window ? { findings, window } : { findings };
}

/** Strategies' and actors' own configs: the instruments and bar types they ask for. */
function checkComponentConfigs(config: JsonObject, instruments: Set<string>, loadedBarTypes: Set<string>, haveCatalog: boolean, findings: Finding[]): void {
  const engine = config['engine'];
  if (!isJsonObject(engine) || !haveCatalog) return;
  for (const group of ['strategies', 'actors', 'exec_algorithms'] as const) {
    const list = engine[group];
    if (!Array.isArray(list)) continue;
    for (const [k, item] of list.entries()) {
      if (!isJsonObject(item) || !isJsonObject(item['config'])) continue;
      const base = ['engine', group, k, 'config'];
      const cfg = item['config'];
      if (typeof cfg['instrument_id'] === 'string') knownInstrument(cfg['instrument_id'], [...base, 'instrument_id'], instruments, 'the data catalogs', findings);
      for (const [j, id] of strings(cfg['instrument_ids'])) knownInstrument(id, [...base, 'instrument_ids', j], instruments, 'the data catalogs', findings);
      const barTypes: Array<[string, Array<string | number>]> = [];
      if (typeof cfg['bar_type'] === 'string') barTypes.push([cfg['bar_type'], [...base, 'bar_type']]);
      for (const [j, text] of strings(cfg['bar_types'])) barTypes.push([text, [...base, 'bar_types', j]]);
      for (const [text, path] of barTypes) {
        const parsed = tryParseBarType(text);
        if (!parsed.ok) continue;
        if (!knownInstrument(parsed.value.instrumentId.value, path, instruments, 'the data catalogs', findings)) continue;
        if (group === 'strategies' && parsed.value.aggregationSource === 'EXTERNAL' && !loadedBarTypes.has(parsed.value.value)) {
          findings.push(
            finding(formatPath(path), 'BAR_TYPE_NOT_LOADED', `no data config loads ${parsed.value.value}, so the strategy will see no such bars; loaded bar types: ${[...loadedBarTypes].join(', ') || '(none)'}`),
          );
        }
      }
    }
  }
}

function knownInstrument(id: string, path: Array<string | number>, instruments: Set<string>, where: string, findings: Finding[]): boolean {
  if (instruments.has(id)) return true;
  const close = closeNames(id, instruments).slice(0, 2);
  const hint = close[0] ? `; did you mean ${close.join(' or ')}?` : instruments.size > 0 && instruments.size <= 10 ? `; it has ${[...instruments].sort().join(', ')}` : '';
  findings.push(
    finding(formatPath(path), 'UNKNOWN_INSTRUMENT', `instrument ${id} is not in ${where}${hint} (BacktestNode needs the instrument definition in the same catalog, else it silently loads nothing)`, close[0] ? { suggestion: close[0] } : {}),
  );
  return false;
}

/** The view of `root`, opened on first use; the promise is stored so concurrent checks share it. */
function openView(root: string, views: CatalogViews): Promise<CatalogView | null> {
  let view = views.get(root);
  if (!view) {
    view = loadView(root);
    views.set(root, view);
  }
  return view;
}

async function loadView(root: string): Promise<CatalogView | null> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) return null;
  const records = await readInstruments(root);
  const catalog = await Catalog.open(root);
  let listing: Promise<CatalogListing[]> | undefined;
  const intervals = new Map<string, Promise<Interval[]>>();
  return {
    instruments: new Set(records.map((r) => String(r['id']))),
    list: () => (listing ??= catalog.list()),
    intervals: (type, identifier) => {
      const key = `${type}/${identifier}`;
      let found = intervals.get(key);
      if (!found) {
        found = catalog.intervals(type, identifier);
        intervals.set(key, found);
      }
      return found;
    },
  };
}

/** The bar-type folders of an instrument (what a one-shot prefix query loads). */
async function barFolders(view: CatalogView, instrumentId: string): Promise<string[]> {
  const prefix = `${escapeIdentifier(instrumentId)}-`;
  const listings = await view.list();
  return [...new Set(listings.filter((l) => l.descriptor?.key === 'bar' && l.identifier.startsWith(prefix)).map((l) => l.identifier))].sort();
}

function* strings(value: JsonValue | undefined): Generator<[number, string]> {
  if (!Array.isArray(value)) return;
  for (const [j, item] of value.entries()) if (typeof item === 'string') yield [j, item];
}

/** A time field as ns: integers are ns (as NautilusTrader reads them), strings ISO-8601 or ns digits. */
function timeAt(owner: JsonObject, key: [string], findings: Finding[], base: ReadonlyArray<string | number> = []): bigint | undefined {
  const value = owner[key[0]];
  if (value === undefined || value === null) return undefined;
  try {
    if (typeof value === 'bigint') return parseTimeArg(value.toString());
    if (typeof value === 'number' && Number.isInteger(value)) return parseTimeArg(String(value));
    if (typeof value === 'string') return parseTimeArg(value);
  } catch {
    // reported below
  }
  findings.push(finding(formatPath([...base, key[0]]), 'BAD_TIME', `must be ISO-8601 (like 2024-01-02T00:00:00Z) or integer nanoseconds, was ${JSON.stringify(typeof value === 'bigint' ? value.toString() : value)}`));
  return undefined;
}

function latest(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined ? b : b === undefined ? a : a > b ? a : b;
}

function earliest(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined ? b : b === undefined ? a : a < b ? a : b;
}

/** One bar of a time-aggregated bar type, else one minute. */
function defaultTolerance(series: string | undefined): bigint {
  return barStepNs(series) ?? NS_PER_MINUTE;
}

function describeGaps(list: readonly Interval[]): string {
  const shown = list.slice(0, 3).map((g) => `${nsToIso(g.first)} .. ${nsToIso(g.last)}`);
  return list.length > 3 ? `${shown.join(', ')} and ${list.length - 3} more` : shown.join(', ');
}
