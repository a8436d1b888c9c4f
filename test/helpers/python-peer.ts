// Runs python/nautilus_peer.py — the real NautilusTrader 1.221.0 (in .venv) — so tests can
// compare seamless' output with NautilusTrader's byte for byte / line for line.
//
//   peerPython()           the Python executable: $SEAMLESS_PYTHON or <repo>/.venv/bin/python
//   runPeer(args, opts)    stdout of `python python/nautilus_peer.py ...args` (rejects on exit != 0,
//                          with the peer's stderr in the error message)
//   peerNdjson(args)       the non-empty stdout lines (e.g. `read`, `read-file`, `instruments`)
//   peerJson<T>(args)      stdout parsed as one JSON value (e.g. `write-random`, `schema`, `backtest`)
//
// Note: JSON.parse loses precision on u64/i128 integers (order_id, sequence, `*_raw`); compare
// NDJSON lines as strings (peerNdjson) when exactness matters.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PEER_SCRIPT = join('python', 'nautilus_peer.py');

export interface PeerOptions {
  /** Kill the peer and reject after this many milliseconds (default 300 000). */
  timeoutMs?: number;
}

let cachedRoot: string | undefined;

/** The repository root: three levels up from dist/test/helpers/, holding python/nautilus_peer.py. */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: <repo>/dist/test/helpers -> <repo>. Fall back to walking up (e.g. run from test/helpers).
  const candidates = [resolve(here, '..', '..', '..')];
  for (let dir = here; ; ) {
    candidates.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, PEER_SCRIPT))) {
      cachedRoot = dir;
      return dir;
    }
  }
  throw new Error(`python-peer: cannot find ${PEER_SCRIPT} above ${here}`);
}

/** The Python interpreter with NautilusTrader: $SEAMLESS_PYTHON, else <repo>/.venv/bin/python. */
export function peerPython(): string {
  const fromEnv = process.env['SEAMLESS_PYTHON'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const venvPython = join(repoRoot(), '.venv', 'bin', 'python');
  if (!existsSync(venvPython)) {
    throw new Error(`python-peer: ${venvPython} not found; run \`npm run setup\` or set SEAMLESS_PYTHON`);
  }
  return venvPython;
}

/** Runs `python python/nautilus_peer.py ...args` in the repo root and resolves with its stdout. */
export function runPeer(args: string[], opts: PeerOptions = {}): Promise<string> {
  const root = repoRoot();
  const python = peerPython();
  const script = join(root, PEER_SCRIPT);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  return new Promise<string>((resolvePromise, reject) => {
    const child = spawn(python, [script, ...args], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: Error) => {
      clearTimeout(timer);
      reject(new Error(`python-peer: cannot start ${python}: ${e.message}`));
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const command = `nautilus_peer.py ${args.join(' ')}`;
      if (timedOut) {
        reject(new Error(`python-peer: ${command} timed out after ${timeoutMs} ms\n${stderr}`));
      } else if (code !== 0) {
        const how = code === null ? `signal ${signal ?? '?'}` : `exit code ${code}`;
        reject(new Error(`python-peer: ${command} failed with ${how}\n${stderr}`));
      } else {
        resolvePromise(Buffer.concat(out).toString('utf8'));
      }
    });
  });
}

/** The peer's non-empty stdout lines (NDJSON output: one object per line, as printed). */
export async function peerNdjson(args: string[], opts: PeerOptions = {}): Promise<string[]> {
  const stdout = await runPeer(args, opts);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** The peer's stdout parsed as a single JSON value. */
export async function peerJson<T>(args: string[], opts: PeerOptions = {}): Promise<T> {
  const stdout = await runPeer(args, opts);
  try {
    return JSON.parse(stdout) as T;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`python-peer: nautilus_peer.py ${args.join(' ')} printed invalid JSON (${reason}): ${stdout.slice(0, 500)}`);
  }
}
