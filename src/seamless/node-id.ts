/**
 * Node ids: the names users give series, and the ccxt unified symbols inside them.
 *
 * | kind  | form                                    | example                      |
 * |-------|-----------------------------------------|------------------------------|
 * | ohlcv | `ohlcv:{exchange}:{symbol}:{timeframe}` | `ohlcv:binance:BTC/USDT:1m`  |
 * | tick  | `tick:{exchange}:{symbol}` (trades)     | `tick:binance:BTC/USDT`      |
 * | quote | `quote:{exchange}:{symbol}` (bid/ask)   | `quote:binance:BTC/USDT:USDT`|
 *
 * The exchange is a ccxt exchange id. Derivative symbols contain `:` (`BTC/USDT:USDT`), so
 * the kind and exchange are the first two parts, an ohlcv timeframe is the LAST part and
 * the symbol is everything between. Parsing is strict (no case folding, no trimming), so
 * an accepted text is already canonical: `formatNodeId(parseNodeId(t)) === t`.
 */
import { SeamlessError } from './errors.js';
import type { SeriesKind } from './series.js';
import { parseTimeframe } from './timeframes.js';

export type NodeKind = SeriesKind;

export interface NodeIdParts {
  readonly kind: NodeKind;
  /** ccxt exchange id, e.g. `binance`. */
  readonly exchange: string;
  /** ccxt unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** ccxt timeframe; present exactly for ohlcv. */
  readonly timeframe?: string;
}

export type NodeIdResult = { ok: true; value: NodeIdParts } | { ok: false; error: SeamlessError };

export const NODE_KINDS: readonly NodeKind[] = ['ohlcv', 'tick', 'quote'];

/** A ccxt exchange id: lowercase letters and digits, e.g. `binanceusdm`. */
export const EXCHANGE_ID = /^[a-z0-9]+$/;

const TEMPLATES: Readonly<Record<NodeKind, string>> = {
  ohlcv: 'ohlcv:{exchange}:{symbol}:{timeframe}',
  tick: 'tick:{exchange}:{symbol}',
  quote: 'quote:{exchange}:{symbol}',
};
const EXAMPLES: Readonly<Record<NodeKind, string>> = {
  ohlcv: 'ohlcv:binance:BTC/USDT:1m',
  tick: 'tick:binance:BTC/USDT',
  quote: 'quote:binance:BTC/USDT:USDT',
};
const ANY_EXAMPLE = `expected {kind}:{exchange}:{symbol}[:{timeframe}], e.g. ${EXAMPLES.ohlcv}, ${EXAMPLES.tick} or ${EXAMPLES.quote}`;
const SYMBOL_EXAMPLE = '(e.g. BTC/USDT, BTC/USDT:USDT, BTC/USD:BTC or BTC/USDT:USDT-251226)';
const UNSAFE = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** A ccxt unified symbol split into its parts. */
export interface CcxtSymbol {
  readonly text: string;
  readonly type: 'spot' | 'swap' | 'future' | 'option';
  readonly base: string;
  readonly quote: string;
  /** Settlement currency, derivatives only. */
  readonly settle?: string;
  /** `YYMMDD`, futures and options only. */
  readonly expiry?: string;
  /** Options only. */
  readonly strike?: string;
  readonly right?: 'C' | 'P';
}

function badSymbol(symbol: string, reason: string): SeamlessError {
  return new SeamlessError('SEAMLESS_BAD_NODE_ID', `ccxt symbol ${reason} ${SYMBOL_EXAMPLE}, was ${JSON.stringify(symbol)}`, { symbol });
}

function isExpiry(text: string | undefined): text is string {
  const m = text === undefined ? null : /^\d\d(\d\d)(\d\d)$/.exec(text);
  return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= 31;
}

/**
 * Returns the parts of a ccxt unified symbol: `BASE/QUOTE` (spot), `BASE/QUOTE:SETTLE`
 * (perpetual swap), `BASE/QUOTE:SETTLE-YYMMDD` (future) or
 * `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P` (option).
 *
 * Throws SEAMLESS_BAD_NODE_ID naming the wrong part.
 */
export function parseCcxtSymbol(symbol: string): CcxtSymbol {
  if (symbol === '') throw badSymbol(symbol, 'must not be empty');
  if (UNSAFE.test(symbol)) throw badSymbol(symbol, 'must not contain whitespace or control characters');
  const colon = symbol.indexOf(':');
  const market = colon < 0 ? symbol : symbol.slice(0, colon);
  const pair = market.split('/');
  const [base, quote] = pair;
  if (pair.length !== 2 || !base || !quote) {
    throw badSymbol(symbol, 'needs exactly one "/" between a non-empty base and quote');
  }
  if (colon < 0) return { text: symbol, type: 'spot', base, quote };

  const suffix = symbol.slice(colon + 1);
  if (suffix.includes(':')) throw badSymbol(symbol, 'must have at most one ":" (before the settle currency)');
  const pieces = suffix.split('-');
  const [settle, expiry, strike, right] = pieces;
  if (!settle) throw badSymbol(symbol, 'needs a settle currency after ":"');
  if (pieces.length === 1) return { text: symbol, type: 'swap', base, quote, settle };
  if (!isExpiry(expiry)) throw badSymbol(symbol, `needs an expiry date YYMMDD after "${settle}-" (expiry was ${JSON.stringify(expiry ?? '')})`);
  if (pieces.length === 2) return { text: symbol, type: 'future', base, quote, settle, expiry };
  if (pieces.length === 4 && strike !== undefined && /^\d+(\.\d+)?$/.test(strike) && (right === 'C' || right === 'P')) {
    return { text: symbol, type: 'option', base, quote, settle, expiry, strike, right };
  }
  throw badSymbol(symbol, 'after ":" must be SETTLE, SETTLE-YYMMDD or SETTLE-YYMMDD-STRIKE-C|P');
}

function isKind(text: string): text is NodeKind {
  return (NODE_KINDS as readonly string[]).includes(text);
}

function isTimeframe(text: string): boolean {
  try {
    parseTimeframe(text);
    return true;
  } catch {
    return false;
  }
}

function isSymbol(text: string): boolean {
  try {
    parseCcxtSymbol(text);
    return true;
  } catch {
    return false;
  }
}

/** Names the wrong part of node id `text`; `part` goes into `details` for callers. */
function bad(text: string, kind: NodeKind | undefined, part: string, problem: string, cause?: unknown): SeamlessError {
  const hint = kind === undefined ? ANY_EXAMPLE : `expected ${TEMPLATES[kind]}, e.g. ${EXAMPLES[kind]}`;
  // A problem that explains itself after ': ' is closed with ';' so the hint reads apart.
  const joiner = problem.includes(': ') ? '; ' : ': ';
  return new SeamlessError('SEAMLESS_BAD_NODE_ID', `node id ${JSON.stringify(text)} ${problem}${joiner}${hint}`, { nodeId: text, part }, cause);
}

function checkExchange(text: string, kind: NodeKind, exchange: string): void {
  if (exchange === '') throw bad(text, kind, 'exchange', 'has an empty exchange');
  if (EXCHANGE_ID.test(exchange.toLowerCase()) && exchange !== exchange.toLowerCase()) {
    throw bad(text, kind, 'exchange', `has an exchange in uppercase, was ${JSON.stringify(exchange)}: use the ccxt exchange id in lowercase, ${JSON.stringify(exchange.toLowerCase())}`);
  }
  if (!EXCHANGE_ID.test(exchange)) {
    throw bad(text, kind, 'exchange', `has a bad exchange, was ${JSON.stringify(exchange)}: it must be a ccxt exchange id (lowercase letters and digits)`);
  }
}

function checkSymbol(text: string, kind: NodeKind, symbol: string): void {
  if (symbol === '') throw bad(text, kind, 'symbol', 'has an empty symbol');
  try {
    parseCcxtSymbol(symbol);
  } catch (error) {
    if (!(error instanceof SeamlessError)) throw error;
    throw bad(text, kind, 'symbol', `has a bad symbol: ${error.message}`, error);
  }
}

/**
 * Returns the kind, exchange, symbol and (ohlcv only) timeframe of a node id.
 *
 * Throws SEAMLESS_BAD_NODE_ID whose message names the wrong or missing part (kind,
 * exchange, symbol, timeframe) and shows a valid node id of that kind.
 */
export function parseNodeId(text: string): NodeIdParts {
  if (typeof text !== 'string') {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `node id must be a string, was ${typeof text}; ${ANY_EXAMPLE}`, { part: 'node id' });
  }
  if (text === '') throw bad(text, undefined, 'node id', 'is empty');
  if (UNSAFE.test(text)) throw bad(text, undefined, 'node id', 'must not contain whitespace or control characters');
  const parts = text.split(':');
  const [kindText = '', exchange = ''] = parts;
  if (kindText === '') throw bad(text, undefined, 'kind', `is missing its kind (one of ${NODE_KINDS.join(', ')})`);
  if (!isKind(kindText)) {
    throw bad(text, undefined, 'kind', `has an unknown kind, was ${JSON.stringify(kindText)}: the kind must be one of ${NODE_KINDS.join(', ')}`);
  }
  const kind = kindText;
  const wanted = kind === 'ohlcv' ? ['exchange', 'symbol', 'timeframe'] : ['exchange', 'symbol'];
  const missing = (...names: string[]): SeamlessError => {
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
    return bad(text, kind, 'missing', `is missing its ${list}`);
  };
  if (parts.length < 2) throw missing(...wanted);
  checkExchange(text, kind, exchange);
  if (parts.length < 3 || (parts.length === 3 && parts[2] === '')) throw missing(...wanted.slice(1));

  if (kind !== 'ohlcv') {
    const symbol = parts.slice(2).join(':');
    checkSymbol(text, kind, symbol);
    return { kind, exchange, symbol };
  }
  if (parts.length === 3) {
    // One part after the exchange: say which of symbol and timeframe is missing.
    const only = parts[2] ?? '';
    throw missing(isTimeframe(only) && !only.includes('/') ? 'symbol' : 'timeframe');
  }
  const timeframe = parts.at(-1) ?? '';
  const symbol = parts.slice(2, -1).join(':');
  checkSymbol(text, kind, symbol);
  if (timeframe === '') throw bad(text, kind, 'timeframe', 'has an empty timeframe');
  try {
    parseTimeframe(timeframe);
  } catch (error) {
    if (!(error instanceof SeamlessError)) throw error;
    // `ohlcv:binance:BTC/USDT:USDT` is a perp symbol with the timeframe left off; a last
    // part starting with a digit (`1M`, `1x`) was meant as a timeframe.
    if (!/^\d/.test(timeframe) && isSymbol(`${symbol}:${timeframe}`)) {
      throw bad(text, kind, 'missing', `is missing its timeframe (${JSON.stringify(timeframe)} is part of the symbol, not a timeframe)`, error);
    }
    throw bad(text, kind, 'timeframe', `has a bad timeframe: ${error.message}`, error);
  }
  return { kind, exchange, symbol, timeframe };
}

/** Returns the outcome of `parseNodeId` without throwing. Rethrows anything but SeamlessError. */
export function tryParseNodeId(text: string): NodeIdResult {
  try {
    return { ok: true, value: parseNodeId(text) };
  } catch (error) {
    if (error instanceof SeamlessError) return { ok: false, error };
    throw error;
  }
}

/**
 * Returns the canonical node id text of `parts`.
 *
 * Throws SEAMLESS_BAD_NODE_ID when a part is invalid, an ohlcv id has no timeframe, or a
 * tick or quote id has one.
 */
export function formatNodeId(parts: NodeIdParts): string {
  const { kind, exchange, symbol, timeframe } = parts;
  const shown = JSON.stringify({ kind, exchange, symbol, timeframe });
  if (!isKind(kind)) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `node id kind must be one of ${NODE_KINDS.join(', ')}, was ${JSON.stringify(kind)} in ${shown}; ${ANY_EXAMPLE}`, { part: 'kind' });
  }
  if (kind === 'ohlcv' && timeframe === undefined) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `ohlcv node id is missing its timeframe, was ${shown}: expected ${TEMPLATES.ohlcv}, e.g. ${EXAMPLES.ohlcv}`, { part: 'missing' });
  }
  if (kind !== 'ohlcv' && timeframe !== undefined) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `${kind} node id takes no timeframe, was ${shown}: expected ${TEMPLATES[kind]}, e.g. ${EXAMPLES[kind]}`, { part: 'timeframe' });
  }
  const text = kind === 'ohlcv' ? `${kind}:${exchange}:${symbol}:${timeframe}` : `${kind}:${exchange}:${symbol}`;
  // The exchange and timeframe cannot contain ':', so a successful parse gives back exactly these parts.
  parseNodeId(text);
  return text;
}
