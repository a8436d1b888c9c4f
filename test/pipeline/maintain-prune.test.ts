/**
 * `seamless maintain prune`: retention by cutoff. Whole files before the cutoff go, a file
 * straddling it is split (rows at or after the cutoff kept, exactly), a file whose name
 * understates its range loses no later rows, dry runs change nothing, and the real
 * NautilusTrader reads the pruned catalog as we do.
 */
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatFileName } from '../../src/catalog/file-names.js';
import { nsToIso, NS_PER_DAY, NS_PER_HOUR, dateToNs } from '../../src/model/time.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { JAN_1, QUOTES_DIR, QUOTES_ID, nautilusLines, openCatalog, ourLines, parquetNames, quotesBetween, snapshot, writeHourlyFragments } from './maintain-helpers.js';

const tsOf = (line: string) => BigInt((JSON.parse(line) as { ts_init: string }).ts_init);

describe('seamless maintain prune', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-prune-');
  });
  after(async () => tmp.remove());

  it('drops whole files before the cutoff and splits the file across it, keeping exactly the rows at or after it', async () => {
    const root = join(tmp.path, 'cut');
    const catalog = await openCatalog(root);
    const rand = prng(11);
    // Three daily files; the cutoff falls in the middle of the second, on a row's timestamp.
    for (let d = 0; d < 3; d++) await catalog.write(quotesBetween(rand, JAN_1 + BigInt(d) * NS_PER_DAY, JAN_1 + BigInt(d + 1) * NS_PER_DAY - 1n, 1001));
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const cutoff = tsOf(before[1001 + 500]!);
    const expected = before.filter((line) => tsOf(line) >= cutoff);
    assert.ok(expected.length > 1001 && expected.length < 2002);

    const snap = await snapshot(root);
    const dry = await run('maintain', 'prune', '--before', nsToIso(cutoff), '--catalog', root, '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.err);
    const plan = JSON.parse(dry.out) as { rowsRemoved: number; rowsKept: number; files: Array<{ action: string; output: string | null }> };
    assert.deepEqual(await snapshot(root), snap, 'dry run changed nothing');
    assert.equal(plan.rowsRemoved, before.length - expected.length);
    assert.deepEqual(plan.files.map((f) => f.action), ['remove', 'split']);

    const done = await run('maintain', 'prune', 'quote_tick', QUOTES_ID, '--before', cutoff.toString(), '--catalog', root, '--json');
    assert.equal(done.code, 0, done.err);
    const report = JSON.parse(done.out) as typeof plan;
    assert.equal(report.rowsRemoved, plan.rowsRemoved);
    assert.equal(report.rowsKept, plan.rowsKept);
    assert.equal(report.files[1]!.output, plan.files[1]!.output, 'the dry run predicted the split file name');

    const after = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    assert.deepEqual(after, expected);
    const names = await parquetNames(join(root, QUOTES_DIR));
    assert.equal(names.length, 2);
    assert.equal(names[0], formatFileName(cutoff, tsOf(before[2001]!)), 'the split file is named by its kept rows');
    assert.deepEqual(await nautilusLines(root, 'quote_tick', QUOTES_ID), after);
  });

  it('never loses rows of a file whose name understates its range', async () => {
    const root = join(tmp.path, 'liar');
    const catalog = await openCatalog(root);
    const rand = prng(12);
    const file = await catalog.write(quotesBetween(rand, JAN_1, JAN_1 + 2n * NS_PER_DAY, 400));
    // The name claims the file ends on day 0; its rows run to day 2.
    await rename(file.path, join(root, QUOTES_DIR, formatFileName(JAN_1, JAN_1 + NS_PER_HOUR)));
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const cutoff = JAN_1 + NS_PER_DAY;
    assert.equal((await run('maintain', 'prune', '--before', cutoff.toString(), '--catalog', root)).code, 0);
    assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), before.filter((l) => tsOf(l) >= cutoff));
  });

  it('prunes by age with --older-than (no type given: every type) and keeps the newest rows in order', async () => {
    const root = join(tmp.path, 'age');
    const catalog = await openCatalog(root);
    const now = dateToNs(new Date());
    const start = ((now - 5n * NS_PER_DAY) / NS_PER_HOUR) * NS_PER_HOUR;
    await writeHourlyFragments(catalog, prng(13), 96, 10, start);
    const before = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const done = await run('maintain', 'prune', '--older-than', '3d', '--catalog', root);
    assert.equal(done.code, 0, done.err);
    const after = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const cutoff = now - 3n * NS_PER_DAY;
    // The cutoff is taken a moment after `now`; rows within that moment may go either way.
    assert.ok(after.every((l) => tsOf(l) >= cutoff), 'no row older than 3 days is left');
    assert.deepEqual(after, before.slice(before.length - after.length), 'the newest rows are kept, in order');
    assert.ok(after.length >= before.filter((l) => tsOf(l) >= cutoff + 60n * 1_000_000_000n).length);
    assert.match(done.out, /pruned rows before .*: \d+ rows removed/);
  });

  it('explains bad flags', async () => {
    const root = join(tmp.path, 'flags');
    assert.equal((await run('maintain', 'prune', '--catalog', root)).code, 2);
    assert.equal((await run('maintain', 'prune', '--before', '2024-01-01', '--older-than', '1d', '--catalog', root)).code, 2);
    const bad = await run('maintain', 'prune', '--older-than', '90 days', '--catalog', root);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--older-than must be a positive duration like 1d/);
  });
});
