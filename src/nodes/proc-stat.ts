/**
 * Process facts from Linux /proc: CPU time and start time from /proc/<pid>/stat, resident
 * memory from /proc/<pid>/status. The start time (clock ticks since boot) tells a process
 * from a later one that reused its pid, which is how the supervisor re-finds its nodes after a
 * restart without mistaking a stranger for one.
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: 100 on every mainstream Linux build (the kernel ABI fixes it for /proc). */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  readonly state: string;
  /** User + system CPU time, in clock ticks. */
  readonly cpuTicks: number;
  /** Start time after boot, in clock ticks (field 22), as text: it is the identity check. */
  readonly startTicks: string;
}

/** Returns /proc/<pid>/stat facts, or undefined when the process does not exist (or not on Linux). */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15, starttime is field 22.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const startTicks = rest[19];
  if (rest[0] === undefined || startTicks === undefined || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { state: rest[0], cpuTicks: utime + stime, startTicks };
}

/** Resident set size in bytes (VmRSS), or undefined when unknown. */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive (not a zombie) and started at `startTicks`, so it is the same process. */
export async function isSameProcess(pid: number, startTicks: string): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTicks === startTicks;
}

export interface ProcessSample {
  /** ISO time of the sample. */
  readonly at: string;
  /** CPU use since the previous sample, in percent of one core. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  /** Total CPU seconds so far. */
  readonly cpuSeconds: number;
}

/** Turns successive /proc readings of one process into samples. */
export class ProcessSampler {
  private previous: { ticks: number; atMs: number } | undefined;

  constructor(readonly pid: number) {}

  /** Returns a sample, or undefined once the process is gone. */
  async sample(): Promise<ProcessSample | undefined> {
    const [stat, rss] = await Promise.all([readProcStat(this.pid), readRssBytes(this.pid)]);
    if (!stat || stat.state === 'Z') return undefined;
    const atMs = Date.now();
    const before = this.previous;
    this.previous = { ticks: stat.cpuTicks, atMs };
    const cpuPercent = before && atMs > before.atMs ? ((stat.cpuTicks - before.ticks) / CLOCK_TICKS_PER_SECOND / ((atMs - before.atMs) / 1000)) * 100 : 0;
    return { at: new Date(atMs).toISOString(), cpuPercent: Math.round(cpuPercent * 10) / 10, rssBytes: rss ?? 0, cpuSeconds: stat.cpuTicks / CLOCK_TICKS_PER_SECOND };
  }
}
