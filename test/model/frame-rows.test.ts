import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type FixedWidth,
  FixedPointError,
  fixedPrecisionOf,
  parseRaw,
  pow10,
  PRICE_RAW_MAX,
  PRICE_UNDEF,
  QUANTITY_RAW_MAX,
  QUANTITY_UNDEF,
} from '../../src/model/fixed-point.js';
import { type AnyFrame, type Frame, type FixedColumn, type MarketDataType, allocFrame, FRAME_FIELDS, setFixedRaw } from '../../src/model/frames.js';
import {
  csvCell,
  frameCsvHeader,
  frameRowFields,
  frameRowRecord,
  frameRowToCsv,
  frameRowToJson,
  RowError,
  type RowFrame,
  rowsToFrame,
} from '../../src/model/frame-rows.js';
import { ModelError } from '../../src/model/errors.js';

const QUOTE_META = { instrumentId: 'EUR/USD.SIM', pricePrecision: 5, sizePrecision: 0 };

function quoteFrame(width: FixedWidth): Frame<'quote_tick'> {
  const frame = allocFrame('quote_tick', width, 2, QUOTE_META);
  const c = frame.columns;
  const rows: Array<[string, string, string, string, bigint, bigint]> = [
    ['1.10001', '1.10003', '1000000', '500000', 1_577_919_652_000_000_125n, 1_577_919_652_000_000_126n],
    ['-0.5', '0', '0', '1', 0n, 2n ** 64n - 1n],
  ];
  rows.forEach(([bid, ask, bidSize, askSize, tsEvent, tsInit], i) => {
    setFixedRaw(c.bid_price, i, parseRaw(bid, 5, width, true));
    setFixedRaw(c.ask_price, i, parseRaw(ask, 5, width, true));
    setFixedRaw(c.bid_size, i, parseRaw(bidSize, 0, width, false));
    setFixedRaw(c.ask_size, i, parseRaw(askSize, 0, width, false));
    c.ts_event[i] = tsEvent;
    c.ts_init[i] = tsInit;
  });
  return frame;
}

function tradeFrame(): Frame<'trade_tick'> {
  const frame = allocFrame('trade_tick', 8, 1, { instrumentId: 'BTCUSDT-PERP.BINANCE', pricePrecision: 2, sizePrecision: 3 });
  setFixedRaw(frame.columns.price, 0, parseRaw('87000.5', 2, 8, true));
  setFixedRaw(frame.columns.size, 0, parseRaw('0.012', 3, 8, false));
  frame.columns.aggressor_side[0] = 1;
  frame.columns.trade_id[0] = 'T,1"x';
  frame.columns.ts_event[0] = 10n;
  frame.columns.ts_init[0] = 11n;
  return frame;
}

function deltaFrame(width: FixedWidth): Frame<'order_book_delta'> {
  const frame = allocFrame('order_book_delta', width, 2, { instrumentId: 'ETHUSDT.BINANCE', pricePrecision: 2, sizePrecision: 1 });
  const c = frame.columns;
  c.action[0] = 4; // CLEAR, with the UNDEF sentinels Nautilus keeps at precision 0
  setFixedRaw(c.price, 0, PRICE_UNDEF[width]);
  setFixedRaw(c.size, 0, QUANTITY_UNDEF[width]);
  c.flags[0] = 32;
  c.action[1] = 1;
  c.side[1] = 1;
  setFixedRaw(c.price, 1, parseRaw('100.25', 2, width, true));
  setFixedRaw(c.size, 1, parseRaw('3', 1, width, false));
  c.order_id[1] = 2n ** 63n + 5n;
  c.flags[1] = 160;
  c.sequence[1] = 2n ** 64n - 1n;
  c.ts_event[1] = 5n;
  c.ts_init[1] = 6n;
  return frame;
}

function barFrame(): Frame<'bar'> {
  const frame = allocFrame('bar', 16, 1, { instrumentId: 'ADABTC.BINANCE', pricePrecision: 8, sizePrecision: 8, barType: 'ADABTC.BINANCE-1-MINUTE-LAST-EXTERNAL' });
  const c = frame.columns;
  for (const [name, text] of [['open', '0.00002853'], ['high', '0.00002854'], ['low', '0.00002850'], ['close', '0.00002851']] as const) {
    setFixedRaw(c[name], 0, parseRaw(text, 8, 16, true));
  }
  setFixedRaw(c.volume, 0, parseRaw('1234.5', 8, 16, false));
  c.ts_event[0] = 1_637_971_200_000_000_000n;
  c.ts_init[0] = 1_637_971_260_000_000_000n;
  return frame;
}

function columnsOf(frame: RowFrame): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of FRAME_FIELDS[frame.type]) {
    const data = (frame.columns as unknown as Record<string, unknown>)[name];
    out[name] = kind === 'price' || kind === 'quantity' ? [...(data as FixedColumn).bytes] : [...(data as Iterable<unknown>)];
  }
  return out;
}

function rejectsRow(fn: () => unknown, expected: { source?: string; line: number; field: string; message: RegExp | string }): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof RowError, String(error));
    assert.equal(error.source, expected.source ?? 'rows.ndjson');
    assert.equal(error.line, expected.line);
    assert.equal(error.field, expected.field);
    if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
    else assert.match(error.message, expected.message);
    return true;
  });
}

/** Splits RFC 4180 CSV (as frameRowToCsv writes it) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((cells) => Object.fromEntries(header!.map((name, j) => [name, cells[j]!])));
}

describe('frameRowRecord', () => {
  it('writes quote rows in column order with decimals at the meta precision', () => {
    const record = frameRowRecord(quoteFrame(16), 0);
    assert.deepEqual(Object.keys(record), ['type', 'instrument_id', 'bid_price', 'ask_price', 'bid_size', 'ask_size', 'ts_event', 'ts_init']);
    assert.deepEqual(record, {
      type: 'QuoteTick',
      instrument_id: 'EUR/USD.SIM',
      bid_price: '1.10001',
      ask_price: '1.10003',
      bid_size: '1000000',
      ask_size: '500000',
      ts_event: '1577919652000000125',
      ts_init: '1577919652000000126',
    });
    assert.deepEqual(frameRowRecord(quoteFrame(8), 1), {
      type: 'QuoteTick',
      instrument_id: 'EUR/USD.SIM',
      bid_price: '-0.50000',
      ask_price: '0.00000',
      bid_size: '0',
      ask_size: '1',
      ts_event: '0',
      ts_init: '18446744073709551615',
    });
  });

  it('writes trade enums by name and trade ids as strings', () => {
    assert.deepEqual(frameRowRecord(tradeFrame(), 0), {
      type: 'TradeTick',
      instrument_id: 'BTCUSDT-PERP.BINANCE',
      price: '87000.50',
      size: '0.012',
      aggressor_side: 'BUYER',
      trade_id: 'T,1"x',
      ts_event: '10',
      ts_init: '11',
    });
  });

  it('writes delta sentinels as raw digits, ids as bigints and flags as numbers', () => {
    const frame = deltaFrame(16);
    assert.deepEqual(frameRowRecord(frame, 0), {
      type: 'OrderBookDelta',
      instrument_id: 'ETHUSDT.BINANCE',
      action: 'CLEAR',
      side: 'NO_ORDER_SIDE',
      price: '170141183460469231731687303715884105727',
      size: '340282366920938463463374607431768211455',
      order_id: 0n,
      flags: 32,
      sequence: 0n,
      ts_event: '0',
      ts_init: '0',
    });
    const row = frameRowRecord(frame, 1);
    assert.equal(row.action, 'ADD');
    assert.equal(row.side, 'BUY');
    assert.equal(row.price, '100.25');
    assert.equal(row.size, '3.0');
    assert.equal(row.order_id, 9_223_372_036_854_775_813n);
    assert.equal(row.sequence, 18_446_744_073_709_551_615n);
    assert.equal(frameRowRecord(deltaFrame(8), 0).price, '9223372036854775807');
  });

  it('writes bar_type second for bars and needs it in the meta', () => {
    const record = frameRowRecord(barFrame(), 0);
    assert.deepEqual(Object.keys(record).slice(0, 3), ['type', 'bar_type', 'open']);
    assert.equal(record.bar_type, 'ADABTC.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(record.open, '0.00002853');
    assert.equal(record.volume, '1234.50000000');
    const noBarType = allocFrame('bar', 16, 1, { instrumentId: 'ADABTC.BINANCE', pricePrecision: 8, sizePrecision: 8 });
    assert.throws(() => frameRowRecord(noBarType, 0), ModelError);
  });

  it('throws for an enum column holding an unknown value', () => {
    const frame = deltaFrame(8);
    frame.columns.action[1] = 0;
    assert.throws(() => frameRowRecord(frame, 1), /BookAction value must be one of .*, was 0/);
  });
});

describe('frameRowToJson', () => {
  it('writes one line with bigints as bare digits', () => {
    assert.equal(
      frameRowToJson(deltaFrame(8), 1),
      '{"type":"OrderBookDelta","instrument_id":"ETHUSDT.BINANCE","action":"ADD","side":"BUY","price":"100.25","size":"3.0",' +
        '"order_id":9223372036854775813,"flags":160,"sequence":18446744073709551615,"ts_event":"5","ts_init":"6"}',
    );
    assert.equal(
      frameRowToJson(tradeFrame(), 0),
      '{"type":"TradeTick","instrument_id":"BTCUSDT-PERP.BINANCE","price":"87000.50","size":"0.012","aggressor_side":"BUYER","trade_id":"T,1\\"x","ts_event":"10","ts_init":"11"}',
    );
  });
});

describe('CSV', () => {
  it('writes headers for every type', () => {
    assert.equal(frameCsvHeader('bar'), 'type,bar_type,open,high,low,close,volume,ts_event,ts_init');
    assert.equal(frameCsvHeader('quote_tick'), 'type,instrument_id,bid_price,ask_price,bid_size,ask_size,ts_event,ts_init');
    assert.equal(frameCsvHeader('trade_tick'), 'type,instrument_id,price,size,aggressor_side,trade_id,ts_event,ts_init');
    assert.equal(frameCsvHeader('order_book_delta'), 'type,instrument_id,action,side,price,size,order_id,flags,sequence,ts_event,ts_init');
    assert.deepEqual(frameRowFields('trade_tick'), frameCsvHeader('trade_tick').split(','));
  });

  it('quotes cells per RFC 4180', () => {
    assert.equal(frameRowToCsv(tradeFrame(), 0), 'TradeTick,BTCUSDT-PERP.BINANCE,87000.50,0.012,BUYER,"T,1""x",10,11');
    assert.equal(frameRowToCsv(deltaFrame(8), 1), 'OrderBookDelta,ETHUSDT.BINANCE,ADD,BUY,100.25,3.0,9223372036854775813,160,18446744073709551615,5,6');
    assert.equal(csvCell('a\nb'), '"a\nb"');
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell(12n), '12');
  });
});

describe('rowsToFrame', () => {
  const quoteOptions = { width: 16 as const, ...QUOTE_META };

  it('inverts frameRowRecord for every type', () => {
    const frames: AnyFrame[] = [quoteFrame(16), quoteFrame(8), tradeFrame(), deltaFrame(16), deltaFrame(8), barFrame()];
    for (const frame of frames) {
      const records = Array.from({ length: frame.length }, (_, i) => frameRowRecord(frame, i));
      const back = rowsToFrame(frame.type, records, { width: frame.width, ...frame.meta }, 'rows.ndjson');
      assert.equal(back.length, frame.length);
      assert.deepEqual(back.meta, frame.meta);
      assert.deepEqual(columnsOf(back), columnsOf(frame), frame.type);
    }
  });

  it('reads ISO times, enum numbers, any-case names, JSON numbers and padded cells', () => {
    const frame = rowsToFrame(
      'order_book_delta',
      [
        { action: '1', side: 'sell', price: ' 100.2 ', size: '3', order_id: 7, flags: 128, sequence: 9n, ts_event: '2020-01-01T23:00:52.000000125Z', ts_init: 1_577_919_652_000 },
        { action: 'delete', side: 2, price: '100.20', size: '0.0', order_id: '18446744073709551615', flags: '0', sequence: '0', ts_event: '2020-01-02', ts_init: '1' },
      ],
      { width: 8, instrumentId: 'ETHUSDT.BINANCE', pricePrecision: 2, sizePrecision: 1 },
      'deltas.ndjson',
    );
    const c = frame.columns;
    assert.deepEqual([...c.action], [1, 3]);
    assert.deepEqual([...c.side], [2, 2]);
    assert.deepEqual([...c.order_id], [7n, 2n ** 64n - 1n]);
    assert.deepEqual([...c.flags], [128, 0]);
    assert.deepEqual([...c.ts_event], [1_577_919_652_000_000_125n, 1_577_923_200_000_000_000n]);
    assert.deepEqual([...c.ts_init], [1_577_919_652_000n, 1n]);
    assert.equal(frameRowRecord(frame, 0).price, '100.20');
  });

  it('reports a bad decimal with file, line and field', () => {
    const good = { bid_price: '1.1', ask_price: '1.2', bid_size: '1', ask_size: '1', ts_event: '1', ts_init: '1' };
    const records = [good, good, good, good, good, { ...good, bid_price: '1.2.3' }];
    rejectsRow(() => rowsToFrame('quote_tick', records, { ...quoteOptions, firstLine: 2 }, 'quotes.csv'), {
      source: 'quotes.csv',
      line: 7,
      field: 'bid_price',
      message: 'quotes.csv line 7, field bid_price: "1.2.3" is not a decimal number; fix the value or remove the row',
    });
  });

  it('reports every kind of bad value', () => {
    const base = { bid_price: '1.1', ask_price: '1.2', bid_size: '1', ask_size: '1', ts_event: '1', ts_init: '1' };
    const one = (patch: Record<string, unknown>, options: object = {}) => () => rowsToFrame('quote_tick', [{ ...base, ...patch }], { ...quoteOptions, ...options }, 'rows.ndjson');
    rejectsRow(one({ bid_price: '1.123456' }), { line: 1, field: 'bid_price', message: /"1\.123456" has 6 decimals, more than the price precision 5; round the value or raise the price precision$/ });
    rejectsRow(one({ bid_size: '0.5' }), { line: 1, field: 'bid_size', message: /more than the size precision 0/ });
    rejectsRow(one({ ask_size: '-1' }), { line: 1, field: 'ask_size', message: /"-1" is negative, and a quantity cannot be/ });
    rejectsRow(one({ ask_price: 1.2 }), { line: 1, field: 'ask_price', message: /1\.2 is a JSON number, which may have lost digits; write it as a string such as "1\.2"$/ });
    rejectsRow(one({ ask_price: '1e9' }), { line: 1, field: 'ask_price', message: /not a decimal number/ });
    rejectsRow(one({ bid_price: '99999999999999' }), { line: 1, field: 'bid_price', message: /outside the 128-bit range/ });
    rejectsRow(one({ ts_event: undefined }), { line: 1, field: 'ts_event', message: /the field is missing; add a "ts_event" column or field$/ });
    rejectsRow(one({ ts_event: '' }), { line: 1, field: 'ts_event', message: /the value is empty/ });
    rejectsRow(one({ ts_init: 'soon' }), { line: 1, field: 'ts_init', message: /"soon" is not a time; write nanoseconds since the epoch or ISO-8601/ });
    rejectsRow(one({ ts_init: 2 ** 60 }), { line: 1, field: 'ts_init', message: /not a whole number below 2\^53; write it as a string of digits$/ });
    rejectsRow(one({ ts_init: '18446744073709551616' }), { line: 1, field: 'ts_init', message: /not a time/ });
    rejectsRow(one({ instrument_id: 'GBP/USD.SIM' }), { line: 1, field: 'instrument_id', message: /"GBP\/USD\.SIM" does not match the instrument id "EUR\/USD\.SIM"/ });
    rejectsRow(one({ type: 'TradeTick' }), { line: 1, field: 'type', message: /"TradeTick" does not match the type "QuoteTick"/ });
    rejectsRow(one({ bid_price: 'x' }, { lineNumbers: [42] }), { line: 42, field: 'bid_price', message: /"x" is not a decimal/ });
  });

  it('reports bad enums, flags, ids and trade ids', () => {
    const delta = { action: 'ADD', side: 'BUY', price: '1', size: '1', order_id: '1', flags: '0', sequence: '0', ts_event: '1', ts_init: '1' };
    const options = { width: 8 as const, instrumentId: 'X.SIM', pricePrecision: 0, sizePrecision: 0 };
    const bad = (patch: Record<string, unknown>) => () => rowsToFrame('order_book_delta', [delta, { ...delta, ...patch }], options, 'rows.ndjson');
    rejectsRow(bad({ action: 'MODIFY' }), { line: 2, field: 'action', message: /BookAction must be one of ADD, UPDATE, DELETE, CLEAR \(or 1, 2, 3, 4\), was "MODIFY"; fix the value/ });
    rejectsRow(bad({ side: '3' }), { line: 2, field: 'side', message: /OrderSide must be one of/ });
    rejectsRow(bad({ flags: '256' }), { line: 2, field: 'flags', message: /"256" is not an integer in 0\.\.255/ });
    rejectsRow(bad({ order_id: '-1' }), { line: 2, field: 'order_id', message: /"-1" is not an unsigned integer/ });
    rejectsRow(bad({ sequence: '18446744073709551616' }), { line: 2, field: 'sequence', message: /above the UInt64 maximum/ });
    const trade = { price: '1', size: '1', aggressor_side: 'SELLER', trade_id: 'a', ts_event: '1', ts_init: '1' };
    const tradeRows = (id: unknown) => () => rowsToFrame('trade_tick', [{ ...trade, trade_id: id }], options, 'trades.csv');
    rejectsRow(tradeRows('x'.repeat(37)), { source: 'trades.csv', line: 1, field: 'trade_id', message: /is 37 bytes, more than the 36 Nautilus allows/ });
    rejectsRow(tradeRows('  '), { source: 'trades.csv', line: 1, field: 'trade_id', message: /blank/ });
    rejectsRow(tradeRows(12), { source: 'trades.csv', line: 1, field: 'trade_id', message: /JSON number/ });
    assert.equal(rowsToFrame('trade_tick', [{ ...trade, trade_id: ' a b ' }], options, 't').columns.trade_id[0], ' a b ');
  });

  it('rejects bad options with ModelError or FixedPointError', () => {
    assert.throws(() => rowsToFrame('bar', [], { width: 8, instrumentId: 'X.SIM', pricePrecision: 2, sizePrecision: 0 }, 'b'), /needs options\.barType/);
    assert.throws(
      () => rowsToFrame('bar', [], { width: 8, instrumentId: 'X.SIM', pricePrecision: 2, sizePrecision: 0, barType: 'Y.SIM-1-MINUTE-LAST-EXTERNAL' }, 'b'),
      /must belong to instrument X\.SIM, was Y\.SIM/,
    );
    assert.throws(() => rowsToFrame('quote_tick', [], { width: 8, instrumentId: 'XSIM', pricePrecision: 2, sizePrecision: 0 }, 'q'), ModelError);
    assert.throws(() => rowsToFrame('quote_tick', [], { width: 8, instrumentId: 'X.SIM', pricePrecision: 10, sizePrecision: 0 }, 'q'), FixedPointError);
  });
});

/** An arbitrary frame of `type`: valid raws at the meta precisions, valid enums, any u64. */
function frameArb(type: MarketDataType, width: FixedWidth): fc.Arbitrary<AnyFrame> {
  const fixed = fixedPrecisionOf(width);
  return fc
    .record({ pricePrecision: fc.integer({ min: 0, max: fixed }), sizePrecision: fc.integer({ min: 0, max: fixed }), length: fc.integer({ min: 0, max: 6 }) })
    .chain(({ pricePrecision, sizePrecision, length }) => {
      const priceStep = pow10(fixed - pricePrecision);
      const sizeStep = pow10(fixed - sizePrecision);
      const cell = (name: string, kind: string): fc.Arbitrary<unknown> => {
        switch (kind) {
          case 'price': {
            const value = fc.bigInt({ min: -PRICE_RAW_MAX[width] / priceStep, max: PRICE_RAW_MAX[width] / priceStep }).map((k) => k * priceStep);
            return type === 'order_book_delta' ? fc.oneof(value, fc.constant(PRICE_UNDEF[width])) : value;
          }
          case 'quantity': {
            const value = fc.bigInt({ min: 0n, max: QUANTITY_RAW_MAX[width] / sizeStep }).map((k) => k * sizeStep);
            return type === 'order_book_delta' ? fc.oneof(value, fc.constant(QUANTITY_UNDEF[width])) : value;
          }
          case 'u64':
            return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
          case 'u8':
            if (name === 'aggressor_side' || name === 'side') return fc.integer({ min: 0, max: 2 });
            if (name === 'action') return fc.integer({ min: 1, max: 4 });
            return fc.integer({ min: 0, max: 255 });
          default:
            return fc
              .array(fc.constantFrom('a', 'Z', '7', '-', ',', '"', ' ', '\n', 'é', '😀'), { minLength: 1, maxLength: 9 })
              .map((cs) => cs.join(''))
              .filter((s) => s.trim() !== '');
        }
      };
      const row = fc.tuple(...FRAME_FIELDS[type].map(([name, kind]) => cell(name, kind)));
      return fc.array(row, { minLength: length, maxLength: length }).map((rows) => {
        const meta = type === 'bar'
          ? { instrumentId: 'A-B.C.V-1', pricePrecision, sizePrecision, barType: 'A-B.C.V-1-5-MINUTE-BID-INTERNAL' }
          : { instrumentId: 'A-B.C/D.V', pricePrecision, sizePrecision };
        const frame = allocFrame(type, width, length, meta);
        const columns = frame.columns as unknown as Record<string, unknown>;
        rows.forEach((values, i) => {
          FRAME_FIELDS[type].forEach(([name, kind], j) => {
            const data = columns[name];
            if (kind === 'price' || kind === 'quantity') setFixedRaw(data as FixedColumn, i, values[j] as bigint);
            else (data as unknown[])[i] = values[j];
          });
        });
        return frame as AnyFrame;
      });
    });
}

describe('row format properties', () => {
  const TYPES: MarketDataType[] = ['bar', 'quote_tick', 'trade_tick', 'order_book_delta'];
  for (const type of TYPES) {
    for (const width of [8, 16] as const) {
      it(`${type} width ${width}: frame -> csv -> frame and frame -> ndjson -> frame are lossless`, () => {
        fc.assert(
          fc.property(frameArb(type, width), (frame) => {
            const options = { width, ...frame.meta };
            const rows = Array.from({ length: frame.length }, (_, i) => i);
            const csv = [frameCsvHeader(type), ...rows.map((i) => frameRowToCsv(frame, i))].join('\n');
            const fromCsv = rowsToFrame(type, csvRecords(csv), { ...options, firstLine: 2 }, 'p.csv');
            assert.deepEqual(columnsOf(fromCsv), columnsOf(frame));
            // Quote the bare u64 digits before JSON.parse, which would round them to floats.
            const ndjson = rows.map((i) => JSON.parse(frameRowToJson(frame, i).replace(/"(order_id|sequence)":(\d+)/g, '"$1":"$2"')) as Record<string, unknown>);
            const fromJson = rowsToFrame(type, ndjson, options, 'p.ndjson');
            assert.deepEqual(columnsOf(fromJson), columnsOf(frame));
          }),
          { numRuns: 40 },
        );
      });
    }
  }
});
