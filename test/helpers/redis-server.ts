// Starts a throwaway redis-server for one test file (or benchmark): its own port on
// 127.0.0.1, its own temp folder, no persistence unless asked. Parallel test files each get
// their own server.
//
//   const redis = await startRedis();            // redis.url = redis://127.0.0.1:PORT
//   await redis.kill();                          // abrupt (SIGKILL), for outage tests
//   await redis.restart();                       // same port (and data, with appendonly)
//   await redis.stop();                          // in `after`: SIGTERM and remove the folder
//
// Ports come from ports.ts, below the kernel's ephemeral range (restart() reuses them).
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, terminate } from './ports.js';

export interface RedisServerOptions {
  /** Keep data across restart() with an append-only file (default false: nothing on disk). */
  readonly appendonly?: boolean;
  /** Require this password (`requirepass`); the url then carries it. */
  readonly password?: string;
}

export interface RedisServer {
  /** `redis://127.0.0.1:PORT`, or `redis://:PASSWORD@127.0.0.1:PORT` with a password. */
  readonly url: string;
  readonly port: number;
  /** Stops gracefully and removes the temp folder; safe to call twice. */
  stop(): Promise<void>;
  /** Stops abruptly (SIGKILL) and keeps the folder, so restart() can follow. */
  kill(): Promise<void>;
  /** Starts again on the same port and folder; resolves when PING answers. */
  restart(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const live = new Set<ChildProcess>();
/** Server folders not yet removed by stop(). */
const folders = new Set<string>();

// A test that fails before its `after` must not leave servers behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  // Nor their folders: a test that never called stop() would leave one in the temp folder.
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Starts redis-server on a free port; resolves when it answers PING. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'seamless-redis-'));
  folders.add(dir);
  let lastError: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = await freePort();
    try {
      const child = await launch(port, dir, options);
      return handle(child, port, dir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        await rm(dir, { recursive: true, force: true });
        throw new Error('redis-server is not installed; run `node scripts/setup/redis.mjs` (as root) or `npm run setup`');
      }
      lastError = error; // another test file took the port between probe and bind: try another
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server: could not start on a port of its own after 8 attempts; last: ${String(lastError)}`);
}

function handle(first: ChildProcess, port: number, dir: string, options: RedisServerOptions): RedisServer {
  let child: ChildProcess | undefined = first;
  let removed = false;
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await terminate(running, signal);
  };
  return {
    url: `redis://${auth}${HOST}:${port}`,
    port,
    async stop() {
      await end('SIGTERM');
      if (!removed) {
        removed = true;
        await rm(dir, { recursive: true, force: true });
        folders.delete(dir);
      }
    },
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL');
      child = await launch(port, dir, options);
    },
  };
}

async function launch(port: number, dir: string, options: RedisServerOptions): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--daemonize', 'no', '--protected-mode', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  live.add(child);
  child.once('exit', () => live.delete(child));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server on port ${port} exited (${signal ?? code}) before it was ready:\n${output}`)));
  });
  try {
    // Another test file's server may hold the port while ours has not yet failed to bind, so
    // readiness alone is not enough: ours runs in our folder (which Redis reports as its real path).
    const alive = () => child.exitCode === null && child.signalCode === null;
    const served = await Promise.race([servedDir(port, options.password, alive), exited]);
    const ours = await realpath(dir);
    if (served === undefined && alive()) throw new Error(`redis-server on port ${port} did not answer PING and CONFIG GET dir within ${READY_TIMEOUT_MS} ms`);
    if (served !== ours || !alive()) {
      throw new Error(`the redis-server answering on port ${port} is not ours (its dir: ${served ?? 'no answer'}; ours: ${ours}); another server holds the port`);
    }
  } catch (error) {
    await terminate(child, 'SIGKILL');
    throw error;
  }
  exited.catch(() => {}); // later exits are expected (kill/stop)
  return child;
}

/** The `dir` of the ready server on `port`, asked until one answers (while `alive`, within the ready timeout). */
async function servedDir(port: number, password: string | undefined, alive: () => boolean): Promise<string | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dir = await configDir(port, password);
    if (dir !== undefined || !alive() || Date.now() > deadline) return dir;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The `dir` the server on `port` runs in, by raw RESP PING and CONFIG GET; undefined without a
 * clear answer to both. CONFIG GET is served while Redis still loads its data; PING is refused
 * (-LOADING), so its +PONG is what says the server is ready.
 */
function configDir(port: number, password: string | undefined): Promise<string | undefined> {
  const request = (password === undefined ? '' : `AUTH ${JSON.stringify(password)}\r\n`) + 'PING\r\nCONFIG GET dir\r\n';
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    const finish = (dir: string | undefined) => {
      socket.destroy();
      resolve(dir);
    };
    socket.setTimeout(2_000, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('close', () => finish(undefined));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const bulk = /\*2\r\n\$3\r\ndir\r\n\$\d+\r\n([^\r]*)\r\n/.exec(reply);
      if (/(^|\r\n)-/.test(reply)) finish(undefined); // an error line (LOADING, or a password this server does not take)
      else if (bulk && reply.includes('+PONG\r\n')) finish(bulk[1]);
    });
  });
}
