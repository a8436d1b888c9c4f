/**
 * Prometheus metrics of a capture, in the style of src/seamless/metrics.ts: one registry per
 * instance, typed methods so no caller spells a label, and low-cardinality labels (channel
 * and symbol, both from the command line). `serveMetrics` exposes them on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RotationReason, SealedSegment } from './write-ahead-log.js';

export type Channel = 'trades' | 'quotes' | 'bars';

export class CaptureMetrics {
  readonly registry = new Registry();
  private readonly messages: Counter<'channel' | 'symbol'>;
  private readonly gapsTotal: Counter<'channel' | 'symbol'>;
  private readonly disconnects: Counter<'channel' | 'symbol'>;
  private readonly reconnects: Counter<'channel' | 'symbol'>;
  private readonly filledRows: Counter<'channel' | 'symbol'>;
  private readonly walBytes: Counter<string>;
  private readonly walFsyncs: Counter<string>;
  private readonly rotations: Counter<'reason'>;
  private readonly conversions: Counter<'outcome'>;
  private readonly rowsConverted: Counter<string>;
  private readonly pendingSegmentsGauge: Gauge<string>;
  private readonly conversionLag: Gauge<string>;

  constructor() {
    const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> => new Counter<T>({ name, help, labelNames, registers: [this.registry] });
    const gauge = (name: string, help: string): Gauge<string> => new Gauge({ name, help, registers: [this.registry] });
    this.messages = counter('seamless_capture_messages_total', 'Rows written to the WAL (acknowledged), by channel and symbol.', ['channel', 'symbol']);
    this.gapsTotal = counter('seamless_capture_gaps_total', 'Gaps recorded: ranges missing for good.', ['channel', 'symbol']);
    this.disconnects = counter('seamless_capture_disconnects_total', 'Websocket disconnects.', ['channel', 'symbol']);
    this.reconnects = counter('seamless_capture_reconnects_total', 'Websocket reconnects.', ['channel', 'symbol']);
    this.filledRows = counter('seamless_capture_restart_filled_rows_total', 'Rows fetched from REST to cover the time the capture was not running.', ['channel', 'symbol']);
    this.walBytes = counter('seamless_capture_wal_bytes_total', 'Bytes written to WAL segments.', []);
    this.walFsyncs = counter('seamless_capture_wal_fsyncs_total', 'fdatasync calls on WAL segments.', []);
    this.rotations = counter('seamless_capture_segments_rotated_total', 'Segments sealed, by reason (size, time, shutdown).', ['reason']);
    this.conversions = counter('seamless_capture_segments_converted_total', 'Segment conversions into daily catalog files, by outcome.', ['outcome']);
    this.rowsConverted = counter('seamless_capture_rows_converted_total', 'Rows added to daily catalog files.', []);
    this.pendingSegmentsGauge = gauge('seamless_capture_pending_segments', 'Sealed segments waiting for conversion.');
    this.conversionLag = gauge('seamless_capture_conversion_lag_seconds', 'Age of the oldest sealed segment not yet converted (0 when none).');
  }

  received(channel: Channel, symbol: string, rows: number): void {
    this.messages.inc({ channel, symbol }, rows);
  }

  gap(channel: Channel, symbol: string): void {
    this.gapsTotal.inc({ channel, symbol });
  }

  disconnected(channel: Channel, symbol: string): void {
    this.disconnects.inc({ channel, symbol });
  }

  reconnected(channel: Channel, symbol: string): void {
    this.reconnects.inc({ channel, symbol });
  }

  filled(channel: Channel, symbol: string, rows: number): void {
    this.filledRows.inc({ channel, symbol }, rows);
  }

  walFlushed(bytes: number): void {
    this.walBytes.inc(bytes);
  }

  walSynced(): void {
    this.walFsyncs.inc();
  }

  rotated(segment: SealedSegment): void {
    this.rotations.inc({ reason: segment.reason satisfies RotationReason });
  }

  converted(outcome: 'ok' | 'error', rows = 0): void {
    this.conversions.inc({ outcome });
    if (rows > 0) this.rowsConverted.inc(rows);
  }

  pending(segments: number, oldestSealedAtMs: number | undefined): void {
    this.pendingSegmentsGauge.set(segments);
    this.conversionLag.set(oldestSealedAtMs === undefined ? 0 : Math.max(0, (Date.now() - oldestSealedAtMs) / 1000));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Serves `GET /metrics` on 127.0.0.1:`port` (0 picks a free port); resolves with the server. */
export async function serveMetrics(metrics: CaptureMetrics, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
