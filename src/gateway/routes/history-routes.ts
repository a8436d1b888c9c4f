/**
 * History routes (`/v1/history/...`): the seamless `fetch` over HTTP. One call to the
 * gateway's SeamlessProvider — by default the catalog alone, answered with what is stored
 * (strategy PARTIAL), exactly the provider `seamless fetch --catalog P` builds — and the
 * answer streamed in the CLI's format: the rows as NDJSON lines, then one metadata line
 * (`fetchMetaJson`: range, tiers, coverage, missing gaps, fingerprint). The body is byte
 * for byte what `seamless fetch <nodeId> --format ndjson --meta` prints.
 *
 * A provider that can backfill writes into storage while it answers, so with one every
 * strategy but FAIL_FAST needs the token, GET or not.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fetchMetaJson } from '../../seamless/fetch-result-json.js';
import { STRATEGIES } from '../../seamless/provider-config.js';
import type { RouteModuleOptions } from '../context.js';
import { ndjsonStream } from '../ndjson-stream.js';
import { timeValue } from '../request-values.js';
import { TimeArg, ndjsonResponse, routeSchema } from '../route-schema.js';

export const HistoryParams = z.strictObject({
  nodeId: z.string().min(1).max(256).describe('node id such as ohlcv:binance:BTC/USDT:1m, URL-encoded (ohlcv:binance:BTC%2FUSDT:1m)'),
});

export const HistoryQuery = z.strictObject({
  start: TimeArg.describe('inclusive start of the range'),
  end: TimeArg.describe('exclusive end of the range'),
  strategy: z.enum(STRATEGIES as [string, ...string[]]).optional().describe("what to do about missing data (default: the provider's, PARTIAL for the catalog)"),
});

export const historyRoutes: FastifyPluginAsync<RouteModuleOptions> = async (app, { context }) => {
  const { provider } = context;

  app.get<{ Params: z.infer<typeof HistoryParams>; Querystring: z.infer<typeof HistoryQuery> }>(
    '/history/:nodeId',
    {
      schema: routeSchema({
        summary: 'History of a series over [start, end): NDJSON rows, then one metadata line (seamless fetch --format ndjson --meta)',
        tags: ['history'],
        params: HistoryParams,
        querystring: HistoryQuery,
        response: { 200: ndjsonResponse('rows in the catalog read format, then the fetch metadata as the last line') },
        errors: [401, 404, 422, 502, 503, 504],
      }),
    },
    async (request, reply) => {
      const strategy = request.query.strategy as (typeof STRATEGIES)[number] | undefined;
      if (provider.canBackfill && (strategy ?? provider.config.strategy) !== 'FAIL_FAST') context.tokens.requireToken(request);
      const range = { start: timeValue('querystring/start', request.query.start), end: timeValue('querystring/end', request.query.end) };
      // A client that hangs up stops the fetch (backfill waits included).
      const abort = new AbortController();
      const onClose = () => abort.abort();
      reply.raw.once('close', onClose);
      try {
        const result = await provider.fetch(request.params.nodeId, range, { ...(strategy ? { strategy } : {}), signal: abort.signal });
        const route = request.routeOptions.url ?? 'history';
        context.httpMetrics.streamOpen(route, 1);
        const body = await ndjsonStream(result.frames, {
          trailer: `${JSON.stringify(fetchMetaJson(result))}\n`,
          onClose: () => context.httpMetrics.streamOpen(route, -1),
        });
        return reply.type('application/x-ndjson').send(body);
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );
};
