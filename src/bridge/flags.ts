/**
 * Feature flags and the halt switch, shared with the node-side actor (python/, another helper):
 *
 * | key                              | values                       | default  |
 * |----------------------------------|------------------------------|----------|
 * | features:nautilus_engine         | 0, 1                         | 0        |
 * | features:nautilus_shadow_exec    | 0, 1                         | 0        |
 * | features:nautilus_live_exec      | 0, 1                         | 0        |
 * | mode                             | active, reducing, halt       | active   |
 *
 * `mode` maps onto NautilusTrader's TradingState (ACTIVE, REDUCING, HALTED); the actor applies
 * it and acknowledges on `nautilus:mode:acks` (fields mode, state, trader_id, ts_ns).
 * Every change is appended to `audit:flags` with fields flag, old, new, who, ts_ns, in the same
 * script as the SET, so there is no change without its audit entry. Setting the current value
 * again changes nothing and writes no audit entry.
 */
import type { Redis } from 'ioredis';
import { LuaScript } from '../coordination/lua-script.js';
import type { BridgeKeys } from './keys.js';
import { type StreamEntry, fieldsOf } from './stream-read.js';

export const FEATURE_FLAGS = ['features:nautilus_engine', 'features:nautilus_shadow_exec', 'features:nautilus_live_exec'] as const;
export const MODE_FLAG = 'mode';
export const FLAG_NAMES = [...FEATURE_FLAGS, MODE_FLAG] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
export const MODES = ['active', 'reducing', 'halt'] as const;
export type Mode = (typeof MODES)[number];

export const FLAG_DEFAULTS: Readonly<Record<FlagName, string>> = {
  'features:nautilus_engine': '0',
  'features:nautilus_shadow_exec': '0',
  'features:nautilus_live_exec': '0',
  mode: 'active',
};

export class FlagError extends Error {
  override name = 'FlagError';
}

export function isFlagName(name: string): name is FlagName {
  return (FLAG_NAMES as readonly string[]).includes(name);
}

/**
 * Returns the value to store for `name`: 0/1 for features (true/false, on/off accepted),
 * lower-case active/reducing/halt for mode. Throws FlagError naming the allowed values.
 */
export function validateFlag(name: string, value: string): string {
  if (!isFlagName(name)) throw new FlagError(`unknown flag "${name}"; flags are ${FLAG_NAMES.join(', ')}`);
  const text = value.trim().toLowerCase();
  if (name === MODE_FLAG) {
    if (!(MODES as readonly string[]).includes(text)) throw new FlagError(`mode must be one of ${MODES.join(', ')}, was "${value}"`);
    return text;
  }
  if (['1', 'true', 'on'].includes(text)) return '1';
  if (['0', 'false', 'off'].includes(text)) return '0';
  throw new FlagError(`${name} must be 0 or 1, was "${value}"`);
}

/**
 * set-flag (2 keys)
 *   KEYS[1] the flag key   KEYS[2] audit:flags
 *   ARGV[1] flag name      ARGV[2] new value   ARGV[3] who
 * Returns {old value or '', audit entry id or ''} ('' id: the value was already set).
 */
const SET_FLAG = new LuaScript(
  'set flag',
  2,
  `
local old = redis.call('GET', KEYS[1]) or ''
if old == ARGV[2] then return {old, ''} end
redis.call('SET', KEYS[1], ARGV[2])
local t = redis.call('TIME')
local ts = t[1] .. string.format('%06d', tonumber(t[2])) .. '000'
local id = redis.call('XADD', KEYS[2], '*', 'flag', ARGV[1], 'old', old, 'new', ARGV[2], 'who', ARGV[3], 'ts_ns', ts)
return {old, id}
`,
);

export interface FlagChange {
  readonly flag: FlagName;
  /** '' when the key did not exist (the default applied). */
  readonly old: string;
  readonly new: string;
  /** The audit entry id, or undefined when nothing changed. */
  readonly auditId?: string;
}

/** Validates and sets a flag, appending the change to the audit stream atomically. */
export async function setFlag(client: Redis, keys: BridgeKeys, name: string, value: string, who: string): Promise<FlagChange> {
  const stored = validateFlag(name, value);
  if (who.trim() === '') throw new FlagError('who must name the person or tool making the change');
  const [old, id] = (await SET_FLAG.run(client, [keys.flag(name), keys.flagAudit], [name, stored, who])) as [string, string];
  return { flag: name as FlagName, old, new: stored, ...(id ? { auditId: id } : {}) };
}

export interface FlagValue {
  readonly flag: FlagName;
  readonly value: string;
  /** True when the key is not set and `value` is the default. */
  readonly isDefault: boolean;
}

export async function getFlags(client: Redis, keys: BridgeKeys): Promise<FlagValue[]> {
  const values = await client.mget(...FLAG_NAMES.map((name) => keys.flag(name)));
  return FLAG_NAMES.map((flag, i) => {
    const value = values[i];
    return value === null || value === undefined ? { flag, value: FLAG_DEFAULTS[flag], isDefault: true } : { flag, value, isDefault: false };
  });
}

type AuditEntry = StreamEntry;

/** The last `count` entries of a stream (audit:flags, nautilus:mode:acks), oldest first. */
export async function lastEntries(client: Redis, stream: string, count: number): Promise<AuditEntry[]> {
  const entries = await client.xrevrange(stream, '+', '-', 'COUNT', count);
  return entries.reverse().map(([id, flat]) => ({ id, fields: fieldsOf(flat) }));
}
