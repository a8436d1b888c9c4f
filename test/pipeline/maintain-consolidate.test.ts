/**
 * `seamless maintain consolidate` on fragmented catalogs written by our writer: exactly one
 * file per period (168 hourly fragments over 7 days → 7 daily files, the case where
 * NautilusTrader's own consolidation was reported to give 84), every row kept in order, the
 * result read identically by the real NautilusTrader, fragments that overlap or straddle a
 * period boundary handled, mixed widths refused before anything changes, dry runs inert.
 */
import assert from 'node:assert/strict';
import { copyFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFileName } from '../../src/catalog/file-names.js';
import { periodBounds } from '../../src/catalog/intervals.js';
import { NS_PER_DAY, NS_PER_HOUR } from '../../src/model/time.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { JAN_1, QUOTES_DIR, QUOTES_META, QUOTES_ID, nautilusLines, openCatalog, ourLines, parquetNames, quotesBetween, snapshot, writeHourlyFragments } from './maintain-helpers.js';

/** Asserts every file of a folder lies in one period and no two share a period. */
function assertOnePerPeriod(names: readonly string[], period: bigint): void {
  const seen = new Set<bigint>();
  for (const name of names) {
    const interval = parseFileName(name)!;
    const bounds = periodBounds(interval.first, period);
    assert.ok(interval.last <= bounds.last, `${name} crosses a period boundary`);
    assert.ok(!seen.has(bounds.first), `two files in the period starting ${bounds.first}`);
    seen.add(bounds.first);
  }
}

describe('seamless maintain consolidate', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-maintain-');
  });
  after(async () => tmp.remove());

  it('turns 168 hourly fragments over 7 days into exactly 7 daily files, row for row, read identically by NautilusTrader', async () => {
    const root = join(tmp.path, 'hourly');
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(1), 168, 150);
    const dir = join(root, QUOTES_DIR);
    assert.equal((await parquetNames(dir)).length, 168);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);

    const dry = await run('maintain', 'consolidate', '--catalog', root, '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.err);
    const plan = JSON.parse(dry.out) as { outputs: Array<{ output: string; rows: number; inputs: string[] }>; filesRemoved: number };
    assert.equal(plan.filesRemoved, 168);
    assert.equal(plan.outputs.length, 7);
    assert.ok(plan.outputs.every((o) => o.inputs.length === 24 && o.rows === 24 * 150));

    const done = await run('maintain', 'consolidate', 'quote_tick', QUOTES_ID, '--catalog', root, '--period', '1d');
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /consolidated 168 file\(s\) into 7 \(25200 rows, period 1d\)/);
    const names = await parquetNames(dir);
    assert.equal(names.length, 7);
    assert.deepEqual(names, plan.outputs.map((o) => o.output).sort(), 'the dry run predicted the exact file names');
    assertOnePerPeriod(names, NS_PER_DAY);
    assert.deepEqual(await readdirHidden(dir), [], 'no temp, aside or journal files left');

    const after = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    assert.equal(after.length, before.length);
    assert.deepEqual(after, before);
    const theirs = await nautilusLines(root, 'quote_tick', QUOTES_ID);
    assert.deepEqual(theirs, after);

    const again = await run('maintain', 'consolidate', '--catalog', root);
    assert.match(again.out, /consolidated 0 file\(s\) into 0 .*7 file\(s\) already one per period/);
  });

  it('splits fragments that straddle midnight, merges fragments that overlap, and mixes file widths of 1h, 6h and 1d', async () => {
    const root = join(tmp.path, 'messy');
    const catalog = await openCatalog(root);
    const rand = prng(2);
    const day = (d: number) => JAN_1 + BigInt(d) * NS_PER_DAY;
    // Day 0: one 6h file, then hourly files; one straddles midnight into day 1.
    await catalog.write(quotesBetween(rand, day(0), day(0) + 6n * NS_PER_HOUR - 1n, 500));
    for (let h = 6; h < 23; h++) await catalog.write(quotesBetween(rand, day(0) + BigInt(h) * NS_PER_HOUR, day(0) + BigInt(h + 1) * NS_PER_HOUR - 1n, 40));
    await catalog.write(quotesBetween(rand, day(0) + 23n * NS_PER_HOUR, day(1) + 2n * NS_PER_HOUR, 300));
    // Day 1: two fragments overlapping each other (and identical timestamps at their edges).
    await catalog.write(quotesBetween(rand, day(1) + 3n * NS_PER_HOUR, day(1) + 12n * NS_PER_HOUR, 400));
    await catalog.write(quotesBetween(rand, day(1) + 8n * NS_PER_HOUR, day(1) + 12n * NS_PER_HOUR, 250), { skipDisjointCheck: true });
    // Day 2: a whole-day file alone, already consolidated. Day 4: a file from 20:00 to day 6 02:00.
    await catalog.write(quotesBetween(rand, day(2) + 1n, day(3) - 1n, 700));
    await catalog.write(quotesBetween(rand, day(4) + 20n * NS_PER_HOUR, day(6) + 2n * NS_PER_HOUR, 900));
    const dir = join(root, QUOTES_DIR);
    const beforeNames = await parquetNames(dir);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);

    const result = await run('maintain', 'consolidate', '--catalog', root, '--json');
    assert.equal(result.code, 0, result.err);
    const report = JSON.parse(result.out) as { filesSettled: number; filesRemoved: number };
    assert.equal(report.filesSettled, 1, 'the lone whole-day file is left as it is');
    assert.equal(report.filesRemoved, beforeNames.length - 1);
    const names = await parquetNames(dir);
    assertOnePerPeriod(names, NS_PER_DAY);
    // Days 0, 1, 2, 4, 5, 6 hold rows; day 3 holds none and gets no file.
    assert.deepEqual(names.map((n) => (parseFileName(n)!.first - JAN_1) / NS_PER_DAY), [0n, 1n, 2n, 4n, 5n, 6n]);
    assert.ok(names.includes(beforeNames.find((n) => parseFileName(n)!.first === day(2) + 1n)!), 'the settled file keeps its name');
    const after = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    assert.deepEqual(after, before, 'every row, in the order the reader gave before (overlaps merged by ts_init)');
    assert.deepEqual(await nautilusLines(root, 'quote_tick', QUOTES_ID), after);

    // Coarser and finer periods keep the rule: one file per period with rows.
    for (const period of ['1w', '6h', '1d']) {
      assert.equal((await run('maintain', 'consolidate', '--catalog', root, '--period', period)).code, 0);
      assertOnePerPeriod(await parquetNames(dir), period === '1w' ? 7n * NS_PER_DAY : period === '6h' ? 6n * NS_PER_HOUR : NS_PER_DAY);
      assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), before, `rows after --period ${period}`);
    }
  });

  it('names files by whole periods with --fill-periods, and NautilusTrader sees contiguous intervals', async () => {
    const root = join(tmp.path, 'fill');
    const catalog = await openCatalog(root);
    await writeHourlyFragments(catalog, prng(3), 72, 20);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    assert.equal((await run('maintain', 'consolidate', '--catalog', root, '--fill-periods')).code, 0);
    const intervals = await catalog.intervals('quote_tick', QUOTES_ID);
    assert.deepEqual(intervals, [0, 1, 2].map((d) => ({ first: JAN_1 + BigInt(d) * NS_PER_DAY, last: JAN_1 + BigInt(d + 1) * NS_PER_DAY - 1n })));
    assert.deepEqual(await catalog.missingIntervals('quote_tick', QUOTES_ID, JAN_1, JAN_1 + 3n * NS_PER_DAY - 1n), []);
    assert.deepEqual(await nautilusLines(root, 'quote_tick', QUOTES_ID), before);
  });

  it('refuses periods that hold files of different fixed-point widths before changing anything', async () => {
    const root = join(tmp.path, 'widths');
    const catalog = await openCatalog(root, 16);
    const rand = prng(4);
    await catalog.write(quotesBetween(rand, JAN_1, JAN_1 + NS_PER_HOUR, 100));
    await catalog.write(quotesBetween(rand, JAN_1 + 2n * NS_PER_HOUR, JAN_1 + 3n * NS_PER_HOUR, 100));
    // An 8-byte (64-bit) file dropped into the same folder, e.g. copied from another build.
    const narrow = await openCatalog(join(tmp.path, 'widths-64'), 8);
    const file = await narrow.write(quotesBetween(rand, JAN_1 + 5n * NS_PER_HOUR, JAN_1 + 6n * NS_PER_HOUR, 100, 8));
    await copyFile(file.path, join(root, QUOTES_DIR, basename(file.path)));
    const snap = await snapshot(root);
    const refused = await run('maintain', 'consolidate', '--catalog', root);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /holds 64-bit values, the catalog is 128-bit .*share a .* period.*convert or remove that file/);
    assert.match(refused.err, /CATALOG_WIDTH_MISMATCH/);
    assert.deepEqual(await snapshot(root), snap, 'nothing changed');
  });

  it('refuses a period mixing metadata, and a dry run changes nothing at all', async () => {
    const root = join(tmp.path, 'meta');
    const catalog = await openCatalog(root);
    const rand = prng(5);
    await catalog.write(quotesBetween(rand, JAN_1, JAN_1 + NS_PER_HOUR, 100));
    await catalog.write(quotesBetween(rand, JAN_1 + 2n * NS_PER_HOUR, JAN_1 + 3n * NS_PER_HOUR, 100));
    const snap = await snapshot(root);
    const dry = await run('maintain', 'consolidate', '--catalog', root, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would consolidate 2 file\(s\) into 1 \(200 rows/);
    assert.deepEqual(await snapshot(root), snap, 'the dry run touched nothing');

    const other = await openCatalog(join(tmp.path, 'meta-other'));
    const file = await other.write(quotesBetween(rand, JAN_1 + 5n * NS_PER_HOUR, JAN_1 + 6n * NS_PER_HOUR, 100, 16, { ...QUOTES_META, pricePrecision: 3 }));
    await copyFile(file.path, join(root, QUOTES_DIR, basename(file.path)));
    const snap2 = await snapshot(root);
    const refused = await run('maintain', 'consolidate', '--catalog', root);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /different metadata .*CATALOG_METADATA/s);
    assert.deepEqual(await snapshot(root), snap2);
  });

  it('keeps user-supplied types and ids inside the catalog', async () => {
    const root = join(tmp.path, 'paths');
    await openCatalog(root);
    for (const id of ['../../etc', '/etc/passwd', 'a/../../b', 'x\\y', '..']) {
      const result = await run('maintain', 'consolidate', 'quote_tick', id, '--catalog', root);
      assert.equal(result.code, 1, `id ${JSON.stringify(id)}`);
      assert.match(result.err, /CATALOG_BAD_IDENTIFIER/);
    }
    for (const type of ['../data', 'instruments', 'nope']) {
      const result = await run('maintain', 'prune', type, '--before', '2024-01-01', '--catalog', root);
      assert.equal(result.code, 1, `type ${type}`);
      assert.match(result.err, /CATALOG_UNKNOWN_TYPE/);
    }
    const usage = await run('maintain', 'consolidate', '--catalog', root, '--period', '0d');
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--period must be a positive duration/);
  });
});

async function readdirHidden(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('.'));
}
