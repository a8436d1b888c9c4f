/**
 * Symbology: node ids and ccxt symbols ⇄ NautilusTrader instrument ids and bar types.
 *
 * | ccxt (exchange binance)                | Nautilus                                    |
 * |----------------------------------------|---------------------------------------------|
 * | `BTC/USDT` (spot)                      | `BTCUSDT.BINANCE`                           |
 * | `BTC/USDT:USDT` (linear perp)          | `BTCUSDT-PERP.BINANCE`                      |
 * | `BTC/USD:BTC` (inverse perp)           | `BTCUSD-PERP.BINANCE`                       |
 * | `BTC/USDT:USDT-251226` (dated future)  | `BTCUSDT-251226.BINANCE`                    |
 * | `ohlcv:binance:BTC/USDT:1m`            | `BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL`    |
 *
 * The venue is the exchange id uppercased, except for built-in aliases (binanceusdm and
 * binancecoinm are BINANCE) and config overrides. An explicit symbol table entry wins
 * over the rules in both directions.
 *
 * The rules only cover derivatives whose Nautilus symbol maps back unambiguously: linear
 * ones settled in a stablecoin quote (USDT, USDC, FDUSD, BUSD) and inverse ones quoted in
 * USD and settled in the base. Anything else (options, `ETH/BTC:BTC`, `BTC/USD:USD`) needs
 * a table entry, because linear and inverse contracts would otherwise share one id.
 * Mapping back splits `BTCUSDT` at the longest known quote asset suffix, so a base that
 * ends in the start of a quote (`ETHB` + `USD` reads as `ETH` + `BUSD`) needs a table entry.
 */
import { ModelError } from '../model/errors.js';
import { formatBarType, formatInstrumentId, type InstrumentIdParts, parseBarType, parseInstrumentId, parseVenue } from '../model/identifiers.js';
import { SeamlessError } from './errors.js';
import { type CcxtSymbol, EXCHANGE_ID, formatNodeId, parseCcxtSymbol, parseNodeId } from './node-id.js';
import type { Series } from './series.js';
import { parseTimeframe, timeframeFromSpec } from './timeframes.js';

export interface VenueConfig {
  /** Nautilus venue of this exchange; default: the built-in alias or the id uppercased. */
  readonly venue?: string;
  /** ccxt unified symbol → Nautilus symbol (without venue); wins over the rules both ways. */
  readonly symbols?: Readonly<Record<string, string>>;
}

export interface SymbologyConfig {
  /** Per ccxt exchange id. */
  readonly venues?: Readonly<Record<string, VenueConfig>>;
  /**
   * Nautilus venue → ccxt exchange id, for mapping instrument ids and bar types back.
   * Default: the one exchange configured with that venue, else the venue lowercased.
   */
  readonly exchanges?: Readonly<Record<string, string>>;
}

/** Quote assets recognised when splitting a Nautilus symbol such as `BTCUSDT`. */
export const KNOWN_QUOTES: readonly string[] = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'DAI', 'USD', 'EUR', 'GBP', 'TRY', 'BRL', 'JPY', 'AUD', 'BTC', 'ETH', 'BNB'];
/** Derivative quotes that are linear (settled in the quote). */
export const LINEAR_QUOTES: readonly string[] = ['USDT', 'USDC', 'FDUSD', 'BUSD'];
/** Derivative quotes that are inverse (settled in the base). */
export const INVERSE_QUOTES: readonly string[] = ['USD'];

const VENUE_ALIASES: Readonly<Record<string, string>> = {
  binance: 'BINANCE',
  binanceusdm: 'BINANCE',
  binancecoinm: 'BINANCE',
  bybit: 'BYBIT',
  okx: 'OKX',
};

const QUOTES_BY_LENGTH = [...KNOWN_QUOTES].sort((a, b) => b.length - a.length);
const NAUTILUS_SYMBOL = /^([A-Za-z0-9]+)(?:-(PERP|\d{6}))?$/;

type Rule = { readonly symbol: string } | { readonly problem: string; readonly example: string };

function tableExample(exchange: string, ccxt: string, nautilus: string): string {
  return `e.g. new Symbology({ venues: { ${exchange}: { symbols: { ${JSON.stringify(ccxt)}: ${JSON.stringify(nautilus)} } } } })`;
}

function bad(message: string, details: Record<string, unknown>, cause?: unknown): SeamlessError {
  return new SeamlessError('SEAMLESS_BAD_NODE_ID', message, details, cause);
}

/** Runs a model parser and turns its ModelError into SEAMLESS_BAD_NODE_ID. */
function model<T>(parse: () => T, details: Record<string, unknown>): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ModelError) throw bad(error.message, details, error);
    throw error;
  }
}

/** The Nautilus symbol of a ccxt symbol by the naming rules, or why there is none. */
function ruleNautilusSymbol(s: CcxtSymbol): Rule {
  const core = `${s.base}${s.quote}`;
  if (s.type === 'spot') return { symbol: core };
  if (s.type === 'option') {
    return { problem: 'is an option, which has no naming rule', example: `${s.base}-${s.expiry}-${s.strike}-${s.right}` };
  }
  const suffix = s.type === 'swap' ? 'PERP' : (s.expiry ?? '');
  const linear = s.settle === s.quote && LINEAR_QUOTES.includes(s.quote);
  const inverse = s.settle === s.base && INVERSE_QUOTES.includes(s.quote);
  if (linear || inverse) return { symbol: `${core}-${suffix}` };
  return {
    problem:
      `has no naming rule (rules cover derivatives settled in their quote ${LINEAR_QUOTES.join(', ')} ` +
      `and inverse ones quoted in ${INVERSE_QUOTES.join(', ')} settled in their base)`,
    example: `${core}-${suffix}`,
  };
}

/** The ccxt symbol of a Nautilus symbol by the naming rules, or why there is none. */
function ruleCcxtSymbol(nautilus: string): Rule {
  const match = NAUTILUS_SYMBOL.exec(nautilus);
  if (match === null) {
    return { problem: 'has no naming rule: expected BASEQUOTE, BASEQUOTE-PERP or BASEQUOTE-YYMMDD in letters and digits', example: 'BASE/QUOTE' };
  }
  const [, core = '', suffix] = match;
  const quote = QUOTES_BY_LENGTH.find((q) => core.endsWith(q) && core.length > q.length);
  if (quote === undefined) {
    return { problem: `does not end in a known quote asset (${KNOWN_QUOTES.join(', ')})`, example: 'BASE/QUOTE' };
  }
  const base = core.slice(0, -quote.length);
  if (suffix === undefined) return { symbol: `${base}/${quote}` };
  const expiry = suffix === 'PERP' ? '' : `-${suffix}`;
  if (LINEAR_QUOTES.includes(quote)) return { symbol: `${base}/${quote}:${quote}${expiry}` };
  if (INVERSE_QUOTES.includes(quote)) return { symbol: `${base}/${quote}:${base}${expiry}` };
  return {
    problem: `is ambiguous: a ${quote}-quoted derivative may be linear (${base}/${quote}:${quote}${expiry}) or inverse (${base}/${quote}:${base}${expiry})`,
    example: `${base}/${quote}:${quote}${expiry}`,
  };
}

function configError(where: string, problem: string, cause?: unknown): SeamlessError {
  const example = 'e.g. { venues: { binanceusdm: { venue: "BINANCE", symbols: { "BTC/USDT:USDT": "BTCUSDT-PERP" } } }, exchanges: { BINANCE: "binanceusdm" } }';
  return new SeamlessError('SEAMLESS_BAD_CONFIG', `symbology config ${where}: ${problem}; ${example}`, { where }, cause);
}

/** Maps node ids and ccxt symbols to NautilusTrader identifiers and back. */
/** Node ids whose series a Symbology remembers. */
const SERIES_MEMO_SIZE = 4096;

export class Symbology {
  /** exchange → configured venue. */
  readonly #venues = new Map<string, string>();
  /** exchange → ccxt symbol → Nautilus symbol. */
  readonly #forward = new Map<string, Map<string, string>>();
  /** exchange → Nautilus symbol → ccxt symbol. */
  readonly #reverse = new Map<string, Map<string, string>>();
  /** venue → exchange, explicit or implied by a single configured venue. */
  readonly #exchanges = new Map<string, string>();
  /**
   * node id → its series, as `series` resolved it (the tables never change after the
   * constructor). Why: a request runs this parsing once, and a provider decoding large
   * answers runs enough mark-compacts between requests that V8 flushes the bytecode of code
   * run once per request; recompiling it cost ~1.5 ms a request (see BENCHMARKS.md).
   */
  readonly #series = new Map<string, Series>();

  /** Throws SEAMLESS_BAD_CONFIG naming the wrong entry. */
  constructor(config: SymbologyConfig = {}) {
    const byVenue = new Map<string, string[]>();
    for (const [exchange, entry] of Object.entries(config.venues ?? {})) {
      const where = `venues.${exchange}`;
      if (!EXCHANGE_ID.test(exchange)) throw configError(where, `key must be a ccxt exchange id in lowercase letters and digits, was ${JSON.stringify(exchange)}`);
      if (entry.venue !== undefined) {
        this.#venues.set(exchange, checkVenue(`${where}.venue`, entry.venue));
        byVenue.set(entry.venue, [...(byVenue.get(entry.venue) ?? []), exchange]);
      }
      const forward = new Map<string, string>();
      const reverse = new Map<string, string>();
      for (const [ccxt, nautilus] of Object.entries(entry.symbols ?? {})) {
        const at = `${where}.symbols[${JSON.stringify(ccxt)}]`;
        try {
          parseCcxtSymbol(ccxt);
          parseInstrumentId(`${nautilus}.${this.venueFor(exchange)}`);
        } catch (error) {
          if (error instanceof SeamlessError || error instanceof ModelError) throw configError(at, error.message, error);
          throw error;
        }
        const other = reverse.get(nautilus);
        if (other !== undefined) throw configError(at, `Nautilus symbol is already mapped from ${JSON.stringify(other)}, was ${JSON.stringify(nautilus)}`);
        forward.set(ccxt, nautilus);
        reverse.set(nautilus, ccxt);
      }
      this.#forward.set(exchange, forward);
      this.#reverse.set(exchange, reverse);
    }
    for (const [venue, exchanges] of byVenue) {
      if (exchanges.length === 1 && exchanges[0] !== undefined) this.#exchanges.set(venue, exchanges[0]);
    }
    for (const [venue, exchange] of Object.entries(config.exchanges ?? {})) {
      const where = `exchanges.${venue}`;
      checkVenue(where, venue);
      if (!EXCHANGE_ID.test(exchange)) throw configError(where, `must be a ccxt exchange id in lowercase letters and digits, was ${JSON.stringify(exchange)}`);
      this.#exchanges.set(venue, exchange);
    }
  }

  /** Returns the Nautilus venue of a ccxt exchange id, e.g. `binanceusdm` → `BINANCE`. */
  venueFor(exchange: string): string {
    checkExchange(exchange);
    // hasOwn: ids such as `constructor` are valid ccxt-shaped ids but Object.prototype keys.
    const alias = Object.hasOwn(VENUE_ALIASES, exchange) ? VENUE_ALIASES[exchange] : undefined;
    return this.#venues.get(exchange) ?? alias ?? exchange.toUpperCase();
  }

  /**
   * Returns the ccxt exchange id of a Nautilus venue: the configured one, else the venue
   * lowercased. Throws SEAMLESS_BAD_NODE_ID when that is not a ccxt exchange id.
   */
  exchangeFor(venue: string): string {
    const exchange = this.#exchanges.get(venue) ?? venue.toLowerCase();
    if (!EXCHANGE_ID.test(exchange)) {
      throw bad(
        `venue ${JSON.stringify(venue)} has no default ccxt exchange id (${JSON.stringify(exchange)} is not lowercase letters and digits), was ${JSON.stringify(venue)}: ` +
          `pass the exchange or configure it, e.g. new Symbology({ exchanges: { ${JSON.stringify(venue)}: "binanceusdm" } })`,
        { venue },
      );
    }
    return exchange;
  }

  /** Returns the Nautilus symbol of a ccxt symbol, e.g. `BTC/USDT:USDT` → `BTCUSDT-PERP`. */
  nautilusSymbol(exchange: string, symbol: string): string {
    checkExchange(exchange);
    const listed = this.#forward.get(exchange)?.get(symbol);
    if (listed !== undefined) return listed;
    const rule = ruleNautilusSymbol(parseCcxtSymbol(symbol));
    if ('symbol' in rule) return rule.symbol;
    throw bad(
      `ccxt symbol ${JSON.stringify(symbol)} on exchange ${exchange} ${rule.problem}, was ${JSON.stringify(symbol)}: ` +
        `add it to the exchange's symbol table, ${tableExample(exchange, symbol, rule.example)}`,
      { exchange, symbol },
    );
  }

  /** Returns the ccxt symbol of a Nautilus symbol, e.g. `BTCUSD-PERP` → `BTC/USD:BTC`. */
  ccxtSymbol(exchange: string, nautilus: string): string {
    checkExchange(exchange);
    const listed = this.#reverse.get(exchange)?.get(nautilus);
    if (listed !== undefined) return listed;
    const rule = ruleCcxtSymbol(nautilus);
    if (!('symbol' in rule)) {
      throw bad(
        `Nautilus symbol ${JSON.stringify(nautilus)} on exchange ${exchange} ${rule.problem}, was ${JSON.stringify(nautilus)}: ` +
          `add it to the exchange's symbol table, ${tableExample(exchange, rule.example, nautilus)}`,
        { exchange, symbol: nautilus },
      );
    }
    // The table sends the rule's ccxt symbol elsewhere, so the rule's answer would not map back.
    const elsewhere = this.#forward.get(exchange)?.get(rule.symbol);
    if (elsewhere !== undefined) {
      throw bad(
        `Nautilus symbol ${JSON.stringify(nautilus)} on exchange ${exchange} reads as ccxt ${JSON.stringify(rule.symbol)}, but the symbol table maps that to ` +
          `${JSON.stringify(elsewhere)}, was ${JSON.stringify(nautilus)}: add it to the exchange's symbol table, ${tableExample(exchange, 'BASE/QUOTE', nautilus)}`,
        { exchange, symbol: nautilus },
      );
    }
    return rule.symbol;
  }

  /** Returns the Nautilus instrument id of a ccxt symbol, e.g. `BTCUSDT-PERP.BINANCE`. */
  instrumentId(exchange: string, symbol: string): string {
    const nautilus = this.nautilusSymbol(exchange, symbol);
    return model(() => formatInstrumentId(nautilus, this.venueFor(exchange)), { exchange, symbol });
  }

  /**
   * Returns the series a node id names: catalog data type, instrument id, and for ohlcv
   * the bar type and step. Throws SEAMLESS_BAD_NODE_ID.
   */
  series(nodeId: string): Series {
    let series = this.#series.get(nodeId);
    if (series === undefined) {
      series = this.#resolve(nodeId);
      // Bounded: arbitrary ids must not grow it without end.
      if (this.#series.size >= SERIES_MEMO_SIZE) this.#series.clear();
      this.#series.set(nodeId, series);
    }
    return series;
  }

  #resolve(nodeId: string): Series {
    const parts = parseNodeId(nodeId);
    const { kind, exchange, symbol } = parts;
    const instrumentId = this.instrumentId(exchange, symbol);
    const common = { nodeId: formatNodeId(parts), kind, exchange, symbol };
    if (kind !== 'ohlcv') {
      return Object.freeze({ ...common, dataType: kind === 'tick' ? 'trade_tick' : 'quote_tick', instrumentId, identifier: instrumentId });
    }
    const timeframe = parseTimeframe(parts.timeframe ?? '');
    const identifier = model(
      () => formatBarType({ instrumentId, spec: { step: timeframe.step, aggregation: timeframe.aggregation, priceType: 'LAST' }, aggregationSource: 'EXTERNAL' }),
      { nodeId },
    );
    return Object.freeze({ ...common, timeframe: timeframe.text, stepNs: timeframe.ns, dataType: 'bar', instrumentId, identifier });
  }

  /**
   * Returns the tick or quote node id of a Nautilus instrument id, e.g.
   * `('tick', 'BTCUSDT.BINANCE')` → `tick:binance:BTC/USDT`. `exchange` defaults to the
   * venue's exchange (see `exchangeFor`) and must map to the instrument's venue.
   */
  nodeIdForInstrument(kind: 'tick' | 'quote', instrumentId: string, exchange?: string): string {
    if (kind !== 'tick' && kind !== 'quote') {
      throw bad(
        `nodeIdForInstrument kind must be tick or quote (ohlcv ids come from bar types: use nodeIdForBarType), was ${JSON.stringify(kind)}: ` +
          `e.g. nodeIdForInstrument('tick', 'BTCUSDT.BINANCE') → tick:binance:BTC/USDT`,
        { kind },
      );
    }
    const id = model(() => parseInstrumentId(instrumentId), { instrumentId });
    const resolved = this.#exchangeOf(id, exchange);
    return formatNodeId({ kind, exchange: resolved, symbol: this.ccxtSymbol(resolved, id.symbol) });
  }

  /**
   * Returns the ohlcv node id of a Nautilus bar type, e.g.
   * `BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL` → `ohlcv:binance:BTC/USDT:1m`.
   * Only standard LAST-EXTERNAL bars of SECOND to WEEK steps have one.
   */
  nodeIdForBarType(barType: string, exchange?: string): string {
    const parts = model(() => parseBarType(barType), { barType });
    const example = 'e.g. BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL → ohlcv:binance:BTC/USDT:1m';
    const { spec, aggregationSource, composite } = parts;
    if (composite !== undefined || spec.priceType !== 'LAST' || aggregationSource !== 'EXTERNAL') {
      const was = composite !== undefined ? 'a composite bar type' : `${spec.priceType}-${aggregationSource}`;
      throw bad(
        `bar type ${JSON.stringify(barType)} has no ohlcv node id: only standard LAST-EXTERNAL time bars map to one, was ${was}; ${example}`,
        { barType },
      );
    }
    let timeframe: string;
    try {
      timeframe = timeframeFromSpec(spec.step, spec.aggregation);
    } catch (error) {
      if (!(error instanceof SeamlessError)) throw error;
      throw bad(`bar type ${JSON.stringify(barType)} has no ohlcv node id: ${error.message}; ${example}`, { barType }, error);
    }
    const resolved = this.#exchangeOf(parts.instrumentId, exchange);
    return formatNodeId({ kind: 'ohlcv', exchange: resolved, symbol: this.ccxtSymbol(resolved, parts.instrumentId.symbol), timeframe });
  }

  /** The exchange for an instrument, checked to map back to the instrument's venue. */
  #exchangeOf(id: InstrumentIdParts, exchange: string | undefined): string {
    const resolved = exchange ?? this.exchangeFor(id.venue);
    const venue = this.venueFor(resolved);
    if (venue !== id.venue) {
      const fallback = id.venue.toLowerCase();
      const suggestion = EXCHANGE_ID.test(fallback) && this.venueFor(fallback) === id.venue
        ? `e.g. ${JSON.stringify(fallback)}`
        : `or configure one, e.g. new Symbology({ venues: { myexchange: { venue: ${JSON.stringify(id.venue)} } } })`;
      throw bad(
        `instrument id ${JSON.stringify(id.value)} is on venue ${id.venue}, but exchange ${JSON.stringify(resolved)} maps to venue ${venue}, ` +
          `was exchange ${JSON.stringify(resolved)}: pass an exchange whose venue is ${id.venue}, ${suggestion}`,
        { instrumentId: id.value, exchange: resolved },
      );
    }
    return resolved;
  }
}

function checkExchange(exchange: string): void {
  if (!EXCHANGE_ID.test(exchange)) {
    throw bad(`exchange must be a ccxt exchange id in lowercase letters and digits, was ${JSON.stringify(exchange)}: e.g. binance`, { exchange });
  }
}

function checkVenue(where: string, venue: string): string {
  try {
    return parseVenue(venue);
  } catch (error) {
    if (error instanceof ModelError) throw configError(where, error.message, error);
    throw error;
  }
}
