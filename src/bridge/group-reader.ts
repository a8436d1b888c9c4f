/**
 * The consumer-group side of the bridge: creating groups, reading new entries, reading this
 * consumer's own pending entries, and re-claiming entries of consumers that died (XAUTOCLAIM).
 *
 * Reads use a dedicated connection because XREADGROUP BLOCK holds it for up to `blockMs`.
 * Entries come back as Buffers so payload bytes are never re-encoded.
 */
import type { Redis } from 'ioredis';

export interface RawEntry {
  readonly stream: string;
  readonly id: string;
  readonly fields: readonly Buffer[];
  /** performance.now() just before the XREADGROUP `>` that delivered it; absent for re-claimed or re-read entries. */
  readonly readAt?: number;
}

type XReadReply = [Buffer, [Buffer, Buffer[] | null][]][] | null;

export class GroupReader {
  private readonly ready = new Set<string>();
  private lostGroups = false;

  constructor(
    /** Blocking reads only. */
    private readonly reader: Redis,
    /** Everything else. */
    private readonly client: Redis,
    readonly group: string,
    readonly consumer: string,
    /** Where a new group starts: '0' (everything still in the stream) or '$' (only new). */
    private readonly startId: string,
  ) {}

  /** Creates the group on streams that do not have it yet; returns how many were created. */
  async ensureGroups(keys: readonly string[]): Promise<number> {
    let created = 0;
    for (const key of keys) {
      if (this.ready.has(key)) continue;
      try {
        // After Redis lost its data everything in the stream is new to us: start at 0 then.
        await this.client.xgroup('CREATE', key, this.group, this.lostGroups ? '0' : this.startId, 'MKSTREAM');
        created++;
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
      }
      this.ready.add(key);
    }
    return created;
  }

  /** Forgets which groups exist (after NOGROUP: Redis lost its data), so the next ensureGroups recreates them. */
  forgetGroups(): void {
    this.ready.clear();
    this.lostGroups = true;
  }

  /** New entries for this consumer (`>`), at most `count` per stream, waiting up to `blockMs`. */
  async readNew(keys: readonly string[], count: number, blockMs: number): Promise<RawEntry[]> {
    const readAt = performance.now();
    const reply = (await this.reader.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', ...keys, ...keys.map(() => '>'))) as XReadReply;
    return flatten(reply, readAt);
  }

  /** This consumer's own pending entries of one stream after `afterId` (after a restart under the same name). */
  async readOwnPending(key: string, afterId: string, count: number): Promise<RawEntry[]> {
    const reply = (await this.client.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', count, 'STREAMS', key, afterId)) as XReadReply;
    return flatten(reply);
  }

  /**
   * Takes over entries pending longer than `minIdleMs` for any consumer of the group (a dead
   * one, typically), up to `count` per call. Returns the entries and the cursor to continue
   * from ('0-0' when the scan is done).
   */
  async claimIdle(key: string, minIdleMs: number, cursor: string, count: number): Promise<{ cursor: string; entries: RawEntry[] }> {
    const reply = (await this.client.callBuffer('XAUTOCLAIM', key, this.group, this.consumer, minIdleMs, cursor, 'COUNT', count)) as [Buffer, [Buffer, Buffer[] | null][], Buffer[]?];
    const entries: RawEntry[] = [];
    for (const [id, fields] of reply[1]) if (fields) entries.push({ stream: key, id: id.toString(), fields });
    return { cursor: reply[0].toString(), entries };
  }

  /** Total pending entries of the group over `keys` (XPENDING summary, one pipeline). */
  async pendingCount(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const pipeline = this.client.pipeline();
    for (const key of keys) pipeline.xpending(key, this.group);
    let total = 0;
    for (const [error, summary] of (await pipeline.exec()) ?? []) {
      if (error) {
        if (error.message.startsWith('NOGROUP')) continue;
        throw error;
      }
      total += Number((summary as [number, ...unknown[]])[0] ?? 0);
    }
    return total;
  }

  /** Removes consumers of the group that hold nothing and have been idle for `idleMs` (not this one). */
  async pruneIdleConsumers(key: string, idleMs: number): Promise<number> {
    const consumers = (await this.client.xinfo('CONSUMERS', key, this.group)) as unknown[][];
    let removed = 0;
    for (const info of consumers) {
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
      const name = String(fields.get('name'));
      if (name !== this.consumer && Number(fields.get('pending')) === 0 && Number(fields.get('idle')) > idleMs) {
        await this.client.xgroup('DELCONSUMER', key, this.group, name);
        removed++;
      }
    }
    return removed;
  }
}

function flatten(reply: XReadReply, readAt?: number): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const [key, items] of reply ?? []) {
    const stream = key.toString();
    for (const [id, fields] of items) if (fields) entries.push(readAt === undefined ? { stream, id: id.toString(), fields } : { stream, id: id.toString(), fields, readAt });
  }
  return entries;
}
