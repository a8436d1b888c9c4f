/**
 * Collects parsed rows into columnar frames of one UTC day each, at most `capacity` rows per
 * frame: the row mappers write a row's values straight into the arrays at index `length`, then
 * call `commit(day)`. A frame never spans two days, so the day writer can cut files at frame
 * boundaries. `ts_event` and `ts_init` are the same instant for archive data and share one array.
 */
import type { FixedWidth } from '../../model/fixed-point.js';
import type { Frame, FrameMeta } from '../../model/frames.js';
import { tradeColumnsWithIdNumbers } from '../../model/trade-id-numbers.js';

export type ImportFrameType = 'trade_tick' | 'bar';
export type ImportFrame = Frame<'trade_tick'> | Frame<'bar'>;

export interface DayFrame {
  readonly day: number;
  readonly frame: ImportFrame;
}

/** Rows per frame: a multiple of the writer's 5,000-row groups, so whole groups go out uncopied. */
export const DEFAULT_BATCH_ROWS = 50_000;
/** Recycled frames' arrays kept for reuse (a frame is in flight at a time, two around a day's cut). */
const MAX_SPARE = 4;

/** The arrays one frame is built in. */
interface FrameArrays {
  readonly fixed: Uint8Array[];
  readonly fixedWords: Uint32Array[];
  readonly aggressor: Uint8Array;
  readonly tradeIdNumber: Float64Array;
  readonly tradeId: string[];
  readonly ts: BigUint64Array;
  readonly tsWords: Uint32Array;
}

export class BatchBuilder {
  /** Fixed-point columns: price, size (trades) or open, high, low, close, volume (bars). */
  fixed: Uint8Array[] = [];
  /** The same columns as 32-bit words, which the parser writes raws through. */
  fixedWords: Uint32Array[] = [];
  aggressor: Uint8Array = new Uint8Array(0);
  /** Trade ids as numbers (the default: Binance's integer ids), or as text after `useTextIds()`. */
  tradeIdNumber: Float64Array = new Float64Array(0);
  tradeId: string[] = [];
  private idsAsText = false;
  ts: BigUint64Array = new BigUint64Array(0);
  /** The `ts` array as 32-bit words: [2i] low, [2i + 1] high (little-endian hosts). */
  tsWords: Uint32Array = new Uint32Array(0);
  length = 0;
  day = -1;
  /** Frames completed since the last `take()`. */
  private done: DayFrame[] = [];
  /** The arrays behind each frame handed out and not yet recycled, and arrays free for reuse. */
  private readonly lent = new WeakMap<ImportFrame, FrameArrays>();
  private readonly spare: FrameArrays[] = [];
  /** The arrays the fields above are, for the frame being filled. */
  private current!: FrameArrays;
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

  /**
   * Keeps trade ids as text (exchanges whose ids are not integers: Bybit's uuids). Integer
   * ids stay numbers, so no string is made per row: the catalog writer encodes them from the
   * numbers (model/trade-id-numbers.ts). Call before the first row.
   */
  useTextIds(): void {
    this.idsAsText = true;
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

  /**
   * Takes back a frame this builder made, once its consumer is done with it (the day writer
   * has encoded it), so its arrays fill the frame after next instead of fresh ones: a frame's
   * 2.5 MB of arrays lived across young-generation collections, was promoted, and the old
   * generation filled with dead arrays that only full collections free (many a second).
   * The frame must not be read afterwards. Frames this builder did not make are ignored.
   */
  recycle(frame: ImportFrame): void {
    const arrays = this.lent.get(frame);
    if (!arrays) return;
    this.lent.delete(frame);
    if (this.spare.length < MAX_SPARE) this.spare.push(arrays);
  }

  /** Returns the ns instant of row `i` as a bigint (cold paths: messages, gaps). */
  tsAt(i: number): bigint {
    return this.ts[i]!;
  }

  private allocate(): void {
    const arrays = this.spare.pop() ?? this.freshArrays();
    this.current = arrays;
    this.fixed = arrays.fixed;
    this.fixedWords = arrays.fixedWords;
    this.aggressor = arrays.aggressor;
    this.tradeIdNumber = arrays.tradeIdNumber;
    this.tradeId = arrays.tradeId;
    this.ts = arrays.ts;
    this.tsWords = arrays.tsWords;
  }

  private freshArrays(): FrameArrays {
    const c = this.capacity + 1; // one spare row: a row of the next day is parsed before the cut
    const fixed = Array.from({ length: this.slots }, () => new Uint8Array(new ArrayBuffer(c * this.width)));
    const trades = this.type === 'trade_tick';
    const ts = new BigUint64Array(c);
    return {
      fixed,
      fixedWords: fixed.map((bytes) => new Uint32Array(bytes.buffer)),
      aggressor: new Uint8Array(trades ? c : 0),
      tradeIdNumber: new Float64Array(trades && !this.idsAsText ? c : 0),
      tradeId: trades && this.idsAsText ? new Array<string>(c) : [],
      ts,
      tsWords: new Uint32Array(ts.buffer),
    };
  }

  /** Emits rows [0, length) as a frame; with `carryLast`, row `length` moves to row 0 of fresh arrays. */
  private flush(carryLast: boolean): void {
    const n = this.length;
    const w = this.width;
    const old = this.current;
    const fixedViews = old.fixed.map((bytes) => bytes.subarray(0, n * w));
    const ts = old.ts.subarray(0, n);
    let frame: ImportFrame;
    if (this.type === 'trade_tick') {
      const columns = {
        price: { kind: 'price', width: w, bytes: fixedViews[0]! },
        size: { kind: 'quantity', width: w, bytes: fixedViews[1]! },
        aggressor_side: old.aggressor.subarray(0, n),
        ts_event: ts,
        ts_init: ts,
      } as const;
      frame = {
        type: 'trade_tick',
        width: w,
        length: n,
        meta: this.meta,
        columns: this.idsAsText
          ? { ...columns, trade_id: old.tradeId.length === n ? old.tradeId : old.tradeId.slice(0, n) }
          : tradeColumnsWithIdNumbers(columns, old.tradeIdNumber.subarray(0, n)),
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
    this.lent.set(frame, old);
    this.allocate();
    this.length = 0;
    if (carryLast) {
      for (let s = 0; s < this.slots; s++) this.fixed[s]!.set(old.fixed[s]!.subarray(n * w, (n + 1) * w), 0);
      if (this.type === 'trade_tick') {
        this.aggressor[0] = old.aggressor[n]!;
        if (this.idsAsText) this.tradeId[0] = old.tradeId[n]!;
        else this.tradeIdNumber[0] = old.tradeIdNumber[n]!;
      }
      this.ts[0] = old.ts[n]!;
    }
  }
}
