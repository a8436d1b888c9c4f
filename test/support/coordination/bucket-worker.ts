// A separate process taking tokens from a shared bucket, for the cross-process tests in
// test/coordination/token-bucket.test.ts. Forked with one JSON argument (WorkerTask); sends
// {taken} back over IPC and exits.
//
//   mode 'timed':    from `startAt` (epoch ms) until `startAt + durationMs`, `concurrency`
//                    loops per client call acquire(); counts the acquisitions that resolved.
//   mode 'attempts': `concurrency` loops per client each call tryTake `attempts` times at once
//                    when `startAt` comes; counts the takes that succeeded.
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

/** Runs a task in this process (the test also calls it directly for its own clients). */
export async function runBucketTask(task: WorkerTask): Promise<number> {
  const clients = Array.from({ length: task.clients }, () => createCoordinatorRedis(task.url));
  try {
    const buckets = clients.map((redis) => new SharedTokenBucket(redis, { limiter: task.limiter, prefix: task.prefix, ratePerSecond: task.ratePerSecond, burst: task.burst }));
    await Promise.all(buckets.map((bucket) => bucket.state())); // connect before the start
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, task.startAt - Date.now())));
    const loops = buckets.flatMap((bucket) => Array.from({ length: task.concurrency }, () => (task.mode === 'timed' ? timedLoop(bucket, task) : attemptLoop(bucket, task))));
    return (await Promise.all(loops)).reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(clients.map(closeCoordinatorRedis));
  }
}

async function timedLoop(bucket: SharedTokenBucket, task: WorkerTask): Promise<number> {
  const stop = AbortSignal.timeout(Math.max(0, task.startAt + (task.durationMs ?? 0) - Date.now()));
  let taken = 0;
  try {
    for (;;) {
      await bucket.acquire(1, stop);
      taken++;
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  }
  return taken;
}

async function attemptLoop(bucket: SharedTokenBucket, task: WorkerTask): Promise<number> {
  const results = await Promise.all(Array.from({ length: task.attempts ?? 0 }, () => bucket.tryTake(1)));
  return results.filter((result) => result.taken).length;
}

if (process.send !== undefined && process.argv[2] !== undefined) {
  const task = JSON.parse(process.argv[2]) as WorkerTask;
  runBucketTask(task).then(
    (taken) => process.send!({ taken }, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
