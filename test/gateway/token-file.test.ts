/**
 * The token file: created once with owner-only permissions, reused after, refused when
 * others may read it or it holds no token, and never created twice by racing starts.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultTokenFile, loadOrCreateToken, TokenFileError } from '../../src/gateway/token-file.js';
import { tempDir } from '../helpers/paths.js';

describe('gateway token file', () => {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    dir = await tempDir('seamless-token-');
  });
  after(async () => dir.remove());

  it('creates a random token in a 0600 file inside a 0700 folder, then reuses it', async () => {
    const path = defaultTokenFile(join(dir.path, 'catalog'));
    assert.equal(path, join(dir.path, 'catalog', '.seamless', 'gateway.token'));
    const first = await loadOrCreateToken(path);
    assert.equal(first.created, true);
    assert.match(first.token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir.path, 'catalog', '.seamless'))).mode & 0o777, 0o700);
    assert.equal((await readFile(path, 'utf8')).trim(), first.token);
    const second = await loadOrCreateToken(path);
    assert.deepEqual(second, { token: first.token, created: false, path });
    const other = await loadOrCreateToken(join(dir.path, 'other', 'token'));
    assert.notEqual(other.token, first.token);
  });

  it('creates the token once when several gateways start at the same moment', async () => {
    const path = join(dir.path, 'race', 'token');
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateToken(path)));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.token)).size, 1);
    assert.equal((await readFile(path, 'utf8')).trim(), results[0]!.token);
  });

  it('refuses a token file others can read or write, naming the fix', async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o660]) {
      const path = join(dir.path, `mode-${mode.toString(8)}`);
      await writeFile(path, 'abcdefghijklmnopqrstuvwxyz\n');
      await chmod(path, mode);
      await assert.rejects(loadOrCreateToken(path), (error: unknown) => {
        assert.ok(error instanceof TokenFileError);
        assert.match(error.message, new RegExp(`mode ${mode.toString(8)}.*chmod 600`));
        return true;
      });
    }
  });

  it('refuses a token file without a token, and a folder in its place', async () => {
    for (const text of ['', 'short\n', 'has spaces in the middle of it\n', 'line one is long enough\nline two\n']) {
      const path = join(dir.path, `bad-${text.length}`);
      await writeFile(path, text, { mode: 0o600 });
      await assert.rejects(loadOrCreateToken(path), /does not hold one token/);
    }
    const folder = join(dir.path, 'a-folder');
    await mkdir(folder);
    await assert.rejects(loadOrCreateToken(folder), /not a regular file/);
  });
});
