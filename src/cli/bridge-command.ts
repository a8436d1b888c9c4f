/**
 * `seamless bridge`: the event bridge daemon (NautilusTrader's Redis bus → domain streams),
 * plus `seamless bridge ledger` (FIFO realized PnL from exec:fills) and
 * `seamless bridge verify-archive` (checks the hash chain of exec:fills:archive).
 * See docs/bridge.md.
 */
import type { Redis } from 'ioredis';
import { BridgeDaemon, DEFAULT_BRIDGE_SETTINGS, type BridgeSettings } from '../bridge/bridge-daemon.js';
import { FifoLedger, ledgerFillFromFields } from '../bridge/fifo-ledger.js';
import { verifyArchive } from '../bridge/fill-archive.js';
import { BridgeKeys } from '../bridge/keys.js';
import { startMetricsServer } from '../bridge/metrics-server.js';
import { streamEntries } from '../bridge/stream-read.js';
import { closeCoordinatorRedis, createCoordinatorRedis, ensureReady } from '../coordination/redis-connection.js';
import { type DurationGrammar, NS_PER_MS } from '../model/time.js';
import { UsageError, choiceFlag, durationFlag, intFlag, parseVerbArgs } from './args.js';
import { type Output, printTable } from './output.js';
import { StopSignals, checkedDuration } from './stop-signals.js';

export const BRIDGE_USAGE = `bridge (NautilusTrader message bus on Redis → domain streams; docs/bridge.md):
  seamless bridge --redis URL [--streams KEY|PATTERN ...] [--metrics-port N]
        [--group NAME] [--consumer NAME] [--start-id 0|$] [--batch N] [--block-ms N]
        [--scan-interval 5s] [--claim-interval 5s] [--claim-idle 30s] [--init-wait 5s]
        [--max-len N] [--max-age 7d] [--dedupe-ttl 7d] [--no-archive] [--duration 10s]
  seamless bridge ledger --redis URL [--stream exec:fills] [--json]
  seamless bridge verify-archive --redis URL
  --redis defaults to $REDIS_URL; --streams defaults to trader-*:stream* (repeat it, or list
  several after it); metrics are served on 127.0.0.1 only.`;

const COMMON = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
} as const;

export async function runBridge(argv: string[], out: Output): Promise<number> {
  const sub = argv[0];
  if (sub === 'help') {
    out.write(`${BRIDGE_USAGE}\n`);
    return 0;
  }
  if (sub === 'ledger') return runLedger(argv.slice(1), out);
  if (sub === 'verify-archive') return runVerifyArchive(argv.slice(1), out);
  return runDaemon(argv, out);
}

/** `--redis`, else $REDIS_URL; the URL is never printed (it may hold a password). */
export function redisUrlFlag(value: string | undefined): string {
  const url = value ?? process.env['REDIS_URL'];
  if (!url) throw new UsageError('--redis URL is required (or set REDIS_URL), e.g. --redis redis://127.0.0.1:6379');
  return url;
}

const DURATION: DurationGrammar = { units: ['ms', 's', 'm', 'h', 'd'], bareUnit: 'ms' };

/** Parses `250ms`, `30s`, `5m`, `24h`, `7d`, or plain milliseconds, into milliseconds. */
function msFlag(name: string, text: string | undefined): number | undefined {
  const ns = durationFlag(name, text, DURATION, ' must be a duration like 500ms, 30s, 5m, 24h or 7d');
  return ns === undefined ? undefined : Number(ns / NS_PER_MS);
}

async function runDaemon(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    ...COMMON,
    streams: { type: 'string', multiple: true },
    'metrics-port': { type: 'string' },
    group: { type: 'string' },
    consumer: { type: 'string' },
    'start-id': { type: 'string' },
    batch: { type: 'string' },
    'block-ms': { type: 'string' },
    'scan-interval': { type: 'string' },
    'claim-interval': { type: 'string' },
    'claim-idle': { type: 'string' },
    'init-wait': { type: 'string' },
    'max-len': { type: 'string' },
    'max-age': { type: 'string' },
    'dedupe-ttl': { type: 'string' },
    'no-archive': { type: 'boolean' },
    duration: { type: 'string' },
  }, BRIDGE_USAGE);
  const streamValues = values.streams ?? [];
  // `--streams a b c`: values after the first --streams that are not flags arrive as positionals.
  if (positionals.length > 0 && streamValues.length === 0) throw new UsageError(`unknown bridge subcommand "${positionals[0]}" (ledger, verify-archive, or flags starting with --)`);
  const sources = [...streamValues, ...positionals].flatMap((v) => v.split(',')).filter((v) => v !== '');
  const seconds = (name: string, text: string | undefined) => {
    const ms = msFlag(name, text);
    return ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000));
  };
  const settings: Partial<BridgeSettings> & { redisUrl: string } = prune({
    redisUrl: redisUrlFlag(values.redis),
    sources: sources.length > 0 ? sources : undefined,
    prefix: values.prefix,
    group: values.group,
    consumer: values.consumer,
    startId: choiceFlag('start-id', values['start-id'], ['0', '$'] as const),
    batchSize: intFlag('batch', values.batch, { min: 1, max: 10_000 }),
    blockMs: intFlag('block-ms', values['block-ms'], { min: 1, max: 60_000 }),
    scanIntervalMs: msFlag('scan-interval', values['scan-interval']),
    claimIntervalMs: msFlag('claim-interval', values['claim-interval']),
    claimMinIdleMs: msFlag('claim-idle', values['claim-idle']),
    initWaitMs: msFlag('init-wait', values['init-wait']),
    maxLen: intFlag('max-len', values['max-len']),
    maxAgeMs: msFlag('max-age', values['max-age']),
    seenTtlSeconds: seconds('dedupe-ttl', values['dedupe-ttl']),
    archive: values['no-archive'] ? false : undefined,
  });
  const metricsPort = intFlag('metrics-port', values['metrics-port'], { min: 0, max: 65_535 });
  const durationMs = checkedDuration(msFlag('duration', values.duration), values.duration);

  const daemon = new BridgeDaemon(settings);
  // Before anything is printed (see StopSignals).
  const stop = new StopSignals();
  stop.stopAfter(durationMs);
  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    if (metricsPort !== undefined) {
      server = await startMetricsServer(daemon.metrics, metricsPort, '127.0.0.1', () => daemon.isHealthy());
      process.stderr.write(`${JSON.stringify({ event: 'metrics', url: `http://127.0.0.1:${server.port}/metrics` })}\n`);
    }
    await daemon.run(stop.signal);
  } finally {
    stop.dispose();
    await server?.close();
    await daemon.close();
  }
  out.write(`${JSON.stringify({ processed: await daemon.metrics.count('nautilus_bridge_events_processed'), consumer: settings.consumer ?? DEFAULT_BRIDGE_SETTINGS.consumer })}\n`);
  return 0;
}

/** Opens a client for a one-shot command; throws SEAMLESS_COORDINATOR_DOWN when Redis is not there. */
export async function openRedis(url: string): Promise<Redis> {
  const client = createCoordinatorRedis(url, { connectionName: 'seamless-cli' });
  try {
    await ensureReady(client, 'reach Redis');
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

async function runLedger(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, { ...COMMON, stream: { type: 'string' }, json: { type: 'boolean' } }, BRIDGE_USAGE);
  const keys = new BridgeKeys(values.prefix ?? '');
  const stream = values.stream ?? keys.fills;
  const client = await openRedis(redisUrlFlag(values.redis));
  const ledger = new FifoLedger();
  try {
    for await (const { id, fields } of streamEntries(client, stream)) {
      try {
        ledger.apply(ledgerFillFromFields(id, fields, stream));
      } catch (error) {
        const message = (error as Error).message;
        process.stderr.write(`seamless: ${message.startsWith(stream) ? message : `${stream} entry ${id}: ${message}`}\n`);
        return 1;
      }
    }
  } finally {
    await closeCoordinatorRedis(client);
  }
  const results = ledger.results();
  if (values.json) {
    out.write(`${JSON.stringify(results)}\n`);
    return 0;
  }
  if (results.length === 0) {
    out.write(`no fills in ${stream}\n`);
    return 0;
  }
  printTable(
    out,
    ['instrument', 'realized_pnl', 'currency', 'position', 'open_lots', 'fills', 'fees'],
    results.map((r) => [r.instrumentId, r.realizedPnl, r.currency, r.position, String(r.openLots), String(r.fills), Object.entries(r.fees).map(([c, a]) => `${a} ${c}`.trim()).join(', ')]),
  );
  return 0;
}

async function runVerifyArchive(argv: string[], out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, COMMON, BRIDGE_USAGE);
  const keys = new BridgeKeys(values.prefix ?? '');
  const client = await openRedis(redisUrlFlag(values.redis));
  try {
    const result = await verifyArchive(client, keys);
    if (result.ok) {
      out.write(`${keys.archive}: ${result.entries} entries, hash chain intact\n`);
      return 0;
    }
    process.stderr.write(`seamless: ${keys.archive} is tampered: entry ${result.firstBad!.id} (after ${result.entries} good entries): ${result.firstBad!.reason}\n`);
    return 1;
  } finally {
    await closeCoordinatorRedis(client);
  }
}

function prune<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
