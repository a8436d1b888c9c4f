/**
 * A cursor over one CSV line in a Buffer: each method reads the next field in place (no
 * split, no substring, no object per row) and leaves the cursor on the following comma.
 * Exchange archives have no quoting, so a comma always ends a field. Every failure throws an
 * ImportError naming the archive, line and field (see `fail`).
 */
import { type FixedWidth, fixedPrecisionOf } from '../../model/fixed-point.js';
import { ImportError, badRow } from './errors.js';
import { fastIntegerDigits, writeDecimalTextExact, writeScaledDigits } from './fixed-bytes.js';

const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const POW10 = Array.from({ length: 24 }, (_, i) => 10 ** i);

export class FieldReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  line = 0;
  /** Index of the field being read. */
  field = 0;
  private fieldStart = 0;
  private lineStart = 0;
  /** Seconds and nanoseconds of the last `secondsFraction()`. */
  seconds = 0;
  nanos = 0;
  /** Whether the last `decimal()` was zero. */
  zero = false;

  constructor(
    readonly archive: string,
    /** Column names, for messages; their count is the expected field count. */
    readonly names: readonly string[],
  ) {}

  /** Starts reading the line `buf[start, end)` (no newline) numbered `line` (1-based). */
  begin(buf: Uint8Array, start: number, end: number, line: number): void {
    this.buf = buf;
    this.pos = start;
    this.fieldStart = start;
    this.lineStart = start;
    this.end = end;
    this.line = line;
    this.field = 0;
  }

  /** Moves past the comma to field `index` (which must be the next one). */
  next(index: number): void {
    if (this.pos >= this.end || this.buf[this.pos] !== COMMA) this.wrongFieldCount();
    this.pos++;
    this.field = index;
    this.fieldStart = this.pos;
  }

  /** Checks the line has no field after the last one read. */
  done(): void {
    if (this.pos !== this.end) this.wrongFieldCount();
  }

  /** Reads an unsigned integer of at most 2^53 - 1. */
  uint(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    let value = 0;
    const start = p;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c === COMMA) break;
      if (c < ZERO || c > NINE) this.fail('must be an unsigned integer');
      value = value * 10 + (c - ZERO);
    }
    if (p === start) this.fail('must not be empty');
    if (value > MAX_SAFE) this.fail('is too large (above 2^53)');
    this.pos = p;
    return value;
  }

  /**
   * Reads an unsigned decimal (`123`, `0.001`, `94123.45000000`) into the fixed-point raw at
   * row `row` of a FixedColumn (its bytes as `words`, a Uint32Array), width `width`. Returns its decimals after dropping trailing zeros, which is
   * the precision the value needs. Rejects signs, exponents, empty text and too many decimals.
   * `price`: the value is range-checked as a price (a signed raw: at 64 bits at most
   * 9,223,372,036), else as a quantity.
   */
  decimal(words: Uint32Array, row: number, width: FixedWidth, price: boolean): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    let value = 0;
    let integerDigits = 0;
    let decimals = 0;
    // Fraction zeros are only multiplied in when a non-zero digit follows, so trailing zeros
    // (`94123.45000000`) never enter `value` and `decimals` ends up trimmed.
    let zeros = 0;
    let dot = false;
    let any = false;
    for (; p < end; p++) {
      const c = buf[p]!;
      const digit = c - ZERO;
      if (digit >= 0 && digit <= 9) {
        any = true;
        if (!dot) {
          value = value * 10 + digit;
          integerDigits++;
        } else if (digit === 0) {
          zeros++;
        } else {
          value = value * POW10[zeros + 1]! + digit;
          decimals += zeros + 1;
          zeros = 0;
        }
      } else if (c === COMMA) {
        break;
      } else if (c === DOT && !dot) {
        dot = true;
      } else {
        this.fail(c === 45 ? 'must not be negative' : 'must be a plain decimal number');
      }
    }
    if (!any) this.fail('must be a decimal number');
    this.pos = p;
    this.zero = value === 0;
    const fixed = fixedPrecisionOf(width);
    if (decimals > fixed) this.fail(`has ${decimals} decimals, more than the ${fixed} a ${width * 8}-bit catalog holds`);
    if (value > MAX_SAFE || integerDigits > fastIntegerDigits(width)) {
      // Rare: long or huge values go through the exact BigInt path (and its range checks).
      try {
        writeDecimalTextExact(new Uint8Array(words.buffer, words.byteOffset), row * width, this.fieldText(), width, price);
      } catch (error) {
        const problem = (error as Error).message;
        this.fail(width === 8 ? `${problem} (a 128-bit catalog, --width 16, holds it)` : problem);
      }
      return decimals;
    }
    writeScaledDigits(words, row * (width >>> 2), value, fixed - decimals, width);
    return decimals;
  }

  /** Reads `true`/`false` in any letter case (spot writes `True`, futures `true`). */
  bool(): boolean {
    const buf = this.buf;
    const p = this.pos;
    const length = this.fieldLength();
    // | 0x20 lower-cases ASCII letters.
    if (length === 4 && (buf[p]! | 0x20) === 116 && (buf[p + 1]! | 0x20) === 114 && (buf[p + 2]! | 0x20) === 117 && (buf[p + 3]! | 0x20) === 101) {
      this.pos = p + 4;
      return true;
    }
    if (length === 5 && (buf[p]! | 0x20) === 102 && (buf[p + 1]! | 0x20) === 97 && (buf[p + 2]! | 0x20) === 108 && (buf[p + 3]! | 0x20) === 115 && (buf[p + 4]! | 0x20) === 101) {
      this.pos = p + 5;
      return false;
    }
    return this.fail('must be true or false');
  }

  /** Reads a taker side `Buy`/`Sell` in any letter case: true for a buyer. */
  buySell(): boolean {
    const buf = this.buf;
    const p = this.pos;
    const length = this.fieldLength();
    if (length === 3 && (buf[p]! | 0x20) === 98 && (buf[p + 1]! | 0x20) === 117 && (buf[p + 2]! | 0x20) === 121) {
      this.pos = p + 3;
      return true;
    }
    if (length === 4 && (buf[p]! | 0x20) === 115 && (buf[p + 1]! | 0x20) === 101 && (buf[p + 2]! | 0x20) === 108 && (buf[p + 3]! | 0x20) === 108) {
      this.pos = p + 4;
      return false;
    }
    return this.fail('must be Buy or Sell');
  }

  /**
   * Reads seconds with an optional fraction of up to 9 digits (`1704326400.1000`) into
   * `seconds` and `nanos`, by string math: no float ever holds the instant.
   */
  secondsFraction(): void {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    const start = p;
    let seconds = 0;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c < ZERO || c > NINE) break;
      seconds = seconds * 10 + (c - ZERO);
    }
    if (p === start) this.fail('must be seconds like 1704326400.1000');
    let nanos = 0;
    let scale = 100_000_000;
    if (p < end && buf[p] === DOT) {
      for (p++; p < end; p++) {
        const c = buf[p]!;
        if (c < ZERO || c > NINE) break;
        if (scale < 1) {
          if (c !== ZERO) this.fail('has more than 9 fractional digits (finer than a nanosecond)');
          continue;
        }
        nanos += (c - ZERO) * scale;
        scale /= 10;
      }
    }
    if (p < end && buf[p] !== COMMA) this.fail('must be seconds like 1704326400.1000');
    this.seconds = seconds;
    this.nanos = Math.round(nanos); // scale is a power of ten; rounding only removes float dust
    this.pos = p;
  }

  /** Returns the field as a string (trade ids); Latin-1 is exact for the ASCII exchanges write. */
  text(): string {
    const start = this.pos;
    const length = this.fieldLength();
    if (length === 0) this.fail('must not be empty');
    this.pos = start + length;
    return latin1(this.buf, start, this.pos);
  }

  /** Moves over a field without reading it. */
  skip(): void {
    this.pos += this.fieldLength();
  }

  /** Throws an ImportError for the current field: `<archive> line <n>, field <name>: <problem>`. */
  fail(problem: string): never {
    throw badRow(this.archive, this.line, this.names[this.field] ?? `#${this.field + 1}`, problem, this.fieldText());
  }

  private fieldLength(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    while (p < end && buf[p] !== COMMA) p++;
    return p - this.pos;
  }

  private fieldText(): string {
    let p = this.fieldStart;
    while (p < this.end && this.buf[p] !== COMMA) p++;
    return latin1(this.buf, this.fieldStart, p);
  }

  private wrongFieldCount(): never {
    let count = 1;
    const p = this.lineStart;
    const lineText = latin1(this.buf, p, this.end);
    for (let i = p; i < this.end; i++) if (this.buf[i] === COMMA) count++;
    throw new ImportError(
      'IMPORT_BAD_ROW',
      `${this.archive} line ${this.line}: expected ${this.names.length} fields (${this.names.join(',')}), was ${count}: ${JSON.stringify(lineText.slice(0, 120))}; re-download the archive (delete it from your mirror, or re-run with --force to replace days already written)`,
      { archive: this.archive, line: this.line, field: this.names[Math.min(this.field + 1, this.names.length - 1)] ?? '' },
    );
  }
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}
