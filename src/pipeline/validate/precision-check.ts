/**
 * "Is this raw a multiple of 10^k?" (k = FIXED_PRECISION − declared precision), exactly,
 * without a BigInt per row — the same question `isRawAtPrecision` answers through BigInt,
 * which stays the reference and the fallback for raws beyond the fast path's range.
 *
 * Reading the raw's 32-bit words as one float v, Q = round(v / 10^k) is the exact quotient
 * whenever the raw is a multiple and |Q| < 2^49 (v's error of at most 1.5 ulp moves
 * v / 10^k by at most ¼). The difference d = raw − Q·10^k is then tested exactly:
 * - mod 2^32: the low word of Q·10^k is `Math.imul(Q, 10^k mod 2^32)` (imul takes its
 *   arguments mod 2^32, negative Q included). A mismatch proves d ≠ 0. For k ≤ 9 a match
 *   proves d = 0, because |d| < 2·10^k < 2^32.
 * - for k > 9 (16-byte raws), d is a multiple of 2^32 below 2·10^16; the float estimate of
 *   d is off by less than 2^28 while |raw| < 2^78, so |estimate| < 2^31 tells 0 from ±j·2^32.
 * The low-bits test in `surely` only rejects early: the two tests above decide alone, which
 * lets the scan loops run the test of all their columns with one branch (see quote-checks.ts).
 * Q is rounded as floor(x + ½), not `Math.round`: its tie fix-up is a branch, and float error
 * (x a hair above or below Q) decides it at random for every multiple.
 */
import { type FixedWidth, fixedPrecisionOf, isRawAtPrecision, pow10 } from '../../model/fixed-point.js';
import type { RawView } from '../../seamless/conformance/raw-view.js';
import { rawAt } from './finding-sink.js';

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
// The fast path needs |Q| < 2^49 and |raw| < 2^78 (see above); beyond, BigInt decides.
const Q_LIMIT = 2 ** 49;
const V_LIMIT = 2 ** 78;

export class PrecisionCheck {
  /** Decimal places the raws carry beyond the declared precision. */
  readonly excess: number;
  /** 10^excess. */
  private readonly divisor: number;
  /** 10^excess mod 2^32, as an int32; public, with `constants`, for the scan loops' one-branch test. */
  readonly divisorLow: number;
  private readonly lowMask: number;
  /** 1 / 10^excess. */
  private readonly inverse: number;
  /** The fast path holds for |v| below this. */
  private readonly vLimit: number;
  /**
   * [inverse, divisor, vLimit] for the scan loops' locals. A field holding a small integer in
   * some instance (divisor 1) is tagged, and V8 checks and unboxes a tagged local at each use
   * in a loop; a Float64Array element is a plain double once loaded.
   */
  readonly constants: Float64Array;

  constructor(
    readonly width: FixedWidth,
    readonly precision: number,
  ) {
    this.excess = fixedPrecisionOf(width) - precision;
    const divisor = pow10(this.excess);
    this.divisor = Number(divisor); // exact: 10^k = 2^k · 5^k with 5^16 < 2^53
    this.divisorLow = Number(divisor % BigInt(TWO_32)) | 0;
    // A multiple of 10^k is a multiple of 2^k: its low k bits are zero (k <= 16).
    this.lowMask = (1 << this.excess) - 1;
    // v × (1/10^k) may round Q differently from v / 10^k only for non-multiples, where any
    // neighbouring Q still leaves |d| < 2·10^k.
    this.inverse = 1 / this.divisor;
    this.vLimit = Math.min(V_LIMIT, Q_LIMIT * this.divisor);
    this.constants = Float64Array.of(this.inverse, this.divisor, this.vLimit);
  }

  /** True when raw `i` of `view` is a multiple of 10^excess. */
  atPrecision(view: RawView, i: number): boolean {
    const base = i * view.stride;
    const w = view.words;
    const v = view.stride === 2 ? (view.signed ? w[base + 1]! | 0 : w[base + 1]!) * TWO_32 + w[base]! : (((view.signed ? w[base + 3]! | 0 : w[base + 3]!) * TWO_32 + w[base + 2]!) * TWO_32 + w[base + 1]!) * TWO_32 + w[base]!;
    return this.surely(v, w[base]!) || this.exactAt(view, i);
  }

  /**
   * The fast test of a raw whose float is `v` (Horner over its words) and low word `low`:
   * true proves it is at precision; false means drift, or a raw outside the fast path's
   * range — `exactAt` tells which. Kept small, so V8 inlines it into the scan loops.
   */
  surely(v: number, low: number): boolean {
    if (this.excess === 0) return true;
    if ((low & this.lowMask) !== 0 || !(v < this.vLimit && v > -this.vLimit)) return false;
    const q = Math.floor(v * this.inverse + 0.5);
    if (Math.imul(q, this.divisorLow) >>> 0 !== low) return false;
    // k <= 9: d ≡ 0 mod 2^32 and |d| < 2^32 already prove d = 0, and the estimate is tiny.
    const d = v - q * this.divisor;
    return d < TWO_31 && d > -TWO_31;
  }

  /**
   * The exact verdict for a raw whose float `v` is exact (|v| < 2^53): for a multiple, v × (1/10^k)
   * is within ¼ of the quotient, which times 10^k is v again; for any other raw no integer
   * times 10^k is v (a product beyond 2^53 rounds to 2^53 or more, beyond |v|).
   */
  exactBelow53(v: number): boolean {
    return Math.round(v * this.inverse) * this.divisor === v;
  }

  /** The exact (BigInt) verdict for raw `i`. */
  exactAt(view: RawView, i: number): boolean {
    return isRawAtPrecision(rawAt(view, i), this.precision, this.width);
  }
}

/** The checks of a tick or bar frame's price and size columns. */
export interface PrecisionPair {
  readonly price: PrecisionCheck;
  readonly size: PrecisionCheck;
}
