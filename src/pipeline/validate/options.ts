/**
 * What a validation run looks at and how sensitive its statistical checks are, with the
 * defaults docs/validate.md explains. `resolveOptions` rejects nonsense with a message that
 * names the option, so the CLI can turn it into a usage error.
 */
import type { MarketDataType } from '../../model/frames.js';
import { type DurationGrammar, NS_PER_SECOND } from '../../model/time.js';
import type { Severity } from './checks.js';

export interface ValidateOptions {
  /** Only this data type (default: every market data type). */
  readonly type?: MarketDataType;
  /** Only this instrument id (or bar type, or bar type prefix as the catalog matches it). */
  readonly identifier?: string;
  /** Inclusive lower bound on ts_init (ns). */
  readonly start?: bigint;
  /** Exclusive upper bound on ts_init (ns). */
  readonly end?: bigint;
  /** Prices in the rolling median/MAD window (default 100). */
  readonly spikeWindow?: number;
  /** A price further than this many scaled MADs from the rolling median is a spike (default 10). */
  readonly spikeMads?: number;
  /** A time gap above this many times the recent 99th-percentile inter-arrival is suspect (default 10). */
  readonly gapFactor?: number;
  /** Gaps up to this long are never suspect, however busy the instrument (default 1 s). */
  readonly gapFloorNs?: bigint;
  /** ts_init may lag ts_event by this much before ts_skew fires (default 60 s). */
  readonly maxSkewNs?: bigint;
  /** Examples kept per check and file-day (all are counted; default 5). */
  readonly examples?: number;
  /** Findings at or above this severity fail the run (default error). */
  readonly failOn?: Severity;
  /**
   * Series validated at once: by this thread and jobs − 1 worker threads (default 1: this
   * thread alone). `auto`: one per core, up to 8, when there are two series or more and their
   * files hold at least 64 MB (below that, starting workers costs more than it saves). Series
   * share no state, so the report is the same whatever the number.
   */
  readonly jobs?: number | 'auto';
}

export type ResolvedOptions = Required<Omit<ValidateOptions, 'type' | 'identifier' | 'start' | 'end'>> & Pick<ValidateOptions, 'type' | 'identifier' | 'start' | 'end'>;

export const DEFAULTS = {
  spikeWindow: 100,
  spikeMads: 10,
  gapFactor: 10,
  gapFloorNs: NS_PER_SECOND,
  maxSkewNs: 60n * NS_PER_SECOND,
  examples: 5,
  failOn: 'error',
  jobs: 1,
} as const satisfies Partial<ResolvedOptions>;

/** The most series validated at once. */
export const MAX_JOBS = 64;

/** Thrown for an option outside its range; the message names the option and its value. */
export class ValidateOptionError extends Error {
  override name = 'ValidateOptionError';
}

/** Returns the options with defaults filled in. Throws ValidateOptionError naming a bad option. */
export function resolveOptions(options: ValidateOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = { ...DEFAULTS, ...withoutUndefined(options) };
  const { spikeWindow, spikeMads, gapFactor, gapFloorNs, maxSkewNs, examples } = resolved;
  if (!Number.isSafeInteger(spikeWindow) || spikeWindow < 3 || spikeWindow > 100_000) throw new ValidateOptionError(`spike window must be an integer in 3..100000, was ${spikeWindow}`);
  if (!(Number.isFinite(spikeMads) && spikeMads > 0)) throw new ValidateOptionError(`spike MADs must be a number > 0, was ${spikeMads}`);
  if (!(Number.isFinite(gapFactor) && gapFactor >= 1)) throw new ValidateOptionError(`gap factor must be a number >= 1, was ${gapFactor}`);
  if (gapFloorNs < 0n) throw new ValidateOptionError(`gap floor must not be negative, was ${gapFloorNs}`);
  if (maxSkewNs < 0n) throw new ValidateOptionError(`max skew must not be negative, was ${maxSkewNs}`);
  if (!Number.isSafeInteger(examples) || examples < 0) throw new ValidateOptionError(`examples must be an integer >= 0, was ${examples}`);
  if (resolved.failOn !== 'error' && resolved.failOn !== 'warning') throw new ValidateOptionError(`fail-on must be error or warning, was ${String(resolved.failOn)}`);
  if (resolved.jobs !== 'auto' && !(Number.isSafeInteger(resolved.jobs) && resolved.jobs >= 1 && resolved.jobs <= MAX_JOBS)) {
    throw new ValidateOptionError(`jobs must be auto or an integer in 1..${MAX_JOBS}, was ${String(resolved.jobs)}`);
  }
  return resolved;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Durations of the gap floor and the skew: `250ms`, `10s`, `5m`, `2h`, `1d` or bare nanoseconds (`1500`). */
export const DURATION: DurationGrammar = { units: ['ns', 'us', 'ms', 's', 'm', 'h', 'd'], bareUnit: 'ns' };
