/**
 * The gateway's contract with clients and with route plugins (docs/gateway.md): the token
 * guards every state change (plugin routes included), plugins get websockets and the error
 * registry, the OpenAPI document lists every route, /metrics counts requests, and the
 * token never reaches a log line.
 */
import '@fastify/websocket';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { Catalog } from '../../src/catalog/catalog.js';
import { ErrorBodySchema, routeSchema } from '../../src/gateway/route-schema.js';
import { buildProvider } from '../../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY } from '../../src/seamless/provider-config.js';
import { AUTH, BAR_NODE, BARS, type DemoGateway, TOKEN, demoGateway, injectJson, segment } from './gateway-setup.js';

type ErrorBody = z.infer<typeof ErrorBodySchema>;

class PluginError extends Error {
  readonly code = 'NODES_NOT_FOUND';
  readonly statusCode = 404;
}

/** A stand-in for the nodes plugin: a websocket route, a schema'd POST, errors of its own. */
const testPlugin: FastifyPluginAsync<{ greeting: string }> = async (app, options) => {
  const things = new Counter({ name: 'test_things_created_total', help: 'Things created.', registers: [app.metricsRegistry] });
  app.get('/echo', { websocket: true }, (socket) => {
    socket.on('message', (data: Buffer) => socket.send(`${options.greeting} ${data.toString()}`));
  });
  app.post<{ Body: { name: string } }>(
    '/things',
    { schema: routeSchema({ summary: 'Create a thing', tags: ['test'], body: z.strictObject({ name: z.string().min(1) }), response: { 201: z.object({ created: z.string() }) }, errors: [401] }) },
    async (request, reply) => {
      things.inc();
      return reply.status(201).send({ created: request.body.name, ignored: 'not in the schema' });
    },
  );
  app.get('/things/missing', async () => {
    throw new PluginError('thing 7 does not exist; list things with GET /v1/things');
  });
  app.get('/things/reindex', async (request) => {
    // A GET that changes state guards itself.
    app.requireToken(request);
    return { reindexed: true };
  });
  app.get('/things/broken', async () => {
    throw new Error('secret internals at /home/someone/.ssh');
  });
  app.get('/things/log-headers', async (request) => {
    request.log.info({ headers: request.headers }, 'headers seen');
    return { ok: true };
  });
};

describe('gateway contract: auth, plugins, OpenAPI, metrics, logs', () => {
  let gw: DemoGateway;
  const logLines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    gw = await demoGateway({ logger: { level: 'info', stream: sink }, plugins: [{ plugin: testPlugin, options: { greeting: 'hello' }, prefix: '/v1' }] });
  });
  after(async () => gw.close());

  it('refuses state changes without the right bearer token, on our routes and plugin routes', async () => {
    const consolidate = { method: 'POST' as const, url: `/v1/catalog/bar/${BARS}/consolidate`, payload: {} };
    const remove = { method: 'DELETE' as const, url: `/v1/catalog/bar/${BARS}/rows?start=2024-01-02T01:00:00Z&end=2024-01-02T02:00:00Z` };
    const create = { method: 'POST' as const, url: '/v1/things', payload: { name: 'x' } };
    const refusals: Array<[Record<string, string>, RegExp]> = [
      [{}, /no Authorization header/],
      [{ authorization: 'Bearer wrong-token-0123456789abcdef' }, /does not match/],
      [{ authorization: TOKEN }, /not "Bearer <token>"/],
      [{ authorization: `Basic ${TOKEN}` }, /not "Bearer <token>"/],
      [{ authorization: `Bearer ${TOKEN}x` }, /does not match/],
    ];
    for (const request of [consolidate, remove, create]) {
      for (const [headers, message] of refusals) {
        const { status, body } = await injectJson<ErrorBody>(gw.app, { ...request, headers });
        assert.equal(status, 401, `${request.method} ${request.url} ${JSON.stringify(headers)}`);
        assert.deepEqual({ error: body.error, statusCode: body.statusCode }, { error: 'UNAUTHORIZED', statusCode: 401 });
        assert.match(body.message, message);
      }
    }
    // Refused before the handler: nothing was deleted.
    const rows = await gw.app.inject(`/v1/catalog/bar/${BARS}/rows?start=2024-01-02T01:00:00Z&end=2024-01-02T02:00:00Z`);
    assert.equal(rows.body.trim().split('\n').length, 60);

    const created = await injectJson<Record<string, unknown>>(gw.app, { ...create, headers: AUTH });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { created: 'x' }, 'the response schema serializes: unknown fields are dropped');
    const reindex = await injectJson<ErrorBody>(gw.app, '/v1/things/reindex');
    assert.equal(reindex.status, 401, 'a plugin GET that changes state can require the token');
    assert.equal((await gw.app.inject({ url: '/v1/things/reindex', headers: AUTH })).statusCode, 200);
    const badBody = await injectJson<ErrorBody>(gw.app, { ...create, payload: { name: '' }, headers: AUTH });
    assert.equal(badBody.status, 400);
    assert.equal(badBody.body.error, 'VALIDATION');
    assert.match(badBody.body.message, /body\/name/);
  });

  it('passes plugin errors (code + statusCode) through, and hides unexpected ones behind INTERNAL', async () => {
    const missing = await injectJson<ErrorBody>(gw.app, '/v1/things/missing');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'NODES_NOT_FOUND', message: 'thing 7 does not exist; list things with GET /v1/things', statusCode: 404 });
    const broken = await injectJson<ErrorBody>(gw.app, '/v1/things/broken');
    assert.equal(broken.status, 500);
    assert.equal(broken.body.error, 'INTERNAL');
    assert.doesNotMatch(broken.body.message, /secret|ssh/);
    assert.match(broken.body.message, /request req-/);
    assert.ok(logLines.some((l) => l.includes('secret internals')), 'the full error is in the log');
  });

  it('lets plugins serve websocket routes', async () => {
    const socket = await gw.app.injectWS('/v1/echo');
    const reply = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    socket.send('world');
    assert.equal(await reply, 'hello world');
    socket.terminate();
  });

  it('never logs the token', async () => {
    const seen = await gw.app.inject({ url: '/v1/things/log-headers', headers: AUTH });
    assert.equal(seen.statusCode, 200);
    await gw.app.inject({ method: 'POST', url: '/v1/things', payload: { name: 'y' }, headers: AUTH });
    const headerLine = logLines.find((l) => l.includes('headers seen'));
    assert.ok(headerLine, 'the plugin logged the headers');
    assert.match(headerLine, /"authorization":"\[redacted\]"/);
    assert.ok(!logLines.join('').includes(TOKEN));
  });

  it('documents every route in the OpenAPI document at /docs/json, with the token where needed; /docs serves the UI', async () => {
    const { status, body } = await injectJson<{ paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> }>(gw.app, '/docs/json');
    assert.equal(status, 200);
    const expected: Array<[string, string]> = [
      ['get', '/health'],
      ['get', '/metrics'],
      ['get', '/v1/catalog'],
      ['get', '/v1/catalog/stats'],
      ['get', '/v1/catalog/{type}/{id}/intervals'],
      ['get', '/v1/catalog/{type}/{id}/rows'],
      ['delete', '/v1/catalog/{type}/{id}/rows'],
      ['post', '/v1/catalog/{type}/{id}/consolidate'],
      ['get', '/v1/history/{nodeId}'],
      ['post', '/v1/things'],
      ['get', '/v1/things/missing'],
      ['get', '/v1/things/broken'],
      ['get', '/v1/things/log-headers'],
      ['get', '/v1/things/reindex'],
    ];
    const documented = Object.entries(body.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`)).sort();
    assert.deepEqual(documented, expected.map(([method, path]) => `${method} ${path}`).sort());
    for (const [method, path] of expected) {
      assert.ok(gw.app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path} is a route`);
      const needsToken = method !== 'get';
      assert.equal(body.paths[path]![method]!.security !== undefined, needsToken, `${method} ${path} security`);
    }
    assert.ok(body.paths['/v1/catalog/{type}/{id}/rows']!['get']!.responses['400'], 'error responses are documented');
    // @fastify/websocket hides websocket routes: OpenAPI 3.0 cannot describe them.
    assert.ok(gw.app.hasRoute({ method: 'GET', url: '/v1/echo' }));
    const ui = await gw.app.inject('/docs');
    assert.ok([200, 302].includes(ui.statusCode));
    const page = ui.statusCode === 302 ? await gw.app.inject(String(ui.headers.location)) : ui;
    assert.match(page.body, /swagger/i);
  });

  it('counts requests by route pattern and status in /metrics, with process and history metrics', async () => {
    for (let i = 0; i < 3; i++) await gw.app.inject('/v1/catalog/stats');
    await gw.app.inject('/no/such/route');
    await gw.app.inject(`/v1/history/${segment(BAR_NODE)}?start=2024-01-02T01:00:00Z&end=2024-01-02T01:10:00Z`);
    const metrics = await gw.app.inject('/metrics');
    assert.equal(metrics.statusCode, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    const text = metrics.body;
    assert.match(text, /seamless_gateway_http_request_duration_seconds_count\{method="GET",route="\/v1\/catalog\/stats",status_code="200"\} 3\n/);
    assert.match(text, /seamless_gateway_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1\n/);
    assert.match(text, /seamless_gateway_http_request_duration_seconds_count\{method="GET",route="\/v1\/history\/:nodeId",status_code="200"\} 1\n/);
    assert.match(text, /seamless_request_duration_seconds_count\{strategy="PARTIAL",outcome="ok"\} 1\n/);
    assert.match(text, /process_cpu_user_seconds_total/);
    assert.match(text, /test_things_created_total 2\n/, 'a plugin metric registered on app.metricsRegistry');
    assert.match(text, /seamless_gateway_streams_open\{route="\/v1\/history\/:nodeId"\} 0\n/);
  });
});

describe('gateway auth beyond the defaults', () => {
  it('with readsNeedToken (a non-loopback bind) every route but /health needs the token', async () => {
    const gw = await demoGateway({ readsNeedToken: true });
    try {
      assert.equal((await gw.app.inject('/health')).statusCode, 200);
      for (const url of ['/v1/catalog', '/metrics', '/docs/json', `/v1/catalog/bar/${BARS}/rows?limit=1`, '/nope']) {
        const open = await injectJson<ErrorBody>(gw.app, url);
        assert.equal(open.status, 401, url);
        assert.equal(open.body.error, 'UNAUTHORIZED');
      }
      const withToken = await gw.app.inject({ url: '/v1/catalog', headers: AUTH });
      assert.equal(withToken.statusCode, 200);
      const spec = await injectJson<{ paths: Record<string, Record<string, { security?: unknown }>> }>(gw.app, { url: '/docs/json', headers: AUTH });
      assert.ok(spec.body.paths['/v1/catalog']!['get']!.security, 'reads are documented as needing the token');
      assert.equal(spec.body.paths['/health']!['get']!.security, undefined);
    } finally {
      await gw.close();
    }
  });

  it('a history GET that may backfill into storage needs the token; FAIL_FAST does not', async () => {
    const venue = await demoGateway();
    const local = join(venue.dir, 'local');
    const provider = await buildProvider({
      strategy: 'AUTO_BACKFILL',
      storage: { kind: 'catalog', path: local },
      backfill: { source: { kind: 'catalog', path: venue.catalog }, policy: DEFAULT_BACKFILL_POLICY },
      cache: false,
      conformance: {},
      stabilizationBars: 0,
    });
    const gw = await demoGateway({ provider });
    try {
      const url = `/v1/history/${segment(BAR_NODE)}?start=2024-01-02T01:00:00Z&end=2024-01-02T02:00:00Z`;
      const refused = await injectJson<ErrorBody>(gw.app, url);
      assert.equal(refused.status, 401);
      assert.deepEqual(await (await Catalog.open(local)).intervals('bar', BARS), [], 'nothing was backfilled');
      const strict = await injectJson<ErrorBody>(gw.app, `${url}&strategy=FAIL_FAST`);
      assert.equal(strict.status, 422, 'FAIL_FAST only reads, so no token is needed (and storage is empty)');
      const filled = await gw.app.inject({ url, headers: AUTH });
      assert.equal(filled.statusCode, 200, filled.body);
      const meta = JSON.parse(filled.body.trim().split('\n').at(-1)!) as { rows: number; tiers: string[] };
      assert.equal(meta.rows, 60);
      assert.ok(meta.tiers.includes('backfill'), meta.tiers.join());
      assert.equal((await (await Catalog.open(local)).intervals('bar', BARS)).length, 1, 'the backfill was written to storage');
    } finally {
      await gw.close();
      await venue.close();
    }
  });
});
