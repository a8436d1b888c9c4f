// The bridge in-process against a real redis-server: every mapped event type from both
// encodings and both entry layouts, idempotency, dead letters and raw pass-through,
// retention, and OrderAccepted waiting for its OrderInitialized.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import * as bus from './bus-payloads.js';
import { client, drained, groupInfo, readStream, startBridge, waitFor } from './harness.js';

let server: RedisServer;
let redis: Redis;
const GROUP = 'seamless-bridge';

before(async () => {
  server = await startRedis();
  redis = client(server.url);
});

after(async () => {
  redis.disconnect();
  await server.stop();
});

const EUR = 'EUR/USD.SIM';

/** Writes one order's life, a position's life and market data as a node would; returns the source keys. */
async function writeNodeEvents(trader: string, encoding: bus.Encoding, layout: bus.Layout, into: Redis = redis): Promise<string[]> {
  const orderTopic = 'events.order.EMACross-001';
  const orderKey = bus.busKey(orderTopic, trader);
  const fillsKey = bus.busKey(`events.fills.${EUR}`, trader);
  const positionKey = bus.busKey('events.position.EMACross-001', trader);
  const quoteKey = bus.busKey('data.quotes.SIM.EUR/USD', trader);
  const tradeKey = bus.busKey('data.trades.SIM.EUR/USD', trader);
  const heartbeatKey = bus.busKey('health:heartbeat', trader);
  const o1 = { instrumentId: EUR, clientOrderId: 'O-1', ts: 1_700_000_000_000_000_001n };
  const add = (key: string, topic: string, payload: unknown) => bus.xaddBus(into, key, topic, payload, encoding, layout);
  await add(orderKey, orderTopic, bus.orderInitialized({ ...o1, side: 'BUY', qty: '100', price: '1.10000' }));
  await add(orderKey, orderTopic, bus.orderSubmitted(o1));
  await add(orderKey, orderTopic, bus.orderAccepted({ ...o1, venueOrderId: 'V-1' }));
  await add(orderKey, orderTopic, bus.orderUpdated({ ...o1, venueOrderId: 'V-1', qty: '150', price: '1.10010' }));
  const fill = bus.orderFilled({ ...o1, venueOrderId: 'V-1', tradeId: 'T-1', side: 'BUY', qty: '100', px: '1.10001', commission: '2.00 USD' });
  await add(orderKey, orderTopic, fill);
  await add(fillsKey, `events.fills.${EUR}`, fill); // NautilusTrader publishes every fill twice (spec §7.4)
  await add(orderKey, orderTopic, bus.orderCanceled({ ...o1, venueOrderId: 'V-1' }));
  await add(orderKey, orderTopic, bus.orderRejected({ instrumentId: EUR, clientOrderId: 'O-2', reason: 'INSUFFICIENT_MARGIN' }));
  await add(orderKey, orderTopic, bus.orderExpired({ instrumentId: EUR, clientOrderId: 'O-3', venueOrderId: null }));
  await add(positionKey, 'events.position.EMACross-001', bus.positionOpened({ instrumentId: EUR, positionId: 'P-1', side: 'SHORT', qty: '100', px: '1.10001' }));
  await add(positionKey, 'events.position.EMACross-001', bus.positionChanged({ instrumentId: EUR, positionId: 'P-1', side: 'SHORT', qty: '50', px: '1.10002' }));
  await add(positionKey, 'events.position.EMACross-001', bus.positionClosed({ instrumentId: EUR, positionId: 'P-1', qty: '50', px: '1.10003', ts: 1_700_000_000_000_000_009n }));
  await add(quoteKey, 'data.quotes.SIM.EUR/USD', bus.quoteTick({ instrumentId: EUR, bid: '1.10000', ask: '1.10003', bidSize: '1500000', askSize: '2000000' }));
  await add(tradeKey, 'data.trades.SIM.EUR/USD', bus.tradeTick({ instrumentId: EUR, price: '1.10002', size: '250000', aggressor: 'SELLER', tradeId: '987654' }));
  // The heartbeat payload is an RFC 3339 string, not an event map.
  await into.xadd(heartbeatKey, '*', 'topic', 'health:heartbeat', 'payload', '2024-01-01T00:00:00.000000000Z');
  return [orderKey, fillsKey, positionKey, quoteKey, tradeKey, heartbeatKey];
}

describe('bridge: every event type, both encodings, both layouts', () => {
  const combos: [bus.Encoding, bus.Layout][] = [
    ['json', '1.221.0'],
    ['msgpack', '1.221.0'],
    ['json', 'head'],
    ['msgpack', 'head'],
  ];
  for (const [encoding, layout] of combos) {
    it(`maps ${encoding} payloads in the ${layout} layout`, async () => {
      const trader = `T-${encoding}-${layout.replace(/\./g, '')}`;
      const prefix = `${trader}:`;
      const sources = await writeNodeEvents(trader, encoding, layout);
      const bridge = startBridge({ redisUrl: server.url, prefix, sources: [`trader-${trader}:stream*`] });
      try {
        await waitFor('the bridge to drain the node streams', () => drained(redis, GROUP, sources));
        await waitFor('the fill archive', async () => (await redis.xlen(`${prefix}exec:fills:archive`)) === 1);
      } finally {
        await bridge.stop();
      }
      const orders = await readStream(redis, `${prefix}exec:orders`);
      assert.deepEqual(
        orders.map((o) => [o.fields['cl_ord_id'], o.fields['status']]),
        [
          ['O-1', 'initialized'],
          ['O-1', 'submitted'],
          ['O-1', 'accepted'],
          ['O-1', 'updated'],
          ['O-1', 'canceled'],
          ['O-2', 'rejected'],
          ['O-3', 'expired'],
        ],
      );
      const accepted = orders[2]!.fields;
      assert.deepEqual(
        { status: accepted['status'], venue: accepted['venue'], cl_ord_id: accepted['cl_ord_id'], symbol: accepted['symbol'], side: accepted['side'], qty: accepted['qty'], tif: accepted['tif'], ts_ns: accepted['ts_ns'] },
        { status: 'accepted', venue: 'SIM', cl_ord_id: 'O-1', symbol: 'EUR/USD', side: 'BUY', qty: '100', tif: 'GTC', ts_ns: '1700000000000000001' },
      );
      assert.equal(accepted['price'], '1.10000');
      assert.equal(accepted['order_type'], 'LIMIT');
      assert.equal(accepted['venue_order_id'], 'V-1');
      assert.equal(orders[3]!.fields['qty'], '150');
      assert.equal(orders[3]!.fields['price'], '1.10010');
      assert.equal(orders[4]!.fields['reason'], '', 'OrderCanceled carries no reason in NautilusTrader');
      assert.equal(orders[5]!.fields['reason'], 'INSUFFICIENT_MARGIN');
      assert.equal(orders[6]!.fields['venue_order_id'], '');

      const fills = await readStream(redis, `${prefix}exec:fills`);
      assert.equal(fills.length, 1, 'the fill published on two topics appears once');
      const f = fills[0]!.fields;
      assert.deepEqual(
        [f['fill_id'], f['cl_ord_id'], f['price'], f['qty'], f['fee'], f['venue'], f['ts_ns'], f['fee_currency'], f['side'], f['instrument_id']],
        ['T-1', 'O-1', '1.10001', '100', '2.00', 'SIM', '1700000000000000001', 'USD', 'BUY', EUR],
      );

      const positions = await readStream(redis, `${prefix}exec:positions`);
      assert.deepEqual(
        positions.map((p) => [p.fields['status'], p.fields['side'], p.fields['signed_qty'], p.fields['realized_pnl']]),
        [
          ['opened', 'SHORT', '-100', '-0.20'],
          ['changed', 'SHORT', '-50', '0.00'],
          ['closed', 'FLAT', '0', '125.00'],
        ],
      );
      assert.equal(positions[1]!.fields['unrealized_pnl'], '12.50');
      assert.equal(positions[2]!.fields['ts_ns'], '1700000000000000009', 'PositionClosed has no ts_event: ts_closed is used');
      assert.equal(positions[2]!.fields['duration_ns'], '60000000000');

      const quotes = await readStream(redis, `${prefix}market.raw.SIM.EUR/USD`);
      assert.equal(quotes.length, 1);
      const q = quotes[0]!.fields;
      assert.deepEqual([q['bid_px'], q['bid_sz'], q['ask_px'], q['ask_sz'], q['mid'], q['ts_ns']], ['1.10000', '1500000', '1.10003', '2000000', '1.100015', '1700000000000000000']);
      const trades = await readStream(redis, `${prefix}market.raw.trades.EUR/USD`);
      assert.deepEqual(trades.map((t) => [t.fields['price'], t.fields['size'], t.fields['side'], t.fields['ts_ns'], t.fields['trade_id']]), [['1.10002', '250000', 'SELL', '1700000000000000000', '987654']]);

      const m = bridge.daemon.metrics;
      assert.equal(await m.count('nautilus_bridge_events_processed'), 15);
      assert.equal(await m.count('nautilus_bridge_orders_published'), 7);
      assert.equal(await m.count('nautilus_bridge_fills_published'), 1);
      assert.equal(await m.count('nautilus_bridge_duplicates_skipped'), 1);
      assert.equal(await m.count('nautilus_bridge_heartbeats'), 1);
      assert.equal(await m.count('nautilus_bridge_decode_failures'), 0);
      assert.equal(await redis.xlen(`${prefix}bridge:dead`), 0);
    });
  }
});

/** A BatchPublisher for consumer 'c1' of group 'g', and `count` entries pending for it on a source stream of `prefix`. */
async function directPublisher(prefix: string, count: number) {
  const { BatchPublisher } = await import('../../src/bridge/publisher.js');
  const { BridgeKeys } = await import('../../src/bridge/keys.js');
  const keys = new BridgeKeys(prefix);
  const source = `trader-${prefix}stream:data.quotes.SIM.X`;
  await redis.xgroup('CREATE', source, 'g', '0', 'MKSTREAM');
  for (let i = 0; i < count; i++) await redis.xadd(source, '*', 'topic', 'x', 'payload', String(i));
  await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', count, 'STREAMS', source, '>');
  const ids = (await redis.xrange(source, '-', '+')).map(([id]) => id);
  const publisher = new BatchPublisher(redis, keys, { group: 'g', consumer: 'c1', maxLen: 0, maxAgeMs: 0, seenTtlSeconds: 60, fillsTrimmedByArchiver: false });
  return { publisher, keys, source, ids };
}

describe('bridge: idempotency', () => {
  it('re-delivering the same entries (group rewound, fill re-sent) publishes each fill and order event once', async () => {
    const trader = 'T-idem';
    const prefix = `${trader}:`;
    const sources = await writeNodeEvents(trader, 'msgpack', '1.221.0');
    const run = async () => {
      const bridge = startBridge({ redisUrl: server.url, prefix, sources: [`trader-${trader}:stream*`] });
      try {
        await waitFor('drain', () => drained(redis, GROUP, sources));
      } finally {
        await bridge.stop();
      }
      return bridge;
    };
    await run();
    const before = { orders: await redis.xlen(`${prefix}exec:orders`), fills: await redis.xlen(`${prefix}exec:fills`), positions: await redis.xlen(`${prefix}exec:positions`) };
    assert.deepEqual(before, { orders: 7, fills: 1, positions: 3 });
    // Every entry delivered again from the start, and the fill written once more as a new entry.
    for (const key of sources) await redis.xgroup('SETID', key, GROUP, '0');
    const [fillEntry] = await redis.xrangeBuffer(sources[1]!, '-', '+');
    await redis.xadd(sources[1]!, '*', ...(fillEntry![1] as unknown as string[]));
    const second = await run();
    assert.deepEqual({ orders: await redis.xlen(`${prefix}exec:orders`), fills: await redis.xlen(`${prefix}exec:fills`), positions: await redis.xlen(`${prefix}exec:positions`) }, before);
    assert.equal(await second.daemon.metrics.count('nautilus_bridge_duplicates_skipped'), 13);
  });

  it('an entry that is no longer pending for this consumer is not published again', async () => {
    const { publisher, source, ids: [id] } = await directPublisher('T-pub:', 1);
    const item = { source, id: id!, dest: 'T-pub:out', fields: ['a', '1'] };
    assert.equal(await publisher.publish([item]), 'P');
    assert.equal(await publisher.publish([item]), 'N', 'already acknowledged: nothing happens');
    // Claimed by another consumer meanwhile: the first one must not publish it.
    await redis.xadd(source, '*', 'topic', 'x', 'payload', 'z');
    await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', source, '>');
    const id2 = (await redis.xrevrange(source, '+', '-', 'COUNT', 1))[0]![0];
    await redis.xclaim(source, 'g', 'c2', 0, id2);
    assert.equal(await publisher.publish([{ ...item, id: id2 }]), 'N');
    assert.equal(await redis.xlen('T-pub:out'), 1);
  });

  it('an XADD that fails dead-letters that entry with its fields, forgets its event id, and publishes the rest of the batch', async () => {
    const { publisher, keys, source, ids } = await directPublisher('T-pubE:', 3);
    await redis.set('T-pubE:bad', 'x'); // a string key: XADD to it fails with WRONGTYPE
    const statuses = await publisher.publish([
      { source, id: ids[0]!, dest: 'T-pubE:out', fields: ['x', '1'] },
      { source, id: ids[1]!, dest: 'T-pubE:bad', eventId: 'e1', fields: ['a', '1'] },
      { source, id: ids[2]!, dest: 'T-pubE:out', fields: ['b', '2', 'c', '3'] },
    ]);
    assert.equal(statuses, 'PEP');
    const dead = await readStream(redis, keys.dead);
    assert.equal(dead.length, 1);
    const { reason, ...letter } = dead[0]!.fields;
    assert.match(reason!, /publishing to T-pubE:bad failed: WRONGTYPE/);
    assert.deepEqual(letter, { source, id: ids[1], a: '1' }, "the entry's own fields follow the reason");
    assert.equal(await redis.exists(keys.seen('e1')), 0, 'a later delivery of e1 may publish it');
    assert.deepEqual((await readStream(redis, 'T-pubE:out')).map((e) => e.fields), [{ x: '1' }, { b: '2', c: '3' }]);
  });

  it('fields given as a record publish the same entry as the flat array', async () => {
    const { publisher, source, ids } = await directPublisher('T-pubR:', 2);
    const flat = ['a', '1', 'é', 'ü', 'e', ''];
    assert.equal(await publisher.publish([{ source, id: ids[0]!, dest: 'T-pubR:record', fields: { a: '1', é: 'ü', e: '' } }, { source, id: ids[1]!, dest: 'T-pubR:flat', fields: flat }]), 'PP');
    const [record, array] = [await redis.xrange('T-pubR:record', '-', '+'), await redis.xrange('T-pubR:flat', '-', '+')];
    assert.deepEqual(record.map(([, f]) => f), [flat]);
    assert.deepEqual(array.map(([, f]) => f), [flat]);
  });
});

describe('bridge: bad input', () => {
  it('dead-letters malformed entries with the reason, passes unknown types through to bridge:raw, acks both and keeps running', async () => {
    const trader = 'T-bad';
    const prefix = `${trader}:`;
    const key = bus.busKey('events.order.S-1', trader);
    await redis.xadd(key, '*', 'topic', 'events.order.S-1', 'payload', Buffer.from([0xc1, 0x00, 0xff]) as unknown as string); // 0xc1 is never valid msgpack
    await redis.xadd(key, '*', 'topic', 'events.order.S-1', 'body', '{}'); // no payload field
    const badFill = bus.orderFilled({ instrumentId: EUR, clientOrderId: 'O-9', venueOrderId: 'V', tradeId: 'T', side: 'BUY', qty: '1', px: '1.0', commission: '0.00 USD' });
    badFill['last_px'] = 1.0;
    await bus.xaddBus(redis, key, 'events.order.S-1', badFill, 'msgpack', 'head');
    await bus.xaddBus(redis, key, 'data.bars.X', { type: 'Bar', bar_type: 'EUR/USD.SIM-1-MINUTE-BID-EXTERNAL', open: '1.1', high: '1.2', low: '1.0', close: '1.1', volume: '10', ts_event: '1', ts_init: '1' }, 'json', 'head');
    await bus.xaddBus(redis, key, 'custom.text', 'hello', 'json', '1.221.0');
    await bus.xaddBus(redis, key, 'data.quotes.SIM.EUR/USD', bus.quoteTick({ instrumentId: EUR, bid: '1', ask: '2' }), 'msgpack', '1.221.0');
    const bridge = startBridge({ redisUrl: server.url, prefix, sources: [key] });
    try {
      await waitFor('drain', () => drained(redis, GROUP, [key]));
    } finally {
      await bridge.stop();
    }
    const dead = await readStream(redis, `${prefix}bridge:dead`);
    assert.equal(dead.length, 3);
    assert.match(dead[0]!.fields['reason']!, /neither JSON .* nor msgpack/);
    assert.match(dead[1]!.fields['reason']!, /no "payload" field/);
    assert.match(dead[2]!.fields['reason']!, /OrderFilled\.last_px must be a decimal string.*was 1 \(number\)/);
    assert.equal(dead[2]!.fields['source'], key);
    assert.ok(dead[2]!.fields['entry.payload'], 'the original payload is kept');
    const [deadBytes] = await redis.xrangeBuffer(`${prefix}bridge:dead`, '-', '+', 'COUNT', 1);
    const flat = deadBytes![1] as unknown as Buffer[];
    const payloadAt = flat.findIndex((b) => b.toString() === 'entry.payload');
    assert.deepEqual([...flat[payloadAt + 1]!], [0xc1, 0x00, 0xff], 'raw payload bytes arrive in bridge:dead unchanged');
    const raw = await readStream(redis, `${prefix}bridge:raw`);
    assert.deepEqual(raw.map((r) => [r.fields['type'], r.fields['topic'], r.fields['encoding']]), [
      ['Bar', 'data.bars.X', 'json'],
      ['', 'custom.text', 'json'],
    ]);
    assert.equal(await redis.xlen(`${prefix}market.raw.SIM.EUR/USD`), 1, 'the bridge kept going after the bad entries');
    assert.equal((await readStream(redis, `${prefix}market.raw.SIM.EUR/USD`))[0]!.fields['mid'], '1.5');
    assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_decode_failures'), 3);
    assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_raw_passthrough'), 2);
    assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_events_processed'), 6);
  });
});

describe('bridge: a catch-all source pattern', () => {
  it("with sources ['*'] it never consumes the streams it writes itself", async () => {
    // A database of its own: '*' would otherwise also match the other tests' streams.
    const url = `${server.url}/5`;
    const db = client(url);
    const trader = 'T-star';
    const prefix = `${trader}:`;
    try {
      const sources = await writeNodeEvents(trader, 'msgpack', '1.221.0', db);
      // Bridge-owned streams written by others (flags CLI, the node's mode actor) exist too.
      await db.xadd(`${prefix}audit:flags`, '*', 'flag', 'mode', 'old', '', 'new', 'halt', 'who', 'test', 'ts_ns', '1');
      await db.xadd(`${prefix}nautilus:mode:acks`, '*', 'mode', 'halt', 'state', 'HALTED', 'trader_id', trader, 'ts_ns', '1');
      const bridge = startBridge({ redisUrl: url, prefix, sources: ['*'] });
      const consumed = new Set<string>();
      try {
        await waitFor('the bridge to drain the node streams', () => drained(db, GROUP, sources));
        await waitFor('the fill archive', async () => (await db.xlen(`${prefix}exec:fills:archive`)) === 1);
        // Scans repeat every 100 ms: watch several of them now that the outputs exist.
        const until = Date.now() + 600;
        while (Date.now() < until) {
          for (const key of bridge.daemon.sourceStreams) consumed.add(key);
          await delay(20);
        }
      } finally {
        await bridge.stop();
      }
      assert.deepEqual([...consumed].filter((key) => key.startsWith(prefix)), [], `no ${prefix}exec:*, market.raw.*, bridge:* or audit:* stream is a source`);
      assert.deepEqual([...consumed].sort(), [...sources].sort(), 'the node streams are');
      assert.equal(await db.xlen(`${prefix}market.raw.SIM.EUR/USD`), 1);
      const orders = await readStream(db, `${prefix}exec:orders`);
      assert.equal(orders.length, 7, 'each order event once');
      assert.equal(new Set(orders.map((o) => o.fields['event_id'])).size, 7);
      assert.equal(await db.xlen(`${prefix}exec:fills`), 1);
      assert.equal(await db.xlen(`${prefix}bridge:dead`), 0, 'its own entries were never read back as bus entries');
      assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_events_processed'), 15);
    } finally {
      db.disconnect();
    }
  });
});

describe('bridge: retention', () => {
  it('trims by count (MAXLEN ~) and by age (MINID ~) but never the fill archive', async () => {
    const trader = 'T-ret';
    const prefix = `${trader}:`;
    const quotes = bus.busKey('data.quotes.SIM.EUR/USD', trader);
    const fills = bus.busKey('events.fills.EUR/USD.SIM', trader);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.xadd(quotes, '*', 'topic', 'data.quotes.SIM.EUR/USD', 'payload', bus.encodePayload(bus.quoteTick({ instrumentId: EUR, bid: '1.00000', ask: `1.${String(i).padStart(5, '0')}` }), 'msgpack'));
    for (let i = 0; i < 150; i++) pipeline.xadd(fills, '*', 'topic', 'events.fills.EUR/USD.SIM', 'payload', bus.encodePayload(bus.orderFilled({ instrumentId: EUR, clientOrderId: `O-${i}`, venueOrderId: 'V', tradeId: `T-${i}`, side: 'BUY', qty: '1', px: '1.0', commission: '0.00 USD' }), 'json'));
    await pipeline.exec();
    let bridge = startBridge({ redisUrl: server.url, prefix, sources: [quotes, fills], maxLen: 100 });
    try {
      await waitFor('drain', () => drained(redis, GROUP, [quotes, fills]));
      await waitFor('archive', async () => (await redis.xlen(`${prefix}exec:fills:archive`)) === 150);
    } finally {
      await bridge.stop();
    }
    const quoteLen = await redis.xlen(`${prefix}market.raw.SIM.EUR/USD`);
    assert.ok(quoteLen >= 100 && quoteLen < 300, `MAXLEN ~ 100 keeps about 100 entries, kept ${quoteLen}`);
    assert.ok((await redis.xlen(`${prefix}exec:fills`)) < 300);
    assert.equal(await redis.xlen(`${prefix}exec:fills:archive`), 150, 'the archive is never trimmed');

    // By age: everything older than 300 ms goes once something new is written.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await redis.xadd(quotes, '*', 'topic', 'data.quotes.SIM.EUR/USD', 'payload', bus.encodePayload(bus.quoteTick({ instrumentId: EUR, bid: '1', ask: '3' }), 'json'));
    bridge = startBridge({ redisUrl: server.url, prefix, sources: [quotes], maxLen: 0, maxAgeMs: 300 });
    try {
      await waitFor('drain', () => drained(redis, GROUP, [quotes]));
    } finally {
      await bridge.stop();
    }
    // MINID ~ drops whole radix-tree nodes only: old entries sharing the new entry's node stay.
    const left = await readStream(redis, `${prefix}market.raw.SIM.EUR/USD`);
    assert.ok(left.length < quoteLen && left.length <= 101, `old quotes are trimmed by age, kept ${left.length} of ${quoteLen + 1}`);
    assert.equal(left.at(-1)!.fields['mid'], '2');
  });
});

describe('bridge: OrderAccepted before its OrderInitialized is known', () => {
  it('waits for the OrderInitialized (e.g. on another stream), then publishes complete; publishes incomplete after init-wait', async () => {
    const trader = 'T-init';
    const prefix = `${trader}:`;
    const a = bus.busKey('events.order.S-A', trader);
    const b = bus.busKey('events.order.S-B', trader);
    await bus.xaddBus(redis, a, 'events.order.S-A', bus.orderAccepted({ instrumentId: EUR, clientOrderId: 'O-late', venueOrderId: 'V-1' }), 'msgpack', '1.221.0');
    await bus.xaddBus(redis, a, 'events.order.S-A', bus.orderAccepted({ instrumentId: EUR, clientOrderId: 'O-never', venueOrderId: 'V-2' }), 'msgpack', '1.221.0');
    await redis.xadd(b, '*', 'topic', 'x', 'payload', bus.encodePayload(bus.quoteTick({ instrumentId: EUR, bid: '1', ask: '1' }), 'json'));
    // The steps between the deferral and O-late's OrderInitialized take ~300 ms; 3 s leaves
    // room for a scheduling pause. O-never keeps the test waiting that long.
    const bridge = startBridge({ redisUrl: server.url, prefix, sources: [a, b], initWaitMs: 3000 });
    try {
      await waitFor('the accepted orders to be deferred', async () => (await bridge.daemon.metrics.count('nautilus_bridge_entries_deferred')) === 2);
      assert.equal(await redis.xlen(`${prefix}exec:orders`), 0);
      await bus.xaddBus(redis, b, 'events.order.S-B', bus.orderInitialized({ instrumentId: EUR, clientOrderId: 'O-late', side: 'SELL', qty: '7', tif: 'IOC' }), 'json', 'head');
      await waitFor('drain', () => drained(redis, GROUP, [a, b]));
    } finally {
      await bridge.stop();
    }
    const orders = await readStream(redis, `${prefix}exec:orders`);
    const late = orders.find((o) => o.fields['cl_ord_id'] === 'O-late' && o.fields['status'] === 'accepted')!.fields;
    assert.deepEqual([late['side'], late['qty'], late['tif'], late['order_type']], ['SELL', '7', 'IOC', 'MARKET']);
    const never = orders.find((o) => o.fields['cl_ord_id'] === 'O-never')!.fields;
    assert.deepEqual([never['status'], never['side'], never['qty'], never['tif']], ['accepted', '', '', '']);
    assert.equal(await bridge.daemon.metrics.count('nautilus_bridge_orders_incomplete'), 1);
    assert.equal(await redis.hget(`${prefix}bridge:order:O-late`, 'tif'), 'IOC', 'persisted for other bridge processes');
    assert.ok((await redis.ttl(`${prefix}bridge:order:O-late`)) > 0, 'with a TTL');
  });
});

describe('bridge: stopping while entries stream in', () => {
  it('publishes and acknowledges every entry it read, including the batch read ahead, before it stops', async () => {
    const trader = 'STOP';
    const topic = 'data.quotes.SIM.EUR/USD';
    const key = bus.busKey(topic, trader);
    const bridge = startBridge({ redisUrl: server.url, sources: [key], prefix: 'stop:', batchSize: 50, archive: false });
    let written = 0;
    const writeSome = async (count: number) => {
      const pipeline = redis.pipeline();
      for (let i = 0; i < count; i++, written++) {
        const payload = bus.quoteTick({ instrumentId: EUR, bid: '1.10000', ask: '1.10003', tsInit: 1_700_000_000_000_000_000n + BigInt(written) });
        pipeline.xadd(key, '*', 'topic', topic, 'payload', bus.encodePayload(payload, 'msgpack'));
      }
      await pipeline.exec();
    };
    // Keep entries arriving while the bridge stops, so a read is always outstanding.
    await waitFor('the group', async () => (await groupInfo(redis, key, GROUP)) !== undefined);
    for (let i = 0; i < 20; i++) await writeSome(25);
    await waitFor('the bridge to be publishing', async () => (await redis.xlen('stop:market.raw.SIM.EUR/USD')) >= 100);
    const stopping = bridge.stop();
    for (let i = 0; i < 10; i++) await writeSome(25);
    await stopping;

    const [pending] = (await redis.xpending(key, GROUP)) as [number];
    assert.equal(pending, 0, 'nothing the bridge read is left pending');
    const group = (await groupInfo(redis, key, GROUP))!;
    const delivered = (await redis.xrange(key, '-', String(group['last-delivered-id']))).length;
    const published = await readStream(redis, 'stop:market.raw.SIM.EUR/USD');
    assert.ok(delivered >= 100, `the bridge was reading when it stopped (${delivered} entries delivered)`);
    assert.equal(published.length, delivered, 'every entry read was published once');
    assert.deepEqual(published.map((e) => e.fields['ts_init']), Array.from({ length: delivered }, (_, i) => String(1_700_000_000_000_000_000n + BigInt(i))));
  });
});
