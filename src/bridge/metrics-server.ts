/**
 * `GET /metrics` (Prometheus text) and `GET /healthz` on 127.0.0.1 only: the bridge exposes no
 * mutation over HTTP, and the address is never public by default.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BridgeMetrics } from './bridge-metrics.js';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0: any free port). */
export async function startMetricsServer(metrics: BridgeMetrics, port: number, host = '127.0.0.1', healthy: () => boolean = () => true): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      metrics.text().then(
        (body) => response.writeHead(200, { 'content-type': metrics.contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      const ok = healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'redis unreachable\n');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
