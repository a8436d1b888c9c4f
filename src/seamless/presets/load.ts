/**
 * One call from "what the user named" to a checked ProviderConfig: a presets file (or the
 * built-in presets), optionally a world file choosing among them, then dependency probes.
 */
import { SeamlessError } from '../errors.js';
import type { ProviderConfig } from '../provider-config.js';
import type { Dependency } from './dependency.js';
import { checkDependencies } from './dependencies.js';
import type { ProbeOptions } from './probes.js';
import {
  BUILT_IN_PRESETS,
  builtInPresets,
  loadPresetsFile,
  resolveDataPreset,
  type PresetsOptions,
  type ResolvedPreset,
} from './presets-file.js';
import { loadWorldFile, selectWorldPreset } from './world-file.js';

export interface LoadPresetOptions extends PresetsOptions, ProbeOptions {
  /** presets.yaml to use; without it the built-in presets (DEFAULT_PRESETS_YAML). */
  readonly presetsFile?: string;
  /** A data preset key; give this or `world`, not both. */
  readonly preset?: string;
  /** A world file whose `data.presets` picks the data preset. */
  readonly world?: string;
  /** Which entry of the world; default the first. */
  readonly worldPresetId?: string;
  /** Probe dependencies (default true). */
  readonly check?: boolean;
}

export interface LoadedPreset {
  readonly config: ProviderConfig;
  readonly requires: Dependency[];
  /** The data preset key used. */
  readonly preset: string;
  /** The presets file path, or `built-in presets`. */
  readonly source: string;
}

export async function loadPreset(options: LoadPresetOptions): Promise<LoadedPreset> {
  const { presetsFile, preset, world, worldPresetId, check = true } = options;
  if (preset !== undefined && world !== undefined) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `both a preset ("${preset}") and a world file (${world}) were given; pass one: the world file picks its own preset`);
  }
  if (preset === undefined && world === undefined) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', 'no preset was given; name a data preset (e.g. catalog.local) or a world file');
  }
  if (worldPresetId !== undefined && world === undefined) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `worldPresetId "${worldPresetId}" was given without a world file; pass the world file too`);
  }
  const doc = presetsFile === undefined ? builtInPresets(options) : await loadPresetsFile(presetsFile, options);
  let key: string;
  let resolved: ResolvedPreset;
  if (world !== undefined) {
    const selected = selectWorldPreset(await loadWorldFile(world), doc, worldPresetId);
    key = selected.entry.preset;
    resolved = selected;
  } else {
    key = preset as string;
    resolved = resolveDataPreset(doc, key);
  }
  if (check) {
    // Only data presets are offered as alternatives: they are what `preset` accepts.
    const { timeoutMs, pythonTimeoutMs, env } = options;
    await checkDependencies(resolved.requires, { timeoutMs, pythonTimeoutMs, env, presets: doc, current: key });
  }
  return { config: resolved.config, requires: resolved.requires, preset: key, source: presetsFile === undefined ? BUILT_IN_PRESETS : doc.label };
}
