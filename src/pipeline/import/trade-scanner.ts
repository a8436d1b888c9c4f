/**
 * The fast path for Binance trade and aggTrade rows (`id, price, qty, <skipped>…, time,
 * isBuyerMaker, <skipped>…`): one monomorphic loop over a block of complete lines that parses
 * each row straight into the BatchBuilder's typed arrays — no call per field through the
 * generic column roles, no BigInt, no substring.
 *
 * It only accepts the plain common case. Any line it does not accept whole — a header, a
 * blank line, a sign, an exponent, an empty or over-long field, a value needing the BigInt
 * path, a zero, more decimals than seen so far, an id jump, a new day outside the archive,
 * time going backwards, a wrong field count — is handed to the reference path
 * (`RowMapper.line`), which reads it again and records the gap, widens the decimals, or
 * throws the error naming archive, line and field. Nothing of a refused line is kept: the
 * scanner writes into the row slot at `builder.length` and changes no state until the row
 * is accepted whole, so the reference overwrites the slot.
 *
 * Before this loop, the WebAssembly kernel (trade-kernel.ts) takes as many rows as it can
 * from each line on, by the same rules; the line it stops at comes here. The fuzz test in
 * test/pipeline/import-fast-path.test.ts holds the three paths to the same frames and errors.
 */
import { fixedPrecisionOf } from '../../model/fixed-point.js';
import type { BatchBuilder } from './batch-builder.js';
import { emitLine } from './csv-lines.js';
import { fastIntegerDigits, writeScaledDigits } from './fixed-bytes.js';
import type { RowLayout, RowMapper, RowRules, SeriesState } from './row-mapper.js';
import { TradeKernel } from './trade-kernel.js';

const NEWLINE = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO32 = 4_294_967_296;
const INV_TWO32 = 1 / TWO32;
const SELLER = 2;
const BUYER = 1;

/** Where the fixed shape of a trade layout puts its skipped columns. */
interface TradeShape {
  /** Skipped columns between qty and time (trades: the quote qty; aggTrades: first and last trade id). */
  readonly skipsBeforeTime: number;
  /** Skipped columns after isBuyerMaker (spot: isBestMatch). */
  readonly skipsAfter: number;
}

/** Returns the shape when `layout` is `id, fixed:0, fixed:1, skip*, time, buyerMaker, skip*` read oldest-first; else undefined. */
export function tradeShape(layout: RowLayout): TradeShape | undefined {
  const roles = layout.roles;
  if (layout.header !== 'detect' || (layout.order ?? 'ascending') !== 'ascending') return undefined;
  if (roles[0] !== 'id' || roles[1] !== 'fixed:0' || roles[2] !== 'fixed:1') return undefined;
  let i = 3;
  while (roles[i] === 'skip') i++;
  const skipsBeforeTime = i - 3;
  if (roles[i] !== 'time' || roles[i + 1] !== 'buyerMaker') return undefined;
  i += 2;
  const after = i;
  while (roles[i] === 'skip') i++;
  if (i !== roles.length) return undefined;
  return { skipsBeforeTime, skipsAfter: i - after };
}

export class TradeScanner {
  private readonly kernel: TradeKernel | undefined;
  /** The rules' stamp offset as a number of ns (the kernel's argument). */
  private readonly offsetNs: number;
  /** Rows the kernel took (for tests: the kernel must be doing the work). */
  kernelRows = 0;
  private readonly maxIntegerDigits: number;
  private readonly fixed: number;
  /** The u64 ns of the start of day `baseDay` plus the stamp offset, as two 32-bit words. */
  private baseDay = -1;
  private baseLow = 0;
  private baseHigh = 0;

  constructor(
    private readonly mapper: RowMapper,
    private readonly builder: BatchBuilder,
    private readonly rules: RowRules,
    private readonly series: SeriesState,
    private readonly shape: TradeShape,
    /** false: the JavaScript loop alone (the kernel's reference in tests). */
    useKernel = true,
  ) {
    this.fixed = fixedPrecisionOf(builder.width);
    this.maxIntegerDigits = fastIntegerDigits(builder.width);
    this.kernel = useKernel ? TradeKernel.load(shape.skipsBeforeTime, shape.skipsAfter) : undefined;
    this.offsetNs = Number(rules.stampOffsetNs);
  }

  private enterBase(day: number, dayStartMicros: number): void {
    const base = BigInt(dayStartMicros) * 1000n + this.rules.stampOffsetNs;
    this.baseDay = day;
    this.baseLow = Number(base & 0xffff_ffffn);
    this.baseHigh = Number(base >> 32n);
  }

  /** Handles the lines of `buf[start, end)` (ending with a newline); returns the last line number. */
  lines(buf: Uint8Array, start: number, end: number, lineNumber: number): number {
    const mapper = this.mapper;
    const kernel = this.kernel;
    kernel?.newBlock();
    let p = start;
    while (p < end) {
      // The kernel works within one day of the builder's (it stops at a new day).
      if (kernel && mapper.started && this.builder.day === mapper.currentDay) {
        const rows = this.kernelTake(kernel, buf, p, end);
        if (rows > 0) {
          lineNumber += rows;
          p = kernel.stoppedAt;
          if (p >= end) break;
        }
      }
      lineNumber++;
      const next = mapper.started ? this.row(buf, p) : -1;
      if (next >= 0) {
        p = next;
        continue;
      }
      const cut = buf.indexOf(NEWLINE, p);
      emitLine(mapper, buf, p, cut, lineNumber);
      p = cut + 1;
    }
    return lineNumber;
  }

  /** Has the kernel take rows from the line at `p` on and commits them; returns how many. */
  private kernelTake(kernel: TradeKernel, buf: Uint8Array, p: number, end: number): number {
    const { builder, series, mapper } = this;
    const rows = kernel.take(buf, p, end, builder, {
      lastId: series.lastId,
      lastMicros: series.lastMicros,
      dayStartMicros: mapper.dayStartMicros,
      dayEndMicros: mapper.dayEndMicros,
      offsetNs: this.offsetNs,
      seenPrice: series.decimals[0]!,
      seenSize: series.decimals[1]!,
    });
    if (rows === 0) return 0;
    series.lastId = kernel.lastId;
    series.lastMicros = kernel.lastMicros;
    mapper.rows += rows;
    builder.commitRows(rows);
    this.kernelRows += rows;
    return rows;
  }

  /** Reads and commits the row at `p`; returns the position after its newline, or -1 to refuse it. */
  private row(buf: Uint8Array, p: number): number {
    const b = this.builder;
    const series = this.series;
    const row = b.length;
    const shape = this.shape;

    let c = buf[p]!;
    let id = 0;
    const idStart = p;
    while (c >= ZERO && c <= NINE) {
      id = id * 10 + (c - ZERO);
      c = buf[++p]!;
    }
    if (c !== COMMA || p === idStart || id > MAX_SAFE) return -1;
    if (series.lastId >= 0 && id !== series.lastId + 1) return -1;

    p = this.decimal(buf, p + 1, b.fixedWords[0]!, row, 0);
    if (p < 0 || buf[p] !== COMMA) return -1;
    p = this.decimal(buf, p + 1, b.fixedWords[1]!, row, 1);
    if (p < 0) return -1;

    for (let k = 0; k < shape.skipsBeforeTime; k++) {
      if (buf[p] !== COMMA) return -1;
      c = buf[++p]!;
      while (c !== COMMA && c !== NEWLINE) c = buf[++p]!;
    }
    if (buf[p] !== COMMA) return -1;

    c = buf[++p]!;
    let time = 0;
    const timeStart = p;
    while (c >= ZERO && c <= NINE) {
      time = time * 10 + (c - ZERO);
      c = buf[++p]!;
    }
    if (c !== COMMA || p === timeStart || time > MAX_SAFE) return -1;
    let micros: number;
    if (time >= 1e15 && time < 1e17) micros = time;
    else if (time >= 1e12 && time < 1e14) micros = time * 1000;
    else return -1;
    if (micros < series.lastMicros) return -1;
    const mapper = this.mapper;
    if (micros < mapper.dayStartMicros || micros >= mapper.dayEndMicros) {
      mapper.enterDay(micros);
      if (mapper.currentDay < this.rules.firstDay || mapper.currentDay > this.rules.lastDay) return -1;
    }
    if (mapper.currentDay !== this.baseDay) this.enterBase(mapper.currentDay, mapper.dayStartMicros);
    // ns = day base + µs into the day × 1000: below 8.64e13, exact in a double, so one split
    // and a carry write the u64 (ms × 10^6 = µs × 10^3, one formula for both units).
    const into = (micros - mapper.dayStartMicros) * 1000;
    let high = Math.floor(into * INV_TWO32);
    let low = this.baseLow + (into - high * TWO32);
    if (low >= TWO32) {
      low -= TWO32;
      high++;
    }
    const tsWords = b.tsWords;
    tsWords[row * 2] = low;
    tsWords[row * 2 + 1] = this.baseHigh + high;

    // isBuyerMaker: True/true/TRUE… or False/false…; `| 0x20` lower-cases ASCII letters.
    c = buf[++p]! | 0x20;
    let buyerMaker: boolean;
    if (c === 116 && (buf[p + 1]! | 0x20) === 114 && (buf[p + 2]! | 0x20) === 117 && (buf[p + 3]! | 0x20) === 101) {
      buyerMaker = true;
      p += 4;
    } else if (c === 102 && (buf[p + 1]! | 0x20) === 97 && (buf[p + 2]! | 0x20) === 108 && (buf[p + 3]! | 0x20) === 115 && (buf[p + 4]! | 0x20) === 101) {
      buyerMaker = false;
      p += 5;
    } else {
      return -1;
    }

    for (let k = 0; k < shape.skipsAfter; k++) {
      if (buf[p] !== COMMA) return -1;
      c = buf[++p]!;
      while (c !== COMMA && c !== NEWLINE) c = buf[++p]!;
    }
    c = buf[p]!;
    if (c === CR && buf[p + 1] === NEWLINE) p++;
    else if (c !== NEWLINE) return -1;

    // Accepted whole: now the state changes.
    series.lastId = id;
    series.lastMicros = micros;
    b.tradeIdNumber[row] = id;
    b.aggressor[row] = buyerMaker ? SELLER : BUYER;
    mapper.rows++;
    b.commit(mapper.currentDay);
    return p + 1;
  }

  /**
   * Reads a plain unsigned decimal at `p` into the fixed-point raw at `row` of `words` (as
   * FieldReader.decimal does); returns the position after it, or -1 for anything the
   * reference path must judge (no integer digit, a zero, too long, more decimals than seen).
   */
  private decimal(buf: Uint8Array, p: number, words: Uint32Array, row: number, slot: number): number {
    let value = 0;
    const start = p;
    let c = buf[p]!;
    while (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      c = buf[++p]!;
    }
    const integerDigits = p - start;
    let decimals = 0;
    if (c === DOT) {
      // Trailing fraction zeros are trimmed: `trimmed` is the value up to the last non-zero
      // digit. It is exact whenever it is at most 2^53 (value only grows along the way).
      const first = p + 1;
      let trimmed = value;
      let last = p;
      c = buf[++p]!;
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        if (c !== ZERO) {
          trimmed = value;
          last = p;
        }
        c = buf[++p]!;
      }
      value = trimmed;
      decimals = last - first + 1;
    }
    if (integerDigits === 0 || integerDigits > this.maxIntegerDigits || decimals > this.fixed || !(value <= MAX_SAFE) || value === 0) return -1;
    if (decimals > this.series.decimals[slot]!) return -1;
    const width = this.builder.width;
    writeScaledDigits(words, row * (width >>> 2), value, this.fixed - decimals, width);
    return p;
  }

}
