/**
 * Facts about a bar row group, taken while its columns are decoded (see row-group-facts.ts),
 * so the history API proves a clean bar frame without a pass over it
 * (src/seamless/conformance/bar-fast-path.ts, markedBarsClean); a plain read takes none.
 *
 * A frame gets a mark (barMarkOf) when every value of its six checked columns went through
 * the kernels (wasm/bar-facts.ts) and:
 * - every bar has low <= open <= high and low <= close <= high, compared exactly (so also
 *   low <= high), with no sentinel among its prices;
 * - every volume's top 32-bit word is below QUANTITY_RAW_MAX's (so the volume is in range);
 * - `ts_init` rises by one constant stride above 0, every value below 2^63.
 * The mark holds the stride: the checker compares it with the series' interval, and the
 * frame's first bar with the bar before it, which is all that is left of the bar rules.
 *
 * Memory: open, high and low are decoded into slots from FACTS_AT up, where they wait for
 * close; one kernel then compares the four columns where they lie. A slot holds up to
 * MAX_ROWS rows of 16 bytes (Nautilus writes 5,000 a row group); 1.75 MB in all, inside the
 * kernels' 2 MB, so taking facts never grows the memory.
 */
import { type FixedWidth, QUANTITY_RAW_MAX } from '../model/fixed-point.js';
import type { PageProbe } from './parquet/column-read.js';
import { type WasmMemory, memoryWords } from './parquet/wasm-module.js';
import { FACTS_AT, RowGroupFacts, factKernels, slotBytes } from './row-group-facts.js';

interface BarKernels {
  memory: WasmMemory;
  bars16(openAt: number, highAt: number, lowAt: number, closeAt: number, count: number): number;
  bars8(openAt: number, highAt: number, lowAt: number, closeAt: number, count: number): number;
  topWordsBelow(valuesAt: number, count: number, width: number, limit: number): number;
  timesOnStride(valuesAt: number, count: number, stateAt: number, first: number): number;
}

/** Rows a row group may have for facts: three slots of up to 16 bytes a row. */
const MAX_ROWS = 1 << 14;
const SLOT_BYTES = slotBytes(MAX_ROWS);
const OPEN_AT = FACTS_AT;
const HIGH_AT = OPEN_AT + SLOT_BYTES;
const LOW_AT = HIGH_AT + SLOT_BYTES;
/** The last `ts_init` seen and the stride (two i64). */
const TIME_STATE_AT = LOW_AT + SLOT_BYTES;
const FACTS_END = TIME_STATE_AT + 16;

/** A volume whose top 32-bit word is below this is at most QUANTITY_RAW_MAX. */
const VOLUME_TOP: Record<FixedWidth, number> = {
  8: Number(QUANTITY_RAW_MAX[8] >> 32n),
  16: Number(QUANTITY_RAW_MAX[16] >> 96n),
};

/** What a marked frame's bars were found to be (see the file comment). */
export interface BarMark {
  /** `ts_init` of each bar less the one before, in ns; exact below 2^53. */
  readonly stride: number;
}

const marks = new WeakMap<object, BarMark>();

/** The mark of a frame decoded with bar facts, if its bars earned one. */
export function barMarkOf(frame: object): BarMark | undefined {
  return marks.get(frame);
}

/** Column positions of a bar file (by the Nautilus schema), in decoding order. */
export const BAR_FACT_COLUMNS = { open: 0, high: 1, low: 2, close: 3, volume: 4, tsInit: 6 } as const;

/** Collects one row group's facts from its column probes, then marks its frame. */
export class BarFacts extends RowGroupFacts {
  private constructor(
    private readonly k: BarKernels,
    width: FixedWidth,
    rows: number,
  ) {
    super(width, rows);
  }

  /** Facts for a row group of `rows` rows, or undefined when none can be taken (no kernels, too many rows). */
  static start(width: FixedWidth, rows: number): BarFacts | undefined {
    if (rows < 2 || rows > MAX_ROWS) return undefined;
    const k = factKernels<BarKernels>(FACTS_END);
    return k && new BarFacts(k, width, rows);
  }

  /** The probes for the file's columns, by position (ts_event gets none). */
  probes(): Array<PageProbe | undefined> {
    const { open, high, low, close, volume, tsInit } = BAR_FACT_COLUMNS;
    const k = this.k;
    const wide = this.width === 16;
    // Open, high and low only land in their slots; the kernel runs when close's rows arrive.
    // Each later column checks that nothing but the slots' own pages wrote above FACTS_AT.
    const waits = () => true;
    const probes: Array<PageProbe | undefined> = [];
    probes[open] = this.probe(open, waits, { slot: OPEN_AT });
    probes[high] = this.probe(high, waits, { slot: HIGH_AT, reads: [open] });
    probes[low] = this.probe(low, waits, { slot: LOW_AT, reads: [open, high] });
    probes[close] = this.probe(
      close,
      (offset, count, at) => (wide ? k.bars16(OPEN_AT + at * 16, HIGH_AT + at * 16, LOW_AT + at * 16, offset, count) : k.bars8(OPEN_AT + at * 8, HIGH_AT + at * 8, LOW_AT + at * 8, offset, count)) === 0,
      { reads: [open, high, low] },
    );
    probes[volume] = this.probe(volume, (offset, count) => k.topWordsBelow(offset, count, this.width, VOLUME_TOP[this.width]) === 0);
    probes[tsInit] = this.probe(tsInit, (offset, count, at) => k.timesOnStride(offset, count, TIME_STATE_AT, at === 0 ? 1 : 0) === 0);
    return probes;
  }

  markIfClean(frame: object): void {
    if (!this.allHeld()) return;
    const words = memoryWords(this.k.memory);
    const at = (TIME_STATE_AT + 8) >> 2;
    marks.set(frame, { stride: words[at + 1]! * 4294967296 + (words[at]! >>> 0) });
  }
}
