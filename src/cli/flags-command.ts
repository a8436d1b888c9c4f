/**
 * `seamless flags get|set|audit`: the feature flags and the halt switch (`mode`) in Redis,
 * every change audited on `audit:flags` (src/bridge/flags.ts).
 */
import { userInfo, hostname } from 'node:os';
import { FLAG_NAMES, FlagError, getFlags, isFlagName, lastEntries, setFlag } from '../bridge/flags.js';
import { BridgeKeys } from '../bridge/keys.js';
import { closeCoordinatorRedis } from '../coordination/redis-connection.js';
import { UsageError, intFlag, parseVerbArgs, positional } from './args.js';
import { openRedis, redisUrlFlag } from './bridge-command.js';
import { type Output, printTable } from './output.js';

export const FLAGS_USAGE = `flags (feature flags and the halt switch in Redis; docs/bridge.md):
  seamless flags get [NAME] --redis URL
  seamless flags set NAME VALUE --redis URL [--who NAME]
  seamless flags audit --redis URL [--count N] [--acks]
  NAME is one of ${FLAG_NAMES.join(', ')}; features take 0|1, mode takes active|reducing|halt.`;

export async function runFlags(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    redis: { type: 'string' },
    prefix: { type: 'string' },
    who: { type: 'string' },
    count: { type: 'string' },
    acks: { type: 'boolean' },
  }, FLAGS_USAGE);
  if (positionals[0] === 'help') {
    out.write(`${FLAGS_USAGE}\n`);
    return 0;
  }
  const action = positional(positionals, 0, 'flags action (get, set or audit)');
  const keys = new BridgeKeys(values.prefix ?? '');
  if (action === 'set') {
    // Validate before connecting, so a typo fails without touching Redis.
    const name = positional(positionals, 1, 'flag NAME');
    const value = positional(positionals, 2, 'flag VALUE');
    const who = values.who ?? process.env['SEAMLESS_USER'] ?? `${userInfo().username}@${hostname()}`;
    const client = await openRedis(redisUrlFlag(values.redis));
    try {
      const change = await setFlag(client, keys, name, value, who);
      out.write(change.auditId ? `${change.flag}: ${change.old || '(unset)'} -> ${change.new} (audit ${change.auditId})\n` : `${change.flag}: already ${change.new}, nothing changed\n`);
      return 0;
    } catch (error) {
      if (error instanceof FlagError) throw new UsageError(error.message);
      throw error;
    } finally {
      await closeCoordinatorRedis(client);
    }
  }
  if (action === 'get') {
    const name = positionals[1];
    if (name !== undefined && !isFlagName(name)) throw new UsageError(`unknown flag "${name}"; flags are ${FLAG_NAMES.join(', ')}`);
    const client = await openRedis(redisUrlFlag(values.redis));
    try {
      const flags = (await getFlags(client, keys)).filter((f) => name === undefined || f.flag === name);
      if (name !== undefined) out.write(`${flags[0]!.value}\n`);
      else printTable(out, ['flag', 'value', 'source'], flags.map((f) => [f.flag, f.value, f.isDefault ? 'default' : 'redis']));
      return 0;
    } finally {
      await closeCoordinatorRedis(client);
    }
  }
  if (action === 'audit') {
    const count = intFlag('count', values.count, { min: 1, max: 100_000 }) ?? 20;
    const client = await openRedis(redisUrlFlag(values.redis));
    try {
      const stream = values.acks ? keys.modeAcks : keys.flagAudit;
      const entries = await lastEntries(client, stream, count);
      const columns = values.acks ? ['mode', 'state', 'trader_id', 'ts_ns'] : ['flag', 'old', 'new', 'who', 'ts_ns'];
      printTable(out, ['id', ...columns], entries.map((e) => [e.id, ...columns.map((c) => e.fields[c] ?? '')]));
      return 0;
    } finally {
      await closeCoordinatorRedis(client);
    }
  }
  throw new UsageError(`unknown flags action "${action}" (get, set or audit)`);
}
