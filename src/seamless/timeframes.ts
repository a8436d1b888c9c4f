/**
 * ccxt timeframes (`1m`, `4h`, `1d`) ⇄ Nautilus bar specification step and aggregation.
 *
 * | ccxt | step | aggregation | ns            |
 * |------|------|-------------|---------------|
 * | 30s  | 30   | SECOND      | 30 × 10⁹      |
 * | 1m   | 1    | MINUTE      | 60 × 10⁹      |
 * | 1h   | 1    | HOUR        | 3 600 × 10⁹   |
 * | 1d   | 1    | DAY         | 86 400 × 10⁹  |
 * | 1w   | 1    | WEEK        | 604 800 × 10⁹ |
 *
 * Any positive integer step with unit s, m, h, d or w is accepted, not just the common
 * ccxt list. Units are never converted: `60m` stays 60-MINUTE and is a different series
 * from `1h`, because Nautilus keeps them as different bar types.
 *
 * Month (`1M`, MONTH) and year bars are rejected: every series here needs a fixed step in
 * nanoseconds (range planning, bar close stamps), and a calendar month has none.
 */
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_SECOND } from '../model/time.js';
import { SeamlessError } from './errors.js';

export type TimeframeAggregation = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK';

export interface Timeframe {
  readonly step: number;
  readonly aggregation: TimeframeAggregation;
  /** Bar length in nanoseconds. */
  readonly ns: bigint;
  /** Canonical ccxt text, e.g. `1m`. */
  readonly text: string;
}

const UNITS: Readonly<Record<string, { aggregation: TimeframeAggregation; ns: bigint }>> = {
  s: { aggregation: 'SECOND', ns: NS_PER_SECOND },
  m: { aggregation: 'MINUTE', ns: NS_PER_MINUTE },
  h: { aggregation: 'HOUR', ns: NS_PER_HOUR },
  d: { aggregation: 'DAY', ns: NS_PER_DAY },
  w: { aggregation: 'WEEK', ns: 7n * NS_PER_DAY },
};

const UNIT_OF: Readonly<Record<TimeframeAggregation, string>> = { SECOND: 's', MINUTE: 'm', HOUR: 'h', DAY: 'd', WEEK: 'w' };

/** The aggregations a timeframe can have, shortest first. */
export const TIMEFRAME_AGGREGATIONS: readonly TimeframeAggregation[] = ['SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK'];

const EXAMPLE = 'e.g. 1s, 30s, 1m, 15m, 1h, 4h, 1d or 1w';
const NO_FIXED_STEP = 'has no fixed length in nanoseconds, and series need a fixed step; use a fixed timeframe instead';

function bad(message: string, value: string): SeamlessError {
  return new SeamlessError('SEAMLESS_BAD_NODE_ID', message, { timeframe: value });
}

/**
 * Returns the step, aggregation and ns length of a ccxt timeframe such as `1m` or `4h`.
 *
 * Throws SEAMLESS_BAD_NODE_ID for anything but `{step}{s|m|h|d|w}` with an integer step
 * > 0 without leading zeros, and for month and year timeframes (no fixed length).
 */
export function parseTimeframe(text: string): Timeframe {
  const match = /^([1-9]\d*)([a-zA-Z])$/.exec(text);
  const unit = match?.[2];
  if (unit === 'M' || unit === 'y' || unit === 'Y') {
    const what = unit === 'M' ? 'a calendar month' : 'a calendar year';
    throw bad(`timeframe ${JSON.stringify(text)} is ${what}, which ${NO_FIXED_STEP} (${EXAMPLE}), was ${JSON.stringify(text)}`, text);
  }
  const spec = unit === undefined ? undefined : UNITS[unit];
  const step = Number(match?.[1]);
  if (match === null || spec === undefined || !Number.isSafeInteger(step)) {
    throw bad(`timeframe must be an integer > 0 followed by s, m, h, d or w (${EXAMPLE}), was ${JSON.stringify(text)}`, text);
  }
  return { step, aggregation: spec.aggregation, ns: BigInt(step) * spec.ns, text };
}

/**
 * Returns the ccxt timeframe of a Nautilus time bar step, e.g. `(1, 'MINUTE')` → `1m`.
 * The aggregation may be in any case, as in BarSpecification parsing.
 *
 * Throws SEAMLESS_BAD_NODE_ID when the step is not an integer > 0, or the aggregation is
 * not SECOND, MINUTE, HOUR, DAY or WEEK (MONTH and YEAR have no fixed length; TICK,
 * VOLUME, MILLISECOND and the rest have no ccxt timeframe).
 */
export function timeframeFromSpec(step: number, aggregation: string): string {
  const shown = `${step}-${aggregation}`;
  if (!Number.isSafeInteger(step) || step <= 0) {
    throw bad(`timeframe step must be an integer > 0 (e.g. 1-MINUTE → 1m), was ${JSON.stringify(shown)}`, shown);
  }
  const name = aggregation.toUpperCase();
  if (name === 'MONTH' || name === 'YEAR') {
    throw bad(`bar aggregation ${name} ${NO_FIXED_STEP} (e.g. 1-WEEK → 1w), was ${JSON.stringify(shown)}`, shown);
  }
  const unit = Object.hasOwn(UNIT_OF, name) ? UNIT_OF[name as TimeframeAggregation] : undefined;
  if (unit === undefined) {
    throw bad(`bar aggregation must be one of ${TIMEFRAME_AGGREGATIONS.join(', ')} to have a ccxt timeframe (e.g. 1-MINUTE → 1m), was ${JSON.stringify(shown)}`, shown);
  }
  return `${step}${unit}`;
}
