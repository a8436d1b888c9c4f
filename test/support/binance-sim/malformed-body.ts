/**
 * Damaged versions of a correct JSON answer, for the `malformed` fault. The damage lands on
 * the first record (the first row of an array answer, or the object itself), so a test
 * knows exactly which value went wrong.
 */
import type { MalformedShape } from './faults.js';

const DECIMAL = /^-?\d+\.\d+$/;

/** Returns the text to send instead of `body`'s JSON. */
export function damagedBody(body: unknown, shape: MalformedShape): string {
  if (shape === 'truncated') {
    const text = JSON.stringify(body);
    return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  }
  const copy: unknown = structuredClone(body);
  const record = Array.isArray(copy) ? copy[0] : copy;
  if (record !== null && typeof record === 'object') {
    if (shape === 'wrongType') numbersForDecimals(record as Record<string, unknown>);
    else dropFirstDecimal(record as Record<string, unknown> | unknown[]);
  }
  return JSON.stringify(copy);
}

function numbersForDecimals(record: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && DECIMAL.test(value)) record[key] = Number(value);
  }
}

function dropFirstDecimal(record: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(record)) {
    // A kline row that stops after low: close, volume and the rest are missing.
    record.length = Math.min(record.length, 4);
    return;
  }
  const key = Object.keys(record).find((k) => typeof record[k] === 'string' && DECIMAL.test(record[k] as string));
  if (key !== undefined) delete record[key];
}
