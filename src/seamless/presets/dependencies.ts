/**
 * Checks a preset's dependencies before use. All probes run in parallel and every failure
 * is reported in one error, together with the presets that would work without them.
 */
import { SeamlessError } from '../errors.js';
import { dependencyKey, uniqueDependencies, type Dependency } from './dependency.js';
import { probe, type ProbeOptions, type ProbeResult } from './probes.js';
import { dataPresetKeys, resolveDataPreset, type PresetsDocument } from './presets-file.js';
import type { PresetRegistry } from './registry.js';
import { quoteList } from './suggest.js';

export interface CheckOptions extends ProbeOptions {
  /** Data presets to offer as alternatives when something is missing. */
  readonly presets?: PresetsDocument;
  /** Provider presets to offer as alternatives (judged with their default options). */
  readonly registry?: PresetRegistry;
  /** The preset being checked, left out of the alternatives. */
  readonly current?: string;
}

/** Resolves when every dependency is there; else SEAMLESS_DEPENDENCY_MISSING listing them all. */
export async function checkDependencies(deps: readonly Dependency[], options: CheckOptions = {}): Promise<ProbeResult[]> {
  const results = await Promise.all(uniqueDependencies(deps).map((dep) => probe(dep, options)));
  const failed = results.filter((r): r is Extract<ProbeResult, { ok: false }> => !r.ok);
  if (failed.length === 0) return results;

  const lines = failed.map((f) => `${f.dependency.kind}: ${f.problem}; ${f.fix}`);
  const alternatives = findAlternatives(failed.map((f) => f.dependency), options);
  const head =
    lines.length === 1 ? `missing dependency: ${lines[0]}` : `${lines.length} missing dependencies:\n${lines.map((l) => `  - ${l}`).join('\n')}`;
  const none = options.presets === undefined && options.registry === undefined ? '' : '\nno other preset avoids what is missing';
  throw new SeamlessError('SEAMLESS_DEPENDENCY_MISSING', `${head}${alternatives.text === '' ? none : `\n${alternatives.text}`}`, {
    missing: failed.map((f) => ({ dependency: f.dependency, problem: f.problem, fix: f.fix })),
    alternatives: alternatives.names,
  });
}

/** Presets none of whose requirements is among the missing ones. */
export function findAlternatives(
  missing: readonly Dependency[],
  options: Pick<CheckOptions, 'presets' | 'registry' | 'current'>,
): { text: string; names: { dataPresets: string[]; providerPresets: string[] } } {
  const gone = new Set(missing.map(dependencyKey));
  const avoids = (deps: readonly Dependency[]) => deps.every((d) => !gone.has(dependencyKey(d)));
  const attempt = (fn: () => Dependency[]): Dependency[] | undefined => {
    try {
      return fn();
    } catch {
      return undefined; // a preset that cannot even resolve is no alternative
    }
  };
  const { presets, registry, current } = options;
  const dataPresets =
    presets === undefined
      ? []
      : dataPresetKeys(presets).filter((key) => {
          const deps = key === current ? undefined : attempt(() => resolveDataPreset(presets, key).requires);
          return deps !== undefined && avoids(deps);
        });
  const providerPresets =
    registry === undefined
      ? []
      : registry.names().filter((name) => {
          const deps = name === current ? undefined : attempt(() => registry.get(name).requires({}));
          return deps !== undefined && avoids(deps);
        });
  const parts: string[] = [];
  if (dataPresets.length > 0 && presets !== undefined) parts.push(`data presets in ${presets.label}: ${quoteList(dataPresets)}`);
  if (providerPresets.length > 0) parts.push(`provider presets (default options): ${quoteList(providerPresets)}`);
  return { text: parts.length === 0 ? '' : `presets that do not need it: ${parts.join('; ')}`, names: { dataPresets, providerPresets } };
}
