/**
 * Copies exec:fills into the hash-chained archive (fill-archive.ts), as its own consumer group
 * (`seamless-archive`) on exec:fills: every fill the bridge publishes is archived once, also
 * when several bridge processes run (they chain onto one head; a 'conflict' means another
 * appended first, so re-read the head and chain again).
 */
import type { Redis } from 'ioredis';
import { appendToArchive, archiveHead, type SourceFill } from './fill-archive.js';
import { ARCHIVE_GROUP, type BridgeKeys } from './keys.js';
import { fieldsOf } from './stream-read.js';

type XReadReply = [string, [string, string[]][]][] | null;

export class FillArchiver {
  private groupReady = false;

  constructor(
    private readonly client: Redis,
    private readonly keys: BridgeKeys,
    private readonly consumer: string,
    private readonly settings: { readonly batchSize: number; readonly claimMinIdleMs: number; readonly maxLen: number; readonly maxAgeMs: number },
  ) {}

  /**
   * Archives what is waiting: this consumer's pending fills first, then fills re-claimed from
   * dead archivers, then new ones. Returns how many were appended.
   */
  async step(): Promise<number> {
    await this.ensureGroup();
    let appended = 0;
    appended += await this.archive(await this.read('0'));
    const claimed = (await this.client.xautoclaim(this.keys.fills, ARCHIVE_GROUP, this.consumer, this.settings.claimMinIdleMs, '0-0', 'COUNT', this.settings.batchSize)) as [string, [string, string[] | null][]];
    appended += await this.archive(claimed[1].filter((e): e is [string, string[]] => e[1] !== null).map(toFill));
    for (;;) {
      const fresh = await this.read('>');
      appended += await this.archive(fresh);
      if (fresh.length < this.settings.batchSize) break;
    }
    return appended;
  }

  /** After NOGROUP (Redis lost its data): create the group again on the next step. */
  forgetGroup(): void {
    this.groupReady = false;
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.client.xgroup('CREATE', this.keys.fills, ARCHIVE_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    this.groupReady = true;
  }

  private async read(from: '0' | '>'): Promise<SourceFill[]> {
    const reply = (await this.client.xreadgroup('GROUP', ARCHIVE_GROUP, this.consumer, 'COUNT', this.settings.batchSize, 'STREAMS', this.keys.fills, from)) as XReadReply;
    return (reply?.[0]?.[1] ?? []).filter((e) => e[1] !== null).map(toFill);
  }

  private async archive(fills: SourceFill[]): Promise<number> {
    let batch = fills;
    for (let attempt = 0; batch.length > 0 && attempt < 20; attempt++) {
      const head = await archiveHead(this.client, this.keys);
      const outcome = await appendToArchive(this.client, this.keys, { group: ARCHIVE_GROUP, consumer: this.consumer, maxLen: this.settings.maxLen, maxAgeMs: this.settings.maxAgeMs }, head, batch);
      if (outcome.kind === 'ok') return outcome.appended;
      // Another archiver claimed one of these: it archives that one; we archive the rest.
      if (outcome.kind === 'not-mine') batch = batch.filter((fill) => fill.id !== outcome.id);
    }
    return 0; // still contended: the entries stay pending and are retried on the next step
  }
}

function toFill([id, flat]: [string, string[]]): SourceFill {
  return { id, fields: fieldsOf(flat) };
}
