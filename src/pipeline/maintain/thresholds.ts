/**
 * Alert thresholds of `seamless maintain stats`, from flags and/or a YAML or JSON file
 * (`--thresholds FILE`; YAML is a superset of JSON, so one parser reads both). Keys are the
 * flag names without `alert-`; `types` overrides them per data type:
 *
 * ```yaml
 * max-files-per-day: 24     # more files than this starting on one day = fragmentation
 * min-file-bytes: 65536     # any smaller file
 * max-file-bytes: 1073741824
 * missing-days: true        # days without rows inside an identifier's first..last day
 * rows-drop: 80             # a day with 80 % fewer rows than the median of its neighbours
 * types:
 *   trade_tick: { min-file-bytes: 1048576 }
 * ```
 *
 * Unknown keys and unknown types are refused with their path (`types.bar.max-files`), so a
 * typo never silently disables an alert. Flags win over the file, per-type values included.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { tryResolveDataType } from '../../catalog/data-types.js';

const Values = z.strictObject({
  'max-files-per-day': z.int().positive().optional(),
  'min-file-bytes': z.int().nonnegative().optional(),
  'max-file-bytes': z.int().positive().optional(),
  'missing-days': z.boolean().optional(),
  'rows-drop': z.number().gt(0).lte(100).optional(),
});

const ThresholdsFile = Values.extend({ types: z.record(z.string(), Values).optional() }).strict();

export type ThresholdValues = z.infer<typeof Values>;

export interface Thresholds {
  readonly defaults: ThresholdValues;
  /** Overrides by type key (`bar`, `quote_tick`, ...), already resolved from any type name. */
  readonly types: ReadonlyMap<string, ThresholdValues>;
  /** Values given on the command line: they win over everything in the file. */
  readonly flags: ThresholdValues;
}

/** A thresholds file that cannot be used; the message names the file and the key path. */
export class ThresholdsError extends Error {
  override name = 'ThresholdsError';
}

/**
 * Reads and validates a thresholds file.
 *
 * Throws ThresholdsError naming the file and each offending key path.
 */
export async function loadThresholds(path: string): Promise<Thresholds> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ThresholdsError(`${path}: cannot read the thresholds file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ThresholdsError(`${path}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  return parseThresholds(raw ?? {}, path);
}

/** Validates parsed thresholds (`source` names them in errors). */
export function parseThresholds(raw: unknown, source: string): Thresholds {
  const parsed = ThresholdsFile.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const at = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${at ? `${at}.` : ''}${key}: unknown key; use ${Object.keys(Values.shape).join(', ')}${at ? '' : ', types'}`).join('\n  ');
      }
      return `${at || '(top level)'}: ${issue.message}`;
    });
    throw new ThresholdsError(`${source}: invalid thresholds:\n  ${lines.join('\n  ')}`);
  }
  const { types = {}, ...defaults } = parsed.data;
  const byType = new Map<string, ThresholdValues>();
  for (const [name, values] of Object.entries(types)) {
    const descriptor = tryResolveDataType(name);
    if (!descriptor) throw new ThresholdsError(`${source}: types.${name}: unknown data type; use bar, quote_tick, trade_tick, order_book_delta or another catalog type name`);
    byType.set(descriptor.key, values);
  }
  return { defaults, types: byType, flags: {} };
}

/** Returns `base` (or no file) with the command line's values, which win over the file. */
export function withFlags(base: Thresholds | undefined, flags: ThresholdValues): Thresholds {
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as ThresholdValues;
  return { defaults: base?.defaults ?? {}, types: base?.types ?? new Map(), flags: given };
}

/** The thresholds that apply to a type key: defaults, then the type's own, then the flags. */
export function thresholdsFor(thresholds: Thresholds, typeKey: string | undefined): ThresholdValues {
  const override = typeKey === undefined ? undefined : thresholds.types.get(typeKey);
  return { ...thresholds.defaults, ...(override ?? {}), ...thresholds.flags };
}
