// End to end with a real NautilusTrader 1.221.0 node: python/bus_node.py runs a backtest of
// two example strategies whose kernel publishes its message bus to our redis-server (both
// encodings), then writes the node's own orders/fills/positions report. The bridge must put
// every order and fill of that report into the domain streams once, with the node's values,
// and its FIFO ledger must agree with the node's realized PnL.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { FifoLedger, ledgerFillFromFields } from '../../src/bridge/fifo-ledger.js';
import { addDecimal, formatDecimal, normalizeDecimal, parseDecimal, subDecimal, ZERO } from '../../src/bridge/decimal.js';
import { verifyArchive } from '../../src/bridge/fill-archive.js';
import { BridgeKeys } from '../../src/bridge/keys.js';
import { pythonScript, runPythonOk } from '../bridge-node/node-process.js';
import { tempDir } from '../helpers/paths.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { client, drained, readStream, startBridge, waitFor } from './harness.js';

interface NodeReport {
  orders: { client_order_id: string; venue_order_id: string | null; instrument_id: string; side: string; quantity: string; status: string }[];
  fills: { trade_id: string; client_order_id: string; venue_order_id: string; instrument_id: string; side: string; last_px: string; last_qty: string; commission: string }[];
  positions: { instrument_id: string; realized_pnl: string }[];
}

async function runBusNode(port: number, encoding: string, report: string): Promise<string> {
  const args = [pythonScript('bus_node.py'), '--redis-port', String(port), '--trader-id', 'TESTER-001', '--encoding', encoding, '--report', report];
  return (await runPythonOk(args, { timeoutMs: 300_000 })).stdout;
}

describe('bridge with a real NautilusTrader node', () => {
  let server: RedisServer;
  let redis: Redis;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await startRedis();
    redis = client(server.url);
    dir = await tempDir('seamless-bridge-node-');
  });

  after(async () => {
    redis?.disconnect();
    await server?.stop();
    await dir?.remove();
  });

  for (const encoding of ['msgpack', 'json']) {
    it(`publishes every order and fill the node reports, once each (${encoding})`, { timeout: 300_000 }, async () => {
      await redis.flushall();
      const reportPath = join(dir.path, `report-${encoding}.json`);
      const summary = JSON.parse(await runBusNode(server.port, encoding, reportPath)) as { streams: Record<string, number> };
      const report = JSON.parse(await readFile(reportPath, 'utf8')) as NodeReport;
      assert.ok(report.fills.length > 0 && report.orders.length > 0, 'the node traded');
      const sources = Object.keys(summary.streams);

      const bridge = startBridge({ redisUrl: server.url });
      try {
        await waitFor('the bridge to drain the node streams', () => drained(redis, 'seamless-bridge', sources), 60_000);
        await waitFor('the archive', async () => (await redis.xlen('exec:fills:archive')) === report.fills.length, 30_000);
      } finally {
        await bridge.stop();
      }
      assert.equal(await redis.xlen('bridge:dead'), 0, 'nothing the node wrote was undecodable');

      // Fills: each once, with the node's values.
      const fills = await readStream(redis, 'exec:fills');
      assert.equal(fills.length, report.fills.length);
      const byTrade = new Map(fills.map((f) => [`${f.fields['instrument_id']}|${f.fields['fill_id']}`, f.fields]));
      assert.equal(byTrade.size, fills.length, 'no fill twice');
      for (const expected of report.fills) {
        const f = byTrade.get(`${expected.instrument_id}|${expected.trade_id}`);
        assert.ok(f, `fill ${expected.trade_id} of ${expected.instrument_id} is in exec:fills`);
        assert.deepEqual(
          [f['cl_ord_id'], f['venue_order_id'], f['side'], f['price'], f['qty'], `${f['fee']} ${f['fee_currency']}`, f['venue'], f['symbol']],
          [expected.client_order_id, expected.venue_order_id, expected.side, expected.last_px, expected.last_qty, expected.commission, 'SIM', expected.instrument_id.replace(/\.SIM$/, '')],
        );
      }

      // Orders: each initialized once with the node's side and quantity; its final state once.
      const orders = await readStream(redis, 'exec:orders');
      const eventIds = new Set(orders.map((o) => o.fields['event_id']));
      assert.equal(eventIds.size, orders.length, 'no order event twice');
      const byOrder = new Map<string, Record<string, string>[]>();
      for (const o of orders) byOrder.set(o.fields['cl_ord_id']!, [...(byOrder.get(o.fields['cl_ord_id']!) ?? []), o.fields]);
      assert.equal(byOrder.size, report.orders.length, 'exec:orders has exactly the node\'s orders');
      for (const expected of report.orders) {
        const records = byOrder.get(expected.client_order_id) ?? [];
        const initialized = records.filter((r) => r['status'] === 'initialized');
        assert.equal(initialized.length, 1, `${expected.client_order_id} initialized once`);
        assert.deepEqual([initialized[0]!['side'], initialized[0]!['qty'], initialized[0]!['instrument_id']], [expected.side, expected.quantity, expected.instrument_id]);
        const status = expected.status.toLowerCase();
        if (status === 'filled' || status === 'partially_filled') {
          assert.ok(fills.some((f) => f.fields['cl_ord_id'] === expected.client_order_id), `${expected.client_order_id} has its fills`);
        } else {
          assert.equal(records.filter((r) => r['status'] === status).length, 1, `${expected.client_order_id} is ${status} once`);
        }
        for (const accepted of records.filter((r) => r['status'] === 'accepted')) {
          assert.deepEqual([accepted['side'], accepted['qty'], accepted['venue_order_id']], [expected.side, expected.quantity, expected.venue_order_id ?? ''], `${expected.client_order_id} accepted is completed from its OrderInitialized`);
          assert.ok(accepted['tif'] !== '', 'tif from OrderInitialized');
        }
      }

      // The FIFO ledger, net of fees, equals the node's realized PnL per instrument.
      const ledger = new FifoLedger();
      for (const f of fills) ledger.apply(ledgerFillFromFields(f.id, f.fields));
      const nodePnl = new Map<string, string>();
      for (const p of report.positions) nodePnl.set(p.instrument_id, formatDecimal(normalizeDecimal(addDecimal(parseDecimal(nodePnl.get(p.instrument_id) ?? '0'), parseDecimal(p.realized_pnl.split(' ')[0]!)))));
      for (const r of ledger.results()) {
        const net = subDecimal(parseDecimal(r.realizedPnl), parseDecimal(r.fees['USD'] ?? '0'));
        assert.equal(formatDecimal(normalizeDecimal(net)), nodePnl.get(r.instrumentId) ?? formatDecimal(ZERO), `net realized PnL of ${r.instrumentId}`);
      }

      const verified = await verifyArchive(redis, new BridgeKeys());
      assert.deepEqual(verified, { ok: true, entries: report.fills.length });
      assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_fills_published'), report.fills.length);
    });
  }
});
