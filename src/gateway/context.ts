/**
 * What the gateway's route modules share, handed to each as its plugin options: the open
 * catalog, the history provider, the metrics and the token check. Route modules get
 * everything through this object, never through globals, so tests can build several
 * gateways in one process.
 */
import type { Registry } from 'prom-client';
import type { Catalog } from '../catalog/catalog.js';
import type { SeamlessProvider } from '../seamless/provider.js';
import type { TokenCheck } from './auth.js';
import type { HttpMetrics } from './http-metrics.js';

export interface GatewayContext {
  readonly catalog: Catalog;
  /** The history provider behind `/v1/history` (by default the catalog alone, as `seamless fetch --catalog`). */
  readonly provider: SeamlessProvider;
  readonly httpMetrics: HttpMetrics;
  /** Every metric `/metrics` serves: the HTTP metrics and the provider's. */
  readonly registry: Registry;
  readonly tokens: TokenCheck;
  /** When the gateway was built, for /health. */
  readonly startedAt: number;
}

/** Plugin options of a route module. */
export interface RouteModuleOptions {
  readonly context: GatewayContext;
}
