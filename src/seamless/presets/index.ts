/** Presets for the history provider: registry, presets.yaml, world files, dependency checks. */
export { createDefaultRegistry, defaultRegistry, PresetRegistry } from './registry.js';
export type { Preset, PresetContext, PresetDefinition } from './registry.js';
export { defaultCatalogPath } from './builtins.js';
export { DEFAULT_QUESTDB, DEFAULT_REDIS_URL, DEPENDENCY_KINDS, dependencyKey, describeDependency } from './dependency.js';
export type { Dependency, DependencyKind } from './dependency.js';
export { DEFAULT_PRESETS_YAML } from './default-presets.js';
export {
  BUILT_IN_PRESETS,
  builtInPresets,
  dataPresetKeys,
  loadPresetsFile,
  parsePresets,
  resolveDataPreset,
} from './presets-file.js';
export type { OverridesOrigin, PresetsDocument, PresetsOptions, ResolvedPreset } from './presets-file.js';
export type { DataPresetSpec, PresetsFileSpec, SeamlessOverrides } from './presets-schema.js';
export { loadWorldFile, parseWorld, selectWorldPreset } from './world-file.js';
export type { SelectedWorldPreset, WorldDocument, WorldPresetEntry } from './world-file.js';
export { checkDependencies, findAlternatives } from './dependencies.js';
export type { CheckOptions } from './dependencies.js';
export { DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PYTHON_TIMEOUT_MS, probe, pythonPath } from './probes.js';
export type { ProbeOptions, ProbeResult } from './probes.js';
export { loadPreset } from './load.js';
export type { LoadedPreset, LoadPresetOptions } from './load.js';
