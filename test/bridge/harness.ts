/** Running the bridge in-process against a test redis-server, and reading what it wrote. */
import { Redis } from 'ioredis';
import { BridgeDaemon, type BridgeHooks, type BridgeSettings } from '../../src/bridge/bridge-daemon.js';
import { type StreamEntry, fieldsOf } from '../../src/bridge/stream-read.js';

export interface RunningBridge {
  readonly daemon: BridgeDaemon;
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts a daemon with quick timers (tests must not wait seconds for a scan). */
export function startBridge(settings: Partial<BridgeSettings> & { redisUrl: string }, hooks: BridgeHooks = {}): RunningBridge {
  const logs: Record<string, unknown>[] = [];
  const daemon = new BridgeDaemon({ scanIntervalMs: 100, claimIntervalMs: 200, blockMs: 50, flagsIntervalMs: 200, ...settings }, { log: (e) => logs.push({ ...e }), ...hooks });
  const stop = new AbortController();
  const done = daemon.run(stop.signal);
  return {
    daemon,
    logs,
    async stop() {
      stop.abort();
      await done;
      await daemon.close();
    },
  };
}


export async function readStream(client: Redis, key: string): Promise<StreamEntry[]> {
  const entries = await client.xrange(key, '-', '+');
  return entries.map(([id, flat]) => ({ id, fields: fieldsOf(flat) }));
}

export { waitFor } from '../helpers/wait-for.js';

/** Waits until the group has no pending entries and nothing is left to deliver on `keys`. */
export async function drained(client: Redis, group: string, keys: readonly string[]): Promise<boolean> {
  for (const key of keys) {
    const info = await groupInfo(client, key, group);
    if (!info) return false;
    const length = await client.xlen(key);
    if (Number(info['pending']) !== 0) return false;
    const last = (await client.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0];
    if (length > 0 && info['last-delivered-id'] !== last) return false;
  }
  return true;
}

/** XINFO GROUPS of `key` for `group` as a record (pending, last-delivered-id, …); undefined when there is none. */
export async function groupInfo(client: Redis, key: string, group: string): Promise<Record<string, unknown> | undefined> {
  const groups = (await client.xinfo('GROUPS', key).catch(() => [])) as unknown[][];
  return groups.map((g) => Object.fromEntries(chunk(g))).find((g) => g['name'] === group);
}

function chunk(list: unknown[]): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([String(list[i]), list[i + 1]]);
  return pairs;
}

export function client(url: string): Redis {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
}
