/**
 * The lease and fence Lua scripts, and the one place their negative codes become errors.
 *
 * Fencing tokens are decimal text: Lua numbers are doubles, so tokens stay below 2^53 (the
 * counter starts from the server's clock in microseconds, about 1.8e15 today) and are compared
 * as text (longer is larger, then character by character) where two tokens meet.
 */
import { SeamlessError } from '../seamless/errors.js';
import { LuaScript } from './lua-script.js';

/** Script replies: 1 for success, negatives for why not. */
export const LEASE_CODE = {
  OK: 1,
  /** The lease key is gone: it expired, or was released or completed. */
  MISSING: -1,
  /** The lease is held with another token: it expired and someone else claimed it. */
  OTHER_TOKEN: -2,
  /** claim only: another live holder has it. */
  HELD: -3,
  /** claim only: the range is marked done. */
  DONE: -4,
} as const;

/**
 * claim-lease (3 keys)
 *   KEYS[1] lease hash {token, owner}   KEYS[2] fencing counter   KEYS[3] done marker hash
 *   ARGV[1] owner   ARGV[2] ttl ms
 * Returns {1, token, owner, ttl} when claimed, {-3, token, owner, pttl} when another holder
 * has it, {-4, token, owner, pttl} when the range is done.
 *
 * The token comes from INCR in the same step as the claim, so no two claims share a token and
 * a later claim always has a larger one. The counter is raised to the server clock (µs) when
 * below it, so tokens keep growing even if Redis restarts without its data and the counter
 * starts over (a storage writer may remember tokens for longer than Redis does).
 */
export const CLAIM_LEASE = new LuaScript(
  'claim lease',
  3,
  `
if redis.replicate_commands then redis.replicate_commands() end -- TIME before writes, Redis < 5
local done = redis.call('HMGET', KEYS[3], 'token', 'owner')
if done[1] then return {-4, done[1], done[2] or '', redis.call('PTTL', KEYS[3])} end
local held = redis.call('HMGET', KEYS[1], 'token', 'owner')
if held[1] then return {-3, held[1], held[2] or '', redis.call('PTTL', KEYS[1])} end
local token = redis.call('INCR', KEYS[2])
local time = redis.call('TIME')
local clock = tonumber(time[1]) * 1000000 + tonumber(time[2])
if token < clock then
  token = clock
  redis.call('SET', KEYS[2], string.format('%.0f', clock))
end
local text = string.format('%.0f', token)
redis.call('HSET', KEYS[1], 'token', text, 'owner', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, text, ARGV[1], tonumber(ARGV[2])}
`,
);

/** The shared head of the scripts below: returns -1 or -2 unless KEYS[1] holds token ARGV[1]. */
const REQUIRE_TOKEN = `
local current = redis.call('HGET', KEYS[1], 'token')
if not current then return -1 end
if current ~= ARGV[1] then return -2 end
`;

/**
 * renew-lease (1 key)   KEYS[1] lease hash   ARGV[1] token   ARGV[2] ttl ms
 * Returns 1 after resetting the expiry to ttl, only while the lease holds this token; else -1/-2.
 */
export const RENEW_LEASE = new LuaScript('renew lease', 1, `${REQUIRE_TOKEN}redis.call('PEXPIRE', KEYS[1], ARGV[2])\nreturn 1\n`);

/**
 * check-lease (1 key)   KEYS[1] lease hash   ARGV[1] token
 * Returns 1 while the lease holds this token; else -1/-2. Changes nothing.
 */
export const CHECK_LEASE = new LuaScript('check lease', 1, `${REQUIRE_TOKEN}return 1\n`);

/**
 * release-lease (1 key)   KEYS[1] lease hash   ARGV[1] token
 * Returns 1 after deleting the lease, only while it holds this token; else -1/-2 and nothing changes.
 */
export const RELEASE_LEASE = new LuaScript('release lease', 1, `${REQUIRE_TOKEN}redis.call('DEL', KEYS[1])\nreturn 1\n`);

/**
 * complete-lease (2 keys)   KEYS[1] lease hash   KEYS[2] done marker hash   ARGV[1] token   ARGV[2] done ttl ms
 * Returns 1 after replacing the lease with a done marker {token, owner} that lives `done ttl`,
 * only while the lease holds this token; else -1/-2 and nothing changes.
 */
export const COMPLETE_LEASE = new LuaScript(
  'complete lease',
  2,
  `${REQUIRE_TOKEN}
local owner = redis.call('HGET', KEYS[1], 'owner') or ''
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'token', ARGV[1], 'owner', owner)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`,
);

/**
 * lease-status (2 keys)   KEYS[1] lease hash   KEYS[2] done marker hash
 * Returns {-4, token, owner, pttl} when done, {-3, token, owner, pttl} when held, {1} when free.
 */
export const LEASE_STATUS = new LuaScript(
  'read lease status',
  2,
  `
local done = redis.call('HMGET', KEYS[2], 'token', 'owner')
if done[1] then return {-4, done[1], done[2] or '', redis.call('PTTL', KEYS[2])} end
local held = redis.call('HMGET', KEYS[1], 'token', 'owner')
if held[1] then return {-3, held[1], held[2] or '', redis.call('PTTL', KEYS[1])} end
return {1}
`,
);

/**
 * commit-fenced (1 key)   KEYS[1] fence string   ARGV[1] token   ARGV[2] ttl ms
 * Returns {1, token} after recording the token as the highest committed (an equal token is
 * accepted again: one lease commits many chunks), or {-2, highest} when a higher token has
 * committed already, changing nothing.
 */
export const COMMIT_FENCED = new LuaScript(
  'commit fenced',
  1,
  `
local highest = redis.call('GET', KEYS[1])
local token = ARGV[1]
if highest and (#highest > #token or (#highest == #token and highest > token)) then
  return {-2, highest}
end
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return {1, token}
`,
);

/** Returns the SEAMLESS_LEASE_LOST error for a -1/-2 reply of `action` on lease `key`. */
export function leaseLostError(code: number, action: string, key: string, token: bigint): SeamlessError {
  const why =
    code === LEASE_CODE.MISSING
      ? 'it expired or was released, so another worker may be fetching this range'
      : code === LEASE_CODE.OTHER_TOKEN
        ? 'it expired and another worker claimed it with a newer token'
        : `the script replied ${code}`;
  return new SeamlessError('SEAMLESS_LEASE_LOST', `cannot ${action}: lease ${key} with token ${token} is no longer held (${why}); stop and do not write this range`, { key, token, code });
}
