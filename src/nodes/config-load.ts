/**
 * Reads a node config from YAML or JSON (JSON is YAML, so one parser serves both and every
 * finding can name its line). Integers beyond 2^53 stay exact as bigint; duplicate keys are
 * refused (NautilusTrader would silently keep the last one).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { NodeError } from './errors.js';
import { parsePath } from './config-path.js';
import { type JsonObject, type JsonValue, isJsonObject } from './json-value.js';

export interface LoadedConfig {
  readonly config: JsonObject;
  /** The file (or "request body") the config came from, for messages. */
  readonly source: string;
  /** The 1-based line of the value at a path (or of its nearest present parent), if known. */
  lineOf(path: string): number | undefined;
}

/**
 * Parses config text. A list holding exactly one run config (the shape `python -m
 * nautilus_trader.backtest` reads) is accepted and unwrapped.
 *
 * Throws NodeError CONFIG_UNREADABLE naming the source and line of a syntax error, or when the
 * text is not one mapping.
 */
export function parseConfigText(text: string, source: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, intAsBigInt: true, uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new NodeError('CONFIG_UNREADABLE', `${source}${line ? `:${line}` : ''}: not valid YAML/JSON: ${problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { source, line });
  }
  let value: JsonValue;
  try {
    value = doc.toJS({ reviver: (_key: unknown, v: unknown) => (typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v) }) as JsonValue;
  } catch (error) {
    // e.g. an alias to an anchor that was never set: the syntax parses, the value does not.
    throw new NodeError('CONFIG_UNREADABLE', `${source}: not a usable YAML/JSON value: ${(error as Error).message}`, { source });
  }
  let offset: number[] = [];
  let config: JsonValue = value;
  if (Array.isArray(value) && value.length === 1) {
    config = value[0]!;
    offset = [0];
  }
  if (!isJsonObject(config)) {
    throw new NodeError('CONFIG_UNREADABLE', `${source}: a backtest config must be one mapping (a BacktestRunConfig), was ${describe(value)}`, { source });
  }
  const lineOf = (pathText: string): number | undefined => {
    let path: Array<string | number>;
    try {
      path = pathText === '' ? [] : parsePath(pathText);
    } catch {
      return undefined;
    }
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn([...offset, ...path.slice(0, n)], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { config, source, lineOf };
}

/**
 * Reads and parses a config file.
 *
 * Throws NodeError CONFIG_UNREADABLE when the file cannot be read or parsed.
 */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new NodeError('CONFIG_UNREADABLE', `${path}: cannot read the config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { source: path });
  }
  return parseConfigText(text, path);
}

/** A config that arrived as JSON (an API body): no lines to report. */
export function configFromValue(value: unknown, source = 'request body'): LoadedConfig {
  const config = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (!isJsonObject(config)) {
    throw new NodeError('CONFIG_UNREADABLE', `${source}: a backtest config must be one mapping (a BacktestRunConfig), was ${describe(value)}`, { source });
  }
  return { config, source, lineOf: () => undefined };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a ${typeof value}`;
}
