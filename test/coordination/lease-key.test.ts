// Lease keys: unambiguous for node ids full of `:` and `/`, and parseLeaseKey round-trips.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeKeyPart, unescapeKeyPart } from '../../src/coordination/key-part.js';
import { leaseKey, parseLeaseKey } from '../../src/coordination/lease-key.js';
import { CoordinationKeys } from '../../src/coordination/redis-keys.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const NS = 1_000_000_000n;
const range = fc
  .tuple(fc.bigInt({ min: 0n, max: 4_000_000_000n * NS }), fc.bigInt({ min: 1n, max: 400n * 86_400n * NS }))
  .map(([start, length]) => ({ start, end: start + length }));
/** Any text, lone surrogates included, biased towards the separators that matter. */
const nodeId = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.stringMatching(/^[a-z0-9:/%A3]{1,24}$/));

describe('leaseKey / parseLeaseKey', () => {
  it('reads back the node id the Python design got wrong', () => {
    const key = leaseKey('ohlcv:binance:BTC/USDT:1m', 0n, 60n * NS);
    assert.equal(key, 'ohlcv%3Abinance%3ABTC/USDT%3A1m:0:60000000000');
    assert.deepEqual(parseLeaseKey(key), { nodeId: 'ohlcv:binance:BTC/USDT:1m', start: 0n, end: 60n * NS });
  });

  it('round-trips every node id and range (property)', () => {
    fc.assert(
      fc.property(nodeId, range, (id, { start, end }) => {
        assert.deepEqual(parseLeaseKey(leaseKey(id, start, end)), { nodeId: id, start, end });
      }),
      { numRuns: 2000 },
    );
  });

  it('gives different keys to different (node id, range) triples (property)', () => {
    fc.assert(
      fc.property(nodeId, range, nodeId, range, (idA, a, idB, b) => {
        const same = idA === idB && a.start === b.start && a.end === b.end;
        assert.equal(leaseKey(idA, a.start, a.end) === leaseKey(idB, b.start, b.end), same);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts only keys leaseKey can return (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z%:0-9A]{0,16}$/), (text) => {
        let parsed;
        try {
          parsed = parseLeaseKey(text);
        } catch (error) {
          assert.ok(error instanceof SeamlessError, String(error));
          assert.ok(error.code === 'SEAMLESS_BAD_NODE_ID' || error.code === 'SEAMLESS_BAD_RANGE', String(error));
          return;
        }
        assert.equal(leaseKey(parsed.nodeId, parsed.start, parsed.end), text);
      }),
      { numRuns: 3000 },
    );
  });

  it('escapes key parts so they never contain the separator (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeKeyPart(text);
        assert.ok(!escaped.includes(':'));
        assert.equal(unescapeKeyPart(escaped), text);
      }),
    );
  });

  it('refuses empty node ids, reversed ranges and malformed keys', () => {
    assert.throws(() => leaseKey('', 0n, 1n), seamlessError('SEAMLESS_BAD_NODE_ID'));
    assert.throws(() => leaseKey('n', 5n, 5n), seamlessError('SEAMLESS_BAD_RANGE'));
    assert.throws(() => leaseKey('n', -1n, 5n), seamlessError('SEAMLESS_BAD_RANGE'));
    for (const bad of ['', 'a:1', 'a:1:2:3', 'a:01:2', 'a:1:x', 'a%3:1:2', '%41:1:2', ':1:2']) {
      assert.throws(() => parseLeaseKey(bad), seamlessError('SEAMLESS_BAD_NODE_ID'), bad);
    }
    assert.throws(() => parseLeaseKey('a:2:1'), seamlessError('SEAMLESS_BAD_RANGE'));
  });

  it('keeps limiter names from colliding with cooldown keys', () => {
    const keys = new CoordinationKeys('p');
    assert.equal(keys.bucket('binance'), 'p:rl:binance');
    assert.equal(keys.cooldown('binance'), 'p:rl:binance:cooldown');
    assert.notEqual(keys.bucket('binance:cooldown'), keys.cooldown('binance'));
  });
});
