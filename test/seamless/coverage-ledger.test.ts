import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { CoverageLedger } from '../../src/seamless/coverage-ledger.js';
import { ledgerFileName, parseLedger } from '../../src/seamless/ledger-store.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import { type TimeRange, intersectRanges, mergeRanges, totalLength } from '../../src/seamless/time-range.js';
import { tempDir } from '../helpers/paths.js';

const r = (start: bigint, end: bigint): TimeRange => ({ start, end });
const NODE = 'ohlcv:binance:BTC/USDT:1m';

/** Runs `body` with a fresh ledger folder (not created yet) and removes it after. */
async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const tmp = await tempDir('seamless-ledger-');
  try {
    await body(join(tmp.path, '.seamless', 'ledger'));
  } finally {
    await tmp.remove();
  }
}

const isCorrupt = (path: string) => (e: unknown) => e instanceof SeamlessError && e.code === 'SEAMLESS_LEDGER_CORRUPT' && e.message.includes(path) && /delete it/i.test(e.message);

describe('CoverageLedger in memory', () => {
  it('marks, reads and computes missing', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await assert.rejects(stat(dir)); // open does not create the folder
    await ledger.markCovered(NODE, r(0n, 100n));
    await ledger.markCovered(NODE, r(100n, 150n)); // touching ranges merge
    await ledger.markEmpty(NODE, r(200n, 300n));
    assert.deepEqual(ledger.get(NODE), { covered: [r(0n, 150n)], empty: [r(200n, 300n)], inProgress: [] });
    assert.deepEqual(ledger.missing(NODE, r(50n, 400n)), [r(150n, 200n), r(300n, 400n)]);
    assert.deepEqual(ledger.missing(NODE, r(50n, 400n), [r(350n, 500n)]), [r(150n, 200n), r(300n, 350n)]);
    assert.deepEqual(ledger.missing('tick:binance:ETH/USDT', r(0n, 10n)), [r(0n, 10n)]);
    assert.deepEqual(ledger.nodeIds(), [NODE]);
  }));

  it('covered overrides empty and vice versa (latest knowledge wins)', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await ledger.markEmpty(NODE, r(0n, 100n));
    await ledger.markCovered(NODE, r(40n, 60n));
    assert.deepEqual(ledger.get(NODE).empty, [r(0n, 40n), r(60n, 100n)]);
    assert.deepEqual(ledger.get(NODE).covered, [r(40n, 60n)]);
    await ledger.markEmpty(NODE, r(50n, 200n));
    assert.deepEqual(ledger.get(NODE).covered, [r(40n, 50n)]);
    assert.deepEqual(ledger.get(NODE).empty, [r(0n, 40n), r(50n, 200n)]);
  }));

  it('forgets a range or a whole series', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await ledger.markCovered(NODE, r(0n, 100n));
    await ledger.markEmpty(NODE, r(100n, 200n));
    await ledger.forget(NODE, r(50n, 150n));
    assert.deepEqual(ledger.get(NODE), { covered: [r(0n, 50n)], empty: [r(150n, 200n)], inProgress: [] });
    await ledger.forget(NODE);
    assert.deepEqual(ledger.nodeIds(), []);
    assert.deepEqual(await readdir(dir), []); // nothing known, no file
  }));

  it('tracks in-progress claims in this process only', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    const endA = ledger.beginProgress(NODE, r(0n, 100n));
    const endB = ledger.beginProgress(NODE, r(50n, 150n));
    assert.deepEqual(ledger.inProgress(NODE), [r(0n, 150n)]);
    assert.deepEqual(ledger.missing(NODE, r(0n, 200n)), [r(0n, 200n)]); // missing ignores claims
    endA();
    endA(); // idempotent
    assert.deepEqual(ledger.get(NODE).inProgress, [r(50n, 150n)]);
    endB();
    assert.deepEqual(ledger.inProgress(NODE), []);
    assert.deepEqual(ledger.nodeIds(), []); // claims are not persisted knowledge
  }));

  it('serializes concurrent marks of one series', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.markCovered(NODE, r(BigInt(i * 20), BigInt(i * 20 + 10)))));
    assert.equal(ledger.get(NODE).covered.length, 20);
    const reopened = await CoverageLedger.open(dir);
    assert.deepEqual(reopened.get(NODE).covered, ledger.get(NODE).covered);
  }));
});

describe('CoverageLedger on disk', () => {
  it('survives a restart, in the documented format', () => withDir(async (dir) => {
    const first = await CoverageLedger.open(dir);
    await first.markCovered(NODE, r(1_700_000_000_000_000_000n, 1_700_000_060_000_000_000n));
    await first.markEmpty(NODE, r(5n, 10n));
    const second = await CoverageLedger.open(dir);
    assert.deepEqual(second.get(NODE), first.get(NODE));
    const text = await readFile(join(dir, ledgerFileName(NODE)), 'utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    assert.equal(json['version'], 1);
    assert.equal(json['nodeId'], NODE);
    assert.deepEqual(json['covered'], [['1700000000000000000', '1700000060000000000']]);
    assert.deepEqual(json['empty'], [['5', '10']]);
    assert.equal(typeof json['updatedAt'], 'string');
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.')), []); // no temp debris
  }));

  it('two instances on one folder keep each other\'s ranges', () => withDir(async (dir) => {
    const a = await CoverageLedger.open(dir);
    const b = await CoverageLedger.open(dir);
    await a.markCovered(NODE, r(0n, 100n));
    await b.markCovered(NODE, r(200n, 300n)); // b never saw a's mark in memory
    await a.markEmpty(NODE, r(400n, 500n));
    const expected = { covered: [r(0n, 100n), r(200n, 300n)], empty: [r(400n, 500n)], inProgress: [] };
    assert.deepEqual((await CoverageLedger.open(dir)).get(NODE), expected);
    assert.deepEqual(a.get(NODE), expected);
    await b.refresh(NODE);
    assert.deepEqual(b.get(NODE), expected);
  }));

  it('a forget by one instance is not undone by another\'s stale memory', () => withDir(async (dir) => {
    const a = await CoverageLedger.open(dir);
    await a.markCovered(NODE, r(0n, 100n));
    const b = await CoverageLedger.open(dir);
    await a.forget(NODE, r(0n, 50n));
    await b.markCovered(NODE, r(200n, 300n));
    assert.deepEqual((await CoverageLedger.open(dir)).get(NODE).covered, [r(50n, 100n), r(200n, 300n)]);
  }));

  it('a corrupt file names its path and says to delete it', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await ledger.markCovered(NODE, r(0n, 10n));
    const path = join(dir, ledgerFileName(NODE));
    await writeFile(path, '{"version":1,"nodeId":');
    await assert.rejects(CoverageLedger.open(dir), isCorrupt(path));
    await assert.rejects(ledger.markCovered(NODE, r(10n, 20n)), isCorrupt(path)); // re-read before write
    await ledger.markCovered('other', r(0n, 1n)); // one bad file does not block other series
    for (const bad of [
      '[]',
      '{"version":2,"nodeId":"x","covered":[],"empty":[]}',
      '{"version":1,"covered":[],"empty":[]}',
      '{"version":1,"nodeId":"x","covered":[["1"]],"empty":[]}',
      '{"version":1,"nodeId":"x","covered":[[1,2]],"empty":[]}',
      '{"version":1,"nodeId":"x","covered":[["-1","2"]],"empty":[]}',
      '{"version":1,"nodeId":"x","covered":[["5","5"]],"empty":[]}',
      '{"version":1,"nodeId":"x","covered":[],"empty":{}}',
    ]) {
      assert.throws(() => parseLedger(bad, '/some/file.json'), isCorrupt('/some/file.json'), bad);
    }
  }));

  it('a file under another series\' name is reported as corrupt', () => withDir(async (dir) => {
    const ledger = await CoverageLedger.open(dir);
    await ledger.markCovered(NODE, r(0n, 10n));
    const wrong = join(dir, ledgerFileName('something-else'));
    await writeFile(wrong, await readFile(join(dir, ledgerFileName(NODE)), 'utf8'));
    await assert.rejects(CoverageLedger.open(dir), isCorrupt(wrong));
  }));

  it('node ids with / : and .. stay inside the folder', () => withDir(async (dir) => {
    const ids = ['../../etc/passwd', '..', '.', '/abs/path', 'a:b', 'a/b', 'a_b', 'tick:x:..\\..\\w', 'ünï:cødé/x', 'x'.repeat(500)];
    const names = ids.map(ledgerFileName);
    assert.equal(new Set(names).size, ids.length);
    for (const name of names) {
      assert.match(name, /^[A-Za-z0-9_-]+\.json$/);
      assert.equal(dirname(resolve(dir, name)), resolve(dir));
      assert.ok(name.length < 120);
    }
    const ledger = await CoverageLedger.open(dir);
    for (const id of ids) await ledger.markCovered(id, r(0n, 1n));
    assert.deepEqual((await readdir(dir)).sort(), [...names].sort());
    assert.deepEqual((await CoverageLedger.open(dir)).nodeIds(), [...ids].sort());
  }));
});

describe('CoverageLedger property', () => {
  const rangeArb = fc.tuple(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: 1n, max: 60n })).map(([s, len]) => r(s, s + len));
  const opArb = fc.record({ kind: fc.constantFrom('covered', 'empty', 'forget'), range: rangeArb });

  it('missing, covered and empty partition the window', async () => {
    const tmp = await tempDir('seamless-ledger-prop-');
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), rangeArb, async (ops, window) => {
          const dir = join(tmp.path, String(run++));
          const ledger = await CoverageLedger.open(dir);
          for (const op of ops) {
            if (op.kind === 'covered') await ledger.markCovered(NODE, op.range);
            else if (op.kind === 'empty') await ledger.markEmpty(NODE, op.range);
            else await ledger.forget(NODE, op.range);
          }
          // Check the reopened copy: what is on disk must obey the same law.
          for (const view of [ledger, await CoverageLedger.open(dir)]) {
            const { covered, empty } = view.get(NODE);
            const missing = view.missing(NODE, window);
            const parts = [missing, intersectRanges(covered, [window]), intersectRanges(empty, [window])];
            // Disjoint: the lengths add up to the window exactly, and their union is the window.
            assert.equal(parts.reduce((sum, p) => sum + totalLength(p), 0n), window.end - window.start);
            assert.deepEqual(mergeRanges(parts.flat()), [window]);
            assert.deepEqual(intersectRanges(covered, empty), []);
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await tmp.remove();
    }
  });
});
