/**
 * What each real-node test file needs: a throwaway redis-server, a client on it and a temp
 * folder, made in `before` and removed in `after`. Read them through the returned object.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';

export interface RedisAndFolder {
  readonly server: RedisServer;
  readonly redis: Redis;
  readonly dir: string;
}

export function useRedisAndFolder(folderPrefix: string): RedisAndFolder {
  let env: RedisAndFolder | undefined;
  before(async () => {
    const server = await startRedis();
    env = { server, redis: new Redis(server.url), dir: await mkdtemp(join(tmpdir(), folderPrefix)) };
  });
  after(async () => {
    if (!env) return;
    env.redis.disconnect();
    await env.server.stop();
    await rm(env.dir, { recursive: true, force: true });
  });
  const ready = (): RedisAndFolder => {
    if (!env) throw new Error('useRedisAndFolder: used outside a test (before() has not run)');
    return env;
  };
  return {
    get server() {
      return ready().server;
    },
    get redis() {
      return ready().redis;
    },
    get dir() {
      return ready().dir;
    },
  };
}
