/**
 * A process that runs until killed, so lock and claim tests can hold a pid file for a live
 * process other than the test's own, as another capture would.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** Runs `body` with the pid of a live `sleep` (and its handle), and kills it (waiting for its exit) afterwards. */
export async function withLiveProcess(body: (pid: number, child: ChildProcess) => Promise<void>): Promise<void> {
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    await body(sleeper.pid!, sleeper);
  } finally {
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
  }
}
