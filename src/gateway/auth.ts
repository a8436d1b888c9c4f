/**
 * Bearer-token checks. One global `onRequest` hook refuses, with 401 UNAUTHORIZED, every
 * request that may change something (any method but GET, HEAD and OPTIONS) unless it
 * carries `Authorization: Bearer <token>`. With `readsNeedToken` (the gateway bound to a
 * non-loopback address) reads need it too, except `/health`, which load balancers probe.
 *
 * Routes whose GET can still change state (a history fetch that backfills into storage)
 * call `requireToken` themselves.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from './errors.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health']);
const BEARER = /^Bearer ([^\s]+)$/;

/** True when `method` cannot change state (RFC 9110 safe methods). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/**
 * Returns whether `presented` equals `token`, in time independent of where they differ:
 * both are hashed first, so their lengths leak nothing either.
 */
export function tokenMatches(presented: string, token: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export class TokenCheck {
  constructor(
    private readonly token: string,
    private readonly readsNeedToken: boolean,
  ) {
    if (token.length < 16) throw new RangeError('the gateway token must be at least 16 characters');
  }

  /** Throws GatewayError UNAUTHORIZED unless the request carries the token. */
  requireToken(request: FastifyRequest): void {
    const header = request.headers.authorization;
    if (header === undefined) throw new GatewayError('UNAUTHORIZED', 'no Authorization header was sent');
    const match = BEARER.exec(header);
    if (!match) throw new GatewayError('UNAUTHORIZED', 'the Authorization header is not "Bearer <token>"');
    if (!tokenMatches(match[1]!, this.token)) throw new GatewayError('UNAUTHORIZED', 'the token does not match');
  }

  /** The global hook's rule: which requests need the token before any handler runs. */
  check(request: FastifyRequest): void {
    if (isSafeMethod(request.method) && (!this.readsNeedToken || OPEN_PATHS.has(pathOf(request.url)))) return;
    this.requireToken(request);
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
