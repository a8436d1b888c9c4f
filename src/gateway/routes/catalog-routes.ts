/**
 * Catalog routes (`/v1/catalog/...`): the `seamless catalog` verbs over HTTP. Each handler
 * calls the same Catalog method as its CLI verb (src/cli/catalog-commands.ts) and only
 * shapes the answer; rows are streamed as the CLI's NDJSON lines.
 *
 * `:type` is a data type as the CLI takes it (bar, QuoteTick, trades, …) and `:id` an
 * instrument id or bar type, URL-encoded (`EUR%2FUSD.SIM`). The catalog validates both
 * (CATALOG_UNKNOWN_TYPE, CATALOG_BAD_IDENTIFIER): an id can never name a path outside the
 * catalog. Ranges are half-open `[start, end)`; intervals come back closed, as Nautilus
 * reports them. A series with no files answers with nothing (an empty list, no rows), as
 * the CLI does.
 *
 * The rewrites (consolidate, delete) need the token and run one at a time.
 */
import { relative } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { halfOpenToClosed, type Interval } from '../../catalog/intervals.js';
import { marketType } from '../../catalog/reader.js';
import type { UpkeepResult } from '../../catalog/upkeep.js';
import { nsToIso } from '../../model/time.js';
import type { RouteModuleOptions } from '../context.js';
import { GatewayError } from '../errors.js';
import { ndjsonStream } from '../ndjson-stream.js';
import { PERIOD_PATTERN, periodNs, timeValue, windowOf } from '../request-values.js';
import { NsString, TimeArg, ndjsonResponse, routeSchema } from '../route-schema.js';
import { SerialQueue } from '../serial-queue.js';

const TAGS = ['catalog'];

export const SeriesParams = z.strictObject({
  type: z.string().min(1).max(64).describe('bar, quote_tick, trade_tick, order_book_delta, or a NautilusTrader class or folder name'),
  id: z.string().min(1).max(256).describe('instrument id or bar type, URL-encoded (EUR%2FUSD.SIM)'),
});

export const ListingEntry = z.object({
  type: z.string().describe('type folder'),
  class: z.string().nullable().describe('NautilusTrader class, null for folders of unknown type'),
  identifier: z.string().describe('identifier folder ("" for files directly in the type folder)'),
  files: z.int(),
  first: NsString.nullable(),
  last: NsString.nullable(),
  bytes: z.int(),
});
export const ListingBody = z.object({ entries: z.array(ListingEntry) });

export const StatsBody = z.object({
  days: z.array(z.object({ folder: z.string(), identifier: z.string(), day: z.string(), files: z.int(), rows: z.int(), bytes: z.int() })),
});

export const IntervalsQuery = z.strictObject({
  missing: z.boolean().optional().describe('true: the gaps of [start, end) instead of the stored intervals'),
  start: TimeArg.optional(),
  end: TimeArg.optional(),
});
export const IntervalJson = z.object({ first: NsString, last: NsString, firstIso: z.string(), lastIso: z.string() });
export const IntervalsBody = z.object({ missing: z.boolean(), intervals: z.array(IntervalJson) });

export const RowsQuery = z.strictObject({
  start: TimeArg.optional().describe('inclusive lower bound on ts_init'),
  end: TimeArg.optional().describe('exclusive upper bound on ts_init'),
  limit: z.int().min(0).optional().describe('at most this many rows'),
});

export const DeleteQuery = z.strictObject({ start: TimeArg, end: TimeArg });

export const ConsolidateBody = z.strictObject({
  period: z.string().regex(new RegExp(PERIOD_PATTERN)).optional().describe('one output file per period: 1d (default), 6h, 30m, 10s'),
  fillPeriods: z.boolean().optional().describe('name files by their whole period, so intervals are contiguous'),
  dedup: z.boolean().optional().describe('drop rows identical to an earlier row with the same ts_init'),
});

export const UpkeepBody = z.object({
  removed: z.array(z.string()).describe('files removed, relative to the catalog root'),
  written: z.array(z.string()).describe('files written, relative to the catalog root'),
  rows: z.int().describe('rows in the files written'),
});

type Series = z.infer<typeof SeriesParams>;

function intervalJson(interval: Interval): z.infer<typeof IntervalJson> {
  return { first: interval.first.toString(), last: interval.last.toString(), firstIso: nsToIso(interval.first), lastIso: nsToIso(interval.last) };
}

export const catalogRoutes: FastifyPluginAsync<RouteModuleOptions> = async (app, { context }) => {
  const { catalog } = context;
  const rewrites = new SerialQueue();
  const upkeepJson = (result: UpkeepResult): z.infer<typeof UpkeepBody> => ({
    removed: result.removed.map((path) => relative(catalog.root, path)),
    written: result.written.map((path) => relative(catalog.root, path)),
    rows: result.rows,
  });

  app.get(
    '/catalog',
    { schema: routeSchema({ summary: 'List types and identifiers with file counts, first/last times and bytes (catalog ls)', tags: TAGS, response: { 200: ListingBody } }) },
    async (): Promise<z.infer<typeof ListingBody>> => {
      const rows = await catalog.list();
      return {
        entries: rows.map((r) => ({ type: r.folder, class: r.descriptor?.className ?? null, identifier: r.identifier, files: r.files, first: r.first?.toString() ?? null, last: r.last?.toString() ?? null, bytes: r.bytes })),
      };
    },
  );

  app.get(
    '/catalog/stats',
    { schema: routeSchema({ summary: 'Files, rows and bytes per type, identifier and UTC day (catalog stats)', tags: TAGS, response: { 200: StatsBody } }) },
    async (): Promise<z.infer<typeof StatsBody>> => ({ days: await catalog.stats() }),
  );

  app.get<{ Params: Series; Querystring: z.infer<typeof IntervalsQuery> }>(
    '/catalog/:type/:id/intervals',
    {
      schema: routeSchema({
        summary: 'Closed [first, last] intervals of the stored files, or with missing=true the gaps of [start, end) (catalog intervals)',
        tags: TAGS,
        params: SeriesParams,
        querystring: IntervalsQuery,
        response: { 200: IntervalsBody },
      }),
    },
    async (request): Promise<z.infer<typeof IntervalsBody>> => {
      const { type, id } = request.params;
      const { missing = false } = request.query;
      if (!missing) return { missing, intervals: (await catalog.intervals(type, id)).map(intervalJson) };
      const start = timeValue('querystring/start', request.query.start);
      const end = timeValue('querystring/end', request.query.end);
      if (start === undefined || end === undefined) throw new GatewayError('VALIDATION', 'querystring: missing=true needs start and end');
      // An empty window has no gaps (as `catalog intervals --missing`).
      const closed = halfOpenToClosed(start, end);
      const gaps = closed === null ? [] : await catalog.missingIntervals(type, id, closed.first, closed.last);
      return { missing, intervals: gaps.map(intervalJson) };
    },
  );

  app.get<{ Params: Series; Querystring: z.infer<typeof RowsQuery> }>(
    '/catalog/:type/:id/rows',
    {
      schema: routeSchema({
        summary: 'Rows of [start, end) in ts_init order, streamed as NDJSON (the lines of `seamless catalog read --format ndjson`)',
        tags: TAGS,
        params: SeriesParams,
        querystring: RowsQuery,
        response: { 200: ndjsonResponse('one row per line, fields as in src/model/frame-rows.ts') },
      }),
    },
    async (request, reply) => {
      const { type, id } = request.params;
      const key = marketType(type).key;
      const window = windowOf(timeValue('querystring/start', request.query.start), timeValue('querystring/end', request.query.end));
      const route = request.routeOptions.url ?? 'rows';
      context.httpMetrics.streamOpen(route, 1);
      const body = await ndjsonStream(catalog.read(key, id, window), {
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        onClose: () => context.httpMetrics.streamOpen(route, -1),
      });
      return reply.type('application/x-ndjson').send(body);
    },
  );

  app.post<{ Params: Series; Body: z.infer<typeof ConsolidateBody> | undefined }>(
    '/catalog/:type/:id/consolidate',
    {
      schema: routeSchema({
        summary: 'Rewrite the files of a series as one file per period (catalog consolidate); needs the token',
        tags: TAGS,
        params: SeriesParams,
        body: ConsolidateBody,
        response: { 200: UpkeepBody },
        errors: [401],
      }),
      // Every option has a default, so a call without a body means `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request): Promise<z.infer<typeof UpkeepBody>> => {
      const { type, id } = request.params;
      const options = request.body ?? {};
      const result = await rewrites.run(() =>
        catalog.consolidate(type, id, { period: periodNs('body/period', options.period ?? '1d'), fillPeriods: options.fillPeriods ?? false, deduplicate: options.dedup ?? false }),
      );
      return upkeepJson(result);
    },
  );

  app.delete<{ Params: Series; Querystring: z.infer<typeof DeleteQuery> }>(
    '/catalog/:type/:id/rows',
    {
      schema: routeSchema({
        summary: 'Delete the rows with start <= ts_init < end, rewriting the files that hold them (catalog delete); needs the token',
        tags: TAGS,
        params: SeriesParams,
        querystring: DeleteQuery,
        response: { 200: UpkeepBody },
        errors: [401],
      }),
    },
    async (request): Promise<z.infer<typeof UpkeepBody>> => {
      const { type, id } = request.params;
      const start = timeValue('querystring/start', request.query.start);
      const end = timeValue('querystring/end', request.query.end);
      return upkeepJson(await rewrites.run(() => catalog.deleteRange(type, id, start, end)));
    },
  );
};
