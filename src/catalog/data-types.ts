/**
 * The registry of catalog data types: NautilusTrader class names and every folder name each
 * type can have under `<root>/data/` (spec §1.2).
 *
 * Three naming schemes exist on disk, and one catalog may hold more than one of them:
 *
 * | scheme   | written by                                   | example (deltas)      |
 * |----------|----------------------------------------------|-----------------------|
 * | `py1221` | Python `ParquetDataCatalog` up to 1.221.x    | `order_book_delta`    |
 * | `py1222` | Python `ParquetDataCatalog` from 1.222.0     | `order_book_deltas`   |
 * | `rust`   | Rust catalog (`impl_catalog_path_prefix!`)   | `order_book_deltas`   |
 *
 * Readers look in every candidate folder; writers reuse the folder a catalog already has.
 */
import type { MarketDataType } from '../model/frames.js';
import { CatalogError } from './errors.js';

export type FolderScheme = 'py1221' | 'py1222' | 'rust';
export type DataKind = 'market' | 'instrument' | 'other';

export interface FolderNames {
  readonly py1221: string;
  readonly py1222: string;
  readonly rust: string;
}

interface DescriptorBase {
  /** The NautilusTrader class name, for example `QuoteTick`. */
  readonly className: string;
  /** Other class names that share this type's folder (`OrderBookDeltas`). */
  readonly aliases: readonly string[];
  readonly folders: FolderNames;
}

/** A type we decode into frames; `key` is the frame type. */
export interface MarketDataDescriptor extends DescriptorBase {
  readonly kind: 'market';
  readonly key: MarketDataType;
}

/** An instrument class, or a known data type we list but do not decode. */
export interface OtherDataDescriptor extends DescriptorBase {
  readonly kind: 'instrument' | 'other';
  /** The Python 1.221.0 folder name, used as a stable key. */
  readonly key: string;
}

export type DataTypeDescriptor = MarketDataDescriptor | OtherDataDescriptor;

const SCHEMES: readonly FolderScheme[] = ['py1222', 'py1221', 'rust'];

function market(key: MarketDataType, className: string, py1222: string, rust: string, aliases: string[] = []): MarketDataDescriptor {
  return { kind: 'market', key, className, aliases, folders: { py1221: key, py1222, rust } };
}

function other(key: string, className: string, py1222: string, rust: string): OtherDataDescriptor {
  return { kind: 'other', key, className, aliases: [], folders: { py1221: key, py1222, rust } };
}

/** Python folder of an instrument class: heck-style snake_case of the class name, as `class_to_filename` does. */
function snakeCase(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

// The Rust catalog at HEAD puts every instrument class in one folder (spec §1.1).
const RUST_INSTRUMENTS = 'instruments';

function instrument(className: string): OtherDataDescriptor {
  const folder = snakeCase(className);
  return { kind: 'instrument', key: folder, className, aliases: [], folders: { py1221: folder, py1222: folder, rust: RUST_INSTRUMENTS } };
}

/** Instrument classes of NautilusTrader 1.221.0 (`nautilus_trader.model.instruments`). */
export const INSTRUMENT_CLASS_NAMES = [
  'BettingInstrument', 'BinaryOption', 'Cfd', 'Commodity', 'CryptoFuture', 'CryptoOption',
  'CryptoPerpetual', 'CurrencyPair', 'Equity', 'FuturesContract', 'FuturesSpread',
  'IndexInstrument', 'OptionContract', 'OptionSpread', 'SyntheticInstrument',
] as const;

/** Every known data type. Folder names are lowercase; class names are case-sensitive. */
export const DATA_TYPES: readonly DataTypeDescriptor[] = [
  market('quote_tick', 'QuoteTick', 'quote_tick', 'quotes'),
  market('trade_tick', 'TradeTick', 'trade_tick', 'trades'),
  market('bar', 'Bar', 'bar', 'bars'),
  market('order_book_delta', 'OrderBookDelta', 'order_book_deltas', 'order_book_deltas', ['OrderBookDeltas']),
  other('order_book_depth10', 'OrderBookDepth10', 'order_book_depths', 'order_book_depths'),
  other('mark_price_update', 'MarkPriceUpdate', 'mark_price_update', 'mark_prices'),
  other('index_price_update', 'IndexPriceUpdate', 'index_price_update', 'index_prices'),
  other('instrument_close', 'InstrumentClose', 'instrument_close', 'instrument_closes'),
  other('instrument_status', 'InstrumentStatus', 'instrument_status', 'instrument_status'),
  // The abstract class: the only type the Rust `instruments` folder can resolve to.
  { kind: 'instrument', key: 'instrument', className: 'Instrument', aliases: [], folders: { py1221: 'instrument', py1222: 'instrument', rust: RUST_INSTRUMENTS } },
  ...INSTRUMENT_CLASS_NAMES.map(instrument),
];

const BY_CLASS = new Map<string, DataTypeDescriptor>();
const BY_FOLDER = new Map<string, DataTypeDescriptor>();
for (const descriptor of DATA_TYPES) {
  for (const name of [descriptor.className, ...descriptor.aliases]) BY_CLASS.set(name, descriptor);
  // First registration wins, so the shared `instruments` folder maps to `Instrument`.
  for (const folder of folderCandidates(descriptor)) if (!BY_FOLDER.has(folder)) BY_FOLDER.set(folder, descriptor);
}

/**
 * Returns the descriptor for a class name (`QuoteTick`, case-sensitive) or a folder name of
 * any scheme (`quote_tick`, `quotes`), or null when the text names no known type.
 */
export function tryResolveDataType(text: string): DataTypeDescriptor | null {
  return BY_CLASS.get(text) ?? BY_FOLDER.get(text) ?? null;
}

/**
 * Returns the descriptor for a class name or a folder name of any scheme.
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE` listing the valid names when the text names no
 * known type.
 */
export function resolveDataType(text: string): DataTypeDescriptor {
  const descriptor = tryResolveDataType(text);
  if (descriptor) return descriptor;
  throw new CatalogError(
    'CATALOG_UNKNOWN_TYPE',
    `unknown data type, was ${JSON.stringify(text)}; use a class name (${[...BY_CLASS.keys()].join(', ')}) ` +
      `or a folder name (${[...BY_FOLDER.keys()].join(', ')})`,
  );
}

/** Returns the distinct folder names to look for when reading a type, newest Python scheme first. */
export function folderCandidates(descriptor: DataTypeDescriptor): string[] {
  return [...new Set(SCHEMES.map((scheme) => descriptor.folders[scheme]))];
}

/**
 * Returns the folder to write a type into: a candidate folder the catalog already has
 * (`existingFolders` are the names under `<root>/data`), else the folder of `scheme`, else
 * the Python ≥ 1.222 name.
 *
 * When several candidates exist, the one of `scheme` wins, then py1222, py1221, rust.
 * NautilusTrader 1.221.0 reads only py1221 names, so callers targeting it pass `py1221`.
 */
export function chooseWriteFolder(descriptor: DataTypeDescriptor, existingFolders: readonly string[], scheme?: FolderScheme): string {
  const existing = new Set(existingFolders);
  const preferred = scheme ? [scheme, ...SCHEMES.filter((s) => s !== scheme)] : SCHEMES;
  for (const s of preferred) {
    const folder = descriptor.folders[s];
    if (existing.has(folder)) return folder;
  }
  return descriptor.folders[scheme ?? 'py1222'];
}
