/**
 * Where nodes, runs and grids live on disk, so they survive a gateway restart:
 *
 *   <stateDir>/nodes/<id>/record.json     the NodeRecord (replaced atomically)
 *   <stateDir>/nodes/<id>/config.json     the resolved BacktestRunConfig the runner ran
 *   <stateDir>/nodes/<id>/events.ndjson   the runner's stdout: protocol lines, incl. logs
 *   <stateDir>/nodes/<id>/stderr.log      anything the runner wrote before it took over fd 2
 *   <stateDir>/nodes/<id>/results.json    statistics, orders, fills, positions, equity (runner)
 *   <stateDir>/grids/<id>.json            a GridRecord
 *
 * Ids are generated here and checked by pattern before any path is built, so an id from a URL
 * never escapes its folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readTextIfExists, replaceFile, writeSynced } from '../seamless/durable-write.js';
import { NodeError } from './errors.js';
import { type NodeRecord, nodeRecordSchema } from './node-record.js';

/**
 * `$SEAMLESS_STATE_DIR`, else `<catalog>/.seamless` — beside the gateway token, the coverage
 * ledger and the capture WAL, so the CLI and the gateway see the same runs for one catalog.
 */
export function defaultStateDir(catalogRoot: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env['SEAMLESS_STATE_DIR'];
  return resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(catalogRoot, '.seamless'));
}

const ID_PATTERN = /^(bt|grid)-\d{8}-\d{6}-[0-9a-f]{6}$/;

/** A new id like `bt-20240102-030405-a1b2c3` (sortable by creation time, unique by suffix). */
export function newId(prefix: 'bt' | 'grid', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Returns `id` when it is a well-formed id of the kind.
 *
 * Throws NodeError BAD_ID otherwise.
 */
export function checkId(id: string, prefix: 'bt' | 'grid'): string {
  if (!ID_PATTERN.test(id) || !id.startsWith(`${prefix}-`)) {
    throw new NodeError('BAD_ID', `not a ${prefix === 'bt' ? 'node/run' : 'grid'} id, was ${JSON.stringify(id.slice(0, 80))} (ids look like ${prefix}-20240102-030405-a1b2c3)`);
  }
  return id;
}

export class RunStore {
  private readonly writes = new Map<string, { latest: string | undefined; chain: Promise<void> }>();

  constructor(readonly stateDir: string) {}

  nodeDir(id: string): string {
    return join(this.stateDir, 'nodes', checkId(id, 'bt'));
  }

  file(id: string, name: 'record.json' | 'config.json' | 'events.ndjson' | 'stderr.log' | 'results.json'): string {
    return join(this.nodeDir(id), name);
  }

  /** Creates the node folder with its config and first record. */
  async createNode(record: NodeRecord, configJson: string): Promise<void> {
    const dir = this.nodeDir(record.id);
    await mkdir(dir, { recursive: true });
    await writeSynced(join(dir, 'config.json'), configJson);
    await this.saveNode(record);
  }

  /** Persists a record; writes of one node are serialized and coalesced to the latest. */
  saveNode(record: NodeRecord): Promise<void> {
    const dir = this.nodeDir(record.id);
    const text = `${JSON.stringify(record, null, 2)}\n`;
    let slot = this.writes.get(record.id);
    if (!slot) {
      slot = { latest: undefined, chain: Promise.resolve() };
      this.writes.set(record.id, slot);
    }
    const queued = slot.latest !== undefined;
    slot.latest = text;
    if (queued) return slot.chain; // the pending write will take the newest text
    const current = slot;
    current.chain = current.chain.then(async () => {
      const latest = current.latest;
      current.latest = undefined;
      if (latest !== undefined) await replaceFile(dir, 'record.json', latest);
    });
    return current.chain;
  }

  /** Every readable node record; unreadable ones are returned as problems, not thrown. */
  async loadNodes(): Promise<{ records: NodeRecord[]; problems: string[] }> {
    const root = join(this.stateDir, 'nodes');
    const names = await readdir(root).catch(() => [] as string[]);
    const records: NodeRecord[] = [];
    const problems: string[] = [];
    for (const name of names.filter((n) => ID_PATTERN.test(n)).sort()) {
      const path = join(root, name, 'record.json');
      try {
        records.push(nodeRecordSchema.parse(JSON.parse(await readFile(path, 'utf8'))));
      } catch (error) {
        problems.push(`${path}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return { records, problems };
  }

  /** The results JSON of a run, or undefined when it has none. */
  async readResults(id: string): Promise<unknown | undefined> {
    try {
      return JSON.parse(await readFile(this.file(id, 'results.json'), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  gridPath(id: string): string {
    return join(this.stateDir, 'grids', `${checkId(id, 'grid')}.json`);
  }

  async saveGrid(id: string, grid: unknown): Promise<void> {
    const dir = join(this.stateDir, 'grids');
    await mkdir(dir, { recursive: true });
    await replaceFile(dir, `${checkId(id, 'grid')}.json`, `${JSON.stringify(grid, null, 2)}\n`);
  }

  /**
   * The parsed grid record, or undefined when there is none.
   *
   * Throws NodeError STATE_UNREADABLE, naming the file, when it is not JSON.
   */
  async loadGrid(id: string): Promise<unknown | undefined> {
    const path = this.gridPath(id);
    const text = await readTextIfExists(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new NodeError('STATE_UNREADABLE', `unreadable grid record ${path}: ${reason}; move it out of the state folder or delete it (its runs stay as nodes)`);
    }
  }

  async listGridIds(): Promise<string[]> {
    const names = await readdir(join(this.stateDir, 'grids')).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((n) => ID_PATTERN.test(n)).sort();
  }
}
