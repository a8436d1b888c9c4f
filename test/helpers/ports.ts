// Ports and child processes for the test servers (QuestDB, Redis).
//
// Ports are drawn below the kernel's ephemeral range: while a server is down for an outage
// test, an outgoing connection could otherwise be handed its port (or a client could even
// connect to itself), and restart() would find it taken.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** A port on 127.0.0.1 that is free now, outside the ephemeral range, and not in `taken`. */
export async function freePort(taken: readonly number[] = []): Promise<number> {
  const [low, high] = belowEphemeralRange();
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!taken.includes(port) && (await canBind(port))) return port;
  }
}

/** Ports the kernel does not hand out to outgoing connections. */
function belowEphemeralRange(): [number, number] {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 12_000) return [10_000, first - 1];
  } catch {
    // not Linux: fall through to a range that is below the usual defaults
  }
  return [20_000, 32_000];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/**
 * Sends `signal` and resolves once the child has exited (at once if it already has); with
 * `killAfterMs`, sends SIGKILL when it is still there by then.
 */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals, killAfterMs?: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await gone;
  clearTimeout(timer);
}
