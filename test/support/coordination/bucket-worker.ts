// A separate process taking tokens from a shared bucket, for the cross-process tests in
// test/coordination/token-bucket.test.ts. Forked with one JSON argument (WorkerTask); sends
// its TaskResult back over IPC and exits.
//
//   mode 'timed':    from `startAt` (epoch ms) until `startAt + durationMs`, `concurrency`
//                    loops per client call acquire(); counts the acquisitions that resolved,
//                    notes when the last one did, and how long this process or Redis stalled.
//   mode 'attempts': `concurrency` loops per client each call tryTake `attempts` times at once
//                    when `startAt` comes; counts the takes that succeeded.
import type { Redis } from 'ioredis';
import { SharedTokenBucket } from '../../../src/coordination/token-bucket.js';
import { closeCoordinatorRedis, createCoordinatorRedis } from '../../../src/coordination/redis-connection.js';

export interface WorkerTask {
  readonly url: string;
  readonly prefix: string;
  readonly limiter: string;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly mode: 'timed' | 'attempts';
  readonly clients: number;
  readonly concurrency: number;
  readonly startAt: number;
  readonly durationMs?: number;
  readonly attempts?: number;
}

export interface TaskResult {
  readonly taken: number;
  /** Epoch ms just before the loops started (never before `startAt`). */
  readonly startedAt: number;
  /** Epoch ms just after the last successful take resolved (`startedAt` when none did). */
  readonly lastTakeAt: number;
  /**
   * Milliseconds in which this process could not have taken a token although it wanted to
   * (timed mode): its event loop was descheduled or Redis did not answer. Measured by a
   * ping-and-sleep-10-ms loop; only the part of each round beyond 30 ms counts.
   */
  readonly stalledMs: number;
}

/** Runs a task in this process (the test also calls it directly for its own clients). */
export async function runBucketTask(task: WorkerTask): Promise<TaskResult> {
  const clients = Array.from({ length: task.clients }, () => createCoordinatorRedis(task.url));
  try {
    const buckets = clients.map((redis) => new SharedTokenBucket(redis, { limiter: task.limiter, prefix: task.prefix, ratePerSecond: task.ratePerSecond, burst: task.burst }));
    await Promise.all(buckets.map((bucket) => bucket.state())); // connect before the start
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, task.startAt - Date.now())));
    const startedAt = Math.max(Date.now(), task.startAt);
    const last = { at: startedAt };
    const stop = AbortSignal.timeout(Math.max(0, task.startAt + (task.durationMs ?? 0) - Date.now()));
    const stalled = task.mode === 'timed' ? measureStalls(clients[0]!, stop) : Promise.resolve(0);
    const loops = buckets.flatMap((bucket) => Array.from({ length: task.concurrency }, () => (task.mode === 'timed' ? timedLoop(bucket, stop, last) : attemptLoop(bucket, task))));
    const taken = (await Promise.all(loops)).reduce((a, b) => a + b, 0);
    return { taken, startedAt, lastTakeAt: last.at, stalledMs: await stalled };
  } finally {
    await Promise.all(clients.map(closeCoordinatorRedis));
  }
}

async function timedLoop(bucket: SharedTokenBucket, stop: AbortSignal, last: { at: number }): Promise<number> {
  let taken = 0;
  try {
    for (;;) {
      await bucket.acquire(1, stop);
      taken++;
      last.at = Math.max(last.at, Date.now());
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  }
  return taken;
}

/** Sums how far each ping-then-sleep-10-ms round overran 30 ms, until `stop` aborts. */
async function measureStalls(redis: Redis, stop: AbortSignal): Promise<number> {
  let stalledMs = 0;
  while (!stop.aborted) {
    const started = performance.now();
    await redis.ping();
    await new Promise((resolve) => setTimeout(resolve, 10));
    stalledMs += Math.max(0, performance.now() - started - 30);
  }
  return stalledMs;
}

async function attemptLoop(bucket: SharedTokenBucket, task: WorkerTask): Promise<number> {
  const results = await Promise.all(Array.from({ length: task.attempts ?? 0 }, () => bucket.tryTake(1)));
  return results.filter((result) => result.taken).length;
}

if (process.send !== undefined && process.argv[2] !== undefined) {
  const task = JSON.parse(process.argv[2]) as WorkerTask;
  runBucketTask(task).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
