/**
 * Creates ccxt exchange objects (the npm package, unmodified) the way Seamless needs them:
 * numbers kept as the exchange's decimal strings, ccxt's own rate limiter on, and the REST
 * and websocket base URLs optionally pointed at a testnet, proxy or local mirror.
 */
import ccxt from 'ccxt';
import { Agent } from 'node:http';
import type { Exchange } from 'ccxt';
import { SeamlessError } from '../seamless/errors.js';

export interface ExchangeEndpoints {
  /** Replaces the scheme, host and port of every REST URL; paths are kept. */
  readonly restUrl?: string;
  /** Replaces the scheme, host and port of every websocket URL; paths are kept. */
  readonly wsUrl?: string;
}

export interface CcxtExchangeOptions extends ExchangeEndpoints {
  /** Market types to load (ccxt `options.fetchMarkets.types`), e.g. `['spot']`. */
  readonly marketTypes?: readonly string[];
  /** Request timeout in ms (ccxt default 10 000). */
  readonly timeoutMs?: number;
  /** Extra ccxt options, merged last. */
  readonly ccxtOptions?: Record<string, unknown>;
}

/**
 * A ccxt pro exchange (REST and `watch*` in one object). `number = String` keeps every price
 * and size as the decimal text the exchange sent, so nothing passes through a float.
 */
export function createCcxtExchange(exchangeId: string, options: CcxtExchangeOptions = {}): Exchange {
  const ExchangeClass = (ccxt.pro as unknown as Record<string, (new (config: object) => Exchange) | undefined>)[exchangeId];
  if (ExchangeClass === undefined || !ccxt.exchanges.includes(exchangeId)) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `unknown exchange "${exchangeId}": ccxt has no such exchange with websocket support; use a ccxt exchange id such as binance or binanceusdm`, { exchange: exchangeId });
  }
  const exchange = new ExchangeClass({
    enableRateLimit: true,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  exchange.number = String as unknown as typeof exchange.number;
  const marketTypes = options.marketTypes ?? defaultMarketTypes(exchangeId, options);
  if (marketTypes !== undefined) {
    const fetchMarkets = (exchange.options['fetchMarkets'] ?? {}) as Record<string, unknown>;
    exchange.options['fetchMarkets'] = { ...fetchMarkets, types: [...marketTypes] };
  }
  // ccxt wants an http agent before it dials a plain ws:// URL (a local mirror or proxy).
  if (options.wsUrl?.startsWith('ws:')) (exchange as unknown as { httpAgent: Agent }).httpAgent = new Agent();
  if (options.ccxtOptions !== undefined) Object.assign(exchange.options, options.ccxtOptions);
  if (options.restUrl !== undefined || options.wsUrl !== undefined) pointAt(exchange, options);
  return exchange;
}

/**
 * ccxt's binance tells spot stream messages from futures ones by the spot host's name
 * (`stream.binance.com`), which a rewritten websocket URL no longer has. With its websocket
 * pointed elsewhere, `binance` therefore loads spot markets only; futures go through
 * binanceusdm / binancecoinm, as on the real exchange's separate hosts.
 */
function defaultMarketTypes(exchangeId: string, options: CcxtExchangeOptions): readonly string[] | undefined {
  return exchangeId === 'binance' && options.wsUrl !== undefined ? ['spot'] : undefined;
}

/** Rewrites the origin of each URL in `exchange.urls.api`; websocket URLs live under its `ws` key. */
function pointAt(exchange: Exchange, endpoints: ExchangeEndpoints): void {
  const rest = endpoints.restUrl === undefined ? undefined : checkedBase('--exchange-url', endpoints.restUrl, ['http:', 'https:']);
  const ws = endpoints.wsUrl === undefined ? undefined : checkedBase('--exchange-ws-url', endpoints.wsUrl, ['ws:', 'wss:']);
  const urls = exchange.urls as { api?: unknown; test?: unknown };
  urls.api = rewrite(urls.api, rest, ws, false);
}

function rewrite(node: unknown, rest: URL | undefined, ws: URL | undefined, underWs: boolean): unknown {
  if (typeof node === 'string') {
    const isWs = underWs || node.startsWith('ws');
    const base = isWs ? ws : rest;
    return base === undefined ? node : rebase(node, base);
  }
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = rewrite(value, rest, ws, underWs || key === 'ws');
    return out;
  }
  return node;
}

function rebase(url: string, base: URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.protocol}//${base.host}${prefix}${parsed.pathname}${parsed.search}`;
}

function checkedBase(flag: string, text: string, protocols: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `${flag} "${text}" is not a URL; give a base such as ${protocols[0]}//127.0.0.1:8080`, { flag, value: text });
  }
  if (!protocols.includes(url.protocol)) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `${flag} "${text}" must start with ${protocols.join(' or ')}`, { flag, value: text });
  }
  if (url.username !== '' || url.password !== '') {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `${flag} must not carry credentials; pass API keys through the environment`, { flag });
  }
  return url;
}
