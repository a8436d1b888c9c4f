/**
 * presets.yaml: named SLA, conformance and data presets. Loading validates everything up
 * front (schema, references between sections, provider options), so a bad file fails at
 * start with the line to fix instead of at the first fetch.
 */
import { dirname } from 'node:path';
import { CONFORMANCE_RULES } from '../conformance/index.js';
import { SeamlessError } from '../errors.js';
import { type BackfillPolicy, type ConformanceConfig, type ProviderConfig, type SlaPhase, type SlaPolicy, catalogPathOf } from '../provider-config.js';
import { resolvePath } from './builtins.js';
import { formatOf, parseConfigText, readConfigFile, type ConfigSource, type PathSegment } from './config-source.js';
import { DEFAULT_PRESETS_YAML } from './default-presets.js';
import { DEFAULT_QUESTDB, DEFAULT_REDIS_URL, uniqueDependencies, type Dependency } from './dependency.js';
import { configError, problemsFromZod, type Problem } from './issues.js';
import {
  presetsFileSchema,
  type DataPresetSpec,
  type PresetsFileSpec,
  type SeamlessOverrides,
  type SlaPresetSpec,
} from './presets-schema.js';
import { defaultRegistry, type PresetContext, type PresetRegistry } from './registry.js';
import { didYouMean, quoteList } from './suggest.js';

export const BUILT_IN_PRESETS = 'built-in presets';

export interface PresetsDocument {
  /** The file (absolute path) or `built-in presets`; used in messages and as `source`. */
  readonly label: string;
  readonly source: ConfigSource;
  readonly spec: PresetsFileSpec;
  readonly registry: PresetRegistry;
  /** Relative paths written in the file resolve against `context.baseDir` (its folder). */
  readonly context: PresetContext;
}

export interface ResolvedPreset {
  readonly config: ProviderConfig;
  readonly requires: Dependency[];
}

/** Where overrides came from (a world file entry), so their errors point into that file. */
export interface OverridesOrigin {
  readonly source: Pick<ConfigSource, 'file' | 'lineOf'>;
  readonly path: readonly PathSegment[];
}

export interface PresetsOptions {
  readonly registry?: PresetRegistry;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads and validates a presets file; a missing file is an error, never an empty document. */
export async function loadPresetsFile(path: string, options: PresetsOptions = {}): Promise<PresetsDocument> {
  const source = await readConfigFile(path, 'presets file');
  return fromSource(source, source.file, dirname(source.file), options);
}

/** Validates presets text held in memory (`file` labels errors; `baseDir` anchors paths). */
export function parsePresets(text: string, file: string, baseDir: string, options: PresetsOptions = {}): PresetsDocument {
  return fromSource(parseConfigText(text, file, formatOf(file)), file, baseDir, options);
}

/** DEFAULT_PRESETS_YAML, with its relative paths anchored at the current folder. */
export function builtInPresets(options: PresetsOptions = {}): PresetsDocument {
  const source = parseConfigText(DEFAULT_PRESETS_YAML, BUILT_IN_PRESETS, 'yaml');
  return fromSource(source, BUILT_IN_PRESETS, process.cwd(), options);
}

function fromSource(source: ConfigSource, label: string, baseDir: string, options: PresetsOptions): PresetsDocument {
  const parsed = presetsFileSchema.safeParse(source.data);
  if (!parsed.success) throw configError(label, problemsFromZod(parsed.error.issues, source.data), source);
  const doc: PresetsDocument = {
    label,
    source,
    spec: parsed.data,
    registry: options.registry ?? defaultRegistry,
    context: { baseDir, env: options.env ?? process.env },
  };
  // Resolve every data preset now: dangling names and bad provider options surface at load.
  const problems = [
    ...unknownRules(doc.spec),
    ...Object.keys(doc.spec.data_presets).flatMap((key) => resolveEntry(doc, key, {}).problems.map((p) => p.problem)),
  ];
  if (problems.length > 0) throw configError(label, problems, source);
  return doc;
}

const RULE_IDS = [...new Set(Object.values(CONFORMANCE_RULES).flatMap((rules) => rules.map((rule) => rule.id)))];

/** A misspelt rule id must fail here, not silently leave the real rule at its default. */
function unknownRules(spec: PresetsFileSpec): Problem[] {
  return Object.entries(spec.conformance_presets).flatMap(([name, preset]) =>
    Object.keys(preset.rules)
      .filter((id) => !RULE_IDS.includes(id))
      .map((id) => ({
        path: ['conformance_presets', name, 'rules', id],
        message: `unknown conformance rule "${id}"${didYouMean(id, RULE_IDS)}; known rules: ${RULE_IDS.join(', ')}`,
      })),
  );
}

export function dataPresetKeys(doc: PresetsDocument): string[] {
  return Object.keys(doc.spec.data_presets);
}

/** The provider config of data preset `key`, with optional overrides (a world's `seamless:` block). */
export function resolveDataPreset(
  doc: PresetsDocument,
  key: string,
  overrides: SeamlessOverrides = {},
  origin?: OverridesOrigin,
): ResolvedPreset {
  if (!Object.hasOwn(doc.spec.data_presets, key)) {
    const keys = dataPresetKeys(doc);
    throw new SeamlessError(
      'SEAMLESS_UNKNOWN_PRESET',
      `unknown data preset "${key}" in ${doc.label}${didYouMean(key, keys)}; available: ${quoteList(keys)}`,
      { preset: key, available: keys, file: doc.label },
    );
  }
  const { resolved, problems } = resolveEntry(doc, key, overrides);
  const fromOverrides = problems.filter((p) => p.fromOverride).map((p) => p.problem);
  if (fromOverrides.length > 0) {
    const file = origin?.source.file ?? 'overrides';
    const placed = fromOverrides.map((p) => ({ ...p, path: [...(origin?.path ?? []), ...p.path] }));
    throw configError(file, placed, origin?.source);
  }
  if (resolved === undefined || problems.length > 0) throw configError(doc.label, problems.map((p) => p.problem), doc.source);
  return resolved;
}

interface Located {
  readonly problem: Problem;
  /** True when the bad value came from the overrides, whose path is relative to them. */
  readonly fromOverride: boolean;
}

function resolveEntry(
  doc: PresetsDocument,
  key: string,
  overrides: SeamlessOverrides,
): { resolved?: ResolvedPreset; problems: Located[] } {
  const spec = doc.spec.data_presets[key] as DataPresetSpec;
  const at = (...path: PathSegment[]): PathSegment[] => ['data_presets', key, ...path];
  const problems: Located[] = [];
  const fail = (path: PathSegment[], message: string, fromOverride = false) => problems.push({ problem: { path, message }, fromOverride });

  // The named pieces, each taken from the override if set, else from the preset.
  const pick = <K extends keyof SeamlessOverrides>(field: K) =>
    overrides[field] !== undefined
      ? { value: overrides[field], path: [field] as PathSegment[], fromOverride: true }
      : { value: spec[field], path: at(field), fromOverride: false };

  const base = buildBase(doc, spec, at, fail);
  const slaName = pick('sla_preset');
  let sla: SlaPolicy | undefined;
  if (slaName.value !== undefined) {
    const slaSpec = doc.spec.sla_presets[slaName.value];
    if (slaSpec === undefined) fail(slaName.path, unknownRef('SLA preset', slaName.value, doc.spec.sla_presets, 'sla_presets'), slaName.fromOverride);
    else sla = toSla(slaSpec);
  }
  const conformanceName = pick('conformance_preset');
  let conformance: ConformanceConfig | undefined;
  if (conformanceName.value !== undefined) {
    const rules = doc.spec.conformance_presets[conformanceName.value]?.rules;
    if (rules === undefined) {
      fail(
        conformanceName.path,
        unknownRef('conformance preset', conformanceName.value, doc.spec.conformance_presets, 'conformance_presets'),
        conformanceName.fromOverride,
      );
    } else conformance = { ...rules };
  }
  if (base === undefined) return { problems };

  if (spec.backfill !== undefined && base.config.backfill === undefined) {
    fail(at('backfill'), `provider preset "${spec.provider.preset}" has no backfill source, so a backfill policy does nothing; remove backfill or use a preset with one (e.g. catalog.mirror)`);
  }
  const strategy = pick('strategy');
  const chosen = strategy.value ?? base.config.strategy;
  if ((chosen === 'AUTO_BACKFILL' || chosen === 'SEAMLESS') && base.config.backfill === undefined) {
    fail(
      strategy.value === undefined ? at('provider', 'preset') : strategy.path,
      `strategy ${chosen} fills gaps by backfill, but provider preset "${spec.provider.preset}" has none, was ${chosen}; use FAIL_FAST or PARTIAL, or a preset with a backfill source (e.g. catalog.mirror)`,
      strategy.fromOverride,
    );
  }
  if (problems.length > 0) return { problems };

  const stabilization = pick('stabilization_bars').value;
  const config: ProviderConfig = {
    ...base.config,
    strategy: chosen,
    conformance: conformance ?? base.config.conformance,
    // `!== undefined`, not `??` on truthiness: 0 bars is a deliberate setting.
    stabilizationBars: stabilization !== undefined ? stabilization : base.config.stabilizationBars,
    cache: spec.cache === undefined ? base.config.cache : spec.cache === false ? false : { maxBytes: spec.cache.max_bytes, ttlMs: spec.cache.ttl_ms },
    ...(base.config.backfill === undefined
      ? {}
      : { backfill: { ...base.config.backfill, policy: mergePolicy(base.config.backfill.policy, spec.backfill) } }),
    ...(sla === undefined ? {} : { sla }),
    ...(spec.artifacts_dir === undefined ? {} : { artifactsDir: resolvePath(doc.context, spec.artifacts_dir) }),
  };
  return { resolved: { config, requires: uniqueDependencies([...base.requires, ...extraRequires(spec, config)]) }, problems };
}

function buildBase(
  doc: PresetsDocument,
  spec: DataPresetSpec,
  at: (...path: PathSegment[]) => PathSegment[],
  fail: (path: PathSegment[], message: string) => void,
): ResolvedPreset | undefined {
  const name = spec.provider.preset;
  if (!doc.registry.has(name)) {
    const names = doc.registry.names();
    fail(at('provider', 'preset'), `unknown provider preset "${name}"${didYouMean(name, names)}; registered presets: ${quoteList(names)}`);
    return undefined;
  }
  const preset = doc.registry.get(name);
  const parsed = preset.options.safeParse(spec.provider.options);
  if (!parsed.success) {
    for (const p of problemsFromZod(parsed.error.issues, spec.provider.options, at('provider', 'options'))) fail([...p.path], p.message);
    return undefined;
  }
  try {
    return { config: preset.build(parsed.data, doc.context), requires: preset.requires(parsed.data, doc.context) };
  } catch (error) {
    if (!(error instanceof SeamlessError)) throw error;
    fail(at('provider', 'options'), error.message);
    return undefined;
  }
}

function unknownRef(what: string, name: string, defined: Record<string, unknown>, section: string): string {
  const names = Object.keys(defined);
  return `unknown ${what} "${name}"${didYouMean(name, names)}; defined in ${section}: ${quoteList(names)}; fix the name or add it under ${section}`;
}

function toSla(spec: SlaPresetSpec): SlaPolicy {
  const budgetsMs: Partial<Record<SlaPhase, number>> = {};
  if (spec.storage_ms !== undefined) budgetsMs.storage = spec.storage_ms;
  if (spec.backfill_ms !== undefined) budgetsMs.backfill = spec.backfill_ms;
  if (spec.live_ms !== undefined) budgetsMs.live = spec.live_ms;
  if (spec.total_ms !== undefined) budgetsMs.total = spec.total_ms;
  return { budgetsMs, onViolation: spec.on_violation };
}

/** Fields set in the file win; the rest keep the preset's policy (DEFAULT_BACKFILL_POLICY). */
function mergePolicy(policy: BackfillPolicy, spec: DataPresetSpec['backfill']): BackfillPolicy {
  if (spec === undefined) return policy;
  const set = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  return {
    chunkBars: set(spec.chunk_bars, policy.chunkBars),
    tickChunkMs: set(spec.tick_chunk_ms, policy.tickChunkMs),
    maxConcurrent: set(spec.max_concurrent, policy.maxConcurrent),
    maxAttempts: set(spec.max_attempts, policy.maxAttempts),
    retryBackoffMs: set(spec.retry_backoff_ms, policy.retryBackoffMs),
    jitterRatio: set(spec.jitter_ratio, policy.jitterRatio),
  };
}

/** `requires:` names kinds; where to look comes from the preset (catalog) or its own section. */
function extraRequires(spec: DataPresetSpec, config: ProviderConfig): Dependency[] {
  return (spec.requires ?? []).map((kind): Dependency => {
    switch (kind) {
      case 'catalog': {
        const path = catalogPathOf(config.storage);
        if (path === undefined) throw new SeamlessError('SEAMLESS_BAD_CONFIG', `requires: catalog, but this preset stores in ${config.storage.kind}; remove catalog from requires`, { requires: spec.requires });
        return { kind, path, option: 'catalog_path' };
      }
      case 'questdb':
        return { kind, host: spec.questdb?.host ?? DEFAULT_QUESTDB.host, port: spec.questdb?.port ?? DEFAULT_QUESTDB.port };
      case 'redis':
        return { kind, url: spec.redis?.url ?? DEFAULT_REDIS_URL };
      case 'nautilus':
        return { kind };
    }
  });
}
