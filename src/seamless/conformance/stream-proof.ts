/**
 * A clean-proof built frame by frame while storage streams them, so each frame (about
 * 400 KB of quotes) is checked right after it is decoded, while it is still in cache, and
 * not in a second pass over all rows after the read. A frame the catalog decoded with quote
 * facts (src/catalog/quote-facts.ts) is proven by its mark, with no pass over it at all.
 *
 * It only ever vouches for the exact frames it was given, in order: `checkConformanceFrames`
 * accepts it for those and nothing else. Only quotes have a fused proof; any other type is
 * never proven here and goes to the rule engine.
 */
import type { Frame } from '../../model/frames.js';
import type { SeriesFrame } from '../series.js';
import { type OrderState, markedClean, orderStart, quoteFrameCertainlyClean, spreadLimitOf } from './quote-fast-path.js';

export class StreamProof {
  readonly maxSpreadRatio: number;
  readonly #limit: number;
  readonly #order: OrderState = orderStart();
  readonly #frames: SeriesFrame[] = [];
  #clean: boolean;

  constructor(dataType: string, maxSpreadRatio: number) {
    this.maxSpreadRatio = maxSpreadRatio;
    this.#limit = spreadLimitOf(maxSpreadRatio);
    this.#clean = dataType === 'quote_tick';
  }

  /**
   * Checks the next frame of the stream, just read from storage (a frame decoded with quote
   * facts is proven by its mark, see markedClean); after the first doubt it only records frames.
   */
  add(frame: SeriesFrame): void {
    if (frame.length === 0) return;
    this.#frames.push(frame);
    if (!this.#clean) return;
    const quotes = frame as Frame<'quote_tick'>;
    this.#clean = frame.type === 'quote_tick' && (markedClean(quotes, this.#limit, this.#order) || quoteFrameCertainlyClean(quotes, this.#limit, this.#order));
  }

  /**
   * 'clean' or 'doubtful' when `frames` (the non-empty ones, as checkConformanceFrames passes them) are exactly the frames added, in
   * order, under the same spread ratio; undefined when this proof says nothing about them.
   */
  verdict(frames: readonly SeriesFrame[], maxSpreadRatio: number): 'clean' | 'doubtful' | undefined {
    if (maxSpreadRatio !== this.maxSpreadRatio) return undefined;
    let j = 0;
    for (const frame of frames) {
      if (this.#frames[j] !== frame) return undefined;
      j++;
    }
    if (j !== this.#frames.length) return undefined;
    return this.#clean ? 'clean' : 'doubtful';
  }
}
