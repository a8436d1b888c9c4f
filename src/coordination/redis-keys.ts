/**
 * Every Redis key the coordinator reads or writes, built in one place (like BullMQ's
 * QueueKeys). Tests pass a unique prefix so they never see each other's keys.
 *
 *   {prefix}:rl:{limiter}             hash {tokens, ts}: a shared token bucket; expires when full again
 *   {prefix}:rl:{limiter}:cooldown    string (reason), PX: every process waits until it expires
 *   {prefix}:lease:{leaseKey}         hash {token, owner}, PX ttl: who fetches a range now
 *   {prefix}:done:{leaseKey}          hash {token, owner}, PX: the range was fetched and stored
 *   {prefix}:fence:{leaseKey}         string: the highest fencing token that committed to storage
 *   {prefix}:lease-token              integer: the fencing-token counter (INCR)
 *
 * The limiter name is escaped (key-part.ts), so a limiter called `x:cooldown` cannot collide
 * with the cooldown key of `x`. Lease keys are escaped already (lease-key.ts).
 */
import { escapeKeyPart } from './key-part.js';

export const DEFAULT_KEY_PREFIX = 'seamless';

export class CoordinationKeys {
  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {}

  bucket(limiter: string): string {
    return `${this.prefix}:rl:${escapeKeyPart(limiter)}`;
  }

  cooldown(limiter: string): string {
    return `${this.bucket(limiter)}:cooldown`;
  }

  lease(leaseKey: string): string {
    return `${this.prefix}:lease:${leaseKey}`;
  }

  done(leaseKey: string): string {
    return `${this.prefix}:done:${leaseKey}`;
  }

  fence(leaseKey: string): string {
    return `${this.prefix}:fence:${leaseKey}`;
  }

  fencingCounter(): string {
    return `${this.prefix}:lease-token`;
  }
}
