/**
 * Fuzzing what clients put in URLs (fast-check): whatever the type, id, node id and query
 * text, the gateway answers 200 or a 4xx with the error body — never a 500, never a read
 * outside the catalog — and refuses every mutation without the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorBodySchema } from '../../src/gateway/route-schema.js';
import { BARS, type DemoGateway, demoGateway, segment } from './gateway-setup.js';

const TYPES = ['bar', 'quote_tick', 'TradeTick', 'order_book_deltas', 'currency_pair', 'nope'];

// Text with the characters that matter in paths and ids: separators, dots, NUL, unicode.
const tricky = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '.', '../..', '/etc/passwd', '..\\..\\x', 'a\u0000b', BARS, 'EUR/USD.SIM', '%2e%2e', ' ', '\u00e9t\u00e9.SIM'),
  fc.array(fc.constantFrom('..', '.', 'data', 'bar', '/', '\\', 'x.SIM'), { maxLength: 6 }).map((parts) => parts.join('')),
);
const timeText = fc.oneof(fc.string({ maxLength: 30 }), fc.bigInt({ min: 0n, max: 2n ** 65n }).map(String), fc.constantFrom('2024-01-02T00:00:00Z', '2024-13-45', '-1', ''));

function checkAnswer(status: number, body: string, what: string): void {
  assert.ok(status < 500, `${what}: ${status} ${body}`);
  if (status === 200) return;
  assert.ok(status >= 400, `${what}: ${status}`);
  const parsed = ErrorBodySchema.parse(JSON.parse(body));
  assert.equal(parsed.statusCode, status);
}

describe('gateway request fuzzing', () => {
  let gw: DemoGateway;
  before(async () => {
    gw = await demoGateway();
  });
  after(async () => gw.close());

  it('catalog reads answer 200 or 4xx with an error body for any type, id and window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...TYPES), tricky), tricky, fc.option(timeText), fc.option(timeText), fc.option(fc.oneof(fc.nat(5).map(String), fc.string({ maxLength: 5 }))), async (type, id, start, end, limit) => {
        if (type === '' || id === '') return; // an empty segment is another route
        const query = new URLSearchParams();
        if (start !== null) query.set('start', start);
        if (end !== null) query.set('end', end);
        if (limit !== null) query.set('limit', limit);
        for (const route of ['rows', 'intervals']) {
          const url = `/v1/catalog/${segment(type)}/${segment(id)}/${route}?${route === 'rows' ? query : ''}`;
          const response = await gw.app.inject(url);
          checkAnswer(response.statusCode, response.body, url);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('history answers 200 or 4xx for any node id and range', async () => {
    const nodeId = fc.oneof(tricky, fc.tuple(fc.constantFrom('ohlcv', 'tick', 'quote', 'x'), fc.constantFrom('binance', 'Binance', ''), tricky, fc.constantFrom('1m', '7x', '')).map((p) => p.join(':')));
    await fc.assert(
      fc.asyncProperty(nodeId, timeText, timeText, async (id, start, end) => {
        if (id === '') return;
        const url = `/v1/history/${segment(id)}?${new URLSearchParams({ start, end })}`;
        const response = await gw.app.inject(url);
        checkAnswer(response.statusCode, response.body, url);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses every mutation without the token, whatever the path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE' as const), tricky, tricky, async (method, type, id) => {
        const response = await gw.app.inject({ method: method as 'POST', url: `/v1/catalog/${segment(type)}/${segment(id)}/rows?start=0&end=1` });
        assert.equal(response.statusCode, 401, `${method} ${type} ${id}: ${response.body}`);
        assert.equal(ErrorBodySchema.parse(response.json()).error, 'UNAUTHORIZED');
      }),
      { numRuns: 100 },
    );
    // And nothing was deleted.
    assert.equal((await gw.app.inject(`/v1/catalog/bar/${BARS}/rows`)).body.trim().split('\n').length, 1440);
  });
});
