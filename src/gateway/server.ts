/**
 * The gateway: one Fastify instance over a catalog and a history provider.
 *
 * Registration order is the contract with route plugins (docs/gateway.md):
 * 1. error handler, 404 handler, metrics and auth hooks — they cover every route, plugins
 *    included (Fastify children inherit them);
 * 2. @fastify/swagger (so every route registered after it with a `schema` is in the
 *    OpenAPI document) and swagger-ui at `/docs`;
 * 3. @fastify/websocket, so plugins may declare `{ websocket: true }` routes;
 * 4. our route modules: operations at the root (`/health`, `/metrics`), the API under `/v1`;
 * 5. the plugins given in `options.plugins`, each with its own options and prefix.
 *
 * `buildGateway` returns the instance with every route registered, not listening: tests call `inject()`, the
 * CLI calls `listen()`. Closing it closes the provider it built.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Registry } from 'prom-client';
import { Catalog } from '../catalog/catalog.js';
import { buildProvider } from '../seamless/build-provider.js';
import { DEFAULT_CACHE } from '../seamless/provider-config.js';
import type { SeamlessProvider } from '../seamless/provider.js';
import { isSafeMethod, TokenCheck } from './auth.js';
import type { GatewayContext } from './context.js';
import { GatewayError, schemaErrorMessage, toErrorBody } from './errors.js';
import { HttpMetrics } from './http-metrics.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { historyRoutes } from './routes/history-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Throws 401 UNAUTHORIZED unless the request carries the gateway token. The global hook
     * already guards every non-GET route; call this from a GET or websocket route that
     * changes state.
     */
    requireToken(request: FastifyRequest): void;
    /** The registry `/metrics` serves: plugins register their own metrics on it. */
    metricsRegistry: Registry;
  }
}

/** The versioned API prefix: catalog, history, and (later issues) nodes, orders, alerts. */
export const API_PREFIX = '/v1';
export const API_VERSION = '1.0.0';

export interface GatewayPlugin {
  // Each plugin has its own options type; the gateway only passes the object through.
  readonly plugin: FastifyPluginAsync<any>;
  readonly options?: Record<string, unknown>;
  /** Route prefix, e.g. API_PREFIX for API routes. */
  readonly prefix?: string;
}

export interface GatewayOptions {
  /** Catalog root served by the catalog routes (and by the default history provider). */
  readonly catalogPath: string;
  /** Bearer token every state-changing call must carry. */
  readonly token: string;
  /** Fastify logger: false (default), true, or pino options. The Authorization header is always redacted. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Route plugins registered after ours (the nodes routes, later live nodes, orders, alerts, UI). */
  readonly plugins?: ReadonlyArray<GatewayPlugin>;
  /** History provider; default: the catalog alone with PARTIAL, as `seamless fetch --catalog`. Closed with the gateway either way. */
  readonly provider?: SeamlessProvider;
  /** Require the token for reads too (all but /health); the CLI sets it when bound to a non-loopback address. */
  readonly readsNeedToken?: boolean;
}

const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

function loggerOption(logger: GatewayOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  // Whatever the caller asks for, the token never reaches a log line.
  return { ...options, redact: { paths: REDACTED_HEADERS, censor: '[redacted]' } };
}

/** The provider `seamless fetch --catalog P` uses: stored rows only, gaps listed in the metadata. */
function catalogProvider(catalogPath: string): Promise<SeamlessProvider> {
  return buildProvider({ strategy: 'PARTIAL', storage: { kind: 'catalog', path: catalogPath }, cache: DEFAULT_CACHE, conformance: {}, stabilizationBars: 0 });
}

/** Builds the gateway (not listening). Throws RangeError for a token shorter than 16 characters. */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const tokens = new TokenCheck(options.token, options.readsNeedToken ?? false);
  const catalog = await Catalog.open(options.catalogPath);
  const provider = options.provider ?? (await catalogProvider(catalog.root));
  try {
    return await assemble(options, catalog, provider, tokens);
  } catch (error) {
    await provider.close();
    throw error;
  }
}

async function assemble(options: GatewayOptions, catalog: Catalog, provider: SeamlessProvider, tokens: TokenCheck): Promise<FastifyInstance> {
  const httpMetrics = new HttpMetrics();
  const context: GatewayContext = {
    catalog,
    provider,
    httpMetrics,
    registry: Registry.merge([httpMetrics.registry, provider.metrics.registry]),
    tokens,
    startedAt: Date.now(),
  };

  const app = Fastify({
    logger: loggerOption(options.logger),
    // Unknown query or body fields are refused (a typo such as `limt` fails loudly), not dropped.
    ajv: { customOptions: { removeAdditional: false } },
    schemaErrorFormatter: (issues, part) => new Error(schemaErrorMessage(issues, part)),
  });
  app.addHook('onClose', async () => provider.close());

  app.setErrorHandler((error, request, reply) => {
    const body = toErrorBody(error, request.id);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body = toErrorBody(new GatewayError('NOT_FOUND', request.method, request.url.split('?')[0]!), request.id);
    return reply.status(body.statusCode).send(body);
  });

  app.addHook('onResponse', async (request, reply) => {
    // elapsedTime runs from the request's arrival to the response's last byte (streams included).
    httpMetrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('onRequest', async (request) => tokens.check(request));
  app.decorate('requireToken', (request: FastifyRequest) => tokens.requireToken(request));
  app.decorate('metricsRegistry', context.registry);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Seamless gateway', version: API_VERSION, description: 'NautilusTrader catalog and history over HTTP. Calls that change state need "Authorization: Bearer <token>".' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    // Every route that needs the token says so in the document, plugin routes included.
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const needsToken = options.readsNeedToken ? url !== '/health' : methods.some((m) => !isSafeMethod(m));
      return { schema: needsToken ? { ...schema, security: [{ bearerAuth: [] }] } : schema, url };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket);

  await app.register(healthRoutes, { context });
  await app.register(catalogRoutes, { context, prefix: API_PREFIX });
  await app.register(historyRoutes, { context, prefix: API_PREFIX });
  for (const { plugin, options: pluginOptions, prefix } of options.plugins ?? []) {
    await app.register(plugin, { ...(pluginOptions ?? {}), ...(prefix !== undefined ? { prefix } : {}) });
  }
  return app;
}
