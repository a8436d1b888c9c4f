/**
 * `seamless backtest` through `main()` without Python: a command sharing the state folder with
 * a gateway leaves the gateway's nodes running.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { isSameProcess, readProcStat } from '../../src/nodes/proc-stat.js';
import { RunStore, newId } from '../../src/nodes/run-store.js';
import { run } from '../helpers/cli-run.js';
import { emaConfig, tempDir } from '../nodes/fixtures.js';

function record(patch: Partial<NodeRecord>): NodeRecord {
  return { id: newId('bt'), kind: 'backtest', state: 'finished', createdAt: new Date().toISOString(), progress: null, sample: null, lastLogLines: [], ...patch };
}

describe('seamless backtest beside a gateway', () => {
  let dir: { path: string; remove(): Promise<void> };
  let gatewayNode: ChildProcess;
  before(async () => {
    dir = await tempDir('backtest-cli-shared');
  });
  after(async () => {
    gatewayNode?.kill('SIGKILL');
    await dir.remove();
  });

  it("leaves the nodes it did not start running when it ends", async () => {
    // A node the gateway runs: any long process recorded as live in the shared state folder.
    const state = join(dir.path, 'state');
    gatewayNode = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = gatewayNode.pid!;
    const stat = await readProcStat(pid);
    const store = new RunStore(state);
    const node = record({ state: 'running', pid, procStartTicks: stat!.startTicks });
    await store.createNode(node, '{}');
    await writeFile(store.file(node.id, 'events.ndjson'), '{"type":"state","state":"running"}\n');
    const config = join(dir.path, 'ema.json');
    await writeFile(config, JSON.stringify(emaConfig()));

    // The command opens its supervisor on the folder (re-attaching that node), fails, and closes.
    const result = await run('backtest', 'grid', config, '--param', 'engine.nothing.here=1,2', '--state', state, '--catalog', dir.path);
    assert.equal(result.code, 1);
    assert.match(result.err, /\[BAD_PARAM\]/);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a SIGTERM would have landed by now
    assert.equal(await isSameProcess(pid, stat!.startTicks), true, "the gateway's node still runs");
    assert.equal(gatewayNode.exitCode, null);
    assert.equal(gatewayNode.signalCode, null);
  });
});
