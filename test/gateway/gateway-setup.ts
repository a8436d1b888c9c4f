/**
 * A gateway over a fresh demo catalog (the one `seamless start` creates) in a temp folder,
 * plus small request helpers. Every test file builds its own and closes it.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { join } from 'node:path';
import { createDemoCatalog } from '../../src/cli/demo-catalog.js';
import { buildGateway, type GatewayOptions } from '../../src/gateway/server.js';
import { tempDir } from '../helpers/paths.js';

export const TOKEN = 'test-token-0123456789abcdefghij';
export const BARS = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
export const BAR_NODE = 'ohlcv:binance:BTC/USDT:1m';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface DemoGateway {
  readonly app: FastifyInstance;
  readonly catalog: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** Builds a gateway over a new demo catalog; `close` stops it and removes the folder. */
export async function demoGateway(options: Partial<GatewayOptions> = {}): Promise<DemoGateway> {
  const dir = await tempDir('seamless-gateway-');
  const catalog = join(dir.path, 'catalog');
  await createDemoCatalog(catalog);
  const app = await buildGateway({ catalogPath: catalog, token: TOKEN, ...options });
  return {
    app,
    catalog,
    dir: dir.path,
    close: async () => {
      await app.close();
      await dir.remove();
    },
  };
}

/** `inject` and parse the JSON body. */
export async function injectJson<T = unknown>(app: FastifyInstance, options: InjectOptions | string): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const response = await app.inject(options);
  return { status: response.statusCode, body: response.json() as T, headers: response.headers };
}

/** The path segment of an identifier or node id: every reserved character percent-encoded. */
export function segment(text: string): string {
  return encodeURIComponent(text);
}
