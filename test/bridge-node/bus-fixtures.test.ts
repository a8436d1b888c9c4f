// test/fixtures/bus/*.jsonl hold REAL bus entries captured from NautilusTrader 1.221.0
// (python/capture_bus_fixture.py). Checks they are what they claim: each payload, decoded here
// by @msgpack/msgpack / JSON.parse, equals what msgspec decoded at capture time, keys match
// topics, and the event types the bridge needs are all present.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/python-peer.js';
import { type BusEncoding, decodePayload } from './node-process.js';

interface FixtureLine {
  key: string;
  id: string;
  fields: Record<string, string>;
  encoding?: BusEncoding;
  decoded?: unknown;
}

function load(name: string): FixtureLine[] {
  const text = readFileSync(join(repoRoot(), 'test', 'fixtures', 'bus', name), 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as FixtureLine);
}

/** bigint (msgpack u64 beyond 2^53) -> number, as JSON.parse reads the captured value. */
function comparable(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

for (const [file, encoding] of [
  ['bus-node-msgpack.jsonl', 'msgpack'],
  ['bus-node-json.jsonl', 'json'],
  ['mode-probe-msgpack.jsonl', 'msgpack'],
] as Array<[string, BusEncoding]>) {
  describe(`fixture ${file}`, () => {
    const lines = load(file);
    const busLines = lines.filter((l) => l.key.startsWith('trader-'));

    it('decodes every captured payload to what msgspec decoded', () => {
      assert.ok(busLines.length > 20);
      for (const line of busLines) {
        assert.equal(line.encoding, encoding);
        assert.deepEqual(Object.keys(line.fields), ['payload_base64', 'topic']);
        assert.equal(line.key, `trader-TESTER-001:stream:${line.fields['topic']}`);
        const payload = decodePayload(Buffer.from(line.fields['payload_base64'] as string, 'base64'), encoding);
        assert.deepEqual(comparable(payload), line.decoded, `${line.key} ${line.id}`);
      }
    });

    it('covers the order, position and account event types', () => {
      const types = new Set(busLines.map((l) => (l.decoded as Record<string, unknown>)['type']));
      const expected = ['OrderInitialized', 'OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderCanceled', 'PositionOpened', 'PositionClosed', 'AccountState', 'QuoteTick', 'Bar'];
      if (file.startsWith('bus-node')) expected.push('OrderRejected', 'OrderExpired', 'OrderTriggered');
      else expected.push('OrderDenied', 'TradingStateChanged', 'PositionChanged');
      for (const type of expected) assert.ok(types.has(type), `${file} lacks ${type}`);
    });
  });
}

describe('fixture mode-probe-msgpack.jsonl acks', () => {
  it('holds the four acks of the halt proof as plain string fields', () => {
    const acks = load('mode-probe-msgpack.jsonl').filter((l) => l.key === 'nautilus:mode:acks');
    assert.deepEqual(
      acks.map((a) => [a.fields['mode'], a.fields['state'], a.fields['trader_id']]),
      [['active', 'ACTIVE', 'TESTER-001'], ['halt', 'HALTED', 'TESTER-001'], ['reducing', 'REDUCING', 'TESTER-001'], ['active', 'ACTIVE', 'TESTER-001']],
    );
    for (const ack of acks) assert.match(ack.fields['ts_ns'] as string, /^\d{19}$/);
  });
});
