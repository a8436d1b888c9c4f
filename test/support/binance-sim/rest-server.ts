/**
 * The HTTP side: one request → faults → route → rate limit → answer, with Binance's headers
 * (`x-mbx-used-weight-1m` on every answer, `Retry-After` on 429/418) and JSON bodies.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { binanceErrors, type BinanceErrorAnswer } from './binance-errors.js';
import type { FaultInjector, HttpVerdict } from './faults.js';
import { damagedBody } from './malformed-body.js';
import type { MarketData } from './market-data.js';
import type { WeightLimiter } from './rate-limiter.js';
import { routesFor, type RouteContext } from './rest-routes.js';
import type { SimStats } from './stats.js';

export interface RestDeps {
  readonly data: MarketData;
  readonly clock: () => number;
  readonly limiter: WeightLimiter;
  readonly faults: FaultInjector;
  readonly stats: SimStats;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const JSON_TYPE = 'application/json;charset=UTF-8';

export function restHandler(deps: RestDeps): Handler {
  const routes = routesFor(deps.data.market);
  const weightEntry = { ...deps.limiter.windowAsRateLimit(), limit: deps.limiter.options.weight };
  const weightHeaders = (): Record<string, string> => {
    const used = String(deps.limiter.used);
    return deps.data.market === 'spot' ? { 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used } : { 'x-mbx-used-weight-1m': used };
  };
  const send = (response: ServerResponse, status: number, body: string, contentType: string, extra: Record<string, string> = {}): void => {
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': contentType, ...weightHeaders(), ...extra });
    response.end(body);
  };
  const sendError = (response: ServerResponse, error: BinanceErrorAnswer, extra: Record<string, string> = {}): void => {
    send(response, error.status, JSON.stringify(error.body), JSON_TYPE, extra);
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://sim');
    const path = url.pathname;
    deps.stats.countRequest(path);
    const verdict = deps.faults.takeHttp(path);
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    if (verdict.fault?.kind === 'status') return sendInjectedStatus(response, verdict.fault);

    const route = request.method === 'GET' ? routes.get(path) : undefined;
    if (route === undefined) {
      deps.stats.unknownPaths += 1;
      return send(response, 404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html');
    }
    const weight = route.weight(url.searchParams);
    const admission = deps.limiter.admit(weight);
    if (!admission.ok) {
      const retryAfter = { 'retry-after': String(admission.retryAfterSec) };
      if (admission.status === 418) {
        deps.stats.banned418 += 1;
        return sendError(response, binanceErrors.banned(admission.bannedUntilMs), retryAfter);
      }
      deps.stats.rateLimited429 += 1;
      return sendError(response, binanceErrors.tooMuchWeight(deps.limiter.options.weight, deps.limiter.windowLabel), retryAfter);
    }
    deps.stats.weightTotal += weight;
    const context: RouteContext = { data: deps.data, nowMs: deps.clock(), weightLimit: weightEntry };
    const answer = route.answer(url.searchParams, context);
    if (answer.status !== 200) return sendError(response, answer);
    if (verdict.fault?.kind === 'malformed') {
      deps.stats.malformedBodies += 1;
      return send(response, 200, damagedBody(answer.body, verdict.fault.shape), JSON_TYPE);
    }
    send(response, 200, JSON.stringify(answer.body), JSON_TYPE);
  };

  const sendInjectedStatus = (response: ServerResponse, fault: Extract<HttpVerdict['fault'], { kind: 'status' }>): void => {
    const { status } = fault;
    const retryAfter: Record<string, string> = fault.retryAfterSec === undefined ? {} : { 'retry-after': String(fault.retryAfterSec) };
    if (status === 429 || status === 418) {
      if (status === 429) deps.stats.rateLimited429 += 1;
      else deps.stats.banned418 += 1;
      const error = status === 429 ? binanceErrors.tooMuchWeight(deps.limiter.options.weight, deps.limiter.windowLabel) : binanceErrors.banned(Date.now() + (fault.retryAfterSec ?? 0) * 1000);
      if (fault.body !== undefined) return send(response, status, fault.body, JSON_TYPE, retryAfter);
      return sendError(response, error, retryAfter);
    }
    if (status >= 500) deps.stats.serverErrors += 1;
    const body = fault.body ?? `<html><body><h1>${status} ${STATUS_CODES[status] ?? 'Error'}</h1></body></html>`;
    send(response, status, body, fault.body !== undefined && fault.body.startsWith('{') ? JSON_TYPE : 'text/html', retryAfter);
  };

  return (request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) send(response, 500, JSON.stringify(binanceErrors.internal().body), JSON_TYPE);
      console.error('binance-sim: request failed', error);
    });
  };
}
