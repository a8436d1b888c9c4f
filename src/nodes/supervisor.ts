/**
 * The node supervisor: starts each node as a Python process in .venv running
 * python/seamless_runner.py, follows its JSON-lines protocol, samples its CPU and memory, stops
 * it gracefully (SIGTERM, then SIGKILL after a timeout) and keeps a persisted record of it.
 *
 * A node's stdout is a file, not a pipe, and the process runs in its own process group: a
 * gateway crash neither kills it nor loses its output. On `open`, every record still marked
 * live is checked against /proc (pid plus start time, since pids are reused): a node still
 * running is re-attached (its output is followed again and its end detected by polling), and
 * one that ended unwatched is settled from what it wrote — finished, failed, or `lost` when it
 * left no final word. Nothing is orphaned silently.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { open as openFile, readFile } from 'node:fs/promises';
import { NodeError } from './errors.js';
import { type JsonObject, stringifyJson } from './json-value.js';
import { LineTail } from './line-tail.js';
import { type NodeProgress, type NodeRecord, type NodeState, isTerminal } from './node-record.js';
import { type ProcessSample, ProcessSampler, isSameProcess, readProcStat } from './proc-stat.js';
import { nodePython, pythonScript } from './python-env.js';
import { RunStore, checkId, newId } from './run-store.js';
import { type RunnerLine, formatLog, parseRunnerLine } from './runner-protocol.js';

export interface NodeSupervisorOptions {
  /** Folder for records, configs, outputs and results (see run-store.ts). */
  readonly stateDir: string;
  /** The Python with NautilusTrader; default SEAMLESS_PYTHON, else .venv. */
  readonly python?: string;
  /** How long a stopped node may take before SIGKILL (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** CPU/memory sampling and liveness polling interval (default 1 s). */
  readonly sampleIntervalMs?: number;
  /** Progress reports (and equity samples) across the data window (default 100). */
  readonly progressSamples?: number;
}

export type NodeEvent =
  | { readonly type: 'state'; readonly state: NodeState }
  | { readonly type: 'progress'; readonly progress: NodeProgress }
  | { readonly type: 'log'; readonly level: string; readonly component: string | null; readonly simTs: string | null; readonly message: string }
  | { readonly type: 'sample'; readonly sample: ProcessSample }
  | { readonly type: 'result'; readonly summary: Record<string, unknown> }
  | { readonly type: 'end'; readonly record: NodeRecord };

export interface StartInput {
  /** The resolved BacktestRunConfig (see config-check.ts). */
  readonly config: JsonObject;
  /** The data window, for progress fractions. */
  readonly window?: { readonly start: bigint; readonly end: bigint };
  readonly name?: string;
  readonly gridId?: string;
  readonly params?: Record<string, unknown>;
}

const LOG_RING = 200;
const LAST_LINES = 20;
const PERSIST_EVERY_MS = 2000;

/** A node this supervisor follows (spawned by it, or re-attached after a restart). */
interface LiveNode {
  record: NodeRecord;
  readonly child: ChildProcess | undefined;
  readonly tail: LineTail;
  readonly sampler: ProcessSampler | undefined;
  readonly emitter: EventEmitter;
  readonly logs: string[];
  runnerFinal: 'finished' | 'stopped' | 'failed' | undefined;
  sampleTimer: NodeJS.Timeout | undefined;
  killTimer: NodeJS.Timeout | undefined;
  persistTimer: NodeJS.Timeout | undefined;
  settling: boolean;
  readonly ended: Promise<NodeRecord>;
  resolveEnded(record: NodeRecord): void;
}

export class NodeSupervisor {
  readonly store: RunStore;
  private readonly records = new Map<string, NodeRecord>();
  private readonly live = new Map<string, LiveNode>();
  private readonly stopTimeoutMs: number;
  private readonly sampleIntervalMs: number;
  private closed = false;
  /** Problems met while loading records (unreadable files), for the gateway to log. */
  loadProblems: string[] = [];

  private constructor(readonly options: NodeSupervisorOptions) {
    this.store = new RunStore(options.stateDir);
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.sampleIntervalMs = options.sampleIntervalMs ?? 1000;
  }

  /** Opens the state folder: loads records, re-attaches running nodes, settles the rest. */
  static async open(options: NodeSupervisorOptions): Promise<NodeSupervisor> {
    const supervisor = new NodeSupervisor(options);
    const { records, problems } = await supervisor.store.loadNodes();
    supervisor.loadProblems = problems;
    for (const record of records) {
      supervisor.records.set(record.id, record);
      if (!isTerminal(record.state)) await supervisor.recover(record);
    }
    return supervisor;
  }

  /** Every record, newest first. */
  list(filter: { gridId?: string } = {}): NodeRecord[] {
    const all = [...this.records.values()].filter((r) => filter.gridId === undefined || r.gridId === filter.gridId);
    return all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  /**
   * Returns the record of a node.
   *
   * Throws NodeError BAD_ID for a malformed id, NODE_NOT_FOUND for an unknown one.
   */
  get(id: string): NodeRecord {
    const record = this.records.get(checkId(id, 'bt'));
    if (!record) throw new NodeError('NODE_NOT_FOUND', `no node ${id}; list nodes with GET /nodes or \`seamless backtest ls\``);
    return record;
  }

  /** Starts a runner for a checked config; resolves once the process is spawned. */
  async start(input: StartInput): Promise<NodeRecord> {
    if (this.closed) throw new NodeError('NODE_START_FAILED', 'the supervisor is closed');
    const id = newId('bt');
    const record: NodeRecord = {
      id,
      kind: 'backtest',
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.gridId === undefined ? {} : { gridId: input.gridId }),
      ...(input.params === undefined ? {} : { params: input.params }),
      state: 'starting',
      createdAt: new Date().toISOString(),
      progress: null,
      sample: null,
      lastLogLines: [],
      ...(input.window ? { window: { start: input.window.start.toString(), end: input.window.end.toString() } } : {}),
    };
    await this.store.createNode(record, stringifyJson(input.config));
    this.records.set(id, record);

    const args = [pythonScript('seamless_runner.py'), '--config', this.store.file(id, 'config.json'), '--results', this.store.file(id, 'results.json')];
    if (input.window) args.push('--window-start', input.window.start.toString(), '--window-end', input.window.end.toString());
    args.push('--samples', String(this.options.progressSamples ?? 100));

    // stdout and stderr are files, so the node survives (and keeps reporting through) a gateway crash.
    const events = await openFile(this.store.file(id, 'events.ndjson'), 'a');
    const stderr = await openFile(this.store.file(id, 'stderr.log'), 'a');
    let child: ChildProcess;
    try {
      child = spawn(nodePython(this.options.python), args, { cwd: this.store.nodeDir(id), detached: true, stdio: ['ignore', events.fd, stderr.fd] });
    } finally {
      await events.close();
      await stderr.close();
    }
    const node = this.follow(record, child);
    child.on('error', (error) => {
      node.record = { ...node.record, error: { message: `cannot start ${nodePython(this.options.python)}: ${error.message}` } };
      void this.settle(node, { code: null, signal: null });
    });
    child.on('exit', (code, signal) => void this.settle(node, { code, signal }));
    if (child.pid !== undefined) {
      const stat = await readProcStat(child.pid);
      this.update(node, { pid: child.pid, startedAt: new Date().toISOString(), ...(stat ? { procStartTicks: stat.startTicks } : {}) }, true);
    }
    return node.record;
  }

  /**
   * Asks a node to stop: SIGTERM (the runner unwinds and reports `stopped`), then SIGKILL after
   * the stop timeout. Resolves with the record once the stop is under way.
   *
   * Throws NodeError NODE_NOT_FOUND, or NODE_NOT_RUNNING when the node already ended.
   */
  async stop(id: string): Promise<NodeRecord> {
    const record = this.get(id);
    const node = this.live.get(id);
    if (!node || isTerminal(record.state) || record.pid === undefined) {
      throw new NodeError('NODE_NOT_RUNNING', `node ${id} is not running (state ${record.state})`);
    }
    if (node.record.stopRequested) return node.record;
    const pid = record.pid;
    this.update(node, { stopRequested: true, state: 'stopping' }, true);
    this.signal(pid, 'SIGTERM');
    node.killTimer = setTimeout(() => {
      void (async () => {
        // A re-attached node is not our child: make sure the pid is still that process.
        if (node.child || (record.procStartTicks !== undefined && (await isSameProcess(pid, record.procStartTicks)))) this.signal(pid, 'SIGKILL');
      })();
    }, this.stopTimeoutMs);
    return node.record;
  }

  /** Resolves with the final record once the node has ended. */
  waitForEnd(id: string): Promise<NodeRecord> {
    const record = this.get(id);
    const node = this.live.get(id);
    return node ? node.ended : Promise.resolve(record);
  }

  /** Subscribes to a node's events; returns the unsubscribe function (a no-op for ended nodes). */
  subscribe(id: string, listener: (event: NodeEvent) => void): () => void {
    this.get(id);
    const node = this.live.get(id);
    if (!node) return () => {};
    node.emitter.on('event', listener);
    return () => node.emitter.off('event', listener);
  }

  /** The last `n` log lines of a node, from memory while it runs, else from its output file. */
  async recentLogs(id: string, n = 50): Promise<string[]> {
    this.get(id);
    const node = this.live.get(id);
    if (node) return node.logs.slice(-n);
    const text = await readFile(this.store.file(id, 'events.ndjson'), 'utf8').catch(() => '');
    const lines: string[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      const line = parseRunnerLine(raw);
      if (line.type === 'log') lines.push(formatLog(line));
    }
    return lines.slice(-n);
  }

  /**
   * Ids of the live nodes this supervisor spawned itself, not the ones it re-attached: what a
   * command sharing the state folder with a gateway may stop without touching the gateway's.
   */
  spawnedLive(): string[] {
    return [...this.live.values()].filter((node) => node.child !== undefined).map((node) => node.record.id);
  }

  /**
   * Stops following nodes. With `stopNodes: true`, stops every live node and waits for the
   * ends; with `'spawned'`, only the ones `spawnedLive` names. Nodes left running keep
   * running and the next `open` re-attaches them.
   */
  async close(options: { stopNodes?: boolean | 'spawned' } = {}): Promise<void> {
    this.closed = true; // no new starts while the stops below are under way
    if (options.stopNodes) {
      const ends = [...this.live.values()]
        .filter((node) => options.stopNodes === true || node.child !== undefined)
        .map((node) => {
          if (!node.record.stopRequested) void this.stop(node.record.id).catch(() => {});
          return node.ended;
        });
      await Promise.all(ends); // each ended node leaves `live` as it settles
    }
    for (const node of this.live.values()) {
      this.clearTimers(node);
      node.child?.removeAllListeners('exit');
      node.child?.unref();
      await node.tail.stop();
      await this.store.saveNode(node.record);
      node.resolveEnded(node.record); // waiters wake with a live state: nobody follows the node now
    }
    this.live.clear();
  }

  // ---------------------------------------------------------------------------------------------

  /** Begins following a node's output and process. */
  private follow(record: NodeRecord, child: ChildProcess | undefined, pid?: number): LiveNode {
    let resolveEnded!: (record: NodeRecord) => void;
    const ended = new Promise<NodeRecord>((resolve) => (resolveEnded = resolve));
    const samplerPid = child?.pid ?? pid;
    const node: LiveNode = {
      record,
      child,
      tail: new LineTail(this.store.file(record.id, 'events.ndjson'), (line) => this.onLine(node, parseRunnerLine(line))),
      sampler: samplerPid === undefined ? undefined : new ProcessSampler(samplerPid),
      emitter: new EventEmitter(),
      logs: [],
      runnerFinal: undefined,
      sampleTimer: undefined,
      killTimer: undefined,
      persistTimer: undefined,
      settling: false,
      ended,
      resolveEnded,
    };
    node.emitter.setMaxListeners(0);
    this.live.set(record.id, node);
    node.tail.start();
    node.sampleTimer = setInterval(() => void this.sample(node), this.sampleIntervalMs);
    return node;
  }

  private onLine(node: LiveNode, line: RunnerLine): void {
    switch (line.type) {
      case 'hello':
        this.update(node, { nautilusTrader: line.nautilus_trader });
        break;
      case 'state':
        if (line.state === 'finished' || line.state === 'stopped' || line.state === 'failed') node.runnerFinal = line.state;
        else if (!isTerminal(node.record.state) && !(node.record.stopRequested && line.state !== 'stopping')) {
          this.update(node, { state: line.state }, true);
          this.emit(node, { type: 'state', state: line.state });
        }
        break;
      case 'progress': {
        const progress = { fraction: line.fraction, simTs: line.sim_ts };
        this.update(node, { progress, ...(node.record.firstProgressAt ? {} : { firstProgressAt: new Date().toISOString() }) });
        this.emit(node, { type: 'progress', progress });
        break;
      }
      case 'log':
        node.logs.push(formatLog(line));
        if (node.logs.length > LOG_RING) node.logs.splice(0, node.logs.length - LOG_RING);
        this.emit(node, { type: 'log', level: line.level, component: line.component, simTs: line.sim_ts, message: line.message });
        break;
      case 'result':
        this.update(node, { summary: line.summary }, true);
        this.emit(node, { type: 'result', summary: line.summary });
        break;
      case 'error':
        this.update(node, { error: { message: line.message, traceback: line.traceback } }, true);
        break;
    }
  }

  private async sample(node: LiveNode): Promise<void> {
    if (!node.sampler || node.settling) return;
    const sample = await node.sampler.sample();
    if (sample) {
      this.update(node, { sample, peakRssBytes: Math.max(node.record.peakRssBytes ?? 0, sample.rssBytes) });
      this.emit(node, { type: 'sample', sample });
    } else if (!node.child) {
      // A re-attached node is not our child, so no exit event comes: its absence is the end.
      await this.settle(node, undefined);
    }
  }

  /** Decides how a node ended, persists it, and tells listeners. `exit` is undefined when unknown. */
  private async settle(node: LiveNode, exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): Promise<void> {
    if (node.settling) return;
    node.settling = true;
    this.clearTimers(node);
    await node.tail.stop(); // the last lines may land after the exit event
    const r = node.record;
    const final = node.runnerFinal;
    let state: NodeState;
    let note = r.note;
    if (final === 'finished' && (exit === undefined || exit.code === 0)) state = 'finished';
    else if (r.stopRequested) {
      state = 'stopped';
      if (exit?.signal === 'SIGKILL') note = `killed with SIGKILL after the ${this.stopTimeoutMs} ms stop timeout`;
    } else if (final === 'stopped') {
      state = 'stopped';
      note = 'stopped by a signal from outside the supervisor';
    } else if (final === 'failed' || exit !== undefined) state = 'failed';
    else {
      state = 'lost';
      note = r.reattached
        ? 're-attached after a gateway restart, then the process ended without reporting an end; its exit status is unknown'
        : 'the process ended while the gateway was down, without reporting an end; its exit status is unknown';
    }
    const how = exit === undefined ? 'exit status unknown' : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    const failed = state === 'failed' || state === 'lost';
    const stderrTail = failed ? await this.stderrTail(r.id) : [];
    const error = state === 'failed' && !r.error ? { message: `the runner ended without a result (${how})` } : r.error;
    const patch: Partial<NodeRecord> = {
      state,
      endedAt: new Date().toISOString(),
      ...(exit === undefined ? {} : { exitCode: exit.code, signal: exit.signal }),
      ...(error ? { error: state === 'failed' && exit?.signal && !r.stopRequested ? { ...error, message: `${error.message} (${how})` } : error } : {}),
      ...(note === undefined ? {} : { note }),
      lastLogLines: failed ? [...node.logs.slice(-LAST_LINES), ...stderrTail].slice(-LAST_LINES) : [],
    };
    this.update(node, patch);
    await this.store.saveNode(node.record);
    this.live.delete(r.id);
    this.emit(node, { type: 'state', state });
    this.emit(node, { type: 'end', record: node.record });
    node.resolveEnded(node.record);
  }

  /** After a restart: re-attach a node that still runs, settle one that ended unwatched. */
  private async recover(record: NodeRecord): Promise<void> {
    const alive = record.pid !== undefined && record.procStartTicks !== undefined && (await isSameProcess(record.pid, record.procStartTicks));
    const note = alive ? 're-attached after a gateway restart' : 'ended while the gateway was down';
    const node = this.follow({ ...record, note, reattached: alive }, undefined, alive ? record.pid : undefined);
    await node.tail.drain();
    if (!alive) await this.settle(node, undefined);
    else await this.store.saveNode(node.record);
  }

  private update(node: LiveNode, patch: Partial<NodeRecord>, persistNow = false): void {
    node.record = { ...node.record, ...patch };
    this.records.set(node.record.id, node.record);
    if (persistNow) {
      void this.store.saveNode(node.record);
    } else if (!node.persistTimer) {
      node.persistTimer = setTimeout(() => {
        node.persistTimer = undefined;
        if (!node.settling) void this.store.saveNode(node.record);
      }, PERSIST_EVERY_MS);
    }
  }

  private emit(node: LiveNode, event: NodeEvent): void {
    node.emitter.emit('event', event);
  }

  private clearTimers(node: LiveNode): void {
    for (const timer of [node.sampleTimer, node.killTimer, node.persistTimer]) if (timer) clearTimeout(timer);
    node.sampleTimer = node.killTimer = node.persistTimer = undefined;
  }

  private signal(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone: the exit (or the liveness poll) settles it
    }
  }

  private async stderrTail(id: string): Promise<string[]> {
    const text = await readFile(this.store.file(id, 'stderr.log'), 'utf8').catch(() => '');
    return text.trim() === '' ? [] : text.trim().split('\n').slice(-LAST_LINES).map((l) => `stderr: ${l}`);
  }
}
