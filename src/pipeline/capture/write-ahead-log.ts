/**
 * The capture's write-ahead log: a folder of segments, appended in sequence order, rotated
 * by size and by age, each sealed segment handed on for conversion into the catalog.
 *
 * Acknowledgement: `flush()` writes the batched records with one `write()`; from then on a
 * record survives a process crash. `sync()` (every `fsyncMs`, on rotation and on close)
 * makes them survive a power cut. The daemon flushes once per event-loop turn, so a record
 * waits in memory for at most that turn.
 */
import type { SeriesFrame } from '../../seamless/series.js';
import { type StreamDecl, gapPayload, rowsPayloadSize, streamPayload, writeRowsPayload } from './record-codec.js';
import { SegmentWriter } from './wal-segment.js';

export type RotationReason = 'size' | 'time' | 'shutdown';

export interface SealedSegment {
  readonly path: string;
  readonly firstSeq: bigint;
  readonly lastSeq: bigint;
  readonly records: number;
  readonly bytes: number;
  readonly reason: RotationReason;
}

/** Hooks for metrics; every one optional. */
export interface WalObserver {
  flushed?(bytes: number): void;
  synced?(): void;
  rotated?(segment: SealedSegment): void;
}

export interface WalOptions {
  readonly dir: string;
  /** Sequence of the first record this log appends (one past everything already on disk). */
  readonly nextSeq: bigint;
  /** Rotate once a segment reaches this many bytes. */
  readonly segmentBytes: number;
  /** Rotate a segment this many ms after it was opened. */
  readonly segmentMs: number;
  /** Group-commit interval of fdatasync; 0 syncs after every flush. */
  readonly fsyncMs: number;
  /** Called with each sealed (closed, synced) segment, in order. */
  readonly onSealed: (segment: SealedSegment) => void;
  readonly observer?: WalObserver;
}

export class WriteAheadLog {
  readonly #options: WalOptions;
  #segment: SegmentWriter | undefined;
  /** Stream numbers declared in the current segment. */
  #declared = new Map<string, number>();
  #nextSeq: bigint;
  #timer: NodeJS.Timeout | undefined;
  #flushScheduled = false;
  #closed = false;
  /** Rotations and syncs run one at a time. */
  #chain: Promise<unknown> = Promise.resolve();
  #failure: unknown;
  #lastSyncMs = Date.now();

  constructor(options: WalOptions) {
    this.#options = options;
    this.#nextSeq = options.nextSeq;
    const tick = options.fsyncMs > 0 ? Math.min(options.fsyncMs, 1000) : 1000;
    this.#timer = setInterval(() => this.#onTimer(), tick);
    this.#timer.unref();
  }

  /** The sequence the next record gets. */
  get nextSeq(): bigint {
    return this.#nextSeq;
  }

  /** Appends a batch of rows; returns its sequence. Acknowledged once flushed. */
  appendRows(decl: StreamDecl, frame: SeriesFrame, receivedAt: bigint): bigint {
    const segment = this.#writable(decl);
    const seq = this.#nextSeq++;
    const stream = this.#declared.get(decl.nodeId)!;
    segment.append(rowsPayloadSize(frame), (buf, at) => writeRowsPayload(buf, at, seq, stream, receivedAt, frame));
    this.#afterAppend(segment);
    return seq;
  }

  /** Appends a gap: rows of `[start, end)` that are missing for good. */
  appendGap(decl: StreamDecl, start: bigint, end: bigint, reason: string): bigint {
    const segment = this.#writable(decl);
    const seq = this.#nextSeq++;
    const payload = gapPayload(seq, this.#declared.get(decl.nodeId)!, start, end, reason);
    segment.append(payload.size, payload.write);
    this.#afterAppend(segment);
    return seq;
  }

  /** Writes batched records to the file: they are acknowledged from here on. */
  flush(): number {
    this.#flushScheduled = false;
    const bytes = this.#segment?.flush() ?? 0;
    if (bytes > 0) {
      this.#options.observer?.flushed?.(bytes);
      if (this.#options.fsyncMs === 0) this.sync().catch((error: unknown) => {
        this.#failure ??= error;
      });
    }
    return bytes;
  }

  /** Flush at the end of this event-loop turn (group commit of the turn's records). */
  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      try {
        this.flush();
      } catch (error) {
        this.#failure ??= error;
      }
    });
  }

  /** Makes every flushed record durable. */
  sync(): Promise<void> {
    return this.#serial(async () => {
      if (this.#segment && (await this.#segment.sync())) this.#options.observer?.synced?.();
    });
  }

  /** Seals the current segment now (if it holds records). */
  rotate(reason: RotationReason): Promise<void> {
    return this.#serial(this.#detach(reason));
  }

  /** Flushes, syncs and seals the last segment; the log takes no more records. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#serial(this.#detach('shutdown'));
  }

  /** An error a background flush or sync hit (e.g. disk full); the daemon stops on it. */
  get failure(): unknown {
    return this.#failure;
  }

  #writable(decl: StreamDecl): SegmentWriter {
    if (this.#closed) throw new Error('the write-ahead log is closed');
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#segment === undefined) {
      this.#segment = SegmentWriter.create(this.#options.dir, this.#nextSeq);
      this.#declared = new Map();
    }
    if (!this.#declared.has(decl.nodeId)) {
      const stream = this.#declared.size;
      if (stream > 0xffff) throw new RangeError('more than 65536 streams in one segment');
      this.#declared.set(decl.nodeId, stream);
      const payload = streamPayload(this.#nextSeq++, stream, decl);
      this.#segment.append(payload.size, payload.write);
    }
    return this.#segment;
  }

  #afterAppend(segment: SegmentWriter): void {
    if (segment.bytes >= this.#options.segmentBytes) {
      // Detached right here, so the next record opens a new segment and none grows past its bound.
      this.#serial(this.#detach('size')).catch((error: unknown) => {
        this.#failure ??= error;
      });
    } else {
      this.scheduleFlush();
    }
  }

  /** Takes the current segment out of use now; the returned task closes and hands it on. */
  #detach(reason: RotationReason): () => Promise<void> {
    const segment = this.#segment;
    if (segment === undefined) return async () => {};
    this.#segment = undefined;
    const lastSeq = this.#nextSeq - 1n;
    return async () => {
      await segment.close();
      this.#options.observer?.synced?.();
      const sealed: SealedSegment = { path: segment.path, firstSeq: segment.firstSeq, lastSeq, records: segment.records, bytes: segment.bytes, reason };
      this.#options.observer?.rotated?.(sealed);
      this.#options.onSealed(sealed);
    };
  }

  #onTimer(): void {
    const segment = this.#segment;
    if (segment === undefined || this.#closed) return;
    const now = Date.now();
    const syncDue = this.#options.fsyncMs > 0 && now - this.#lastSyncMs >= this.#options.fsyncMs;
    if (syncDue) this.#lastSyncMs = now;
    const chained = now - segment.openedAtMs >= this.#options.segmentMs ? this.rotate('time') : syncDue ? this.sync() : undefined;
    chained?.catch((error: unknown) => {
      this.#failure ??= error;
    });
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
