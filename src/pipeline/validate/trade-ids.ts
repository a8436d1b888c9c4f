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
  private previous = NaN;
  private steps = 0;
  private rowsSeen = 0;
  private buffered: Step[] = [];
  private overflow = false;
  private boundary: Step | undefined;
  private sawFirst = false;

  beginFile(): void {
    this.previous = NaN;
    this.steps = 0;
    this.rowsSeen = 0;
    this.buffered = [];
    this.overflow = false;
    this.boundary = undefined;
    this.sawFirst = false;
  }

  /** Reads the ids of one frame whose row 0 is file row `offset`. */
  scan(ids: readonly string[], tsInit: BigUint64Array, offset: number): void {
    // Locals, not fields, per id; the rare paths are methods.
    let previous = this.previous;
    let steps = this.steps;
    const length = ids.length;
    for (let i = 0; i < length; i++) {
      const id = numericId(ids[i]!);
      if (id !== id) {
        previous = NaN;
        continue;
      }
      if (previous === previous) {
        steps++;
        if (id - previous !== 1 && !this.overflow) this.buffer({ row: offset + i, ts: tsInit[i]!, previous, id }, i);
      } else if (!this.sawFirst) {
        // Only an id after none (the file's first, or one after a non-numeric id) can be the first.
        this.first(offset + i, tsInit[i]!, id);
      }
      previous = id;
    }
    this.previous = previous;
    this.steps = steps;
    this.rowsSeen += length;
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
    this.lastId = this.previous;
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
