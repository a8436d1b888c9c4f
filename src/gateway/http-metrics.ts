/**
 * Prometheus metrics of the gateway's HTTP side, on a registry of its own (never
 * prom-client's global one, so several gateways in one process — tests — do not collide):
 * request durations by method, route pattern and status, NDJSON streams open, and Node's
 * default process metrics. `/metrics` serves this registry merged with the history
 * provider's (see SeamlessMetrics), so one scrape shows both.
 *
 * The `route` label is the route *pattern* (`/v1/catalog/:type/:id/rows`), or `unmatched`
 * for 404s, so label cardinality stays bounded whatever URLs clients send.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS } from '../seamless/metrics.js';

export class HttpMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly streams: Gauge<'route'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: 'seamless_gateway_http_request_duration_seconds',
      help: 'Duration of HTTP requests, from arrival to the last byte of the response.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [...DURATION_BUCKETS_SECONDS],
      registers: [this.registry],
    });
    this.streams = new Gauge({
      name: 'seamless_gateway_streams_open',
      help: 'Streamed (NDJSON) responses still being written.',
      labelNames: ['route'],
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.duration.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds);
  }

  /** +1 when a stream starts, -1 when it ends however it ends (finished, failed, client gone). */
  streamOpen(route: string, delta: 1 | -1): void {
    this.streams.inc({ route }, delta);
  }
}
