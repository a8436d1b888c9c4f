/**
 * Runs an ES-module script in a fresh `node` process, for crash tests whose script kills
 * itself (SIGKILL at a chosen step). Resolves with the signal, or the exit code 0; a non-zero
 * exit rejects with the script's stderr.
 */
import { spawn } from 'node:child_process';

export function runModuleScript(script: string): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => (code !== null && code !== 0 ? reject(new Error(`child failed (${code}): ${err}`)) : resolve(signal ?? code)));
  });
}
