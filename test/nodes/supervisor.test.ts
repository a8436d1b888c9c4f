// The supervisor with real runner processes (NautilusTrader 1.221.0 in .venv): a node killed
// from outside is reported with its signal and last log lines; a stop is graceful; nodes
// outlive a closed supervisor and are re-attached by the next one; records of nodes that ended
// unwatched are settled, and a reused pid is not mistaken for a node.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/nodes/config-check.js';
import { NodeError } from '../../src/nodes/errors.js';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { isSameProcess, readProcStat } from '../../src/nodes/proc-stat.js';
import { RunStore, newId } from '../../src/nodes/run-store.js';
import { type NodeEvent, NodeSupervisor } from '../../src/nodes/supervisor.js';
import { demoCatalog, emaConfig, longCatalog, tempDir } from './fixtures.js';

/** Resolves with the first event that satisfies `match`. */
function nextEvent(supervisor: NodeSupervisor, id: string, match: (e: NodeEvent) => boolean): Promise<NodeEvent> {
  return new Promise((resolve) => {
    const off = supervisor.subscribe(id, (event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
}

describe('node supervisor', () => {
  let dir: { path: string; remove(): Promise<void> };
  let demo: string;
  let long: string;
  let longer: string;
  before(async () => {
    dir = await tempDir('supervisor');
    demo = await demoCatalog(join(dir.path, 'demo'));
    long = await longCatalog(join(dir.path, 'long'), 10);
    // Ten days can run in about a second; the stop must land while the run still has far to go.
    longer = await longCatalog(join(dir.path, 'longer'), 60);
  });
  after(() => dir.remove());

  it('reports a node killed from outside with its signal and last log lines', async () => {
    const supervisor = await NodeSupervisor.open({ stateDir: join(dir.path, 'state-kill'), sampleIntervalMs: 200 });
    try {
      const record = await supervisor.start({ config: resolveConfig(emaConfig({ logLevel: 'INFO' }), demo) });
      assert.ok(record.pid !== undefined && record.procStartTicks !== undefined);
      await nextEvent(supervisor, record.id, (e) => e.type === 'log');
      process.kill(record.pid, 'SIGKILL');
      const end = await supervisor.waitForEnd(record.id);
      assert.equal(end.state, 'failed');
      assert.equal(end.signal, 'SIGKILL');
      assert.match(end.error?.message ?? '', /ended without a result \(killed by SIGKILL\)/);
      assert.ok(end.lastLogLines.length > 0, 'the last log lines are kept');
      assert.ok(end.lastLogLines.some((l) => l.startsWith('INFO ')), end.lastLogLines.join('\n'));
      const stored = (await supervisor.store.loadNodes()).records.find((r) => r.id === record.id);
      assert.equal(stored?.state, 'failed', 'the end is persisted');
    } finally {
      await supervisor.close({ stopNodes: true });
    }
  });

  it('stops a running node gracefully and refuses to stop it twice', async () => {
    const supervisor = await NodeSupervisor.open({ stateDir: join(dir.path, 'state-stop'), stopTimeoutMs: 20_000 });
    try {
      // 2024-01-02T00:01Z .. 2024-03-02T00:00Z, the 60 days of bars.
      const record = await supervisor.start({ config: resolveConfig(emaConfig(), longer), window: { start: 1704153660000000000n, end: 1709337600000000000n } });
      await nextEvent(supervisor, record.id, (e) => e.type === 'progress' && (e.progress.fraction ?? 0) > 0);
      const stopping = await supervisor.stop(record.id);
      assert.equal(stopping.state, 'stopping');
      const end = await supervisor.waitForEnd(record.id);
      assert.equal(end.state, 'stopped');
      assert.equal(end.exitCode, 0, 'the runner unwound and exited by itself');
      assert.equal(end.note, undefined, 'no SIGKILL was needed');
      assert.ok((end.progress?.fraction ?? 1) < 1, 'it stopped before the end of the window');
      await assert.rejects(supervisor.stop(record.id), (e: NodeError) => e.code === 'NODE_NOT_RUNNING');
    } finally {
      await supervisor.close({ stopNodes: true });
    }
  });

  it('leaves nodes running on close and re-attaches them on the next open', async () => {
    const stateDir = join(dir.path, 'state-restart');
    const first = await NodeSupervisor.open({ stateDir });
    const record = await first.start({ config: resolveConfig(emaConfig(), long), window: { start: 1704153660000000000n, end: 1705017600000000000n } });
    await nextEvent(first, record.id, (e) => e.type === 'progress');
    await first.close(); // the gateway "crashes": nobody follows the node now
    assert.equal(await isSameProcess(record.pid!, record.procStartTicks!), true, 'the node still runs');

    const second = await NodeSupervisor.open({ stateDir, sampleIntervalMs: 200 });
    try {
      const again = second.get(record.id);
      assert.equal(again.reattached, true);
      assert.equal(again.note, 're-attached after a gateway restart');
      const end = await second.waitForEnd(record.id);
      assert.equal(end.state, 'finished', JSON.stringify(end));
      assert.ok(end.summary && typeof end.summary['total_orders'] === 'number');
      assert.equal(end.progress?.fraction, 1);
    } finally {
      await second.close({ stopNodes: true });
    }
  });

  it('settles records of nodes that ended unwatched and does not trust a reused pid', async () => {
    const stateDir = join(dir.path, 'state-orphans');
    const store = new RunStore(stateDir);
    const me = await readProcStat(process.pid);
    const base = (patch: Partial<NodeRecord>): NodeRecord => ({
      id: newId('bt'),
      kind: 'backtest',
      state: 'running',
      createdAt: new Date().toISOString(),
      progress: null,
      sample: null,
      lastLogLines: [],
      ...patch,
    });
    // pid of this test process, but another start time: a stranger that reused the pid.
    const reused = base({ pid: process.pid, procStartTicks: String(Number(me!.startTicks) + 1) });
    await store.createNode(reused, '{}');
    await writeFile(store.file(reused.id, 'events.ndjson'), '{"type":"state","state":"running"}\n{"type":"log","level":"INFO","component":"X","sim_ts":null,"message":"last words"}\n');
    // A node that finished while the gateway was down: its output holds the end.
    const done = base({ pid: 2 ** 22 + 4242, procStartTicks: '1' });
    await store.createNode(done, '{}');
    await writeFile(store.file(done.id, 'events.ndjson'), '{"type":"result","path":"r.json","summary":{"total_orders":7}}\n{"type":"state","state":"finished"}\n');

    const supervisor = await NodeSupervisor.open({ stateDir });
    try {
      const lost = supervisor.get(reused.id);
      assert.equal(lost.state, 'lost');
      assert.equal(lost.reattached, false);
      assert.match(lost.note ?? '', /ended while the gateway was down, without reporting an end; its exit status is unknown/);
      assert.deepEqual(lost.lastLogLines, ['INFO X: last words']);
      const finished = supervisor.get(done.id);
      assert.equal(finished.state, 'finished');
      assert.deepEqual(finished.summary, { total_orders: 7 });
      assert.equal(finished.note, 'ended while the gateway was down');
    } finally {
      await supervisor.close();
    }
  });
});
