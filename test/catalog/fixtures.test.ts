/**
 * Compatibility proof 1: every NautilusTrader-written fixture decodes to the counts and
 * values NautilusTrader's own tests assert, and to the first/last rows recorded in
 * summary.json (decoded independently), for both widths.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openCatalogFile } from '../../src/catalog/open-file.js';
import { readFile } from '../../src/catalog/reader.js';
import { type Frame, type MarketDataType, concatFrames, fieldsOf, fixedRawAt, type FixedColumn, tsInitOf } from '../../src/model/frames.js';
import { formatRaw } from '../../src/model/fixed-point.js';
import { FIXTURES } from '../helpers/paths.js';

// summary.json holds ns as JSON numbers (rounded by JSON.parse); re-read them as text.
const summaryText = readFileSync(join(FIXTURES, 'summary.json'), 'utf8');
const summary = JSON.parse(summaryText.replace(/("ts_(?:event|init)(?:_min|_max)?": )(\d+)/g, '$1"$2"')) as Record<string, { rows: number; first_row: Record<string, unknown>; last_row: Record<string, unknown> }>;

const FILES: Record<string, { type: MarketDataType; rows: number }> = {
  'bars.parquet': { type: 'bar', rows: 10 },
  'trades.parquet': { type: 'trade_tick', rows: 100 },
  'quotes.parquet': { type: 'quote_tick', rows: 9500 },
  'deltas.parquet': { type: 'order_book_delta', rows: 1077 },
  'quotes-3-groups-filter-query.parquet': { type: 'quote_tick', rows: 15000 },
};

async function readWhole(path: string, type: MarketDataType, options = {}): Promise<Frame> {
  const frames: Frame[] = [];
  for await (const frame of readFile(path, type, options)) frames.push(frame);
  return concatFrames(frames);
}

function rowValues(frame: Frame, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  const columns = frame.columns as unknown as Record<string, unknown>;
  for (const [name, kind] of fieldsOf(frame.type)) {
    const data = columns[name];
    out[name] = kind === 'price' || kind === 'quantity' ? fixedRawAt(data as FixedColumn, i).toString() : String((data as ArrayLike<unknown>)[i]);
  }
  return out;
}

function expectedRow(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'object' && v !== null ? String((v as { raw: string }).raw) : String(v)]));
}

for (const width of ['64-bit', '128-bit'] as const) {
  describe(`NautilusTrader fixtures, ${width}`, () => {
    for (const [name, { type, rows }] of Object.entries(FILES)) {
      it(`${name}: ${rows} rows, first and last rows exact`, async () => {
        const frame = await readWhole(join(FIXTURES, width, name), type);
        assert.equal(frame.length, rows);
        assert.equal(frame.width, width === '64-bit' ? 8 : 16);
        const expected = summary[`${width}/${name}`]!;
        assert.deepEqual(rowValues(frame, 0), expectedRow(expected.first_row));
        assert.deepEqual(rowValues(frame, frame.length - 1), expectedRow(expected.last_row));
      });
    }

    it('the last quote prints as NautilusTrader asserts', async () => {
      const quotes = (await readWhole(join(FIXTURES, width, 'quotes.parquet'), 'quote_tick')) as Frame<'quote_tick'>;
      const i = quotes.length - 1;
      const w = quotes.width;
      const c = quotes.columns;
      const text = [
        quotes.meta.instrumentId,
        formatRaw(fixedRawAt(c.bid_price, i), quotes.meta.pricePrecision, w),
        formatRaw(fixedRawAt(c.ask_price, i), quotes.meta.pricePrecision, w),
        formatRaw(fixedRawAt(c.bid_size, i), quotes.meta.sizePrecision, w),
        formatRaw(fixedRawAt(c.ask_size, i), quotes.meta.sizePrecision, w),
        c.ts_event[i]!.toString(),
      ].join(',');
      assert.equal(text, 'EUR/USD.SIM,112.13000,112.13200,10000000,10000000,1577919652000000125');
      const ts = tsInitOf(quotes);
      for (let k = 1; k < ts.length; k++) assert.ok(ts[k]! >= ts[k - 1]!, `ts_init decreases at row ${k}`);
    });

    it('bars carry their metadata', async () => {
      const bars = await readWhole(join(FIXTURES, width, 'bars.parquet'), 'bar');
      assert.deepEqual(bars.meta, { instrumentId: 'ADABTC.BINANCE', pricePrecision: 8, sizePrecision: 8, barType: 'ADABTC.BINANCE-1-MINUTE-LAST-EXTERNAL' });
    });

    it('a window read prunes row groups by statistics and keeps the 10,001 rows at or after the cut', async () => {
      const path = join(FIXTURES, width, 'quotes-3-groups-filter-query.parquet');
      const frame = await readWhole(path, 'quote_tick', { start: 1701388832486000000n });
      assert.equal(frame.length, 10001);
      const window = await readWhole(path, 'quote_tick', { start: 1701388832486000000n, end: 1701388832613000000n });
      assert.ok(window.length > 0 && window.length < 5000);
      for (const t of tsInitOf(window)) assert.ok(t >= 1701388832486000000n && t < 1701388832613000000n);
    });
  });
}

describe('fixture quirks', () => {
  it('deltas keep file order (one ts_init decrease, rows 858 -> 859), as Nautilus returns them', async () => {
    const deltas = (await readWhole(join(FIXTURES, '128-bit', 'deltas.parquet'), 'order_book_delta')) as Frame<'order_book_delta'>;
    const ts = deltas.columns.ts_init;
    const decreases = [];
    for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) decreases.push(i);
    assert.deepEqual(decreases, [859]);
    assert.equal(deltas.columns.action[0], 4);
  });

  it('window reads give the rows a scan of the whole file keeps, by binary search on sorted row groups and by checking every group otherwise', async () => {
    // deltas: 1,077 one-row groups with one ts_init decrease, so their statistics are no
    // chain; the 3-group quotes are sorted, so theirs are.
    for (const [name, chained] of [['deltas.parquet', false], ['quotes-3-groups-filter-query.parquet', true]] as const) {
      const path = join(FIXTURES, '128-bit', name);
      const type = FILES[name]!.type;
      const file = await openCatalogFile(path);
      assert.equal(file.statisticsChained(fieldsOf(type).findIndex(([n]) => n === 'ts_init')), chained, name);
      await file.close();
      const whole = await readWhole(path, type);
      const ts = tsInitOf(whole);
      // Bounds at stored values spread over the file, the whole file, and at each decrease:
      // the rows between a decrease and the value before it are what a search that took the
      // groups as sorted would miss.
      const at = (q: number) => ts[Math.min(ts.length - 1, Math.floor(q * ts.length))]!;
      const windows: Array<[bigint, bigint]> = [[ts[0]! - 1n, ts[ts.length - 1]! + 1n]];
      for (let k = 0; k < 24; k++) {
        const [a, b] = [at(((k * 7) % 24) / 24), at(((k * 5 + 3) % 24) / 24)];
        windows.push(a < b ? [a, b] : [b, a + 1n]);
      }
      for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) windows.push([ts[i]!, ts[i - 1]!], [ts[i]! + 1n, ts[i - 1]! + 1n]);
      for (const [start, end] of windows) {
        const expected: Array<Record<string, string>> = [];
        for (let i = 0; i < ts.length; i++) if (ts[i]! >= start && ts[i]! < end) expected.push(rowValues(whole, i));
        const got: Array<Record<string, string>> = [];
        for await (const frame of readFile(path, type, { start, end })) for (let i = 0; i < frame.length; i++) got.push(rowValues(frame, i));
        assert.deepEqual(got, expected, `${name} [${start}, ${end})`);
      }
    }
  });

  it('a width check refuses 64-bit files for a 128-bit catalog', async () => {
    await assert.rejects(readWhole(join(FIXTURES, '64-bit', 'bars.parquet'), 'bar', { width: 16 }), (e: Error & { code?: string }) => e.code === 'CATALOG_WIDTH_MISMATCH' && /64-bit/.test(e.message));
  });
});
