/**
 * A clean-proof built frame by frame while storage streams them, so each frame (about
 * 400 KB of quotes) is checked right after it is decoded, while it is still in cache, and
 * not in a second pass over all rows after the read. A frame the catalog decoded with facts
 * (src/catalog/row-group-facts.ts) is proven by its mark: quotes and bars with no pass over
 * their rows, trades with a pass over their ids only.
 *
 * It only ever vouches for the exact frames it was given, in order: `checkConformanceFrames`
 * accepts it for those and nothing else. Quotes, trades and bars have fused proofs
 * (quote-fast-path.ts, trade-fast-path.ts, bar-fast-path.ts); deltas go to the rule engine.
 */
import { barMarkOf } from '../../catalog/bar-facts.js';
import { tradeMarkOf } from '../../catalog/trade-facts.js';
import type { Frame } from '../../model/frames.js';
import type { SeriesFrame } from '../series.js';
import { type OrderState, markedClean, orderStart, quoteFrameCertainlyClean, spreadLimitOf } from './quote-fast-path.js';
import { type TradeOrderState, markedTradesClean, tradeFrameCertainlyClean, tradeOrderStart } from './trade-fast-path.js';
import { type BarOrderState, barFrameCertainlyClean, barOrderStart, markedBarsClean } from './bar-fast-path.js';

/** The types a stream proof can vouch for (bars: given their interval). */
export function provable(dataType: string, stepNs?: bigint): boolean {
  return dataType === 'quote_tick' || dataType === 'trade_tick' || (dataType === 'bar' && stepNs !== undefined && stepNs > 0n);
}

export class StreamProof {
  readonly maxSpreadRatio: number;
  readonly #limit: number;
  readonly #order: OrderState = orderStart();
  readonly #trades: TradeOrderState = tradeOrderStart();
  readonly #bars: BarOrderState = barOrderStart();
  readonly #frames: SeriesFrame[] = [];
  readonly #type: string;
  readonly #stepNs: bigint;
  #clean: boolean;
  readonly #recording: boolean;

  /**
   * `stepNs`: the bar interval, for bars. `recording` false: the proof keeps no frames (a
   * replay's memory stays bounded), so `verdict` says nothing; read `clean` after each `add`.
   */
  constructor(dataType: string, maxSpreadRatio: number, stepNs?: bigint, recording = true) {
    this.#recording = recording;
    this.maxSpreadRatio = maxSpreadRatio;
    this.#limit = spreadLimitOf(maxSpreadRatio);
    this.#type = dataType;
    this.#stepNs = stepNs ?? 0n;
    this.#clean = provable(dataType, stepNs);
  }

  /**
   * Checks the next frame of the stream, just read from storage (a frame decoded with facts is
   * proven by its mark: markedClean, markedTradesClean, markedBarsClean); after the first
   * doubt it only records frames.
   */
  add(frame: SeriesFrame): void {
    if (frame.length === 0) return;
    if (this.#recording) this.#frames.push(frame);
    if (!this.#clean) return;
    if (frame.type !== this.#type) {
      this.#clean = false;
    } else if (frame.type === 'quote_tick') {
      const quotes = frame as Frame<'quote_tick'>;
      this.#clean = markedClean(quotes, this.#limit, this.#order) || quoteFrameCertainlyClean(quotes, this.#limit, this.#order);
    } else if (frame.type === 'trade_tick') {
      // A marked frame the mark cannot prove (its ids, or its order against the frames before)
      // fails the full check the same way: no second pass.
      const trades = frame as Frame<'trade_tick'>;
      this.#clean = tradeMarkOf(trades) ? markedTradesClean(trades, this.#trades) : tradeFrameCertainlyClean(trades, this.#trades);
    } else {
      // Likewise: a marked frame's one stride either is the interval or fails the full check too.
      const bars = frame as Frame<'bar'>;
      this.#clean = barMarkOf(bars) ? markedBarsClean(bars, this.#stepNs, this.#bars) : barFrameCertainlyClean(bars, this.#stepNs, this.#bars);
    }
  }

  /** True while every frame added so far, and its seam with the one before, is proven clean. */
  get clean(): boolean {
    return this.#clean;
  }

  /**
   * 'clean' or 'doubtful' when `frames` (the non-empty ones, as checkConformanceFrames passes them) are exactly the frames added, in
   * order, under the same spread ratio; undefined when this proof says nothing about them.
   */
  verdict(frames: readonly SeriesFrame[], maxSpreadRatio: number): 'clean' | 'doubtful' | undefined {
    if (maxSpreadRatio !== this.maxSpreadRatio || !this.#recording) return undefined;
    let j = 0;
    for (const frame of frames) {
      if (this.#frames[j] !== frame) return undefined;
      j++;
    }
    if (j !== this.#frames.length) return undefined;
    return this.#clean ? 'clean' : 'doubtful';
  }
}
