/**
 * `seamless gateway` and `seamless start` as a user runs them: child processes on a free
 * port, printing the URL (and the token only when they create it), serving over a real
 * socket, refusing an unsafe token file, and stopping cleanly on SIGTERM and SIGINT.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDemoCatalog } from '../../src/cli/demo-catalog.js';
import { isSameProcess } from '../../src/nodes/proc-stat.js';
import { recordRunningNode } from '../helpers/live-node.js';
import { withLiveProcess } from '../helpers/live-process.js';
import { tempDir } from '../helpers/paths.js';
import { BARS } from './gateway-setup.js';
import { runToExit, startGatewayProcess } from './gateway-process.js';

describe('seamless gateway / start (child processes)', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let catalog: string;
  before(async () => {
    dir = await tempDir('seamless-gateway-cli-');
    catalog = join(dir.path, 'catalog');
    await createDemoCatalog(catalog);
  });
  after(async () => dir.remove());

  it('prints its URL and the new token once, serves, and stops on SIGTERM', async () => {
    const gateway = await startGatewayProcess(['gateway', '--catalog', catalog, '--port', '0']);
    let stopped = false;
    try {
      assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const tokenPath = join(catalog, '.seamless', 'gateway.token');
      const token = (await readFile(tokenPath, 'utf8')).trim();
      assert.equal((await stat(tokenPath)).mode & 0o777, 0o600);
      assert.ok(gateway.stdout().includes(`created the gateway token in ${tokenPath}`));
      assert.equal(gateway.stdout().split(token).length - 1, 1, 'the token is printed exactly once');

      const health = await fetch(`${gateway.url}/health`);
      assert.equal(health.status, 200);
      const rows = await fetch(`${gateway.url}/v1/catalog/bar/${BARS}/rows?limit=2`);
      assert.equal((await rows.text()).trim().split('\n').length, 2);
      const refused = await fetch(`${gateway.url}/v1/catalog/bar/${BARS}/consolidate`, { method: 'POST' });
      assert.equal(refused.status, 401);
      const accepted = await fetch(`${gateway.url}/v1/catalog/bar/${BARS}/consolidate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(accepted.status, 200, await accepted.clone().text());
      // The node routes are wired in, under the same auth: listing is open, running needs the token.
      const runs = await fetch(`${gateway.url}/v1/backtests`);
      assert.deepEqual(await runs.json(), { runs: [] });
      const unauthorizedRun = await fetch(`${gateway.url}/v1/backtests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"config":{}}' });
      assert.equal(unauthorizedRun.status, 401);

      stopped = true;
      assert.equal(await gateway.stop('SIGTERM'), 0);
      assert.match(gateway.stdout(), /gateway stopped \(SIGTERM\)/);
      assert.equal(gateway.stderr(), '');
    } finally {
      if (!stopped) await gateway.stop('SIGKILL');
    }

    // Second run: the same token, not printed again; a damaged node record is named on stderr.
    const damaged = join(catalog, '.seamless', 'nodes', 'bt-20240102-030405-a1b2c3');
    await mkdir(damaged, { recursive: true });
    await writeFile(join(damaged, 'record.json'), '{');
    const again = await startGatewayProcess(['gateway', '--catalog', catalog, '--port', '0']);
    try {
      const token = (await readFile(join(catalog, '.seamless', 'gateway.token'), 'utf8')).trim();
      assert.ok(!again.stdout().includes(token), 'the token is not printed again');
      assert.match(again.stdout(), /gateway token: in /);
    } finally {
      assert.equal(await again.stop('SIGINT'), 0);
      await rm(damaged, { recursive: true });
    }
    assert.match(again.stderr(), /^seamless: skipped an unreadable node record: \S+\/bt-20240102-030405-a1b2c3\/record\.json: .+\n$/);
  });

  it('stops cleanly on a signal sent the moment it prints its URL (the ready line is printed after the handlers are in)', async () => {
    // Whoever waits for the ready line may signal before this process runs another statement;
    // when the line came first, about half of these runs died of the default signal action.
    const codes: Array<number | null> = [];
    for (let run = 0; run < 8; run++) {
      const gateway = await startGatewayProcess(['gateway', '--catalog', catalog, '--port', '0']);
      codes.push(await gateway.stop(run % 2 === 0 ? 'SIGTERM' : 'SIGINT'));
    }
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses to start with a token file others can read, and on a port in use', async () => {
    const tokenFile = join(dir.path, 'shared.token');
    const first = await startGatewayProcess(['gateway', '--catalog', catalog, '--port', '0', '--token-file', tokenFile]);
    try {
      await chmod(tokenFile, 0o644);
      const refused = await runToExit(['gateway', '--catalog', catalog, '--port', '0', '--token-file', tokenFile]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /can be accessed by other users \(mode 644\); run `chmod 600 /);
      assert.doesNotMatch(refused.stdout, /listening/);
      await chmod(tokenFile, 0o600);
      const port = new URL(first.url).port;
      const busy = await runToExit(['gateway', '--catalog', catalog, '--port', port, '--token-file', tokenFile]);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`port ${port} on 127.0.0.1 is in use`));
    } finally {
      assert.equal(await first.stop(), 0);
    }
    const badPort = await runToExit(['gateway', '--catalog', catalog, '--port', '70000']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer in 0\.\.65535/);
  });

  it('exits when the gateway cannot be built after re-attaching a node, and leaves the node running', async () => {
    const broken = join(dir.path, 'broken');
    await createDemoCatalog(broken);
    for (const type of ['bar', 'trade_tick', 'quote_tick']) {
      const root = join(broken, 'data', type);
      for (const series of await readdir(root).catch(() => [])) {
        for (const file of await readdir(join(root, series))) await writeFile(join(root, series, file), 'garbage');
      }
    }
    // A node left running by an earlier gateway: any live process recorded in the state folder.
    await withLiveProcess(async (pid) => {
      const { startTicks } = await recordRunningNode(join(broken, '.seamless'), pid);
      const exited = await runToExit(['gateway', '--catalog', broken, '--port', '0']);
      assert.equal(exited.code, 1, `exits instead of hanging on the re-attached node's timers; stderr: ${exited.stderr}`);
      assert.match(exited.stderr, /too short to be Parquet .*\[CATALOG_CORRUPT_FILE\]/);
      assert.equal(await isSameProcess(pid, startTicks), true, 'the node still runs');
    });
  });

  it('start creates the demo catalog, prints the summary, then runs the gateway over it', async () => {
    const fresh = join(dir.path, 'fresh');
    const start = await startGatewayProcess(['start', '--catalog', fresh, '--port', '0']);
    try {
      const out = start.stdout();
      assert.match(out, /created a demo catalog/);
      assert.match(out, /bar\s+BTCUSDT\.BINANCE-1-MINUTE-LAST-EXTERNAL\s+1\s+2024-01-02T00:01:00\.000000000Z/);
      assert.match(out, /created the gateway token/);
      assert.ok(out.indexOf('created a demo catalog') < out.indexOf('gateway listening on'), 'summary first, then the URL');
      const listing = (await (await fetch(`${start.url}/v1/catalog`)).json()) as { entries: Array<{ type: string }> };
      assert.ok(listing.entries.some((e) => e.type === 'bar'));
    } finally {
      assert.equal(await start.stop('SIGINT'), 0);
    }
    assert.match(start.stdout(), /gateway stopped \(SIGINT\)/);
  });
});

describe('seamless gateway / start --help', () => {
  it('prints the usage instead of starting a server', async () => {
    const { run } = await import('../helpers/cli-run.js');
    const gateway = await run('gateway', '--help');
    assert.equal(gateway.code, 0);
    assert.match(gateway.out, /seamless gateway \[--catalog PATH\] \[--host 127\.0\.0\.1\] \[--port 8470\]/);
    const start = await run('start', '--help');
    assert.equal(start.code, 0);
    assert.match(start.out, /--summary-only stops after the summary/);
  });
});
