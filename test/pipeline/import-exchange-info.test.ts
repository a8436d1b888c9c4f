/**
 * `--exchange-info` by URL: the import reads a symbol's rules straight from the exchange's
 * exchangeInfo endpoint (here the local Binance simulator over real HTTP), exactly as from the
 * same body saved to a file; a failing or unreachable server is an error naming the URL.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Socket, createServer } from 'node:net';
import { ImportError } from '../../src/pipeline/import/errors.js';
import { readExchangeInfo } from '../../src/pipeline/import/exchange-info.js';
import { httpGet } from '../../src/pipeline/import/sources.js';
import { tempDir } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { type BinanceSim, startBinanceSim } from '../support/binance-sim/index.js';

describe('readExchangeInfo from a URL', () => {
  let sim: BinanceSim;
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => {
    sim = await startBinanceSim({ market: 'spot' });
    dir = await tempDir('exchange-info-');
  });
  after(async () => {
    await sim.close();
    await dir.remove();
  });

  it('reads the rules from the exchange exactly as from the saved body', async () => {
    const url = `${sim.restUrl}/api/v3/exchangeInfo`;
    const fromUrl = await readExchangeInfo(url, 'BTCUSDT');
    const saved = join(dir.path, 'exchangeInfo.json');
    await writeFile(saved, await (await fetch(url)).text());
    assert.deepEqual(fromUrl, await readExchangeInfo(saved, 'BTCUSDT'));
    assert.equal(fromUrl.base, 'BTC');
    assert.equal(fromUrl.quote, 'USDT');
    assert.ok(fromUrl.pricePrecision > 0 && fromUrl.sizePrecision > 0, JSON.stringify(fromUrl));
  });

  it('names the URL when the server answers with an error, is unreachable, or lacks the symbol', async () => {
    const missing = `${sim.restUrl}/api/v3/noSuchEndpoint`;
    await assert.rejects(readExchangeInfo(missing, 'BTCUSDT'), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.code, 'IMPORT_FETCH', 'a server failure is not a usage mistake (exit 1, not 2)');
      assert.match(error.message, new RegExp(`^--exchange-info ${missing.replace(/[.?]/g, '\\$&')}: the server answered 404 `));
      return true;
    });
    const closed = `http://127.0.0.1:${await freePort()}/api/v3/exchangeInfo`;
    await assert.rejects(readExchangeInfo(closed, 'BTCUSDT'), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.code, 'IMPORT_FETCH');
      assert.match(error.message, /: request failed \(.*ECONNREFUSED.*\); check the URL and the network, or save the JSON to a file and pass its path$/);
      return true;
    });
    await assert.rejects(readExchangeInfo(`${sim.restUrl}/api/v3/exchangeInfo`, 'NOSUCHPAIR'), /has no symbol "NOSUCHPAIR"; download it for the right market/);
    await assert.rejects(readExchangeInfo(join(dir.path, 'absent.json'), 'BTCUSDT'), /absent\.json: cannot read it \(ENOENT.*\); give the path of a saved exchangeInfo JSON, or its URL$/);
  });

  it('gives up on a server that accepts the connection and never answers, saying how long it waited', { timeout: 10_000 }, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket)); // reads nothing, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const url = `http://127.0.0.1:${port}/api/v3/exchangeInfo`;
    try {
      const started = performance.now();
      await assert.rejects(httpGet(url, 'try again later', { timeoutMs: 300 }), (error: unknown) => {
        assert.ok(error instanceof ImportError);
        assert.equal(error.code, 'IMPORT_FETCH');
        assert.equal(error.message, `${url}: request failed (no answer within 0.3 s); try again later`);
        return true;
      });
      assert.ok(performance.now() - started < 5_000, 'the timeout ended the request');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
