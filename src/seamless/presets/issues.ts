/**
 * Turns zod issues and our own cross-reference checks into one error that names the file,
 * the field path, the line, what was there and what is expected.
 */
import * as z from 'zod';
import { SeamlessError, type SeamlessErrorCode } from '../errors.js';
import type { ConfigSource, PathSegment } from './config-source.js';
import { didYouMean, quoteList } from './suggest.js';

export interface Problem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/** A strict object whose unknown-key error lists the valid keys (zod's default does not). */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const keys = issue.keys as string[];
      const hint = keys.length === 1 && keys[0] !== undefined ? didYouMean(keys[0], valid) : '';
      return `unknown key${keys.length === 1 ? '' : 's'} ${quoteList(keys)}${hint}; valid keys: ${valid.join(', ')}`;
    },
  });
}

/** `data_presets.catalog.local.strategy`, `world.data.presets[0].id`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** A value as users wrote it: strings quoted, containers named rather than dumped. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((s) => (typeof s === 'number' ? s : String(s)));
}

/** zod issues → problems; `data` is what was parsed, so messages can quote the bad value. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], data: unknown, prefix: readonly PathSegment[] = []): Problem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...toSegments(issue.path)];
    const value = valueAt(data, issue.path);
    const was = `, was ${showValue(value)}`;
    switch (issue.code) {
      case 'invalid_union': {
        // Report the branch the value was aimed at (the one that got past the type check).
        const branch = issue.errors.find((errs) => errs.some((e) => e.path.length > 0 || (e.code !== 'invalid_type' && e.code !== 'invalid_value')));
        if (branch !== undefined) return problemsFromZod(branch, value, path);
        return [{ path, message: `${issue.message}${was}` }];
      }
      case 'invalid_type':
        if (value === undefined) return [{ path, message: `is required (${EXPECTED[issue.expected] ?? issue.expected})` }];
        return [{ path, message: `must be ${EXPECTED[issue.expected] ?? issue.expected}${was}` }];
      case 'invalid_value': {
        const options = issue.values.map((v) => String(v));
        const one = options.length === 1 ? `must be ${options[0]}` : `must be one of ${options.join(', ')}`;
        return [{ path, message: `${one}${was}${typeof value === 'string' ? didYouMean(value, options) : ''}` }];
      }
      case 'too_small':
        if (issue.origin === 'string') return [{ path, message: `must not be empty${was}` }];
        if (issue.origin === 'array') return [{ path, message: `needs at least ${issue.minimum} item(s)` }];
        return [{ path, message: `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}${was}` }];
      case 'too_big':
        return [{ path, message: `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}${was}` }];
      case 'unrecognized_keys':
        // Point at the first unknown key itself, not at the mapping holding it.
        return [{ path: issue.keys[0] === undefined ? path : [...path, issue.keys[0]], message: issue.message }];
      default:
        return [{ path, message: issue.message }];
    }
  });
}

function located(source: Pick<ConfigSource, 'lineOf'> | undefined, problem: Problem): { where: string; line: number | undefined } {
  const line = source?.lineOf(problem.path);
  return { where: `${formatPath(problem.path)}${line === undefined ? '' : ` (line ${line})`}`, line };
}

/** One error for all problems of one file, each with its path and line. */
export function configError(
  file: string,
  problems: readonly Problem[],
  source?: Pick<ConfigSource, 'lineOf'>,
  code: SeamlessErrorCode = 'SEAMLESS_BAD_CONFIG',
): SeamlessError {
  const placed = problems.map((p) => ({ ...located(source, p), message: p.message, path: formatPath(p.path) }));
  const message =
    placed.length === 1 && placed[0] !== undefined
      ? `${file}: ${placed[0].where}: ${placed[0].message}`
      : `${file}: ${placed.length} problems:\n${placed.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`;
  return new SeamlessError(code, message, {
    file,
    problems: placed.map(({ path, line, message: text }) => ({ path, line, message: text })),
  });
}
