/**
 * Compatibility proof against the real NautilusTrader 1.221.0 in .venv (python/nautilus_peer.py):
 *
 * 2. random catalogs written by NautilusTrader are read by us exactly as NautilusTrader reads them;
 * 3. random catalogs written by us are read by NautilusTrader's ParquetDataCatalog as we wrote them,
 *    and a BacktestNode run on bars and an instrument we wrote completes and trades;
 * 4. our files carry exactly NautilusTrader's schema and metadata (pyarrow's view), both widths.
 *
 * Lines are compared field by field; prices and sizes by their raw integers (`--raw`) and by the
 * printed decimal where NautilusTrader's printing is exact (it rounds beyond 28 digits).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { demoInstruments, writeInstrument } from '../../src/catalog/instruments.js';
import { readFile } from '../../src/catalog/reader.js';
import { frameRowRecord } from '../../src/model/frame-rows.js';
import { type Frame, type MarketDataType, fieldsOf, fixedRawAt, type FixedColumn, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { FIXTURES, tempDir } from '../helpers/paths.js';
import { peerJson, peerNdjson, peerPython } from '../helpers/python-peer.js';
import { prng, randomFrame } from '../helpers/random-frames.js';

const PEER_TIMEOUT = 600_000;
type Row = Record<string, unknown>;

/** Our side of a line: the CLI's ndjson record plus `<field>_raw` after each price/size. */
function ourRow(frame: Frame, i: number): Row {
  const record = frameRowRecord(frame, i) as Row;
  const columns = frame.columns as unknown as Record<string, unknown>;
  const out: Row = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = typeof value === 'bigint' ? value.toString() : value;
    const kind = fieldsOf(frame.type).find(([name]) => name === key)?.[1];
    if (kind === 'price' || kind === 'quantity') out[`${key}_raw`] = fixedRawAt(columns[key] as FixedColumn, i).toString();
  }
  return out;
}

/** Parses a peer line keeping big integers exact (as strings). */
function peerRow(line: string): Row {
  return JSON.parse(line.replace(/":(-?\d{16,})/g, '":"$1"')) as Row;
}

function normalise(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'number' ? String(value) : value;
  return out;
}

function assertRowsEqual(ours: Row[], theirs: Row[], label: string): void {
  assert.equal(ours.length, theirs.length, `${label}: row count`);
  for (let i = 0; i < ours.length; i++) {
    const a = normalise(ours[i]!);
    const b = normalise(theirs[i]!);
    for (const key of Object.keys(b)) {
      const raw = b[`${key}_raw`];
      // Nautilus prints with Python's 28-digit decimal context; compare raws there.
      if (raw !== undefined && String(raw).replace('-', '').length > 28) continue;
      assert.equal(a[key], b[key], `${label} row ${i} field ${key}`);
    }
    assert.deepEqual(Object.keys(a), Object.keys(b), `${label} row ${i}: field order`);
  }
}

async function ourRows(catalog: Catalog, type: MarketDataType, identifier: string, window: { start?: bigint; end?: bigint } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const frame of catalog.read(type, identifier, window)) for (let i = 0; i < frame.length; i++) rows.push(ourRow(frame, i));
  return rows;
}

describe('NautilusTrader 1.221.0 compatibility', { timeout: PEER_TIMEOUT }, () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-compat-');
  });
  after(async () => tmp.remove());

  for (const seed of [1, 2]) {
    it(`reads a random catalog written by NautilusTrader (seed ${seed}) exactly as NautilusTrader does`, async () => {
      const root = join(tmp.path, `nautilus-written-${seed}`);
      const summary = await peerJson<{ groups: Record<string, Record<string, number>> }>(['write-random', '--catalog', root, '--seed', String(seed), '--rows', '400', '--files', '3'], { timeoutMs: PEER_TIMEOUT });
      const catalog = await Catalog.open(root);
      assert.equal(catalog.width, 16);
      const classToType: Record<string, MarketDataType> = { QuoteTick: 'quote_tick', TradeTick: 'trade_tick', Bar: 'bar', OrderBookDelta: 'order_book_delta' };
      let compared = 0;
      for (const [cls, groups] of Object.entries(summary.groups)) {
        const type = classToType[cls];
        if (!type) continue;
        for (const identifier of Object.keys(groups)) {
          const theirs = (await peerNdjson(['read', '--catalog', root, '--type', type, '--identifier', identifier, '--raw'], { timeoutMs: PEER_TIMEOUT })).map(peerRow);
          const ours = await ourRows(catalog, type, identifier);
          assertRowsEqual(ours, theirs, `${type} ${identifier}`);
          compared += ours.length;
        }
      }
      assert.ok(compared > 1000, `compared ${compared} rows`);
    });
  }

  it('reads a time window like NautilusTrader (its bounds are inclusive, ours half-open)', async () => {
    const root = join(tmp.path, 'nautilus-written-1');
    const catalog = await Catalog.open(root);
    const all = await ourRows(catalog, 'quote_tick', 'EUR/USD.SIM');
    const start = BigInt(all[Math.floor(all.length / 3)]!['ts_init'] as string);
    const last = BigInt(all[Math.floor((2 * all.length) / 3)]!['ts_init'] as string);
    const theirs = (await peerNdjson(['read', '--catalog', root, '--type', 'quote_tick', '--identifier', 'EUR/USD.SIM', '--start', String(start), '--end', String(last), '--raw'])).map(peerRow);
    assertRowsEqual(await ourRows(catalog, 'quote_tick', 'EUR/USD.SIM', { start, end: last + 1n }), theirs, 'window');
  });

  it('reads the 128-bit fixtures like NautilusTrader\'s DataBackendSession', async () => {
    for (const [name, type] of [['bars.parquet', 'bar'], ['trades.parquet', 'trade_tick'], ['quotes.parquet', 'quote_tick'], ['deltas.parquet', 'order_book_delta']] as const) {
      const path = join(FIXTURES, '128-bit', name);
      const theirs = (await peerNdjson(['read-file', '--file', path, '--type', type, '--raw'])).map(peerRow);
      const ours: Row[] = [];
      for await (const frame of readFile(path, type)) for (let i = 0; i < frame.length; i++) ours.push(ourRow(frame, i));
      assertRowsEqual(ours, theirs, name);
    }
  });

  it('NautilusTrader reads random catalogs we wrote, every type, many files and days, odd identifiers', async () => {
    const root = join(tmp.path, 'seamless-written');
    const catalog = await Catalog.open(root, { width: 16, scheme: 'py1221' });
    const rand = prng(2026);
    const identifiers = ['BTCUSDT-PERP.BINANCE', 'EUR/USD.SIM', '^SPX.CBOE', '1.166564490-60424-0.0.BETFAIR'];
    const written: Array<{ type: MarketDataType; identifier: string; frames: Frame[] }> = [];
    let start = 1_700_000_000_000_000_000n;
    for (const [k, instrumentId] of identifiers.entries()) {
      for (const type of ['quote_tick', 'trade_tick', 'bar', 'order_book_delta'] as const) {
        const maxPrecision = 16;
        const meta = {
          instrumentId,
          pricePrecision: (k * 5 + 3) % (maxPrecision + 1),
          sizePrecision: (k * 7) % (maxPrecision + 1),
          ...(type === 'bar' ? { barType: `${instrumentId}-1-MINUTE-LAST-EXTERNAL` } : {}),
        };
        const frames: Frame[] = [];
        for (let day = 0; day < 3; day++) {
          const frame = randomFrame(type, rand, { width: 16, rows: 300 + Math.floor(rand() * 6000), startNs: start, meta, distinct: rand() < 0.5 ? 9 : 100_000 });
          await catalog.write(frame);
          frames.push(frame);
          start = frame.columns.ts_init[frame.length - 1]! + 86_400_000_000_000n;
        }
        written.push({ type, identifier: type === 'bar' ? meta.barType! : instrumentId, frames });
      }
    }
    for (const { type, identifier, frames } of written) {
      const theirs = (await peerNdjson(['read', '--catalog', root, '--type', type, '--identifier', identifier, '--raw'], { timeoutMs: PEER_TIMEOUT })).map(peerRow);
      const ours = frames.flatMap((frame) => Array.from({ length: frame.length }, (_, i) => ourRow(frame, i)));
      assertRowsEqual(ours, theirs, `${type} ${identifier}`);
    }
  });

  it('our files carry exactly the schema and metadata NautilusTrader writes (pyarrow view), both widths', async () => {
    for (const width of [16, 8] as const) {
      const root = join(tmp.path, `schema-${width}`);
      const catalog = await Catalog.open(root, { width });
      const meta = { instrumentId: 'EUR/USD.SIM', pricePrecision: 5, sizePrecision: 0 };
      const written = await catalog.write(randomFrame('trade_tick', prng(width), { width, rows: 12_000, startNs: 1_600_000_000_000_000_000n, meta }));
      const view = await peerJson<{ arrow_schema: string; metadata: Record<string, string>; schema_metadata: Record<string, string>; row_group_sizes: number[]; compression: unknown; stats_ts_init: unknown[] }>(['schema', '--file', written.path]);
      const expected = { instrument_id: 'EUR/USD.SIM', price_precision: '5', size_precision: '0' };
      assert.deepEqual(view.schema_metadata, expected, 'inside ARROW:schema: exactly the Nautilus keys');
      assert.deepEqual(Object.keys(view.metadata).sort(), ['ARROW:schema', ...Object.keys(expected)].sort(), 'plain key/value pairs: ARROW:schema plus the same keys');
      const schema = view.arrow_schema.split('\n').slice(0, 6).join('\n');
      assert.equal(
        schema,
        [`price: fixed_size_binary[${width}] not null`, `size: fixed_size_binary[${width}] not null`, 'aggressor_side: uint8 not null', 'trade_id: string not null', 'ts_event: uint64 not null', 'ts_init: uint64 not null'].join('\n'),
      );
      assert.deepEqual(view.row_group_sizes, [5000, 5000, 2000]);
      assert.equal(view.stats_ts_init.length, 3);
      // pyarrow (NautilusTrader's Python-side reader) decodes the same raws as ours, for both
      // widths; the Linux wheel's Rust decoder is 128-bit only, so it cannot read width 8.
      const script = [
        'import sys, json, pyarrow.parquet as pq',
        't = pq.read_table(sys.argv[1])',
        'raw = lambda c, signed: [str(int.from_bytes(v, "little", signed=signed)) for v in t.column(c).to_pylist()]',
        'print(json.dumps({"price": raw("price", True), "size": raw("size", False), "trade_id": t.column("trade_id").to_pylist(), "ts_init": [str(v) for v in t.column("ts_init").to_pylist()]}))',
      ].join('\n');
      const theirs = JSON.parse((await promisify(execFile)(peerPython(), ['-c', script, written.path], { maxBuffer: 1 << 26 })).stdout) as Record<string, string[]>;
      const ours: Record<string, string[]> = { price: [], size: [], trade_id: [], ts_init: [] };
      for await (const frame of readFile(written.path, 'trade_tick', { width })) {
        for (let i = 0; i < frame.length; i++) {
          ours['price']!.push(fixedRawAt(frame.columns.price, i).toString());
          ours['size']!.push(fixedRawAt(frame.columns.size, i).toString());
          ours['trade_id']!.push(frame.columns.trade_id[i]!);
          ours['ts_init']!.push(frame.columns.ts_init[i]!.toString());
        }
      }
      assert.equal(ours['price']!.length, 12_000);
      assert.deepEqual(ours, theirs, `width ${width}: pyarrow and our reader disagree`);
    }
  });

  it('a BacktestNode run on bars and an instrument we wrote completes and trades', async () => {
    const root = join(tmp.path, 'backtest');
    const [spot] = demoInstruments();
    assert.equal(spot!['id'], 'BTCUSDT.BINANCE');
    await writeInstrument(root, spot!, { scheme: 'py1221' });
    const catalog = await Catalog.open(root, { width: 16, scheme: 'py1221' });
    // 2,000 one-minute bars oscillating around 42,000 so EMA(10)/EMA(20) cross often; stamped at close.
    const count = 2000;
    const bars = allocFrame('bar', 16, count, { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' });
    const start = 1_704_153_600_000_000_000n;
    let previous = 4_200_000n;
    for (let i = 0; i < count; i++) {
      const cents = BigInt(Math.round(4_200_000 + 50_000 * Math.sin(i / 25) + 10_000 * Math.sin(i / 3)));
      const high = (cents > previous ? cents : previous) + 500n;
      const low = (cents < previous ? cents : previous) - 500n;
      setFixedRaw(bars.columns.open, i, previous * 10n ** 14n);
      setFixedRaw(bars.columns.high, i, high * 10n ** 14n);
      setFixedRaw(bars.columns.low, i, low * 10n ** 14n);
      setFixedRaw(bars.columns.close, i, cents * 10n ** 14n);
      setFixedRaw(bars.columns.volume, i, 10n ** 16n * BigInt(1 + (i % 7)));
      bars.columns.ts_event[i] = start + BigInt(i + 1) * NS_PER_MINUTE;
      bars.columns.ts_init[i] = bars.columns.ts_event[i]!;
      previous = cents;
    }
    await catalog.write(bars);
    const result = await peerJson<{ iterations: number; total_orders: number; total_positions: number; fills: number }>(
      ['backtest', '--catalog', root, '--instrument-id', 'BTCUSDT.BINANCE', '--bar-type', 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL'],
      { timeoutMs: PEER_TIMEOUT },
    );
    assert.equal(result.iterations, count);
    assert.ok(result.total_orders > 10, `orders ${result.total_orders}`);
    assert.ok(result.fills > 10, `fills ${result.fills}`);
  });
});
