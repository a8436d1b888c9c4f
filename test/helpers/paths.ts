/** Paths tests share: the repository root, the NautilusTrader fixtures, temp catalogs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** NautilusTrader-written Parquet files, kept in the repository (or `SEAMLESS_FIXTURES`). */
export const FIXTURES = process.env['SEAMLESS_FIXTURES'] ?? resolve(REPO_ROOT, 'test', 'fixtures', 'nautilus');

/** Makes a temp folder; the returned function removes it. */
export async function tempDir(prefix = 'seamless-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
