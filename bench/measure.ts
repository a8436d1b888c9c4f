/** Small helpers for benchmarks: medians, percentiles, timing, redis-benchmark, running the Python anchors. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './repo-root.js';

const run = promisify(execFile);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile `p` (0..1] of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Wall clock in ms since the epoch, sub-millisecond (comparable across threads and with Redis TIME). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/**
 * Requests/s per test of `redis-benchmark -n requests ...args` against 127.0.0.1:`port`, or
 * undefined when the tool is missing or fails.
 */
export async function redisBenchmark(port: number, args: readonly string[], requests = 100_000): Promise<number[] | undefined> {
  try {
    const { stdout } = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-q', '--csv', ...args]);
    // CSV: a header, then "test","rps",... per test.
    return stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]?.replace(/"/g, '')));
  } catch {
    return undefined;
  }
}

/** Runs `fn` `runs` times and returns the seconds of each run. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

/** Runs bench/anchors.py in .venv and returns its JSON. */
export async function anchor(args: string[]): Promise<{ rows: number; seconds: number[] }> {
  const python = process.env['SEAMLESS_PYTHON'] ?? join(REPO_ROOT, '.venv', 'bin', 'python');
  const { stdout } = await run(python, [join(REPO_ROOT, 'bench', 'anchors.py'), ...args], { maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return JSON.parse(stdout) as { rows: number; seconds: number[] };
}

export function rowsPerSecond(rows: number, seconds: readonly number[]): number {
  return rows / median(seconds);
}

export function formatRate(rate: number): string {
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M rows/s` : `${(rate / 1e3).toFixed(1)} k rows/s`;
}
