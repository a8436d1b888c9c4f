/**
 * Facts about a trade row group, taken while its columns are decoded (see row-group-facts.ts),
 * so the history API proves a clean trade frame with a pass over its ids only
 * (src/seamless/conformance/trade-fast-path.ts, markedTradesClean); a plain read takes none.
 *
 * A frame gets a mark (tradeMarkOf) when every value of its three checked columns went
 * through the kernels (wasm/trade-facts.ts, and quote-facts.ts's timesInOrder) and:
 * - every price is above 0 and not PRICE_UNDEF;
 * - every size is above 0 and not QUANTITY_UNDEF (its top 32-bit word is not all ones);
 * - `ts_init` never decreases and stays within 1 .. 0x7FF0000000000000.
 *
 * Apart from the mark, a frame whose ids count up by one (idsCountUp) is remembered
 * (tradeIdsCountUp): each id is 1 to 15 digits without a leading zero and the one before
 * plus one, as venues that number their trades write them. Its ids are then known from the
 * first alone, so the conformance check and `seamless validate` need no pass over them
 * (comparing or parsing ~10 characters a row was most of what proving clean trades cost).
 * Ids that do not count up are left to those passes, which decide exactly.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import type { PageProbe, StringPageProbe } from './parquet/column-read.js';
import { type WasmMemory, claimMemory, ensureMemory } from './parquet/wasm-module.js';
import { FACTS_AT, RowGroupFacts, factKernels, timesInOrderTake } from './row-group-facts.js';

interface TradeKernels {
  memory: WasmMemory;
  tradePrices16(valuesAt: number, count: number): number;
  tradePrices8(valuesAt: number, count: number): number;
  tradeSizes16(valuesAt: number, count: number): number;
  sizesPlausible8(valuesAt: number, count: number): number;
  timesInOrder(valuesAt: number, count: number, lastAt: number): number;
  idsCountUp(pageAt: number, end: number, count: number, last: number): number;
}

/** The last `ts_init` seen (i64). Nothing is kept for later columns, so any row count will do. */
const LAST_TIME_AT = FACTS_AT;
const FACTS_END = LAST_TIME_AT + 8;

/** What idsCountUp returns for ids that do not count up. */
const REFUSED = -2;
/** Where the ids' bytes go for idsCountUp, which reads up to 8 bytes before them. */
const IDS_AT = 16;

const marked = new WeakSet<object>();
const countingUp = new WeakSet<object>();

/** True when `frame` was decoded with trade facts and its rows earned a mark. */
export function tradeMarkOf(frame: object): boolean {
  return marked.has(frame);
}

/**
 * True when `frame` was decoded with trade facts and its ids count up by one (see the file
 * comment): id i is the first id plus i, and all of them are canonical decimal numbers.
 */
export function tradeIdsCountUp(frame: object): boolean {
  return countingUp.has(frame);
}

/** Column positions of a trade file (by the Nautilus schema), in decoding order. */
export const TRADE_FACT_COLUMNS = { price: 0, size: 1, tradeId: 3, tsInit: 5 } as const;

/** Collects one row group's facts from its column probes, then marks its frame. */
export class TradeFacts extends RowGroupFacts {
  private readonly ids: CountingIds;

  private constructor(
    private readonly k: TradeKernels,
    width: FixedWidth,
    rows: number,
    lazyIds: boolean,
  ) {
    super(width, rows);
    this.ids = new CountingIds(k, rows, lazyIds);
  }

  /**
   * Facts for a row group of `rows` rows, or undefined when none can be taken (no kernels).
   * `lazyIds`: ids that count up may be left as numbers (ReadOptions.lazyTradeIds).
   */
  static start(width: FixedWidth, rows: number, lazyIds = false): TradeFacts | undefined {
    if (rows < 1) return undefined;
    const k = factKernels<TradeKernels>(FACTS_END);
    return k && new TradeFacts(k, width, rows, lazyIds);
  }

  /** The probes for the file's columns, by position (the others get none). */
  probes(): Array<PageProbe | undefined> {
    const { price, size, tsInit } = TRADE_FACT_COLUMNS;
    const k = this.k;
    const wide = this.width === 16;
    const probes: Array<PageProbe | undefined> = [];
    probes[price] = this.probe(price, (offset, count) => (wide ? k.tradePrices16(offset, count) : k.tradePrices8(offset, count)) === 0);
    probes[size] = this.probe(size, (offset, count) => (wide ? k.tradeSizes16(offset, count) : k.sizesPlausible8(offset, count)) === 0);
    probes[tsInit] = this.probe(tsInit, timesInOrderTake(k, LAST_TIME_AT));
    probes[TRADE_FACT_COLUMNS.tradeId] = this.ids;
    return probes;
  }

  markIfClean(frame: object): void {
    if (this.allHeld()) marked.add(frame);
    if (this.ids.held()) countingUp.add(frame);
  }
}

/**
 * The probe of the `trade_id` column. Ids come as PLAIN pages (our writer), or as a
 * dictionary page and pages of indices (NautilusTrader's writer, pyarrow's default), with
 * PLAIN pages after them where the dictionary grew too large. Unique ids that count up fill
 * the dictionary in row order, so a data page counts up when its indices run on by one
 * through a dictionary that counts up; idsCountUp reads the bytes (dictionary or PLAIN page)
 * copied to the start of the kernels' memory. The last id is carried from page to page
 * here, not in the kernels' memory, which the next page's decoding may write over.
 */
class CountingIds implements PageProbe, StringPageProbe {
  readonly strings: StringPageProbe = this;
  #seen = 0;
  /** The last id of the rows seen; -1 before the first. */
  #last = -1;
  #failed = false;
  /** The dictionary's first id, when its ids count up; -1: none. */
  #dictionaryFirst = -1;

  /** Offered only when ids may stay numbers: the decoder leaves counting ids' strings unmade only if the probe has it. */
  readonly countingFrom?: () => number;

  constructor(
    private readonly k: TradeKernels,
    private readonly rows: number,
    lazyIds: boolean,
  ) {
    if (lazyIds) this.countingFrom = () => (this.#failed || this.#seen === 0 ? -1 : this.#last - this.#seen + 1);
  }

  // Pages come in row order, each handed over or the read fails: `at` is always #seen.
  plain(page: Uint8Array, offset: number, end: number, count: number): void {
    if (!this.#failed) this.took(this.countUp(page.subarray(offset, end), count, this.#last), count);
  }

  dictionary(page: Uint8Array, count: number): void {
    if (this.#failed) return;
    const last = this.countUp(page, count, -1);
    this.#dictionaryFirst = last === REFUSED ? -1 : last - count + 1;
  }

  // An index past the dictionary fails the read itself.
  indices(indices: Uint32Array, count: number): void {
    if (this.#failed || count === 0) return;
    const from = indices[0]!;
    const first = this.#dictionaryFirst + from;
    let runs = this.#dictionaryFirst >= 0 && (this.#last < 0 || first === this.#last + 1);
    for (let i = 1; runs && i < count; i++) runs = indices[i] === from + i;
    this.took(runs ? first + count - 1 : REFUSED, count);
  }

  inKernelMemory(): void {
    this.#failed = true;
  }

  missed(): void {
    this.#failed = true;
  }

  /** True when every id of the row group was seen and counted up (every page of a REQUIRED string chunk reaches the probe today; the count guards an encoding that would not). */
  held(): boolean {
    return !this.#failed && this.#seen === this.rows;
  }

  /** The last of `count` ids in the PLAIN bytes `values` that count up from `last`, else REFUSED. */
  private countUp(values: Uint8Array, count: number, last: number): number {
    // Copied below the facts' own memory, so the copy spoils no other column's facts, with
    // the room before it that the kernel reads (and ignores).
    const end = IDS_AT + values.length;
    if (end > FACTS_AT) return REFUSED;
    const k = this.k;
    claimMemory(CountingIds);
    ensureMemory(k.memory, end);
    new Uint8Array(k.memory.buffer, IDS_AT, values.length).set(values);
    return count === 0 ? last : k.idsCountUp(IDS_AT, end, count, last);
  }

  private took(last: number, count: number): void {
    if (last === REFUSED) this.#failed = true;
    else {
      this.#last = last;
      this.#seen += count;
    }
  }
}
