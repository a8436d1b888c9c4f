import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CatalogError } from '../../src/catalog/errors.js';
import { formatFileName, nsToRfc3339, parseFileName, rfc3339ToNs } from '../../src/catalog/file-names.js';

const NS_MAX = (1n << 63n) - 1n;
const isBadName = (error: unknown) => error instanceof CatalogError && error.code === 'CATALOG_BAD_FILE_NAME';

// The computed examples of spec §1.4.
const EXAMPLES: Array<[bigint, bigint, string]> = [
  [1n, 2n, '1970-01-01T00-00-00-000000001Z_1970-01-01T00-00-00-000000002Z.parquet'],
  [1637971200000000000n, 1637971740000000000n, '2021-11-27T00-00-00-000000000Z_2021-11-27T00-09-00-000000000Z.parquet'],
  [1577898000000000065n, 1577919652000000125n, '2020-01-01T17-00-00-000000065Z_2020-01-01T23-00-52-000000125Z.parquet'],
];

describe('nsToRfc3339', () => {
  it('formats with exactly 9 fractional digits', () => {
    assert.equal(nsToRfc3339(0n), '1970-01-01T00:00:00.000000000Z');
    assert.equal(nsToRfc3339(1n), '1970-01-01T00:00:00.000000001Z');
    assert.equal(nsToRfc3339(1577898000000000065n), '2020-01-01T17:00:00.000000065Z');
    assert.equal(nsToRfc3339(NS_MAX), '2262-04-11T23:47:16.854775807Z');
  });
  it('rejects timestamps outside [0, 2^63)', () => {
    assert.throws(() => nsToRfc3339(-1n), /was -1/);
    assert.throws(() => nsToRfc3339(1n << 63n), RangeError);
  });
  it('parses back, and rejects non-dates', () => {
    assert.equal(rfc3339ToNs('2262-04-11T23:47:16.854775807Z'), NS_MAX);
    assert.equal(rfc3339ToNs('2262-04-11T23:47:16.854775808Z'), null);
    assert.equal(rfc3339ToNs('2021-02-29T00:00:00.000000000Z'), null);
    assert.equal(rfc3339ToNs('2024-02-29T00:00:00.000000000Z'), 1709164800000000000n);
    assert.equal(rfc3339ToNs('2000-02-29T00:00:00.000000000Z'), 951782400000000000n);
    assert.equal(rfc3339ToNs('2100-02-29T00:00:00.000000000Z'), null);
    assert.equal(rfc3339ToNs('1969-12-31T23:59:59.999999999Z'), null);
    assert.equal(rfc3339ToNs('2021-11-27T24:00:00.000000000Z'), null);
  });
});

describe('formatFileName / parseFileName', () => {
  it('formats and parses the spec examples', () => {
    for (const [first, last, name] of EXAMPLES) {
      assert.equal(formatFileName(first, last), name);
      assert.deepEqual(parseFileName(name), { first, last });
    }
  });

  it('round-trips every [first, last] in [0, 2^63) exactly', () => {
    const ns = fc.bigInt({ min: 0n, max: NS_MAX });
    fc.assert(
      fc.property(ns, ns, (a, b) => {
        const [first, last] = a <= b ? [a, b] : [b, a];
        const name = formatFileName(first, last);
        assert.match(name, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{9}Z_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{9}Z\.parquet$/);
        assert.deepEqual(parseFileName(name), { first, last });
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips the range ends', () => {
    assert.deepEqual(parseFileName(formatFileName(0n, NS_MAX)), { first: 0n, last: NS_MAX });
    assert.deepEqual(parseFileName(formatFileName(NS_MAX, NS_MAX)), { first: NS_MAX, last: NS_MAX });
  });

  it('refuses to name an interval with first > last', () => {
    assert.throws(() => formatFileName(2n, 1n), /was first=2, last=1/);
  });

  it('returns null for legacy names with no _', () => {
    assert.equal(parseFileName('part-0.parquet'), null);
    assert.equal(parseFileName('data.parquet'), null);
  });

  it('throws CATALOG_BAD_FILE_NAME naming the file for malformed names with _', () => {
    const bad = [
      '2021-11-27T00-00-00Z_x.parquet',
      '2021-11-27T00-00-00-00000000Z_2021-11-27T00-09-00-000000000Z.parquet', // 8 digits
      '2021-11-27T00-00-00-000000000Z_2021-11-27T00-09-00-0000000000Z.parquet', // 10 digits
      '2021-11-27T00-09-00-000000000Z_2021-11-27T00-00-00-000000000Z.parquet', // first > last
      '2021-02-30T00-00-00-000000000Z_2021-03-01T00-00-00-000000000Z.parquet', // no such day
      '2021-11-27T00-00-00-000000000Z_2021-11-27T00-09-60-000000000Z.parquet', // second 60
      '2021-11-27T00:00:00.000000000Z_2021-11-27T00:09:00.000000000Z.parquet', // unescaped
      '2021-11-27T00-00-00-000000000_2021-11-27T00-09-00-000000000Z.parquet', // no Z
      'part_0.parquet',
      '_.parquet',
    ];
    for (const name of bad) {
      assert.throws(() => parseFileName(name), (error: unknown) => isBadName(error) && (error as Error).message.includes(JSON.stringify(name)), name);
    }
  });

  it('parses timestamps as a Date-based reading does, valid or not (property)', () => {
    // The reference: the regular expression and Date rollover check the parser replaced.
    const reference = (stamp: string): bigint | null => {
      const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{9})Z$/.exec(stamp);
      if (!match) return null;
      const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
      if (hour > 23 || minute > 59 || second > 59) return null;
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
      const ns = (BigInt(date.getTime() / 1000) + BigInt(hour * 3600 + minute * 60 + second)) * 1_000_000_000n + BigInt(match[7]!);
      return ns < 0n || ns > NS_MAX ? null : ns;
    };
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    // Fields around and beyond their limits: month ends and leap days (1900, 2000, 2024, 2096, 2100, 2200), month 0 and 13, day 0 and 32, hour 24, minute and second 60.
    const stamp = fc
      .record({
        year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 99, 1900, 1969, 1970, 2000, 2024, 2096, 2100, 2200, 2262, 2263, 9999)),
        month: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constant(2)),
        day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.integer({ min: 0, max: 61 }),
        fraction: fc.integer({ min: 0, max: 999_999_999 }),
      })
      .map((t) => `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}-${pad(t.minute, 2)}-${pad(t.second, 2)}-${pad(t.fraction, 9)}Z`);
    // And the same with one character replaced (a separator, a digit, a non-ASCII digit).
    const mutated = fc.tuple(stamp, fc.nat(29), fc.constantFrom('-', ':', '.', 'T', 'Z', '0', '9', '/', ' ', '٣', 'a')).map(([text, at, char]) => text.slice(0, at) + char + text.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(stamp, mutated), (text) => {
        const expected = reference(text);
        const name = `${text}_${text}.parquet`;
        if (expected === null) assert.throws(() => parseFileName(name), isBadName, text);
        else assert.deepEqual(parseFileName(name), { first: expected, last: expected }, text);
        // RFC 3339 text, where the file name has its three dashes, reads the same; the file form itself is not RFC 3339.
        if (text[13] === '-' && text[16] === '-' && text[19] === '-') {
          assert.equal(rfc3339ToNs(`${text.slice(0, 13)}:${text.slice(14, 16)}:${text.slice(17, 19)}.${text.slice(20)}`), expected, text);
        }
        assert.equal(rfc3339ToNs(text), null, text);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses names that are not .parquet', () => {
    assert.throws(() => parseFileName('1970-01-01T00-00-00-000000001Z_1970-01-01T00-00-00-000000002Z.parquet.tmp'), isBadName);
  });
});
