/**
 * `Price` and `Quantity`: NautilusTrader's fixed-point value types (`types/price.rs`,
 * `types/quantity.rs`), as `{raw, precision, width}` on top of fixed-point.ts.
 *
 * | operation        | result precision | result width | fails when                          |
 * |------------------|------------------|--------------|-------------------------------------|
 * | parse(text)      | decimals in text | given (16)   | not a decimal, too many decimals    |
 * | fromRaw(r, p, w) | p                | w            | out of range, r not a multiple      |
 * | a.add(b), a.sub(b) | max(pa, pb)    | same         | widths differ, out of range, UNDEF  |
 *
 * `raw` is always a multiple of 10^(FIXED_PRECISION − precision), so `toString()` loses
 * nothing. Quantity is unsigned: negative text, raws and differences are rejected.
 */
import {
  type FixedWidth,
  checkPrecision,
  checkRawRange,
  FixedPointError,
  fixedPrecisionOf,
  formatRaw,
  isRawAtPrecision,
  isSentinel,
  parseRaw,
  rawToNumber,
  convertRaw,
} from './fixed-point.js';
import { type ParseResult, ModelError, tryModel } from './errors.js';

interface ValueKind {
  readonly name: 'Price' | 'Quantity';
  readonly kind: 'price' | 'quantity';
  readonly signed: boolean;
  readonly example: string;
}

const PRICE: ValueKind = { name: 'Price', kind: 'price', signed: true, example: '(example: "112.13")' };
const QUANTITY: ValueKind = { name: 'Quantity', kind: 'quantity', signed: false, example: '(example: "1.5")' };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

function checkWidth(k: ValueKind, width: FixedWidth): void {
  if (width !== 8 && width !== 16) throw new ModelError(k.kind, String(width), `${k.name} width must be 8 or 16 bytes, was ${String(width)}`);
}

/** Parses text into {raw, precision}; precision defaults to the number of decimals written. */
function parseValue(k: ValueKind, text: string, width: FixedWidth, precision?: number): { raw: bigint; precision: number } {
  checkWidth(k, width);
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) {
    throw new ModelError(k.kind, text, `${k.name} must be a plain decimal number, was ${JSON.stringify(text)} ${k.example}`);
  }
  const dot = trimmed.indexOf('.');
  const decimals = dot < 0 ? 0 : trimmed.length - dot - 1;
  const fixed = fixedPrecisionOf(width);
  const p = precision ?? decimals;
  if (p > fixed || (precision === undefined && decimals > fixed)) {
    throw new ModelError(k.kind, text, `${k.name} must have at most ${fixed} decimals at width ${width}, was ${JSON.stringify(text)} ${k.example}`);
  }
  if (!k.signed && trimmed.startsWith('-') && /[1-9]/.test(trimmed)) {
    throw new ModelError(k.kind, text, `${k.name} must not be negative, was ${JSON.stringify(text)} ${k.example}`);
  }
  const significant = dot < 0 ? 0 : trimmed.slice(dot + 1).replace(/0+$/, '').length;
  if (significant > p) {
    throw new ModelError(k.kind, text, `${k.name} must have at most ${p} significant decimals at precision ${p}, was ${JSON.stringify(text)} ${k.example}`);
  }
  try {
    return { raw: parseRaw(trimmed, p, width, k.signed), precision: p };
  } catch (error) {
    // Only the range check is left to fail here.
    if (!(error instanceof FixedPointError)) throw error;
    throw new ModelError(k.kind, text, `${k.name} is out of range (${error.message}), was ${JSON.stringify(text)}`, { cause: error });
  }
}

function checkRaw(k: ValueKind, raw: bigint, precision: number, width: FixedWidth): void {
  checkWidth(k, width);
  try {
    checkPrecision(precision, width);
  } catch (error) {
    if (!(error instanceof FixedPointError)) throw error;
    throw new ModelError(k.kind, String(precision), `${k.name} ${error.message}`, { cause: error });
  }
  if (isSentinel(raw, width, k.signed)) {
    if (precision !== 0) {
      throw new ModelError(k.kind, raw.toString(), `${k.name} sentinel raw ${raw} needs precision 0, was precision ${precision}`);
    }
    return;
  }
  try {
    checkRawRange(raw, width, k.signed);
  } catch (error) {
    if (!(error instanceof FixedPointError)) throw error;
    throw new ModelError(k.kind, raw.toString(), `${k.name} raw is invalid: ${error.message}`, { cause: error });
  }
  if (!isRawAtPrecision(raw, precision, width)) {
    const step = fixedPrecisionOf(width) - precision;
    throw new ModelError(k.kind, raw.toString(), `${k.name} raw must be a multiple of 10^${step} at precision ${precision}, width ${width}, was ${raw}`);
  }
}

/** What Price and Quantity share; not constructed directly. */
export abstract class FixedValue<Self extends FixedValue<Self>> {
  /** The integer value × 10^FIXED_PRECISION of the width. */
  readonly raw: bigint;
  /** Display decimals, 0..FIXED_PRECISION. */
  readonly precision: number;
  /** Bytes per stored raw: 8 (64-bit Nautilus) or 16 (128-bit, the Linux/macOS wheels). */
  readonly width: FixedWidth;

  protected constructor(raw: bigint, precision: number, width: FixedWidth) {
    this.raw = raw;
    this.precision = precision;
    this.width = width;
  }

  protected abstract get valueKind(): ValueKind;
  protected abstract create(raw: bigint, precision: number, width: FixedWidth): Self;

  /** True for the UNDEF/ERROR sentinels, which carry no number. */
  isSentinel(): boolean {
    return isSentinel(this.raw, this.width, this.valueKind.signed);
  }

  /** Returns the value with exactly `precision` decimals; a sentinel prints as its raw digits. */
  toString(): string {
    return this.isSentinel() ? this.raw.toString() : formatRaw(this.raw, this.precision, this.width);
  }

  /** Returns `toString()`, so JSON holds the exact decimal text. */
  toJSON(): string {
    return this.toString();
  }

  /** Returns the value as a float: lossy, for display and charts only. */
  toNumber(): number {
    return rawToNumber(this.raw, this.width);
  }

  /** Returns this + other at the larger precision. Throws ModelError on width mismatch, sentinels or overflow. */
  add(other: Self): Self {
    return this.combine(other, this.raw + other.raw, 'add');
  }

  /** Returns this − other at the larger precision. Throws ModelError on width mismatch, sentinels, overflow or a negative Quantity. */
  sub(other: Self): Self {
    return this.combine(other, this.raw - other.raw, 'sub');
  }

  /** Returns −1, 0 or 1 as this is below, equal to or above other; widths may differ. */
  compare(other: Self): -1 | 0 | 1 {
    const a = convertRaw(this.raw, this.width, 16);
    const b = convertRaw(other.raw, other.width, 16);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** True when both hold the same number, whatever their precision (as Nautilus compares raws). */
  equals(other: Self): boolean {
    return this.compare(other) === 0;
  }

  private combine(other: Self, raw: bigint, op: 'add' | 'sub'): Self {
    const k = this.valueKind;
    if (other.width !== this.width) {
      throw new ModelError(k.kind, other.toString(), `${k.name}.${op} needs equal widths, was ${this.width} and ${other.width}`);
    }
    if (this.isSentinel() || other.isSentinel()) {
      throw new ModelError(k.kind, this.isSentinel() ? this.toString() : other.toString(), `${k.name}.${op} cannot use a sentinel (UNDEF/ERROR), was ${this} ${op} ${other}`);
    }
    const precision = Math.max(this.precision, other.precision);
    if (!k.signed && raw < 0n) {
      throw new ModelError(k.kind, `${this} - ${other}`, `${k.name} must not be negative, was ${this} - ${other}`);
    }
    checkRaw(k, raw, precision, this.width);
    return this.create(raw, precision, this.width);
  }
}

/** A signed fixed-point price (Nautilus `Price`). */
export class Price extends FixedValue<Price> {
  private constructor(raw: bigint, precision: number, width: FixedWidth) {
    super(raw, precision, width);
  }

  protected get valueKind(): ValueKind {
    return PRICE;
  }

  protected create(raw: bigint, precision: number, width: FixedWidth): Price {
    return new Price(raw, precision, width);
  }

  /**
   * Returns the Price of decimal text. Without `precision` it is the number of decimals
   * written (`"1.2300"` → 4), like Nautilus `Price.from_str`; with it, the text may not
   * have more significant decimals.
   *
   * Throws ModelError when the text is not a plain decimal, has too many decimals or is out of range.
   */
  static parse(text: string, width: FixedWidth = 16, precision?: number): Price {
    const value = parseValue(PRICE, text, width, precision);
    return new Price(value.raw, value.precision, width);
  }

  /** Returns the outcome of `Price.parse` without throwing. */
  static tryParse(text: string, width: FixedWidth = 16, precision?: number): ParseResult<Price> {
    return tryModel(() => Price.parse(text, width, precision));
  }

  /**
   * Returns the Price of a stored raw. Throws ModelError when the raw is out of range or not
   * a multiple of 10^(FIXED_PRECISION − precision); sentinels need precision 0.
   */
  static fromRaw(raw: bigint, precision: number, width: FixedWidth): Price {
    checkRaw(PRICE, raw, precision, width);
    return new Price(raw, precision, width);
  }
}

/** An unsigned fixed-point quantity (Nautilus `Quantity`: sizes and volumes). */
export class Quantity extends FixedValue<Quantity> {
  private constructor(raw: bigint, precision: number, width: FixedWidth) {
    super(raw, precision, width);
  }

  protected get valueKind(): ValueKind {
    return QUANTITY;
  }

  protected create(raw: bigint, precision: number, width: FixedWidth): Quantity {
    return new Quantity(raw, precision, width);
  }

  /**
   * Returns the Quantity of decimal text, with precision inferred as in `Price.parse`.
   *
   * Throws ModelError when the text is not a plain decimal, is negative, has too many decimals or is out of range.
   */
  static parse(text: string, width: FixedWidth = 16, precision?: number): Quantity {
    const value = parseValue(QUANTITY, text, width, precision);
    return new Quantity(value.raw, value.precision, width);
  }

  /** Returns the outcome of `Quantity.parse` without throwing. */
  static tryParse(text: string, width: FixedWidth = 16, precision?: number): ParseResult<Quantity> {
    return tryModel(() => Quantity.parse(text, width, precision));
  }

  /**
   * Returns the Quantity of a stored raw. Throws ModelError when the raw is negative, out of
   * range or not a multiple of 10^(FIXED_PRECISION − precision); QUANTITY_UNDEF needs precision 0.
   */
  static fromRaw(raw: bigint, precision: number, width: FixedWidth): Quantity {
    checkRaw(QUANTITY, raw, precision, width);
    return new Quantity(raw, precision, width);
  }
}
