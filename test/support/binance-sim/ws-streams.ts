/**
 * The websocket side, Binance's market-stream protocol on any path of the server:
 *
 * - raw streams: `/ws`, `/ws/<anything>`, and the futures `/public/ws/…`, `/market/ws/…` that
 *   ccxt 4.5 builds; a path segment naming a stream (`/ws/btcusdt@trade`) subscribes to it;
 * - combined streams: a path with a `stream` segment (`/stream?streams=a/b`); each message
 *   is wrapped as `{"stream": name, "data": payload}`;
 * - requests `{"method": "SUBSCRIBE" | "UNSUBSCRIBE", "params": [...], "id": n}` answered
 *   `{"result": null, "id": n}`; LIST_SUBSCRIPTIONS answers the list. Errors use Binance's
 *   `{"error": {"code": 2, "msg": …}, "id": n}`.
 *
 * The `ws` package answers client pings with pongs; `pingIntervalMs` makes the server ping
 * too, as Binance does. Faults (skip, repeat, drop) are applied as messages go out.
 */
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { FaultInjector } from './faults.js';
import { LiveFeed } from './live-feed.js';
import type { MarketData } from './market-data.js';
import type { SimStats } from './stats.js';
import { parseStreamName, type StreamName } from './stream-names.js';

export interface StreamDeps {
  readonly data: MarketData;
  readonly clock: () => number;
  readonly faults: FaultInjector;
  readonly stats: SimStats;
  readonly tickMs: number;
  readonly pingIntervalMs: number;
}

interface Connection {
  readonly socket: WebSocket;
  readonly combined: boolean;
  readonly streams: Map<string, StreamName>;
}

const METHODS = '`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`';

export class StreamServer {
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #subscribers = new Map<string, Set<Connection>>();
  readonly #feed: LiveFeed;
  readonly #pinger: NodeJS.Timeout | undefined;

  constructor(server: Server, private readonly deps: StreamDeps) {
    this.#feed = new LiveFeed(deps.data, deps.clock, deps.tickMs, (stream, payload) => this.publish(stream, payload));
    this.#wss = new WebSocketServer({ server });
    this.#wss.on('connection', (socket, request) => this.#accept(socket, request));
    this.#pinger = deps.pingIntervalMs > 0 ? setInterval(() => this.#connections.forEach((c) => c.socket.ping()), deps.pingIntervalMs) : undefined;
  }

  /** Sends one event to every subscriber of `stream`, applying skip / repeat / drop faults. */
  publish(stream: string, payload: object): void {
    const subscribers = this.#subscribers.get(stream);
    if (subscribers === undefined || subscribers.size === 0) return;
    const faults = this.deps.faults;
    const copies = faults.takeEvent(stream);
    if (copies === 0) {
      this.deps.stats.wsMessagesSkipped += 1;
      return;
    }
    const raw = JSON.stringify(payload);
    const wrapped = `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
    for (const connection of [...subscribers]) {
      for (let i = 0; i < copies; i++) {
        connection.socket.send(connection.combined ? wrapped : raw);
        this.deps.stats.wsMessagesSent += 1;
        if (faults.afterSend(stream)) {
          this.#drop(connection);
          break;
        }
      }
    }
  }

  publishNow(): void {
    this.#feed.tick();
  }

  /** Terminates every connection without a close frame; returns how many there were. */
  terminateAll(): number {
    const count = this.#connections.size;
    for (const connection of [...this.#connections]) this.#drop(connection);
    return count;
  }

  async close(): Promise<void> {
    if (this.#pinger !== undefined) clearInterval(this.#pinger);
    this.#feed.stop();
    this.terminateAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #drop(connection: Connection): void {
    this.deps.stats.wsConnectionsDropped += 1;
    this.#forget(connection);
    connection.socket.terminate();
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'ws://sim');
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const connection: Connection = { socket, combined: segments.includes('stream'), streams: new Map() };
    this.#connections.add(connection);
    this.deps.stats.wsConnectionsOpened += 1;
    this.deps.stats.wsConnectionsOpen += 1;
    const initial = [...segments.filter((s) => s.includes('@')), ...(url.searchParams.get('streams')?.split('/') ?? [])].filter((s) => s !== '');
    for (const name of initial) {
      const stream = parseStreamName(name, this.deps.data);
      if (stream !== undefined) this.#subscribe(connection, stream);
    }
    socket.on('message', (data) => this.#request(connection, data));
    socket.on('close', () => this.#forget(connection));
    socket.on('error', () => this.#forget(connection));
  }

  #forget(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.deps.stats.wsConnectionsOpen -= 1;
    for (const stream of connection.streams.values()) this.#unsubscribe(connection, stream);
  }

  #subscribe(connection: Connection, stream: StreamName): void {
    if (connection.streams.has(stream.name)) return;
    connection.streams.set(stream.name, stream);
    let set = this.#subscribers.get(stream.name);
    if (set === undefined) this.#subscribers.set(stream.name, (set = new Set()));
    set.add(connection);
    this.#feed.watch(stream);
  }

  #unsubscribe(connection: Connection, stream: StreamName): void {
    if (!connection.streams.delete(stream.name)) return;
    this.#subscribers.get(stream.name)?.delete(connection);
    this.#feed.unwatch(stream);
  }

  #request(connection: Connection, data: RawData): void {
    const reply = (message: object): void => connection.socket.send(JSON.stringify(message));
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(data.toString()) as typeof request;
    } catch {
      return reply({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null });
    }
    const id = request.id ?? null;
    const invalid = (msg: string): void => reply({ error: { code: 2, msg: `Invalid request: ${msg}` }, id });
    switch (request.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (!Array.isArray(request.params) || !request.params.every((p): p is string => typeof p === 'string')) return invalid('missing field `params`');
        const streams = request.params.map((name) => ({ name, stream: parseStreamName(name, this.deps.data) }));
        const unknown = streams.find((s) => s.stream === undefined);
        if (unknown !== undefined) return invalid(`invalid stream name "${unknown.name}"`);
        if (request.method === 'SUBSCRIBE') {
          this.deps.stats.wsSubscribeRequests += 1;
          for (const { stream } of streams) {
            if (stream!.kind === 'unserved') this.deps.stats.wsUnservedStreams.push(stream!.name);
            this.#subscribe(connection, stream!);
          }
        } else {
          for (const { stream } of streams) this.#unsubscribe(connection, stream!);
        }
        return reply({ result: null, id });
      }
      case 'LIST_SUBSCRIPTIONS':
        return reply({ result: [...connection.streams.keys()], id });
      case 'SET_PROPERTY':
        return reply({ result: null, id });
      case 'GET_PROPERTY':
        return reply({ result: false, id });
      default:
        return invalid(`unknown variant \`${String(request.method)}\`, expected one of ${METHODS}`);
    }
  }
}
