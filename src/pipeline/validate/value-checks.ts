/**
 * Checks of single price and size raws that several types share: sentinels, zero and
 * negative sizes, and the declared precision. Each reads 32-bit words (see raw-view.ts),
 * with a cheap test on the top word before any exact comparison.
 */
import { type FixedWidth, QUANTITY_RAW_MAX } from '../../model/fixed-point.js';
import { type RawView, compareRaw, constantView, isSentinelAt } from '../../seamless/conformance/raw-view.js';
import type { FrameSink } from './finding-sink.js';
import { rawText } from './finding-sink.js';
import type { PrecisionCheck } from './precision-check.js';

const TWO_32 = 4294967296;

/**
 * Sizes are unsigned on disk, so a negative size written through them wraps to the top of
 * the range, above the largest raw NautilusTrader accepts (QUANTITY_RAW_MAX).
 */
export class NegativeSizeTest {
  private readonly max: RawView;
  /** The top word of QUANTITY_RAW_MAX: a raw with a smaller top word is not negative. */
  readonly maxTop: number;

  constructor(width: FixedWidth) {
    this.max = constantView('quantity', width, QUANTITY_RAW_MAX[width]);
    this.maxTop = this.max.words[this.max.stride - 1]!;
  }

  /** True when size raw `i` is above QUANTITY_RAW_MAX (sentinels included: check them first). */
  negativeAt(view: RawView, i: number): boolean {
    return view.words[i * view.stride + view.stride - 1]! >= this.maxTop && compareRaw(view, i, this.max, 0) > 0;
  }
}

/** Reports raw `i` as precision drift unless the exact test clears it (the fast test could not). */
export function reportDrift(check: PrecisionCheck, view: RawView, i: number, column: string, sink: FrameSink): void {
  if (!check.exactAt(view, i)) addDrift(check, view, i, column, sink);
}

/** Files raw `i` of `column` as off its declared precision. */
export function addDrift(check: PrecisionCheck, view: RawView, i: number, column: string, sink: FrameSink): void {
  sink.add('precision_drift', i, { column, value: rawText(view, i), declared_precision: String(check.precision) });
}

/**
 * Reports every raw of a column not at the declared precision (sentinels are `sentinel`'s).
 * A raw equal to the row before gets the same verdict without a second look (prices repeat).
 */
export function scanPrecision(view: RawView, check: PrecisionCheck, column: string, length: number, sink: FrameSink): void {
  if (check.excess === 0) return;
  const w = view.words;
  const stride = view.stride;
  const signed = view.signed;
  let previousOk = false;
  for (let i = 0, base = 0; i < length; i++, base += stride) {
    const low = w[base]!;
    let ok: boolean;
    if (stride === 2) {
      const high = w[base + 1]!;
      if (i > 0 && low === w[base - 2] && high === w[base - 1]) ok = previousOk;
      else {
        ok = check.surely((signed ? high | 0 : high) * TWO_32 + low, low) || check.exactAt(view, i) || isSentinelAt(view, i);
      }
    } else {
      const w1 = w[base + 1]!;
      const w2 = w[base + 2]!;
      const top = w[base + 3]!;
      if (i > 0 && low === w[base - 4] && w1 === w[base - 3] && w2 === w[base - 2] && top === w[base - 1]) ok = previousOk;
      else {
        ok = check.surely((((signed ? top | 0 : top) * TWO_32 + w2) * TWO_32 + w1) * TWO_32 + low, low) || check.exactAt(view, i) || isSentinelAt(view, i);
      }
    }
    if (!ok) addDrift(check, view, i, column, sink);
    previousOk = ok;
  }
}
