/**
 * A paced producer for the bridge's latency benchmark: QuoteTick entries on one bus stream,
 * RATE per second, written the way a NautilusTrader node writes them (XADD of `topic` and a
 * msgpack `payload`), with the moment Redis inserted each one.
 *
 * It allocates almost nothing per event — one pre-built RESP command per event, patched in
 * place with its ts_init, written as one block per millisecond over a plain socket — because
 * the producer shares this 2-core machine with Redis and the bridge: an ioredis producer's
 * own garbage collection (with its helper threads) showed up as latency of whatever read
 * the stream, bare XREAD loop included. A node's Rust bus writer allocates little too.
 *
 * Each XADD runs inside a two-line script that also returns Redis's clock, so "added
 * latency" can be measured from the entry's insertion, not from a client-side stamp that
 * includes the producer's own send and scheduling.
 */
import { connect } from 'node:net';
import { encodePayload, quoteTick } from '../test/bridge/bus-payloads.js';
import { wallMs } from './measure.js';

/** XADD as the bus does it, returning Redis's TIME at the insertion in microseconds. */
export const XADD_AND_TIME = "redis.call('XADD', KEYS[1], '*', unpack(ARGV)) local t = redis.call('TIME') return t[1] * 1000000 + t[2]";

export interface PacedProducerJob {
  readonly port: number;
  /** SHA1 of XADD_AND_TIME, loaded by the caller (SCRIPT LOAD). */
  readonly sha: string;
  readonly key: string;
  readonly total: number;
  /** Events per second. */
  readonly rate: number;
}

/** Writes `job.total` entries at `job.rate`/s; returns each entry's insertion time (ms since the epoch), in stream order. */
export async function producePaced(job: PacedProducerJob): Promise<Float64Array> {
  // ts_init is a 19-digit decimal string in the payload: patched in place per event.
  const payload = encodePayload(quoteTick({ instrumentId: 'LAT/USD.SIM', bid: '1.10000', ask: '1.10002', tsInit: 1_000_000_000_000_000_000n }), 'msgpack');
  const command = respCommand(['EVALSHA', job.sha, '1', job.key, 'topic', 'data.quotes.SIM.LAT/USD', 'payload', payload]);
  const digitsAt = command.indexOf(payload) + payload.indexOf('1000000000000000000');
  const perBlock = Math.max(1, Math.ceil(job.rate / 100)); // up to 10 ms of events per write
  const block = Buffer.alloc(command.length * perBlock);
  for (let i = 0; i < perBlock; i++) command.copy(block, i * command.length);

  const insertedAt = new Float64Array(job.total);
  const replies = new IntegerReplies(insertedAt);
  const socket = connect(job.port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('data', (chunk: Buffer) => replies.push(chunk));

  const perMs = job.rate / 1000;
  const started = performance.now();
  let sent = 0;
  while (sent < job.total) {
    // Keep to the schedule: send what is due by now (plus this millisecond's share), then yield.
    const due = Math.min(job.total, sent + perBlock, Math.floor((performance.now() - started) * perMs) + Math.max(1, Math.round(perMs)));
    const count = due - sent;
    for (let i = 0; i < count; i++) {
      const tsInit = `${Math.round(wallMs() * 1000)}000`;
      if (tsInit.length !== 19) throw new Error(`ts_init ${tsInit} is not 19 digits`);
      block.write(tsInit, i * command.length + digitsAt, 'latin1');
    }
    socket.write(block.subarray(0, count * command.length));
    sent = due;
    await replies.until(sent);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  socket.end();
  return insertedAt;
}

/** A RESP array of bulk strings. */
function respCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses `:<integer>\r\n` replies (microseconds) into `out` as milliseconds; an error reply throws. */
class IntegerReplies {
  private count = 0;
  private rest: Buffer = Buffer.alloc(0);
  private waiting: { target: number; resolve: () => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly out: Float64Array) {}

  push(chunk: Buffer): void {
    const bytes = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(13, start);
      if (end < 0) break;
      if (bytes[start] !== 0x3a) {
        this.fail(new Error(`producer: Redis replied ${bytes.toString('latin1', start, end)}`));
        return;
      }
      let micros = 0;
      for (let k = start + 1; k < end; k++) micros = micros * 10 + (bytes[k]! - 48);
      this.out[this.count++] = micros / 1000;
      start = end + 2;
    }
    this.rest = bytes.subarray(start);
    if (this.waiting && this.count >= this.waiting.target) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }

  /** Resolves once `target` replies have arrived. */
  until(target: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => (this.waiting = { target, resolve, reject }));
  }

  private fail(error: Error): void {
    this.failure = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}
