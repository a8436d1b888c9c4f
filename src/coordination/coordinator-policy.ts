/**
 * What to do when the Redis coordinator is down, chosen explicitly and reported every time:
 *
 *   fail        rethrow SEAMLESS_COORDINATOR_DOWN: nothing runs uncoordinated (production default).
 *   skip        do not fetch; the outcome says the range was skipped and why.
 *   local-only  run without Redis (only the in-process single-flight) and say so: other
 *               processes may fetch the same range, and the shared rate limit is not applied.
 *
 * The Python coordinator had one silent behaviour instead: a transport error read as "owned
 * elsewhere", so ranges were skipped with nothing to show for it.
 */
import { SeamlessError } from '../seamless/errors.js';

export const COORDINATOR_OUTAGE_POLICIES = ['fail', 'skip', 'local-only'] as const;
export type CoordinatorOutagePolicy = (typeof COORDINATOR_OUTAGE_POLICIES)[number];

export type CoordinatedOutcome<T> =
  | { readonly kind: 'coordinated'; readonly value: T }
  | { readonly kind: 'skipped'; readonly reason: string; readonly error: SeamlessError }
  | { readonly kind: 'local-only'; readonly value: T; readonly reason: string; readonly error: SeamlessError };

/** Sent to `onOutage` whenever the policy, not the coordinator, decided (fail included). */
export interface OutageReport {
  readonly policy: CoordinatorOutagePolicy;
  /** What was to be done, e.g. `backfill ohlcv:binance:BTC/USDT:1m [a, b)`. */
  readonly what: string;
  readonly outcome: 'failed' | 'skipped' | 'local-only';
  readonly reason: string;
}

export interface OutagePolicyRun<T> {
  readonly policy: CoordinatorOutagePolicy;
  readonly what: string;
  /**
   * The coordinated path. When it throws SEAMLESS_COORDINATOR_DOWN after doing part of its
   * work, `local-only` runs `localOnly` from the start, so keep the two idempotent.
   */
  readonly coordinated: () => Promise<T>;
  /** The uncoordinated path, run only under `local-only`. */
  readonly localOnly: () => Promise<T>;
  readonly onOutage?: (report: OutageReport) => void;
}

/**
 * Runs `coordinated`; when it throws SEAMLESS_COORDINATOR_DOWN, applies the policy. Other
 * errors pass through. Throws SEAMLESS_COORDINATOR_DOWN under `fail`.
 */
export async function applyOutagePolicy<T>(run: OutagePolicyRun<T>): Promise<CoordinatedOutcome<T>> {
  try {
    return { kind: 'coordinated', value: await run.coordinated() };
  } catch (error) {
    if (!(error instanceof SeamlessError && error.code === 'SEAMLESS_COORDINATOR_DOWN')) throw error;
    const reason = `${run.what}: ${error.message}`;
    const outcome = run.policy === 'fail' ? 'failed' : run.policy === 'skip' ? 'skipped' : 'local-only';
    run.onOutage?.({ policy: run.policy, what: run.what, outcome, reason });
    if (run.policy === 'fail') throw error;
    if (run.policy === 'skip') return { kind: 'skipped', reason, error };
    return { kind: 'local-only', value: await run.localOnly(), reason, error };
  }
}

/** Returns `text` as a policy. Throws SEAMLESS_BAD_CONFIG naming the allowed values. */
export function parseOutagePolicy(text: string): CoordinatorOutagePolicy {
  const policy = COORDINATOR_OUTAGE_POLICIES.find((candidate) => candidate === text);
  if (policy === undefined) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `coordinator outage policy must be one of ${COORDINATOR_OUTAGE_POLICIES.join(', ')}, was ${JSON.stringify(text)}`, { value: text });
  }
  return policy;
}
