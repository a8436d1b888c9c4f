/**
 * Remembers what OrderInitialized said about each order (side, quantity, time in force, type,
 * price), because OrderAccepted does not repeat it. Two levels:
 * - in this process: a Map bounded to `maxEntries`, oldest dropped first;
 * - in Redis: hash `bridge:order:<client_order_id>` with a TTL, so another bridge process, or
 *   this one after a restart, still completes the OrderAccepted of an order it did not see
 *   initialized.
 * The Redis write goes into the same pipeline as the publish of the OrderInitialized entry,
 * before the script: once that entry is acknowledged the record is stored.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { ORDER_INIT_FIELDS, type OrderInit } from './domain-record.js';
import type { BridgeKeys } from './keys.js';

export class OrderInitCache {
  private readonly local = new Map<string, OrderInit>();

  constructor(
    private readonly client: Redis,
    private readonly keys: BridgeKeys,
    private readonly settings: { readonly maxEntries: number; readonly ttlSeconds: number },
  ) {}

  /** Stores in this process (later entries of the same batch find it at once). */
  note(clientOrderId: string, init: OrderInit): void {
    this.keep(clientOrderId, init);
  }

  /** Adds the Redis write of a record to `pipeline`. */
  persist(pipeline: ChainableCommander, clientOrderId: string, init: OrderInit): void {
    const key = this.keys.orderInit(clientOrderId);
    pipeline.hset(key, init as unknown as Record<string, string>);
    pipeline.expire(key, this.settings.ttlSeconds);
  }

  /** Records seen in this process, without a round trip. */
  peek(clientOrderId: string): OrderInit | undefined {
    return this.local.get(clientOrderId);
  }

  /** Looks up ids this process has not seen, in Redis (one pipeline); returns the ones found. */
  async fetch(clientOrderIds: Iterable<string>): Promise<Map<string, OrderInit>> {
    const found = new Map<string, OrderInit>();
    const missing: string[] = [];
    for (const id of new Set(clientOrderIds)) {
      const known = this.local.get(id);
      if (known) found.set(id, known);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const pipeline = this.client.pipeline();
    for (const id of missing) pipeline.hmget(this.keys.orderInit(id), ...ORDER_INIT_FIELDS);
    const results = (await pipeline.exec()) ?? [];
    missing.forEach((id, i) => {
      const [error, values] = results[i] ?? [new Error('no reply')];
      if (error) throw error;
      const list = values as (string | null)[];
      if (list[0] === null || list[0] === undefined) return; // never initialized here (yet)
      const init = Object.fromEntries(ORDER_INIT_FIELDS.map((name, j) => [name, list[j] ?? ''])) as unknown as OrderInit;
      this.keep(id, init);
      found.set(id, init);
    });
    return found;
  }

  private keep(clientOrderId: string, init: OrderInit): void {
    this.local.delete(clientOrderId); // re-insert: Map order is our recency order
    this.local.set(clientOrderId, init);
    if (this.local.size > this.settings.maxEntries) this.local.delete(this.local.keys().next().value!);
  }
}
