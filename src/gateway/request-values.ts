/**
 * Turns validated request text into our types with the library's parsers, naming the
 * request field in the message when the text is wrong (the HTTP twin of src/cli/args.ts).
 */
import { ModelError } from '../model/errors.js';
import { type DurationGrammar, parseDuration, parseTimeArg } from '../model/time.js';
import { GatewayError } from './errors.js';

/** Parses a time field (ns digits or ISO-8601); `where` is e.g. `querystring/start`. */
export function timeValue(where: string, text: string): bigint;
export function timeValue(where: string, text: string | undefined): bigint | undefined;
export function timeValue(where: string, text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  try {
    return parseTimeArg(text);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    throw new GatewayError('VALIDATION', `${where}: ${error.message} (use nanoseconds like 1704153600000000000 or ISO-8601 like 2024-01-02T00:00:00Z)`);
  }
}

/** Returns `{start, end}` with only the bounds that were given (the Catalog's ReadOptions shape). */
export function windowOf(start: bigint | undefined, end: bigint | undefined): { start?: bigint; end?: bigint } {
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

/** The pattern of a period such as `1d`, `6h`, `30m`, `10s` (as `catalog consolidate --period`). */
export const PERIOD_PATTERN = '^[1-9][0-9]{0,5}[smhd]$';

const PERIOD: DurationGrammar = { units: ['s', 'm', 'h', 'd'], positive: true, maxDigits: 6 };

/** Returns the ns of a period; `where` names the field (the schema already checked PERIOD_PATTERN). */
export function periodNs(where: string, text: string): bigint {
  const ns = parseDuration(text, PERIOD);
  if (ns === undefined) throw new GatewayError('VALIDATION', `${where} must look like 1d, 6h, 30m or 10s, was ${JSON.stringify(text)}`);
  return ns;
}
