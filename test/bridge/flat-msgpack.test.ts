// The fast paths of the bridge's hot loop must give exactly what the generic code gives:
// decodeFlatMap vs @msgpack/msgpack (useBigInt64) on random flat maps and on every real
// NautilusTrader bus payload captured in test/fixtures/bus; midText's Number path vs exact
// bigint decimal math; PackWriter growing and being reused (records vs arrays: bridge-flow).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Decoder, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { decodePayload } from '../../src/bridge/bus-entry.js';
import { addDecimal, formatDecimal, halfDecimal, midText, parseDecimal } from '../../src/bridge/decimal.js';
import { decodeFlatMap } from '../../src/bridge/flat-msgpack.js';
import { PackWriter } from '../../src/bridge/pack-batch.js';
import { compareStreamIds } from '../../src/bridge/stream-id.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { writeValue } from './pack-value.js';

const generic = new Decoder({ useBigInt64: true });

/** Generic decode, or the error's class name when it throws. */
function reference(bytes: Uint8Array): unknown {
  try {
    return generic.decode(bytes);
  } catch (error) {
    return error instanceof Error ? error.constructor.name : 'throws';
  }
}

// Every value kind a flat Nautilus payload holds, across all msgpack widths.
const flatValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('1.10000', '1700000000000000000', 'EUR/USD.SIM', 'QuoteTick', ''),
  fc.integer(),
  fc.integer({ min: -128, max: 255 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.double(),
  fc.float().map((f) => ({ float32: f })),
  fc.boolean(),
  fc.constant(null),
);
const flatMap = fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('type', 'ts_init', 'bid_price', 'instrument_id')), flatValue, { maxKeys: 40 });

/** msgpack bytes of a flat map; {float32} values are written as msgpack float32 (Nautilus never does, decoders must still agree). */
function encodeFlat(map: Record<string, unknown>): Uint8Array {
  const hasFloat32 = Object.values(map).some((v) => typeof v === 'object' && v !== null);
  if (!hasFloat32) return encode(map, { useBigInt64: true });
  const plain = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'object' && v !== null ? (v as { float32: number }).float32 : v]));
  return encode(plain, { useBigInt64: true, forceFloat32: true });
}

describe('decodeFlatMap equals @msgpack/msgpack', () => {
  it('property: random flat maps (str/int/bigint/float/bool/nil values, unicode, every width)', () => {
    fc.assert(
      fc.property(flatMap, (map) => {
        const bytes = encodeFlat(map);
        const fast = decodeFlatMap(bytes);
        if (fast !== undefined) assert.deepEqual(fast, generic.decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for the ordinary shapes (it is not silently always falling back)', () => {
    const quote = { type: 'QuoteTick', instrument_id: 'EUR/USD.SIM', bid_price: '1.10000', ts_init: '1700000000000000000', n: -5, big: 2n ** 60n + 1n, u32: 4_000_000_000, f: 0.1, t: true, z: null, é: 'ünï' };
    const decoded = decodeFlatMap(encode(quote, { useBigInt64: true }));
    assert.deepEqual(decoded, quote);
    // Same again: keys and repeated values come from the per-position cache.
    assert.deepEqual(decodeFlatMap(encode({ ...quote, bid_price: '1.10001' }, { useBigInt64: true })), { ...quote, bid_price: '1.10001' });
  });

  it('int64/uint64 stay exact bigints, also beyond 2^53', () => {
    const map = { a: 2n ** 53n + 1n, b: -(2n ** 63n), c: 2n ** 64n - 1n, d: 0n };
    const bytes = encode(map, { useBigInt64: true });
    assert.deepEqual(decodeFlatMap(bytes), generic.decode(bytes));
    assert.equal((decodeFlatMap(bytes) as Record<string, unknown>)['a'], 2n ** 53n + 1n);
  });

  it('hands everything unusual to the generic decoder (undefined), never a different value', () => {
    const cases: Uint8Array[] = [
      encode({ options: { expire_time_ns: 1 } }), // nested map
      encode({ list: [1, 2] }), // array
      encode({ bin: new Uint8Array([1, 2]) }), // bin
      Uint8Array.from([0x81, 0x01, 0xa1, 0x78]), // non-str key (1: 'x')
      encode([1, 2]), // not a map
      Uint8Array.from([0x81, 0xa1, 0x61, 0xa3, 0x62]), // truncated str
      Uint8Array.from([0x81, 0xa1, 0x61, 0x01, 0x00]), // trailing byte
      Uint8Array.from([0x81, 0xa1, 0x61, 0xa2, 0xc3, 0x28]), // invalid UTF-8
      Uint8Array.from([0x81, 0xa1, 0x61, 0xa3, 0xef, 0xbb, 0xbf]), // a lone BOM
      Uint8Array.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x01]), // __proto__ key
      Uint8Array.from([0x82, 0xa1, 0x61]), // fewer pairs than announced
    ];
    for (const bytes of cases) assert.equal(decodeFlatMap(bytes), undefined, Buffer.from(bytes).toString('hex'));
    // And decodePayload still gives the generic result (or its error) for them.
    assert.deepEqual(decodePayload(encode({ options: { expire_time_ns: 2n ** 60n } }, { useBigInt64: true })).value, { options: { expire_time_ns: 2n ** 60n } });
  });

  it('fuzz: arbitrary bytes give either undefined or exactly the generic result', () => {
    const mapLike = fc.tuple(fc.constantFrom(0x81, 0x82, 0x83, 0x8f, 0xde), fc.uint8Array({ maxLength: 60 })).map(([h, rest]) => Uint8Array.from([h, ...rest]));
    fc.assert(
      fc.property(fc.oneof(mapLike, fc.uint8Array({ maxLength: 60 })), (bytes) => {
        const fast = decodeFlatMap(bytes);
        if (fast !== undefined) assert.deepEqual(fast, reference(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('every real NautilusTrader bus payload in test/fixtures/bus decodes as the generic decoder does', () => {
    let flat = 0;
    let total = 0;
    for (const file of ['bus-node-msgpack.jsonl', 'mode-probe-msgpack.jsonl']) {
      for (const line of readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'bus', file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as { fields: Record<string, string> };
        const base64 = entry.fields['payload_base64'];
        if (base64 === undefined) continue;
        const bytes = Buffer.from(base64, 'base64');
        if (bytes[0]! < 0x80 || bytes[0]! > 0x8f) continue; // heartbeats and non-map payloads
        total++;
        const expected = generic.decode(bytes) as Record<string, unknown>;
        const isFlat = Object.values(expected).every((v) => v === null || typeof v !== 'object');
        const fast = decodeFlatMap(bytes);
        // Flat payloads (QuoteTick, Bar, OrderAccepted, Position*, ...) must take the fast path;
        // nested ones (OrderFilled.info, OrderInitialized.options, ...) must fall back.
        assert.equal(fast !== undefined, isFlat, `${String(expected['type'])} in ${file}`);
        if (fast === undefined) continue;
        flat++;
        assert.deepEqual(fast, expected);
      }
    }
    assert.ok(total > 20 && flat > 10, `expected many map payloads, found ${total}, ${flat} flat`);
  });
});

describe('midText fast path', () => {
  const exactMid = (bid: string, ask: string) => formatDecimal(halfDecimal(addDecimal(parseDecimal(bid), parseDecimal(ask))));

  it('property: equals exact bigint decimal math, for small and huge values', () => {
    const decimalText = fc
      .tuple(fc.boolean(), fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.bigInt({ min: 0n, max: 10n ** 22n })), fc.integer({ min: 0, max: 16 }))
      .map(([negative, units, scale]) => formatDecimal({ units: negative ? -units : units, scale }));
    fc.assert(
      fc.property(decimalText, decimalText, (bid, ask) => assert.equal(midText(bid, ask), exactMid(bid, ask))),
      { numRuns: 5000 },
    );
  });

  it('edge cases agree too; bad text still fails with DecimalError', () => {
    for (const [bid, ask] of [['-0.0', '0.0'], ['99999999999999', '99999999999999'], ['0.00000000000001', '99999999999999'], ['-1.5', '1.4'], ['7', '0.000000000000001']] as const) {
      assert.equal(midText(bid, ask), exactMid(bid, ask), `${bid} ${ask}`);
    }
    for (const bad of ['1.', '.5', '1.2.3', '+1', '', '-', '1e3']) assert.throws(() => midText(bad, '1'), /decimal/);
  });
});

describe('PackWriter', () => {
  it('grows past its scratch size and is reusable after reset()', () => {
    const w = new PackWriter();
    const big = 'x'.repeat(200_000);
    writeValue(w, [big, big]);
    const first = w.finish();
    assert.deepEqual(generic.decode(first), [big, big]);
    writeValue(w.reset(), 'small');
    assert.equal(generic.decode(w.finish()), 'small');
    assert.equal(String(generic.decode(first)).length, 400_001, 'a finished buffer is not overwritten by later writes');
  });
});

describe('compareStreamIds', () => {
  it('property: orders ids as (ms, seq) numbers, a missing seq being 0', () => {
    const part = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const id = fc.tuple(part, fc.option(part)).map(([ms, seq]) => ({ text: seq === null ? String(ms) : `${ms}-${seq}`, ms, seq: seq ?? 0n }));
    fc.assert(
      fc.property(id, id, (a, b) => {
        const expected = a.ms !== b.ms ? (a.ms < b.ms ? -1 : 1) : a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
        assert.equal(Math.sign(compareStreamIds(a.text, b.text)), expected, `${a.text} vs ${b.text}`);
      }),
      { numRuns: 5000 },
    );
  });
});
