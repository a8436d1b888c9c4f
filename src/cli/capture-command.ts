/**
 * `seamless capture`: records live trades, quotes and bars into the catalog through a
 * write-ahead log, until SIGTERM or SIGINT (then stops cleanly and exits 0). Thin: flags
 * become CaptureOptions; the daemon lives in src/pipeline/capture. Events are JSON lines on
 * stderr (one per recovery, rotation, conversion, gap, reconnect), for journald.
 */
import { join } from 'node:path';
import type { Channel } from '../pipeline/capture/capture-metrics.js';
import { CaptureDaemon } from '../pipeline/capture/capture-daemon.js';
import { UsageError, catalogPath, intFlag, parseVerbArgs } from './args.js';
import type { Output } from './output.js';
import { StopSignals } from './stop-signals.js';

export const CAPTURE_USAGE = `capture — record live data into the catalog (runs until SIGTERM/SIGINT)

  seamless capture --exchange binance --symbols BTC/USDT,ETH/USDT [--channels trades,quotes,bars]
      [--timeframe 1m] [--catalog PATH] [--wal DIR] [--segment-bytes N] [--segment-seconds N]
      [--fsync-ms N] [--metrics-port N] [--exchange-url URL --exchange-ws-url URL]

  --wal defaults to <catalog>/.seamless/wal; --segment-bytes 67108864, --segment-seconds 300,
  --fsync-ms 200 (0 = fsync every write). /metrics is served on 127.0.0.1 only. See docs/capture.md.`;

const CHANNELS: readonly Channel[] = ['trades', 'quotes', 'bars'];

export async function runCapture(argv: string[], _out: Output): Promise<number> {
  const { values } = parseVerbArgs(argv, {
    exchange: { type: 'string' },
    symbols: { type: 'string' },
    channels: { type: 'string' },
    timeframe: { type: 'string' },
    wal: { type: 'string' },
    'segment-bytes': { type: 'string' },
    'segment-seconds': { type: 'string' },
    'fsync-ms': { type: 'string' },
    'metrics-port': { type: 'string' },
    'exchange-url': { type: 'string' },
    'exchange-ws-url': { type: 'string' },
  }, CAPTURE_USAGE);
  const exchange = values.exchange;
  if (!exchange) throw new UsageError('--exchange is required (a ccxt exchange id, e.g. binance)');
  const symbols = listFlag('symbols', values.symbols);
  if (symbols.length === 0) throw new UsageError('--symbols is required (ccxt symbols separated by commas, e.g. BTC/USDT,ETH/USDT)');
  const channels = listFlag('channels', values.channels ?? 'trades,quotes,bars').map((c) => {
    if (!(CHANNELS as readonly string[]).includes(c)) throw new UsageError(`--channels: "${c}" is not one of ${CHANNELS.join(', ')}`);
    return c as Channel;
  });
  const catalogRoot = catalogPath(values.catalog);
  const log = (event: Record<string, unknown>): void => {
    process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`);
  };
  const metricsPort = intFlag('metrics-port', values['metrics-port'], { max: 65535 });
  // Before the daemon logs "started" (see StopSignals); a signal during start-up stops the
  // daemon as soon as it exists.
  const stop = new StopSignals();
  let daemon: CaptureDaemon | undefined;
  stop.signal.addEventListener('abort', () => {
    log({ event: 'stopping', signal: stop.received });
    void daemon?.stop();
  }, { once: true });
  try {
    daemon = await CaptureDaemon.start({
      exchange,
      symbols: [...new Set(symbols)],
      channels: [...new Set(channels)],
      timeframe: values.timeframe ?? '1m',
      catalogRoot,
      walDir: values.wal ? catalogPath(values.wal) : join(catalogRoot, '.seamless', 'wal'),
      segmentBytes: intFlag('segment-bytes', values['segment-bytes'], { min: 4096 }) ?? 64 * 1024 * 1024,
      segmentSeconds: intFlag('segment-seconds', values['segment-seconds'], { min: 1 }) ?? 300,
      fsyncMs: intFlag('fsync-ms', values['fsync-ms'], { max: 60_000 }) ?? 200,
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(values['exchange-url'] ? { restUrl: values['exchange-url'] } : {}),
      ...(values['exchange-ws-url'] ? { wsUrl: values['exchange-ws-url'] } : {}),
      log,
    });
    if (stop.signal.aborted) void daemon.stop();
    await daemon.done;
    return 0;
  } finally {
    stop.dispose();
  }
}

function listFlag(name: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} has an empty item in "${text}"`);
  return items;
}
