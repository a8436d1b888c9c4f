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
 * Ids are JavaScript strings by the time they can be compared, so the checker does that.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import type { PageProbe } from './parquet/column-read.js';
import type { WasmMemory } from './parquet/wasm-module.js';
import { FACTS_AT, RowGroupFacts, factKernels, timesInOrderTake } from './row-group-facts.js';

interface TradeKernels {
  memory: WasmMemory;
  tradePrices16(valuesAt: number, count: number): number;
  tradePrices8(valuesAt: number, count: number): number;
  tradeSizes16(valuesAt: number, count: number): number;
  sizesPlausible8(valuesAt: number, count: number): number;
  timesInOrder(valuesAt: number, count: number, lastAt: number): number;
}

/** The last `ts_init` seen (i64). Nothing is kept for later columns, so any row count will do. */
const LAST_TIME_AT = FACTS_AT;
const FACTS_END = LAST_TIME_AT + 8;

const marked = new WeakSet<object>();

/** True when `frame` was decoded with trade facts and its rows earned a mark. */
export function tradeMarkOf(frame: object): boolean {
  return marked.has(frame);
}

/** Column positions of a trade file (by the Nautilus schema), in decoding order. */
export const TRADE_FACT_COLUMNS = { price: 0, size: 1, tsInit: 5 } as const;

/** Collects one row group's facts from its column probes, then marks its frame. */
export class TradeFacts extends RowGroupFacts {
  private constructor(
    private readonly k: TradeKernels,
    width: FixedWidth,
    rows: number,
  ) {
    super(width, rows);
  }

  /** Facts for a row group of `rows` rows, or undefined when none can be taken (no kernels). */
  static start(width: FixedWidth, rows: number): TradeFacts | undefined {
    if (rows < 1) return undefined;
    const k = factKernels<TradeKernels>(FACTS_END);
    return k && new TradeFacts(k, width, rows);
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
    return probes;
  }

  markIfClean(frame: object): void {
    if (this.allHeld()) marked.add(frame);
  }
}
