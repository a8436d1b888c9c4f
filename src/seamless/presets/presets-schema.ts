/**
 * The shape of presets.yaml, as zod schemas. Field names stay snake_case as written in the
 * file; presets-file.ts converts them to ProviderConfig.
 */
import * as z from 'zod';
import { STRATEGIES, type Strategy } from '../provider-config.js';
import { DEPENDENCY_KINDS, type DependencyKind } from './dependency.js';
import { strictObject } from './issues.js';

const ms = z.number().int().positive();
const count = z.number().int().positive();
const name = z.string().min(1);

export const strategySchema = z.enum(STRATEGIES as unknown as [Strategy, ...Strategy[]]);
export const ruleActionSchema = z.enum(['off', 'warn', 'drop', 'block']);

export const slaPresetSchema = strictObject({
  storage_ms: ms.optional(),
  backfill_ms: ms.optional(),
  live_ms: ms.optional(),
  total_ms: ms.optional(),
  on_violation: z.enum(['fail', 'partial', 'hold']),
});

// Rule ids are checked for shape here; the conformance layer owns the list of known rules.
const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'rule ids are snake_case, e.g. bar_ohlc' });

export const conformancePresetSchema = strictObject({
  rules: z.record(ruleId, ruleActionSchema).default({}),
});

/** Overrides a world file may apply on top of a data preset (also valid inside one). */
export const seamlessOverridesShape = {
  strategy: strategySchema.optional(),
  sla_preset: name.optional(),
  conformance_preset: name.optional(),
  // `0` is a real choice (trim nothing), never "unset".
  stabilization_bars: z.number().int().min(0).optional(),
};

export const dataPresetSchema = strictObject({
  provider: strictObject({
    preset: name,
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  ...seamlessOverridesShape,
  cache: z
    .union([z.literal(false), strictObject({ max_bytes: count, ttl_ms: z.number().int().min(0) })], {
      error: 'must be false (no cache) or a mapping with max_bytes and ttl_ms',
    })
    .optional(),
  backfill: strictObject({
    chunk_bars: count.optional(),
    tick_chunk_ms: ms.optional(),
    max_concurrent: count.optional(),
    max_attempts: count.optional(),
    retry_backoff_ms: z.number().int().min(0).optional(),
    jitter_ratio: z.number().min(0).max(1).optional(),
  }).optional(),
  artifacts_dir: name.optional(),
  requires: z.array(z.enum(DEPENDENCY_KINDS as unknown as [DependencyKind, ...DependencyKind[]])).optional(),
  questdb: strictObject({ host: name.optional(), port: z.number().int().min(1).max(65535).optional() }).optional(),
  redis: strictObject({ url: z.string().regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL' }).optional() }).optional(),
});

export const presetsFileSchema = strictObject({
  version: z.literal(1, { error: 'must be 1 (the only presets file version)' }),
  sla_presets: z.record(name, slaPresetSchema).default({}),
  conformance_presets: z.record(name, conformancePresetSchema).default({}),
  data_presets: z.record(name, dataPresetSchema),
});

export type SlaPresetSpec = z.infer<typeof slaPresetSchema>;
export type ConformancePresetSpec = z.infer<typeof conformancePresetSchema>;
export type DataPresetSpec = z.infer<typeof dataPresetSchema>;
export type PresetsFileSpec = z.infer<typeof presetsFileSchema>;
export type SeamlessOverrides = z.infer<z.ZodObject<typeof seamlessOverridesShape>>;
