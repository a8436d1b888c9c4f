// Entry and payload decoding (spec §7.3, §7.5): both layouts, both encodings, an `encoding`
// field that lies, and fuzzing: arbitrary bytes and arbitrary maps never crash the mapping,
// they fail with one of the bridge's own errors (which the daemon dead-letters).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { MalformedEntryError, decodePayload, readBusEntry } from '../../src/bridge/bus-entry.js';
import { DecimalError, midText, parseDecimal, formatDecimal } from '../../src/bridge/decimal.js';
import { routeMessage } from '../../src/bridge/event-router.js';
import { BridgeKeys } from '../../src/bridge/keys.js';
import { orderStatus } from '../../src/bridge/order-mapper.js';
import { PayloadShapeError } from '../../src/bridge/payload-fields.js';
import * as bus from './bus-payloads.js';
import { type Packable, packBatch } from './pack-value.js';

const keys = new BridgeKeys();
const b = (text: string) => Buffer.from(text);

describe('bus entries', () => {
  it('reads the 1.221.0 layout (topic, payload) and the later one (topic, type, payload, encoding)', () => {
    const old = readBusEntry('k', '1-0', [b('topic'), b('events.order.S'), b('payload'), b('{}')]);
    assert.deepEqual([old.topic, old.declaredType, old.declaredEncoding, old.payloadBytes.toString()], ['events.order.S', '', '', '{}']);
    const head = readBusEntry('k', '1-1', [b('topic'), b('data.quotes.SIM.X'), b('type'), b('QuoteTick'), b('payload'), b('\x80'), b('encoding'), b('MsgPack')]);
    assert.deepEqual([head.topic, head.declaredType, head.declaredEncoding], ['data.quotes.SIM.X', 'QuoteTick', 'msgpack'], 'encoding is parsed case-insensitively');
  });

  it('names what is missing', () => {
    assert.throws(() => readBusEntry('k', '1-0', [b('payload'), b('{}')]), /no "topic" field/);
    assert.throws(() => readBusEntry('k', '1-0', [b('topic'), b('t')]), /no "payload" field/);
    assert.throws(() => readBusEntry('k', '1-0', [b('topic')]), /odd number/);
  });

  it('decodes JSON and msgpack by sniffing the bytes, whatever the encoding field says', () => {
    const quote = bus.quoteTick({ instrumentId: 'EUR/USD.SIM', bid: '1.10000', ask: '1.10002' });
    for (const encoding of ['json', 'msgpack'] as const) {
      const decoded = decodePayload(bus.encodePayload(quote, encoding));
      assert.equal(decoded.encoding, encoding);
      assert.deepEqual(decoded.value, quote);
    }
    // Whitespace before JSON, a JSON string payload, a msgpack string payload.
    assert.deepEqual(decodePayload(b('  \n{"a":1}')).value, { a: 1 });
    assert.deepEqual(decodePayload(b('"hello"')), { encoding: 'json', value: 'hello' });
    assert.deepEqual(decodePayload(Buffer.from(encode('hello'))), { encoding: 'msgpack', value: 'hello' });
  });

  it('keeps msgpack 64-bit integers exact', () => {
    const decoded = decodePayload(Buffer.from(encode({ duration_ns: 2n ** 60n + 1n }, { useBigInt64: true })));
    assert.deepEqual(decoded.value, { duration_ns: 2n ** 60n + 1n });
  });

  it('rejects bytes that are neither, naming both failures', () => {
    assert.throws(() => decodePayload(Buffer.from([0xc1])), (e: unknown) => e instanceof MalformedEntryError && /neither JSON .* nor msgpack/.test(e.message));
    assert.throws(() => decodePayload(b('{"a":')), MalformedEntryError);
    assert.throws(() => decodePayload(Buffer.alloc(0)), /empty/);
  });

  it('fuzz: arbitrary payload bytes decode or fail with MalformedEntryError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodePayload(bytes);
        } catch (error) {
          assert.ok(error instanceof MalformedEntryError, String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('routing and mapping', () => {
  it('maps order statuses to snake case', () => {
    assert.equal(orderStatus('OrderPendingCancel'), 'pending_cancel');
    assert.equal(orderStatus('OrderModifyRejected'), 'modify_rejected');
    assert.equal(orderStatus('OrderAccepted'), 'accepted');
  });

  it('ISO-8601 timestamps (timestamps_as_iso8601) become nanoseconds', () => {
    const quote = { ...bus.quoteTick({ instrumentId: 'EUR/USD.SIM', bid: '1', ask: '2' }), ts_event: '2020-01-30T15:28:09.820000Z', ts_init: '2020-01-30T15:28:09.820000001Z' };
    const routed = routeMessage('data.quotes.SIM.EUR/USD', { encoding: 'json', value: quote }, keys);
    assert.ok(routed.route === 'domain');
    assert.equal(routed.record.fields['ts_ns'], '1580398089820000000');
    assert.equal(routed.record.fields['ts_init'], '1580398089820000001');
  });

  it('symbols with dots keep them: the venue is after the last dot', () => {
    const routed = routeMessage('t', { encoding: 'json', value: bus.tradeTick({ instrumentId: '1.166564490-60424-0.0.BETFAIR', price: '2.5', size: '10', aggressor: 'NO_AGGRESSOR', tradeId: 'x' }) }, keys);
    assert.ok(routed.route === 'domain');
    assert.equal(routed.record.stream, 'market.raw.trades.1.166564490-60424-0.0');
    assert.equal(routed.record.fields['side'], 'NONE');
    assert.equal(routed.record.fields['venue'], 'BETFAIR');
  });

  it('unknown types and typeless payloads are raw, heartbeats are heartbeats', () => {
    assert.deepEqual(routeMessage('data.bars.X', { encoding: 'json', value: { type: 'Bar' } }, keys), { route: 'raw', type: 'Bar' });
    assert.deepEqual(routeMessage('x', { encoding: 'json', value: 42 }, keys), { route: 'raw', type: '' });
    assert.deepEqual(routeMessage('health:heartbeat', { encoding: 'json', value: 'x' }, keys), { route: 'heartbeat' });
  });

  it('fuzz: arbitrary maps with a mapped type fail only with the bridge\'s own errors', () => {
    const types = ['QuoteTick', 'TradeTick', 'OrderFilled', 'OrderAccepted', 'OrderInitialized', 'OrderUpdated', 'PositionOpened', 'PositionClosed'];
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('1.5', '100', '2.00 USD', 'EUR/USD.SIM', 'BUYER', '1700000000000000000', '2020-01-30T15:28:09Z'));
    const base = bus.orderFilled({ instrumentId: 'EUR/USD.SIM', clientOrderId: 'O', venueOrderId: 'V', tradeId: 'T', side: 'BUY', qty: '1', px: '1', commission: '0.00 USD' });
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.dictionary(fc.constantFrom(...Object.keys(base), 'bid_price', 'ask_price', 'bid_size', 'ask_size', 'price', 'size', 'aggressor_side', 'quantity', 'side', 'position_id', 'entry'), value), fc.boolean(), (type, overrides, startFromValid) => {
        const payload = { ...(startFromValid ? base : {}), ...overrides, type };
        try {
          routeMessage('t', { encoding: 'json', value: payload }, keys);
        } catch (error) {
          assert.ok(error instanceof PayloadShapeError || error instanceof DecimalError || error instanceof MalformedEntryError, `${type}: ${String(error)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('exact decimals', () => {
  it('mid is exact: one more decimal only when needed', () => {
    assert.equal(midText('1.10000', '1.10002'), '1.10001');
    assert.equal(midText('1.10000', '1.10003'), '1.100015');
    assert.equal(midText('100', '101'), '100.5');
    assert.equal(midText('0.1', '0.25'), '0.175');
    assert.throws(() => midText('1e-3', '1'), DecimalError);
  });

  it('property: mid × 2 = bid + ask, and text round-trips', () => {
    const decimalText = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 12 })).map(([units, scale]) => formatDecimal({ units, scale }));
    fc.assert(
      fc.property(decimalText, decimalText, (bid, ask) => {
        assert.equal(formatDecimal(parseDecimal(bid)), bid);
        const mid = parseDecimal(midText(bid, ask));
        const a = parseDecimal(bid);
        const c = parseDecimal(ask);
        const scale = Math.max(mid.scale, a.scale, c.scale);
        const at = (d: { units: bigint; scale: number }) => d.units * 10n ** BigInt(scale - d.scale);
        assert.equal(2n * at(mid), at(a) + at(c));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('batch packing (what publish-batch receives)', () => {
  it('property: packBatch output is msgpack that decodes back to the same bytes and numbers', () => {
    const leaf = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)));
    const { tree } = fc.letrec<{ tree: Packable }>((tie) => ({ tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 20 })) }));
    // Strings and Buffers both travel as msgpack str (Redis' cmsgpack has no bin): compare bytes.
    const plain = (v: unknown): unknown =>
      typeof v === 'string' ? [...Buffer.from(v, 'utf8')] : v instanceof Uint8Array ? [...v] : Array.isArray(v) ? v.map(plain) : v;
    fc.assert(
      fc.property(tree, (value) => {
        assert.deepEqual(plain(decode(packBatch(value), { rawStrings: true })), plain(value));
      }),
      { numRuns: 500 },
    );
    // Lengths at every header boundary.
    for (const n of [15, 16, 31, 32, 255, 256, 65535, 65536]) {
      assert.equal((decode(packBatch('x'.repeat(n))) as string).length, n);
      assert.equal((decode(packBatch(Array.from({ length: n }, () => 1))) as number[]).length, n);
      assert.equal((decode(packBatch(Buffer.alloc(n)), { rawStrings: true }) as Uint8Array).length, n);
    }
  });
});
