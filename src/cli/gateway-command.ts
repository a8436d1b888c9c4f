/**
 * `seamless gateway`: serves the catalog and the history API over HTTP until SIGINT or
 * SIGTERM. Also what `seamless start` runs after its summary.
 *
 * Secure by default: bound to 127.0.0.1; every call that changes state needs the bearer
 * token, created on first run (owner-only file, printed that once); on any other address
 * reads need it too. Fastify and the history stack load on use, so other verbs stay quick.
 */
import { isIP } from 'node:net';
import { catalogPath, choiceFlag, intFlag, parseVerbArgs } from './args.js';
import type { Output } from './output.js';
import { StopSignals } from './stop-signals.js';

export const GATEWAY_USAGE = `seamless gateway [--catalog PATH] [--host 127.0.0.1] [--port 8470] [--token-file PATH]
                 [--log-level warn] [--preset NAME | --world FILE | --backfill-from PATH ...]

  Serves the catalog and history over HTTP (API under /v1, docs at /docs, /health, /metrics)
  until SIGINT/SIGTERM. --port 0 picks a free port. Calls that change state need
  "Authorization: Bearer <token>"; the token is created on first run in
  <catalog>/.seamless/gateway.token (or --token-file) and printed only then.
  On a non-loopback --host every route but /health needs the token.
  History uses the catalog alone unless given the provider flags of \`seamless fetch\`.`;

export const DEFAULT_PORT = 8470;
export const DEFAULT_HOST = '127.0.0.1';

/** Flags of the server itself, shared with `seamless start`. */
export const GATEWAY_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'token-file': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface GatewayFlags {
  catalog?: string;
  host?: string;
  port?: string;
  'token-file'?: string;
  'log-level'?: string;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function urlOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export async function runGateway(argv: string[], out: Output): Promise<number> {
  const { PROVIDER_FLAGS, providerFromFlags } = await import('./history-commands.js');
  const { values } = parseVerbArgs(argv, { ...GATEWAY_FLAGS, ...PROVIDER_FLAGS }, GATEWAY_USAGE);
  const usesPreset = values.preset !== undefined || values.world !== undefined;
  const providerFlagsGiven = Object.keys(PROVIDER_FLAGS).some((flag) => values[flag as keyof typeof PROVIDER_FLAGS] !== undefined);
  // A preset names its own storage; --catalog then only chooses what the catalog routes serve.
  const provider = providerFlagsGiven ? await providerFromFlags({ ...values, ...(usesPreset ? { catalog: undefined } : {}) }) : undefined;
  return serveGateway(values, out, provider);
}

/**
 * Starts the gateway for `values`, prints its URL (and the token when it was just created),
 * serves until SIGINT/SIGTERM, then closes it. Returns the exit code.
 */
export async function serveGateway(values: GatewayFlags, out: Output, provider?: import('../seamless/provider.js').SeamlessProvider): Promise<number> {
  const host = values.host ?? DEFAULT_HOST;
  const port = intFlag('port', values.port, { max: 65535 }) ?? DEFAULT_PORT;
  const level = choiceFlag('log-level', values['log-level'], LOG_LEVELS) ?? 'warn';
  const root = catalogPath(values.catalog);
  const { defaultTokenFile, loadOrCreateToken, TokenFileError } = await import('../gateway/token-file.js');
  const { buildGateway } = await import('../gateway/server.js');
  let loaded;
  try {
    loaded = await loadOrCreateToken(values['token-file'] ?? defaultTokenFile(root));
  } catch (error) {
    await provider?.close();
    if (error instanceof TokenFileError) return fail(error.message);
    throw error;
  }
  // Backtests and nodes: the supervisor re-attaches nodes a crashed gateway left running.
  const { NodeSupervisor } = await import('../nodes/supervisor.js');
  const { defaultStateDir } = await import('../nodes/run-store.js');
  const { nodeRoutes } = await import('../gateway/routes/node-routes.js');
  let supervisor: import('../nodes/supervisor.js').NodeSupervisor | undefined;
  let app: Awaited<ReturnType<typeof buildGateway>>;
  try {
    supervisor = await NodeSupervisor.open({ stateDir: defaultStateDir(root) });
    for (const problem of supervisor.loadProblems) process.stderr.write(`seamless: skipped an unreadable node record: ${problem}\n`);
    app = await buildGateway({
      catalogPath: root,
      token: loaded.token,
      logger: { level },
      readsNeedToken: !isLoopback(host),
      ...(provider ? { provider } : {}),
      plugins: [{ plugin: nodeRoutes, options: { supervisor, catalogPath: root }, prefix: '/v1' }],
    });
  } catch (error) {
    // A re-attached node's timers would keep the process alive; its node keeps running.
    // buildGateway closes the provider only when it fails late; a second close is harmless.
    await supervisor?.close();
    await provider?.close();
    throw error;
  }
  const opened = supervisor;
  // Nodes keep running when the gateway stops; the next gateway re-attaches them.
  app.addHook('onClose', async () => opened.close());
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return fail(`port ${port} on ${host} is in use; pass another --port (0 picks a free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return fail(`--host ${host} is not an address of this machine`);
    throw error;
  }
  // Before the ready line (see StopSignals).
  const stop = new StopSignals();
  const address = app.server.address();
  const url = urlOf(host, typeof address === 'object' && address !== null ? address.port : port);
  if (loaded.created) {
    out.write(`created the gateway token in ${loaded.path}; it is shown only this once, keep it secret:\n  ${loaded.token}\n`);
  } else {
    out.write(`gateway token: in ${loaded.path}\n`);
  }
  if (!isLoopback(host)) out.write(`bound to ${host}, reachable from other machines: every route but /health needs the token\n`);
  out.write(`gateway listening on ${url} (catalog ${root}; API docs ${url}/docs)\n`);

  await stop.stopped();
  // Idle keep-alive sockets close at once; a response still streaming gets a few seconds.
  const force = setTimeout(() => app.server.closeAllConnections(), 5000);
  force.unref();
  await app.close();
  clearTimeout(force);
  out.write(`gateway stopped (${stop.received})\n`);
  return 0;
}

/** Prints a failure the way main() prints library errors, and returns exit code 1. */
function fail(message: string): number {
  process.stderr.write(`seamless: ${message}\n`);
  return 1;
}
