/**
 * Reading a zip entry's compressed bytes straight from the file (1 MB reads into our own
 * inflater): a multi-megabyte entry comes back byte for byte across many reads and chunks,
 * and a zip whose compressed data is damaged (central directory intact) is IMPORT_TRUNCATED.
 * A stored entry is read as is and counted in the loop; an empty one yields nothing; an
 * encrypted one is refused; a local header that does not parse is IMPORT_TRUNCATED.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipCsvChunks } from '../../src/pipeline/import/archive-stream.js';
import { ImportError } from '../../src/pipeline/import/errors.js';
import { tempDir } from '../helpers/paths.js';
import { writeZip } from '../support/archives/zip-writer.js';

/** ~9 MB of trade-like CSV that compresses poorly enough to need several 1 MB reads. */
function csv(): Buffer {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const lines: string[] = [];
  for (let i = 0; i < 120_000; i++) lines.push(`${4_000_000_000 + i},${(random() * 1e5).toFixed(8)},${random().toFixed(8)},${(random() * 1e4).toFixed(8)},${1736899200000000 + i * 7},${random() < 0.5 ? 'True' : 'False'},True`);
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}

async function readAll(path: string, onRead?: (compressedBytes: number) => void): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const chunk of zipCsvChunks({ path, label: path, bytes: 0, release: async () => {} }, onRead)) parts.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

function rejectsAs(code: string, message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ImportError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  };
}

describe('zip entry stream', () => {
  let dir: { path: string; remove: () => Promise<void> };
  const text = csv();
  before(async () => {
    dir = await tempDir();
  });
  after(async () => dir.remove());

  it('returns the entry byte for byte across many reads and chunks', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-15.zip');
    const size = await writeZip(path, 'BTCUSDT-trades-2025-01-15.csv', text);
    assert.ok(size > 2 << 20, `compressed ${size} bytes: want several 1 MB reads`);
    const { bytes, chunks } = await readAll(path);
    assert.ok(chunks > 8);
    assert.ok(bytes.equals(text));
  });

  it('names a zip whose compressed data is damaged as truncated or damaged', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-16.zip');
    await writeZip(path, 'BTCUSDT-trades-2025-01-16.csv', text);
    const zip = await readFile(path);
    for (let i = 0; i < 4096; i++) zip[(zip.length >> 1) + i]! ^= (i * 131 + 17) & 0xff;
    await writeFile(path, zip);
    await assert.rejects(readAll(path), rejectsAs('IMPORT_TRUNCATED', /BTCUSDT-trades-2025-01-16\.zip: the archive is truncated or damaged .*download it again/));
  });

  it('returns a stored entry byte for byte, counting every byte read', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-17.zip');
    await writeZip(path, 'BTCUSDT-trades-2025-01-17.csv', text, { method: 0 });
    let read = 0;
    let calls = 0;
    const { bytes, chunks } = await readAll(path, (compressedBytes) => {
      read += compressedBytes;
      calls++;
    });
    assert.ok(chunks > 8);
    assert.ok(bytes.equals(text));
    assert.equal(read, text.length);
    assert.equal(calls, chunks);
  });

  it('yields no chunk for an empty entry', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-18.zip');
    await writeZip(path, 'BTCUSDT-trades-2025-01-18.csv', Buffer.alloc(0), { method: 0 });
    let read = 0;
    const { chunks } = await readAll(path, (compressedBytes) => (read += compressedBytes));
    assert.equal(chunks, 0);
    assert.equal(read, 0);
  });

  it('refuses an encrypted entry as a bad archive', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-19.zip');
    await writeZip(path, 'BTCUSDT-trades-2025-01-19.csv', Buffer.from('1,2,3\n'), { encrypted: true });
    await assert.rejects(readAll(path), rejectsAs('IMPORT_BAD_ARCHIVE', /BTCUSDT-trades-2025-01-19\.zip: the entry is encrypted/));
  });

  it('names a zip whose local header is damaged as truncated or damaged', async () => {
    const path = join(dir.path, 'BTCUSDT-trades-2025-01-20.zip');
    await writeZip(path, 'BTCUSDT-trades-2025-01-20.csv', Buffer.from('1,2,3\n'));
    const zip = await readFile(path);
    zip.writeUInt32LE(0, 0); // the local header's signature; the central directory still points here
    await writeFile(path, zip);
    await assert.rejects(readAll(path), rejectsAs('IMPORT_TRUNCATED', /BTCUSDT-trades-2025-01-20\.zip: the archive is truncated or damaged \(invalid local file header signature: 0x0\)/));
  });
});
