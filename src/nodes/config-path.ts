/**
 * Paths into a config value, written as NautilusTrader users think of them:
 * `engine.strategies[0].config.fast_ema_period`. The same text format as python/node_check.py
 * prints, so findings from both sides look alike.
 */
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

export type ConfigPath = ReadonlyArray<string | number>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns the text form: keys joined by `.`, indexes as `[i]`, other keys as `["k"]`. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (IDENTIFIER.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/**
 * Parses the text form back into parts.
 *
 * Throws RangeError naming the offending character when the text is not a path.
 */
export function parsePath(text: string): Array<string | number> {
  const parts: Array<string | number> = [];
  const token = /\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const match = token.exec(text);
    if (!match || (at === 0 && text[0] === '.')) throw new RangeError(`not a config path at character ${at + 1}, was ${JSON.stringify(text)} (example: engine.strategies[0].config.fast_ema_period)`);
    if (match[1] !== undefined) parts.push(match[1]);
    else if (match[2] !== undefined) parts.push(Number(match[2]));
    else parts.push(JSON.parse(match[3]!) as string);
    at = token.lastIndex;
  }
  if (parts.length === 0) throw new RangeError('a config path must not be empty (example: engine.strategies[0].config.fast_ema_period)');
  return parts;
}

/** The value at `path`, or undefined when any step is missing. */
export function getAt(root: JsonValue, path: ConfigPath): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const part of path) {
    if (typeof part === 'number') node = Array.isArray(node) ? node[part] : undefined;
    else node = isJsonObject(node) ? node[part] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Sets the value at `path` in place; the last key may be new, every step before it must exist.
 *
 * Throws RangeError naming the first missing step.
 */
export function setAt(root: JsonValue, path: ConfigPath, value: JsonValue): void {
  const parent = settableParent(root, path);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[last as number] = value;
  else parent[last as string] = value;
}

/** Throws the RangeError setAt would, without changing `root`, when `path` cannot be set. */
export function checkSettable(root: JsonValue, path: ConfigPath): void {
  settableParent(root, path);
}

/** The array or object that holds `path`'s last step, or the RangeError that it cannot be set. */
function settableParent(root: JsonValue, path: ConfigPath): JsonValue[] | JsonObject {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === 'number' ? Array.isArray(parent) && last < parent.length : typeof last === 'string' && isJsonObject(parent)) return parent as JsonValue[] | JsonObject;
  throw unsettable(path);
}

function unsettable(path: ConfigPath): RangeError {
  const last = path[path.length - 1];
  return new RangeError(`${formatPath(path)}: ${formatPath(path.slice(0, -1)) || 'the config'} has no such ${typeof last === 'number' ? 'index' : 'mapping'}`);
}
