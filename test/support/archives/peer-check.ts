/**
 * Reads an imported catalog back through real NautilusTrader (python/nautilus_peer.py `read
 * --raw`) and checks every row against what the archive generator says the importer should
 * have made of it: exact raws, the display text at the instrument's precision, aggressor,
 * trade id and nanosecond stamps.
 */
import assert from 'node:assert/strict';
import { formatRaw, parseRaw } from '../../../src/model/fixed-point.js';
import { peerNdjson } from '../../helpers/python-peer.js';
import type { ExpectedBar, ExpectedTrade } from './binance-csv.js';

type Row = Record<string, unknown>;

/** Parses a peer line keeping big integers exact (as strings). */
function peerRow(line: string): Row {
  return JSON.parse(line.replace(/":(-?\d{16,})/g, '":"$1"')) as Row;
}

export async function peerRows(catalog: string, type: 'trade_tick' | 'bar', identifier: string): Promise<Row[]> {
  return (await peerNdjson(['read', '--catalog', catalog, '--type', type, '--identifier', identifier, '--raw'], { timeoutMs: 300_000 })).map(peerRow);
}

function checkValue(row: Row, field: string, text: string, precision: number, label: string): void {
  const raw = parseRaw(text, 16, 16, true);
  assert.equal(String(row[`${field}_raw`]), raw.toString(), `${label}: ${field} raw of ${text}`);
  assert.equal(row[field], formatRaw(raw, precision, 16), `${label}: ${field} text of ${text}`);
}

/** Asserts NautilusTrader read exactly `expected`, in order. */
export function assertTrades(rows: readonly Row[], expected: readonly ExpectedTrade[], instrumentId: string, precision: { price: number; size: number }): void {
  assert.equal(rows.length, expected.length, 'row count');
  rows.forEach((row, i) => {
    const want = expected[i]!;
    const label = `row ${i} (trade ${want.id})`;
    assert.equal(row['type'], 'TradeTick');
    assert.equal(row['instrument_id'], instrumentId, label);
    checkValue(row, 'price', want.price, precision.price, label);
    checkValue(row, 'size', want.size, precision.size, label);
    assert.equal(row['aggressor_side'], want.aggressor, label);
    assert.equal(row['trade_id'], want.id, label);
    assert.equal(row['ts_event'], want.tsNs.toString(), label);
    assert.equal(row['ts_init'], want.tsNs.toString(), label);
  });
}

/** Asserts NautilusTrader read exactly `expected` bars, stamped at their close. */
export function assertBars(rows: readonly Row[], expected: readonly ExpectedBar[], barType: string, precision: { price: number; size: number }): void {
  assert.equal(rows.length, expected.length, 'bar count');
  rows.forEach((row, i) => {
    const want = expected[i]!;
    const label = `bar ${i}`;
    assert.equal(row['type'], 'Bar');
    assert.equal(row['bar_type'], barType, label);
    for (const field of ['open', 'high', 'low', 'close'] as const) checkValue(row, field, want[field], precision.price, label);
    checkValue(row, 'volume', want.volume, precision.size, label);
    assert.equal(row['ts_event'], want.tsNs.toString(), label);
    assert.equal(row['ts_init'], want.tsNs.toString(), label);
  });
}
