/** Real dependency probes: folders, TCP servers, a Redis PING, a Python importing nautilus_trader. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SeamlessError } from '../../src/seamless/errors.js';
import { checkDependencies, createDefaultRegistry, parsePresets, probe } from '../../src/seamless/presets/index.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

/**
 * A port nothing listens on. Not one from listen(0): that is in the ephemeral range, so the
 * probe's own outgoing socket can be handed it and connect to itself instead of being refused.
 */
const closedPort = freePort;

/** A tiny Redis stand-in: answers each line with the next of `replies`. */
async function fakeRedis(reply: (line: string) => string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      // Inline PING, or the AUTH array (whose last line is the password).
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const answer = reply(line);
        if (answer !== '') socket.write(answer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('dependency probes', () => {
  let dir: { path: string; remove: () => Promise<void> };
  const servers: Server[] = [];
  before(async () => {
    dir = await tempDir('seamless-deps-');
    await mkdir(join(dir.path, 'catalog'));
    await writeFile(join(dir.path, 'file'), 'not a folder');
  });
  after(async () => {
    for (const server of servers) server.close();
    await dir.remove();
  });

  it('catalog: an existing folder passes', async () => {
    const [result] = await checkDependencies([{ kind: 'catalog', path: join(dir.path, 'catalog') }]);
    assert.equal(result?.ok, true);
  });

  it('catalog: missing → error with the fix and the presets that avoid it', async () => {
    const presets = parsePresets(
      `version: 1
data_presets:
  broken: { provider: { preset: catalog, options: { catalog_path: missing } } }
  works: { provider: { preset: catalog, options: { catalog_path: catalog } } }
  also.broken: { provider: { preset: catalog.mirror, options: { catalog_path: catalog, source_path: missing } } }
`,
      join(dir.path, 'presets.yaml'),
      dir.path,
    );
    const missing = join(dir.path, 'missing');
    await assert.rejects(
      checkDependencies([{ kind: 'catalog', path: missing, option: 'catalog_path' }], { presets, current: 'broken', registry: createDefaultRegistry() }),
      seamlessError(
        'SEAMLESS_DEPENDENCY_MISSING',
        new RegExp(`missing dependency: catalog: no catalog at ${missing}; create it with \`seamless catalog write\` or point catalog_path at an existing catalog`),
        /presets that do not need it: data presets in .*presets\.yaml: "works"/,
      ),
    );
    await assert.rejects(
      checkDependencies([{ kind: 'catalog', path: join(dir.path, 'file'), option: 'source_path' }]),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /is a file, not a catalog folder; .*point source_path/),
    );
  });

  it('questdb: a closed port fails within the timeout; a listening one passes', async () => {
    const port = await closedPort();
    await assert.rejects(
      checkDependencies([{ kind: 'questdb', host: '127.0.0.1', port }], { timeoutMs: 1000 }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', new RegExp(`QuestDB at 127\\.0\\.0\\.1:${port}: connection refused`), /start QuestDB/),
    );
    const { server, port: open } = await fakeRedis(() => '');
    servers.push(server);
    assert.equal((await probe({ kind: 'questdb', host: '127.0.0.1', port: open }, { timeoutMs: 1000 })).ok, true);
  });

  it('redis: +PONG passes, a closed port and a wrong answer fail', async () => {
    const good = await fakeRedis((line) => (line === 'PING' ? '+PONG\r\n' : ''));
    const noauth = await fakeRedis((line) => (line === 'PING' ? '-NOAUTH Authentication required.\r\n' : ''));
    servers.push(good.server, noauth.server);
    await checkDependencies([{ kind: 'redis', url: `redis://127.0.0.1:${good.port}` }], { timeoutMs: 1000 });
    const port = await closedPort();
    await assert.rejects(
      checkDependencies([{ kind: 'redis', url: `redis://127.0.0.1:${port}` }], { timeoutMs: 1000 }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /redis: Redis at redis:\/\/127\.0\.0\.1:\d+: connection refused/, /start Redis/),
    );
    await assert.rejects(
      checkDependencies([{ kind: 'redis', url: `redis://127.0.0.1:${noauth.port}` }], { timeoutMs: 1000 }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /answered "-NOAUTH Authentication required\." to PING instead of \+PONG/),
    );
  });

  it('redis: sends AUTH when the URL has a password', async () => {
    const seen: string[] = [];
    const auth = await fakeRedis((line) => {
      seen.push(line);
      if (line === 's3cret word') return '+OK\r\n';
      return line === 'PING' ? '+PONG\r\n' : '';
    });
    servers.push(auth.server);
    const result = await probe({ kind: 'redis', url: `redis://:s3cret%20word@127.0.0.1:${auth.port}` }, { timeoutMs: 1000 });
    assert.equal(result.ok, true);
    assert.ok(seen.includes('AUTH'));
  });

  it('a silent server times out instead of hanging', async () => {
    const silent = await fakeRedis(() => '');
    servers.push(silent.server);
    await assert.rejects(
      checkDependencies([{ kind: 'redis', url: `redis://127.0.0.1:${silent.port}` }], { timeoutMs: 200 }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /no reply within 200 ms/),
    );
  });

  it('nautilus: a missing Python binary fails with what to do', async () => {
    await assert.rejects(
      checkDependencies([{ kind: 'nautilus' }], { env: { SEAMLESS_PYTHON: join(dir.path, 'no-python') } }),
      seamlessError('SEAMLESS_DEPENDENCY_MISSING', /NautilusTrader via .*no-python: no such Python executable/, /npm run setup/, /SEAMLESS_PYTHON/),
    );
  });

  const venvPython = join(REPO_ROOT, '.venv', 'bin', 'python');
  it('nautilus: the repository .venv imports nautilus_trader', { skip: existsSync(venvPython) ? false : `no ${venvPython}; run npm run setup` }, async () => {
    const [result] = await checkDependencies([{ kind: 'nautilus' }], { env: {} });
    assert.equal(result?.ok, true);
    assert.match(result?.ok === true ? result.detail : '', /^nautilus_trader \d+\.\d+\.\d+ via .*\.venv\/bin\/python$/);
  });

  it('reports every failure at once, probing in parallel', async () => {
    const a = await closedPort();
    const b = await closedPort([a]);
    const started = Date.now();
    await assert.rejects(
      checkDependencies(
        [
          { kind: 'catalog', path: join(dir.path, 'missing') },
          { kind: 'questdb', host: '127.0.0.1', port: a },
          { kind: 'redis', url: `redis://127.0.0.1:${b}` },
          { kind: 'nautilus', python: join(dir.path, 'no-python') },
        ],
        { timeoutMs: 1000 },
      ),
      (error: unknown) => {
        assert.ok(error instanceof SeamlessError);
        assert.match(error.message, /^4 missing dependencies:/);
        for (const kind of ['catalog', 'questdb', 'redis', 'nautilus']) assert.match(error.message, new RegExp(`  - ${kind}: `));
        assert.equal((error.details['missing'] as unknown[]).length, 4);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000);
  });
});

describe('secrets in dependency messages', () => {
  it('never shows a Redis password', async () => {
    const { describeDependency } = await import('../../src/seamless/presets/dependency.js');
    const text = describeDependency({ kind: 'redis', url: 'redis://:hunter2@127.0.0.1:1' });
    assert.ok(!text.includes('hunter2'), text);
    assert.match(text, /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  });
});
