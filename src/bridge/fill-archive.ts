/**
 * The fill archive: an append-only Redis stream `exec:fills:archive` whose entries are
 * hash-chained, so deleting, altering or re-ordering an entry is detectable.
 *
 *   entry  = every field of the exec:fills entry, plus source_id (its exec:fills id),
 *            prev_hash (the previous entry's hash; 64 zeros for the first) and hash
 *   hash   = sha256_hex(prev_hash + "\n" + canonical(entry without prev_hash and hash))
 *   canonical(fields) = JSON of [[name, value], …] sorted by name (code-unit order)
 *   head   = hash `exec:fills:archive:head` {hash, id, length}: the last entry, so removing
 *            entries from the end is detected too
 *
 * The archive is never trimmed (retention flags do not apply to it). Appends happen in
 * archive-append (Lua): it checks the head still is the hash the caller chained from (another
 * archiver may have appended meanwhile: 'conflict', the caller re-reads and retries), appends
 * the batch, moves the head and acknowledges the exec:fills entries, all atomically.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../coordination/lua-script.js';
import { GENESIS_HASH, type BridgeKeys } from './keys.js';
import { type StreamEntry, streamEntries } from './stream-read.js';

const CHAIN_FIELDS = new Set(['prev_hash', 'hash']);

/** The text that is hashed: fields sorted by name, as JSON pairs. */
export function canonicalEntry(fields: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(fields)
    .filter((name) => !CHAIN_FIELDS.has(name))
    .sort()
    .map((name) => [name, fields[name]]);
  return JSON.stringify(pairs);
}

export function chainHash(prevHash: string, fields: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalEntry(fields)}`).digest('hex');
}

/**
 * archive-append (3 keys)
 *   KEYS[1] archive stream   KEYS[2] head hash   KEYS[3] exec:fills (the source)
 *   ARGV[1] group  ARGV[2] consumer  ARGV[3] the head hash the batch chains from
 *   ARGV[4] first source id  ARGV[5] last source id  ARGV[6] entry count
 *   ARGV[7] MAXLEN ~ for exec:fills (0: none)   ARGV[8] max age in ms for exec:fills (0: none)
 *   then per entry: source id, n, n field/value items (prev_hash and hash included)
 * Returns {'ok', appended} | {'conflict', current head hash} | {'not-mine', source id}
 *
 * exec:fills is trimmed here, not by the publisher: never past a fill not yet archived. By age,
 * MINID ~ is capped at the archive group's oldest pending entry (or its last delivered one);
 * by count, MAXLEN ~ only when the archive has caught up (nothing pending, last entry delivered).
 */
const ARCHIVE_APPEND = new LuaScript(
  'append to the fill archive',
  3,
  `
local head = redis.call('HGET', KEYS[2], 'hash') or '${GENESIS_HASH}'
if head ~= ARGV[3] then return {'conflict', head} end
local mine = {}
for _, p in ipairs(redis.call('XPENDING', KEYS[3], ARGV[1], ARGV[4], ARGV[5], tonumber(ARGV[6]) + 10000, ARGV[2])) do mine[p[1]] = true end
local maxLen, maxAgeMs = tonumber(ARGV[7]), tonumber(ARGV[8])
local pos, entries = 9, {}
while pos <= #ARGV do
  local id, n = ARGV[pos], tonumber(ARGV[pos + 1])
  if not mine[id] then return {'not-mine', id} end
  local fields = {}
  for i = 1, n do fields[i] = ARGV[pos + 1 + i] end
  entries[#entries + 1] = {id, fields}
  pos = pos + 2 + n
end
local last, lastHash = nil, head
for _, e in ipairs(entries) do
  last = redis.call('XADD', KEYS[1], '*', unpack(e[2]))
  for i = 1, #e[2], 2 do if e[2][i] == 'hash' then lastHash = e[2][i + 1] end end
  redis.call('XACK', KEYS[3], ARGV[1], e[1])
end
if last then
  redis.call('HSET', KEYS[2], 'hash', lastHash, 'id', last)
  redis.call('HINCRBY', KEYS[2], 'length', #entries)
end
if maxLen > 0 or maxAgeMs > 0 then
  local lastDelivered
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[3])) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info['name'] == ARGV[1] then lastDelivered = info['last-delivered-id'] end
  end
  local summary = redis.call('XPENDING', KEYS[3], ARGV[1])
  local newest = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)[1]
  if maxLen > 0 and summary[1] == 0 and newest and newest[1] == lastDelivered then
    redis.call('XTRIM', KEYS[3], 'MAXLEN', '~', maxLen)
  end
  if maxAgeMs > 0 and lastDelivered then
    local safe = summary[1] > 0 and summary[2] or lastDelivered
    local now = redis.call('TIME')
    local cutoff = math.max(0, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - maxAgeMs)
    local safeMs = tonumber(string.match(safe, '^(%d+)'))
    local minid = safe
    if cutoff < safeMs then minid = string.format('%d', cutoff) end
    redis.call('XTRIM', KEYS[3], 'MINID', '~', minid)
  end
end
return {'ok', #entries}
`,
);

/** An exec:fills entry. */
export type SourceFill = StreamEntry;

export type AppendOutcome = { readonly kind: 'ok'; readonly appended: number } | { readonly kind: 'conflict' } | { readonly kind: 'not-mine'; readonly id: string };

/** Reads the head hash (GENESIS_HASH for an empty archive). */
export async function archiveHead(client: Redis, keys: BridgeKeys): Promise<string> {
  return (await client.hget(keys.archiveHead, 'hash')) ?? GENESIS_HASH;
}

export interface AppendSettings {
  readonly group: string;
  readonly consumer: string;
  /** Retention of exec:fills (applied behind the archive). */
  readonly maxLen: number;
  readonly maxAgeMs: number;
}

/**
 * Chains `fills` onto `head` and appends them in one script.
 * Throws SEAMLESS_COORDINATOR_DOWN when Redis cannot be reached; script errors (NOGROUP) as they are.
 */
export async function appendToArchive(client: Redis, keys: BridgeKeys, settings: AppendSettings, head: string, fills: readonly SourceFill[]): Promise<AppendOutcome> {
  if (fills.length === 0) return { kind: 'ok', appended: 0 };
  const { group, consumer, maxLen, maxAgeMs } = settings;
  const args: string[] = [group, consumer, head, fills[0]!.id, fills[fills.length - 1]!.id, String(fills.length), String(maxLen), String(maxAgeMs)];
  let prev = head;
  for (const fill of fills) {
    const entry: Record<string, string> = { ...fill.fields, source_id: fill.id };
    const hash = chainHash(prev, entry);
    const flat = Object.entries({ ...entry, prev_hash: prev, hash }).flat();
    args.push(fill.id, String(flat.length), ...flat);
    prev = hash;
  }
  const reply = await ARCHIVE_APPEND.run(client, [keys.archive, keys.archiveHead, keys.fills], args);
  const [kind, value] = reply as [string, string | number];
  if (kind === 'ok') return { kind: 'ok', appended: Number(value) };
  if (kind === 'conflict') return { kind: 'conflict' };
  return { kind: 'not-mine', id: String(value) };
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry that does not verify, and why. */
  readonly firstBad?: { readonly id: string; readonly reason: string };
}

/** Walks the whole archive, recomputing every hash and link, then checks the head. */
export async function verifyArchive(client: Redis, keys: BridgeKeys, pageSize = 1000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let entries = 0;
  let lastId: string | undefined;
  for await (const { id, fields } of streamEntries(client, keys.archive, pageSize)) {
    if (fields['prev_hash'] !== prev) {
      return { ok: false, entries, firstBad: { id, reason: `prev_hash ${fields['prev_hash'] ?? '(missing)'} does not link to the entry before it (hash ${prev}): an entry before it was removed or altered, or it was inserted` } };
    }
    const expected = chainHash(prev, fields);
    if (fields['hash'] !== expected) {
      return { ok: false, entries, firstBad: { id, reason: `hash ${fields['hash'] ?? '(missing)'} does not match its content (expected ${expected}): the entry was altered` } };
    }
    prev = expected;
    entries++;
    lastId = id;
  }
  const head = await client.hgetall(keys.archiveHead);
  if (head['hash'] !== undefined && head['hash'] !== prev) {
    return { ok: false, entries, firstBad: { id: head['id'] ?? '(unknown)', reason: `the head records last hash ${head['hash']} at ${head['id']}, but the archive ends at ${lastId ?? '(empty)'} with ${prev}: entries were removed from the end` } };
  }
  return { ok: true, entries };
}
