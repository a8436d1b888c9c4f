/**
 * Proven gaps: where a venue numbers its trades 1, 2, 3, … per instrument (Binance does),
 * a jump from id n to id m > n + 1 proves trades n + 1 … m − 1 are missing.
 *
 * Whether ids are sequential is decided per file, after reading it: every id must be
 * digits only (up to 15 of them, so they are exact as floats), and at most
 * max(1, 1 % of the steps) of the steps between consecutive ids may differ from 1 —
 * the jumps themselves are what we report, so a few must be allowed. Until the verdict,
 * the non-unit steps are buffered; a file whose buffer outgrows 10,000 + 1 % of its rows
 * read so far is declared not sequential, which bounds the memory.
 *
 * Across files of one instrument, the step from the last id of one file to the first of
 * the next is checked when both files are sequential.
 *
 * Parsing is the cost here (each charCodeAt dispatches on the string's representation, and
 * a string comparison is a builtin call), so the common step is taken from three digits and
 * one comparison. Ids are grouped in blocks of 1,000: the same length and all but the last
 * three digits (the prefix P) the same. When the previous id a is known to be in the block
 * (parsed in full, or proven so), an id t of the same length with t > a as strings and last
 * three digits those of a plus one is a + 1, provided t <= P + "999": a string differing from
 * a before the last three would sort below a or above that bound. Such ids form a run, each
 * greater than the one before, so checking the bound for the run's last (largest) id covers
 * all; it is checked when the run ends, and if it fails the run is read again in full. A run
 * only counts unit steps, so undoing it is restoring a few locals.
 */
import type { CheckId } from './checks.js';
import type { FileFindings } from './report.js';

interface Step {
  readonly row: number;
  readonly ts: bigint;
  readonly previous: number;
  readonly id: number;
}

const MAX_DIGITS = 15;
const BUFFER_BASE = 10_000;
/** Digits read per id inside a block; a block is set up at most once per BLOCK_GAP rows (ids out of order stay cheap). */
const BLOCK_DIGITS = 3;
const BLOCK_SIZE = 1000;
const BLOCK_GAP = 16;

/** Parses an id of 1..15 decimal digits; NaN for anything else. */
export function numericId(text: string): number {
  const n = text.length;
  if (n === 0 || n > MAX_DIGITS) return NaN;
  let value = 0;
  for (let k = 0; k < n; k++) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

export class TradeIdTracker {
  // Carried across the files of one instrument.
  private lastFileSequential = false;
  private lastId = NaN;
  // Per file.
  /**
   * [the last id (NaN: it was not numeric, or none yet), the first value of the block (see
   * the header), the last id's last three digits when it is in the block].
   */
  private readonly state = Float64Array.of(NaN, 0, 0);
  private steps = 0;
  private rowsSeen = 0;
  private buffered: Step[] = [];
  private overflow = false;
  private boundary: Step | undefined;
  private sawFirst = false;
  // The block (see the header); length -1: none.
  private blockLength = -1;
  private blockHigh = '';
  /** The last id, when it is in the block. */
  private inBlock = false;
  private lastText = '';
  /** File row from which a new block may be set up. */
  private nextBlockRow = 0;

  beginFile(): void {
    this.state[0] = NaN;
    this.steps = 0;
    this.rowsSeen = 0;
    this.buffered = [];
    this.overflow = false;
    this.boundary = undefined;
    this.sawFirst = false;
    this.nextBlockRow = 0;
    this.inBlock = false;
  }

  /** Reads the ids of one frame whose row 0 is file row `offset`. */
  scan(ids: readonly string[], tsInit: BigUint64Array, offset: number): void {
    // Locals, not fields, per id; the rare paths are methods. Numbers come from `state` and
    // "no previous id" is a boolean, so V8 keeps them untagged (a NaN marker made `previous`
    // and `id` tagged values, checked and unboxed per id).
    const state = this.state;
    let previous = state[0]!;
    let base = state[1]!;
    let three = state[2]! | 0;
    let have = previous === previous;
    let steps = this.steps | 0;
    let blockLength = this.blockLength | 0;
    let high = this.blockHigh;
    let nextBlockRow = this.nextBlockRow;
    let inBlock = this.inBlock === true;
    let lastText = this.lastText;
    // The run of unit steps taken from three digits (see the header): where it started, and
    // the locals to restore if its bound fails (reading its ids again in full sets the rest);
    // below `fullFrom` ids are read in full.
    let run = -1;
    let runSteps = 0;
    let runPrevious = 0;
    let fullFrom = 0;
    const length = ids.length;
    for (let i = 0; ; i++) {
      let text = '';
      if (i < length) {
        text = ids[i]!;
        if (inBlock && text.length === blockLength && i >= fullFrom && text > lastText) {
          const n = blockLength;
          const d2 = text.charCodeAt(n - 3) - 48;
          const d1 = text.charCodeAt(n - 2) - 48;
          const d0 = text.charCodeAt(n - 1) - 48;
          // Digits (":" sorts after "9", so the comparisons do not prove it), one up.
          if ((d2 | d1 | d0 | (9 - d2) | (9 - d1) | (9 - d0)) >= 0 && d2 * 100 + d1 * 10 + d0 === three + 1) {
            if (run < 0) {
              run = i;
              runSteps = steps;
              runPrevious = previous;
            }
            steps++;
            three++;
            previous++;
            lastText = text;
            continue;
          }
        }
      }
      if (run >= 0) {
        // The run's last id is its largest: the bound for it holds for all.
        if (!(lastText <= high)) {
          steps = runSteps;
          previous = runPrevious;
          fullFrom = i;
          i = run - 1;
          run = -1;
          continue;
        }
        run = -1;
      }
      if (i === length) break;
      const n = text.length;
      const id = numericId(text);
      if (id !== id) {
        have = false;
        inBlock = false;
        continue;
      }
      if (n >= BLOCK_DIGITS && offset + i >= nextBlockRow) {
        blockLength = n;
        high = text.substring(0, n - BLOCK_DIGITS) + '999';
        base = id - (id % BLOCK_SIZE);
        nextBlockRow = offset + i + BLOCK_GAP;
      }
      // Digit strings of one length are one per value: a value in the block's range has its prefix.
      three = id - base;
      inBlock = n === blockLength && three >= 0 && three < BLOCK_SIZE;
      lastText = text;
      if (have) {
        steps++;
        if (id - previous !== 1 && !this.overflow) this.buffer({ row: offset + i, ts: tsInit[i]!, previous, id }, i);
      } else if (!this.sawFirst) {
        // Only an id after none (the file's first, or one after a non-numeric id) can be the first.
        this.first(offset + i, tsInit[i]!, id);
      }
      have = true;
      previous = id;
    }
    state[0] = have ? previous : NaN;
    state[1] = base;
    state[2] = three;
    this.steps = steps;
    this.rowsSeen += length;
    this.blockLength = blockLength;
    this.blockHigh = high;
    this.nextBlockRow = nextBlockRow;
    this.inBlock = inBlock;
    this.lastText = lastText;
  }

  /**
   * What `scan` does with the `length` ids of a frame whose ids the catalog proved, while
   * decoding, to count up from `firstText` to `lastText` (tradeIdsCountUp: canonical numbers,
   * id i the first plus i): one step from the id before, then unit steps.
   */
  countingUp(firstText: string, lastText: string, length: number, tsInit: BigUint64Array, offset: number): void {
    if (length === 0) return;
    const state = this.state;
    const previous = state[0]!;
    const first = numericId(firstText);
    if (previous === previous) {
      this.steps++;
      if (first - previous !== 1 && !this.overflow) this.buffer({ row: offset, ts: tsInit[0]!, previous, id: first }, 0);
    } else if (!this.sawFirst) {
      this.first(offset, tsInit[0]!, first);
    }
    this.steps += length - 1;
    this.rowsSeen += length;
    state[0] = first + length - 1;
    // The next frame's first id is read in full, which sets the block up again from it.
    this.inBlock = false;
    this.lastText = lastText;
  }

  private first(row: number, ts: bigint, id: number): void {
    this.sawFirst = true;
    if (this.lastId === this.lastId) this.boundary = { row, ts, previous: this.lastId, id };
  }

  /** Buffers a non-unit step at frame row `i`, or gives up on the file when too many are. */
  private buffer(step: Step, i: number): void {
    this.buffered.push(step);
    if (this.buffered.length > BUFFER_BASE + 0.01 * (this.rowsSeen + i)) {
      this.overflow = true;
      this.buffered = [];
    }
  }

  /** Decides the file's verdict and reports its gaps (and the step from the previous file). */
  endFile(findings: FileFindings): void {
    const nonUnit = this.buffered.length;
    const sequential = !this.overflow && this.steps > nonUnit && nonUnit <= Math.max(1, Math.floor(0.01 * this.steps));
    if (sequential) {
      const boundary = this.boundary;
      if (this.lastFileSequential && boundary && boundary.id - boundary.previous !== 1) report(findings, boundary, 'from the previous file');
      for (const step of this.buffered) report(findings, step);
    }
    this.lastFileSequential = sequential;
    this.lastId = this.state[0]!;
  }
}

function report(findings: FileFindings, step: Step, where?: string): void {
  const { row, ts, previous, id } = step;
  const check: CheckId = id > previous ? 'trade_id_gap' : 'trade_id_order';
  const values: Record<string, string> = { previous_id: String(previous), trade_id: String(id) };
  if (check === 'trade_id_gap') values['missing'] = id - previous === 2 ? String(previous + 1) : `${previous + 1}..${id - 1}`;
  if (where) values['previous'] = where;
  findings.add(check, row, ts, values, check === 'trade_id_gap' ? id - previous - 1 : undefined);
}
