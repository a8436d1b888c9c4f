/**
 * Where archives come from: a local folder that mirrors the exchange's layout, or a base URL
 * (http/https) fetched with node's fetch into a temp file. Both hand out a local file, so the
 * checksum, unzip and parse steps are one code path. A missing archive is `null`, not an error:
 * the caller decides whether that is a gap (a day) or a fallback (a month).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ImportError } from './errors.js';

export interface LocalArchive {
  /** A readable local file holding the archive. */
  readonly path: string;
  /** What to call it in messages: the URL or the mirror path. */
  readonly label: string;
  readonly bytes: number;
  /** Deletes the temp copy of a download; a no-op for folder files. */
  release(): Promise<void>;
}

export interface ArchiveSource {
  /** Returns the archive at `relPath` (a `/`-separated path under the root), or null when it does not exist. */
  get(relPath: string): Promise<LocalArchive | null>;
  /** Returns a small text file (a `.CHECKSUM`), or null when it does not exist. */
  text(relPath: string): Promise<string | null>;
  /** The name of `relPath` in messages. */
  label(relPath: string): string;
  /** Removes what the source created (temp folders). */
  close(): Promise<void>;
}

/** Returns the source for `--source`: an http(s) URL, else a folder. */
export function openSource(spec: string): ArchiveSource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    const url = new URL(spec);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ImportError('IMPORT_USAGE', `--source URL must be http or https, was ${JSON.stringify(url.protocol)}`);
    }
    return new HttpSource(spec.endsWith('/') ? spec : `${spec}/`);
  }
  return new FolderSource(resolve(spec));
}

/** Joins a relative archive path under `root`, refusing anything that would leave it. */
function inside(root: string, relPath: string): string {
  const full = resolve(root, ...relPath.split('/'));
  if (full !== root && !full.startsWith(root + sep)) throw new ImportError('IMPORT_USAGE', `archive path ${JSON.stringify(relPath)} leaves the source folder ${root}`);
  return full;
}

class FolderSource implements ArchiveSource {
  constructor(private readonly root: string) {}

  label(relPath: string): string {
    return inside(this.root, relPath);
  }

  async get(relPath: string): Promise<LocalArchive | null> {
    const path = inside(this.root, relPath);
    try {
      const info = await stat(path);
      return { path, label: path, bytes: info.size, release: async () => {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ImportError('IMPORT_FETCH', `${path}: cannot read the archive: ${(error as Error).message}`, { archive: path, cause: error });
    }
  }

  async text(relPath: string): Promise<string | null> {
    try {
      return await readFile(inside(this.root, relPath), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async close(): Promise<void> {}
}

/**
 * GETs `url`, following redirects. A request that fails (no answer, refused, timed out) is
 * IMPORT_FETCH naming the URL, the cause and `whatToDo`; any HTTP status is the caller's.
 */
export async function httpGet(url: string, whatToDo: string, options: { readonly timeoutMs?: number } = {}): Promise<Response> {
  try {
    return await fetch(url, { redirect: 'follow', ...(options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}) });
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs! / 1000} s` : `${(error as Error).message}${cause ? `: ${cause.message}` : ''}`;
    throw new ImportError('IMPORT_FETCH', `${url}: request failed (${reason}); ${whatToDo}`, { archive: url, cause: error });
  }
}

class HttpSource implements ArchiveSource {
  private tempDir: Promise<string> | undefined;
  private downloads = 0;

  constructor(private readonly base: string) {}

  label(relPath: string): string {
    return new URL(relPath, this.base).href;
  }

  private async request(relPath: string): Promise<Response | null> {
    const url = this.label(relPath);
    const response = await httpGet(url, 'check the network and --source, then re-run (finished days are kept)');
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ImportError('IMPORT_FETCH', `${url}: HTTP ${response.status} ${response.statusText}; re-run later (finished days are kept)`, { archive: url });
    }
    return response;
  }

  async get(relPath: string): Promise<LocalArchive | null> {
    const response = await this.request(relPath);
    if (!response) return null;
    const label = this.label(relPath);
    this.tempDir ??= mkdtemp(join(tmpdir(), 'seamless-import-'));
    const path = join(await this.tempDir, `${++this.downloads}-${relPath.split('/').pop() ?? 'archive'}`);
    try {
      // Streamed to disk, never held in memory: a month of trades is gigabytes.
      await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw new ImportError('IMPORT_TRUNCATED', `${label}: the download broke off (${(error as Error).message}); re-run to fetch it again (finished days are kept)`, { archive: label, cause: error });
    }
    const bytes = (await stat(path)).size;
    return { path, label, bytes, release: () => rm(path, { force: true }) };
  }

  async text(relPath: string): Promise<string | null> {
    const response = await this.request(relPath);
    return response ? response.text() : null;
  }

  async close(): Promise<void> {
    if (this.tempDir) await rm(await this.tempDir, { recursive: true, force: true });
  }
}
