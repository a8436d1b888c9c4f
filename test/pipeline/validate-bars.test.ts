/**
 * Properties (fast-check): both bar paths — the fused JavaScript loop (words and floats, exact
 * only where the floats cannot tell) and the WebAssembly kernel of 8-byte bars — report
 * exactly what a plain BigInt check per row and per column reports — sentinels, OHLC order,
 * negative volume, and precision drift in the order of a scan per column — on bars built to
 * sit where floats fail: equal and one-raw-apart prices beyond 2^53, sentinels and drift in
 * any column, volumes around the largest raw. And the two paths' whole reports agree on
 * series with spacing faults and spikes, in frames longer than the kernel's block.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FixedWidth, PRICE_ERROR, PRICE_RAW_MAX, PRICE_UNDEF, QUANTITY_RAW_MAX, QUANTITY_UNDEF, fixedPrecisionOf, isRawAtPrecision, isSentinel, pow10 } from '../../src/model/fixed-point.js';
import { type Frame, allocFrame, setFixedRaw } from '../../src/model/frames.js';
import { allowBarKernel } from '../../src/pipeline/validate/bar-checks.js';
import { barScanner } from '../../src/pipeline/validate/bar-scan-kernel.js';
import { NS_PER_MINUTE } from '../../src/model/time.js';
import { BAR_TYPE, INSTRUMENT, START, validateFiles, withKernelAllowed } from './validate-support.js';

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

/** Raw `i` of an 8-byte column. */
function rawAt(column: { readonly bytes: Uint8Array }, i: number): bigint {
  return new DataView(column.bytes.buffer, column.bytes.byteOffset + i * 8, 8).getBigInt64(0, true);
}

/** Runs `body` with the kernel allowed or not, and allows it again after. */
function withKernel<T>(allowed: boolean, body: () => T): T {
  return withKernelAllowed(allowBarKernel, allowed, body);
}

describe('validate bars', () => {
  it('the bar kernel is built and loads (else 8-byte bars would silently take the JavaScript loop)', () => {
    assert.ok(barScanner());
  });

  for (const kernel of [true, false]) {
    it(`${kernel ? 'the kernel (8-byte) and the fused loop (16-byte)' : 'the fused loop, both widths'} = per-row and per-column BigInt checks`, () => withKernel(kernel, checkAgainstBigInt));
  }

  it('the kernel = the fused loop on whole reports: bar spacing, duplicates, spikes, sentinels, frames longer than a kernel block', () => {
    const seen: Record<string, number> = {};
    const unit = 10n ** 7n; // precision 2 at 8 bytes
    // Time steps in ns: mostly one bar, else bars missing, a duplicate, a step back, or off the grid.
    const m = NS_PER_MINUTE;
    const step = fc.oneof({ weight: 30, arbitrary: fc.constant(m) }, { weight: 2, arbitrary: fc.constantFrom(2n * m, 5n * m, 0n, -m) }, { weight: 1, arbitrary: fc.bigInt({ min: -3n, max: 3n }).map((k) => k * m + 7_000_000n) });
    const move = fc.oneof({ weight: 40, arbitrary: fc.bigInt({ min: -30n, max: 30n }) }, { weight: 1, arbitrary: fc.bigInt({ min: -5000n, max: 5000n }) });
    const fault = fc.oneof({ weight: 12, arbitrary: fc.constant('none') }, { weight: 1, arbitrary: fc.constantFrom('sentinel', 'ohlc', 'negative', 'drift') });
    const row = fc.tuple(step, move, fault);
    const series = fc.tuple(fc.array(fc.array(row, { minLength: 1, maxLength: 300, size: 'max' }), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.integer({ min: 3, max: 60 }));
    fc.assert(
      fc.property(series, ([frameRows, long, window]) => {
        let ts = START;
        let level = 4_250_000n;
        const build = (rows: ReadonlyArray<readonly [bigint, bigint, string]>): Frame<'bar'> => {
          const frame = allocFrame('bar', 8, rows.length, META);
          rows.forEach(([steps, change, planted], i) => {
            ts += steps;
            level += change;
            const close = level * unit;
            const c = frame.columns;
            setFixedRaw(c.open, i, close - 3n * unit);
            setFixedRaw(c.high, i, planted === 'ohlc' ? close - 9n * unit : close + 5n * unit);
            setFixedRaw(c.low, i, close - 6n * unit);
            setFixedRaw(c.close, i, planted === 'sentinel' ? PRICE_UNDEF[8] : planted === 'drift' ? close + 1n : close);
            setFixedRaw(c.volume, i, planted === 'negative' ? QUANTITY_RAW_MAX[8] + 1n : 1000n * 10n ** 6n);
            c.ts_init[i] = c.ts_event[i] = ts;
          });
          return frame;
        };
        const frames = frameRows.map(build);
        // A frame past the kernel's block of 16,384 bars, repeating the first frame's pattern.
        if (long) frames.push(build(Array.from({ length: 20_000 }, (_, k) => frameRows[0]![k % frameRows[0]!.length]!)));
        const options = { spikeWindow: window, spikeMads: 4 };
        const plain = withKernel(false, () => validateFiles('bar', [frames], options));
        const fast = withKernel(true, () => validateFiles('bar', [frames], options));
        assert.deepEqual(fast, plain);
        for (const day of plain[0]!.days) for (const tally of day.checks) seen[tally.check] = (seen[tally.check] ?? 0) + tally.count;
      }),
      { numRuns: 40 },
    );
    for (const check of ['bar_gap', 'bar_spacing', 'bar_duplicate', 'ts_init_order', 'price_spike', 'sentinel', 'bar_ohlc', 'size_negative', 'precision_drift']) assert.ok((seen[check] ?? 0) > 10, JSON.stringify(seen));
  });

  it('the kernel = the fused loop where clean bars go two at a time and one fault sits in either bar of a pair', () => {
    // The kernel tests bars in pairs and hands a pair with anything wrong to its per-bar loop:
    // a clean series with a few faults, each in any column, on either side of a pair, and
    // times that step back, repeat, go off the grid, or wrap past 2^64 from the bar before.
    const seen: Record<string, number> = {};
    const m = NS_PER_MINUTE;
    const kind = fc.constantFrom('drift', 'sentinel', 'error', 'ohlc', 'negative', 'volume-undef', 'time-back', 'time-same', 'time-off', 'time-wrap');
    const fault = fc.record({ row: fc.nat(), column: fc.constantFrom(...COLUMNS), kind });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.array(fault, { maxLength: 3 }), fc.boolean(), fc.boolean(), (length, faults, nearTop, finest) => {
        // At the finest precision (9 at 8 bytes) every raw is at precision, sentinels included,
        // so only the sentinel tests can tell them; at precision 2 and 3, drift is possible.
        const meta = finest ? { ...META, pricePrecision: 9, sizePrecision: 9 } : META;
        const unit = finest ? 1n : 10n ** 7n;
        const sizeUnit = finest ? 1n : 10n ** 6n;
        const frame = allocFrame('bar', 8, length, meta);
        const c = frame.columns;
        // Near the top of u64, the steps wrap to small ts_init halfway through (bars that are
        // not later than the one before: no spacing test, the reference stays the last bar).
        let ts = nearTop ? 2n ** 64n - BigInt(length >> 1) * m : START;
        for (let i = 0; i < length; i++) {
          const close = (4_250_000n + BigInt(i % 7)) * unit;
          setFixedRaw(c.open, i, close - 3n * unit);
          setFixedRaw(c.high, i, close + 5n * unit);
          setFixedRaw(c.low, i, close - 6n * unit);
          setFixedRaw(c.close, i, close);
          setFixedRaw(c.volume, i, 1000n * sizeUnit);
          ts = BigInt.asUintN(64, ts + m);
          c.ts_init[i] = c.ts_event[i] = ts;
        }
        for (const { row, column, kind: planted } of faults) {
          const i = row % length;
          const raw = c[column];
          if (planted === 'drift') setFixedRaw(raw, i, rawAt(raw, i) + 1n);
          else if (planted === 'sentinel') setFixedRaw(raw, i, column === 'volume' ? QUANTITY_UNDEF[8] : PRICE_UNDEF[8]);
          else if (planted === 'error') setFixedRaw(raw, i, column === 'volume' ? QUANTITY_UNDEF[8] : PRICE_ERROR[8]);
          else if (planted === 'ohlc') {
            // One order test failing per column: high < open, high < low (and the rest), open < low, close < low, high < close.
            const close = rawAt(c.close, i);
            if (column === 'open') setFixedRaw(c.open, i, close + 6n * unit);
            else if (column === 'high') setFixedRaw(c.high, i, close - 7n * unit);
            else if (column === 'low') setFixedRaw(c.low, i, close - 2n * unit);
            else if (column === 'close') setFixedRaw(c.close, i, close - 7n * unit);
            else setFixedRaw(c.close, i, close + 6n * unit);
          }
          // Above the largest raw yet at the precision, so only the volume test can see it.
          else if (planted === 'negative') setFixedRaw(c.volume, i, (QUANTITY_RAW_MAX[8] / sizeUnit + 1n) * sizeUnit);
          else if (planted === 'volume-undef') setFixedRaw(c.volume, i, QUANTITY_UNDEF[8]);
          else if (planted === 'time-back') c.ts_init[i] = c.ts_init[i]! - 2n * m;
          else if (planted === 'time-same' && i > 0) c.ts_init[i] = c.ts_init[i - 1]!;
          else if (planted === 'time-off') c.ts_init[i] = c.ts_init[i]! + 7n;
          else if (planted === 'time-wrap') c.ts_init[i] = BigInt.asUintN(64, c.ts_init[i]! + 2n ** 63n);
        }
        const options = { spikeWindow: 100_000 };
        const plain = withKernel(false, () => validateFiles('bar', [[frame]], options));
        const fast = withKernel(true, () => validateFiles('bar', [[frame]], options));
        assert.deepEqual(fast, plain);
        for (const day of plain[0]!.days) for (const tally of day.checks) seen[tally.check] = (seen[tally.check] ?? 0) + tally.count;
      }),
      { numRuns: 600 },
    );
    for (const check of ['bar_spacing', 'sentinel', 'bar_ohlc', 'size_negative', 'precision_drift']) assert.ok((seen[check] ?? 0) > 20, JSON.stringify(seen));
  });
});

function checkAgainstBigInt(): void {
  {
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
  }
}
