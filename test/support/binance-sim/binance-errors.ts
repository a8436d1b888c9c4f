/**
 * The Binance error answers the simulator gives, in one place: HTTP status plus Binance's
 * body `{"code": -1121, "msg": "Invalid symbol."}`. Codes and texts are Binance's own, so
 * ccxt maps them to the same error classes it would for the real exchange.
 */

export interface BinanceErrorAnswer {
  readonly status: 400 | 418 | 429 | 500;
  readonly body: { readonly code: number; readonly msg: string };
}

function error(status: BinanceErrorAnswer['status'], code: number, msg: string): BinanceErrorAnswer {
  return { status, body: { code, msg } };
}

export const binanceErrors = {
  invalidSymbol: () => error(400, -1121, 'Invalid symbol.'),
  invalidInterval: () => error(400, -1120, 'Invalid interval.'),
  mandatoryParam: (name: string) => error(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  illegalChars: (name: string) => error(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`),
  invalidParam: (name: string) => error(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  spanTooLong: () => error(400, -1127, 'More than 1 hours between startTime and endTime.'),
  tooMuchWeight: (limit: number, per: string) =>
    error(429, -1003, `Too much request weight used; current limit is ${limit} request weight per ${per}. Please use WebSocket Streams for live updates to avoid polling the API.`),
  banned: (untilMs: number) => error(418, -1003, `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`),
  internal: () => error(500, -1001, 'Internal error; unable to process your request. Please try again.'),
} as const;
