/**
 * The rule registry per data type and the resolution of a `ConformanceConfig` against it.
 *
 * One provider config serves every series, so it may name rules of several data types:
 * an id belonging to another type is ignored for this one, while an id no type knows is
 * a config error.
 */
import { SeamlessError } from '../errors.js';
import type { ConformanceConfig, RuleAction } from '../provider-config.js';
import type { SeriesDataType } from '../series.js';
import { BAR_RULES } from './bar-rules.js';
import type { ConformanceRule, ConformanceRuleInfo } from './engine.js';
import { QUOTE_RULES } from './quote-rules.js';
import { TRADE_RULES } from './trade-rules.js';

const RULES: Readonly<Record<SeriesDataType, readonly ConformanceRule[]>> = {
  bar: BAR_RULES,
  trade_tick: TRADE_RULES,
  quote_tick: QUOTE_RULES,
};

const ACTIONS: readonly RuleAction[] = ['off', 'warn', 'drop', 'block'];

function infoOf(rule: ConformanceRule): ConformanceRuleInfo {
  return Object.freeze({ id: rule.id, defaultAction: rule.defaultAction, description: rule.description });
}

/** Every rule per data type, in the order the rules run. */
export const CONFORMANCE_RULES: Readonly<Record<SeriesDataType, readonly ConformanceRuleInfo[]>> = Object.freeze({
  bar: Object.freeze(BAR_RULES.map(infoOf)),
  trade_tick: Object.freeze(TRADE_RULES.map(infoOf)),
  quote_tick: Object.freeze(QUOTE_RULES.map(infoOf)),
});

/** The rules of a data type with their checks, in run order. */
export function rulesOf(dataType: SeriesDataType): readonly ConformanceRule[] {
  const rules = RULES[dataType];
  if (!rules) throw new SeamlessError('SEAMLESS_BAD_CONFIG', `conformance has no rules for data type ${JSON.stringify(dataType)}; valid: ${Object.keys(RULES).join(', ')}`);
  return rules;
}

const ALL_IDS = new Set(Object.values(RULES).flatMap((rules) => rules.map((rule) => rule.id)));

/**
 * Returns the action of every rule of `dataType`: defaults overridden by `config`. For a
 * rule that cannot drop rows (`bar_gap`), a configured `drop` resolves to `warn`.
 *
 * Throws SeamlessError SEAMLESS_BAD_CONFIG for an id no data type has (the message lists
 * this type's ids) or an action other than off, warn, drop, block.
 */
export function resolveConformanceConfig(dataType: SeriesDataType, config: ConformanceConfig = {}): Record<string, RuleAction> {
  const rules = rulesOf(dataType);
  for (const [id, action] of Object.entries(config)) {
    if (!ALL_IDS.has(id)) {
      const valid = rules.map((rule) => rule.id);
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `unknown conformance rule ${JSON.stringify(id)}; valid rules for ${dataType}: ${valid.join(', ')}`, {
        rule: id,
        dataType,
        valid,
      });
    }
    if (!ACTIONS.includes(action)) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `conformance rule ${id} has action ${JSON.stringify(action)}; valid actions: ${ACTIONS.join(', ')}`, {
        rule: id,
        action,
        valid: ACTIONS,
      });
    }
  }
  const resolved: Record<string, RuleAction> = {};
  for (const rule of rules) {
    const action = Object.hasOwn(config, rule.id) ? config[rule.id]! : rule.defaultAction;
    resolved[rule.id] = action === 'drop' && !rule.droppable ? 'warn' : action;
  }
  return resolved;
}
