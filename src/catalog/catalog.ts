/**
 * The catalog as one object: open a root, list it, read and write market data, and keep it
 * tidy. A thin facade over layout, reader, writer and upkeep; every range argument of our own
 * API is half-open `[start, end)` in ns, while `intervals`/`missingIntervals` report the
 * catalog's closed `[first, last]` file intervals exactly as NautilusTrader does.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type FrameMeta, type MarketDataType, concatFrames } from '../model/frames.js';
import type { FolderScheme } from './data-types.js';
import { planFileDecoding } from './frame-decode.js';
import type { Interval } from './intervals.js';
import { type CatalogFile, type CatalogListing, CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';
import { type ReadOptions, marketType, readFrames } from './reader.js';
import { catalogStats, type DayStats } from './stats.js';
import { type ConsolidateOptions, type UpkeepResult, consolidate, deleteRange, resetFileNames } from './upkeep.js';
import { type VerifyReport, verifyCatalog } from './verify.js';
import { type WriteOptions, type WrittenFile, writeFrames } from './writer.js';

export interface CatalogOptions {
  /** Fixed-point width of the NautilusTrader build served: 16 (Linux/macOS wheels) or 8. Detected from existing files when omitted. */
  readonly width?: FixedWidth;
  /** Folder names for types the catalog has no folder for yet (default py1222). */
  readonly scheme?: FolderScheme;
}

export class Catalog {
  readonly layout: CatalogLayout;

  private constructor(
    readonly root: string,
    readonly width: FixedWidth,
    readonly scheme: FolderScheme | undefined,
  ) {
    this.layout = new CatalogLayout(root);
  }

  /** Opens (without creating) a catalog root; a missing root is an empty catalog. */
  static async open(root: string, options: CatalogOptions = {}): Promise<Catalog> {
    const width = options.width ?? (await detectWidth(new CatalogLayout(root))) ?? 16;
    return new Catalog(root, width, options.scheme);
  }

  list(): Promise<CatalogListing[]> {
    return this.layout.listAll();
  }

  /** Streams frames of a type (folder or class name) for an instrument id or bar type. */
  read<T extends MarketDataType>(type: T | string, identifier: string, options: Omit<ReadOptions, 'width'> = {}): AsyncGenerator<Frame<T>> {
    const key = marketType(type).key as T;
    return readFrames(this.layout, key, identifier, { ...options, width: this.width });
  }

  /** Reads a whole window into one frame (convenience for small windows). */
  async readAll<T extends MarketDataType>(type: T | string, identifier: string, options: Omit<ReadOptions, 'width'> = {}): Promise<Frame<T> | undefined> {
    const frames: Frame<T>[] = [];
    for await (const frame of this.read<T>(type, identifier, options)) frames.push(frame);
    return frames.length === 0 ? undefined : concatFrames(frames);
  }

  /** Writes frames (all of one metadata) as one new file. */
  write<T extends MarketDataType>(frames: Frame<T> | Frame<T>[], options: WriteOptions = {}): Promise<WrittenFile> {
    const list = Array.isArray(frames) ? frames : [frames];
    const first = list[0];
    if (!first) throw new RangeError('write needs at least one frame');
    return writeFrames(this.root, first.type, this.width, first.meta, list, { ...(this.scheme ? { scheme: this.scheme } : {}), ...options });
  }

  /** Writes a stream of frames as one new file; checked for overlap before it becomes visible. */
  writeStream<T extends MarketDataType>(type: T, meta: FrameMeta, frames: AsyncIterable<Frame<T>>, options: WriteOptions = {}): Promise<WrittenFile> {
    return writeFrames(this.root, type, this.width, meta, frames, { ...(this.scheme ? { scheme: this.scheme } : {}), ...options });
  }

  /** The files of a type and identifier, sorted by interval (legacy names last); `read` takes them back as `files`. */
  files(type: string, identifier: string): Promise<CatalogFile[]> {
    return this.layout.filesFor(type, identifier);
  }

  /** Closed intervals from file names, sorted (Nautilus' get_intervals). */
  intervals(type: string, identifier: string): Promise<Interval[]> {
    return this.layout.intervals(type, identifier);
  }

  /** Closed gaps of the closed request [start, end] (Nautilus' get_missing_intervals_for_request). */
  missingIntervals(type: string, identifier: string, start: bigint, end: bigint): Promise<Interval[]> {
    return this.layout.missingIntervals(type, identifier, start, end);
  }

  consolidate(type: string, identifier: string | undefined, options?: ConsolidateOptions): Promise<UpkeepResult> {
    return consolidate(this.layout, marketType(type).key, identifier, this.width, options);
  }

  resetFileNames(type: string, identifier?: string): Promise<Array<{ from: string; to: string }>> {
    return resetFileNames(this.layout, marketType(type).key, identifier);
  }

  /** Deletes rows with start <= ts_init < end, splitting files as needed. */
  deleteRange(type: string, identifier: string, start: bigint, end: bigint): Promise<UpkeepResult> {
    return deleteRange(this.layout, marketType(type).key, identifier, start, end, this.width);
  }

  stats(): Promise<DayStats[]> {
    return catalogStats(this.layout);
  }

  verify(): Promise<VerifyReport> {
    return verifyCatalog(this.layout, this.width);
  }
}

/** Returns the width of the first market data file found, if any. */
async function detectWidth(layout: CatalogLayout): Promise<FixedWidth | undefined> {
  for (const listing of await layout.listAll()) {
    if (listing.descriptor?.kind !== 'market' || listing.files === 0) continue;
    const [first] = await layout.listFiles(listing.folder, listing.identifier);
    if (!first) continue;
    const file = await openCatalogFile(first.path);
    try {
      return (await planFileDecoding(file, listing.descriptor.key)).width;
    } finally {
      await file.close();
    }
  }
  return undefined;
}
