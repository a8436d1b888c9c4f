/**
 * Property (fast-check): the fused bar loop (words and floats, exact only where the floats
 * cannot tell) reports exactly what a plain BigInt check per row and per column reports —
 * sentinels, OHLC order, negative volume, and precision drift in the order of a scan per
 * column — on bars built to sit where floats fail: equal and one-raw-apart prices beyond
 * 2^53, sentinels and drift in any column, volumes around the largest raw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, PRICE_ERROR, PRICE_RAW_MAX, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF, fixedPrecisionOf, isRawAtPrecision, isSentinel, pow10 } from '../../src/model/fixed-point.js';
import { allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { BAR_TYPE, INSTRUMENT, START, validateFiles } from './validate-support.js';

const PRICES = ['open', 'high', 'low', 'close'] as const;
const COLUMNS = [...PRICES, 'volume'] as const;
const META = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 3, barType: BAR_TYPE };

interface Bar {
  readonly open: bigint;
  readonly high: bigint;
  readonly low: bigint;
  readonly close: bigint;
  readonly volume: bigint;
}

/** A price near `base`: equal, a raw or a unit apart, or anywhere; sometimes a sentinel. */
function price(width: FixedWidth, base: bigint) {
  const unit = pow10(fixedPrecisionOf(width) - META.pricePrecision);
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(0n, 1n, -1n, unit, -unit, 2n * unit, -2n * unit).map((d) => base + d) },
    { weight: 2, arbitrary: fc.bigInt({ min: -3n, max: 3n }).map((d) => base + d * unit + (d & 1n)) },
    { weight: 1, arbitrary: fc.bigInt({ min: -PRICE_RAW_MAX[width], max: PRICE_RAW_MAX[width] }) },
    { weight: 1, arbitrary: fc.constantFrom(PRICE_UNDEF[width], PRICE_ERROR[width]) },
  );
}

function volume(width: FixedWidth) {
  const unit = pow10(fixedPrecisionOf(width) - META.sizePrecision);
  const max = QUANTITY_RAW_MAX[width];
  return fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 6n }).map((v) => v * unit) },
    { weight: 2, arbitrary: fc.constantFrom(0n, 1n, max, max + 1n, max - max % unit, QUANTITY_UNDEF[width] - 1n) },
    { weight: 1, arbitrary: fc.constant(QUANTITY_UNDEF[width]) },
  );
}

/** Bases beyond 2^53 (where floats merge neighbouring raws), below it, and negative. */
function bars(width: FixedWidth) {
  const big = width === 16 ? 2n ** 100n : 2n ** 60n;
  const base = fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 50n }), fc.bigInt({ min: 2n ** 53n, max: big }), fc.bigInt({ min: -big, max: -1n }));
  const bar = base.chain((b) => fc.record({ open: price(width, b), high: price(width, b), low: price(width, b), close: price(width, b), volume: volume(width) }));
  return fc.array(bar, { minLength: 1, maxLength: 60 });
}

/** The checks' definitions, one BigInt comparison at a time: per check, `row` or `row:column` in report order. */
function expected(rows: readonly Bar[], width: FixedWidth): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (check: string, what: string) => (out[check] ??= []).push(what);
  const sentinel = (bar: Bar, name: (typeof COLUMNS)[number]) => isSentinel(bar[name], width, name !== 'volume');
  rows.forEach((bar, i) => {
    if (COLUMNS.some((name) => sentinel(bar, name))) return add('sentinel', `${i}`);
    const { open, high, low, close } = bar;
    if (high < open || high < close || high < low || low > open || low > close) add('bar_ohlc', `${i}`);
    if (bar.volume > QUANTITY_RAW_MAX[width]) add('size_negative', `${i}`);
  });
  for (const name of COLUMNS) {
    const precision = name === 'volume' ? META.sizePrecision : META.pricePrecision;
    rows.forEach((bar, i) => {
      if (!sentinel(bar, name) && !isRawAtPrecision(bar[name], precision, width)) add('precision_drift', `${i}:${name}`);
    });
  }
  return out;
}

describe('validate bars', () => {
  it('the fused bar loop = per-row and per-column BigInt checks, both widths', () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(
        fc.constantFrom<FixedWidth>(8, 16).chain((width) => fc.tuple(fc.constant(width), bars(width))),
        ([width, rows]) => {
          const frame = allocFrame('bar', width, rows.length, META);
          rows.forEach((bar, i) => {
            for (const name of COLUMNS) setFixedRaw(frame.columns[name], i, bar[name]);
            frame.columns.ts_init[i] = frame.columns.ts_event[i] = START + BigInt(i + 1) * NS_PER_MINUTE;
          });
          // A window longer than the series: no spike test, which the oracle test covers.
          const [report] = validateFiles('bar', [[frame]], { spikeWindow: 100_000 });
          const got: Record<string, string[]> = {};
          for (const day of report!.days) {
            for (const tally of day.checks) (got[tally.check] ??= []).push(...tally.examples.map((e) => (tally.check === 'precision_drift' ? `${e.row}:${e.values['column']}` : `${e.row}`)));
          }
          assert.deepEqual(got, expected(rows, width));
          for (const [check, list] of Object.entries(got)) seen[check] = (seen[check] ?? 0) + list.length;
        },
      ),
      { numRuns: 400 },
    );
    // Not vacuous: every check fired, many times.
    for (const check of ['sentinel', 'bar_ohlc', 'size_negative', 'precision_drift']) assert.ok((seen[check] ?? 0) > 100, JSON.stringify(seen));
  });
});
