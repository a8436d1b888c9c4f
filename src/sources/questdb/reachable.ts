/**
 * A probe for preset dependency checks: is there a QuestDB this tier can use? Both of its
 * doors must answer: HTTP `/settings` (and it must speak ILP v3, the first with DECIMAL,
 * i.e. QuestDB 9.2+) and the PostgreSQL wire (`SELECT 1`). Never throws.
 */
import pg from 'pg';
import { type QuestDbOptions, hostPort, redact, resolveOptions } from './options.js';

export type QuestDbProbe =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly problem: string; readonly fix: string };

interface Settings {
  readonly config?: { readonly 'release.version'?: string; readonly 'line.proto.support.versions'?: readonly number[] };
}

const START_FIX = 'start QuestDB 9.2 or later (e.g. `docker run -p 9000:9000 -p 8812:8812 questdb/questdb`) or fix its host and ports';

/** Checks HTTP and the PostgreSQL wire within `timeoutMs` each (default 2 s). */
export async function questDbReachable(options: QuestDbOptions = {}, timeoutMs = 2_000): Promise<QuestDbProbe> {
  let resolved;
  try {
    resolved = resolveOptions(options);
  } catch (error) {
    return { ok: false, problem: (error as Error).message, fix: 'correct the QuestDB options' };
  }
  const http = `${resolved.protocol}://${hostPort(resolved.host, resolved.httpPort)}`;
  let version = 'unknown';
  try {
    const response = await fetch(`${http}/settings`, { signal: AbortSignal.timeout(timeoutMs) });
    const settings = (await response.json()) as Settings;
    version = settings.config?.['release.version'] ?? version;
    const protocols = settings.config?.['line.proto.support.versions'] ?? [];
    if (!protocols.includes(3)) {
      return { ok: false, problem: `QuestDB ${version} at ${http} does not speak ILP v3 (no DECIMAL columns)`, fix: 'upgrade QuestDB to 9.2 or later' };
    }
  } catch (error) {
    return { ok: false, problem: `QuestDB HTTP at ${http}: ${redact((error as Error).message, resolved)}`, fix: START_FIX };
  }
  const client = new pg.Client({
    host: resolved.host,
    port: resolved.pgPort,
    user: resolved.user,
    password: resolved.password,
    database: 'qdb',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true, version };
  } catch (error) {
    const where = hostPort(resolved.host, resolved.pgPort);
    return { ok: false, problem: `QuestDB PostgreSQL wire at ${where}: ${redact((error as Error).message, resolved)}`, fix: `${START_FIX}; check the user and password` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
