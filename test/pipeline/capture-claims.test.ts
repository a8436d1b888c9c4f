/**
 * Two captures into one catalog: each series has one writer. A second `seamless capture` of a
 * series a live capture already records is refused before it touches the catalog, naming the
 * series and the process; a capture of other series runs beside it; a claim left by a process
 * that is gone is taken over.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CaptureError } from '../../src/pipeline/capture/errors.js';
import { SeriesClaims, claimPath, seriesClaimsDir } from '../../src/pipeline/capture/series-claims.js';
import { runToExit } from '../gateway/gateway-process.js';
import { withLiveProcess } from '../helpers/live-process.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

const BTC_TRADES = 'tick:binance:BTC/USDT';

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('SeriesClaims', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir('capture-claims-');
  });
  after(async () => dir.remove());

  it('claims a series once per process, refuses one a live process holds, and takes over a dead one\'s', async () => {
    const catalog = join(dir.path, 'a');
    const claims = new SeriesClaims(catalog);
    await claims.claim(BTC_TRADES);
    await claims.claim(BTC_TRADES); // again: a no-op, not a conflict with itself
    const [name] = await readdir(seriesClaimsDir(catalog));
    assert.equal(name, 'series-tick%3Abinance%3ABTC%2FUSDT.pid');
    assert.equal((await readFile(join(seriesClaimsDir(catalog), name!), 'utf8')).trim(), String(process.pid));

    const other = 'quote:binance:ETH/USDT';
    const otherPath = claimPath(catalog, other);
    await withLiveProcess(async (pid) => {
      await writeFile(otherPath, `${pid}\n`);
      await assert.rejects(claims.claim(other), (error: unknown) => {
        assert.ok(error instanceof CaptureError);
        assert.equal(error.code, 'CAPTURE_LOCKED');
        assert.match(error.message, new RegExp(`^quote:binance:ETH/USDT is being captured into this catalog by process ${pid}; `));
        return true;
      });
    });
    // Its holder is gone (as after kill -9): the claim is taken over.
    await writeFile(otherPath, `${await deadPid()}\n`);
    await claims.claim(other);
    assert.equal((await readFile(otherPath, 'utf8')).trim(), String(process.pid));

    await claims.releaseAll();
    assert.deepEqual(await readdir(seriesClaimsDir(catalog)), []);
  });

  it('reads an empty or garbled claim as stale, and release leaves a claim it no longer holds alone', async () => {
    const catalog = join(dir.path, 'c');
    const claims = new SeriesClaims(catalog);
    await claims.claim(BTC_TRADES);
    const path = claimPath(catalog, BTC_TRADES);
    await claims.releaseAll();
    for (const content of ['', 'not a pid\n', '-4\n']) {
      await writeFile(path, content);
      const again = new SeriesClaims(catalog);
      await again.claim(BTC_TRADES);
      assert.equal(await readFile(path, 'utf8'), `${process.pid}\n`, JSON.stringify(content));
      await again.releaseAll();
    }
    // Taken over by another process after ours was judged stale: our release must not remove it.
    const held = new SeriesClaims(catalog);
    await held.claim(BTC_TRADES);
    await withLiveProcess(async (pid) => {
      await writeFile(path, `${pid}\n`);
      await held.releaseAll();
      assert.equal(await readFile(path, 'utf8'), `${pid}\n`);
    });
  });

  it('gives a claim two processes race for to exactly one of them, also when both take over a stale one', { timeout: 120_000 }, async () => {
    const catalog = join(dir.path, 'race');
    const claimsModule = new URL('../../src/pipeline/capture/series-claims.js', import.meta.url).href;
    // Each racer claims at the same moment; a winner holds the claim until both racers have
    // answered (the test then closes their stdin), so a racer that starts late on a loaded
    // machine still meets the claim held, not released.
    const script = `
      import { SeriesClaims } from ${JSON.stringify(claimsModule)};
      const claims = new SeriesClaims(${JSON.stringify(catalog)});
      const at = Number(process.argv[1]);
      await new Promise((r) => setTimeout(r, at - Date.now()));
      try { await claims.claim(${JSON.stringify(BTC_TRADES)}); } catch (e) { process.stdout.write(e.code + '\\n'); process.exit(0); }
      process.stdout.write('won\\n');
      process.stdin.resume();
      await new Promise((r) => process.stdin.on('end', r));
      await claims.releaseAll();
    `;
    const racer = (at: number, answered: () => void) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(at)], { stdio: ['pipe', 'pipe', 'inherit'] });
      child.stdin!.on('error', () => {}); // the loser may have exited before its stdin is closed
      const outcome = new Promise<string>((resolve, reject) => {
        let out = '';
        let told = false;
        // A racer that exits without an answer counts as answered, so the other is not left waiting.
        const tell = () => {
          if (!told) answered();
          told = true;
        };
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.endsWith('\n')) tell();
        });
        child.on('error', reject);
        child.on('close', (code) => {
          tell();
          if (code === 0) resolve(out.trim());
          else reject(new Error(`racer exited ${code}`));
        });
      });
      return { child, outcome };
    };
    const path = claimPath(catalog, BTC_TRADES);
    for (let round = 0; round < 8; round++) {
      if (round % 2 === 1) {
        await mkdir(seriesClaimsDir(catalog), { recursive: true });
        await writeFile(path, `${await deadPid()}\n`); // both racers must take over a stale claim
      }
      const at = Date.now() + 400;
      let waiting = 2;
      const racers = [racer(at, () => --waiting === 0 && release()), racer(at, () => --waiting === 0 && release())];
      function release(): void {
        for (const { child } of racers) child.stdin!.end();
      }
      const outcomes = (await Promise.all(racers.map((r) => r.outcome))).sort();
      assert.deepEqual(outcomes, ['CAPTURE_LOCKED', 'won'], `round ${round}`);
      await assert.rejects(stat(path), /ENOENT/, 'the winner released it');
    }
  });

  it('keeps a series name with path characters inside the claims folder', async () => {
    const catalog = join(dir.path, 'b');
    const claims = new SeriesClaims(catalog);
    for (const nodeId of ['..', '../../escape', 'tick:x:A/B']) await claims.claim(nodeId);
    assert.deepEqual((await readdir(seriesClaimsDir(catalog))).sort(), ['series-...pid', 'series-..%2F..%2Fescape.pid', 'series-tick%3Ax%3AA%2FB.pid'].sort());
    assert.deepEqual(await readdir(join(catalog, '.seamless')), ['capture-claims']);
    await claims.releaseAll();
  });
});

describe('seamless capture: two processes, one catalog', () => {
  let sim: BinanceSim;
  let dir: { path: string; remove: () => Promise<void> };
  const children: ChildProcess[] = [];
  before(async () => {
    sim = await startBinanceSim({ market: 'spot', tradeSpacingMs: 1000, startAtMs: Date.UTC(2024, 0, 1, 1), liveSpeed: 60, liveTickMs: 10 });
    dir = await tempDir('capture-claims-cli-');
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sim.close();
    await dir.remove();
  });

  const args = (symbols: string, wal: string): string[] => [
    'capture', '--exchange', 'binance', '--symbols', symbols, '--channels', 'trades', '--catalog', join(dir.path, 'catalog'),
    '--wal', join(dir.path, wal), '--exchange-url', sim.restUrl, '--exchange-ws-url', sim.wsUrl,
  ];

  /** Starts a capture child and resolves once it logged "started". */
  async function startCapture(symbols: string, wal: string): Promise<{ child: ChildProcess; exited: Promise<number | null>; stderr: () => string }> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'seamless'), ...args(symbols, wal)], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!text.includes('"event":"started"')) {
      if (child.exitCode !== null) throw new Error(`capture exited (${child.exitCode}) before starting:\n${text}`);
      if (Date.now() > deadline) throw new Error(`capture did not start within 30 s:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { child, exited, stderr: () => text };
  }

  it('refuses a second capture of a series that is being recorded, runs one of other series, and frees the claims on stop', { timeout: 120_000 }, async () => {
    const first = await startCapture('BTC/USDT', 'wal-1');
    const claimsDir = seriesClaimsDir(join(dir.path, 'catalog'));
    assert.deepEqual(await readdir(claimsDir), ['series-tick%3Abinance%3ABTC%2FUSDT.pid']);

    const refused = await runToExit(args('ETH/USDT,BTC/USDT', 'wal-2'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`tick:binance:BTC/USDT is being captured into this catalog by process ${first.child.pid}; capture each series with one process`));
    // Refused before it wrote anything: no claim of ETH left behind, no catalog files of it.
    assert.deepEqual(await readdir(claimsDir), ['series-tick%3Abinance%3ABTC%2FUSDT.pid']);
    await assert.rejects(stat(join(dir.path, 'catalog', 'data', 'trade_tick', 'ETHUSDT.BINANCE')), /ENOENT/);

    const second = await startCapture('ETH/USDT', 'wal-3');
    assert.deepEqual((await readdir(claimsDir)).sort(), ['series-tick%3Abinance%3ABTC%2FUSDT.pid', 'series-tick%3Abinance%3AETH%2FUSDT.pid']);

    first.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    assert.deepEqual([await first.exited, await second.exited], [0, 0]);
    assert.deepEqual(await readdir(claimsDir), []);
  });

  it('after converting what a killed run left of a series it no longer records, lets that series go', { timeout: 120_000 }, async () => {
    const claimsDir = seriesClaimsDir(join(dir.path, 'catalog'));
    const killed = await startCapture('BTC/USDT,ETH/USDT', 'wal-4');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // records of both land in the WAL
    killed.child.kill('SIGKILL');
    await killed.exited;
    // Restarted for BTC only: the ETH segments are converted under an ETH claim, which then goes.
    const restarted = await startCapture('BTC/USDT', 'wal-4');
    assert.match(restarted.stderr(), /"event":"converted"/);
    assert.deepEqual(await readdir(claimsDir), ['series-tick%3Abinance%3ABTC%2FUSDT.pid']);
    const eth = await startCapture('ETH/USDT', 'wal-5');
    restarted.child.kill('SIGTERM');
    eth.child.kill('SIGTERM');
    assert.deepEqual([await restarted.exited, await eth.exited], [0, 0]);
  });
});
