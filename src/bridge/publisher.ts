/**
 * Runs publish-batch (publish-lua.ts) for a batch of source entries in one round trip, with
 * any commands that must precede it (remembering OrderInitialized) in the same pipeline.
 * After a Redis restart the script cache is empty: a NOSCRIPT reply re-sends the batch with
 * EVAL, which is safe because publish-batch is idempotent per entry.
 */
import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import type { BridgeKeys } from './keys.js';
import { PackWriter } from './pack-batch.js';
import { PUBLISH_BATCH_LUA } from './publish-lua.js';
import { compareStreamIds } from './stream-id.js';

const SHA = createHash('sha1').update(PUBLISH_BATCH_LUA).digest('hex');


export interface PublishItem {
  /** Source stream key and entry id. */
  readonly source: string;
  readonly id: string;
  /** Destination stream; absent: acknowledge only. */
  readonly dest?: string;
  /** Field/value pairs, flattened, or a record (written in its key order; saves flattening per event). */
  readonly fields?: readonly (string | Buffer)[] | Readonly<Record<string, string>>;
  /** Publish once per event id (order, fill and position events). */
  readonly eventId?: string;
  /**
   * True when the entry was delivered to this consumer so recently that no other consumer can
   * have claimed it yet (its idle time is below every consumer's claim threshold): the script
   * then skips the XPENDING ownership check for its source, which is the costliest part.
   */
  readonly fresh?: boolean;
}

export interface PublishSettings {
  readonly group: string;
  readonly consumer: string;
  /** XADD MAXLEN ~ (0: none). */
  readonly maxLen: number;
  /** XTRIM MINID ~ now − maxAgeMs (0: none). */
  readonly maxAgeMs: number;
  /** How long an event id is remembered for deduplication. */
  readonly seenTtlSeconds: number;
  /** exec:fills is trimmed by the archiver (behind what it archived) instead of here. */
  readonly fillsTrimmedByArchiver: boolean;
}

export class BatchPublisher {
  private readonly writer = new PackWriter();

  constructor(
    private readonly client: Redis,
    private readonly keys: BridgeKeys,
    private readonly settings: PublishSettings,
  ) {}

  /**
   * Publishes and acknowledges `items`; returns one status per item (see publish-lua.ts).
   * `before` adds commands that run first in the same pipeline.
   * Throws the Redis error when the connection fails (nothing was acknowledged then, or
   * everything was: either way a retry is safe).
   */
  async publish(items: readonly PublishItem[], before?: (pipeline: ChainableCommander) => void): Promise<string> {
    if (items.length === 0) return '';
    const { keys, args } = this.scriptCall(items);
    const attempt = async (useSource: boolean): Promise<unknown> => {
      const call: (string | number | Buffer)[] = [useSource ? PUBLISH_BATCH_LUA : SHA, keys.length, ...keys, ...args];
      // Most batches have nothing to run first: a plain command allocates far less than a
      // pipeline, and at 10 k events/s the garbage decides the latency tail (GC pauses).
      if (!before) return this.client.call(useSource ? 'EVAL' : 'EVALSHA', call);
      const pipeline = this.client.pipeline();
      before(pipeline);
      pipeline.call(useSource ? 'EVAL' : 'EVALSHA', call);
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      return results[results.length - 1]?.[1];
    };
    let reply: unknown;
    try {
      reply = await attempt(false);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      reply = await attempt(true);
    }
    if (typeof reply !== 'string' || reply.length !== items.length) {
      throw new Error(`publish-batch returned ${JSON.stringify(reply)} for ${items.length} entries`);
    }
    return reply;
  }

  private scriptCall(items: readonly PublishItem[]): { keys: string[]; args: (string | number | Buffer)[] } {
    const keys: string[] = [];
    const index = new Map<string, number>();
    const keyIndex = (key: string): number => {
      let i = index.get(key);
      if (i === undefined) {
        keys.push(key);
        i = keys.length;
        index.set(key, i);
      }
      return i;
    };
    const ranges = new Map<string, { first: string; last: string; count: number; check: boolean }>();
    for (const item of items) {
      const range = ranges.get(item.source);
      if (range === undefined) ranges.set(item.source, { first: item.id, last: item.id, count: 1, check: item.fresh !== true });
      else {
        if (item.fresh !== true) range.check = true;
        if (compareStreamIds(item.id, range.first) < 0) range.first = item.id;
        if (compareStreamIds(item.id, range.last) > 0) range.last = item.id;
        range.count++;
      }
    }
    const { group, consumer, maxLen, maxAgeMs, seenTtlSeconds, fillsTrimmedByArchiver } = this.settings;
    const args: (string | number | Buffer)[] = [group, consumer, maxLen, maxAgeMs, seenTtlSeconds, ranges.size, keyIndex(this.keys.dead), fillsTrimmedByArchiver ? keyIndex(this.keys.fills) : 0];
    for (const [source, range] of ranges) {
      // The range may also hold this consumer's deferred entries: leave room for them. 0: no check.
      args.push(keyIndex(source), range.first, range.last, range.check ? range.count + 10_000 : 0);
    }
    // Consecutive items mostly share source and destination: skip hashing the same long key.
    // Entries are written straight into the msgpack argument (no per-entry arrays).
    let lastSource = '';
    let lastSourceIndex = 0;
    let lastDest = '';
    let lastDestIndex = 0;
    const w = this.writer.reset();
    // One flat array (publish-lua.ts): 5 items per entry plus its fields.
    let length = 0;
    for (const item of items) length += 5 + fieldCount(item.fields);
    w.arrayHeader(length);
    for (const item of items) {
      if (item.source !== lastSource) [lastSource, lastSourceIndex] = [item.source, keyIndex(item.source)];
      let destIndex = 0;
      if (item.dest !== undefined) {
        if (item.dest !== lastDest) [lastDest, lastDestIndex] = [item.dest, keyIndex(item.dest)];
        destIndex = lastDestIndex;
      }
      w.uint(lastSourceIndex);
      w.str(item.id);
      w.uint(item.eventId === undefined ? 0 : keyIndex(this.keys.seen(item.eventId)));
      w.uint(destIndex);
      writeFields(w, item.fields);
    }
    args.push(w.finish());
    return { keys, args };
  }
}

/** How many items (names and values) `fields` writes. */
function fieldCount(fields: PublishItem['fields']): number {
  if (fields === undefined) return 0;
  if (Array.isArray(fields)) return fields.length;
  let count = 0;
  for (const _ in fields as Readonly<Record<string, string>>) count += 2;
  return count;
}

/** Writes the item count, then the items. */
function writeFields(w: PackWriter, fields: PublishItem['fields']): void {
  w.uint(fieldCount(fields));
  if (fields === undefined) return;
  if (Array.isArray(fields)) {
    for (const f of fields as readonly (string | Buffer)[]) {
      if (typeof f === 'string') w.str(f);
      else w.bytes(f);
    }
    return;
  }
  const record = fields as Readonly<Record<string, string>>;
  for (const name in record) {
    w.str(name);
    w.str(record[name]!);
  }
}
