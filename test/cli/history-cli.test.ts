/**
 * `seamless fetch` and `seamless coverage` end to end through `main()` on real catalogs:
 * rows in `catalog read` conventions, the metadata line, presets, and clear errors.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { GapLedger, gapLedgerDir } from '../../src/pipeline/capture/gap-ledger.js';
import { run } from '../helpers/cli-run.js';
import { BAR_NODE, bars, scratchDir } from '../helpers/seamless-setup.js';

async function catalogs(): Promise<{ local: string; venue: string; dir: string }> {
  const dir = await scratchDir();
  const venue = await Catalog.open(join(dir, 'venue'), { width: 16 });
  await venue.write(bars(1, 240));
  return { local: join(dir, 'local'), venue: venue.root, dir };
}

describe('seamless fetch / coverage', () => {
  it('fetch backfills from another catalog, prints rows and a metadata line; coverage shows the ledger', async () => {
    const { local, venue } = await catalogs();
    const fetched = await run('fetch', BAR_NODE, '--start', '2024-01-02T01:00:00Z', '--end', '2024-01-02T02:00:00Z', '--catalog', local, '--backfill-from', venue);
    assert.equal(fetched.code, 0, fetched.err);
    const rows = fetched.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(rows.length, 60);
    assert.equal(rows[0]!['bar_type'], 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(rows[59]!['ts_init'], '1704160800000000000');
    const meta = JSON.parse(fetched.err.trim().split('\n').at(-1)!) as { rows: number; tiers: string[]; fingerprint: string; coverage: { ratio: number } };
    assert.equal(meta.rows, 60);
    assert.deepEqual(meta.tiers, ['storage', 'backfill']);
    assert.match(meta.fingerprint, /^sha256:/);

    const coverage = await run('coverage', BAR_NODE, '--catalog', local, '--json');
    assert.equal(coverage.code, 0, coverage.err);
    const ledger = JSON.parse(coverage.out) as { covered: Array<{ startIso: string; endIso: string }> };
    assert.deepEqual(ledger.covered.map((r) => [r.startIso, r.endIso]), [['2024-01-02T01:00:00.000000000Z', '2024-01-02T02:00:00.000000000Z']]);
    const table = await run('coverage', BAR_NODE, '--catalog', local);
    assert.match(table.out, /covered\s+2024-01-02T01:00:00\.000000000Z\s+2024-01-02T02:00:00\.000000000Z/);

    const csv = await run('fetch', BAR_NODE, '--start', '2024-01-02T01:00:00Z', '--end', '2024-01-02T01:05:00Z', '--catalog', local, '--format', 'csv', '--meta');
    const lines = csv.out.trim().split('\n');
    assert.equal(lines.length, 1 + 5 + 1, 'header, 5 rows, metadata line');
    assert.match(lines[0]!, /^type,bar_type,open,high,low,close,volume,ts_event,ts_init$/);
    assert.equal((JSON.parse(lines.at(-1)!) as { cached: boolean }).cached, false);
  });

  it('coverage lists the gaps live capture recorded, with their reasons', async () => {
    const { venue } = await catalogs();
    const start = 1_704_160_800_000_000_000n; // 2024-01-02T02:00:00Z
    await new GapLedger(gapLedgerDir(venue)).add(BAR_NODE, [{ start, end: start + 90_000_000_000n, reason: 'websocket closed (1006)' }]);
    const json = await run('coverage', BAR_NODE, '--catalog', venue, '--json');
    assert.equal(json.code, 0, json.err);
    const report = JSON.parse(json.out) as { captureGaps: Array<{ startIso: string; endIso: string; reason: string }> };
    assert.deepEqual(report.captureGaps.map((g) => [g.startIso, g.endIso, g.reason]), [['2024-01-02T02:00:00.000000000Z', '2024-01-02T02:01:30.000000000Z', 'websocket closed (1006)']]);
    const table = await run('coverage', BAR_NODE, '--catalog', venue);
    assert.match(table.out, /capture-gap\s+2024-01-02T02:00:00\.000000000Z\s+2024-01-02T02:01:30\.000000000Z\s+websocket closed \(1006\)/);
    assert.match(table.out, /covered\s+2024-01-02T00:00:00\.000000000Z\s+2024-01-02T04:00:00/, "the stored range is still listed: a day file covers its gaps");
    const none = await run('coverage', BAR_NODE, '--catalog', (await catalogs()).venue, '--json');
    assert.deepEqual((JSON.parse(none.out) as { captureGaps: unknown[] }).captureGaps, []);

    // A damaged gap file is one line naming it and what to do, exit 1 — not a stack trace.
    const [file] = await readdir(gapLedgerDir(venue));
    await writeFile(join(gapLedgerDir(venue), file!), '{"version":1,"nodeId":');
    const damaged = await run('coverage', BAR_NODE, '--catalog', venue);
    assert.equal(damaged.code, 1);
    assert.match(damaged.err, new RegExp(`^seamless: gap ledger file .*${file!.replace(/[.]/g, '\\.')} is corrupt .*delete it.*\\[CAPTURE_BAD_WAL\\]\\n$`));
  });

  it('without a backfill source it answers with what is stored and lists the gaps', async () => {
    const { venue } = await catalogs();
    const r = await run('fetch', BAR_NODE, '--start', '2024-01-02T03:00:00Z', '--end', '2024-01-02T05:00:00Z', '--catalog', venue);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().split('\n').length, 60);
    const meta = JSON.parse(r.err.trim()) as { coverage: { ratio: number; missing: Array<{ startIso: string }> } };
    assert.equal(meta.coverage.ratio, 0.5);
    assert.equal(meta.coverage.missing[0]!.startIso, '2024-01-02T04:00:00.000000000Z');
    const strict = await run('fetch', BAR_NODE, '--start', '2024-01-02T03:00:00Z', '--end', '2024-01-02T05:00:00Z', '--catalog', venue, '--strategy', 'FAIL_FAST');
    assert.equal(strict.code, 1);
    assert.match(strict.err, /SEAMLESS_MISSING_DATA/);
  });

  it('fetch through a presets file', async () => {
    const { local, venue, dir } = await catalogs();
    const presets = join(dir, 'presets.yaml');
    await writeFile(presets, `version: 1\ndata_presets:\n  mirror:\n    provider:\n      preset: catalog.mirror\n      options: { catalog_path: ${local}, source_path: ${venue} }\n`);
    const missing = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--preset', 'mirror', '--presets-file', presets);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no catalog at .*local/, 'a storage folder that is not there is reported before any work');
    await mkdir(local);
    const r = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--preset', 'mirror', '--presets-file', presets);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().split('\n').length, 30);
    const unknown = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--preset', 'mirorr', '--presets-file', presets);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /mirror/);
    assert.match(unknown.err, /SEAMLESS_UNKNOWN_PRESET/);
  });

  it('fetch through a world file that selects a data preset, with its overrides', async () => {
    const { local, venue, dir } = await catalogs();
    await mkdir(local);
    const presets = join(dir, 'presets.yaml');
    await writeFile(presets, `version: 1\ndata_presets:\n  mirror:\n    provider:\n      preset: catalog.mirror\n      options: { catalog_path: ${local}, source_path: ${venue} }\n`);
    const world = join(dir, 'world.yaml');
    await writeFile(world, `world:\n  id: demo\n  data:\n    presets:\n      - id: strict\n        preset: mirror\n        seamless: { strategy: FAIL_FAST }\n      - id: filling\n        preset: mirror\n`);
    const strict = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--world', world, '--presets-file', presets);
    assert.equal(strict.code, 1, 'the first entry (FAIL_FAST) is used by default');
    assert.match(strict.err, /SEAMLESS_MISSING_DATA/);
    const filling = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--world', world, '--world-preset', 'filling', '--presets-file', presets);
    assert.equal(filling.code, 0, filling.err);
    assert.equal(filling.out.trim().split('\n').length, 30);
    const unknown = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--end', '2024-01-02T00:30:00Z', '--world', world, '--world-preset', 'nope', '--presets-file', presets);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /strict/);
    assert.match(unknown.err, /filling/);
  });

  it('mistakes get usage errors or messages naming the wrong part', async () => {
    const { local } = await catalogs();
    const noEnd = await run('fetch', BAR_NODE, '--start', '2024-01-02T00:00:00Z', '--catalog', local);
    assert.equal(noEnd.code, 2);
    const badId = await run('fetch', 'ohlcv:Binance:BTC/USDT:1m', '--start', '2024-01-02', '--end', '2024-01-03', '--catalog', local);
    assert.equal(badId.code, 1);
    assert.match(badId.err, /exchange/);
    assert.match(badId.err, /SEAMLESS_BAD_NODE_ID/);
    const badStrategy = await run('fetch', BAR_NODE, '--start', '2024-01-02', '--end', '2024-01-03', '--strategy', 'FAST', '--catalog', local);
    assert.equal(badStrategy.code, 2);
  });
});
