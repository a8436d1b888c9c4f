/**
 * Grids: a config plus parameter lists, expanded into the cartesian product of runs.
 *
 * A parameter names a config path (`engine.strategies[0].config.fast_ema_period`) or just a
 * key (`fast_ema_period`), which is looked up in every strategy, actor and exec algorithm
 * `config`: it must match exactly one, except that with a single strategy an absent key is
 * set on that strategy (NautilusTrader's checker then judges whether the key exists).
 * CLI values are typed the way YAML would type them: `10` is a number, `true` a boolean,
 * `null` null, anything else a string.
 */
import { type ConfigPath, checkSettable, formatPath, getAt, parsePath, setAt } from './config-path.js';
import { NodeError } from './errors.js';
import { type JsonObject, type JsonValue, cloneJson, isJsonObject } from './json-value.js';

export interface GridParam {
  /** As given: a key or a path. */
  readonly name: string;
  readonly values: readonly JsonValue[];
}

export interface ResolvedParam extends GridParam {
  readonly path: ConfigPath;
  /** The path as text (the key of a run's params). */
  readonly pathText: string;
}

export interface GridCombination {
  readonly index: number;
  /** pathText → value */
  readonly params: Record<string, JsonValue>;
  readonly config: JsonObject;
}

/** Types one CLI value: number, boolean, null, else the string itself. */
export function parseParamValue(text: string): JsonValue {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : BigInt(trimmed);
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed === 'null') return null;
  return trimmed;
}

/**
 * Parses `name=v1,v2,...` (the CLI's --param).
 *
 * Throws NodeError BAD_PARAM when there is no `=`, no name or no value.
 */
export function parseParamFlag(text: string): GridParam {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  const values = eq < 0 ? [] : text.slice(eq + 1).split(',').filter((v) => v.trim() !== '');
  if (name === '' || values.length === 0) {
    throw new NodeError('BAD_PARAM', `--param must be name=value1,value2,..., was ${JSON.stringify(text)} (example: --param fast_ema_period=5,10,20)`);
  }
  return { name, values: values.map(parseParamValue) };
}

const COMPONENT_GROUPS = ['strategies', 'actors', 'exec_algorithms'] as const;

/**
 * Resolves a parameter name to a config path.
 *
 * Throws NodeError BAD_PARAM when the name is not a path, is a path that cannot be set (an index
 * past the end, a key under a scalar), matches no config or several.
 */
export function resolveParam(config: JsonObject, param: GridParam): ResolvedParam {
  if (param.values.length === 0) throw new NodeError('BAD_PARAM', `grid parameter ${param.name} has no values`);
  let path: ConfigPath;
  if (/[.[]/.test(param.name)) {
    try {
      path = parsePath(param.name);
    } catch (error) {
      throw new NodeError('BAD_PARAM', `grid parameter ${JSON.stringify(param.name)}: ${(error as Error).message}`);
    }
    if (getAt(config, path.slice(0, -1)) === undefined) {
      throw new NodeError('BAD_PARAM', `grid parameter ${param.name}: the config has no ${formatPath(path.slice(0, -1))}`);
    }
    try {
      // An index past the end, or a key under a number or string, cannot be set: say so now
      // rather than fail while expanding the grid.
      checkSettable(config, path);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new NodeError('BAD_PARAM', `grid parameter ${param.name}: ${error.message}`);
    }
  } else {
    const found: ConfigPath[] = [];
    const engine = config['engine'];
    for (const group of COMPONENT_GROUPS) {
      const list = isJsonObject(engine) ? engine[group] : undefined;
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (isJsonObject(item) && isJsonObject(item['config']) && param.name in item['config']) found.push(['engine', group, i, 'config', param.name]);
      });
    }
    const strategies = isJsonObject(engine) && Array.isArray(engine['strategies']) ? engine['strategies'] : [];
    if (found.length === 0 && strategies.length === 1) found.push(['engine', 'strategies', 0, 'config', param.name]);
    if (found.length !== 1) {
      const why = found.length === 0 ? 'no strategy, actor or exec algorithm config has that key' : `it matches ${found.map(formatPath).join(' and ')}`;
      throw new NodeError('BAD_PARAM', `grid parameter ${JSON.stringify(param.name)} is ambiguous or unknown: ${why}; give the full path (example: engine.strategies[0].config.${param.name})`);
    }
    path = found[0]!;
  }
  return { ...param, path, pathText: formatPath(path) };
}

/** Every combination of the parameters' values (the first parameter varies slowest). */
export function cartesian(config: JsonObject, params: readonly ResolvedParam[]): GridCombination[] {
  let combos: Array<Record<string, JsonValue>> = [{}];
  for (const p of params) combos = combos.flatMap((combo) => p.values.map((v) => ({ ...combo, [p.pathText]: v })));
  return combos.map((combo, index) => {
    const copy = cloneJson(config);
    for (const p of params) setAt(copy, p.path, cloneJson(combo[p.pathText]!));
    return { index, params: combo, config: copy };
  });
}
