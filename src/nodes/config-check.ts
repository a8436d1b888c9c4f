/**
 * `seamless node check` and every backtest submission run these checks: NautilusTrader's own
 * config Structs judge keys and values (python/node_check.py, one process per batch) while our
 * catalog judges instruments and data windows (catalog-check.ts); both run at once.
 *
 * Before checking, a config is resolved: a data config without `catalog_path` gets the
 * gateway's (or `--catalog`'s) catalog, and a relative catalog_path becomes absolute, because the
 * runner does not share the caller's working directory.
 */
import { resolve } from 'node:path';
import { type CatalogCheckOptions, type CatalogViews, checkCatalog } from './catalog-check.js';
import type { LoadedConfig } from './config-load.js';
import { type Finding, hasErrors } from './findings.js';
import { type JsonObject, cloneJson, isJsonObject } from './json-value.js';
import { type PythonCheckOptions, pythonCheck } from './python-check.js';
import { NodeError } from './errors.js';
import { formatFinding } from './findings.js';

export interface ConfigCheckOptions extends CatalogCheckOptions, PythonCheckOptions {
  /** The catalog a data config without catalog_path reads. */
  readonly catalogPath: string;
}

export interface CheckedConfig {
  readonly source: string;
  /** The config as it will run: catalog paths filled in and absolute. */
  readonly config: JsonObject;
  readonly findings: Finding[];
  readonly window?: { readonly start: bigint; readonly end: bigint };
}

/** Fills in and absolutizes catalog paths (a copy; the input is untouched). */
export function resolveConfig(config: JsonObject, catalogPath: string): JsonObject {
  const copy = cloneJson(config);
  const data = copy['data'];
  if (Array.isArray(data)) {
    for (const entry of data) {
      if (!isJsonObject(entry)) continue;
      if (entry['catalog_path'] === undefined) entry['catalog_path'] = resolve(catalogPath);
      else if (typeof entry['catalog_path'] === 'string' && !entry['catalog_path'].includes('://')) entry['catalog_path'] = resolve(entry['catalog_path']);
    }
  }
  return copy;
}

/** Checks a batch of configs; findings carry file lines where the source has them. */
export async function checkConfigs(loaded: readonly LoadedConfig[], options: ConfigCheckOptions): Promise<CheckedConfig[]> {
  const resolved = loaded.map((l) => resolveConfig(l.config, options.catalogPath));
  const views: CatalogViews = new Map(); // a grid's combinations read the same catalogs: open each once
  const [pythonFindings, catalogResults] = await Promise.all([pythonCheck(resolved, options), Promise.all(resolved.map((c) => checkCatalog(c, options, views)))]);
  return loaded.map((l, i) => {
    const findings = [...pythonFindings[i]!, ...catalogResults[i]!.findings].map((f) => {
      const line = l.lineOf(f.path);
      return line === undefined ? f : { ...f, line };
    });
    const window = catalogResults[i]!.window;
    return { source: l.source, config: resolved[i]!, findings, ...(window ? { window } : {}) };
  });
}

/**
 * Checks one config and returns it ready to run.
 *
 * Throws NodeError CONFIG_INVALID (details.findings) when the check found errors.
 */
export async function checkRunnable(loaded: LoadedConfig, options: ConfigCheckOptions): Promise<CheckedConfig> {
  const [checked] = await checkConfigs([loaded], options);
  assertRunnable(checked!);
  return checked!;
}

/** Throws NodeError CONFIG_INVALID naming the first findings when `checked` has errors. */
export function assertRunnable(checked: CheckedConfig): void {
  if (!hasErrors(checked.findings)) return;
  const errors = checked.findings.filter((f) => f.severity === 'error');
  const shown = errors.slice(0, 5).map((f) => formatFinding(f, checked.source)).join('; ');
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  throw new NodeError('CONFIG_INVALID', `the config is not runnable: ${shown}${more}`, { findings: checked.findings });
}
