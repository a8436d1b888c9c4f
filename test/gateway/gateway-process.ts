/**
 * Runs `seamless <verb>` (bin/seamless) as a child process and waits for the gateway's
 * "gateway listening on <url>" line, so tests can talk to it over a real socket and stop it
 * with a signal, as a user would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** The base URL printed by the gateway. */
  readonly url: string;
  /** Everything printed to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnSeamless(args: readonly string[]): { child: ChildProcess; out: string[]; err: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'seamless'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NAUTILUS_PATH: '' } });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, err, exited };
}

/** Starts the gateway verb and resolves once it prints its URL; rejects if it exits first or takes over 30 s. */
export async function startGatewayProcess(args: readonly string[]): Promise<GatewayProcess> {
  const { child, out, err, exited } = spawnSeamless(args);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL after 30 s; stdout: ${out.join('')}; stderr: ${err.join('')}`));
    }, 30_000);
    const check = () => {
      const match = /gateway listening on (http:\/\/\S+)/.exec(out.join(''));
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing its URL; stdout: ${out.join('')}; stderr: ${err.join('')}`));
    });
  });
  return {
    child,
    url,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs a verb that is expected to exit by itself (e.g. refuse to start). */
export async function runToExit(args: readonly string[]): Promise<Exited> {
  const { child, out, err, exited } = spawnSeamless(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
