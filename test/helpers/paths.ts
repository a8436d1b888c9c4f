/** Paths tests share: the repository root, the shared fixtures, temp catalogs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** NautilusTrader's own test Parquet files, shipped in ../shared beside the checkout. */
export const FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'nautilus');

/** Makes a temp folder; the returned function removes it. */
export async function tempDir(prefix = 'seamless-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
