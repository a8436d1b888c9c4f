/**
 * Redis coordination throughput against a throwaway redis-server, beside Redis's own ceiling
 * in the same run: token-bucket takes/s and lease claim+release pairs/s from one ioredis
 * client, compared with a PING loop (and a trivial EVALSHA) at the same number of commands in
 * flight, plus `redis-benchmark` (50 C clients) for the server's limit, PING and the take-tokens
 * script itself.
 *
 *   node dist/bench/redis-coordination.js      (BENCH_RUNS runs of BENCH_SECONDS each, median)
 */
import { Redis } from 'ioredis';
import { LeaseCoordinator } from '../src/coordination/backfill-lease.js';
import { LuaScript } from '../src/coordination/lua-script.js';
import { closeCoordinatorRedis, createCoordinatorRedis } from '../src/coordination/redis-connection.js';
import { SharedTokenBucket } from '../src/coordination/token-bucket.js';
import { TAKE_TOKENS } from '../src/coordination/token-bucket-lua.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { median, redisBenchmark } from './measure.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 1);
const IN_FLIGHT = [1, 64];

/** Runs `op` from `inFlight` loops for SECONDS; returns operations per second (median of RUNS). */
async function rate(inFlight: number, op: () => Promise<unknown>): Promise<number> {
  const rates: number[] = [];
  for (let run = -1; run < RUNS; run++) {
    let count = 0;
    const started = performance.now();
    const deadline = started + (run < 0 ? 200 : SECONDS * 1000); // run -1 warms up the JIT and is not counted
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < deadline) {
          await op();
          count++;
        }
      }),
    );
    if (run >= 0) rates.push(count / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

const format = (perSecond: number) => `${(perSecond / 1000).toFixed(1)} k/s`;

async function main(): Promise<void> {
  console.log(`redis coordination benchmark: ${RUNS} runs of ${SECONDS} s each (median), one ioredis client, node ${process.version}`);
  const server = await startRedis();
  const plain = new Redis(server.url);
  const redis = createCoordinatorRedis(server.url);
  try {
    const tool = await redisBenchmark(server.port, ['-t', 'ping,set']);
    await plain.script('LOAD', TAKE_TOKENS.source);
    const script = await redisBenchmark(server.port, ['EVALSHA', TAKE_TOKENS.sha, '2', 'bench:rb', 'bench:rb:cooldown', '1e12', '1e12', '1']);
    if (tool && script) {
      // The script's own server-side ceiling: what no client could beat.
      console.log(`redis-benchmark (50 clients, C): PING ${format(tool[1] ?? 0)}, SET ${format(tool[2] ?? 0)}, take-tokens EVALSHA ${format(script[0] ?? 0)}`);
    }

    const trivial = new LuaScript('return one', 1, 'return 1');
    // Never short of tokens: this measures the script and round trip, not the rate limit.
    const bucket = new SharedTokenBucket(redis, { limiter: 'bench', prefix: 'bench', ratePerSecond: 1e12, burst: 1e12 });
    const leases = new LeaseCoordinator(redis, { prefix: 'bench', heartbeat: false });
    let next = 0;

    for (const inFlight of IN_FLIGHT) {
      const ping = await rate(inFlight, () => plain.ping());
      const evalsha = await rate(inFlight, () => trivial.run(redis, ['bench:x'], []));
      const take = await rate(inFlight, () => bucket.tryTake(1));
      const acquire = await rate(inFlight, () => bucket.acquire(1));
      const pair = await rate(inFlight, async () => {
        const lease = await leases.claim(`bench-${next++}`, 60_000);
        await lease?.release();
      });
      console.log(`\n${inFlight} in flight: ioredis PING ${format(ping)} (ceiling), trivial EVALSHA ${format(evalsha)} = ${(evalsha / ping).toFixed(2)}x PING`);
      console.log(`  token bucket tryTake    ${format(take)} = ${(take / ping).toFixed(2)}x PING, ${(take / evalsha).toFixed(2)}x trivial EVALSHA`);
      console.log(`  token bucket acquire    ${format(acquire)} = ${(acquire / ping).toFixed(2)}x PING`);
      console.log(`  lease claim+release     ${format(pair)} pairs = ${((2 * pair) / ping).toFixed(2)}x PING in commands (2 scripts per pair)`);
    }
  } finally {
    plain.disconnect();
    await closeCoordinatorRedis(redis);
    await server.stop();
  }
}

await main();
