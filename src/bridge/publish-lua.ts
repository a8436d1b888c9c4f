/**
 * The bridge's exactly-once step: for a batch of source entries, publish each to its domain
 * stream AND acknowledge it in the consumer group, in one atomic Lua script.
 *
 * publish-batch (variable key count)
 *   KEYS    every key the batch touches: source streams, destination streams, dead-letter
 *           stream, `bridge:seen:<event_id>` keys (each once; entries refer to them by index)
 *   ARGV[1] group                       ARGV[2] consumer
 *   ARGV[3] MAXLEN ~ for XADD ('0': no count limit)
 *   ARGV[4] max age in ms for XTRIM MINID ~ ('0': no age limit; the cut-off uses Redis TIME)
 *   ARGV[5] seen-key TTL in seconds     ARGV[6] S, number of sources   ARGV[7] dead stream index
 *   ARGV[8] index of a stream never trimmed here (0: none): exec:fills while the archiver runs,
 *           which trims it itself once fills are archived (fill-archive.ts)
 *   then S × (source key index, first id, last id, count) — the XPENDING range of the batch;
 *           count 0: skip the check (entries delivered moments ago, see PublishItem.fresh)
 *   then ONE flat msgpack array holding, for each entry in turn: source key index, entry id,
 *           seen key index (0: none), destination key index (0: acknowledge only), n, then n
 *           items field, value, … — one argument instead of ~20 per entry: Redis' cmsgpack
 *           unpacks it in C, which is what makes a batch of a thousand entries cheap on both
 *           sides. Flat rather than a table per entry: no Lua table is built per entry, and
 *           XADD takes its fields with unpack(batch, first, last) (measured: about 0.8 µs less
 *           Redis CPU per entry)
 * Returns one status character per entry, in order:
 *   P published   D duplicate (its event id was published before; acknowledged only)
 *   A acknowledged only (heartbeats)   N not pending for this consumer: nothing done
 *   E the XADD failed (e.g. WRONGTYPE): written to the dead-letter stream with the error
 *
 * Why this gives exactly-once into the domain streams:
 * - publish and XACK happen together or not at all, so a crash between them is impossible;
 *   an entry that is still pending was never published and is simply processed again.
 * - an entry is published only while it is pending for *this* consumer. When a slow consumer's
 *   entry was re-claimed (XAUTOCLAIM) and published by another, the slow one sees 'N' here.
 *   Another consumer can claim an entry only after it was idle for the claim threshold, so for
 *   entries delivered less than half that threshold ago the check is skipped (count 0): every
 *   bridge of a group must then use the same --claim-idle (docs/bridge.md).
 * - NautilusTrader itself publishes every OrderFilled twice (topics events.order.* and
 *   events.fills.*, spec §7.4), as two source entries with the same event id: events with an
 *   event id are published once per id (`SET bridge:seen:<id> NX EX ttl`). Market data has no
 *   event id and needs no such key (which at 100 k ticks/s would be millions of keys).
 */

export const PUBLISH_BATCH_LUA = `
local group, consumer = ARGV[1], ARGV[2]
local maxlen = tonumber(ARGV[3])
local maxAgeMs = tonumber(ARGV[4])
local ttl = ARGV[5]
local sources = tonumber(ARGV[6])
local dead = KEYS[tonumber(ARGV[7])]
local untrimmed = tonumber(ARGV[8])
local mine, all, acks = {}, {}, {}
local pos = 9
for _ = 1, sources do
  local k, count = tonumber(ARGV[pos]), tonumber(ARGV[pos + 3])
  local set = {}
  if count == 0 then
    all[k] = true
  else
    for _, p in ipairs(redis.call('XPENDING', KEYS[k], group, ARGV[pos + 1], ARGV[pos + 2], count, consumer)) do
      set[p[1]] = true
    end
  end
  mine[k], acks[k] = set, {}
  pos = pos + 4
end
local batch = cmsgpack.unpack(ARGV[pos])
local function add(key, noTrim, ...)
  if maxlen > 0 and not noTrim then return redis.pcall('XADD', key, 'MAXLEN', '~', maxlen, '*', ...) end
  return redis.pcall('XADD', key, '*', ...)
end
local status, touched, done = {}, {}, 0
local i, total = 1, #batch
while i <= total do
  local src, id, seen, dest, n = batch[i], batch[i + 1], batch[i + 2], batch[i + 3], batch[i + 4]
  local first = i + 5
  local last = first + n - 1
  i = last + 1
  local s
  if not (all[src] or mine[src][id]) then
    s = 'N'
  elseif dest == 0 then
    s = 'A'
  elseif seen > 0 and not redis.call('SET', KEYS[seen], KEYS[src] .. '/' .. id, 'NX', 'EX', ttl) then
    s = 'D'
  else
    local reply = add(KEYS[dest], dest == untrimmed, unpack(batch, first, last))
    if type(reply) == 'table' and reply.err then
      if seen > 0 then redis.call('DEL', KEYS[seen]) end
      local letter = {'source', KEYS[src], 'id', id, 'reason', 'publishing to ' .. KEYS[dest] .. ' failed: ' .. reply.err}
      for j = first, last do letter[#letter + 1] = batch[j] end
      add(dead, false, unpack(letter))
      s = 'E'
    else
      s = 'P'
      if dest ~= untrimmed then touched[dest] = true end
    end
  end
  if s ~= 'N' then local a = acks[src]; a[#a + 1] = id end
  done = done + 1
  status[done] = s
end
for k, ids in pairs(acks) do
  for i = 1, #ids, 1000 do
    redis.call('XACK', KEYS[k], group, unpack(ids, i, math.min(i + 999, #ids)))
  end
end
if maxAgeMs > 0 then
  local now = redis.call('TIME')
  local cutoff = math.max(0, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - maxAgeMs)
  for d in pairs(touched) do redis.call('XTRIM', KEYS[d], 'MINID', '~', string.format('%d', cutoff)) end
end
return table.concat(status)
`;
