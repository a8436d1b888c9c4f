/**
 * Builds exchange mirrors on disk — zip + `.zip.CHECKSUM` as data.binance.vision lays them
 * out, gzip files as public.bybit.com does — and serves a folder over HTTP on 127.0.0.1 (free
 * port) with 404 for what is absent, so the importer's folder and URL sources read the same bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeZip } from './zip-writer.js';

export type ChecksumMode = 'good' | 'bad' | 'none';

/** Writes `root/relPath` as a one-CSV zip (entry named like Binance's: the zip name with .csv), plus its checksum file. */
export async function writeBinanceZip(root: string, relPath: string, csv: string | Uint8Array | AsyncIterable<Uint8Array>, checksum: ChecksumMode = 'good'): Promise<string> {
  const path = join(root, ...relPath.split('/'));
  await mkdir(dirname(path), { recursive: true });
  const name = relPath.split('/').pop()!;
  const content = typeof csv === 'string' ? Buffer.from(csv, 'latin1') : csv;
  await writeZip(path, name.replace(/\.zip$/, '.csv'), content);
  if (checksum !== 'none') {
    const digest = checksum === 'good' ? await sha256(path) : createHash('sha256').update('something else').digest('hex');
    await writeFile(`${path}.CHECKSUM`, `${digest}  ${name}\n`);
  }
  return path;
}

/** Cuts a file to `keep` of its length (a truncated download) and rewrites its checksum to match, so only the truncation is wrong. */
export async function truncateKeepingChecksum(path: string, keep: number): Promise<void> {
  const size = (await stat(path)).size;
  await truncate(path, Math.floor(size * keep));
  const name = path.split(sep).pop()!;
  await writeFile(`${path}.CHECKSUM`, `${await sha256(path)}  ${name}\n`);
}

export async function writeGzipFile(root: string, relPath: string, text: string): Promise<string> {
  const path = join(root, ...relPath.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, gzipSync(Buffer.from(text, 'latin1')));
  return path;
}

export async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

export interface FolderServer {
  readonly url: string;
  /** Paths requested so far (for asserting what was downloaded). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `root` read-only on 127.0.0.1 at a free port. */
export async function serveFolder(root: string): Promise<FolderServer> {
  const base = resolve(root);
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = resolve(base, `.${path}`);
    if (!file.startsWith(base + sep)) {
      response.writeHead(403).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'content-length': info.size, 'content-type': 'application/octet-stream' });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end('Not Found'),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
