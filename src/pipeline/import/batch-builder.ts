/**
 * Collects parsed rows into columnar frames of one UTC day each, at most `capacity` rows per
 * frame: the row mappers write a row's values straight into the arrays at index `length`, then
 * call `commit(day)`. A frame never spans two days, so the day writer can cut files at frame
 * boundaries. `ts_event` and `ts_init` are the same instant for archive data and share one array.
 */
import type { FixedWidth } from '../../model/fixed-point.js';
import type { Frame, FrameMeta } from '../../model/frames.js';

export type ImportFrameType = 'trade_tick' | 'bar';
export type ImportFrame = Frame<'trade_tick'> | Frame<'bar'>;

export interface DayFrame {
  readonly day: number;
  readonly frame: ImportFrame;
}

/** Rows per frame: a multiple of the writer's 5,000-row groups, so whole groups go out uncopied. */
export const DEFAULT_BATCH_ROWS = 50_000;

export class BatchBuilder {
  /** Fixed-point columns: price, size (trades) or open, high, low, close, volume (bars). */
  fixed: Uint8Array[] = [];
  /** The same columns as 32-bit words, which the parser writes raws through. */
  fixedWords: Uint32Array[] = [];
  aggressor = new Uint8Array(0);
  tradeId: string[] = [];
  ts = new BigUint64Array(0);
  /** The `ts` array as 32-bit words: [2i] low, [2i + 1] high (little-endian hosts). */
  tsWords = new Uint32Array(0);
  length = 0;
  day = -1;
  /** Frames completed since the last `take()`. */
  private done: DayFrame[] = [];
  private readonly slots: number;

  constructor(
    readonly type: ImportFrameType,
    readonly width: FixedWidth,
    readonly meta: FrameMeta,
    readonly capacity: number = DEFAULT_BATCH_ROWS,
  ) {
    this.slots = type === 'trade_tick' ? 2 : 5;
    this.allocate();
  }

  /** Accepts the row at index `length`, which belongs to UTC `day`. */
  commit(day: number): void {
    if (day !== this.day) {
      if (this.length > 0) this.flush(true);
      this.day = day;
    }
    if (++this.length === this.capacity) this.flush(false);
  }

  /**
   * Accepts `count` rows written at `[length, length + count)`, all of the open frame's day
   * and within its capacity (the import's row kernel takes rows in bulk: trade-kernel.ts).
   */
  commitRows(count: number): void {
    this.length += count;
    if (this.length === this.capacity) this.flush(false);
  }

  /** Completes the open frame (at the end of an archive). */
  finish(): void {
    if (this.length > 0) this.flush(false);
  }

  /** Returns and forgets the completed frames. */
  take(): DayFrame[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  /** Returns the ns instant of row `i` as a bigint (cold paths: messages, gaps). */
  tsAt(i: number): bigint {
    return this.ts[i]!;
  }

  private allocate(): void {
    const c = this.capacity + 1; // one spare row: a row of the next day is parsed before the cut
    this.fixed = Array.from({ length: this.slots }, () => new Uint8Array(new ArrayBuffer(c * this.width)));
    this.fixedWords = this.fixed.map((bytes) => new Uint32Array(bytes.buffer));
    if (this.type === 'trade_tick') {
      this.aggressor = new Uint8Array(c);
      this.tradeId = new Array<string>(c);
    }
    this.ts = new BigUint64Array(c);
    this.tsWords = new Uint32Array(this.ts.buffer);
  }

  /** Emits rows [0, length) as a frame; with `carryLast`, row `length` moves to row 0 of fresh arrays. */
  private flush(carryLast: boolean): void {
    const n = this.length;
    const w = this.width;
    const old = { fixed: this.fixed, aggressor: this.aggressor, tradeId: this.tradeId, ts: this.ts };
    const fixedViews = old.fixed.map((bytes) => bytes.subarray(0, n * w));
    const ts = old.ts.subarray(0, n);
    let frame: ImportFrame;
    if (this.type === 'trade_tick') {
      const tradeId = old.tradeId.length === n ? old.tradeId : old.tradeId.slice(0, n);
      frame = {
        type: 'trade_tick',
        width: w,
        length: n,
        meta: this.meta,
        columns: {
          price: { kind: 'price', width: w, bytes: fixedViews[0]! },
          size: { kind: 'quantity', width: w, bytes: fixedViews[1]! },
          aggressor_side: old.aggressor.subarray(0, n),
          trade_id: tradeId,
          ts_event: ts,
          ts_init: ts,
        },
      };
    } else {
      frame = {
        type: 'bar',
        width: w,
        length: n,
        meta: this.meta,
        columns: {
          open: { kind: 'price', width: w, bytes: fixedViews[0]! },
          high: { kind: 'price', width: w, bytes: fixedViews[1]! },
          low: { kind: 'price', width: w, bytes: fixedViews[2]! },
          close: { kind: 'price', width: w, bytes: fixedViews[3]! },
          volume: { kind: 'quantity', width: w, bytes: fixedViews[4]! },
          ts_event: ts,
          ts_init: ts,
        },
      };
    }
    this.done.push({ day: this.day, frame });
    this.allocate();
    this.length = 0;
    if (carryLast) {
      for (let s = 0; s < this.slots; s++) this.fixed[s]!.set(old.fixed[s]!.subarray(n * w, (n + 1) * w), 0);
      if (this.type === 'trade_tick') {
        this.aggressor[0] = old.aggressor[n]!;
        this.tradeId[0] = old.tradeId[n]!;
      }
      this.ts[0] = old.ts[n]!;
    }
  }
}
