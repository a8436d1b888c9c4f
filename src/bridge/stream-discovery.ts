/**
 * Which source streams to consume: exact keys given by the user, plus every stream key that
 * matches a SCAN pattern (default `trader-*:stream*`, NautilusTrader's keys, spec §7.2).
 * Discovery repeats periodically, so a node started later, or a new strategy's topic stream,
 * is picked up without a restart. Streams the bridge writes itself are never sources, so a
 * broad pattern like `*` cannot feed the bridge its own output.
 */
import type { Redis } from 'ioredis';

export interface SourceSelection {
  readonly keys: readonly string[];
  readonly patterns: readonly string[];
}

const GLOB = /[*?[]/;

/** Splits user values into exact keys and glob patterns (a value with `*`, `?` or `[`). */
export function parseSourceSelection(values: readonly string[]): SourceSelection {
  const keys = values.filter((v) => !GLOB.test(v));
  const patterns = values.filter((v) => GLOB.test(v));
  return { keys, patterns };
}

/** True for keys of streams the bridge itself writes (with or without a key prefix). */
export function isBridgeOutput(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const name = key.slice(prefix.length);
  return /^(exec:|market\.raw\.|bridge:|audit:|nautilus:mode:acks$)/.test(name);
}

/** Returns the exact keys plus every stream matching a pattern now, sorted, without duplicates. */
export async function discoverStreams(client: Redis, selection: SourceSelection, prefix: string): Promise<string[]> {
  const found = new Set(selection.keys);
  for (const pattern of selection.patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', 'stream');
      for (const key of keys) if (!isBridgeOutput(key, prefix)) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found].sort();
}
