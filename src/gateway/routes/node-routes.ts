/**
 * HTTP routes for nodes, backtests, grids and config checks, as a Fastify plugin the gateway
 * registers (after @fastify/websocket and its auth hook):
 *
 * | route                         | does                                                        |
 * |-------------------------------|-------------------------------------------------------------|
 * | POST /configs/check           | runs `seamless node check` on a body config → findings       |
 * | POST /backtests               | checks and starts one BacktestRunConfig → 202 node record    |
 * | GET  /backtests               | every run, newest first                                      |
 * | GET  /backtests/:id           | one run's record (state, progress, samples, statistics)      |
 * | GET  /backtests/:id/results   | stored statistics, orders, fills, positions, equity, IS      |
 * | POST /backtests/grid          | a config plus parameter lists → 202 grid (runs in background)|
 * | GET  /grids/:id               | a grid's runs and ranked comparison table                    |
 * | GET  /nodes, /nodes/:id       | node records                                                 |
 * | POST /nodes/:id/stop          | graceful stop (SIGKILL after the timeout) → 202 record       |
 * | GET  /nodes/:id/stream        | WebSocket: snapshot, then state/progress/log/sample/result/end |
 *
 * Errors are NodeError (string `code`, numeric `statusCode`), which the gateway's handler turns
 * into `{error, message, statusCode}`. Config bodies are free-form here on purpose: the checker,
 * not the JSON Schema, is the authority on BacktestRunConfig keys, and reports every problem.
 * Nanosecond integers lose precision in JSON bodies: send times as ISO-8601 strings.
 */
import type { FastifyPluginAsync } from 'fastify';
// Types only: the route options' `websocket` flag (the gateway registers the plugin itself).
import type {} from '@fastify/websocket';
import * as z from 'zod';
import { BacktestService, gridRecordSchema } from '../../nodes/backtest-service.js';
import { configFromValue } from '../../nodes/config-load.js';
import { NodeError } from '../../nodes/errors.js';
import { executionMetrics } from '../../nodes/execution-metrics.js';
import { findingSchema } from '../../nodes/findings.js';
import type { JsonValue } from '../../nodes/json-value.js';
import { nodeRecordSchema } from '../../nodes/node-record.js';
import type { NodeEvent, NodeSupervisor } from '../../nodes/supervisor.js';
import { jsonSchema, routeSchema } from '../route-schema.js';

export interface NodeRoutesOptions {
  readonly supervisor: NodeSupervisor;
  /** The catalog a data config without catalog_path reads. */
  readonly catalogPath: string;
  /** A ready service (tests, or a gateway that shares one); else the plugin opens its own. */
  readonly service?: BacktestService;
}

const freeObject = z.record(z.string(), z.unknown());
const idParams = z.object({ id: z.string().max(80) });
const configBody = z.object({ config: freeObject, name: z.string().max(200).optional() });
const gridBody = z.object({
  config: freeObject,
  params: z.array(z.object({ name: z.string().min(1).max(300), values: z.array(z.unknown()).min(1).max(1000) })).min(1).max(10),
  parallel: z.number().int().min(1).max(256).optional(),
  rankBy: z.string().max(100).optional(),
  order: z.enum(['desc', 'asc']).optional(),
});
const checkAnswer = z.object({
  ok: z.boolean(),
  findings: z.array(findingSchema),
  window: z.object({ start: z.string(), end: z.string() }).optional(),
});
const rankedRow = z.object({
  rank: z.number(),
  nodeId: z.string(),
  state: z.string(),
  params: freeObject,
  value: z.number().nullable(),
  pnl: z.number().nullable(),
  pnlPct: z.number().nullable(),
  sharpe: z.number().nullable(),
  winRate: z.number().nullable(),
  orders: z.number().nullable(),
  positions: z.number().nullable(),
});
const gridView = gridRecordSchema.extend({ counts: z.record(z.string(), z.number()), ranking: z.array(rankedRow) });
const BACKTESTS = ['backtests'];
const NODES = ['nodes'];
/** Besides 400 and 500: unknown ids, wrong states, configs with findings. */
const ERRORS = [404, 409, 422];

export const nodeRoutes: FastifyPluginAsync<NodeRoutesOptions> = async (app, options) => {
  const { supervisor } = options;
  const service = options.service ?? (await BacktestService.open(supervisor, { catalogPath: options.catalogPath }));

  /** Bodies pass the JSON Schema first; zod then refuses what Ajv would silently strip. */
  const parseBody = <T extends z.ZodType>(type: T, body: unknown): z.infer<T> => {
    const parsed = type.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new NodeError('CONFIG_UNREADABLE', `request body${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`);
    }
    return parsed.data;
  };
  const runRecord = (id: string) => {
    try {
      return supervisor.get(id);
    } catch (error) {
      if (error instanceof NodeError && error.code === 'NODE_NOT_FOUND') throw new NodeError('RUN_NOT_FOUND', `no backtest run ${id}`);
      throw error;
    }
  };

  app.post(
    '/configs/check',
    { schema: routeSchema({ summary: 'Check a BacktestRunConfig (keys, values, class paths, instruments, data window)', tags: BACKTESTS, body: configBody, response: { 200: checkAnswer }, errors: ERRORS }) },
    async (request) => {
      const body = parseBody(configBody.strict(), request.body);
      const [checked] = await service.check([configFromValue(body.config)]);
      const findings = checked!.findings;
      return {
        ok: !findings.some((f) => f.severity === 'error'),
        findings,
        ...(checked!.window ? { window: { start: checked!.window.start.toString(), end: checked!.window.end.toString() } } : {}),
      };
    },
  );

  app.post(
    '/backtests',
    { schema: routeSchema({ summary: 'Check and start one backtest', tags: BACKTESTS, body: configBody, response: { 202: nodeRecordSchema }, errors: ERRORS }) },
    async (request, reply) => {
      const body = parseBody(configBody.strict(), request.body);
      const { record } = await service.submit(configFromValue(body.config), body.name === undefined ? {} : { name: body.name });
      return reply.code(202).send(record);
    },
  );

  app.get('/backtests', { schema: routeSchema({ summary: 'Every backtest run, newest first', tags: BACKTESTS, response: { 200: z.object({ runs: z.array(nodeRecordSchema) }) } }) }, async () => ({
    runs: supervisor.list(),
  }));

  app.get('/backtests/:id', { schema: routeSchema({ summary: 'One backtest run', tags: BACKTESTS, params: idParams, response: { 200: nodeRecordSchema }, errors: ERRORS }) }, async (request) =>
    runRecord((request.params as { id: string }).id),
  );

  app.get(
    '/backtests/:id/results',
    {
      // No 200 schema: the report rows' columns vary by order type and must not be stripped.
      schema: routeSchema({ summary: 'Stored results: statistics, orders, fills, positions, accounts, equity, execution metrics', tags: BACKTESTS, params: idParams, response: {}, errors: ERRORS }),
    },
    async (request) => {
      const results = await service.results((request.params as { id: string }).id);
      return { ...results, execution: executionMetrics(results) };
    },
  );

  app.post(
    '/backtests/grid',
    { schema: routeSchema({ summary: 'Run the cartesian product of parameter lists as parallel nodes', tags: BACKTESTS, body: gridBody, response: { 202: gridView }, errors: ERRORS }) },
    async (request, reply) => {
      const body = parseBody(gridBody.strict(), request.body);
      const grid = await service.startGrid(
        configFromValue(body.config),
        body.params.map((p) => ({ name: p.name, values: p.values as JsonValue[] })),
        { ...(body.parallel ? { parallel: body.parallel } : {}), ...(body.rankBy ? { rankBy: body.rankBy } : {}), ...(body.order ? { order: body.order } : {}) },
      );
      return reply.code(202).send(service.grid(grid.id));
    },
  );

  app.get('/grids/:id', { schema: routeSchema({ summary: "A grid's runs and ranked comparison table", tags: BACKTESTS, params: idParams, response: { 200: gridView }, errors: ERRORS }) }, async (request) =>
    service.grid((request.params as { id: string }).id),
  );

  app.get('/nodes', { schema: routeSchema({ summary: 'Every node record, newest first', tags: NODES, response: { 200: z.object({ nodes: z.array(nodeRecordSchema) }) } }) }, async () => ({ nodes: supervisor.list() }));

  app.get('/nodes/:id', { schema: routeSchema({ summary: 'One node record', tags: NODES, params: idParams, response: { 200: nodeRecordSchema }, errors: ERRORS }) }, async (request) =>
    supervisor.get((request.params as { id: string }).id),
  );

  app.post('/nodes/:id/stop', { schema: routeSchema({ summary: 'Stop a node gracefully (SIGKILL after the timeout)', tags: NODES, params: idParams, response: { 202: nodeRecordSchema }, errors: ERRORS }) }, async (request, reply) => {
    const record = await supervisor.stop((request.params as { id: string }).id);
    return reply.code(202).send(record);
  });

  app.get('/nodes/:id/stream', { websocket: true, schema: { params: jsonSchema(idParams, 'input') } }, async (socket, request) => {
    const id = (request.params as { id: string }).id;
    let record;
    try {
      record = supervisor.get(id);
    } catch (error) {
      const e = error as NodeError;
      socket.send(JSON.stringify({ type: 'error', error: e.code ?? 'NODE_NOT_FOUND', message: e.message }));
      socket.close(1008, e.code ?? 'error');
      return;
    }
    const send = (event: NodeEvent | Record<string, unknown>) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    };
    // Subscribe before the snapshot, so nothing between the two is missed.
    const queued: NodeEvent[] = [];
    let ready = false;
    const unsubscribe = supervisor.subscribe(id, (event) => {
      if (!ready) return void queued.push(event);
      send(event);
      if (event.type === 'end') socket.close(1000, 'node ended');
    });
    socket.on('close', unsubscribe);
    send({ type: 'snapshot', record: supervisor.get(id), logs: await supervisor.recentLogs(id, 100) });
    ready = true;
    for (const event of queued) send(event);
    if (queued.some((e) => e.type === 'end') || (record.state !== 'starting' && supervisor.get(id).endedAt !== undefined)) {
      unsubscribe();
      socket.close(1000, 'node ended');
    }
  });
};
