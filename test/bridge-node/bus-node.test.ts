// python/bus_node.py: a real NautilusTrader 1.221.0 backtest publishes its message bus to a real
// redis-server. Checks the stream keys and entry layout (spec §7.2/7.3), decodes every order,
// fill and position entry (both encodings) and matches them against the node's own report,
// so a lost or unflushed entry shows up as a mismatch. The json run also sets
// buffer_interval_ms, where only dispose() gets the buffered tail into Redis.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type BusEncoding, busPayload, type Payload, pythonScript, readStream, runPythonOk, streamKeys } from './node-process.js';
import { useRedisAndFolder } from './redis-and-folder.js';

interface Report {
  orders: Array<{ client_order_id: string; venue_order_id: string | null; instrument_id: string; side: string; quantity: string; status: string }>;
  fills: Array<{ trade_id: string; client_order_id: string; venue_order_id: string; instrument_id: string; side: string; last_px: string; last_qty: string; commission: string }>;
  positions: Array<Record<string, unknown>>;
}

interface Summary {
  trader_id: string;
  encoding: string;
  report: string;
  streams: Record<string, number>;
}

// The event that must come last for an order in each final status.
const LAST_EVENT_FOR_STATUS: Record<string, string> = {
  FILLED: 'OrderFilled',
  CANCELED: 'OrderCanceled',
  REJECTED: 'OrderRejected',
  EXPIRED: 'OrderExpired',
  DENIED: 'OrderDenied',
};

const env = useRedisAndFolder('seamless-bus-node-');

async function runBusNode(traderId: string, encoding: BusEncoding, extra: string[] = []): Promise<{ summary: Summary; report: Report }> {
  const reportPath = join(env.dir, `report-${traderId}.json`);
  const args = [pythonScript('bus_node.py'), '--redis-port', String(env.server.port), '--trader-id', traderId, '--encoding', encoding, '--report', reportPath, ...extra];
  const { stdout } = await runPythonOk(args);
  const lines = stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `bus_node.py prints one JSON line, got:\n${stdout}`);
  const summary = JSON.parse(lines[0] as string) as Summary;
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
  return { summary, report };
}

async function decodedStreams(prefix: string, topicPattern: string, encoding: BusEncoding): Promise<Map<string, Payload[]>> {
  const result = new Map<string, Payload[]>();
  for (const key of await streamKeys(env.redis, `${prefix}${topicPattern}`)) {
    const payloads: Payload[] = [];
    for (const entry of await readStream(env.redis, key)) {
      const { topic, payload } = busPayload(entry, encoding);
      assert.equal(`${prefix}${topic}`, key, 'stream_per_topic: the key ends with the entry topic');
      payloads.push(payload);
    }
    result.set(key, payloads);
  }
  return result;
}

function assertTimestampsAreStrings(payload: Payload): void {
  for (const [name, value] of Object.entries(payload)) {
    if (name.startsWith('ts_')) assert.equal(typeof value, 'string', `${String(payload['type'])}.${name} must be a string, got ${typeof value}`);
  }
}

for (const [traderId, encoding, extra] of [
  ['TESTER-001', 'msgpack', []],
  ['TESTER-002', 'json', ['--buffer-interval-ms', '200']],
] as Array<[string, BusEncoding, string[]]>) {
  describe(`bus_node.py with encoding ${encoding}${extra.length ? ' and buffer_interval_ms=200' : ''}`, () => {
    let summary: Summary;
    let report: Report;
    const prefix = `trader-${traderId}:stream:`;

    before(async () => {
      ({ summary, report } = await runBusNode(traderId, encoding, extra));
    });

    it('lists the stream keys it wrote, and Redis holds exactly that many entries in each', async () => {
      assert.equal(summary.trader_id, traderId);
      assert.equal(summary.encoding, encoding);
      const keys = Object.keys(summary.streams);
      for (const expected of [
        'events.order.EMACross-001',
        'events.order.EMACrossBracket-002',
        'events.fills.EUR/USD.SIM',
        'events.fills.GBP/USD.SIM',
        'events.position.EMACross-001',
        'events.position.EMACrossBracket-002',
        'events.account.SIM-001',
        'data.quotes.SIM.EUR/USD',
        'data.bars.EUR/USD.SIM-1-MINUTE-BID-INTERNAL',
      ]) {
        assert.ok(keys.includes(prefix + expected), `missing stream ${prefix + expected} in ${keys.join(', ')}`);
      }
      assert.deepEqual(await streamKeys(env.redis, `${prefix}*`), keys.sort());
      for (const key of keys) assert.equal(await env.redis.xlen(key), summary.streams[key], `XLEN ${key}`);
      // 3 hours of quotes every 10 s per instrument, all published.
      assert.equal(summary.streams[`${prefix}data.quotes.SIM.EUR/USD`], 1080);
    });

    it('publishes every order of the report, each ending with the event its status implies', async () => {
      const orderStreams = await decodedStreams(prefix, 'events.order.*', encoding);
      const eventsByOrder = new Map<string, string[]>();
      for (const payloads of orderStreams.values()) {
        for (const payload of payloads) {
          assertTimestampsAreStrings(payload);
          const id = String(payload['client_order_id']);
          eventsByOrder.set(id, [...(eventsByOrder.get(id) ?? []), String(payload['type'])]);
        }
      }
      assert.deepEqual([...eventsByOrder.keys()].sort(), report.orders.map((o) => o.client_order_id).sort());
      const statuses = new Set(report.orders.map((o) => o.status));
      for (const status of ['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED']) assert.ok(statuses.has(status), `the run should produce ${status} orders`);
      for (const order of report.orders) {
        const events = eventsByOrder.get(order.client_order_id) ?? [];
        assert.equal(events[0], 'OrderInitialized', order.client_order_id);
        const last = LAST_EVENT_FOR_STATUS[order.status];
        if (last !== undefined) assert.equal(events.at(-1), last, `${order.client_order_id} is ${order.status}: events ${events.join(',')}`);
      }
    });

    it('publishes every fill twice (order and fills streams) with the report values', async () => {
      const fromOrders = [...(await decodedStreams(prefix, 'events.order.*', encoding)).values()].flat().filter((p) => p['type'] === 'OrderFilled');
      const fromFills = [...(await decodedStreams(prefix, 'events.fills.*', encoding)).values()].flat();
      assert.ok(report.fills.length >= 10, `expected several fills, got ${report.fills.length}`);
      const project = (p: Payload) => ({
        trade_id: p['trade_id'],
        client_order_id: p['client_order_id'],
        venue_order_id: p['venue_order_id'],
        instrument_id: p['instrument_id'],
        side: p['order_side'],
        last_px: p['last_px'],
        last_qty: p['last_qty'],
        commission: p['commission'],
      });
      const byTrade = (a: { trade_id: unknown }, b: { trade_id: unknown }) => String(a.trade_id).localeCompare(String(b.trade_id));
      const expected = report.fills.map(({ trade_id, client_order_id, venue_order_id, instrument_id, side, last_px, last_qty, commission }) => ({
        trade_id, client_order_id, venue_order_id, instrument_id, side, last_px, last_qty, commission,
      }));
      assert.deepEqual(fromOrders.map(project).sort(byTrade), [...expected].sort(byTrade));
      assert.deepEqual(fromFills.map(project).sort(byTrade), [...expected].sort(byTrade));
      assert.match(String(fromFills[0]?.['commission']), /^\d+\.\d{2} USD$/);
    });

    it('publishes one PositionClosed per closed position cycle of the report', async () => {
      const positionEvents = [...(await decodedStreams(prefix, 'events.position.*', encoding)).values()].flat();
      const closed = positionEvents.filter((p) => p['type'] === 'PositionClosed');
      const opened = positionEvents.filter((p) => p['type'] === 'PositionOpened');
      const flatInReport = report.positions.filter((p) => p['side'] === 'FLAT');
      assert.ok(closed.length >= 5, `expected several closed positions, got ${closed.length}`);
      assert.equal(closed.length, flatInReport.length);
      assert.ok(opened.length >= closed.length);
      assert.deepEqual(closed.map((p) => p['realized_pnl']).sort(), flatInReport.map((p) => p['realized_pnl']).sort());
      assert.equal('ts_event' in (closed[0] as Payload), false, 'PositionClosed has no ts_event (spec §7.5)');
      assert.equal(typeof (closed[0] as Payload)['signed_qty'], 'number');
    });
  });
}
