/** What the simulator has served, for assertions and benchmarks. Counters only grow. */

export class SimStats {
  /** Requests per URL path, including refused and faulted ones. */
  readonly requestsByPath: Record<string, number> = {};
  requests = 0;
  /** Weight admitted since start (the limiter's window holds the current share). */
  weightTotal = 0;
  /** 429s and 418s sent, by the limiter or by injected faults. */
  rateLimited429 = 0;
  banned418 = 0;
  /** Injected 5xx answers, malformed bodies, and requests for paths the simulator does not serve. */
  serverErrors = 0;
  malformedBodies = 0;
  unknownPaths = 0;
  wsConnectionsOpened = 0;
  wsConnectionsOpen = 0;
  wsSubscribeRequests = 0;
  /** Streams subscribed that the simulator accepts but never feeds (e.g. `@depth`). */
  readonly wsUnservedStreams: string[] = [];
  /** Stream messages sent (subscription replies are not counted). */
  wsMessagesSent = 0;
  wsMessagesSkipped = 0;
  wsConnectionsDropped = 0;

  constructor(private readonly usedWeight: () => number) {}

  /** Weight used in the rate limiter's current window, as `x-mbx-used-weight-1m` reports it. */
  get weightUsed(): number {
    return this.usedWeight();
  }

  /** Requests to paths ending in `suffix`, e.g. `/klines` (spot and USD-M alike). */
  requestsTo(suffix: string): number {
    return Object.entries(this.requestsByPath).reduce((n, [path, count]) => (path.endsWith(suffix) ? n + count : n), 0);
  }

  countRequest(path: string): void {
    this.requests += 1;
    this.requestsByPath[path] = (this.requestsByPath[path] ?? 0) + 1;
  }
}
