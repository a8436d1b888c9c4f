/**
 * Catalog schema v2 (spec §11): prices and sizes as Decimal128(38, 16), instants as
 * Timestamp(ns, UTC), undefined values as nulls. No Python 3.11 NautilusTrader writes it, so
 * pyarrow in .venv writes the files; our reader must decode them to the same raws as v1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readFile } from '../../src/catalog/reader.js';
import { PRICE_UNDEF, QUANTITY_UNDEF } from '../../src/model/fixed-point.js';
import { type Frame, concatFrames, fixedRawAt } from '../../src/model/frames.js';
import { peerPython } from '../helpers/python-peer.js';
import { tempDir } from '../helpers/paths.js';

const WRITE_V2 = `
import sys, decimal
import pyarrow as pa, pyarrow.parquet as pq
decimal.getcontext().prec = 60
D = decimal.Decimal
bids = [D("112.12000"), D("-0.0000000000000001"), D("17014118346045.9988838491619328")]
asks = [D("112.17200"), None, D("1")]
sizes = [D("10000000"), D("0.0000000000000001"), None]
ts = [1577898000000000065, 1577898000000000066, 1577919652000000125]
dec = pa.decimal128(38, 16)
schema = pa.schema([
    pa.field("bid_price", dec, False), pa.field("ask_price", dec, True),
    pa.field("bid_size", dec, True), pa.field("ask_size", dec, False),
    pa.field("ts_event", pa.timestamp("ns", tz="UTC"), False), pa.field("ts_init", pa.timestamp("ns", tz="UTC"), False),
], metadata={"instrument_id": "EUR/USD.SIM", "price_precision": "16", "size_precision": "16"})
table = pa.table([bids, asks, sizes, [D("1")] * 3, pa.array(ts, pa.timestamp("ns", tz="UTC")), pa.array(ts, pa.timestamp("ns", tz="UTC"))], schema=schema)
pq.write_table(table, sys.argv[1], row_group_size=2)
`;

describe('catalog schema v2', () => {
  let tmp: { path: string; remove: () => Promise<void> };
  before(async () => {
    tmp = await tempDir('seamless-v2-');
  });
  after(async () => tmp.remove());

  it('decodes Decimal128(38,16) and Timestamp(ns, UTC) columns to v1 raws, nulls to UNDEF', async () => {
    const path = join(tmp.path, 'v2-quotes.parquet');
    await promisify(execFile)(peerPython(), ['-c', WRITE_V2, path]);
    const frames: Frame<'quote_tick'>[] = [];
    for await (const frame of readFile(path, 'quote_tick', { width: 16 })) frames.push(frame);
    const quotes = concatFrames(frames);
    assert.equal(quotes.length, 3);
    const c = quotes.columns;
    assert.deepEqual([0, 1, 2].map((i) => fixedRawAt(c.bid_price, i)), [1_121_200_000_000_000_000n, -1n, 170_141_183_460_459_988_838_491_619_328n]);
    assert.deepEqual([0, 1, 2].map((i) => fixedRawAt(c.ask_price, i)), [1_121_720_000_000_000_000n, PRICE_UNDEF[16], 10_000_000_000_000_000n]);
    assert.deepEqual([0, 1, 2].map((i) => fixedRawAt(c.bid_size, i)), [100_000_000_000_000_000_000_000n, 1n, QUANTITY_UNDEF[16]]);
    assert.deepEqual([...c.ts_init], [1577898000000000065n, 1577898000000000066n, 1577919652000000125n]);
    assert.deepEqual([...c.ts_event], [...c.ts_init]);
  });
});
