/**
 * Options of the QuestDB tier, their defaults, and the two connections built from them:
 * ILP over HTTP for writes, the PostgreSQL wire for reads and metadata.
 *
 * The password is kept out of every message: errors name `host:port`, never the
 * configuration string, and `redact` scrubs anything that might echo it back.
 */
import { SeamlessError } from '../../seamless/errors.js';
import { DEFAULT_TABLE_PREFIX, isValidTablePrefix } from './tables.js';

export interface QuestDbOptions {
  /** HTTP endpoint for ILP and REST, e.g. `http://127.0.0.1:9000`; or give `host` + `httpPort`. */
  readonly httpUrl?: string;
  /** Default `127.0.0.1` (or the host of `httpUrl`); also the PostgreSQL wire host. */
  readonly host?: string;
  /** Default 9000. */
  readonly httpPort?: number;
  /** Default 8812. */
  readonly pgPort?: number;
  /** PostgreSQL wire user; QuestDB's default is `admin`. */
  readonly user?: string;
  /** PostgreSQL wire password; QuestDB's default is `quest`. */
  readonly password?: string;
  /**
   * Send `user`/`password` as HTTP basic auth with ILP too. Off by default: QuestDB OSS has
   * no HTTP auth unless `http.user`/`http.password` are set on the server.
   */
  readonly httpAuth?: boolean;
  /** Prefix of every table name (letters, digits, underscores); default `seamless_`. */
  readonly tablePrefix?: string;
  /** Rows per ILP request (one QuestDB transaction each); bounds write memory. Default 50,000. */
  readonly batchRows?: number;
  /** Rows per read query; bounds read memory. Default 100,000. */
  readonly pageRows?: number;
  /** How long a write waits for QuestDB to apply its WAL transactions. Default 60 s. */
  readonly visibilityTimeoutMs?: number;
  /** How long the ILP client keeps retrying a failed request. Default 10 s (the client's). */
  readonly retryTimeoutMs?: number;
  /** How long one ILP request or SQL statement may take. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** PostgreSQL wire connections. Default 4. */
  readonly poolSize?: number;
}

export interface ResolvedQuestDbOptions {
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly httpPort: number;
  readonly pgPort: number;
  readonly user: string;
  readonly password: string;
  readonly httpAuth: boolean;
  readonly tablePrefix: string;
  readonly batchRows: number;
  readonly pageRows: number;
  readonly visibilityTimeoutMs: number;
  readonly retryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly poolSize: number;
}

function badConfig(message: string): SeamlessError {
  return new SeamlessError('SEAMLESS_BAD_CONFIG', `QuestDB options: ${message}`);
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw badConfig(`${name} must be a positive integer, was ${value}`);
  return value;
}

function port(name: string, value: number | undefined, fallback: number): number {
  const resolved = positiveInteger(name, value, fallback);
  if (resolved > 65535) throw badConfig(`${name} must be a port number (1..65535), was ${resolved}`);
  return resolved;
}

/** Fills in defaults and validates. Throws SEAMLESS_BAD_CONFIG (never naming the password). */
export function resolveOptions(options: QuestDbOptions): ResolvedQuestDbOptions {
  let protocol: 'http' | 'https' = 'http';
  let host = options.host ?? '127.0.0.1';
  let httpPort = port('httpPort', options.httpPort, 9000);
  if (options.httpUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.httpUrl);
    } catch {
      throw badConfig(`httpUrl must be a URL like http://127.0.0.1:9000, was ${JSON.stringify(options.httpUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badConfig(`httpUrl must start with http:// or https://, was ${url.protocol}`);
    protocol = url.protocol === 'https:' ? 'https' : 'http';
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    httpPort = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  }
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (!isValidTablePrefix(tablePrefix)) {
    throw badConfig(`tablePrefix must be letters, digits and underscores, not starting with a digit, was ${JSON.stringify(tablePrefix)}`);
  }
  return {
    protocol,
    host,
    httpPort,
    pgPort: port('pgPort', options.pgPort, 8812),
    user: options.user ?? 'admin',
    password: options.password ?? 'quest',
    httpAuth: options.httpAuth ?? false,
    tablePrefix,
    batchRows: positiveInteger('batchRows', options.batchRows, 50_000),
    pageRows: positiveInteger('pageRows', options.pageRows, 100_000),
    visibilityTimeoutMs: positiveInteger('visibilityTimeoutMs', options.visibilityTimeoutMs, 60_000),
    retryTimeoutMs: positiveInteger('retryTimeoutMs', options.retryTimeoutMs, 10_000),
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs, 60_000),
    poolSize: positiveInteger('poolSize', options.poolSize, 4),
  };
}

/** ILP client configuration values escape `;` by doubling it. */
function configValue(value: string): string {
  return value.replaceAll(';', ';;');
}

/**
 * The ILP sender configuration: protocol v3 (the first with DECIMAL), flushes only when we
 * say so (each flush is one HTTP request, one transaction). Contains the password when
 * `httpAuth` is on, so it is never logged or put in a message.
 *
 * `stdlib_http=on`: with client 4.2.0 the default undici transport retries a refused
 * connection forever (its RetryAgent ignores the retry_timeout abort), so a write to a
 * QuestDB that went away would never settle. Node's http transport fails such a request at
 * once and still retries timeouts and 5xx answers within `retry_timeout`.
 */
export function senderConfig(options: ResolvedQuestDbOptions): string {
  const parts = [
    `${options.protocol}::addr=${configValue(hostPort(options.host, options.httpPort))}`,
    'protocol_version=3',
    'auto_flush=off',
    'stdlib_http=on',
    `retry_timeout=${options.retryTimeoutMs}`,
    `request_timeout=${options.requestTimeoutMs}`,
  ];
  if (options.httpAuth) parts.push(`username=${configValue(options.user)}`, `password=${configValue(options.password)}`);
  return `${parts.join(';')};`;
}

/** `host:port`, bracketing IPv6 addresses. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Removes the password from text that might echo it (e.g. a driver's error message). */
export function redact(text: string, options: Pick<ResolvedQuestDbOptions, 'password'>): string {
  return options.password === '' ? text : text.replaceAll(options.password, '***');
}
