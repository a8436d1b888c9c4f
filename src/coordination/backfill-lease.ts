/**
 * Backfill leases in Redis: "many workers, one fetch per range".
 *
 *   const key = leaseKey(nodeId, chunk.start, chunk.end);
 *   const outcome = await leases.tryClaim(key, 30_000);
 *   switch (outcome.kind) {
 *     case 'claimed':  fetch with outcome.lease.signal; before each storage commit
 *                      `await outcome.lease.assertHeld()` (and StorageFence.commitFenced);
 *                      then `await outcome.lease.complete()`; on failure `release()`.
 *     case 'held':     another worker is fetching: poll `status(key)` until 'done' (read
 *                      from storage) or 'free' (claim again: that worker gave up or died).
 *     case 'done':     another worker stored it: read from storage.
 *   }
 *
 * The done marker lives `doneTtlMs` (default 1 h): long enough for the workers waiting on a
 * range to see it, while storage and the coverage ledger stay the lasting record. When storage
 * lost data a marker says is there, `clearDone(key)` lets the range be fetched again.
 *
 * An outage throws SEAMLESS_COORDINATOR_DOWN from every method, never "held": the Python
 * coordinator returned None on transport errors, and callers skipped the backfill believing
 * another worker had it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { SeamlessError } from '../seamless/errors.js';
import { Lease, type LeaseOperations } from './lease.js';
import { CHECK_LEASE, CLAIM_LEASE, COMPLETE_LEASE, LEASE_CODE, LEASE_STATUS, RELEASE_LEASE, RENEW_LEASE } from './lease-lua.js';
import { runCommand } from './redis-connection.js';
import { CoordinationKeys, DEFAULT_KEY_PREFIX } from './redis-keys.js';

export interface LeaseCoordinatorOptions {
  /** Who claims, for logs and `status` (default `{hostname}/{pid}/{random}`). */
  readonly owner?: string;
  /** Key prefix (default `seamless`). */
  readonly prefix?: string;
  /** How long a done marker lives (default 1 h). */
  readonly doneTtlMs?: number;
  /** Start each claimed lease's heartbeat (default true). */
  readonly heartbeat?: boolean;
}

/** Another worker's live lease, or the done marker of a finished range. */
export interface OtherHolder {
  readonly token: bigint;
  readonly owner: string;
  /** Milliseconds until the lease (or done marker) expires. */
  readonly expiresInMs: number;
}

export type ClaimOutcome = { readonly kind: 'claimed'; readonly lease: Lease } | ({ readonly kind: 'held' | 'done' } & OtherHolder);

export type LeaseStatus = { readonly kind: 'free' } | ({ readonly kind: 'held' | 'done' } & OtherHolder);

const DEFAULT_DONE_TTL_MS = 60 * 60 * 1000;

export class LeaseCoordinator {
  readonly owner: string;
  private readonly keys: CoordinationKeys;
  private readonly doneTtlMs: number;
  private readonly heartbeat: boolean;
  private readonly operations: LeaseOperations;

  constructor(
    private readonly redis: Redis,
    options: LeaseCoordinatorOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.keys = new CoordinationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.doneTtlMs = checkMs('doneTtlMs', options.doneTtlMs ?? DEFAULT_DONE_TTL_MS);
    this.heartbeat = options.heartbeat ?? true;
    this.operations = {
      renew: (key, token, ttlMs) => this.code(RENEW_LEASE.run(redis, [this.keys.lease(key)], [String(token), ttlMs])),
      check: (key, token) => this.code(CHECK_LEASE.run(redis, [this.keys.lease(key)], [String(token)])),
      release: (key, token) => this.code(RELEASE_LEASE.run(redis, [this.keys.lease(key)], [String(token)])),
      complete: (key, token) => this.code(COMPLETE_LEASE.run(redis, [this.keys.lease(key), this.keys.done(key)], [String(token), this.doneTtlMs])),
    };
  }

  /**
   * Returns the lease of `key` for `ttlMs`, or undefined when another live holder has it or
   * the range is done (tryClaim tells which). Throws SEAMLESS_COORDINATOR_DOWN, never undefined,
   * when Redis cannot be reached; SEAMLESS_BAD_CONFIG for a ttl that is not a positive integer.
   */
  async claim(key: string, ttlMs: number): Promise<Lease | undefined> {
    const outcome = await this.tryClaim(key, ttlMs);
    return outcome.kind === 'claimed' ? outcome.lease : undefined;
  }

  /** Claims `key` like `claim`, and says who has it when that fails. */
  async tryClaim(key: string, ttlMs: number): Promise<ClaimOutcome> {
    checkMs('ttlMs', ttlMs);
    const sentAt = Date.now();
    const reply = await CLAIM_LEASE.run(this.redis, [this.keys.lease(key), this.keys.fencingCounter(), this.keys.done(key)], [this.owner, ttlMs]);
    const fields = expectArray(reply, CLAIM_LEASE.name);
    const [code, token, owner] = fields;
    if (code !== LEASE_CODE.OK) return other(code, fields);
    const lease = new Lease(key, BigInt(String(token)), String(owner), ttlMs, sentAt, this.operations);
    if (this.heartbeat) lease.startHeartbeat();
    return { kind: 'claimed', lease };
  }

  /** Returns whether `key` is free, held (by whom) or done. Throws SEAMLESS_COORDINATOR_DOWN. */
  async status(key: string): Promise<LeaseStatus> {
    const fields = expectArray(await LEASE_STATUS.run(this.redis, [this.keys.lease(key), this.keys.done(key)], []), LEASE_STATUS.name);
    return fields[0] === LEASE_CODE.OK ? { kind: 'free' } : other(fields[0], fields);
  }

  /**
   * Returns true when Redis holds `key` with `token` right now (Lease.assertHeld throws
   * instead). Throws SEAMLESS_COORDINATOR_DOWN.
   */
  async checkFence(key: string, token: bigint): Promise<boolean> {
    return (await this.operations.check(key, token)) === LEASE_CODE.OK;
  }

  /** Deletes the done marker of `key`, so the range can be claimed again. Returns whether there was one. */
  async clearDone(key: string): Promise<boolean> {
    const doneKey = this.keys.done(key);
    return (await runCommand(this.redis, `clear done marker (${doneKey})`, () => this.redis.del(doneKey))) === 1;
  }

  private async code(reply: Promise<unknown>): Promise<number> {
    const code = await reply;
    if (typeof code !== 'number') throw new TypeError(`a lease script replied ${String(code)}, expected a number`);
    return code;
  }
}

function other(code: unknown, reply: unknown[]): { kind: 'held' | 'done' } & OtherHolder {
  const [, token, owner, pttl] = reply;
  if (code !== LEASE_CODE.HELD && code !== LEASE_CODE.DONE) throw new TypeError(`a lease script replied code ${String(code)}`);
  return { kind: code === LEASE_CODE.HELD ? 'held' : 'done', token: BigInt(String(token)), owner: String(owner), expiresInMs: Math.max(0, Number(pttl)) };
}

function expectArray(reply: unknown, script: string): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`script "${script}" replied ${String(reply)}, expected an array`);
  return reply;
}

function checkMs(field: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `lease coordinator: ${field} must be a positive whole number of milliseconds, was ${value}`, { field });
  }
  return value;
}
