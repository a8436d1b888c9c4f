/**
 * The CSV bytes inside an archive, as a stream of Buffers, never the whole file: a zip's one
 * CSV entry (data.binance.vision) or a gzip file (public.bybit.com). Inflation runs in node's
 * zlib (native, off the main thread) with large output chunks so the parser sees few calls.
 */
import { createReadStream } from 'node:fs';
import { Readable, type TransformOptions } from 'node:stream';
import { type ZlibOptions, createGunzip, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { ImportError } from './errors.js';
import type { LocalArchive } from './sources.js';

const CHUNK = 1 << 20;
/** Compressed bytes per file read. */
const READ_CHUNK = 1 << 20;
/** Inflated bytes zlib may hold ready ahead of the parser. */
const AHEAD = 4 * CHUNK;
// zlib streams pass stream options on to Transform; @types/node's ZlibOptions omits them.
const INFLATE_OPTIONS: ZlibOptions & TransformOptions = { chunkSize: CHUNK, readableHighWaterMark: AHEAD, writableHighWaterMark: READ_CHUNK };

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
    if (entry.isEncrypted()) {
      throw new ImportError('IMPORT_BAD_ARCHIVE', `${archive.label}: the entry is encrypted; exchange archives are not — re-download the archive`, { archive: archive.label });
    }
    // The entry's compressed bytes are read straight from the file in 1 MB reads (yauzl's own
    // stream reads 16 KB through three piped streams, each step waiting for a turn of the
    // event loop that the parser holds for a whole chunk, so the inflater starved) and go
    // through our own inflater, whose 1 MB output chunks keep the parser's calls few; a
    // large output buffer lets zlib run ahead on the libuv pool while the parser works.
    const start = await fileDataStart(zip, entry, archive);
    const raw: Readable = entry.compressedSize === 0 ? Readable.from([]) : createReadStream(archive.path, { start, end: start + entry.compressedSize - 1, highWaterMark: READ_CHUNK });
    // Piped streams flow through 'data' anyway; a stored entry is counted in the loop instead.
    if (onRead && entry.compressionMethod === 8) raw.on('data', (chunk: Buffer) => onRead(chunk.length));
    const body = entry.compressionMethod === 8 ? raw.pipe(createInflateRaw(INFLATE_OPTIONS)) : raw;
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
    } finally {
      body.destroy();
      raw.destroy();
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
  const body = file.pipe(createGunzip(INFLATE_OPTIONS));
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

/** Where entry's compressed bytes start: after its local header (whose name and extra field lengths vary). */
function fileDataStart(zip: yauzl.ZipFile, entry: yauzl.Entry, archive: LocalArchive): Promise<number> {
  // yauzl 3 has readLocalFileHeader; @types/yauzl does not declare it yet.
  const reader = zip as unknown as { readLocalFileHeader(entry: yauzl.Entry, options: { minimal: true }, callback: (error: Error | null, header?: { fileDataStart: number }) => void): void };
  return new Promise((resolve, reject) => {
    reader.readLocalFileHeader(entry, { minimal: true }, (error, header) => (error || !header ? reject(truncated(archive, error ?? new Error('no local file header'))) : resolve(header.fileDataStart)));
  });
}
