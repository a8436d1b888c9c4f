/**
 * Flag parsing shared by every verb (node's own util.parseArgs: no dependency), and the
 * conversions of flag text into our types, each failing with a message that names the flag.
 */
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type DurationGrammar, parseDuration, parseTimeArg } from '../model/time.js';

/** A mistake in how the command was called; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` on a verb: the CLI prints `usage` and exits 0 before the verb does anything. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly usage: string) {
    super('help requested');
  }
}

export const GLOBAL_OPTIONS = {
  catalog: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
type Value<S> = (S extends { type: 'boolean' } ? boolean : string) extends infer V ? (S extends { multiple: true } ? V[] : V) : never;
/** The parsed values of a verb's options (`multiple` ones as arrays) and the global ones. */
export type VerbValues<O> = { [K in keyof O]?: Value<O[K]> } & { catalog?: string; help?: boolean };

/**
 * Parses argv for a verb with its own options plus the global ones. Throws HelpRequested
 * with `usage` when --help is given, so no verb can act on a request for its usage.
 */
export function parseVerbArgs<O extends Record<string, OptionSpec>>(argv: string[], options: O, usage: string): { values: VerbValues<O>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options } as ParseArgsConfig['options'], allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as VerbValues<O>;
  if (values.help) throw new HelpRequested(usage);
  return { values, positionals: parsed.positionals };
}

/** `--catalog`, else `$NAUTILUS_PATH/catalog` (NautilusTrader's from_env), else `./catalog`. */
export function catalogPath(flag: string | undefined): string {
  if (flag) return resolve(flag);
  const nautilusPath = process.env['NAUTILUS_PATH'];
  return nautilusPath ? resolve(join(nautilusPath, 'catalog')) : resolve('catalog');
}

/** Parses a time flag: nanoseconds, or ISO-8601. */
export function timeFlag(name: string, text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  try {
    return parseTimeArg(text);
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message} (use nanoseconds like 1700000000000000000 or ISO-8601 like 2023-11-14T22:13:20Z)`);
  }
}

/** Parses a non-negative integer flag. */
export function intFlag(name: string, text: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, was "${text}"`);
  return value;
}

/**
 * Parses a duration flag into nanoseconds by `grammar`; otherwise throws a UsageError reading
 * `--<name><expected>, was "<text>"` (`expected` is each verb's own wording).
 */
export function durationFlag(name: string, text: string | undefined, grammar: DurationGrammar, expected: string): bigint | undefined {
  if (text === undefined) return undefined;
  const ns = parseDuration(text, grammar);
  if (ns === undefined) throw new UsageError(`--${name}${expected}, was ${JSON.stringify(text)}`);
  return ns;
}

/**
 * Parses a decimal flag (digits with an optional fraction: no sign, exponent or spaces) that
 * lies in (`above`, `max`]; otherwise a UsageError `--<name> must be <expected>, was "<text>"`.
 */
export function numberFlag(name: string, text: string | undefined, { above = -Infinity, max = Infinity, expected = 'a positive number like 10 or 2.5' } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value) || !(value > above && value <= max)) throw new UsageError(`--${name} must be ${expected}, was "${text}"`);
  return value;
}

/** Parses a flag that must be one of `choices`. */
export function choiceFlag<C extends string>(name: string, text: string | undefined, choices: readonly C[]): C | undefined {
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, was "${text}"`);
  return text as C;
}

/** Returns positional `index` or throws naming what is missing. */
export function positional(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}
