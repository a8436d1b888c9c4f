/**
 * Catalog and history routes through `inject()`: every answer is checked against its zod
 * schema and against what the CLI prints for the same request (the routes must call the
 * same library code, so they must agree byte for byte on rows).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { Catalog } from '../../src/catalog/catalog.js';
import { IntervalsBody, ListingBody, StatsBody, UpkeepBody } from '../../src/gateway/routes/catalog-routes.js';
import { HealthBody } from '../../src/gateway/routes/health-routes.js';
import { ErrorBodySchema } from '../../src/gateway/route-schema.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { isoToNs, NS_PER_SECOND } from '../../src/model/time.js';
import { run } from '../helpers/cli-run.js';
import { AUTH, BAR_NODE, BARS, type DemoGateway, demoGateway, injectJson, segment } from './gateway-setup.js';

const ROWS = `/v1/catalog/bar/${BARS}/rows`;

describe('gateway catalog and history routes', () => {
  let gw: DemoGateway;
  before(async () => {
    gw = await demoGateway();
  });
  after(async () => gw.close());

  it('GET /health answers ok with the catalog width', async () => {
    const { status, body } = await injectJson<z.infer<typeof HealthBody>>(gw.app, '/health');
    assert.equal(status, 200);
    HealthBody.parse(body);
    assert.equal(body.catalogWidth, 16);
  });

  it('GET /v1/catalog lists what `catalog ls --json` lists', async () => {
    const { status, body } = await injectJson<z.infer<typeof ListingBody>>(gw.app, '/v1/catalog');
    assert.equal(status, 200);
    ListingBody.parse(body);
    const cli = await run('catalog', 'ls', '--catalog', gw.catalog, '--json');
    assert.deepEqual(body.entries, JSON.parse(cli.out));
    assert.equal(body.entries.find((e) => e.type === 'bar')?.identifier, BARS);
  });

  it('GET /v1/catalog/stats equals `catalog stats --json`', async () => {
    const { status, body } = await injectJson<z.infer<typeof StatsBody>>(gw.app, '/v1/catalog/stats');
    assert.equal(status, 200);
    StatsBody.parse(body);
    const cli = await run('catalog', 'stats', '--catalog', gw.catalog, '--json');
    assert.deepEqual(body.days, JSON.parse(cli.out));
    // 1,440 bars stamped at their close: the last one closes at 2024-01-03T00:00.
    assert.deepEqual(body.days.filter((d) => d.folder === 'bar').map((d) => [d.day, d.rows]), [['2024-01-02', 1439], ['2024-01-03', 1]]);
  });

  it('GET intervals and missing intervals equal `catalog intervals --json`', async () => {
    const stored = await injectJson<z.infer<typeof IntervalsBody>>(gw.app, `/v1/catalog/bar/${BARS}/intervals`);
    assert.equal(stored.status, 200);
    IntervalsBody.parse(stored.body);
    const cli = await run('catalog', 'intervals', 'bar', BARS, '--catalog', gw.catalog, '--json');
    assert.deepEqual(stored.body.intervals.map((i) => [i.first, i.last]), JSON.parse(cli.out));
    assert.equal(stored.body.intervals[0]!.firstIso, '2024-01-02T00:01:00.000000000Z');

    const query = 'start=2024-01-01T00:00:00Z&end=1704326400000000000';
    const gaps = await injectJson<z.infer<typeof IntervalsBody>>(gw.app, `/v1/catalog/bar/${BARS}/intervals?missing=true&${query}`);
    assert.equal(gaps.status, 200);
    const cliGaps = await run('catalog', 'intervals', 'bar', BARS, '--catalog', gw.catalog, '--missing', '--start', '2024-01-01T00:00:00Z', '--end', '1704326400000000000', '--json');
    assert.deepEqual(gaps.body.intervals.map((i) => [i.first, i.last]), JSON.parse(cliGaps.out));
    assert.equal(gaps.body.intervals.length, 2);

    const empty = await injectJson<z.infer<typeof IntervalsBody>>(gw.app, `/v1/catalog/bar/${BARS}/intervals?missing=true&start=5&end=5`);
    assert.deepEqual(empty.body, { missing: true, intervals: [] });
    const incomplete = await injectJson(gw.app, `/v1/catalog/bar/${BARS}/intervals?missing=true&start=5`);
    assert.equal(incomplete.status, 400);
    assert.match(JSON.stringify(incomplete.body), /needs start and end/);
  });

  it('GET rows streams NDJSON byte-identical to `catalog read --format ndjson`', async () => {
    const cases: Array<{ query: string; cli: string[] }> = [
      { query: 'start=2024-01-02T00:01:00Z&end=1704153780000000000', cli: ['--start', '2024-01-02T00:01:00Z', '--end', '1704153780000000000'] },
      { query: 'limit=7', cli: ['--limit', '7'] },
      { query: 'start=2024-01-02T12:00:00Z', cli: ['--start', '2024-01-02T12:00:00Z'] },
      { query: 'start=2030-01-01T00:00:00Z', cli: ['--start', '2030-01-01T00:00:00Z'] },
    ];
    for (const { query, cli } of cases) {
      const response = await gw.app.inject(`${ROWS}?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
      const expected = await run('catalog', 'read', 'bar', BARS, '--catalog', gw.catalog, '--format', 'ndjson', ...cli);
      assert.equal(response.body, expected.out, query);
    }
    const all = await gw.app.inject(ROWS);
    assert.equal(all.body.trim().split('\n').length, 1440);
    // Quotes (the other frame type of the demo), and a class name as the type.
    const quotes = await gw.app.inject('/v1/catalog/QuoteTick/BTCUSDT.BINANCE/rows?limit=3');
    const cliQuotes = await run('catalog', 'read', 'QuoteTick', 'BTCUSDT.BINANCE', '--catalog', gw.catalog, '--limit', '3');
    assert.equal(quotes.body, cliQuotes.out);
  });

  it('accepts URL-encoded ids with a slash, as NautilusTrader escapes them (EUR/USD.SIM in EURUSD.SIM)', async () => {
    const catalog = await Catalog.open(gw.catalog);
    const start = isoToNs('2024-01-03T00:00:00Z');
    await catalog.write(syntheticQuotes({ meta: { instrumentId: 'EUR/USD.SIM', pricePrecision: 5, sizePrecision: 0 }, start, count: 20, stepNs: NS_PER_SECOND, seed: 3 }));
    const encoded = await gw.app.inject(`/v1/catalog/quote_tick/${segment('EUR/USD.SIM')}/rows`);
    assert.equal(encoded.statusCode, 200);
    const lines = encoded.body.trim().split('\n');
    assert.equal(lines.length, 20);
    assert.equal((JSON.parse(lines[0]!) as Record<string, string>)['instrument_id'], 'EUR/USD.SIM');
    const cli = await run('catalog', 'read', 'quote_tick', 'EUR/USD.SIM', '--catalog', gw.catalog);
    assert.equal(encoded.body, cli.out);
    const intervals = await injectJson<z.infer<typeof IntervalsBody>>(gw.app, `/v1/catalog/quote_tick/${segment('EUR/USD.SIM')}/intervals`);
    assert.equal(intervals.body.intervals.length, 1);
  });

  it('GET /v1/history/:nodeId equals `seamless fetch --format ndjson --meta` (rows, then the metadata line)', async () => {
    const range = ['--start', '2024-01-02T01:00:00Z', '--end', '2024-01-02T01:30:00Z'];
    const response = await gw.app.inject(`/v1/history/${segment(BAR_NODE)}?start=2024-01-02T01:00:00Z&end=2024-01-02T01:30:00Z`);
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
    const cli = await run('fetch', BAR_NODE, ...range, '--catalog', gw.catalog, '--format', 'ndjson', '--meta');
    assert.equal(cli.code, 0, cli.err);
    const apiLines = response.body.trim().split('\n');
    const cliLines = cli.out.trim().split('\n');
    assert.equal(apiLines.length, 31);
    assert.deepEqual(apiLines.slice(0, -1), cliLines.slice(0, -1));
    // The metadata differs only in how long each took.
    const withoutTime = (line: string): Record<string, unknown> => ({ ...(JSON.parse(line) as Record<string, unknown>), elapsedMs: 0 });
    const meta = withoutTime(apiLines.at(-1)!);
    assert.deepEqual(meta, withoutTime(cliLines.at(-1)!));
    assert.equal(meta['rows'], 30);
    assert.equal(meta['strategy'], 'PARTIAL');

    // A range partly outside the catalog: PARTIAL answers with what is stored and lists the gap.
    const partial = await gw.app.inject(`/v1/history/${segment(BAR_NODE)}?start=2024-01-02T23:00:00Z&end=2024-01-03T01:00:00Z`);
    const partialMeta = JSON.parse(partial.body.trim().split('\n').at(-1)!) as { rows: number; coverage: { missing: Array<{ startIso: string }> } };
    assert.equal(partialMeta.rows, 60);
    assert.equal(partialMeta.coverage.missing[0]!.startIso, '2024-01-03T00:00:00.000000000Z');

    const strict = await injectJson(gw.app, `/v1/history/${segment(BAR_NODE)}?start=2024-01-02T23:00:00Z&end=2024-01-03T01:00:00Z&strategy=FAIL_FAST`);
    assert.equal(strict.status, 422);
    assert.equal((strict.body as { error: string }).error, 'SEAMLESS_MISSING_DATA');
  });

  it('errors have one body shape, stable codes and say what is wrong', async () => {
    const cases: Array<{ url: string; status: number; error: string; message: RegExp }> = [
      { url: '/nope', status: 404, error: 'NOT_FOUND', message: /no route GET \/nope/ },
      { url: `/v1/catalog/candles/${BARS}/rows`, status: 400, error: 'CATALOG_UNKNOWN_TYPE', message: /candles/ },
      { url: `/v1/catalog/bar/${segment('../../etc')}/rows`, status: 400, error: 'CATALOG_BAD_IDENTIFIER', message: /\.\. path segment/ },
      { url: `/v1/catalog/bar/${segment('/etc/passwd')}/intervals`, status: 400, error: 'CATALOG_BAD_IDENTIFIER', message: /absolute path/ },
      { url: `${ROWS}?start=yesterday`, status: 400, error: 'VALIDATION', message: /querystring\/start: .*yesterday/ },
      { url: `${ROWS}?limit=-1`, status: 400, error: 'VALIDATION', message: /querystring\/limit must be >= 0/ },
      { url: `${ROWS}?limt=3`, status: 400, error: 'VALIDATION', message: /unknown field "limt"/ },
      { url: `/v1/history/${segment('ohlcv:Binance:BTC/USDT:1m')}?start=2024-01-02&end=2024-01-03`, status: 400, error: 'SEAMLESS_BAD_NODE_ID', message: /Binance/ },
      { url: `/v1/history/${segment(BAR_NODE)}?start=2024-01-02`, status: 400, error: 'VALIDATION', message: /needs the field "end"/ },
      { url: `/v1/history/${segment(BAR_NODE)}?start=2024-01-03&end=2024-01-02`, status: 400, error: 'SEAMLESS_BAD_RANGE', message: /./ },
      { url: `/v1/history/${segment(BAR_NODE)}?start=2024-01-02&end=2024-01-03&strategy=FAST`, status: 400, error: 'VALIDATION', message: /querystring\/strategy/ },
    ];
    for (const c of cases) {
      const { status, body } = await injectJson<z.infer<typeof ErrorBodySchema>>(gw.app, c.url);
      assert.equal(status, c.status, `${c.url}: ${JSON.stringify(body)}`);
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
      ErrorBodySchema.parse(body);
      assert.equal(body.error, c.error, c.url);
      assert.equal(body.statusCode, c.status);
      assert.match(body.message, c.message, c.url);
    }
    const badJson = await injectJson<z.infer<typeof ErrorBodySchema>>(gw.app, {
      method: 'POST',
      url: `/v1/catalog/bar/${BARS}/consolidate`,
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"period":',
    });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error, 'BAD_REQUEST');
    const badPeriod = await injectJson<z.infer<typeof ErrorBodySchema>>(gw.app, { method: 'POST', url: `/v1/catalog/bar/${BARS}/consolidate`, headers: AUTH, payload: { period: '1w' } });
    assert.equal(badPeriod.status, 400);
    assert.match(badPeriod.body.message, /body\/period must match pattern/);
  });

  it('a corrupt catalog file is a 500 with its catalog code, and the stream has not started', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const folder = join(gw.catalog, 'data', 'trade_tick', 'BROKEN.SIM');
    await (await import('node:fs/promises')).mkdir(folder, { recursive: true });
    await writeFile(join(folder, '2024-01-02T00-00-00-000000000Z_2024-01-02T00-00-01-000000000Z.parquet'), 'not parquet at all');
    const { status, body } = await injectJson<z.infer<typeof ErrorBodySchema>>(gw.app, '/v1/catalog/trade_tick/BROKEN.SIM/rows');
    assert.equal(status, 500);
    assert.equal(body.error, 'CATALOG_CORRUPT_FILE');
  });

  it('DELETE rows and POST consolidate rewrite the catalog (with the token) and answer with the files', async () => {
    const before = await gw.app.inject(`${ROWS}?start=2024-01-02T03:00:00Z&end=2024-01-02T04:00:00Z`);
    assert.equal(before.body.trim().split('\n').length, 60);
    const deleted = await injectJson<z.infer<typeof UpkeepBody>>(gw.app, { method: 'DELETE', url: `${ROWS}?start=2024-01-02T03:00:00Z&end=2024-01-02T04:00:00Z`, headers: AUTH });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    UpkeepBody.parse(deleted.body);
    assert.equal(deleted.body.rows, 1380);
    assert.ok(deleted.body.written.every((p) => p.startsWith('data/bar/')), 'paths are relative to the catalog root');
    const afterDelete = await gw.app.inject(`${ROWS}?start=2024-01-02T03:00:00Z&end=2024-01-02T04:00:00Z`);
    assert.equal(afterDelete.body, '');
    const intervals = await injectJson<z.infer<typeof IntervalsBody>>(gw.app, `/v1/catalog/bar/${BARS}/intervals`);
    assert.equal(intervals.body.intervals.length, 2);

    const allBefore = (await gw.app.inject(ROWS)).body;
    const consolidated = await injectJson<z.infer<typeof UpkeepBody>>(gw.app, { method: 'POST', url: `/v1/catalog/bar/${BARS}/consolidate`, headers: AUTH, payload: { period: '1d' } });
    assert.equal(consolidated.status, 200, JSON.stringify(consolidated.body));
    // Two files (the delete split one) in, one per UTC day out: the last bar closes on 2024-01-03.
    assert.equal(consolidated.body.removed.length, 2);
    assert.equal(consolidated.body.written.length, 2);
    assert.equal((await gw.app.inject(ROWS)).body, allBefore, 'consolidation keeps every row');
    // No body at all is fine too: every option has a default.
    const again = await injectJson<z.infer<typeof UpkeepBody>>(gw.app, { method: 'POST', url: `/v1/catalog/bar/${BARS}/consolidate`, headers: AUTH });
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
