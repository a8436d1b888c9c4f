/**
 * The ioredis client the coordinator uses, set up so an outage surfaces within about a second
 * as SEAMLESS_COORDINATOR_DOWN instead of hanging or being mistaken for "someone else owns it"
 * (the Python coordinator turned transport errors into `None`, which callers read as "owned
 * elsewhere" and skipped the backfill).
 *
 * - `enableOfflineQueue: false`: while disconnected, commands fail at once instead of queueing.
 * - `maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`: a command in flight when
 *   the connection drops fails rather than being resent after reconnecting. A resent claim
 *   could run twice (the first reply lost), and its caller would wrongly see "held".
 * - `commandTimeout`: a server that hangs (network partition, not a refused connection) fails too.
 * - `retryStrategy` always reconnects in the background, so work resumes once Redis is back.
 *
 * Messages name `host:port` only: never the URL, whose userinfo may hold the password.
 */
import { Redis, ReplyError } from 'ioredis';
import { SeamlessError } from '../seamless/errors.js';

export interface CoordinatorRedisOptions {
  /** Give up on one TCP connect after this long (default 1000 ms). */
  readonly connectTimeoutMs?: number;
  /** Fail a command with no reply after this long (default 1500 ms). */
  readonly commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts (default 1000 ms). */
  readonly maxReconnectDelayMs?: number;
  /** Shown in CLIENT LIST, e.g. `seamless-backfill` (default none). */
  readonly connectionName?: string;
}

const DEFAULTS = { connectTimeoutMs: 1000, commandTimeoutMs: 1500, maxReconnectDelayMs: 1000 };

/** Replies that mean "the server cannot serve us now" rather than "this script is wrong". */
const OUTAGE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|NOAUTH|WRONGPASS|OOM|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/** The last connection error per client, to explain "Stream isn't writeable" in messages. */
const lastConnectionError = new WeakMap<Redis, Error>();

/**
 * Returns a client for a `redis://[user:password@]host:port[/db]` (or `rediss://`) URL. It
 * connects on first use; commands go through `ensureReady` (lua-script.ts does this).
 * Throws SEAMLESS_BAD_CONFIG when `url` is not a redis URL (the message omits the URL).
 */
export function createCoordinatorRedis(url: string, options: CoordinatorRedisOptions = {}): Redis {
  checkRedisUrl(url);
  const settings = { ...DEFAULTS, ...options };
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, settings.maxReconnectDelayMs),
    ...(settings.connectionName === undefined ? {} : { connectionName: settings.connectionName }),
  });
  // Without a listener ioredis prints every failed reconnect; we report outages as errors instead.
  client.on('error', (error: Error) => lastConnectionError.set(client, error));
  client.on('ready', () => lastConnectionError.delete(client));
  return client;
}

function checkRedisUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', 'the coordinator URL must look like redis://[user:password@]host:port[/db] or rediss://…; the value given does not (not shown, as it may hold a password)');
  }
}

/** Returns `host:port` (and `/db` when not 0) of the client's server; never credentials. */
export function describeRedis(client: Redis): string {
  const { host, port, db } = client.options;
  const where = `${host ?? 'localhost'}:${port ?? 6379}`;
  return db ? `${where}/${db}` : where;
}

/**
 * Resolves once the client is ready: connects a client that never connected, and waits for a
 * connection attempt in progress. A client between reconnect attempts fails at once.
 * Throws SEAMLESS_COORDINATOR_DOWN.
 */
export async function ensureReady(client: Redis, action: string): Promise<void> {
  switch (client.status) {
    case 'ready':
      return;
    case 'wait':
      client.connect().catch(() => {}); // the outcome arrives as 'ready' or 'close' below
      return waitForReady(client, action);
    case 'connecting':
    case 'connect':
      return waitForReady(client, action);
    default:
      throw coordinatorDown(client, action, new Error(`connection is ${client.status}`));
  }
}

/** One wait per client and connection attempt, however many commands are waiting on it. */
const pendingReady = new WeakMap<Redis, Promise<void>>();

async function waitForReady(client: Redis, action: string): Promise<void> {
  let pending = pendingReady.get(client);
  if (pending === undefined) {
    pending = readyOrClosed(client).finally(() => pendingReady.delete(client));
    pendingReady.set(client, pending);
  }
  try {
    await pending;
  } catch (error) {
    throw coordinatorDown(client, action, error);
  }
}

function readyOrClosed(client: Redis): Promise<void> {
  const limitMs = (client.options.connectTimeout ?? DEFAULTS.connectTimeoutMs) + (client.options.commandTimeout ?? DEFAULTS.commandTimeoutMs);
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onClose);
      client.off('end', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = () => settle();
    const onClose = () => settle(new Error('connection closed before it was ready'));
    const timer = setTimeout(() => settle(new Error(`not ready after ${limitMs} ms`)), limitMs);
    client.once('ready', onReady);
    client.once('close', onClose);
    client.once('end', onClose);
  });
}

/**
 * Runs one plain command (for what needs no script) the way LuaScript runs scripts: after
 * ensureReady, with failures mapped by toCoordinatorError.
 */
export async function runCommand<T>(client: Redis, action: string, command: () => Promise<T>): Promise<T> {
  await ensureReady(client, action);
  try {
    return await command();
  } catch (error) {
    throw toCoordinatorError(error, client, action);
  }
}

/**
 * Returns what to throw for an error from a command: SEAMLESS_COORDINATOR_DOWN for transport
 * failures and outage replies, the error itself for anything else (a script bug should not
 * masquerade as an outage).
 */
export function toCoordinatorError(error: unknown, client: Redis, action: string): unknown {
  if (error instanceof SeamlessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ReplyError && !OUTAGE_REPLY.test(message)) return error;
  return coordinatorDown(client, action, error);
}

function coordinatorDown(client: Redis, action: string, error: unknown): SeamlessError {
  const target = describeRedis(client);
  const reason = redact(explain(client, error), client.options.password);
  const hint = /WRONGPASS|NOAUTH/.test(reason)
    ? 'check the user and password in REDIS_URL'
    : "start redis-server there or point REDIS_URL at a running one, or choose the outage policy 'skip' or 'local-only'";
  return new SeamlessError(
    'SEAMLESS_COORDINATOR_DOWN',
    `cannot ${action}: the Redis coordinator at ${target} is unreachable (${reason}); ${hint}`,
    { target, action },
    // A copy with only name and message: ioredis attaches the failed command (for AUTH: the password) to reply errors.
    Object.assign(new Error(reason), { name: error instanceof Error ? error.name : 'Error' }),
  );
}

function explain(client: Redis, error: unknown): string {
  const message = plainReason(error);
  const connection = lastConnectionError.get(client);
  if (connection === undefined || message.includes(connection.message)) return message;
  return `${message}; last connection error: ${connection.message}`;
}

/** ioredis' wording for its own states, in words that make sense without its options. */
function plainReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'MaxRetriesPerRequestError') return 'the connection dropped while the command was in flight';
  if (message.startsWith("Stream isn't writeable")) return 'not connected';
  if (message === 'Command timed out') return 'no reply in time';
  return message;
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/** Closes the client: QUIT when connected (waits for replies in flight), else drops it. */
export async function closeCoordinatorRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // the connection went away meanwhile: disconnect below
    }
  }
  client.disconnect();
}
