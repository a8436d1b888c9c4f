/**
 * World files pick data presets: `world.data.presets[]` lists the data a world uses, each
 * entry naming a presets.yaml data preset and optionally overriding strategy, SLA,
 * conformance or stabilization for that world.
 */
import * as z from 'zod';
import { SeamlessError } from '../errors.js';
import { formatOf, parseConfigText, readConfigFile, type ConfigSource, type PathSegment } from './config-source.js';
import { configError, formatPath, problemsFromZod, strictObject } from './issues.js';
import { dataPresetKeys, resolveDataPreset, type PresetsDocument, type ResolvedPreset } from './presets-file.js';
import { seamlessOverridesShape, type SeamlessOverrides } from './presets-schema.js';
import { didYouMean, quoteList } from './suggest.js';

const name = z.string().min(1);

const entrySchema = strictObject({
  id: name,
  preset: name.optional(),
  seamless: strictObject(seamlessOverridesShape).optional(),
});

// Loose above the entries: world files carry sections other tools own (strategies, risk...).
const worldSchema = z.looseObject({
  id: name,
  data: z.looseObject({ presets: z.array(entrySchema).min(1) }).optional(),
});

export interface WorldPresetEntry {
  readonly id: string;
  /** The data preset key; defaults to the entry's id. */
  readonly preset: string;
  readonly seamless: SeamlessOverrides;
  /** Where the entry sits in the file, for messages. */
  readonly path: readonly PathSegment[];
}

export interface WorldDocument {
  readonly file: string;
  readonly id: string;
  readonly entries: readonly WorldPresetEntry[];
  readonly source: ConfigSource;
}

export interface SelectedWorldPreset extends ResolvedPreset {
  readonly world: string;
  readonly entry: WorldPresetEntry;
}

/** Reads a world file (.yaml, .yml or .json), with or without the top-level `world:` key. */
export async function loadWorldFile(path: string): Promise<WorldDocument> {
  return fromSource(await readConfigFile(path, 'world file'));
}

export function parseWorld(text: string, file: string): WorldDocument {
  return fromSource(parseConfigText(text, file, formatOf(file)));
}

function fromSource(source: ConfigSource): WorldDocument {
  const data = source.data;
  const wrapped = data !== null && typeof data === 'object' && !Array.isArray(data) && 'world' in data;
  const prefix: PathSegment[] = wrapped ? ['world'] : [];
  const body = wrapped ? (data as { world: unknown }).world : data;
  const parsed = worldSchema.safeParse(body);
  if (!parsed.success) throw configError(source.file, problemsFromZod(parsed.error.issues, body, prefix), source);
  const world = parsed.data;
  if (world.data === undefined) {
    throw configError(
      source.file,
      [{ path: prefix, message: `world "${world.id}" has no data.presets; add e.g. \`data: { presets: [ { id: ohlcv, preset: catalog.local } ] }\`` }],
      source,
    );
  }
  const entries = world.data.presets.map((entry, index): WorldPresetEntry => ({
    id: entry.id,
    preset: entry.preset ?? entry.id,
    seamless: entry.seamless ?? {},
    path: [...prefix, 'data', 'presets', index],
  }));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) {
      throw configError(source.file, [{ path: [...entry.path, 'id'], message: `duplicate id "${entry.id}"; ids in data.presets must be unique so they can be selected` }], source);
    }
    seen.add(entry.id);
  }
  return { file: source.file, id: world.id, entries, source };
}

/**
 * Resolves one entry of `world` through `presets`: the entry with id `presetId`, else the
 * first. The entry's `seamless:` overrides apply on top of the data preset.
 */
export function selectWorldPreset(world: WorldDocument, presets: PresetsDocument, presetId?: string): SelectedWorldPreset {
  const ids = world.entries.map((e) => e.id);
  const entry = presetId === undefined ? world.entries[0] : world.entries.find((e) => e.id === presetId);
  if (entry === undefined) {
    throw new SeamlessError(
      'SEAMLESS_UNKNOWN_PRESET',
      `${world.file}: world "${world.id}" has no data preset with id "${presetId}"${didYouMean(presetId ?? '', ids)}; ids in data.presets: ${quoteList(ids)}`,
      { file: world.file, world: world.id, id: presetId, available: ids },
    );
  }
  const keys = dataPresetKeys(presets);
  if (!keys.includes(entry.preset)) {
    const path = [...entry.path, 'preset'];
    const line = world.source.lineOf(path);
    const field = `${formatPath(path)}${line === undefined ? '' : ` (line ${line})`}`;
    throw new SeamlessError(
      'SEAMLESS_UNKNOWN_PRESET',
      `${world.file}: ${field}: unknown data preset "${entry.preset}" in ${presets.label}${didYouMean(entry.preset, keys)}; available: ${quoteList(keys)}`,
      { file: world.file, line, preset: entry.preset, available: keys },
    );
  }
  const resolved = resolveDataPreset(presets, entry.preset, entry.seamless, { source: world.source, path: [...entry.path, 'seamless'] });
  return { ...resolved, world: world.id, entry };
}
