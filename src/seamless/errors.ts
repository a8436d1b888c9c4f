/**
 * The one error class of the history API, with a registry of stable codes.
 *
 * Like CatalogError: codes never change meaning, so callers branch on `error.code`;
 * messages name the offending value and say what to do.
 */

export const SEAMLESS_ERROR_CODES = {
  SEAMLESS_BAD_NODE_ID: 'A node id is malformed or names an unknown kind, venue or timeframe.',
  SEAMLESS_BAD_RANGE: 'A time range is empty, reversed or not a valid time.',
  SEAMLESS_MISSING_DATA: 'FAIL_FAST found ranges that storage does not cover.',
  SEAMLESS_NO_BACKFILL: 'Data is missing and no backfiller can fill it.',
  SEAMLESS_BACKFILL_FAILED: 'A backfill chunk failed after all its retries.',
  SEAMLESS_CONFORMANCE_BLOCKED: 'A conformance rule configured as block found violations.',
  SEAMLESS_SLA_EXCEEDED: 'A phase exceeded its SLA budget under the fail policy.',
  SEAMLESS_BAD_CONFIG: 'A provider, preset or world configuration is invalid.',
  SEAMLESS_UNKNOWN_PRESET: 'A preset name is not registered or not in presets.yaml.',
  SEAMLESS_DEPENDENCY_MISSING: 'A preset needs something that is not there (catalog, QuestDB, Redis, NautilusTrader).',
  SEAMLESS_LEDGER_CORRUPT: 'The persisted coverage ledger cannot be parsed.',
  SEAMLESS_EXCHANGE: 'An exchange request failed after its retries, or the exchange answered with something malformed.',
  SEAMLESS_UNKNOWN_SYMBOL: 'The exchange does not list the symbol or timeframe a node id names.',
  SEAMLESS_QUESTDB: 'QuestDB refused a statement, or went away mid-read or mid-write.',
  SEAMLESS_COORDINATOR_DOWN: 'The Redis coordinator (leases, shared rate limit) cannot be reached.',
  SEAMLESS_LEASE_LOST: 'A backfill lease expired or was taken over, so this worker must not write.',
} as const;

export type SeamlessErrorCode = keyof typeof SEAMLESS_ERROR_CODES;

export class SeamlessError extends Error {
  override readonly name = 'SeamlessError';
  readonly code: SeamlessErrorCode;
  /** Structured details for callers (e.g. missing ranges, the violated phase). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: SeamlessErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }
}
