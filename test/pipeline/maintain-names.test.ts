/**
 * `seamless maintain verify-names` / `repair-names`: wrong names planted on purpose are
 * found from footers, repaired (chains of renames in the right order, collisions left alone
 * and reported), dry runs change nothing, and NautilusTrader then reads and sees intervals
 * exactly as the footers say.
 */
import assert from 'node:assert/strict';
import { link, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatFileName } from '../../src/catalog/file-names.js';
import { NS_PER_HOUR } from '../../src/model/time.js';
import { run } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/random-frames.js';
import { JAN_1, QUOTES_DIR, QUOTES_ID, nautilusLines, openCatalog, ourLines, parquetNames, quotesBetween, snapshot } from './maintain-helpers.js';

const hour = (h: number) => JAN_1 + BigInt(h) * NS_PER_HOUR;

describe('seamless maintain verify-names / repair-names', { timeout: 600_000 }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-names-');
  });
  after(async () => tmp.remove());

  it('finds planted wrong names, repairs them (a chain in order), and NautilusTrader then reads everything', async () => {
    const root = join(tmp.path, 'planted');
    const catalog = await openCatalog(root);
    const rand = prng(21);
    const dir = join(root, QUOTES_DIR);
    const a = await catalog.write(quotesBetween(rand, hour(0), hour(1), 100));
    const b = await catalog.write(quotesBetween(rand, hour(2), hour(3), 100));
    const c = await catalog.write(quotesBetween(rand, hour(4), hour(5), 100));
    const d = await catalog.write(quotesBetween(rand, hour(6), hour(7), 100));
    const rows = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    // c is named too narrow (NautilusTrader would skip its late rows in a windowed query);
    // b takes a legacy name; a takes c's correct name, so a's repair must wait for c's;
    // d is named wider than its rows (a legal declared range).
    await rename(c.path, join(dir, formatFileName(hour(4), hour(4) + 5n)));
    await rename(b.path, join(dir, 'part-0.parquet'));
    await rename(a.path, c.path);
    await rename(d.path, join(dir, formatFileName(hour(6) - 10n, hour(8))));

    const verify = await run('maintain', 'verify-names', '--catalog', root, '--json');
    assert.equal(verify.code, 1);
    const found = JSON.parse(verify.out) as { issues: number; files: Array<{ file: string; status: string }> };
    assert.equal(found.issues, 3);
    assert.deepEqual(found.files.map((f) => f.status).sort(), ['covers', 'legacy', 'mismatch', 'mismatch']);
    assert.equal((await run('maintain', 'verify-names', '--catalog', root, '--exact')).code, 1);

    const snap = await snapshot(root);
    const dry = await run('maintain', 'repair-names', '--catalog', root, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would rename 3 of 4 file\(s\); 0 conflict\(s\)/);
    assert.deepEqual(await snapshot(root), snap, 'dry run changed nothing');

    const repaired = await run('maintain', 'repair-names', 'quote_tick', QUOTES_ID, '--catalog', root);
    assert.equal(repaired.code, 0, repaired.err);
    const names = await parquetNames(dir);
    assert.deepEqual(names, [a.path, b.path, c.path].map((p) => p.slice(dir.length + 1)).concat(formatFileName(hour(6) - 10n, hour(8))).sort());
    assert.equal((await run('maintain', 'verify-names', '--catalog', root)).code, 0);
    // --exact narrows the declared range too.
    assert.equal((await run('maintain', 'repair-names', '--catalog', root, '--exact')).code, 0);
    assert.deepEqual(await parquetNames(dir), [a.path, b.path, c.path, d.path].map((p) => p.slice(dir.length + 1)).sort());
    assert.equal((await run('maintain', 'verify-names', '--catalog', root, '--exact')).code, 0);

    assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), rows);
    assert.deepEqual(await nautilusLines(root, 'quote_tick', QUOTES_ID), rows);
    assert.deepEqual(await catalog.intervals('quote_tick', QUOTES_ID), [a, b, c, d].map((f) => f.interval));
  });

  it('leaves collisions alone and says to consolidate; finishes a rename a crash interrupted', async () => {
    const root = join(tmp.path, 'collide');
    const catalog = await openCatalog(root);
    const rand = prng(22);
    const dir = join(root, QUOTES_DIR);
    const a = await catalog.write(quotesBetween(rand, hour(0), hour(1), 50));
    const twin = await catalog.write(quotesBetween(rand, hour(0), hour(1), 50), { skipDisjointCheck: true, interval: { first: hour(0), last: hour(1) + 1n } });
    // twin has exactly a's rows range: renaming it to its footer name would hit a's file.
    const wrongTwin = join(dir, formatFileName(hour(0) + 1n, hour(0) + 2n));
    await rename(twin.path, wrongTwin);
    const rows = await ourLines(catalog, 'quote_tick', QUOTES_ID);
    const result = await run('maintain', 'repair-names', '--catalog', root);
    assert.equal(result.code, 1);
    assert.match(result.out, /conflict: .*is taken by a file whose name is right; their rows overlap — run `seamless maintain consolidate`/);
    assert.deepEqual(await parquetNames(dir), [a.path.slice(dir.length + 1), wrongTwin.slice(dir.length + 1)].sort());
    assert.deepEqual(await ourLines(catalog, 'quote_tick', QUOTES_ID), rows, 'nothing lost');
    // The way out the message names works.
    assert.equal((await run('maintain', 'consolidate', '--catalog', root)).code, 0);
    assert.equal((await run('maintain', 'verify-names', '--catalog', root)).code, 0);
    assert.equal((await ourLines(catalog, 'quote_tick', QUOTES_ID)).length, rows.length);

    // A rename interrupted between link and unlink leaves two names for one file.
    const b = await catalog.write(quotesBetween(rand, hour(3), hour(4), 50));
    const wrong = join(dir, formatFileName(hour(3), hour(3) + 1n));
    await rename(b.path, wrong);
    await link(wrong, b.path);
    assert.equal((await run('maintain', 'repair-names', '--catalog', root)).code, 0);
    assert.ok(!(await parquetNames(dir)).includes(wrong.slice(dir.length + 1)));
    assert.ok((await parquetNames(dir)).includes(b.path.slice(dir.length + 1)));
  });
});
