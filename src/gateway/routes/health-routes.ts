/**
 * Operational routes, outside the versioned API: `GET /health` (liveness, always open) and
 * `GET /metrics` (Prometheus text exposition).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RouteModuleOptions } from '../context.js';
import { routeSchema } from '../route-schema.js';

export const HealthBody = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number().describe('Seconds since the gateway started'),
  catalogWidth: z.union([z.literal(8), z.literal(16)]).describe('Fixed-point width in bytes of the catalog served'),
});

export const healthRoutes: FastifyPluginAsync<RouteModuleOptions> = async (app, { context }) => {
  app.get(
    '/health',
    { schema: routeSchema({ summary: 'Liveness: the gateway answers', tags: ['operations'], response: { 200: HealthBody } }) },
    async (): Promise<z.infer<typeof HealthBody>> => ({
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - context.startedAt) / 10) / 100,
      catalogWidth: context.catalog.width,
    }),
  );

  app.get(
    '/metrics',
    {
      schema: routeSchema({
        summary: 'Prometheus metrics: HTTP request durations by route and status, history provider metrics, process metrics',
        tags: ['operations'],
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      }),
    },
    async (_request, reply) => {
      const text = await context.registry.metrics();
      return reply.type(context.registry.contentType).send(text);
    },
  );
};
