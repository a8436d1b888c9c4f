import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ModelError } from '../../src/model/errors.js';
import {
  type DurationGrammar,
  dateToNs,
  isoToNs,
  msToNs,
  NS_MAX,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_MINUTE,
  NS_PER_SECOND,
  nsToIso,
  nsToMs,
  parseDuration,
  parseTimeArg,
  secondsToNs,
} from '../../src/model/time.js';

function rejectsTime(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ModelError, String(error));
    assert.equal(error.kind, 'time');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('constants', () => {
  it('hold nanoseconds per unit', () => {
    assert.equal(NS_PER_SECOND, 1_000_000_000n);
    assert.equal(NS_PER_MINUTE, 60_000_000_000n);
    assert.equal(NS_PER_HOUR, 3_600_000_000_000n);
    assert.equal(NS_PER_DAY, 86_400_000_000_000n);
    assert.equal(NS_MAX, 18_446_744_073_709_551_615n);
  });
});

describe('nsToIso', () => {
  it('writes 9 fractional digits and Z', () => {
    assert.equal(nsToIso(1_577_919_652_000_000_125n), '2020-01-01T23:00:52.000000125Z');
    assert.equal(nsToIso(0n), '1970-01-01T00:00:00.000000000Z');
    assert.equal(nsToIso(1n), '1970-01-01T00:00:00.000000001Z');
    assert.equal(nsToIso(999_999_999n), '1970-01-01T00:00:00.999999999Z');
    assert.equal(nsToIso(1_637_971_200_000_000_000n), '2021-11-27T00:00:00.000000000Z');
  });

  it('handles the i64 and u64 ends (years 2262 and 2554) without rounding', () => {
    assert.equal(nsToIso(2n ** 63n - 1n), '2262-04-11T23:47:16.854775807Z');
    assert.equal(nsToIso(NS_MAX), '2554-07-21T23:34:33.709551615Z');
  });

  it('rejects values outside u64', () => {
    rejectsTime(() => nsToIso(-1n), /, was -1$/);
    rejectsTime(() => nsToIso(NS_MAX + 1n), /, was 18446744073709551616$/);
  });
});

describe('isoToNs', () => {
  it('reads dates, minutes, seconds and fractions of 1..9 digits', () => {
    assert.equal(isoToNs('2020-01-01'), 1_577_836_800_000_000_000n);
    assert.equal(isoToNs('2020-01-01T23:00'), 1_577_919_600_000_000_000n);
    assert.equal(isoToNs('2020-01-01T23:00:52'), 1_577_919_652_000_000_000n);
    assert.equal(isoToNs('2020-01-01T23:00:52.5Z'), 1_577_919_652_500_000_000n);
    assert.equal(isoToNs('2020-01-01T23:00:52.000000125Z'), 1_577_919_652_000_000_125n);
    assert.equal(isoToNs('2020-01-01 23:00:52.000000125z'), 1_577_919_652_000_000_125n);
  });

  it('applies offsets', () => {
    assert.equal(isoToNs('2020-01-02T00:00:52.000000125+01:00'), 1_577_919_652_000_000_125n);
    assert.equal(isoToNs('2020-01-01T17:30:52-05:30'), 1_577_919_652_000_000_000n);
    assert.equal(isoToNs('1970-01-01T00:00:00Z'), 0n);
  });

  it('accepts 29 February only in leap years', () => {
    assert.equal(isoToNs('2020-02-29'), 1_582_934_400_000_000_000n);
    rejectsTime(() => isoToNs('2021-02-29'), /day must be in 1\.\.28, was 29 in "2021-02-29"/);
    rejectsTime(() => isoToNs('2100-02-29'), /day must be in 1\.\.28/);
  });

  it('rejects other forms and out-of-range fields, naming the text', () => {
    rejectsTime(() => isoToNs('yesterday'), /^time must be ISO-8601 \(example: .*\), was "yesterday"$/);
    for (const text of ['', '2020-1-01', '2020-01-01T10', '2020-01-01T10:00:00.', '2020-01-01T10:00:00.1234567890Z', '2020-01-01T10:00+0100', '2020-01-01Z']) {
      rejectsTime(() => isoToNs(text), new RegExp(`was ${JSON.stringify(text).replace(/[.+]/g, '\\$&')}$`));
    }
    rejectsTime(() => isoToNs('2020-13-01'), /month must be in 1\.\.12, was 13/);
    rejectsTime(() => isoToNs('2020-04-31'), /day must be in 1\.\.30, was 31/);
    rejectsTime(() => isoToNs('2020-01-01T24:00'), /hour must be in 0\.\.23, was 24/);
    rejectsTime(() => isoToNs('2020-01-01T10:60'), /minute must be in 0\.\.59, was 60/);
    rejectsTime(() => isoToNs('2020-01-01T10:00:60'), /second must be in 0\.\.59, was 60/);
    rejectsTime(() => isoToNs('2020-01-01T10:00+24:00'), /zone hour must be in 0\.\.23, was 24/);
  });

  it('rejects instants before 1970 and after u64 nanoseconds', () => {
    rejectsTime(() => isoToNs('1969-12-31T23:59:59.999999999Z'), /was "1969-12-31T23:59:59\.999999999Z"$/);
    rejectsTime(() => isoToNs('1970-01-01T00:30+01:00'), /between 1970/);
    assert.equal(isoToNs('2554-07-21T23:34:33.709551615Z'), NS_MAX);
    rejectsTime(() => isoToNs('2554-07-21T23:34:33.709551616Z'), /between 1970/);
  });
});

describe('parseTimeArg', () => {
  it('reads digits as nanoseconds and anything else as ISO', () => {
    assert.equal(parseTimeArg('1577919652000000125'), 1_577_919_652_000_000_125n);
    assert.equal(parseTimeArg('0'), 0n);
    assert.equal(parseTimeArg('2020-01-01T23:00:52.000000125Z'), 1_577_919_652_000_000_125n);
  });

  it('rejects out-of-range digits and other text', () => {
    rejectsTime(() => parseTimeArg('18446744073709551616'), /was 18446744073709551616$/);
    rejectsTime(() => parseTimeArg('-5'), /was "-5"$/);
    rejectsTime(() => parseTimeArg('1.5'), /was "1\.5"$/);
  });
});

describe('parseDuration', () => {
  const ALL: DurationGrammar = { units: ['ns', 'us', 'ms', 's', 'm', 'h', 'd', 'w'] };
  const CASES: ReadonlyArray<[string, DurationGrammar, bigint | undefined]> = [
    // each unit's value
    ['3ns', ALL, 3n],
    ['3us', ALL, 3_000n],
    ['3ms', ALL, 3_000_000n],
    ['3s', ALL, 3n * NS_PER_SECOND],
    ['3m', ALL, 3n * NS_PER_MINUTE],
    ['3h', ALL, 3n * NS_PER_HOUR],
    ['3d', ALL, 3n * NS_PER_DAY],
    ['3w', ALL, 21n * NS_PER_DAY],
    // zero only without positive
    ['0s', ALL, 0n],
    ['0s', { ...ALL, positive: true }, undefined],
    ['1s', { ...ALL, positive: true }, NS_PER_SECOND],
    // bare digits only with a bareUnit
    ['5', ALL, undefined],
    ['5', { ...ALL, bareUnit: 'ms' }, 5_000_000n],
    ['0', { ...ALL, bareUnit: 'ms', positive: true }, undefined],
    // unknown, not-accepted or upper-case units
    ['5x', ALL, undefined],
    ['5ms', { units: ['s'] }, undefined],
    ['5S', ALL, undefined],
    ['5Ms', ALL, undefined],
    // leading zeros are digits like any other (and count toward maxDigits)
    ['007s', ALL, 7n * NS_PER_SECOND],
    ['007s', { ...ALL, maxDigits: 3 }, 7n * NS_PER_SECOND],
    ['0007s', { ...ALL, maxDigits: 3 }, undefined],
    ['999s', { ...ALL, maxDigits: 3 }, 999n * NS_PER_SECOND],
    ['1000s', { ...ALL, maxDigits: 3 }, undefined],
    // anything but <digits><unit>
    ['', ALL, undefined],
    ['s', ALL, undefined],
    ['-1s', ALL, undefined],
    ['1.5s', ALL, undefined],
    [' 1s', ALL, undefined],
    ['1 s', ALL, undefined],
    ['1s1m', ALL, undefined],
  ];

  it('reads <digits><unit> as the grammar allows, else undefined', () => {
    for (const [text, grammar, expected] of CASES) assert.equal(parseDuration(text, grammar), expected, `${JSON.stringify(text)} with ${JSON.stringify(grammar)}`);
  });
});

describe('unit conversions', () => {
  it('converts ms, seconds and Dates exactly', () => {
    assert.equal(msToNs(1_577_919_652_123), 1_577_919_652_123_000_000n);
    assert.equal(msToNs(5n), 5_000_000n);
    assert.equal(secondsToNs(1_577_919_652), 1_577_919_652_000_000_000n);
    assert.equal(dateToNs(new Date('2020-01-01T23:00:52.123Z')), 1_577_919_652_123_000_000n);
    assert.equal(nsToMs(1_577_919_652_123_999_999n), 1_577_919_652_123);
  });

  it('rejects fractions, negatives and invalid Dates', () => {
    rejectsTime(() => msToNs(1.5), /milliseconds must be a whole number below 2\^53 .*, was 1\.5$/);
    rejectsTime(() => secondsToNs(-1), /, was -1$/);
    rejectsTime(() => dateToNs(new Date('nope')), /was Invalid Date$/);
  });
});

describe('time properties', () => {
  const ns = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });

  it('isoToNs(nsToIso(ns)) === ns over [0, 2^63)', () => {
    fc.assert(
      fc.property(ns, (value) => {
        const iso = nsToIso(value);
        assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        assert.equal(isoToNs(iso), value);
        assert.equal(parseTimeArg(value.toString()), value);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with Date on the whole-millisecond part', () => {
    fc.assert(
      fc.property(ns, (value) => {
        assert.equal(nsToIso(value).slice(0, 23), new Date(nsToMs(value)).toISOString().slice(0, 23));
      }),
    );
  });

  it('shifts by the zone offset', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: NS_PER_DAY, max: 2n ** 63n - 1n }), fc.integer({ min: -23, max: 23 }), fc.integer({ min: 0, max: 59 }), (value, h, m) => {
        const utc = nsToIso(value).slice(0, -1);
        const sign = h < 0 ? '-' : '+';
        const zone = `${sign}${String(Math.abs(h)).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const offset = (BigInt(Math.abs(h)) * NS_PER_HOUR + BigInt(m) * NS_PER_MINUTE) * (h < 0 ? -1n : 1n);
        assert.equal(isoToNs(`${utc}${zone}`), value - offset);
      }),
    );
  });
});
