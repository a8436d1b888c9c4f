/**
 * What each real-node test file needs: a throwaway redis-server, a client on it and a temp
 * folder, made in `before` and removed in `after`. Read them through the returned object.
 */
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { tempDir } from '../helpers/paths.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';

export interface RedisAndFolder {
  readonly server: RedisServer;
  readonly redis: Redis;
  readonly dir: string;
}

export function useRedisAndFolder(folderPrefix: string): RedisAndFolder {
  let env: RedisAndFolder | undefined;
  let removeDir: (() => Promise<void>) | undefined;
  before(async () => {
    const server = await startRedis();
    const dir = await tempDir(folderPrefix);
    removeDir = dir.remove;
    env = { server, redis: new Redis(server.url), dir: dir.path };
  });
  after(async () => {
    if (!env) return;
    env.redis.disconnect();
    await env.server.stop();
    await removeDir?.();
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
