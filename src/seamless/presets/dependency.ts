/**
 * What a preset needs from the machine before it can work: a catalog folder, a QuestDB or
 * Redis server, a Python with NautilusTrader. Plain data here; probes live in dependencies.ts.
 */

export type DependencyKind = 'catalog' | 'questdb' | 'redis' | 'nautilus';
export const DEPENDENCY_KINDS: readonly DependencyKind[] = ['catalog', 'questdb', 'redis', 'nautilus'];

export type Dependency =
  /** `option` names the setting that chose the path, so the message can say what to change. */
  | { readonly kind: 'catalog'; readonly path: string; readonly option?: string }
  | { readonly kind: 'questdb'; readonly host: string; readonly port: number }
  | { readonly kind: 'redis'; readonly url: string }
  /** `python` unset: SEAMLESS_PYTHON, else the repository's .venv (decided when probing). */
  | { readonly kind: 'nautilus'; readonly python?: string };

export const DEFAULT_QUESTDB = { host: '127.0.0.1', port: 9000 } as const;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Identity of a dependency: two presets needing the same one share its fate. */
export function dependencyKey(dep: Dependency): string {
  switch (dep.kind) {
    case 'catalog':
      return `catalog:${dep.path}`;
    case 'questdb':
      return `questdb:${dep.host}:${dep.port}`;
    case 'redis':
      return `redis:${dep.url}`;
    case 'nautilus':
      return `nautilus:${dep.python ?? ''}`;
  }
}

/** Human wording: `catalog at /data/catalog`, `QuestDB at 127.0.0.1:9000`. */
export function describeDependency(dep: Dependency): string {
  switch (dep.kind) {
    case 'catalog':
      return `catalog at ${dep.path}`;
    case 'questdb':
      return `QuestDB at ${dep.host}:${dep.port}`;
    case 'redis':
      return `Redis at ${redactedUrl(dep.url)}`;
    case 'nautilus':
      return dep.python === undefined ? 'NautilusTrader (Python)' : `NautilusTrader via ${dep.python}`;
  }
}

/** A URL fit for messages and logs: any password replaced by `***`. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Drops repeats, keeping the first (its `option` names the setting users wrote first). */
export function uniqueDependencies(deps: Iterable<Dependency>): Dependency[] {
  const seen = new Map<string, Dependency>();
  for (const dep of deps) if (!seen.has(dependencyKey(dep))) seen.set(dependencyKey(dep), dep);
  return [...seen.values()];
}
