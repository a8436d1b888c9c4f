/**
 * What the conformance facts of every type share (quote-facts.ts, bar-facts.ts): facts about
 * a row group are taken from its pages' values where the WebAssembly decoders leave them
 * (PageProbe), and earn its frame a mark only when every value of every checked column went
 * through the kernels, in order, with nothing written over the facts' own memory meanwhile.
 *
 * Memory: columns compared with a later column keep their values (or keys) from FACTS_AT of
 * the kernels' memory up, above what the pages of a row group use: copied there by a kernel
 * (`keeps`), or decoded straight into a slot there (`slot`: the decoders place the values,
 * PageWatch). Every decoding kernel asks ensureMemory for the top of what it writes outside
 * a slot, so a row group whose pages reach that far gets no mark (kernelHighWater, checked
 * before each column that reads kept values); a slot's writes cover only its own rows.
 *
 * The facts' writes cannot spoil a decoder's state either: the dictionary expander keeps a
 * chunk's dictionary resident below the page it expands, so a page whose values lie below
 * FACTS_AT has its dictionary there too; a page that does not fails the facts, and nothing
 * more is written for that row group.
 */
import type { FixedWidth } from '../model/fixed-point.js';
import type { PageProbe } from './parquet/column-read.js';
import { type WasmMemory, kernelHighWater, loadKernels, memoryWords, resetHighWater } from './parquet/wasm-module.js';

/** Where the facts' memory starts; the pages' values must lie below it. */
export const FACTS_AT = 1 << 20;

/**
 * Bytes of a slot for `rows` values of up to 16 bytes: the values, and room for what a
 * decoder writes past a page's last value (the snappy kernel's SLACK, 16, with room to spare).
 */
export function slotBytes(rows: number): number {
  return rows * 16 + 64;
}

/** Takes one page's values `[at, at + count)` lying at byte `offset`; false when a fact fails. */
export type PageTake = (offset: number, count: number, at: number) => boolean;

/** The kernel that checks a `ts_init` page never decreases (wasm/quote-facts.ts). */
interface TimesKernel {
  memory: WasmMemory;
  timesInOrder(valuesAt: number, count: number, lastAt: number): number;
}

/**
 * The take of a `ts_init` column that must never decrease and stay within
 * 1 .. 0x7FF0000000000000 (quotes, trades); the last value seen is kept at `lastAt`.
 */
export function timesInOrderTake(k: TimesKernel, lastAt: number): PageTake {
  return (offset, count, at) => {
    // A column's first value must be at least 1.
    if (at === 0) memoryWords(k.memory).set([1, 0], lastAt >> 2);
    return k.timesInOrder(offset, count, lastAt) === 0;
  };
}

/** The kernels of the module the facts run (each subclass types the ones it calls). */
export function factKernels<T extends { memory: WasmMemory }>(factsEnd: number): T | undefined {
  const kernels = loadKernels<T>();
  return kernels && kernels.memory.buffer.byteLength >= factsEnd ? kernels : undefined;
}

/** One row group's facts: probes for its columns, then a verdict on the whole. */
export abstract class RowGroupFacts {
  #failed = false;
  readonly #seen = new Map<number, number>();

  protected constructor(
    protected readonly width: FixedWidth,
    protected readonly rows: number,
  ) {}

  /** The probes for the file's columns, by position. */
  abstract probes(): Array<PageProbe | undefined>;

  /** Marks `frame` when every fact held for all its rows. */
  abstract markIfClean(frame: object): void;

  /** True when no fact failed and every probed column was seen whole. */
  protected allHeld(): boolean {
    if (this.#failed) return false;
    for (const seen of this.#seen.values()) if (seen !== this.rows) return false;
    return true;
  }

  /**
   * The probe of `column`. `keeps`: its pages' values are kept at FACTS_AT and up (its first
   * page starts watching for writes there). `slot`: its pages are decoded into the slot at
   * that address (at or above FACTS_AT, room for the row group's values plus the decoders'
   * slack), where they stay kept. `reads`: columns whose kept values `take` compares with,
   * which must have been seen at least as far, with nothing written over them.
   */
  protected probe(column: number, take: PageTake, { keeps = false, slot = undefined as number | undefined, reads = [] as readonly number[] } = {}): PageProbe {
    this.#seen.set(column, 0);
    const kept = keeps || slot !== undefined;
    return {
      // A page goes to its slot only as the next rows, whole.
      placeAt: (at, count) => (slot !== undefined && at === this.#seen.get(column) && at + count <= this.rows ? slot + at * this.width : undefined),
      inKernelMemory: (offset, count, at) => {
        if (this.#failed) return;
        const seen = this.#seen.get(column)!;
        const end = at + count;
        const where = slot === undefined ? offset + count * this.width <= FACTS_AT : offset === slot + at * this.width;
        const inPlace = where && at === seen && end <= this.rows;
        const keptReady = reads.every((c) => end <= this.#seen.get(c)!) && (reads.length === 0 || kernelHighWater() <= FACTS_AT);
        if (inPlace && keptReady && kept && at === 0) resetHighWater();
        if (!(inPlace && keptReady && take(offset, count, at))) this.#failed = true;
        else this.#seen.set(column, end);
      },
      missed: () => {
        this.#failed = true;
      },
    };
  }
}
