/**
 * Query-string parsing with Binance's validation errors: a missing mandatory parameter is
 * -1102, a non-integer is -1100, an out-of-range limit is -1130, an unlisted symbol -1121.
 * Each reader returns the value or the error answer, never throws.
 */
import { binanceErrors, type BinanceErrorAnswer } from './binance-errors.js';
import type { MarketData } from './market-data.js';
import type { SymbolSpec } from './symbols.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: BinanceErrorAnswer };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: BinanceErrorAnswer): Parsed<T> => ({ ok: false, error });

export function symbolParam(params: URLSearchParams, data: MarketData): Parsed<SymbolSpec> {
  const symbol = params.get('symbol');
  if (symbol === null || symbol === '') return fail(binanceErrors.mandatoryParam('symbol'));
  const spec = data.spec(symbol);
  return spec === undefined ? fail(binanceErrors.invalidSymbol()) : ok(spec);
}

/** `symbol=`, `symbols=["A","B"]`, or neither (every listed symbol). */
export function symbolsParam(params: URLSearchParams, data: MarketData): Parsed<readonly SymbolSpec[]> {
  if (params.has('symbol')) {
    const one = symbolParam(params, data);
    return one.ok ? ok([one.value]) : one;
  }
  const list = params.get('symbols');
  if (list === null) return ok(data.symbols);
  let names: unknown;
  try {
    names = JSON.parse(list);
  } catch {
    return fail(binanceErrors.invalidParam('symbols'));
  }
  if (!Array.isArray(names)) return fail(binanceErrors.invalidParam('symbols'));
  const specs: SymbolSpec[] = [];
  for (const name of names) {
    const spec = typeof name === 'string' ? data.spec(name) : undefined;
    if (spec === undefined) return fail(binanceErrors.invalidSymbol());
    specs.push(spec);
  }
  return ok(specs);
}

export function intParam(params: URLSearchParams, name: string): Parsed<number | undefined> {
  const text = params.get(name);
  if (text === null || text === '') return ok(undefined);
  if (!/^\d{1,20}$/.test(text)) return fail(binanceErrors.illegalChars(name));
  return ok(Number(text));
}

export function limitParam(params: URLSearchParams, defaultLimit: number, maxLimit: number): Parsed<number> {
  const limit = intParam(params, 'limit');
  if (!limit.ok) return limit;
  const value = limit.value ?? defaultLimit;
  return value < 1 || value > maxLimit ? fail(binanceErrors.invalidParam('limit')) : ok(value);
}
