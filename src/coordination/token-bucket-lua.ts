/**
 * The token bucket's Lua scripts. Each reads and writes its keys in one atomic step; the
 * Python limiter read, computed and wrote in three round trips, so concurrent processes
 * could all see the same tokens and all take them.
 */
import { LuaScript } from './lua-script.js';

/**
 * take-tokens (2 keys)
 *   KEYS[1] bucket hash {tokens, ts (µs)}     KEYS[2] cooldown string (reason), PX
 *   ARGV[1] rate, tokens per second (> 0)     ARGV[2] burst, the capacity (> 0)
 *   ARGV[3] cost (>= 0; 0 only reads)
 * Returns {taken 1|0, waitMs, tokens (text, after the take), cooldownMs, cooldown reason or false}
 *
 * The clock is the server's TIME, so processes on machines with skewed clocks agree. A missing
 * bucket is full, which is why the key may expire once it would have refilled: idle buckets
 * vanish without changing behaviour. While the cooldown key lives nothing is taken and the
 * wait is its remaining time. When tokens are short the wait is exactly the time until the
 * missing tokens will have refilled, so callers sleep once instead of spinning.
 */
export const TAKE_TOKENS = new LuaScript(
  'take tokens',
  2,
  `
if redis.replicate_commands then redis.replicate_commands() end -- TIME before writes, Redis < 5
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = burst
local stored, last = tonumber(state[1]), tonumber(state[2])
if stored and last then
  tokens = math.min(burst, stored + math.max(0, now - last) * rate / 1000000)
end
local cooldown = redis.call('PTTL', KEYS[2])
if cooldown > 0 then
  return {0, cooldown, string.format('%.17g', tokens), cooldown, redis.call('GET', KEYS[2])}
end
if cost == 0 then
  return {0, 0, string.format('%.17g', tokens), 0, false}
end
if tokens >= cost then
  tokens = tokens - cost
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.0f', now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1)
  return {1, 0, string.format('%.17g', tokens), 0, false}
end
return {0, math.ceil((cost - tokens) * 1000 / rate), string.format('%.17g', tokens), 0, false}
`,
);

/**
 * extend-cooldown (1 key)
 *   KEYS[1] cooldown string     ARGV[1] milliseconds (integer > 0)     ARGV[2] reason
 * Returns the cooldown now left, in ms. Extends only: a shorter cooldown never cuts a longer
 * one that another process set (two 429s with different Retry-After values).
 */
export const EXTEND_COOLDOWN = new LuaScript(
  'extend cooldown',
  1,
  `
local left = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if left >= wanted then return left end
redis.call('SET', KEYS[1], ARGV[2], 'PX', wanted)
return wanted
`,
);
