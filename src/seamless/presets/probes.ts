/**
 * Real probes for preset dependencies: does the folder exist, does the server answer, does
 * Python import nautilus_trader. Each returns what went wrong and what to do, never throws.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REDIS_URL, type Dependency, redactedUrl } from './dependency.js';

export type ProbeResult =
  | { readonly dependency: Dependency; readonly ok: true; readonly detail: string }
  | { readonly dependency: Dependency; readonly ok: false; readonly problem: string; readonly fix: string };

export interface ProbeOptions {
  /** For network probes (connect plus answer). */
  readonly timeoutMs?: number;
  /** For the Python probe: importing nautilus_trader cold takes seconds. */
  readonly pythonTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;
export const DEFAULT_PYTHON_TIMEOUT_MS = 30_000;

/** This file sits in dist/src/seamless/presets/, four levels below the repository root. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** SEAMLESS_PYTHON, else the repository's .venv (where `npm run setup` installs NautilusTrader). */
export function pythonPath(dep: { python?: string }, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env['SEAMLESS_PYTHON'];
  return dep.python ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(REPO_ROOT, '.venv', 'bin', 'python'));
}

export async function probe(dep: Dependency, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const fail = (problem: string, fix: string): ProbeResult => ({ dependency: dep, ok: false, problem, fix });
  const ok = (detail: string): ProbeResult => ({ dependency: dep, ok: true, detail });
  switch (dep.kind) {
    case 'catalog': {
      const fix = `create it with \`seamless catalog write\` or point ${dep.option ?? 'catalog_path'} at an existing catalog`;
      const info = await stat(dep.path).catch(() => undefined);
      if (info === undefined) return fail(`no catalog at ${dep.path}`, fix);
      return info.isDirectory() ? ok(dep.path) : fail(`${dep.path} is a file, not a catalog folder`, fix);
    }
    case 'questdb':
      try {
        (await openSocket(dep.host, dep.port, false, timeoutMs)).destroy();
        return ok(`${dep.host}:${dep.port}`);
      } catch (error) {
        return fail(
          `QuestDB at ${dep.host}:${dep.port}: ${networkReason(error)}`,
          'start QuestDB (e.g. `docker run -p 9000:9000 questdb/questdb`) or set questdb.host/port in the data preset',
        );
      }
    case 'redis': {
      const problem = await probeRedis(dep.url, timeoutMs);
      if (problem === undefined) return ok(redactedUrl(dep.url));
      return fail(`Redis at ${redactedUrl(dep.url)}: ${problem}`, `start Redis (e.g. \`redis-server\`) or set redis.url in the data preset (default ${DEFAULT_REDIS_URL})`);
    }
    case 'nautilus': {
      const python = pythonPath(dep, options.env ?? process.env);
      const result = await runPython(python, options.pythonTimeoutMs ?? DEFAULT_PYTHON_TIMEOUT_MS);
      if (typeof result === 'object') return ok(`nautilus_trader ${result.version} via ${python}`);
      return fail(
        `NautilusTrader via ${python}: ${result}`,
        'run `npm run setup` to install it into .venv, or set SEAMLESS_PYTHON to a Python with nautilus_trader installed',
      );
    }
  }
}

function networkReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listening there)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ?? (error as Error).message;
}

/** Connects or fails within `timeoutMs`; the caller destroys the socket. */
function openSocket(host: string, port: number, tls: boolean, timeoutMs: number): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = tls ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolvePromise(socket);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Reads `count` reply lines (RESP simple replies), or fails on close or timeout. */
function readLines(socket: Socket, count: number, timeoutMs: number): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\r\n');
      if (lines.length > count) {
        clearTimeout(timer);
        resolvePromise(lines.slice(0, count));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed the connection without answering'));
    });
  });
}

/** RESP array form, so passwords with spaces survive. */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** undefined when Redis answered PING with +PONG (after AUTH when the URL has a password). */
async function probeRedis(url: string, timeoutMs: number): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL; write it as redis://host:port';
  }
  const tls = parsed.protocol === 'rediss:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  let socket: Socket | undefined;
  try {
    socket = await openSocket(host, port, tls, timeoutMs);
    const password = decodeURIComponent(parsed.password);
    const user = decodeURIComponent(parsed.username);
    const auth = password === '' ? '' : user === '' ? command('AUTH', password) : command('AUTH', user, password);
    socket.write(`${auth}PING\r\n`);
    const replies = await readLines(socket, auth === '' ? 1 : 2, timeoutMs);
    if (auth !== '' && !(replies[0] ?? '').startsWith('+')) return `AUTH was refused (${replies[0]}); check the user and password in the URL`;
    const pong = replies[replies.length - 1];
    return pong === '+PONG' ? undefined : `answered ${JSON.stringify(pong)} to PING instead of +PONG`;
  } catch (error) {
    return networkReason(error);
  } finally {
    socket?.destroy();
  }
}

/** The nautilus_trader version, or why it could not be imported. */
function runPython(python: string, timeoutMs: number): Promise<{ version: string } | string> {
  const script = 'import nautilus_trader, sys; print(nautilus_trader.__version__)';
  return new Promise((resolvePromise) => {
    execFile(python, ['-c', script], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolvePromise({ version: stdout.trim() });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolvePromise('no such Python executable');
      if (code === 'EACCES') return resolvePromise('the Python path is not executable');
      if (error.killed) return resolvePromise(`did not finish within ${timeoutMs} ms`);
      const last = stderr.trim().split('\n').pop() ?? '';
      resolvePromise(`import nautilus_trader failed${last === '' ? '' : `: ${last}`}`);
    });
  });
}
