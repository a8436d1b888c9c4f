/**
 * `seamless capture` as a long-running service:
 *
 *   start:  lock the WAL folder → finish an interrupted day-file swap → cut torn segment
 *           tails → convert every segment left by the previous run → write instrument
 *           definitions → subscribe to every (symbol, channel) → append to the WAL
 *   run:    each live event becomes a WAL record; the first rows of a series after a restart
 *           are preceded by the downtime fill; segments rotate by size and age and are
 *           converted into daily catalog files in the background
 *   stop:   stop the feeds, flush + fsync + seal the open segment, convert, release the lock
 *
 * Everything the daemon reports goes through `log` as one JSON object per event.
 */
import type { Exchange } from 'ccxt';
import { Catalog } from '../../catalog/catalog.js';
import { readInstruments, writeInstrument } from '../../catalog/instruments.js';
import { createCcxtExchange } from '../../exchanges/ccxt-exchange.js';
import { errorText } from '../../exchanges/ccxt-errors.js';
import { frameMeta } from '../../exchanges/ccxt-rows.js';
import { nsToIso } from '../../model/time.js';
import type { Series, SeriesFrame } from '../../seamless/series.js';
import { Symbology } from '../../seamless/symbology.js';
import { CcxtBackfiller } from '../../sources/ccxt-backfiller.js';
import { CcxtLiveFeed, SEQUENTIAL_TRADE_IDS } from '../../sources/ccxt-live-feed.js';
import type { Server } from 'node:http';
import { type Channel, CaptureMetrics, serveMetrics } from './capture-metrics.js';
import { type CaptureState, loadState } from './capture-state.js';
import { ConversionQueue } from './conversion-queue.js';
import { fillDowntime, withoutRecorded } from './downtime-fill.js';
import { GapLedger, gapLedgerDir } from './gap-ledger.js';
import { instrumentFromMarket } from './instrument-definition.js';
import type { StreamDecl } from './record-codec.js';
import { SegmentConverter } from './segment-converter.js';
import { SeriesClaims } from './series-claims.js';
import { lockWal, recoverWal } from './wal-recovery.js';
import { WriteAheadLog } from './write-ahead-log.js';

export interface CaptureOptions {
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly channels: readonly Channel[];
  /** Bar timeframe (ccxt), for the bars channel. */
  readonly timeframe: string;
  readonly catalogRoot: string;
  readonly walDir: string;
  readonly segmentBytes: number;
  readonly segmentSeconds: number;
  readonly fsyncMs: number;
  /** Serve /metrics on 127.0.0.1 at this port (0: a free one); none when undefined. */
  readonly metricsPort?: number;
  readonly restUrl?: string;
  readonly wsUrl?: string;
  readonly log: (event: Record<string, unknown>) => void;
}

const CHANNEL_KIND = { trades: 'tick', quotes: 'quote', bars: 'ohlcv' } as const;
const MS = 1_000_000n;

interface Stream {
  readonly series: Series;
  readonly channel: Channel;
  readonly decl: StreamDecl;
}

export class CaptureDaemon {
  readonly metrics = new CaptureMetrics();
  /** Resolves when the daemon stopped; rejects if a feed failed for good (after a clean stop). */
  readonly done: Promise<void>;
  metricsPort: number | undefined;
  readonly #options: CaptureOptions;
  readonly #stop = new AbortController();
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  #wal: WriteAheadLog | undefined;
  #queue: ConversionQueue | undefined;
  #state: CaptureState | undefined;
  #exchanges: Exchange[] = [];
  #server: Server | undefined;
  #unlock: (() => Promise<void>) | undefined;
  #claims: SeriesClaims | undefined;
  #consumers: Promise<void>[] = [];
  #stopping: Promise<void> | undefined;
  #fatal: unknown;

  private constructor(options: CaptureOptions) {
    this.#options = options;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => undefined);
  }

  /** Recovers the WAL, subscribes to every stream, and runs until `stop()`. */
  static async start(options: CaptureOptions): Promise<CaptureDaemon> {
    const daemon = new CaptureDaemon(options);
    try {
      await daemon.#start();
    } catch (error) {
      await daemon.#shutdown().catch(() => undefined);
      throw error;
    }
    return daemon;
  }

  /** Stops cleanly: feeds off, WAL flushed, synced and sealed, segments converted. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown().then(
      () => (this.#fatal === undefined ? this.#resolveDone() : this.#rejectDone(this.#fatal)),
      (error: unknown) => this.#rejectDone(error),
    );
    return this.done;
  }

  async #start(): Promise<void> {
    const o = this.#options;
    this.#unlock = await lockWal(o.walDir);
    // Claim every series this run records before touching the catalog, so a second capture
    // of the same series into it is refused up front; series met only in recovered segments
    // are claimed by the converter before it writes them.
    const claims = (this.#claims = new SeriesClaims(o.catalogRoot));
    const symbology = new Symbology();
    const planned = o.symbols.flatMap((symbol) => o.channels.map((channel) => ({ channel, series: symbology.series(seriesName(o, symbol, channel)) })));
    for (const { series } of planned) await claims.claim(series.nodeId);
    const catalog = await Catalog.open(o.catalogRoot);
    const state = (this.#state = await loadState(o.walDir));
    const converter = new SegmentConverter({ catalogRoot: o.catalogRoot, walDir: o.walDir, width: catalog.width, state, gaps: new GapLedger(gapLedgerDir(o.catalogRoot)), claim: (nodeId) => claims.claim(nodeId) });
    await converter.finishPending();
    const recovered = await recoverWal(o.walDir);
    for (const segment of recovered.segments) {
      o.log({ event: 'recovered', segment: segment.path, records: segment.recordCount, truncatedBytes: segment.truncatedBytes, ...(segment.damage ? { damage: segment.damage.reason } : {}), ...(segment.keptAside ? { keptAside: segment.keptAside } : {}) });
    }
    this.#queue = new ConversionQueue(converter, this.metrics, {
      converted: (r) => o.log({ event: 'converted', segment: r.path, rows: r.rows, skipped: r.skipped, gaps: r.gaps, files: r.files }),
      failed: (path, error) => o.log({ event: 'conversion-failed', segment: path, error: errorText(error) }),
    });
    for (const segment of recovered.segments) this.#queue.enqueue(segment.path);
    const failure = await this.#queue.drain();
    if (failure !== undefined) throw failure;
    // Series met only in recovered segments are converted now: another capture may take them.
    await claims.releaseAllBut(new Set(planned.map((p) => p.series.nodeId)));

    const ws = createCcxtExchange(o.exchange, { ...(o.restUrl ? { restUrl: o.restUrl } : {}), ...(o.wsUrl ? { wsUrl: o.wsUrl } : {}) });
    const rest = createCcxtExchange(o.exchange, { ...(o.restUrl ? { restUrl: o.restUrl } : {}), ...(o.wsUrl ? { wsUrl: o.wsUrl } : {}) });
    this.#exchanges = [ws, rest];
    const backfiller = new CcxtBackfiller({ exchange: rest, width: catalog.width });
    const feed = new CcxtLiveFeed({ exchange: ws, backfiller, width: catalog.width });
    const streams: Stream[] = [];
    const nowNs = BigInt(Date.now()) * MS;
    const defined = new Set<string>();
    for (const { series, channel } of planned) {
      const info = await backfiller.marketOf(series, this.#stop.signal);
      const context = backfiller.rowContext(series, info, 'websocket');
      streams.push({ series, channel, decl: { nodeId: series.nodeId, type: series.dataType, width: catalog.width, meta: frameMeta(context) } });
      if (!defined.has(series.instrumentId)) {
        defined.add(series.instrumentId);
        await this.#defineInstrument(series, info, nowNs);
      }
    }

    this.#wal = new WriteAheadLog({
      dir: o.walDir,
      nextSeq: (state.lastSeq > recovered.lastSeq ? state.lastSeq : recovered.lastSeq) + 1n,
      segmentBytes: o.segmentBytes,
      segmentMs: o.segmentSeconds * 1000,
      fsyncMs: o.fsyncMs,
      onSealed: (segment) => this.#queue!.enqueue(segment.path),
      observer: {
        flushed: (bytes) => this.metrics.walFlushed(bytes),
        synced: () => this.metrics.walSynced(),
        rotated: (segment) => {
          this.metrics.rotated(segment);
          o.log({ event: 'rotated', segment: segment.path, reason: segment.reason, records: segment.records, bytes: segment.bytes });
        },
      },
    });
    if (o.metricsPort !== undefined) {
      const served = await serveMetrics(this.metrics, o.metricsPort);
      this.#server = served.server;
      this.metricsPort = served.port;
    }
    const sequential = SEQUENTIAL_TRADE_IDS.has(o.exchange);
    this.#consumers = streams.map((stream) => this.#consume(feed, stream, sequential).catch((error: unknown) => this.#fail(stream, error)));
    o.log({ event: 'started', exchange: o.exchange, streams: streams.map((s) => s.series.nodeId), catalog: o.catalogRoot, wal: o.walDir, ...(this.metricsPort !== undefined ? { metricsPort: this.metricsPort } : {}) });
  }

  async #defineInstrument(series: Series, info: Parameters<typeof instrumentFromMarket>[1], nowNs: bigint): Promise<void> {
    const o = this.#options;
    const known = await readInstruments(o.catalogRoot, { ids: [series.instrumentId] });
    if (known.length > 0) return;
    const record = instrumentFromMarket(series, info, nowNs);
    if (!record) {
      o.log({ event: 'no-instrument', instrumentId: series.instrumentId, reason: `ccxt market type ${info.market?.type} has no NautilusTrader definition here; the data is captured, load the instrument from elsewhere` });
      return;
    }
    const written = await writeInstrument(o.catalogRoot, record);
    o.log({ event: 'instrument', instrumentId: series.instrumentId, path: written.path });
  }

  async #consume(feed: CcxtLiveFeed, stream: Stream, sequential: boolean): Promise<void> {
    const { series, channel, decl } = stream;
    const o = this.#options;
    const wal = this.#wal!;
    const signal = this.#stop.signal;
    const position = this.#state!.streams.get(series.nodeId);
    let first = position !== undefined;
    const append = (frame: SeriesFrame): void => {
      if (frame.length === 0) return;
      wal.appendRows(decl, frame, BigInt(Date.now()) * MS);
      this.metrics.received(channel, series.symbol, frame.length);
    };
    const gap = (start: bigint, end: bigint, reason: string): void => {
      wal.appendGap(decl, start, end, reason);
      this.metrics.gap(channel, series.symbol);
      o.log({ event: 'gap', nodeId: series.nodeId, start: nsToIso(start), end: nsToIso(end), reason });
    };
    for await (const event of feed.subscribe(series, signal)) {
      if (wal.failure !== undefined) throw wal.failure;
      switch (event.type) {
        case 'rows': {
          let frame = event.frame;
          if (first && position) {
            first = false;
            frame = withoutRecorded(series, frame, position, sequential);
            if (frame.length === 0) {
              first = true;
              continue;
            }
            for await (const fill of fillDowntime(series, position, frame, feed.backfiller, sequential, signal)) {
              if (fill.type === 'rows') {
                append(fill.frame);
                this.metrics.filled(channel, series.symbol, fill.frame.length);
              } else {
                gap(fill.start, fill.end, fill.reason);
              }
            }
          }
          append(frame);
          break;
        }
        case 'gap':
          gap(event.range.start, event.range.end, event.reason);
          break;
        case 'disconnected':
          this.metrics.disconnected(channel, series.symbol);
          o.log({ event: 'disconnected', nodeId: series.nodeId, reason: event.reason });
          break;
        case 'reconnected':
          this.metrics.reconnected(channel, series.symbol);
          o.log({ event: 'reconnected', nodeId: series.nodeId });
          break;
      }
    }
  }

  /** A feed gave up (or the WAL failed): record why, and stop everything cleanly. */
  #fail(stream: Stream, error: unknown): void {
    if (this.#stop.signal.aborted) return;
    this.#fatal ??= error;
    this.#options.log({ event: 'failed', nodeId: stream.series.nodeId, error: errorText(error) });
    void this.stop();
  }

  async #shutdown(): Promise<void> {
    this.#stop.abort(new Error('capture stopping'));
    await Promise.allSettled(this.#consumers);
    const o = this.#options;
    let conversionError: unknown;
    if (this.#wal) await this.#wal.close();
    if (this.#queue) conversionError = await this.#queue.drain();
    // ccxt's close can wait on sockets that are already gone; do not let it hold the stop.
    await Promise.race([Promise.allSettled(this.#exchanges.map((e) => e.close())), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
    // Claims go after the last conversion and before the WAL lock, the order they were taken in reverse.
    if (this.#claims) await this.#claims.releaseAll();
    if (this.#unlock) await this.#unlock();
    o.log({ event: 'stopped', pendingSegments: this.#queue?.size ?? 0 });
    if (conversionError !== undefined) this.#fatal ??= conversionError;
  }
}

/** The seamless series a (symbol, channel) of this capture records, e.g. `tick:binance:BTC/USDT`. */
function seriesName(o: CaptureOptions, symbol: string, channel: Channel): string {
  const kind = CHANNEL_KIND[channel];
  return `${kind}:${o.exchange}:${symbol}${kind === 'ohlcv' ? `:${o.timeframe}` : ''}`;
}
