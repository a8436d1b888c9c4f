/**
 * Reading string-valued stream entries: one place for turning Redis' flat field/value reply
 * into a record, and for paging through a whole stream with XRANGE.
 */
import type { Redis } from 'ioredis';

export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** `[name, value, name, value, …]` as a record (a trailing odd item is ignored). */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

/** Every entry of `key`, oldest first, fetched `pageSize` at a time (a stream may be large). */
export async function* streamEntries(client: Redis, key: string, pageSize = 1000): AsyncGenerator<StreamEntry> {
  let start = '-';
  for (;;) {
    const page = await client.xrange(key, start, '+', 'COUNT', pageSize);
    for (const [id, flat] of page) yield { id, fields: fieldsOf(flat) };
    if (page.length < pageSize) return;
    start = `(${page[page.length - 1]![0]}`;
  }
}
