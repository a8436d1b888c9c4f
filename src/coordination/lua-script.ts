/**
 * One Lua script, run with EVALSHA and, when the server does not know it yet (first use, or
 * after a restart or SCRIPT FLUSH), with EVAL, which also caches it. Every call first makes
 * sure the connection is ready and maps failures to SEAMLESS_COORDINATOR_DOWN
 * (redis-connection.ts), so callers see one error for "Redis is not there".
 *
 * A script runs atomically: no other command runs between its reads and writes, which is what
 * makes the token bucket and the lease claim safe across processes.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ensureReady, toCoordinatorError } from './redis-connection.js';

export type ScriptArg = string | number;

export class LuaScript {
  readonly sha: string;

  /** `name` reads like a verb phrase (`take tokens`); it appears in error messages. */
  constructor(
    readonly name: string,
    readonly numberOfKeys: number,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script and returns its reply.
   * Throws SEAMLESS_COORDINATOR_DOWN when Redis cannot be reached; other reply errors as they are.
   */
  async run(client: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new TypeError(`script "${this.name}" takes ${this.numberOfKeys} keys, was given ${keys.length}`);
    }
    const action = `${this.name} (${keys[0] ?? 'no key'})`;
    await ensureReady(client, action);
    try {
      return await client.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw toCoordinatorError(error, client, action);
    }
    try {
      return await client.eval(this.source, this.numberOfKeys, ...keys, ...args);
    } catch (error) {
      throw toCoordinatorError(error, client, action);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
