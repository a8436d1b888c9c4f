/**
 * One held backfill lease: the right to fetch and store one range until `expiresAt`, proven by
 * a fencing `token` that grows with every claim of the key.
 *
 * While held, a heartbeat renews it every ttl/3 (the Python coordinator had none, so long
 * backfills outlived their lease and a second worker fetched the same range). A watchdog marks
 * the lease lost when `expiresAt` passes without a successful renewal, whatever the reason
 * (paused process, Redis down, heartbeat stopped); `signal` then aborts with
 * SEAMLESS_LEASE_LOST, so the backfill stops. Renewal answers "not yours" lose it at once.
 *
 * `expiresAt` is conservative: it counts from when the claim or renewal was sent, which is
 * before Redis started the key's ttl.
 *
 * Right before writing to storage, call `assertHeld()`; see storage-fence.ts for closing the
 * gap between that check and the write.
 */
import { SeamlessError } from '../seamless/errors.js';
import { LEASE_CODE, leaseLostError } from './lease-lua.js';

/** The coordinator's script calls a lease makes; each returns a LEASE_CODE. */
export interface LeaseOperations {
  renew(key: string, token: bigint, ttlMs: number): Promise<number>;
  check(key: string, token: bigint): Promise<number>;
  release(key: string, token: bigint): Promise<number>;
  complete(key: string, token: bigint): Promise<number>;
}

export type LeaseState = 'held' | 'lost' | 'released' | 'completed';

export class Lease {
  private state: LeaseState = 'held';
  private expiresAtMs: number;
  private readonly controller = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private renewing = false;
  private lastRenewError: unknown;
  private lostError: SeamlessError | undefined;

  /** Leases come from LeaseCoordinator.claim; `sentAt` is when the claim was sent (ms epoch). */
  constructor(
    readonly key: string,
    readonly token: bigint,
    readonly owner: string,
    readonly ttlMs: number,
    sentAt: number,
    private readonly operations: LeaseOperations,
  ) {
    this.expiresAtMs = sentAt + ttlMs;
    this.armWatchdog();
  }

  /** Epoch ms after which this process no longer counts on the lease. */
  get expiresAt(): number {
    return this.expiresAtMs;
  }

  /** Aborts with SEAMLESS_LEASE_LOST when the lease is lost; pass it to the fetch and the write. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get status(): LeaseState {
    return this.state;
  }

  /** Renews every ttl/3 until released, completed or lost. Idempotent. */
  startHeartbeat(): void {
    if (this.heartbeat !== undefined || this.state !== 'held') return;
    this.heartbeat = setInterval(() => this.beat(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.heartbeat.unref(); // a forgotten lease must not keep the process alive
  }

  /** Stops renewing; the lease is then lost when `expiresAt` passes. */
  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * Extends the lease to ttl from now, only while Redis still holds it with this token.
   * Throws SEAMLESS_LEASE_LOST (and the lease is lost), SEAMLESS_COORDINATOR_DOWN.
   */
  async renew(): Promise<void> {
    this.throwUnlessHeld('renew');
    const sentAt = Date.now();
    let code: number;
    try {
      code = await this.operations.renew(this.key, this.token, this.ttlMs);
    } catch (error) {
      this.lastRenewError = error;
      throw error;
    }
    if (code !== LEASE_CODE.OK) throw this.lose(leaseLostError(code, 'renew', this.key, this.token));
    if (this.state !== 'held') {
      // The watchdog fired while we waited, and lost stays lost; free the key we just renewed.
      this.operations.release(this.key, this.token).catch(() => {});
      this.throwUnlessHeld('renew');
    }
    this.expiresAtMs = sentAt + this.ttlMs;
    this.lastRenewError = undefined;
    this.armWatchdog();
  }

  /**
   * Resolves when Redis holds the lease with this token right now; call it just before a
   * storage commit. Throws SEAMLESS_LEASE_LOST (the lease is lost), SEAMLESS_COORDINATOR_DOWN
   * (not known to be held: do not write either).
   */
  async assertHeld(): Promise<void> {
    this.throwUnlessHeld('write');
    const code = await this.operations.check(this.key, this.token);
    if (code !== LEASE_CODE.OK) throw this.lose(leaseLostError(code, 'write', this.key, this.token));
  }

  /**
   * Gives the lease up without marking the range done (e.g. the fetch failed), so another
   * worker can claim it at once. Returns true when Redis held it with this token and deleted
   * it, false when it no longer did (nothing changes then). Throws SEAMLESS_COORDINATOR_DOWN
   * (the lease then simply expires after its ttl).
   */
  async release(): Promise<boolean> {
    if (this.state === 'released' || this.state === 'completed') return false;
    if (this.state === 'held') this.state = 'released';
    this.stopTimers();
    return (await this.operations.release(this.key, this.token)) === LEASE_CODE.OK;
  }

  /**
   * Marks the range done (after its data is stored), so workers that come later learn not to
   * fetch it, and drops the lease. Throws SEAMLESS_LEASE_LOST, SEAMLESS_COORDINATOR_DOWN (the
   * lease stays held and renewed; retry or release).
   */
  async complete(): Promise<void> {
    this.throwUnlessHeld('complete');
    const code = await this.operations.complete(this.key, this.token);
    if (code !== LEASE_CODE.OK) throw this.lose(leaseLostError(code, 'complete', this.key, this.token));
    this.state = 'completed';
    this.stopTimers();
  }

  private beat(): void {
    if (this.renewing) return; // the previous renewal is still waiting on Redis
    this.renewing = true;
    this.renew()
      .catch(() => {}) // "not yours" already lost the lease; an outage is left to the watchdog
      .finally(() => (this.renewing = false));
  }

  private throwUnlessHeld(action: string): void {
    if (this.state === 'held' && Date.now() >= this.expiresAtMs) this.lose(this.expiredError()); // timers run late after a pause
    if (this.state === 'held') return;
    throw this.lostError ?? new SeamlessError('SEAMLESS_LEASE_LOST', `cannot ${action}: lease ${this.key} with token ${this.token} was already ${this.state}`, { key: this.key, token: this.token });
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.lose(this.expiredError()), Math.max(0, this.expiresAtMs - Date.now()));
    this.watchdog.unref();
  }

  private expiredError(): SeamlessError {
    const last = this.lastRenewError instanceof Error ? `; the last renewal failed: ${this.lastRenewError.message}` : '';
    return new SeamlessError(
      'SEAMLESS_LEASE_LOST',
      `lease ${this.key} with token ${this.token} was not renewed within its ttl of ${this.ttlMs} ms${last}; another worker may own this range now, so stop and do not write it`,
      { key: this.key, token: this.token },
    );
  }

  /** Marks the lease lost (once) and aborts `signal`; returns the error to throw. */
  private lose(error: SeamlessError): SeamlessError {
    if (this.state !== 'held') return this.lostError ?? error;
    this.state = 'lost';
    this.lostError = error;
    this.stopTimers();
    this.controller.abort(error);
    return error;
  }

  private stopTimers(): void {
    this.stopHeartbeat();
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }
}
