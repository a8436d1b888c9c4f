/**
 * Facts about a quote row group, taken while its columns are decoded: each page's values are
 * looked at where the WebAssembly decoders leave them (PageProbe), so proving the rows clean
 * afterwards costs no pass over them. Asked for by the history API, which proves every quote
 * frame it serves (src/seamless/conformance/quote-fast-path.ts); a plain read takes none.
 *
 * A frame gets a mark (quoteMarkOf) when every value of its five checked columns went through
 * the kernels (wasm/quote-facts.ts) and:
 * - every row's bid units are below its ask units (16-byte raws: both prices' top words 0);
 * - every size passes the fast path's word test (16-byte: word 1 neither 0 nor all ones;
 *   8-byte: not 0, top word not all ones);
 * - `ts_init` never decreases and stays within 1 .. 0x7FF0000000000000.
 * The mark holds the least bid and greatest ask units, so the checker can place the whole
 * frame in one band of prices (quote-fast-path.ts, bandTop) for any spread limit. Units: a
 * 16-byte raw's bits 32 to 95, an 8-byte raw itself, as signed integers.
 *
 * Memory: the bids are decoded into a slot at FACTS_AT of the kernels' memory (see
 * row-group-facts.ts), where they wait for the asks; one kernel then compares the two
 * columns where they lie. The slot holds up to QUOTE_FACTS_MAX_ROWS rows of 16 bytes, inside the
 * kernels' 2 MB, so taking facts never grows the memory.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import type { PageProbe } from './parquet/column-read.js';
import { type WasmMemory, memoryWords } from './parquet/wasm-module.js';
import { FACTS_AT, RowGroupFacts, factKernels, slotBytes, timesInOrderTake } from './row-group-facts.js';

interface QuoteKernels {
  memory: WasmMemory;
  askAboveBid16(valuesAt: number, count: number, bidsAt: number, rangeAt: number): number;
  askAboveBid8(valuesAt: number, count: number, bidsAt: number, rangeAt: number): number;
  sizesPlausible16(valuesAt: number, count: number): number;
  sizesPlausible8(valuesAt: number, count: number): number;
  timesInOrder(valuesAt: number, count: number, lastAt: number): number;
}

/** Rows a row group may have for facts: the bids' slot and the state after it fit in the kernels' 2 MB. */
export const QUOTE_FACTS_MAX_ROWS = (1 << 16) - 8;
const BIDS_AT = FACTS_AT;
/** The least bid and greatest ask units (two i64), just above the bids' slot; then the last `ts_init` seen (i64). */
const RANGE_AT = BIDS_AT + slotBytes(QUOTE_FACTS_MAX_ROWS);
const LAST_TIME_AT = RANGE_AT + 16;
const FACTS_END = LAST_TIME_AT + 8;

/** What a marked frame's rows were found to be (see the file comment). */
export interface QuoteMark {
  /** The least bid, in units; an integer when below 2^53. */
  readonly leastBid: number;
  /** The greatest ask, in units. */
  readonly greatestAsk: number;
}

const marks = new WeakMap<object, QuoteMark>();

/** The mark of a frame decoded with quote facts, if its rows earned one. */
export function quoteMarkOf(frame: object): QuoteMark | undefined {
  return marks.get(frame);
}

/** Column positions of a quote file (by the Nautilus schema), in decoding order. */
export const QUOTE_FACT_COLUMNS = { bidPrice: 0, askPrice: 1, bidSize: 2, askSize: 3, tsInit: 5 } as const;

/** Collects one row group's facts from its column probes, then marks its frame. */
export class QuoteFacts extends RowGroupFacts {
  private constructor(
    private readonly k: QuoteKernels,
    width: FixedWidth,
    rows: number,
  ) {
    super(width, rows);
  }

  /** Facts for a row group of `rows` rows, or undefined when none can be taken (no kernels, too many rows). */
  static start(width: FixedWidth, rows: number): QuoteFacts | undefined {
    if (rows < 1 || rows > QUOTE_FACTS_MAX_ROWS) return undefined;
    const k = factKernels<QuoteKernels>(FACTS_END);
    return k && new QuoteFacts(k, width, rows);
  }

  /** The probes for the file's columns, by position (ts_event gets none). */
  probes(): Array<PageProbe | undefined> {
    const { bidPrice, askPrice, bidSize, askSize, tsInit } = QUOTE_FACT_COLUMNS;
    const probes: Array<PageProbe | undefined> = [];
    // The bids only land in their slot; the asks' kernel compares the two.
    probes[bidPrice] = this.probe(bidPrice, () => true, { slot: BIDS_AT });
    probes[askPrice] = this.probe(askPrice, (offset, count, at) => this.asks(offset, count, at), { reads: [bidPrice] });
    probes[bidSize] = this.probe(bidSize, (offset, count) => this.sizes(offset, count));
    probes[askSize] = this.probe(askSize, (offset, count) => this.sizes(offset, count));
    probes[tsInit] = this.probe(tsInit, timesInOrderTake(this.k, LAST_TIME_AT));
    return probes;
  }

  markIfClean(frame: object): void {
    if (!this.allHeld()) return;
    // Two i64 as words (low, high): exact as numbers below 2^53, rounded (never across it) above.
    const words = memoryWords(this.k.memory);
    const at = RANGE_AT >> 2;
    marks.set(frame, { leastBid: words[at + 1]! * 4294967296 + (words[at]! >>> 0), greatestAsk: words[at + 3]! * 4294967296 + (words[at + 2]! >>> 0) });
  }

  private asks(offset: number, count: number, at: number): boolean {
    if (at === 0) memoryWords(this.k.memory).set([-1, 0x7fffffff, 0, -0x80000000], RANGE_AT >> 2); // i64 max, i64 min
    const bidsAt = BIDS_AT + at * this.width;
    return (this.width === 16 ? this.k.askAboveBid16(offset, count, bidsAt, RANGE_AT) : this.k.askAboveBid8(offset, count, bidsAt, RANGE_AT)) === 0;
  }

  private sizes(offset: number, count: number): boolean {
    return (this.width === 16 ? this.k.sizesPlausible16(offset, count) : this.k.sizesPlausible8(offset, count)) === 0;
  }
}
