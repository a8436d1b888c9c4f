/**
 * `seamless catalog <verb>`: thin wrappers that parse flags, call the Catalog, print.
 */
import { Catalog } from '../catalog/catalog.js';
import type { FolderScheme } from '../catalog/data-types.js';
import { nsToRfc3339 } from '../catalog/file-names.js';
import { marketType } from '../catalog/reader.js';
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type MarketDataType, tsInitOf } from '../model/frames.js';
import { RowError, frameCsvHeader, frameRowFields, frameRowRecord, frameRowToCsv, frameRowToJson, rowsToFrame } from '../model/frame-rows.js';
import { parseBarType } from '../model/identifiers.js';
import { type DurationGrammar, NS_PER_DAY } from '../model/time.js';
import { UsageError, catalogPath, choiceFlag, durationFlag, intFlag, parseVerbArgs, positional, timeFlag } from './args.js';
import { readRowChunks } from './input-rows.js';
import { type Output, printTable } from './output.js';

export const CATALOG_USAGE = `seamless catalog <verb> [--catalog PATH]

  ls [--json]                                   types, identifiers, files, first/last times
  read <type> <id> [--start T] [--end T] [--limit N] [--format ndjson|csv|table]
  write <type> <id> --from FILE.csv|FILE.ndjson --price-precision P --size-precision S
        [--bar-type B] [--width 8|16] [--compression snappy|zstd] [--scheme py1221|py1222|rust]
  intervals <type> <id> [--missing --start T --end T] [--json]
  consolidate <type> [<id>] [--period 1d|1h|...] [--fill-periods] [--dedup]
  reset-names <type> [<id>]
  delete <type> <id> --start T --end T
  verify [--json]
  stats [--json]

<type>: bar, quote_tick, trade_tick, order_book_delta (or Bar, QuoteTick, TradeTick, OrderBookDelta,
or the Rust names bars, quotes, trades, order_book_deltas). <id>: instrument id, or bar type for bars.
T: nanoseconds or ISO-8601; --start is inclusive, --end exclusive.`;

export async function runCatalogCommand(argv: string[], out: Output): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'ls':
      return ls(rest, out);
    case 'read':
      return read(rest, out);
    case 'write':
      return write(rest, out);
    case 'intervals':
      return intervals(rest, out);
    case 'consolidate':
      return consolidate(rest, out);
    case 'reset-names':
      return resetNames(rest, out);
    case 'delete':
      return deleteRange(rest, out);
    case 'verify':
      return verify(rest, out);
    case 'stats':
      return stats(rest, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out.write(`${CATALOG_USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown catalog verb "${verb}"`);
  }
}

async function openCatalog(flag: string | undefined, width?: FixedWidth, scheme?: FolderScheme): Promise<Catalog> {
  return Catalog.open(catalogPath(flag), { ...(width ? { width } : {}), ...(scheme ? { scheme } : {}) });
}

const time = (ns: bigint | null) => (ns === null ? '' : nsToRfc3339(ns));

async function ls(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { json: { type: 'boolean' } }, CATALOG_USAGE);
  const catalog = await openCatalog(values.catalog);
  const rows = await catalog.list();
  if (values.json) {
    out.write(`${JSON.stringify(rows.map((r) => ({ type: r.folder, class: r.descriptor?.className ?? null, identifier: r.identifier, files: r.files, first: r.first?.toString() ?? null, last: r.last?.toString() ?? null, bytes: r.bytes })), null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    out.write(`catalog ${catalog.root} is empty\n`);
    return 0;
  }
  printTable(out, ['type', 'identifier', 'files', 'first', 'last', 'bytes'], rows.map((r) => [r.folder, r.identifier, String(r.files), time(r.first), time(r.last), String(r.bytes)]));
  return 0;
}

async function read(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { start: { type: 'string' }, end: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } }, CATALOG_USAGE);
  const type = positional(positionals, 0, '<type>');
  const id = positional(positionals, 1, '<id>');
  const format = choiceFlag('format', values.format, ['ndjson', 'csv', 'table'] as const) ?? 'ndjson';
  const limit = intFlag('limit', values.limit) ?? Infinity;
  const start = timeFlag('start', values.start);
  const end = timeFlag('end', values.end);
  const catalog = await openCatalog(values.catalog);
  const key = marketType(type).key;
  let printed = 0;
  const table: string[][] = [];
  if (format === 'csv') await out.writeAsync(`${frameCsvHeader(key)}\n`);
  for await (const frame of catalog.read(key, id, { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) })) {
    const n = Math.min(frame.length, limit - printed);
    if (format === 'table') {
      for (let i = 0; i < n; i++) table.push(Object.values(frameRowRecord(frame, i)).map(String));
    } else {
      let text = '';
      for (let i = 0; i < n; i++) text += `${format === 'csv' ? frameRowToCsv(frame, i) : frameRowToJson(frame, i)}\n`;
      await out.writeAsync(text);
    }
    printed += n;
    if (printed >= limit) break;
  }
  if (format === 'table') printTable(out, ['type', key === 'bar' ? 'bar_type' : 'instrument_id', ...frameRowFields(key).slice(2)], table);
  return 0;
}

async function write(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    from: { type: 'string' },
    'price-precision': { type: 'string' },
    'size-precision': { type: 'string' },
    'bar-type': { type: 'string' },
    width: { type: 'string' },
    compression: { type: 'string' },
    scheme: { type: 'string' },
  }, CATALOG_USAGE);
  const key = marketType(positional(positionals, 0, '<type>')).key;
  const id = positional(positionals, 1, '<id>');
  if (!values.from) throw new UsageError('--from FILE.csv|FILE.ndjson is required');
  const width = (Number(choiceFlag('width', values.width, ['8', '16'] as const) ?? '16') as FixedWidth);
  const pricePrecision = intFlag('price-precision', values['price-precision'], { max: width === 8 ? 9 : 16 });
  const sizePrecision = intFlag('size-precision', values['size-precision'], { max: width === 8 ? 9 : 16 });
  if (pricePrecision === undefined || sizePrecision === undefined) throw new UsageError('--price-precision and --size-precision are required');
  const compression = choiceFlag('compression', values.compression, ['snappy', 'zstd'] as const) ?? 'snappy';
  const scheme = choiceFlag('scheme', values.scheme, ['py1221', 'py1222', 'rust'] as const);
  let barType = values['bar-type'];
  let instrumentId = id;
  if (key === 'bar') {
    barType ??= id;
    instrumentId = parseBarType(barType).instrumentId.value;
  }
  const source = values.from;
  const options = { width, pricePrecision, sizePrecision, instrumentId, ...(barType ? { barType } : {}) };
  const frames = async function* (): AsyncGenerator<Frame<MarketDataType>> {
    let previous: bigint | undefined;
    for await (const chunk of readRowChunks(source)) {
      const frame = rowsToFrame(key, chunk.records, { ...options, lineNumbers: chunk.lines }, source);
      const ts = tsInitOf(frame);
      for (let i = 0; i < ts.length; i++) {
        if (previous !== undefined && ts[i]! < previous) {
          throw new RowError(source, chunk.lines[i]!, 'ts_init', `${ts[i]} is before the previous row's ${previous}; sort the input by ts_init`);
        }
        previous = ts[i]!;
      }
      yield frame;
    }
  };
  const catalog = await openCatalog(values.catalog, width, scheme);
  const first = await frames().next();
  if (first.done) throw new UsageError(`${source} has no rows`);
  const written = await catalog.writeStream(key, first.value.meta, frames(), { compression });
  out.write(`wrote ${written.rows} rows to ${written.path} (${written.bytes} bytes)\n`);
  return 0;
}

async function intervals(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { missing: { type: 'boolean' }, start: { type: 'string' }, end: { type: 'string' }, json: { type: 'boolean' } }, CATALOG_USAGE);
  const type = positional(positionals, 0, '<type>');
  const id = positional(positionals, 1, '<id>');
  const catalog = await openCatalog(values.catalog);
  let list;
  if (values.missing) {
    const start = timeFlag('start', values.start);
    const end = timeFlag('end', values.end);
    if (start === undefined || end === undefined) throw new UsageError('--missing needs --start and --end');
    if (end <= start) return 0;
    list = await catalog.missingIntervals(type, id, start, end - 1n);
  } else {
    list = await catalog.intervals(type, id);
  }
  if (values.json) out.write(`${JSON.stringify(list.map((i) => [i.first.toString(), i.last.toString()]))}\n`);
  else printTable(out, ['first', 'last', 'first_ns', 'last_ns'], list.map((i) => [nsToRfc3339(i.first), nsToRfc3339(i.last), i.first.toString(), i.last.toString()]));
  return 0;
}

const PERIOD: DurationGrammar = { units: ['s', 'm', 'h', 'd'], positive: true };

async function consolidate(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { period: { type: 'string' }, 'fill-periods': { type: 'boolean' }, dedup: { type: 'boolean' } }, CATALOG_USAGE);
  const type = positional(positionals, 0, '<type>');
  const catalog = await openCatalog(values.catalog);
  const result = await catalog.consolidate(type, positionals[1], { period: durationFlag('period', values.period, PERIOD, ' must look like 1d, 6h, 30m or 10s') ?? NS_PER_DAY, fillPeriods: values['fill-periods'] ?? false, deduplicate: values.dedup ?? false });
  out.write(`consolidated ${result.removed.length} files into ${result.written.length} (${result.rows} rows)\n`);
  for (const path of result.written) out.write(`  ${path}\n`);
  return 0;
}

async function resetNames(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {}, CATALOG_USAGE);
  const catalog = await openCatalog(values.catalog);
  const renamed = await catalog.resetFileNames(positional(positionals, 0, '<type>'), positionals[1]);
  out.write(`renamed ${renamed.length} files\n`);
  for (const { from, to } of renamed) out.write(`  ${from} -> ${to}\n`);
  return 0;
}

async function deleteRange(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { start: { type: 'string' }, end: { type: 'string' } }, CATALOG_USAGE);
  const type = positional(positionals, 0, '<type>');
  const id = positional(positionals, 1, '<id>');
  const start = timeFlag('start', values.start);
  const end = timeFlag('end', values.end);
  if (start === undefined || end === undefined) throw new UsageError('delete needs --start and --end');
  const catalog = await openCatalog(values.catalog);
  const result = await catalog.deleteRange(type, id, start, end);
  out.write(`rewrote ${result.removed.length} files as ${result.written.length} (${result.rows} rows kept)\n`);
  return 0;
}

async function verify(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { json: { type: 'boolean' } }, CATALOG_USAGE);
  const catalog = await openCatalog(values.catalog);
  const report = await catalog.verify();
  if (values.json) out.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    out.write(`verified ${report.files} files, ${report.rows} rows: ${report.issues.length} issue(s)\n`);
    for (const issue of report.issues) out.write(`  ${issue.code} ${issue.path}: ${issue.message}\n`);
  }
  return report.issues.length === 0 ? 0 : 1;
}

async function stats(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { json: { type: 'boolean' } }, CATALOG_USAGE);
  const catalog = await openCatalog(values.catalog);
  const rows = await catalog.stats();
  if (values.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else printTable(out, ['type', 'identifier', 'day', 'files', 'rows', 'bytes'], rows.map((r) => [r.folder, r.identifier, r.day, String(r.files), String(r.rows), String(r.bytes)]));
  return 0;
}
