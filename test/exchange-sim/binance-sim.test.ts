/**
 * ccxt (unmodified) against the local Binance simulator: markets, history pages, trades,
 * live streams and injected faults, with every expected value computed independently from
 * a MarketData built with the same options as the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import ccxt from 'ccxt';
import type { Exchange, OHLCV, Trade } from 'ccxt';
import WebSocket from 'ws';
import { createCcxtExchange } from '../../src/exchanges/ccxt-exchange.js';
import { MarketData, startBinanceSim, type BinanceSim, type BinanceSimOptions, type KlineRow, type SimTrade } from '../support/binance-sim/index.js';

const MINUTE = 60_000;
/** A fixed clock for the REST tests: mid-minute, a day and a half after genesis. */
const NOW = Date.UTC(2024, 0, 2, 12, 30, 15, 250);

/** Starts a simulator before the suite's tests and closes it after; `ready` hands it to the suite. */
function useSim(options: BinanceSimOptions, ready: (sim: BinanceSim) => void): void {
  let sim: BinanceSim | undefined;
  before(async () => {
    sim = await startBinanceSim(options);
    ready(sim);
  });
  after(async () => sim?.close());
}

/** `useSim` with a ccxt exchange pointed at the simulator (markets loaded when asked), closed first. */
function useSimExchange(options: BinanceSimOptions, exchangeId: string, ready: (sim: BinanceSim, exchange: Exchange) => void, { loadMarkets = false } = {}): void {
  let sim: BinanceSim | undefined;
  let exchange: Exchange | undefined;
  before(async () => {
    sim = await startBinanceSim(options);
    exchange = createCcxtExchange(exchangeId, { restUrl: sim.restUrl, wsUrl: sim.wsUrl });
    if (loadMarkets) await exchange.loadMarkets();
    ready(sim, exchange);
  });
  after(async () => {
    await exchange?.close();
    await sim?.close();
  });
}

/** ccxt's OHLCV rows are the first six kline fields; with `number = String` the decimals stay text. */
const asOhlcv = (rows: readonly KlineRow[]): unknown[] => rows.map((row) => row.slice(0, 6));

function assertTradesEqual(actual: readonly Trade[], expected: readonly SimTrade[]): void {
  assert.deepEqual(
    actual.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side]),
    expected.map((t) => [String(t.id), t.timeMs, t.price, t.qty, t.isBuyerMaker ? 'sell' : 'buy']),
  );
}

/** Calls one of ccxt's implicit endpoint methods (not on the `Exchange` type), e.g. publicGetKlines. */
function implicit(exchange: Exchange, method: string, params: Record<string, unknown>): Promise<unknown> {
  return (exchange as unknown as Record<string, (p: object) => Promise<unknown>>)[method]!.call(exchange, params);
}

async function rejectsWith(promise: Promise<unknown>, errorClass: abstract new (...args: never[]) => Error): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, was ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${errorClass.name}, the call succeeded`);
}

describe('binance-sim MarketData', () => {
  it('finds the trade at any time without walking, with strictly increasing times', () => {
    const data = new MarketData({ market: 'spot', tradeSpacingMs: 250, seed: 7 });
    const generator = data.generator('BTCUSDT');
    for (let i = 0; i < 2000; i++) {
      const t = Date.UTC(2024, 0, 1) + Math.floor(((i * 7919) % 10_007) * 123.457);
      const id = generator.firstIdAtOrAfter(t);
      assert.ok(generator.timeOf(id) >= t && (id === 1 || generator.timeOf(id - 1) < t), `trade at ${t}`);
      assert.ok(generator.timeOf(id + 1) > generator.timeOf(id));
    }
  });

  it('is a pure function of (options, symbol, id): same seed same trades, other seed other trades', () => {
    const a = new MarketData({ market: 'spot', seed: 3 }).expectedTrades('ETHUSDT', 1_000_000, 1_000_050);
    const b = new MarketData({ market: 'spot', seed: 3 }).expectedTrades('ETHUSDT', 1_000_000, 1_000_050);
    const c = new MarketData({ market: 'spot', seed: 4 }).expectedTrades('ETHUSDT', 1_000_000, 1_000_050);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((t) => t.price), c.map((t) => t.price));
    assert.ok(a.every((t) => /^\d+\.\d{2}0{6}$/.test(t.price) && /^\d+\.\d{4}0{4}$/.test(t.qty)), 'on the tick and step, written with 8 decimals');
  });

  it('has nothing before genesis', () => {
    const data = new MarketData({ market: 'usdm', genesisMs: Date.UTC(2024, 5, 1, 0, 0, 30) });
    assert.equal(data.lastTradeId('BTCUSDT', Date.UTC(2024, 5, 1)), 0);
    const rows = data.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 4, 31, 23, 50), Date.UTC(2024, 5, 1, 0, 1));
    assert.deepEqual(rows.map((r) => r[0]), [Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 1, 0, 1)]);
  });
});

describe('binance-sim spot REST, fixed clock', () => {
  const options = { market: 'spot', clock: () => NOW } as const;
  const expected = new MarketData(options);
  let sim: BinanceSim;
  let exchange: Exchange;

  useSimExchange(options, 'binance', (s, e) => {
    sim = s;
    exchange = e;
  });

  it('loads markets through ccxt binance (spot only: its websocket points at the simulator)', async () => {
    await exchange.loadMarkets();
    assert.deepEqual([...exchange.symbols].sort(), ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const market = exchange.market('BTC/USDT');
    assert.equal(market.id, 'BTCUSDT');
    assert.equal(market.spot, true);
    assert.equal(Number(market.precision.price), 0.01);
    assert.equal(Number(market.precision.amount), 0.00001);
    // createCcxtExchange keeps `binance` to spot when its websocket is rewritten (see there).
    assert.equal(sim.stats.requestsByPath['/fapi/v1/exchangeInfo'], undefined);
    assert.equal(sim.stats.requestsByPath['/dapi/v1/exchangeInfo'], undefined);
  });

  it('answers fetchTime with the simulated clock', async () => {
    assert.equal(await exchange.fetchTime(), NOW);
  });

  it('pages fetchOHLCV exactly as the generator says, decimal strings intact', async () => {
    const since = Date.UTC(2024, 0, 2);
    const first = await exchange.fetchOHLCV('BTC/USDT', '1m', since, 500);
    const second = await exchange.fetchOHLCV('BTC/USDT', '1m', since + 500 * MINUTE, 500);
    const want = expected.expectedKlines('BTCUSDT', '1m', since, since + 999 * MINUTE, NOW);
    assert.deepEqual([...first, ...second], asOhlcv(want));
    const close = first[0]![4] as unknown;
    assert.equal(close, want[0]![4]);
    assert.match(String(close), /^\d+\.\d{8}$/);
  });

  it('ends the newest klines with the still-open bar, holding only trades before now', async () => {
    const rows = await exchange.fetchOHLCV('BTC/USDT', '1m', undefined, 3);
    const openBar = Math.floor(NOW / MINUTE) * MINUTE;
    assert.equal(rows.at(-1)![0], openBar);
    assert.deepEqual(rows, asOhlcv(expected.expectedKlines('BTCUSDT', '1m', openBar - 2 * MINUTE, openBar, NOW)));
    const full = expected.expectedKlines('BTCUSDT', '1m', openBar, openBar)[0]!;
    assert.ok(Number(rows.at(-1)![5]) < Number(full[5]), 'the open bar has less volume than it will have once closed');
  });

  it('serves a day of 1m klines and 1h bars that agree with the 1m bars', async () => {
    // How fast is a benchmark's question, not a test's: a loaded CI machine made a time limit flaky.
    const day = Date.UTC(2024, 0, 1);
    const minutes = expected.expectedKlines('BTCUSDT', '1m', day, day + 1439 * MINUTE);
    assert.equal(minutes.length, 1440);
    const hour = expected.expectedKlines('BTCUSDT', '1h', day, day)[0]!;
    const firstHour = minutes.slice(0, 60);
    assert.equal(hour[1], firstHour[0]![1]);
    assert.equal(hour[4], firstHour[59]![4]);
    assert.equal(Math.max(...firstHour.map((r) => Number(r[2]))), Number(hour[2]));
    assert.equal(hour[8], firstHour.reduce((sum, r) => sum + r[8], 0));
  });

  it('fetchTrades (aggTrades) gives sequential ids equal to the generator', async () => {
    const trades = await exchange.fetchTrades('BTC/USDT', undefined, 100);
    const newest = expected.lastTradeId('BTCUSDT', NOW);
    assertTradesEqual(trades, expected.expectedTrades('BTCUSDT', newest - 99, newest));
    assert.ok(trades.every((t) => t.timestamp! < NOW));
  });

  it('fetchTrades since a time and from an id agree with each other', async () => {
    const since = NOW - 30 * MINUTE;
    const bySince = await exchange.fetchTrades('BTC/USDT', since, 50);
    const firstId = Number(bySince[0]!.id);
    assert.ok(bySince[0]!.timestamp! >= since && expected.rawTrade('BTCUSDT', firstId - 1).timeMs < since);
    const byId = await exchange.fetchTrades('BTC/USDT', undefined, 50, { fromId: firstId });
    assertTradesEqual(bySince, expected.expectedTrades('BTCUSDT', firstId, firstId + 49));
    assert.deepEqual(byId, bySince);
    const recent = await exchange.fetchTrades('BTC/USDT', undefined, 5, { fetchTradesMethod: 'publicGetTrades' });
    assertTradesEqual(recent, expected.expectedTrades('BTCUSDT', expected.lastTradeId('BTCUSDT', NOW) - 4, expected.lastTradeId('BTCUSDT', NOW)));
  });

  it('fetchTicker and fetchBidsAsks follow the newest trade', async () => {
    const newest = expected.lastTradeId('BTCUSDT', NOW);
    const ticker = await exchange.fetchTicker('BTC/USDT');
    assert.equal(ticker.last, expected.expectedTrades('BTCUSDT', newest, newest)[0]!.price);
    const book = expected.expectedBookTicker('BTCUSDT', newest);
    assert.equal(ticker.bid, book.bid);
    const bidsAsks = await exchange.fetchBidsAsks(['BTC/USDT']);
    assert.equal(bidsAsks['BTC/USDT']!.ask, book.ask);
  });

  it('maps an unknown symbol to BadSymbol and a too-long aggTrades span to BadRequest', async () => {
    await rejectsWith(implicit(exchange, 'publicGetKlines', { symbol: 'NOPEUSDT', interval: '1m' }), ccxt.BadSymbol);
    await rejectsWith(implicit(exchange, 'publicGetAggTrades', { symbol: 'BTCUSDT', startTime: NOW - 2 * 3_600_000, endTime: NOW }), ccxt.BadRequest);
  });

  it('turns an injected 429 into DDoSProtection with Retry-After, and counts it', async () => {
    const before429 = sim.stats.rateLimited429;
    const fault = sim.faults.rateLimited(7, { path: '/klines' });
    const error = await rejectsWith(exchange.fetchOHLCV('BTC/USDT', '1m', undefined, 2), ccxt.DDoSProtection);
    assert.match(error.message, /-1003/);
    const headers = (exchange as unknown as { last_response_headers: Record<string, string> }).last_response_headers;
    assert.equal(headers['Retry-After'] ?? headers['retry-after'], '7');
    assert.equal(fault.hits, 1);
    assert.equal(sim.stats.rateLimited429, before429 + 1);
    assert.equal((await exchange.fetchOHLCV('BTC/USDT', '1m', undefined, 2)).length, 2, 'one-shot fault is spent');
  });

  it('turns a 5xx gateway page into ExchangeNotAvailable (a NetworkError), and Binance -1001 JSON into OperationFailed', async () => {
    sim.faults.serverError(503, { path: '/aggTrades' });
    const gateway = await rejectsWith(exchange.fetchTrades('BTC/USDT'), ccxt.ExchangeNotAvailable);
    assert.ok(gateway instanceof ccxt.NetworkError);
    sim.faults.serverError(500, { path: '/aggTrades', body: '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}' });
    const internal = await rejectsWith(exchange.fetchTrades('BTC/USDT'), ccxt.OperationFailed);
    assert.ok(!(internal instanceof ccxt.NetworkError));
  });

  it('delays answers on demand', async () => {
    sim.faults.slow(150, { path: '/time' });
    const started = Date.now();
    await exchange.fetchTime();
    assert.ok(Date.now() - started >= 140);
  });

  it('shows that ccxt does not reject malformed bodies: they come back as nulls or numbers', async () => {
    sim.faults.malformed('truncated', { path: '/klines' });
    const truncated = await exchange.fetchOHLCV('BTC/USDT', '1m', undefined, 2);
    assert.ok(truncated.every((row) => row[4] === undefined || row[4] === null), 'the truncated text is parsed character by character');
    sim.faults.malformed('wrongType', { path: '/klines' });
    const numbers = await exchange.fetchOHLCV('BTC/USDT', '1m', undefined, 2);
    assert.doesNotMatch(String(numbers[0]![4]), /\.\d{8}$/, 'a JSON number loses the exchange decimals');
    sim.faults.malformed('missingField', { path: '/aggTrades' });
    const [damaged] = await exchange.fetchTrades('BTC/USDT', undefined, 1);
    assert.equal(damaged!.price, undefined);
    assert.equal(sim.stats.malformedBodies, 3);
  });
});

describe('binance-sim request-weight limit', () => {
  let sim: BinanceSim;

  // A day-long window, so the test never straddles a window boundary.
  useSim({ market: 'spot', clock: () => NOW, rateLimit: { weight: 10, windowMs: 86_400_000, banAfter429s: 2, banMs: 30_000 } }, (s) => (sim = s));

  it('answers 429 with Retry-After once the window weight is used, then 418 to a client that keeps going', async () => {
    const answers: Response[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await fetch(`${sim.restUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`);
      await answer.arrayBuffer();
      answers.push(answer);
    }
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 429, 429, 418]);
    const limited = answers[5]!;
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('x-mbx-used-weight-1m'), '10');
    assert.equal(answers[7]!.headers.get('retry-after'), '30');
    assert.equal(sim.stats.weightUsed, 10);
    assert.equal(sim.stats.weightTotal, 10);
    assert.equal(sim.stats.rateLimited429, 2);
    assert.equal(sim.stats.banned418, 1);
    assert.equal(sim.stats.requestsByPath['/api/v3/klines'], 8);
  });

  it('writes the limit into exchangeInfo and the 429 body the way Binance does', async () => {
    const quiet = await startBinanceSim({ market: 'spot', clock: () => NOW, rateLimit: { weight: 25, windowMs: 86_400_000 } });
    try {
      const info = (await (await fetch(`${quiet.restUrl}/api/v3/exchangeInfo`)).json()) as { rateLimits: unknown[] };
      assert.deepEqual(info.rateLimits[0], { rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 25 });
      const refused = await fetch(`${quiet.restUrl}/api/v3/exchangeInfo`);
      assert.equal(refused.status, 429);
      assert.deepEqual(await refused.json(), {
        code: -1003,
        msg: 'Too much request weight used; current limit is 25 request weight per 1 DAY. Please use WebSocket Streams for live updates to avoid polling the API.',
      });
    } finally {
      await quiet.close();
    }
  });
});

describe('binance-sim USD-M REST, fixed clock', () => {
  const options = { market: 'usdm', clock: () => NOW } as const;
  const expected = new MarketData(options);
  let sim: BinanceSim;
  let exchange: Exchange;

  useSimExchange(options, 'binanceusdm', (s, e) => {
    sim = s;
    exchange = e;
  });

  it('loads the perpetuals through ccxt binanceusdm', async () => {
    await exchange.loadMarkets();
    assert.deepEqual([...exchange.symbols].sort(), ['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    const market = exchange.market('BTC/USDT:USDT');
    assert.equal(market.id, 'BTCUSDT');
    assert.equal(market.swap, true);
    assert.equal(market.linear, true);
    assert.equal(market.settle, 'USDT');
    assert.equal(Number(market.precision.price), 0.1);
    assert.equal(Number(market.precision.amount), 0.001);
  });

  it('pages fetchOHLCV with futures decimals (price at pricePrecision, size at quantityPrecision)', async () => {
    const since = Date.UTC(2024, 0, 2, 6);
    const rows = await exchange.fetchOHLCV('BTC/USDT:USDT', '5m', since, 100);
    assert.deepEqual(rows, asOhlcv(expected.expectedKlines('BTCUSDT', '5m', since, since + 99 * 5 * MINUTE, NOW)));
    assert.match(String(rows[0]![1]), /^\d+\.\d0$/, 'a 0.10 tick written with two decimals');
    assert.match(String(rows[0]![5]), /^\d+\.\d{3}$/);
  });

  it('fetchTrades (fapi aggTrades) gives sequential ids equal to the generator', async () => {
    const trades = await exchange.fetchTrades('BTC/USDT:USDT', undefined, 20);
    const newest = expected.lastTradeId('BTCUSDT', NOW);
    assertTradesEqual(trades, expected.expectedTrades('BTCUSDT', newest - 19, newest));
    assert.equal(sim.stats.requestsByPath['/fapi/v1/aggTrades'], 1);
  });
});

describe('binance-sim live streams through ccxt pro', () => {
  const options = { market: 'spot', tradeSpacingMs: 10, startAtMs: Date.UTC(2024, 0, 1, 0, 5) } as const;
  const expected = new MarketData(options);
  let sim: BinanceSim;
  let exchange: Exchange;

  useSimExchange(options, 'binance', (s, e) => {
    sim = s;
    exchange = e;
  }, { loadMarkets: true });

  async function collectTrades(count: number): Promise<Trade[]> {
    const out: Trade[] = [];
    while (out.length < count) out.push(...(await exchange.watchTrades('BTC/USDT')));
    return out;
  }

  it('watchTrades delivers consecutive ids equal to the REST trades', async () => {
    const trades = await collectTrades(30);
    const ids = trades.map((t) => Number(t.id));
    ids.forEach((id, i) => i > 0 && assert.equal(id, ids[i - 1]! + 1));
    assertTradesEqual(trades, expected.expectedTrades('BTCUSDT', ids[0]!, ids.at(-1)!));
    const rest = await exchange.fetchTrades('BTC/USDT', undefined, trades.length, { fromId: ids[0] });
    assert.deepEqual(rest.map((t) => [t.id, t.price, t.amount]), trades.map((t) => [t.id, t.price, t.amount]));
  });

  it('a skipped range leaves a trade-id gap; repeated messages arrive twice', async () => {
    const lastSeen = Number((await collectTrades(1)).at(-1)!.id);
    const skip = sim.faults.skipMessages(5, { stream: 'btcusdt@trade' });
    const ids = [lastSeen, ...(await collectTrades(15)).map((t) => Number(t.id))];
    const gaps = ids.slice(1).filter((id, i) => id !== ids[i]! + 1).length;
    assert.equal(skip.hits, 5);
    assert.equal(gaps, 1);
    assert.equal(ids.at(-1)! - ids[0]! + 1, ids.length + 5);
    sim.faults.repeatMessages(2, { stream: 'btcusdt@trade' });
    const repeated = (await collectTrades(10)).map((t) => Number(t.id));
    assert.equal(repeated.length - new Set(repeated).size, 2);
  });

  it('a dropped connection rejects the pending watch with NetworkError; the next watch reconnects and REST fills the gap', async () => {
    const lastSeen = Number((await collectTrades(1)).at(-1)!.id);
    const opened = sim.stats.wsConnectionsOpened;
    const pending = exchange.watchTrades('BTC/USDT');
    assert.ok(sim.faults.dropConnections() >= 1);
    const error = await rejectsWith(pending, ccxt.NetworkError);
    assert.match(error.message, /closing code 1006/);
    await sleep(50);
    // ccxt 4.5 waits ~1 s (exponential backoff) before redialling a URL it dialled recently.
    const resumed = await exchange.watchTrades('BTC/USDT');
    assert.ok(sim.stats.wsConnectionsOpened > opened, 'ccxt opened a new connection');
    const resumedAt = Number(resumed[0]!.id);
    assert.ok(resumedAt > lastSeen + 1, 'trades sent while disconnected are not replayed');
    const gap = await exchange.fetchTrades('BTC/USDT', undefined, resumedAt - lastSeen - 1, { fromId: lastSeen + 1 });
    assertTradesEqual(gap, expected.expectedTrades('BTCUSDT', lastSeen + 1, resumedAt - 1));
  });

  it('drops a connection after N messages', async () => {
    await collectTrades(1);
    sim.faults.dropAfterMessages(3, { stream: 'btcusdt@trade' });
    await rejectsWith(collectTrades(50), ccxt.NetworkError);
  });

  it('watchOHLCV gets the open bar (ccxt parses ws klines as floats)', async () => {
    const candles: OHLCV[] = await exchange.watchOHLCV('BTC/USDT', '1m');
    const last = candles.at(-1)!;
    assert.equal(last[0], Math.floor(sim.now() / MINUTE) * MINUTE);
    const bar = expected.expectedKlines('BTCUSDT', '1m', last[0]!, last[0]!)[0]!;
    assert.equal(last[1], Number(bar[1]), 'the open is fixed once the bar has a trade');
    assert.equal(typeof last[4], 'number');
  });

  it('watchBidsAsks gets the book after the newest trade', async () => {
    const quotes = await exchange.watchBidsAsks(['BTC/USDT']);
    const quote = quotes['BTC/USDT']!;
    const book = expected.expectedBookTicker('BTCUSDT', (quote.info as { u: number }).u);
    assert.deepEqual([quote.bid, quote.bidVolume, quote.ask, quote.askVolume], [book.bid, book.bidQty, book.ask, book.askQty]);
  });

  it('watchTicker (ccxt subscribes @miniTicker) gets the last price', async () => {
    const ticker = await exchange.watchTicker('ETH/USDT');
    assert.equal((ticker.info as { e: string }).e, '24hrMiniTicker');
    assert.match(String(ticker.last), /^\d+\.\d{8}$/);
  });
});

describe('binance-sim USD-M live streams', () => {
  const options = { market: 'usdm', tradeSpacingMs: 10, startAtMs: Date.UTC(2024, 0, 1, 0, 5) } as const;
  const expected = new MarketData(options);
  let sim: BinanceSim;
  let exchange: Exchange;

  useSimExchange(options, 'binanceusdm', (s, e) => {
    sim = s;
    exchange = e;
  }, { loadMarkets: true });

  it('watchTrades (futures @trade on /public/ws) and watchBidsAsks carry futures payloads', async () => {
    const trades: Trade[] = [];
    while (trades.length < 10) trades.push(...(await exchange.watchTrades('BTC/USDT:USDT')));
    const ids = trades.map((t) => Number(t.id));
    assertTradesEqual(trades, expected.expectedTrades('BTCUSDT', ids[0]!, ids.at(-1)!));
    assert.equal((trades[0]!.info as { X: string }).X, 'MARKET');
    const quotes = await exchange.watchBidsAsks(['BTC/USDT:USDT']);
    assert.equal((quotes['BTC/USDT:USDT']!.info as { e: string }).e, 'bookTicker');
    assert.ok(sim.stats.requestsByPath['/fapi/v1/exchangeInfo'] === 1);
  });
});

describe('binance-sim websocket protocol, manual clock', () => {
  const start = Date.UTC(2024, 0, 1, 0, 10, 59, 500);
  let now = start;
  const options = { market: 'spot', tradeSpacingMs: 100, clock: () => now, liveTickMs: 5 } as const;
  const expected = new MarketData(options);
  let sim: BinanceSim;

  useSim(options, (s) => (sim = s));

  /** Opens a socket and returns it with a queue of parsed messages. */
  async function open(path: string): Promise<{ socket: WebSocket; next: () => Promise<Record<string, unknown>> }> {
    const socket = new WebSocket(`${sim.wsUrl}${path}`);
    const queue: Record<string, unknown>[] = [];
    const waiting: ((m: Record<string, unknown>) => void)[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else queue.push(message);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const next = (): Promise<Record<string, unknown>> => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    };
    return { socket, next };
  }

  it('answers SUBSCRIBE with {result: null, id}, then sends kline updates and the closing bar with x: true', async () => {
    const { socket, next } = await open('/ws/0');
    socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1m'], id: 7 }));
    assert.deepEqual(await next(), { result: null, id: 7 });
    sim.publishNow();
    const open1 = (await next()) as { k: Record<string, unknown> };
    assert.equal(open1.k['x'], false);
    assert.equal(open1.k['t'], Date.UTC(2024, 0, 1, 0, 10));
    now += 1000;
    sim.publishNow();
    const closed = (await next()) as { k: Record<string, unknown> };
    const row = expected.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 0, 1, 0, 10), Date.UTC(2024, 0, 1, 0, 10))[0]!;
    assert.equal(closed.k['x'], true);
    assert.deepEqual([closed.k['t'], closed.k['o'], closed.k['h'], closed.k['l'], closed.k['c'], closed.k['v'], closed.k['n']], [row[0], row[1], row[2], row[3], row[4], row[5], row[8]]);
    socket.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    let listed = await next();
    while (listed['id'] !== 8) listed = await next();
    assert.deepEqual(listed, { result: ['btcusdt@kline_1m'], id: 8 });
    socket.terminate();
  });

  it('wraps combined streams as {stream, data} and sends exactly the trades the clock passed', async () => {
    const { socket, next } = await open('/stream?streams=ethusdt@aggTrade');
    const from = expected.lastTradeId('ETHUSDT', now) + 1;
    now += 450;
    sim.publishNow();
    const to = expected.lastTradeId('ETHUSDT', now);
    const got: Record<string, unknown>[] = [];
    for (let id = from; id <= to; id++) got.push(await next());
    assert.ok(to - from >= 3);
    assert.ok(got.every((m) => m['stream'] === 'ethusdt@aggTrade'));
    assert.deepEqual(
      got.map((m) => (m['data'] as { a: number; p: string }).p),
      expected.expectedTrades('ETHUSDT', from, to).map((t) => t.price),
    );
    socket.terminate();
  });
});
