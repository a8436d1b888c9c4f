/**
 * Fixed-point raws ⇄ QuestDB DECIMAL(39, 16), exactly, with no float anywhere.
 *
 * | direction | form                                         | per width                                   |
 * |-----------|----------------------------------------------|---------------------------------------------|
 * | write     | ILP v3 binary decimal: big-endian two's      | unscaled = raw, scale 9 (8 bytes) or 16     |
 * |           | complement unscaled bytes + scale            | (16 bytes); QuestDB rescales 9 → 16 exactly |
 * | read      | pg wire text, e.g. `-123.4567890120000000`   | the digits up to 9 or 16 decimals are the   |
 * |           |                                              | raw; any further decimals must be zeros     |
 *
 * Writing builds no BigInt: it reverses the column's little-endian bytes and trims them to
 * the shortest two's complement form. Reading makes one BigInt of the digits. Reading checks the result
 * fits the column's width and kind (signed price, unsigned quantity) and rejects anything
 * else, so a foreign row can never be silently truncated. Unlike `parseRaw`, reading accepts
 * the whole width range, sentinels (PRICE_UNDEF, QUANTITY_UNDEF, …) included: storage returns
 * exactly what it was given, and validation is the conformance layer's job.
 */
import { type FixedWidth, fixedPrecisionOf } from '../../model/fixed-point.js';
import { type FixedColumn, setFixedRaw } from '../../model/frames.js';

/** The ILP scale a width's raws are sent at: raws are sent unchanged. */
export function ilpScale(width: FixedWidth): number {
  return fixedPrecisionOf(width);
}

/**
 * The raw at row `i` as the shortest big-endian two's complement bytes. An unsigned raw whose
 * top bit is set gets a leading zero byte, so it is never read as negative.
 */
export function unscaledBytes(column: FixedColumn, i: number): Int8Array {
  const { bytes, width } = column;
  const base = i * width;
  const top = bytes[base + width - 1]!;
  const negative = column.kind === 'price' && top >= 0x80;
  const fill = negative ? 0xff : 0x00;
  // Drop high bytes that only repeat the sign, keeping one whose top bit still carries it.
  let length = width;
  while (length > 1 && bytes[base + length - 1] === fill && (bytes[base + length - 2]! >= 0x80) === negative) length--;
  const extra = !negative && bytes[base + length - 1]! >= 0x80 ? 1 : 0;
  const out = new Int8Array(length + extra);
  for (let k = 0; k < length; k++) out[extra + k] = bytes[base + length - 1 - k]! << 24 >> 24;
  return out;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d{1,16}))?$/;

/** The half-open raw range `[min, max)` of each column kind and width (two's complement). */
const RAW_RANGE = {
  price: { 8: [-(2n ** 63n), 2n ** 63n], 16: [-(2n ** 127n), 2n ** 127n] },
  quantity: { 8: [0n, 2n ** 64n], 16: [0n, 2n ** 128n] },
} as const;

/** Why a stored decimal cannot be a raw of this column; undefined when it can. */
function misfit(raw: bigint, column: FixedColumn): string | undefined {
  const [min, max] = RAW_RANGE[column.kind][column.width];
  if (raw >= min && raw < max) return undefined;
  return `outside the ${column.kind === 'price' ? 'signed' : 'unsigned'} ${column.width * 8}-bit raw range`;
}

/**
 * Parses QuestDB's text for a DECIMAL(39, 16) value and stores it as the raw at row `i`.
 * Throws RangeError naming the text when it is not a decimal, has more decimals than the
 * width's fixed precision, or does not fit the column (signed price, unsigned quantity).
 */
export function storeDecimalText(column: FixedColumn, i: number, text: string | null): void {
  const match = text === null ? null : DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`not a DECIMAL(39, 16) value, was ${JSON.stringify(text)}`);
  const fixed = fixedPrecisionOf(column.width);
  const fraction = match[3] ?? '';
  if (/[1-9]/.test(fraction.slice(fixed))) throw new RangeError(`${text} has more than ${fixed} decimals, so it is not a ${column.width * 8}-bit raw`);
  // One BigInt per value: V8 parses decimal digit strings faster than hand-rolled limbs.
  const digits = `${match[1]}${match[2]}${fraction.slice(0, fixed).padEnd(fixed, '0')}`;
  const raw = BigInt(digits);
  const problem = misfit(raw, column);
  if (problem !== undefined) throw new RangeError(`${text} is ${problem}`);
  setFixedRaw(column, i, raw);
}
