/**
 * Streams market data out of a catalog as frames, in `ts_init` order, with bounded memory.
 *
 * 1. Files are chosen by their names' intervals (legacy names always), as Nautilus does.
 * 2. Row groups whose `ts_init` statistics miss the window are skipped unread.
 * 3. Files whose intervals do not overlap are streamed one after another; files that do
 *    overlap are k-way merged by `ts_init` (ties keep file order), holding one row group
 *    per file. Like Nautilus, overlapping rows are merged, not de-duplicated.
 *
 * Windows are half-open `[start, end)` nanoseconds, our API's one convention.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import { type Frame, type MarketDataType, allocFrame, copyRows, sliceFrame, tsInitOf } from '../model/frames.js';
import { type MarketDataDescriptor, resolveDataType } from './data-types.js';
import { CatalogError } from './errors.js';
import { type FileDecoding, WindowFit, decodeRowGroup, planFileDecoding, rowGroupsAgainstWindow } from './frame-decode.js';
import { type CatalogFile, type CatalogLayout, filesIntersecting } from './layout.js';
import { openCatalogFile } from './open-file.js';
import type { ParquetFile } from './parquet/file-reader.js';
import { type TsWindow, chainedRunInWindow, markInWindow, tsWindow } from './ts-window.js';

export interface ReadOptions {
  /** Inclusive lower bound on `ts_init` (ns). */
  readonly start?: bigint;
  /** Exclusive upper bound on `ts_init` (ns). */
  readonly end?: bigint;
  /** Refuse files of the other width (the catalog's NautilusTrader build could not read them). */
  readonly width?: FixedWidth;
  /** Rows per frame produced by the k-way merge of overlapping files. */
  readonly mergeBatchRows?: number;
  /**
   * Take facts while decoding quotes, trades or bars that let the conformance check prove a clean
   * frame without a pass over it (row-group-facts.ts); a few ns a row.
   */
  readonly facts?: boolean;
  /**
   * With `facts`: trade ids proven to count up stay numbers, their strings made only if
   * `trade_id` is read (model/trade-id-numbers.ts), which saves a string a row for readers
   * that seldom read ids (validation). One that reads every id pays more than for eager
   * strings: they are made for a frame that has often outlived a collection by then, so
   * they are promoted with it (about 1.7x the read's time, measured).
   */
  readonly lazyTradeIds?: boolean;
  /**
   * The files of this type and identifier as a listing found them (Catalog.files), read
   * instead of listing the folders again: the history API reads exactly the files its
   * coverage came from.
   */
  readonly files?: readonly CatalogFile[];
}

/** Returns the market data descriptor for a type name, or throws CATALOG_UNKNOWN_TYPE. */
export function marketType(typeText: string): MarketDataDescriptor {
  const descriptor = resolveDataType(typeText);
  if (descriptor.kind !== 'market') {
    throw new CatalogError('CATALOG_UNKNOWN_TYPE', `"${typeText}" is not market data (bar, quote_tick, trade_tick, order_book_delta); read instruments with readInstruments`);
  }
  return descriptor;
}

/** Streams frames of `type` for `identifier` within the window. */
export async function* readFrames<T extends MarketDataType>(layout: CatalogLayout, type: T, identifier: string, options: ReadOptions = {}): AsyncGenerator<Frame<T>> {
  const { start, end } = options;
  if (start !== undefined && end !== undefined && end <= start) return;
  const last = end === undefined ? undefined : end - 1n;
  const files = options.files ? filesIntersecting(options.files, start, last) : await layout.filesFor(type, identifier, start, last);
  const clusters = overlapClusters(files);
  const ahead = new FilesAhead();
  try {
    for (let c = 0; c < clusters.length; c++) {
      const cluster = clusters[c]!;
      if (cluster.length > 1) {
        yield* mergeSorted(cluster.map((f) => readFile(f.path, type, options)), options.mergeBatchRows ?? 8192);
        continue;
      }
      const next = clusters[c + 1];
      yield* ahead.read(cluster[0]!.path, next?.length === 1 ? next[0]!.path : undefined, type, options);
    }
  } finally {
    ahead.close();
  }
}

/**
 * Opens files in turn, the next one (its footer read, and a small file read whole) while the
 * current one is decoded and consumed: a catalog of day files waits on the file system less
 * (a year of 1-minute day files read 2x faster).
 */
export class FilesAhead {
  #ahead: { path: string; file: Promise<ParquetFile> } | undefined;

  /** readFile of `path`, opened ahead if it was the last call's `nextPath`; starts opening `nextPath`. */
  read<T extends MarketDataType>(path: string, nextPath: string | undefined, type: T, options: ReadOptions = {}): AsyncGenerator<Frame<T>> {
    return readFile(path, type, options, this.open(path, nextPath));
  }

  /** Opens `path` (or takes it, opened ahead; one opened ahead for another path is closed), and starts opening `nextPath`. */
  private open(path: string, nextPath: string | undefined): Promise<ParquetFile> {
    const ahead = this.#ahead;
    const file = ahead?.path === path ? ahead.file : openCatalogFile(path);
    if (ahead && ahead.path !== path) closeOpened(ahead.file);
    this.#ahead = nextPath === undefined ? undefined : { path: nextPath, file: openCatalogFile(nextPath) };
    // Its failure is reported to whoever reads it.
    this.#ahead?.file.catch(() => {});
    return file;
  }

  /** Closes the file opened ahead, if any: for a reader that stops early. */
  close(): void {
    if (this.#ahead) closeOpened(this.#ahead.file);
    this.#ahead = undefined;
  }
}

function closeOpened(file: Promise<ParquetFile>): void {
  file.then((opened) => opened.close().catch(() => {}), () => {});
}

/** Groups files (sorted by start) into runs whose closed intervals overlap; legacy files join everything. */
function overlapClusters(files: readonly CatalogFile[]): CatalogFile[][] {
  if (files.some((f) => f.interval === null)) return files.length > 0 ? [[...files]] : [];
  const sorted = [...files].sort((a, b) => (a.interval!.first < b.interval!.first ? -1 : a.interval!.first > b.interval!.first ? 1 : 0));
  const clusters: CatalogFile[][] = [];
  let current: CatalogFile[] = [];
  let reach = -1n;
  for (const file of sorted) {
    if (current.length > 0 && file.interval!.first > reach) {
      clusters.push(current);
      current = [];
    }
    current.push(file);
    reach = current.length === 1 ? file.interval!.last : reach > file.interval!.last ? reach : file.interval!.last;
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/**
 * Streams one file's row groups inside the window, prefetching the next row group. `opened`:
 * the file already being opened (FilesAhead opens the next file ahead); closed here either way.
 */
export async function* readFile<T extends MarketDataType>(path: string, type: T, options: ReadOptions = {}, opened?: Promise<ParquetFile>): AsyncGenerator<Frame<T>> {
  const file = await (opened ?? openCatalogFile(path));
  try {
    const plan = await planFileDecoding(file, type, options.width);
    const { groups, inside, loading } = selectRowGroups(file, plan, options);
    await loading;
    await file.prefetch(groups); // no I/O when `loading` already covered them
    const facts = options.facts === true;
    const lazyIds = facts && options.lazyTradeIds === true;
    let next = groups.length > 0 ? decode(file, plan, groups[0]!, facts, lazyIds) : undefined;
    for (let i = 0; i < groups.length; i++) {
      const current = await next!;
      next = i + 1 < groups.length ? decode(file, plan, groups[i + 1]!, facts, lazyIds) : undefined;
      // Avoid an unhandled rejection if the consumer stops before awaiting `next`.
      next?.catch(() => {});
      const trimmed = inside.has(groups[i]!) ? current : trimToWindow(current, options);
      if (trimmed.length > 0) yield trimmed;
    }
  } finally {
    // Closing a read-only handle loses nothing: the consumer does not wait for it.
    file.close().catch(() => {});
  }
}

function decode<T extends MarketDataType>(file: ParquetFile, plan: FileDecoding<T>, index: number, takeFacts: boolean, lazyTradeIds: boolean): Promise<Frame<T>> {
  return decodeRowGroup(file, plan, index, takeFacts, lazyTradeIds).catch((error: unknown) => {
    if (error instanceof CatalogError) throw error;
    throw new CatalogError('CATALOG_CORRUPT_FILE', `${(error as Error).message}`, { path: file.name, cause: error });
  });
}

/**
 * Returns the row groups whose `ts_init` statistics meet the window, and those of them that
 * lie wholly inside it (their rows need no trimming). A window's groups are usually one run
 * in the middle of a day file. In a sorted file that run is found by binary search
 * (chainedRun); otherwise statistics are checked a block of row groups at a time, and as
 * soon as the run ends its bytes start loading (`loading`) while the remaining blocks are
 * checked.
 */
function selectRowGroups(file: ParquetFile, plan: FileDecoding, { start, end }: ReadOptions): { groups: number[]; inside: Set<number>; loading?: Promise<void> } {
  const window = start === undefined && end === undefined ? undefined : tsWindow(start, end);
  const count = file.rowGroupCount;
  const groups: number[] = [];
  const inside = new Set<number>();
  // A sorted file's groups that meet the window are one run, found by binary search.
  const run = window ? chainedRun(file, plan, window) : undefined;
  const last = run?.to ?? count;
  let loading: Promise<void> | undefined;
  for (let from = run?.from ?? 0; from < last; from += PRUNE_BLOCK) {
    const to = Math.min(last, from + PRUNE_BLOCK);
    const fits = window ? rowGroupsAgainstWindow(file, plan, window, from, to) : undefined;
    for (let i = from; i < to; i++) {
      if (file.rowGroupRows(i) === 0) continue;
      const fit = fits?.[i - from] ?? WindowFit.Overlaps;
      if (fit !== WindowFit.Misses) {
        groups.push(i);
        if (fit === WindowFit.Inside) inside.add(i);
      } else if (!loading && groups.length > 0) {
        loading = file.prefetch(groups.slice());
        loading.catch(() => {}); // awaited by the caller, unless a later block throws first
      }
    }
  }
  return loading ? { groups, inside, loading } : { groups, inside };
}

/**
 * The run of row groups that can meet the window, when the file's `ts_init` statistics are
 * chained (sorted files: parquet/statistics-chain.ts), else undefined and every group is checked.
 */
function chainedRun(file: ParquetFile, plan: FileDecoding, window: TsWindow): { from: number; to: number } | undefined {
  const count = file.rowGroupCount;
  const stats = file.statisticsWords(plan.tsInitColumn, 0, count);
  return file.statisticsChained(plan.tsInitColumn, stats) ? chainedRunInWindow(window, stats.words, stats.first, stats.stride, count) : undefined;
}

/** Row groups whose statistics are checked at a time (see selectRowGroups). */
const PRUNE_BLOCK = 256;

/** Keeps the rows with start <= ts_init < end (a scan, so unsorted files stay correct). */
function trimToWindow<T extends MarketDataType>(frame: Frame<T>, { start, end }: ReadOptions): Frame<T> {
  if (start === undefined && end === undefined) return frame;
  const window = tsWindow(start, end);
  const ts = tsInitOf(frame);
  const words = new Uint32Array(ts.buffer, ts.byteOffset, ts.length * 2);
  const inside = new Uint8Array(ts.length);
  const count = markInWindow(words, window, inside);
  if (count === ts.length) return frame;
  if (count === 0) return sliceFrame(frame, 0, 0);
  const first = inside.indexOf(1);
  const last = inside.lastIndexOf(1);
  if (count === last - first + 1) return sliceFrame(frame, first, last + 1);
  const out = allocFrame(frame.type, frame.width, count, frame.meta);
  for (let i = first, at = 0; i <= last; i++) if (inside[i]) copyRows(frame, i, i + 1, out, at++);
  return out;
}

interface Head<T extends MarketDataType> {
  source: AsyncGenerator<Frame<T>>;
  frame: Frame<T>;
  row: number;
  order: number;
}

/**
 * K-way merge of sorted frame streams by `ts_init`; ties go to the earlier source.
 * Emits frames of up to `batchRows` rows that share one metadata (a change of bar type
 * or precision between sources starts a new frame).
 */
export async function* mergeSorted<T extends MarketDataType>(sources: AsyncGenerator<Frame<T>>[], batchRows: number): AsyncGenerator<Frame<T>> {
  const heads: Head<T>[] = [];
  try {
    for (const [order, source] of sources.entries()) {
      const head = await advance({ source, frame: undefined as unknown as Frame<T>, row: 0, order });
      if (head) heads.push(head);
    }
    let batch: Frame<T> | undefined;
    let filled = 0;
    const flush = function* (): Generator<Frame<T>> {
      if (batch && filled > 0) yield sliceFrame(batch, 0, filled);
      batch = undefined;
      filled = 0;
    };
    while (heads.length > 0) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) {
        const a = tsInitOf(heads[i]!.frame)[heads[i]!.row]!;
        const b = tsInitOf(heads[best]!.frame)[heads[best]!.row]!;
        if (a < b || (a === b && heads[i]!.order < heads[best]!.order)) best = i;
      }
      const head = heads[best]!;
      // Take the run of rows from this head that precede every other head.
      let limit: bigint | undefined;
      let limitOrderBefore = false;
      for (let i = 0; i < heads.length; i++) {
        if (i === best) continue;
        const t = tsInitOf(heads[i]!.frame)[heads[i]!.row]!;
        if (limit === undefined || t < limit) {
          limit = t;
          limitOrderBefore = heads[i]!.order < head.order;
        }
      }
      const ts = tsInitOf(head.frame);
      let runEnd = head.row + 1;
      while (runEnd < head.frame.length && (limit === undefined || ts[runEnd]! < limit || (ts[runEnd] === limit && !limitOrderBefore))) runEnd++;
      let row = head.row;
      while (row < runEnd) {
        if (batch && batch.meta !== head.frame.meta && !sameMeta(batch, head.frame)) yield* flush();
        if (!batch) batch = allocFrame(head.frame.type, head.frame.width, batchRows, head.frame.meta);
        const take = Math.min(runEnd - row, batchRows - filled);
        copyRows(head.frame, row, row + take, batch, filled);
        filled += take;
        row += take;
        if (filled === batchRows) yield* flush();
      }
      head.row = runEnd;
      if (head.row >= head.frame.length) {
        const advanced = await advance(head);
        if (!advanced) heads.splice(best, 1);
      }
    }
    yield* flush();
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}

async function advance<T extends MarketDataType>(head: Head<T>): Promise<Head<T> | undefined> {
  for (;;) {
    const next = await head.source.next();
    if (next.done) return undefined;
    if (next.value.length > 0) {
      head.frame = next.value;
      head.row = 0;
      return head;
    }
  }
}

function sameMeta<T extends MarketDataType>(a: Frame<T>, b: Frame<T>): boolean {
  return a.width === b.width && a.meta.instrumentId === b.meta.instrumentId && a.meta.barType === b.meta.barType && a.meta.pricePrecision === b.meta.pricePrecision && a.meta.sizePrecision === b.meta.sizePrecision;
}
