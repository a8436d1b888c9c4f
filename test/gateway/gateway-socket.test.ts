/**
 * The gateway over a real socket (port 0, node's fetch and the ws client): what inject()
 * cannot show — keep-alive clients in parallel, a client hanging up mid-stream, a plugin's
 * websocket route through a real upgrade.
 */
import '@fastify/websocket';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import WebSocket from 'ws';
import { Catalog } from '../../src/catalog/catalog.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { isoToNs } from '../../src/model/time.js';
import { AUTH, BARS, type DemoGateway, demoGateway } from './gateway-setup.js';

const BIG_ROWS = 300_000;

const echoPlugin: FastifyPluginAsync = async (app) => {
  app.get('/echo', { websocket: true }, (socket) => {
    socket.on('message', (data: Buffer) => socket.send(`echo ${data.toString()}`));
  });
};

async function openStreams(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values = [...text.matchAll(/^seamless_gateway_streams_open\{[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
  return values.reduce((a, b) => a + b, 0);
}

describe('gateway over a real socket', () => {
  let gw: DemoGateway;
  let url: string;
  before(async () => {
    gw = await demoGateway({ plugins: [{ plugin: echoPlugin, prefix: '/v1' }] });
    // A series big enough that its NDJSON (~60 MB) cannot sit in socket buffers.
    const catalog = await Catalog.open(gw.catalog);
    await catalog.write(syntheticQuotes({ meta: { instrumentId: 'BIG.SIM', pricePrecision: 5, sizePrecision: 0 }, start: isoToNs('2024-01-05T00:00:00Z'), count: BIG_ROWS, stepNs: 1_000_000n, seed: 9 }));
    await gw.app.listen({ host: '127.0.0.1', port: 0 });
    const address = gw.app.server.address();
    assert.ok(typeof address === 'object' && address !== null);
    url = `http://127.0.0.1:${address.port}`;
  });
  after(async () => gw.close());

  it('serves the same bytes as inject(), to many keep-alive clients at once', async () => {
    const path = `/v1/catalog/bar/${BARS}/rows?start=2024-01-02T05:00:00Z&end=2024-01-02T06:00:00Z`;
    const expected = (await gw.app.inject(path)).body;
    assert.equal(expected.trim().split('\n').length, 60);
    const bodies = await Promise.all(Array.from({ length: 16 }, async () => (await fetch(`${url}${path}`)).text()));
    for (const body of bodies) assert.equal(body, expected);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const refused = await fetch(`${url}/v1/catalog/bar/${BARS}/rows?start=2024-01-02T05:00:00Z&end=2024-01-02T06:00:00Z`, { method: 'DELETE' });
    assert.equal(refused.status, 401);
    assert.deepEqual(Object.keys((await refused.json()) as object).sort(), ['error', 'message', 'statusCode']);
    const accepted = await fetch(`${url}/v1/catalog/bar/${BARS}/rows?start=2024-01-02T05:00:00Z&end=2024-01-02T06:00:00Z`, { method: 'DELETE', headers: AUTH });
    assert.equal(accepted.status, 200);
    assert.equal(await (await fetch(`${url}${path}`)).text(), '');
  });

  it('streams a large series and stops reading when the client hangs up', async () => {
    const full = await fetch(`${url}/v1/catalog/quote_tick/BIG.SIM/rows`);
    let lines = 0;
    const decoder = new TextDecoder();
    for await (const chunk of full.body!) lines += decoder.decode(chunk as Uint8Array, { stream: true }).split('\n').length - 1;
    assert.equal(lines, BIG_ROWS);

    const abort = new AbortController();
    const partial = await fetch(`${url}/v1/catalog/quote_tick/BIG.SIM/rows`, { signal: abort.signal });
    const reader = partial.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0);
    assert.equal(await openStreams(url), 1, 'the stream is open while the client holds it');
    abort.abort();
    await reader.cancel().catch(() => undefined);
    const deadline = Date.now() + 5000;
    while ((await openStreams(url)) !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await openStreams(url), 0, 'the server closed the stream after the client left');
  });

  it("reaches a plugin's websocket route through a real upgrade", async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/echo`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    socket.send('ping');
    assert.equal(await reply, 'echo ping');
    socket.close();
  });
});
