// Runs the Python side of the event bridge (python/bus_node.py, mode_probe_node.py,
// seamless_node_config.py) in the real .venv, and reads the bus streams it leaves in Redis.
//
//   runPython(args, opts)        one-shot: resolves {code, stdout, stderr}
//   startInteractive(args)       line protocol: nextJson() awaits the next stdout line, send()
//                                writes one stdin line (mode_probe_node.py waits between chunks)
//   readStream(redis, key)       every entry of a stream as {id, fields: [[name, Buffer]...]}
//   decodePayload(bytes, enc)    a bus payload decoded as NautilusTrader wrote it (msgpack/json)
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decode as decodeMsgpack } from '@msgpack/msgpack';
import type { Redis } from 'ioredis';
import { peerPython, repoRoot } from '../helpers/python-peer.js';

export type BusEncoding = 'msgpack' | 'json';
export type Payload = Record<string, unknown>;

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PythonOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** `python/<script>` path in the repository. */
export function pythonScript(name: string): string {
  return join(repoRoot(), 'python', name);
}

/** The environment a node needs to import python/ modules (the actor, the probe strategy). */
export function pythonPathEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: join(repoRoot(), 'python') };
}

/** Runs `.venv/bin/python ...args` in the repo root; never rejects on a non-zero exit. */
export function runPython(args: string[], opts: PythonOptions = {}): Promise<PythonResult> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    const child = spawn(peerPython(), args, { cwd: repoRoot(), env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Like runPython but rejects (with stderr) unless the exit code is 0. */
export async function runPythonOk(args: string[], opts: PythonOptions = {}): Promise<PythonResult> {
  const result = await runPython(args, opts);
  if (result.code !== 0) {
    throw new Error(`python ${args.join(' ')} exited with ${String(result.code)}\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

export interface Interactive {
  /** The next stdout line parsed as JSON; rejects if the process ends first. */
  nextJson(): Promise<Record<string, unknown>>;
  send(line: string): void;
  /** Resolves with the exit code and everything written to stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

export function startInteractive(args: string[], opts: PythonOptions = {}): Interactive {
  const child: ChildProcessWithoutNullStreams = spawn(peerPython(), args, { cwd: repoRoot(), env: opts.env ?? process.env });
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async nextJson() {
      const next = await lines.next();
      if (next.done === true) {
        const { code, stderr } = await exited;
        throw new Error(`python ${args.join(' ')} ended (exit ${String(code)}) before printing a line\n${stderr.slice(-4000)}`);
      }
      return JSON.parse(next.value) as Record<string, unknown>;
    },
    send(line: string) {
      child.stdin.write(`${line}\n`);
    },
    exited,
    kill() {
      child.kill('SIGKILL');
    },
  };
}

export interface StreamEntry {
  id: string;
  /** Field/value pairs in the order Redis stores them. */
  fields: Array<[string, Buffer]>;
}

export async function readStream(redis: Redis, key: string): Promise<StreamEntry[]> {
  const raw = await redis.xrangeBuffer(key, '-', '+');
  return raw.map(([id, flat]) => {
    const fields: Array<[string, Buffer]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) fields.push([(flat[i] as Buffer).toString('utf8'), flat[i + 1] as Buffer]);
    return { id: id.toString('utf8'), fields };
  });
}

/** All stream keys matching a glob pattern, sorted. */
export async function streamKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', 'stream');
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/** Decodes one bus payload; msgpack u64 values beyond 2^53 (e.g. expire_time_ns) become bigint. */
export function decodePayload(bytes: Buffer, encoding: BusEncoding): Payload {
  const value = encoding === 'msgpack' ? decodeMsgpack(bytes, { useBigInt64: true }) : (JSON.parse(bytes.toString('utf8')) as unknown);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`bus payload is not a map: ${bytes.toString('hex').slice(0, 80)}`);
  }
  return value as Payload;
}

/** The `payload` field of a bus entry, after checking it has exactly [topic, payload]. */
export function busPayload(entry: StreamEntry, encoding: BusEncoding): { topic: string; payload: Payload } {
  const names = entry.fields.map(([name]) => name);
  if (names.length !== 2 || names[0] !== 'topic' || names[1] !== 'payload') {
    throw new Error(`bus entry ${entry.id} has fields [${names.join(', ')}], expected [topic, payload]`);
  }
  const [[, topic], [, payload]] = entry.fields as [[string, Buffer], [string, Buffer]];
  return { topic: topic.toString('utf8'), payload: decodePayload(payload, encoding) };
}

/** Field values of a plain (string) stream entry, e.g. nautilus:mode:acks. */
export function textFields(entry: StreamEntry): Record<string, string> {
  return Object.fromEntries(entry.fields.map(([name, value]) => [name, value.toString('utf8')]));
}
