/**
 * Fault injection, on demand. Each call adds a rule that fires for the next `times` matching
 * requests or stream messages (default 1; `Infinity` keeps it until `clear()` or
 * `handle.cancel()`), and returns a handle that counts its hits.
 *
 * HTTP rules match the URL path: a string matches when the path contains it
 * ('/klines' matches '/api/v3/klines'), a RegExp when it tests true; no path matches all.
 * Delays add up and the request then goes on; the first other matching rule answers it.
 *
 * Websocket rules match a stream name ('btcusdt@trade'), exactly or by RegExp. Skip and
 * repeat act on the event, so every subscriber misses (or gets twice) the same messages;
 * drop-after counts messages sent and terminates the connection that sent the last one.
 */

export type HttpFault =
  /** Answer with this status: 429/418 carry Binance's -1003 body and Retry-After; 5xx a gateway page unless `body` is given. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSec?: number; readonly body?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Answer 200 with the real body damaged: `truncated` cuts the JSON text in half;
   * `wrongType` turns the first record's decimal strings into JSON numbers; `missingField`
   * deletes the first record's first decimal field (array rows lose everything from close on).
   */
  | { readonly kind: 'malformed'; readonly shape: MalformedShape };

export type MalformedShape = 'truncated' | 'wrongType' | 'missingField';

export interface HttpScope {
  readonly path?: string | RegExp;
  readonly times?: number;
}

export interface StreamScope {
  readonly stream?: string | RegExp;
}

export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

type WsAction = 'skip' | 'repeat' | 'dropAfter';

interface Rule<T> {
  readonly match: (key: string) => boolean;
  readonly action: T;
  remaining: number;
  hits: number;
}

/** What the HTTP layer does with one request. */
export interface HttpVerdict {
  readonly delayMs: number;
  readonly fault: Exclude<HttpFault, { kind: 'delay' }> | undefined;
}

function matcher(pattern: string | RegExp | undefined, exact: boolean): (key: string) => boolean {
  if (pattern === undefined) return () => true;
  if (typeof pattern === 'string') return exact ? (key) => key === pattern : (key) => key.includes(pattern);
  return (key) => pattern.test(key);
}

function checkedTimes(times: number): number {
  if (!(times >= 1)) throw new Error(`a fault fires at least once, was times=${times}`);
  return times;
}

export class FaultInjector {
  #http: Rule<HttpFault>[] = [];
  #ws: Rule<WsAction>[] = [];

  /** `dropConnections` is wired by the server to terminate every websocket. */
  constructor(private readonly terminateAll: () => number) {}

  http(fault: HttpFault, scope: HttpScope = {}): FaultHandle {
    return this.#add(this.#http, { match: matcher(scope.path, false), action: fault, remaining: checkedTimes(scope.times ?? 1), hits: 0 });
  }

  /** 429 Too Many Requests with `Retry-After: retryAfterSec` and Binance's -1003 body. */
  rateLimited(retryAfterSec = 1, scope: HttpScope = {}): FaultHandle {
    return this.http({ kind: 'status', status: 429, retryAfterSec }, scope);
  }

  /** 418, Binance's answer to a client that ignored its 429s. */
  banned(retryAfterSec = 120, scope: HttpScope = {}): FaultHandle {
    return this.http({ kind: 'status', status: 418, retryAfterSec }, scope);
  }

  /** A 5xx; the body is a gateway page unless given (Binance's own 500 body is -1001 JSON). */
  serverError(status = 503, scope: HttpScope & { readonly body?: string } = {}): FaultHandle {
    return this.http({ kind: 'status', status, ...(scope.body === undefined ? {} : { body: scope.body }) }, scope);
  }

  slow(ms: number, scope: HttpScope = {}): FaultHandle {
    return this.http({ kind: 'delay', ms }, scope);
  }

  malformed(shape: MalformedShape, scope: HttpScope = {}): FaultHandle {
    return this.http({ kind: 'malformed', shape }, scope);
  }

  /** Terminates every websocket now (no close frame, like a network cut); returns how many. */
  dropConnections(): number {
    return this.terminateAll();
  }

  /** After `messages` more stream messages are sent, terminates the connection that sent the last. */
  dropAfterMessages(messages: number, scope: StreamScope = {}): FaultHandle {
    return this.#add(this.#ws, { match: matcher(scope.stream, true), action: 'dropAfter', remaining: checkedTimes(messages), hits: 0 });
  }

  /** Omits the next `events` events of matching streams for everyone: a gap in trade ids. */
  skipMessages(events: number, scope: StreamScope = {}): FaultHandle {
    return this.#add(this.#ws, { match: matcher(scope.stream, true), action: 'skip', remaining: checkedTimes(events), hits: 0 });
  }

  /** Sends each of the next `events` events of matching streams twice. */
  repeatMessages(events: number, scope: StreamScope = {}): FaultHandle {
    return this.#add(this.#ws, { match: matcher(scope.stream, true), action: 'repeat', remaining: checkedTimes(events), hits: 0 });
  }

  /** Removes every pending rule. */
  clear(): void {
    this.#http = [];
    this.#ws = [];
  }

  /** Consumes the rules matching a request to `path`. */
  takeHttp(path: string): HttpVerdict {
    let delayMs = 0;
    let fault: HttpVerdict['fault'];
    for (const rule of this.#http) {
      if (rule.remaining <= 0 || !rule.match(path)) continue;
      const action = rule.action;
      if (action.kind === 'delay') {
        delayMs += action.ms;
      } else if (fault === undefined) {
        fault = action;
      } else {
        continue;
      }
      rule.remaining -= 1;
      rule.hits += 1;
    }
    this.#http = this.#http.filter((r) => r.remaining > 0);
    return { delayMs, fault };
  }

  /** How many copies of an event on `stream` to send: 0 (skipped), 1, or 2 (repeated). */
  takeEvent(stream: string): number {
    const rule = this.#ws.find((r) => r.remaining > 0 && r.action !== 'dropAfter' && r.match(stream));
    if (rule === undefined) return 1;
    rule.remaining -= 1;
    rule.hits += 1;
    return rule.action === 'skip' ? 0 : 2;
  }

  /** Counts one message sent on `stream`; true when its connection must now be dropped. */
  afterSend(stream: string): boolean {
    let drop = false;
    for (const rule of this.#ws) {
      if (rule.action !== 'dropAfter' || rule.remaining <= 0 || !rule.match(stream)) continue;
      rule.remaining -= 1;
      rule.hits += 1;
      if (rule.remaining === 0) drop = true;
    }
    return drop;
  }

  #add<T>(rules: Rule<T>[], rule: Rule<T>): FaultHandle {
    rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }
}
