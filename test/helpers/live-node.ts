/**
 * A live process recorded as a running backtest node in a state folder, as a gateway that
 * started it would leave it: the supervisor of a later command re-attaches it.
 */
import assert from 'node:assert/strict';
import type { NodeRecord } from '../../src/nodes/node-record.js';
import { readProcStat } from '../../src/nodes/proc-stat.js';
import { RunStore, newId } from '../../src/nodes/run-store.js';

/** Records `pid` as a running node under `stateDir`; returns the record and its start ticks. */
export async function recordRunningNode(stateDir: string, pid: number): Promise<{ record: NodeRecord; startTicks: string }> {
  const stat = await readProcStat(pid);
  assert.ok(stat, `no process ${pid}`);
  const record: NodeRecord = { id: newId('bt'), kind: 'backtest', state: 'running', createdAt: new Date().toISOString(), pid, procStartTicks: stat.startTicks, progress: null, sample: null, lastLogLines: [] };
  await new RunStore(stateDir).createNode(record, '{}');
  return { record, startTicks: stat.startTicks };
}
