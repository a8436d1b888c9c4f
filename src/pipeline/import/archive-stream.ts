/**
 * The CSV bytes inside an archive, as a stream of Buffers, never the whole file: a zip's one
 * CSV entry (data.binance.vision) or a gzip file (public.bybit.com). Inflation runs in node's
 * zlib (native, off the main thread) with large output chunks so the parser sees few calls.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { ImportError } from './errors.js';
import type { LocalArchive } from './sources.js';

const CHUNK = 1 << 18;

/** Streams the single CSV entry of a zip archive. Throws ImportError for a truncated or unexpected zip. */
export async function* zipCsvChunks(archive: LocalArchive, onRead?: (compressedBytes: number) => void): AsyncGenerator<Buffer> {
  const zip = await openZip(archive);
  try {
    const entry = await firstEntry(zip, archive);
    if (zip.entryCount !== 1 || entry.fileName.endsWith('/') || !entry.fileName.toLowerCase().endsWith('.csv')) {
      throw new ImportError('IMPORT_BAD_ARCHIVE', `${archive.label}: expected exactly one .csv entry, was ${zip.entryCount} entries starting with ${JSON.stringify(entry.fileName)}; check --source points at the exchange's archives`, { archive: archive.label });
    }
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new ImportError('IMPORT_BAD_ARCHIVE', `${archive.label}: compression method ${entry.compressionMethod} is not deflate or stored; re-download the archive`, { archive: archive.label });
    }
    // The raw entry bytes go through our own inflater, whose 256 KB output chunks halve the
    // parser's per-call overhead against yauzl's 16 KB ones; sizes are checked below.
    const raw = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, { decompress: false, decrypt: null, start: null, end: null }, (error, stream) => (error ? reject(error) : resolve(stream))));
    // Piped streams flow through 'data' anyway; a stored entry is counted in the loop instead.
    if (onRead && entry.compressionMethod === 8) raw.on('data', (chunk: Buffer) => onRead(chunk.length));
    const body = entry.compressionMethod === 8 ? raw.pipe(createInflateRaw({ chunkSize: CHUNK })) : raw;
    raw.on('error', (error) => body.destroy(error));
    let bytes = 0;
    try {
      for await (const chunk of body) {
        bytes += (chunk as Buffer).length;
        if (onRead && entry.compressionMethod === 0) onRead((chunk as Buffer).length);
        yield chunk as Buffer;
      }
    } catch (error) {
      throw truncated(archive, error);
    }
    if (bytes !== entry.uncompressedSize) {
      throw truncated(archive, new Error(`the entry inflated to ${bytes} bytes, its header says ${entry.uncompressedSize}`));
    }
  } finally {
    zip.close();
  }
}

/** Streams a gzip file's content. Throws ImportError for a truncated or damaged file. */
export async function* gzipChunks(archive: LocalArchive, onRead?: (compressedBytes: number) => void): AsyncGenerator<Buffer> {
  const file = createReadStream(archive.path, { highWaterMark: 1 << 20 });
  if (onRead) file.on('data', (chunk) => onRead(chunk.length));
  const body = file.pipe(createGunzip({ chunkSize: CHUNK }));
  file.on('error', (error) => body.destroy(error));
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (error) {
    throw truncated(archive, error);
  } finally {
    body.destroy();
    file.destroy();
  }
}

function truncated(archive: LocalArchive, error: unknown): ImportError {
  if (error instanceof ImportError) return error;
  return new ImportError('IMPORT_TRUNCATED', `${archive.label}: the archive is truncated or damaged (${(error as Error).message}); delete it and download it again`, { archive: archive.label, cause: error });
}

function openZip(archive: LocalArchive): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(archive.path, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(truncated(archive, error)) : resolve(zip)));
  });
}

function firstEntry(zip: yauzl.ZipFile, archive: LocalArchive): Promise<yauzl.Entry> {
  return new Promise((resolve, reject) => {
    zip.once('entry', resolve);
    zip.once('error', (error) => reject(truncated(archive, error)));
    zip.once('end', () => reject(new ImportError('IMPORT_BAD_ARCHIVE', `${archive.label}: the zip holds no entry; re-download the archive`, { archive: archive.label })));
    zip.readEntry();
  });
}
