/**
 * Shared by the validate tests: clean synthetic series of every type (both widths), fault
 * planters that each break exactly one thing at one row, and ways to run the validator on
 * frames in memory and to read its findings back as rows.
 */
import { type FixedWidth, PRICE_UNDEF, fixedPrecisionOf, pow10 } from '../../src/model/fixed-point.js';
import { type Frame, type FrameMeta, type MarketDataType, type AnyFrame, fixedRawAt, setFixedRaw, sliceFrame, concatFrames } from '../../src/model/frames.js';
import { syntheticBars, syntheticQuotes, syntheticTrades } from '../../src/model/synthetic-market.js';
import { NS_PER_MINUTE, NS_PER_SECOND } from '../../src/model/time.js';
import type { CheckId } from '../../src/pipeline/validate/checks.js';
import { type ValidateOptions, resolveOptions } from '../../src/pipeline/validate/options.js';
import type { FileReport } from '../../src/pipeline/validate/report.js';
import { SeriesValidator } from '../../src/pipeline/validate/series-validator.js';

export const START = 1_704_153_600_000_000_000n; // 2024-01-02T00:00:00Z
export const INSTRUMENT = 'BTCUSDT.BINANCE';
export const BAR_TYPE = `${INSTRUMENT}-1-MINUTE-LAST-EXTERNAL`;
const TICK_META: FrameMeta = { instrumentId: INSTRUMENT, pricePrecision: 2, sizePrecision: 6 };
const BAR_META: FrameMeta = { ...TICK_META, barType: BAR_TYPE };

export type TickType = 'quote_tick' | 'trade_tick';

/** A clean series: ticks about every second (jittered), or 1-minute bars on the grid. */
export function cleanFrame<T extends MarketDataType>(type: T, width: FixedWidth, count: number, seed = 7): Frame<T> {
  const ticks = { start: START, count, stepNs: NS_PER_SECOND, jitterNs: NS_PER_SECOND / 2n, seed, width };
  switch (type) {
    case 'quote_tick':
      return syntheticQuotes({ ...ticks, meta: TICK_META }) as Frame<T>;
    case 'trade_tick':
      return syntheticTrades({ ...ticks, meta: TICK_META }) as Frame<T>;
    case 'bar':
      return syntheticBars({ meta: BAR_META, start: START + NS_PER_MINUTE, count, stepNs: NS_PER_MINUTE, seed, width }) as Frame<T>;
    default:
      throw new Error(`no clean ${type} series`);
  }
}

/** One price step of the declared precision, as a raw. */
export function priceStep(frame: Frame): bigint {
  return pow10(fixedPrecisionOf(frame.width) - frame.meta.pricePrecision);
}

/** Runs a series validator over files of frames; returns one report per file. */
export function validateFiles(type: MarketDataType, files: readonly (readonly Frame[])[], options: ValidateOptions = {}): FileReport[] {
  const validator = new SeriesValidator(type, 'TEST', resolveOptions({ examples: 100_000, ...options }));
  return files.map((frames, f) => {
    validator.beginFile(`file-${f}`);
    for (const frame of frames) validator.frame(frame as AnyFrame);
    return validator.endFile();
  });
}

/** Every check that fired, as `check@row` (file index prefixed when there are several files). */
export function findings(reports: readonly FileReport[]): string[] {
  const out: string[] = [];
  reports.forEach((report, f) => {
    for (const day of report.days) {
      for (const tally of day.checks) for (const example of tally.examples) out.push(`${reports.length > 1 ? `${f}:` : ''}${tally.check}@${example.row}`);
    }
  });
  return out.sort();
}

/** The examples of one check. */
export function examplesOf(reports: readonly FileReport[], check: CheckId) {
  return reports.flatMap((r) => r.days.flatMap((d) => d.checks.filter((t) => t.check === check).flatMap((t) => t.examples)));
}

function u64(frame: Frame, name: 'ts_init' | 'ts_event'): BigUint64Array {
  return (frame.columns as unknown as Record<string, BigUint64Array>)[name]!;
}

function column(frame: Frame, name: string) {
  return (frame.columns as unknown as Record<string, { kind: 'price' | 'quantity'; width: FixedWidth; bytes: Uint8Array }>)[name]!;
}

/** A planter breaks one thing at row `r` of a copy of the frame, and says which checks must fire where. */
export interface Plant {
  readonly check: CheckId;
  readonly types: readonly MarketDataType[];
  /** Returns the broken copy and the expected findings (`check@row`). */
  apply(frame: Frame, r: number): { frame: Frame; expected: string[] };
}

function copy<T extends MarketDataType>(frame: Frame<T>): Frame<T> {
  return sliceFrame(frame, 0, frame.length);
}

function priceColumnOf(frame: Frame): string {
  return frame.type === 'quote_tick' ? 'bid_price' : frame.type === 'trade_tick' ? 'price' : 'close';
}

function sizeColumnOf(frame: Frame): string {
  return frame.type === 'quote_tick' ? 'bid_size' : frame.type === 'trade_tick' ? 'size' : 'volume';
}

/** Sets both timestamps of row r. */
function stamp(frame: Frame, r: number, ts: bigint): void {
  u64(frame, 'ts_init')[r] = ts;
  u64(frame, 'ts_event')[r] = ts;
}

export const PLANTS: readonly Plant[] = [
  {
    check: 'sentinel',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      setFixedRaw(column(out, frame.type === 'bar' ? 'open' : priceColumnOf(frame)), r, PRICE_UNDEF[frame.width]);
      return { frame: out, expected: [`sentinel@${r}`] };
    },
  },
  {
    check: 'ts_init_order',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      stamp(out, r, u64(frame, 'ts_init')[r - 1]! - 1n);
      // A bar that goes back in time leaves its own minute empty.
      return { frame: out, expected: frame.type === 'bar' ? [`ts_init_order@${r}`, `bar_gap@${r + 1}`] : [`ts_init_order@${r}`] };
    },
  },
  {
    check: 'duplicate_row',
    types: ['quote_tick', 'trade_tick'],
    apply(frame, r) {
      const out = copy(frame);
      const names = frame.type === 'quote_tick' ? ['bid_price', 'ask_price', 'bid_size', 'ask_size'] : ['price', 'size'];
      for (const name of names) setFixedRaw(column(out, name), r, fixedRawAt(column(out, name), r - 1));
      stamp(out, r, u64(frame, 'ts_init')[r - 1]!);
      if (out.type !== 'trade_tick') return { frame: out, expected: [`duplicate_row@${r}`] };
      const trades = out as Frame<'trade_tick'>;
      trades.columns.aggressor_side[r] = trades.columns.aggressor_side[r - 1]!;
      trades.columns.trade_id[r] = trades.columns.trade_id[r - 1]!;
      // The copy repeats trade r − 1 and replaces trade r: both show in the id sequence.
      return { frame: out, expected: [`duplicate_row@${r}`, `trade_id_order@${r}`, `trade_id_gap@${r + 1}`] };
    },
  },
  {
    check: 'bar_duplicate',
    types: ['bar'],
    apply(frame, r) {
      const out = copy(frame);
      stamp(out, r, u64(frame, 'ts_init')[r - 1]!);
      // Bar r's minute is now empty: the next bar follows a two-minute step.
      return { frame: out, expected: [`bar_duplicate@${r}`, `bar_gap@${r + 1}`] };
    },
  },
  {
    check: 'ts_skew',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      u64(out, 'ts_event')[r] = u64(frame, 'ts_init')[r]! + 1n;
      return { frame: out, expected: [`ts_skew@${r}`] };
    },
  },
  {
    check: 'suspected_gap',
    types: ['quote_tick', 'trade_tick'],
    apply(frame, r) {
      const out = copy(frame);
      const hour = 3600n * NS_PER_SECOND;
      for (let i = r; i < out.length; i++) stamp(out, i, u64(frame, 'ts_init')[i]! + hour);
      return { frame: out, expected: [`suspected_gap@${r}`] };
    },
  },
  {
    check: 'trade_id_gap',
    types: ['trade_tick'],
    apply(frame, r) {
      const out = copy(frame) as Frame<'trade_tick'>;
      for (let i = r; i < out.length; i++) out.columns.trade_id[i] = String(Number(out.columns.trade_id[i]) + 5);
      return { frame: out, expected: [`trade_id_gap@${r}`] };
    },
  },
  {
    check: 'trade_id_order',
    types: ['trade_tick'],
    apply(frame, r) {
      const out = copy(frame) as Frame<'trade_tick'>;
      // Ids from r on step back by 3: r repeats an older id, then the run carries on by ones.
      for (let i = r; i < out.length; i++) out.columns.trade_id[i] = String(Number(out.columns.trade_id[i]) - 3);
      return { frame: out, expected: [`trade_id_order@${r}`] };
    },
  },
  {
    check: 'price_spike',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      const names = frame.type === 'quote_tick' ? ['bid_price', 'ask_price'] : frame.type === 'trade_tick' ? ['price'] : ['high', 'close'];
      for (const name of names) setFixedRaw(column(out, name), r, (fixedRawAt(column(out, name), r) * 12n) / 10n / priceStep(frame) * priceStep(frame));
      return { frame: out, expected: [`price_spike@${r}`] };
    },
  },
  {
    check: 'quote_crossed',
    types: ['quote_tick'],
    apply(frame, r) {
      const out = copy(frame);
      setFixedRaw(column(out, 'bid_price'), r, fixedRawAt(column(out, 'ask_price'), r) + priceStep(frame));
      return { frame: out, expected: [`quote_crossed@${r}`] };
    },
  },
  {
    check: 'quote_locked',
    types: ['quote_tick'],
    apply(frame, r) {
      const out = copy(frame);
      setFixedRaw(column(out, 'bid_price'), r, fixedRawAt(column(out, 'ask_price'), r));
      return { frame: out, expected: [`quote_locked@${r}`] };
    },
  },
  {
    check: 'size_zero',
    types: ['quote_tick', 'trade_tick'],
    apply(frame, r) {
      const out = copy(frame);
      setFixedRaw(column(out, sizeColumnOf(frame)), r, 0n);
      return { frame: out, expected: [`size_zero@${r}`] };
    },
  },
  {
    check: 'size_negative',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      // Written through the unsigned column, -5 lots wraps to the top of the range.
      setFixedRaw(column(out, sizeColumnOf(frame)), r, -5n * pow10(fixedPrecisionOf(frame.width) - frame.meta.sizePrecision));
      // 2^128 − 5·10^k is no multiple of 10^k either.
      return { frame: out, expected: [`precision_drift@${r}`, `size_negative@${r}`] };
    },
  },
  {
    check: 'precision_drift',
    types: ['quote_tick', 'trade_tick', 'bar'],
    apply(frame, r) {
      const out = copy(frame);
      const name = frame.type === 'bar' ? 'volume' : sizeColumnOf(frame);
      setFixedRaw(column(out, name), r, fixedRawAt(column(out, name), r) + 1n);
      return { frame: out, expected: [`precision_drift@${r}`] };
    },
  },
  {
    check: 'bar_ohlc',
    types: ['bar'],
    apply(frame, r) {
      const out = copy(frame);
      setFixedRaw(column(out, 'high'), r, fixedRawAt(column(out, 'low'), r) - priceStep(frame));
      return { frame: out, expected: [`bar_ohlc@${r}`] };
    },
  },
  {
    check: 'bar_gap',
    types: ['bar'],
    apply(frame, r) {
      // Three bars vanish: the bar now at r follows a four-minute step.
      const out = concatFrames([sliceFrame(frame, 0, r), sliceFrame(frame, r + 3, frame.length)]);
      return { frame: out, expected: [`bar_gap@${r}`] };
    },
  },
  {
    check: 'bar_spacing',
    types: ['bar'],
    apply(frame, r) {
      const out = copy(frame);
      u64(out, 'ts_init')[r] = u64(frame, 'ts_init')[r]! + NS_PER_SECOND;
      return { frame: out, expected: [`bar_spacing@${r}`, `bar_spacing@${r + 1}`] };
    },
  },
];

/** Runs `body` with a kernel switch (allowBarKernel, allowTickKernel, ...) set to `allowed`, and allows the kernel again after. */
export function withKernelAllowed<T>(allow: (allowed: boolean) => void, allowed: boolean, body: () => T): T {
  allow(allowed);
  try {
    return body();
  } finally {
    allow(true);
  }
}
