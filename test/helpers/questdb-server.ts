/**
 * Starts a real QuestDB (the Maven Central jar fetched by scripts/setup/questdb.mjs) for one
 * test file: a fresh temp folder with its own `conf/server.conf`, free ports on 127.0.0.1 for
 * HTTP (ILP over HTTP and REST) and the PostgreSQL wire, and everything else switched off
 * (line TCP/UDP, the health-check server, metrics, telemetry). Parallel test files each get
 * their own instance.
 *
 *   const qdb = await startQuestDb();   // resolves once HTTP answers a query and PG accepts
 *   qdb.kill();                          // SIGKILL: an outage, folder and ports kept
 *   await qdb.restart();                 // same folder and ports: "comes back"
 *   await qdb.stop();                    // ends it and removes the folder
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.js';
import { freePort, terminate } from './ports.js';

export interface QuestDbServer {
  readonly host: string;
  readonly httpPort: number;
  readonly httpUrl: string;
  readonly pgPort: number;
  /** Milliseconds from spawning java to the first answered query, for the last (re)start. */
  readonly startupMs: number;
  /** Stops QuestDB (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
  /** Kills QuestDB abruptly (SIGKILL), keeping its folder: an outage. */
  kill(): Promise<void>;
  /** Starts QuestDB again on the same folder and ports, after `kill`. */
  restart(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcess>();
const folders = new Set<string>();

// A test process that ends without `stop()` (a failed `before`, a timeout's SIGTERM, ^C)
// must not leave JVMs or data folders behind.
function cleanUp(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    // Others listen (the test runner): they decide. Else the default action: exit.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** The jar path, from the setup script (which fetches it once when missing). */
async function questDbJar(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'setup', 'questdb.mjs')], { maxBuffer: 1 << 20 });
  return stdout.trim();
}

/** QuestDB's default, set explicitly: a value unique to this instance, which tells it apart. */
const workRoot = (root: string) => join(root, 'tmp');

function serverConf(root: string, httpPort: number, pgPort: number): string {
  return [
    `http.net.bind.to=${HOST}:${httpPort}`,
    `pg.net.bind.to=${HOST}:${pgPort}`,
    `cairo.sql.copy.work.root=${workRoot(root)}`,
    'http.min.enabled=false',
    'line.tcp.enabled=false',
    'line.udp.enabled=false',
    'metrics.enabled=false',
    'telemetry.enabled=false',
    // Two cores on the test machines: keep every pool small.
    'shared.worker.count=1',
    'wal.apply.worker.count=1',
    'mat.view.refresh.worker.count=1',
    '',
  ].join('\n');
}

/** Only errors and lifecycle (advisory) lines, on stdout, which the helper keeps in a file. */
const LOG_CONF = ['writers=stdout', 'w.stdout.class=io.questdb.log.LogConsoleWriter', 'w.stdout.level=ERROR,CRITICAL,ADVISORY', ''].join('\n');

function pgAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const IDENTITY_QUERY = "SELECT value FROM (SHOW PARAMETERS) WHERE property_path = 'cairo.sql.copy.work.root'";

/**
 * Who answers a query on `httpUrl`: nobody (yet), our QuestDB, or another server. A port can
 * be taken between choosing and binding it; java then takes seconds to give up, while the
 * other server answers at once. QuestDB binds PG before it serves HTTP, so "ours" on HTTP
 * also means the PG port is ours.
 */
async function whoAnswers(httpUrl: string, root: string): Promise<'nobody' | 'ours' | 'other'> {
  let text: string;
  try {
    const response = await fetch(`${httpUrl}/exec?query=${encodeURIComponent(IDENTITY_QUERY)}`, { signal: AbortSignal.timeout(2_000) });
    text = await response.text();
    if (!response.ok) return 'nobody';
  } catch {
    return 'nobody';
  }
  try {
    return JSON.stringify((JSON.parse(text) as { dataset?: unknown }).dataset) === JSON.stringify([[workRoot(root)]]) ? 'ours' : 'other';
  } catch {
    return 'other';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class LocalQuestDb implements QuestDbServer {
  readonly host = HOST;
  readonly httpUrl: string;
  startupMs = 0;
  private child: ChildProcess | undefined;

  constructor(
    private readonly jar: string,
    private readonly root: string,
    readonly httpPort: number,
    readonly pgPort: number,
  ) {
    this.httpUrl = `http://${HOST}:${httpPort}`;
  }

  /**
   * Spawns java and waits until it answers HTTP queries and PG accepts; rejects if java exits
   * first or another server holds the HTTP port.
   */
  async launch(): Promise<void> {
    const started = performance.now();
    const log = createWriteStream(join(this.root, 'stdout.log'), { flags: 'a' });
    const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
    const child = spawn(java, ['-Xms64m', '-Xmx512m', '-cp', this.jar, 'io.questdb.ServerMain', '-d', this.root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    running.add(child);
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      running.delete(child);
      exited = `exited with ${signal ?? code}`;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`QuestDB in ${this.root} ${exited} before it was ready:\n${await this.logTail()}`);
      const who = await whoAnswers(this.httpUrl, this.root);
      if (who === 'other') {
        await this.kill();
        throw new Error(`QuestDB in ${this.root}: another server answers on HTTP port ${this.httpPort}, which was taken after it was chosen`);
      }
      if (who === 'ours' && (await pgAccepts(this.pgPort)) && child.exitCode === null && child.signalCode === null) {
        this.startupMs = performance.now() - started;
        return;
      }
      await sleep(50);
    }
    await this.kill();
    throw new Error(`QuestDB in ${this.root} was not ready after ${READY_TIMEOUT_MS} ms:\n${await this.logTail()}`);
  }

  private async logTail(): Promise<string> {
    const text = await readFile(join(this.root, 'stdout.log'), 'utf8').catch(() => '');
    return text.split('\n').slice(-30).join('\n');
  }

  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.end('SIGKILL');
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM');
    await rm(this.root, { recursive: true, force: true });
    folders.delete(this.root);
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await terminate(child, signal, 10_000);
  }
}

/** Starts a fresh QuestDB in a temp folder on free ports; retries when a port was taken meanwhile. */
export async function startQuestDb(): Promise<QuestDbServer> {
  const jar = await questDbJar();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = await mkdtemp(join(tmpdir(), 'seamless-questdb-'));
    folders.add(root);
    // Below the ephemeral range (kill/restart reuse the ports), and two different ones.
    const httpPort = await freePort();
    const pgPort = await freePort([httpPort]);
    await mkdir(join(root, 'conf'));
    await writeFile(join(root, 'conf', 'server.conf'), serverConf(root, httpPort, pgPort));
    await writeFile(join(root, 'conf', 'log.conf'), LOG_CONF);
    const server = new LocalQuestDb(jar, root, httpPort, pgPort);
    try {
      await server.launch();
      return server;
    } catch (error) {
      lastError = error;
      await server.stop();
    }
  }
  throw new Error(`QuestDB: could not start after 3 attempts (each in a new folder, on new ports); last: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
