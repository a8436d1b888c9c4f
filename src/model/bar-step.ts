/** How long one bar of a time-aggregated bar type lasts. */
import { tryParseBarType } from './identifiers.js';
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_MS, NS_PER_SECOND } from './time.js';

const STEP_NS: Readonly<Record<string, bigint>> = { MILLISECOND: NS_PER_MS, SECOND: NS_PER_SECOND, MINUTE: NS_PER_MINUTE, HOUR: NS_PER_HOUR, DAY: NS_PER_DAY, WEEK: 7n * NS_PER_DAY };

/** The bar step in ns of a time bar type, or undefined (tick, volume, month bars; unparsable names). */
export function barStepNs(barType: string | undefined): bigint | undefined {
  if (barType === undefined) return undefined;
  const parsed = tryParseBarType(barType);
  if (!parsed.ok) return undefined;
  const unit = STEP_NS[parsed.value.spec.aggregation];
  return unit === undefined ? undefined : BigInt(parsed.value.spec.step) * unit;
}
