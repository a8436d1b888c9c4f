/** writeArtifact: Parquet + manifest, crash-safe and idempotent, node ids kept inside dir. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile as readBytes, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFile } from '../../src/catalog/reader.js';
import { type Frame, concatFrames, sliceFrame } from '../../src/model/frames.js';
import { DATA_FILE, MANIFEST_FILE, nodeIdFolder, writeArtifact } from '../../src/seamless/artifact.js';
import { datasetFingerprint } from '../../src/seamless/fingerprint.js';
import { Symbology } from '../../src/seamless/symbology.js';
import { tempDir } from '../helpers/paths.js';
import { frameDifference, prng, randomFrame } from '../helpers/random-frames.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const SYMBOLOGY = new Symbology();
const START = 1_700_000_000_000_000_000n;
const BAR_TYPE = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3, barType: BAR_TYPE };
const SERIES = SYMBOLOGY.series('ohlcv:binance:BTC/USDT:1m');
const RANGE = { start: START, end: START + 3_600_000_000_000n };

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe('writeArtifact', () => {
  let root: { path: string; remove: () => Promise<void> };
  before(async () => (root = await tempDir('seamless-artifact-')));
  after(() => root.remove());

  it('writes a readable Parquet file and a complete manifest', async () => {
    const dir = join(root.path, 'full');
    const frame = randomFrame('bar', prng(1), { width: 8, rows: 7000, startNs: START, meta: META });
    const fingerprint = datasetFingerprint(SERIES, frame);
    const written = await writeArtifact(dir, {
      series: SERIES, range: RANGE, frame, fingerprint, conformance: { flagged: 0 }, tiers: ['storage', 'backfill'], asOf: '2024-01-01T00:00:00Z',
    });
    assert.equal(written.dir, join(dir, nodeIdFolder(SERIES.nodeId), fingerprint.slice('sha256:'.length)));
    assert.equal(written.manifestPath, join(written.dir, MANIFEST_FILE));
    assert.deepEqual((await readdir(written.dir)).sort(), [DATA_FILE, MANIFEST_FILE]);

    const manifest = JSON.parse(await readBytes(written.manifestPath, 'utf8'));
    assert.deepEqual(manifest, written.manifest);
    const { createdAt, files, ...rest } = manifest;
    assert.ok(!Number.isNaN(Date.parse(createdAt)));
    assert.deepEqual(rest, {
      version: 1, nodeId: SERIES.nodeId, dataType: 'bar', identifier: BAR_TYPE,
      range: { start: RANGE.start.toString(), end: RANGE.end.toString(), startIso: '2023-11-14T22:13:20.000000000Z', endIso: '2023-11-14T23:13:20.000000000Z' },
      rows: 7000, empty: false, fingerprint, tiers: ['storage', 'backfill'], conformance: { flagged: 0 }, asOf: '2024-01-01T00:00:00Z',
    });
    const bytes = await readBytes(join(written.dir, DATA_FILE));
    assert.deepEqual(files, [{ name: DATA_FILE, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }]);

    const frames: Frame<'bar'>[] = [];
    for await (const f of readFile(join(written.dir, DATA_FILE), 'bar')) frames.push(f);
    assert.equal(frameDifference(concatFrames(frames), frame), undefined);
  });

  it('returns an existing artifact without rewriting it, and leaves no temp folder', async () => {
    const dir = join(root.path, 'again');
    const frame = randomFrame('bar', prng(2), { width: 16, rows: 50, startNs: START, meta: META });
    const input = { series: SERIES, range: RANGE, frame, fingerprint: datasetFingerprint(SERIES, frame), tiers: ['cache'] };
    const first = await writeArtifact(dir, input);
    const mtime = (await stat(first.manifestPath)).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await writeArtifact(dir, { ...input, tiers: ['other'] });
    assert.deepEqual(second, first);
    assert.equal((await stat(first.manifestPath)).mtimeMs, mtime);
    const all = await listAll(dir);
    assert.ok(!all.some((p) => p.split(sep).some((part) => part.startsWith('.'))), `no hidden temp folders: ${all.join(', ')}`);
    assert.equal(all.length, 4); // node folder, fingerprint folder, two files
  });

  it('writes concurrent writers of one fingerprint once', async () => {
    const dir = join(root.path, 'race');
    const frame = randomFrame('bar', prng(3), { width: 8, rows: 20, startNs: START, meta: META });
    const input = { series: SERIES, range: RANGE, frame, fingerprint: datasetFingerprint(SERIES, frame), tiers: [] };
    const results = await Promise.all([writeArtifact(dir, input), writeArtifact(dir, input), writeArtifact(dir, input)]);
    assert.ok(results.every((r) => r.dir === results[0]!.dir));
    assert.equal((await listAll(dir)).length, 4);
  });

  it('skips the Parquet file for an empty result and says so', async () => {
    const dir = join(root.path, 'empty');
    const frame = sliceFrame(randomFrame('bar', prng(4), { width: 8, rows: 1, startNs: START, meta: META }), 0, 0);
    for (const f of [frame, undefined]) {
      const written = await writeArtifact(dir, { series: SERIES, range: RANGE, frame: f, fingerprint: datasetFingerprint(SERIES, f), tiers: [] });
      assert.deepEqual(await readdir(written.dir), [MANIFEST_FILE]);
      assert.equal(written.manifest.rows, 0);
      assert.equal(written.manifest.empty, true);
      assert.deepEqual(written.manifest.files, []);
      assert.equal(written.manifest.asOf, null);
      assert.equal(written.manifest.conformance, null);
    }
  });

  it('keeps hostile node ids inside dir as one folder each', async () => {
    const dir = join(root.path, 'hostile');
    const ids = ['../../etc/passwd', '..', '.', '/abs/path', 'a\\b', 'ohlcv:x:A/B:1m', 'ohlcv:x:A%2FB:1m', 'tick:ü:..:x', 'x'.repeat(400)];
    const folders = new Set<string>();
    for (const nodeId of ids) {
      const series = { ...SERIES, nodeId };
      const written = await writeArtifact(dir, { series, range: RANGE, frame: undefined, fingerprint: datasetFingerprint(series, undefined), tiers: [] });
      const rel = relative(dir, written.dir).split(sep);
      assert.equal(rel.length, 2, `${nodeId} -> ${written.dir}`);
      assert.ok(!rel[0]!.startsWith('.'), `${nodeId} -> ${rel[0]}`);
      assert.ok(rel[0]!.length <= 160);
      folders.add(rel[0]!);
    }
    assert.equal(folders.size, ids.length, 'distinct node ids get distinct folders');
    assert.equal(nodeIdFolder('ohlcv:binance:BTC/USDT:1m'), 'ohlcv%3Abinance%3ABTC%2FUSDT%3A1m');
    assert.throws(() => nodeIdFolder(''), seamlessError('SEAMLESS_BAD_NODE_ID'));
  });

  it('refuses a malformed fingerprint or a frame of another type', async () => {
    const dir = join(root.path, 'bad');
    await assert.rejects(writeArtifact(dir, { series: SERIES, range: RANGE, frame: undefined, fingerprint: 'sha256:../../x', tiers: [] }), RangeError);
    const trades = randomFrame('trade_tick', prng(5), { width: 8, rows: 3, startNs: START, meta: { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 3 } });
    await assert.rejects(
      writeArtifact(dir, { series: SERIES, range: RANGE, frame: trades as unknown as Frame<'bar'>, fingerprint: `sha256:${'0'.repeat(64)}`, tiers: [] }),
      RangeError,
    );
  });
});
