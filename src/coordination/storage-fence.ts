/**
 * The storage side of fencing: per lease key, the highest fencing token that has committed.
 *
 * Why: `Lease.assertHeld()` checks the lease just before a write, but a worker can pause (GC,
 * swapped out, SIGSTOP) between that check and the write; meanwhile its lease expires, another
 * worker claims the range with a higher token and commits. The stale worker must then be
 * refused, which only a check at the commit point itself can do.
 *
 * How a storage writer uses it, for each chunk of a leased range:
 *   1. Write the data where readers do not see it yet (a temp file, a staging table, a
 *      transaction not yet committed), tagged with the lease token.
 *   2. `await fence.commitFenced(key, lease.token)`. It records the token as the highest that
 *      committed, or throws SEAMLESS_LEASE_LOST because a newer lease committed already.
 *   3. Only after it succeeds, publish (rename into place, COMMIT); after a refusal, discard
 *      the staged data and stop.
 * Equal tokens are accepted again, since one lease commits many chunks. A storage that can
 * keep the token itself and compare it in the same transaction as the write (a conditional
 * update) is stronger still; this fence serves stores that cannot.
 *
 * Fence keys expire after `ttlMs` (default 7 days). That stays safe after expiry because tokens
 * are raised to the Redis clock in µs at each claim (lease-lua.ts): any later claim outranks a
 * token issued before.
 */
import type { Redis } from 'ioredis';
import { SeamlessError } from '../seamless/errors.js';
import { COMMIT_FENCED, LEASE_CODE } from './lease-lua.js';
import { runCommand } from './redis-connection.js';
import { CoordinationKeys, DEFAULT_KEY_PREFIX } from './redis-keys.js';

export interface StorageFenceOptions {
  readonly prefix?: string;
  /** How long a fence key lives after its last commit (default 7 days). */
  readonly ttlMs?: number;
}

const DEFAULT_FENCE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class StorageFence {
  private readonly keys: CoordinationKeys;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    options: StorageFenceOptions = {},
  ) {
    this.keys = new CoordinationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.ttlMs = options.ttlMs ?? DEFAULT_FENCE_TTL_MS;
  }

  /**
   * Records `token` as committed for `key` unless a higher token committed before.
   * Throws SEAMLESS_LEASE_LOST when refused (discard the staged write), SEAMLESS_COORDINATOR_DOWN.
   */
  async commitFenced(key: string, token: bigint): Promise<void> {
    const reply = await COMMIT_FENCED.run(this.redis, [this.keys.fence(key)], [String(token), this.ttlMs]);
    if (!Array.isArray(reply)) throw new TypeError(`script "${COMMIT_FENCED.name}" replied ${String(reply)}, expected an array`);
    const [code, highest] = reply;
    if (code === LEASE_CODE.OK) return;
    throw new SeamlessError(
      'SEAMLESS_LEASE_LOST',
      `cannot commit range ${key} with token ${token}: token ${String(highest)} of a newer lease has committed it already; discard this write`,
      { key, token, highest: BigInt(String(highest)) },
    );
  }

  /** Returns the highest token committed for `key`, or undefined. Throws SEAMLESS_COORDINATOR_DOWN. */
  async highest(key: string): Promise<bigint | undefined> {
    const fenceKey = this.keys.fence(key);
    const value = await runCommand(this.redis, `read fence (${fenceKey})`, () => this.redis.get(fenceKey));
    return value === null ? undefined : BigInt(value);
  }
}
