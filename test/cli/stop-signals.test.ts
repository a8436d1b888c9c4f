/**
 * StopSignals in a real child process: a signal sent the moment the ready line appears stops
 * the verb cleanly (reported, not killed), and a second signal kills it the default way.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('../../src/cli/stop-signals.js', import.meta.url).href;
const SCRIPT = `
  import { StopSignals } from ${JSON.stringify(MODULE)};
  const stop = new StopSignals();
  const server = setInterval(() => {}, 1000); // what a verb serves keeps the process alive
  process.stdout.write('ready\\n');
  await stop.stopped();
  clearInterval(server);
  process.stdout.write('stopping after ' + stop.received + '\\n');
  await new Promise((resolve) => setTimeout(resolve, Number(process.argv[1])));
  process.stdout.write('stopped\\n');
`;

/** Runs the script, sends `signals` one by one, each once the previous line appeared. */
function run(lingerMs: number, signals: NodeJS.Signals[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, String(lingerMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sent = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n').length - 1;
      while (sent < signals.length && sent < lines) child.kill(signals[sent++]!);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('StopSignals', () => {
  it('stops on a signal sent at the ready line, and names it', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const result = await run(0, [signal]);
      assert.deepEqual(result, { code: 0, signal: null, out: `ready\nstopping after ${signal}\nstopped\n` });
    }
  });

  it('lets a second signal kill the process while it is stopping', async () => {
    const result = await run(10_000, ['SIGINT', 'SIGINT']);
    assert.deepEqual(result, { code: null, signal: 'SIGINT', out: 'ready\nstopping after SIGINT\n' });
  });
});
