/**
 * Validates one series — the files of one type and identifier folder, in time order — frame
 * by frame, carrying every check's state across frames and files, so a fault at a file
 * boundary (a trade id gap, time going backwards, a missing bar) is found like any other.
 *
 * Per frame: the time checks (with rows per UTC day), the type's value checks, trade ids, and
 * the declared precision of every fixed column, each a tight loop over typed arrays.
 */
import { tradeIdsCountUp } from '../../catalog/trade-facts.js';
import { tradeIdText } from '../../model/trade-id-numbers.js';
import { barStepNs } from '../../model/bar-step.js';
import { type FixedWidth, fixedPrecisionOf, pow10 } from '../../model/fixed-point.js';
import { type AnyFrame, type FixedColumn, type Frame, type MarketDataType, fieldsOf } from '../../model/frames.js';
import { rawView } from '../../seamless/conformance/raw-view.js';
import { type BarSeries, BarSpacingState, scanBars } from './bar-checks.js';
import { FrameSink, rawText } from './finding-sink.js';
import { GapEstimator } from './gap-estimator.js';
import type { ResolvedOptions } from './options.js';
import { PrecisionCheck, type PrecisionPair } from './precision-check.js';
import { scanQuotes } from './quote-checks.js';
import { type FileReport, FileFindings } from './report.js';
import { type SeriesSpikes, SpikeBatch } from './spike-batch.js';
import { batchSpikeTest } from './spike-kernel.js';
import { TimeState, scanTimes } from './time-checks.js';
import { scanTrades } from './trade-checks.js';
import { TradeIdTracker } from './trade-ids.js';
import { NegativeSizeTest, scanPrecision } from './value-checks.js';

interface Declared {
  readonly width: number;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
}

/** State that exists once the first frame says which width, precision and bar step apply. */
interface Started {
  readonly declared: Declared;
  readonly time: TimeState;
  /** Ticks' spike test and batch; bars' are in `bars`. */
  readonly spikes: SeriesSpikes | undefined;
  readonly negative: NegativeSizeTest;
  readonly bars: BarSeries | undefined;
}

export class SeriesValidator {
  private started: Started | undefined;
  private readonly tradeIds = new TradeIdTracker();
  private readonly sink = new FrameSink();
  private readonly precision = new Map<string, PrecisionCheck>();
  private findings: FileFindings | undefined;
  private offset = 0;
  private fileDeclared: Declared | undefined;
  /** The row before the current frame's first (for duplicate rows across frames). */
  private last: { frame: Frame; row: number } | undefined;

  constructor(
    readonly type: MarketDataType,
    readonly identifier: string,
    private readonly options: ResolvedOptions,
  ) {}

  beginFile(path: string): void {
    this.findings = new FileFindings(path, this.type, this.identifier, this.options.examples);
    this.offset = 0;
    this.fileDeclared = undefined;
    this.tradeIds.beginFile();
  }

  /** Records that the file could not be read (named by `error`), stamped at `ts`. */
  unreadable(error: Error, ts: bigint): void {
    this.findings!.add('unreadable', this.offset, ts, { error: error.message });
  }

  endFile(): FileReport {
    if (this.type === 'trade_tick') this.tradeIds.endFile(this.findings!);
    return this.findings!.report();
  }

  /** Validates the next frame of the current file. */
  frame(frame: AnyFrame): void {
    if (frame.length === 0) return;
    const started = this.start(frame);
    const findings = this.findings!;
    const sink = this.sink;
    const c = frame.columns as unknown as { ts_init: BigUint64Array; ts_event: BigUint64Array };
    sink.frame(findings, c.ts_init, this.offset);
    if (this.fileDeclared === undefined) this.checkDeclared(frame, started.declared);
    scanTimes(c.ts_init, c.ts_event, started.time, sink, findings, this.tieHandler(frame));
    switch (frame.type) {
      case 'quote_tick':
        scanQuotes(frame, started.spikes!, started.negative, this.precisionOf(frame), sink);
        break;
      case 'trade_tick':
        scanTrades(frame, started.spikes!, started.negative, this.precisionOf(frame), sink);
        if (tradeIdsCountUp(frame)) this.tradeIds.countingUp(tradeIdText(frame.columns, 0), tradeIdText(frame.columns, frame.length - 1), frame.length, frame.columns.ts_init, this.offset);
        else this.tradeIds.scan(frame.columns.trade_id, frame.columns.ts_init, this.offset);
        break;
      case 'bar':
        scanBars(frame, started.bars!, started.negative, this.precisionOf(frame), sink);
        break;
      case 'order_book_delta': {
        const size = rawView(frame.columns.size);
        for (let i = 0; i < frame.length; i++) if (started.negative.negativeAt(size, i)) sink.add('size_negative', i, { size: rawText(size, i) });
        this.scanPrecisions(frame);
        break;
      }
    }
    this.last = { frame, row: frame.length - 1 };
    this.offset += frame.length;
  }

  private start(frame: Frame): Started {
    if (this.started) return this.started;
    const options = this.options;
    const declared: Declared = { width: frame.width, pricePrecision: frame.meta.pricePrecision, sizePrecision: frame.meta.sizePrecision };
    const stepNs = frame.type === 'bar' ? barStepNs(frame.meta.barType ?? this.identifier) : undefined;
    const step = stepNs === undefined ? undefined : Number(stepNs);
    // Bars stamped at their open lag their close-time ts_init by one step, which is fine.
    const maxLag = Number(options.maxSkewNs) + (step ?? 0);
    const gaps = frame.type === 'bar' ? undefined : new GapEstimator(options.gapFactor, Number(options.gapFloorNs));
    const priceStep = Number(pow10(fixedPrecisionOf(frame.width) - frame.meta.pricePrecision));
    this.started = {
      declared,
      time: new TimeState(maxLag, gaps),
      ...this.spikeTests(frame.type, priceStep, frame.type === 'bar' ? new BarSpacingState(step) : undefined),
      negative: new NegativeSizeTest(frame.width),
    };
    return this.started;
  }

  /** precision_mismatch: this file declares other precisions or width than the series' first file. */
  private checkDeclared(frame: Frame, first: Declared): void {
    const here: Declared = { width: frame.width, pricePrecision: frame.meta.pricePrecision, sizePrecision: frame.meta.sizePrecision };
    this.fileDeclared = here;
    const differs = (Object.keys(first) as Array<keyof Declared>).filter((key) => first[key] !== here[key]);
    if (differs.length === 0) return;
    const values: Record<string, string> = {};
    for (const key of differs) values[key] = `${first[key]} in the first file, ${here[key]} here`;
    this.sink.add('precision_mismatch', 0, values);
    if (here.width !== first.width) {
      // Raws of another width are on another scale: the spike window starts afresh.
      const started = this.started!;
      const priceStep = Number(pow10(fixedPrecisionOf(frame.width) - frame.meta.pricePrecision));
      this.started = { ...started, declared: first, ...this.spikeTests(frame.type, priceStep, started.bars?.spacing), negative: new NegativeSizeTest(frame.width) };
    }
  }

  /** Fresh spike tests for a series of `type` with price step `priceStep` (bars keep `spacing`). */
  private spikeTests(type: MarketDataType, priceStep: number, spacing: BarSpacingState | undefined): Pick<Started, 'spikes' | 'bars'> {
    const { spikeWindow, spikeMads } = this.options;
    const spikes: SeriesSpikes = { spikes: batchSpikeTest(spikeWindow, spikeMads, priceStep), batch: new SpikeBatch() };
    if (type !== 'bar' || spacing === undefined) return { spikes, bars: undefined };
    return { spikes: undefined, bars: { spacing, ...spikes } };
  }

  private tieHandler(frame: AnyFrame): ((i: number) => void) | undefined {
    const sink = this.sink;
    switch (frame.type) {
      case 'bar':
        return (i) => sink.add('bar_duplicate', i, { ts_init: frame.columns.ts_init[i]!.toString() });
      case 'quote_tick':
      case 'trade_tick':
        return (i) => {
          const previous = i > 0 ? { frame, row: i - 1 } : this.last;
          if (previous && sameRow(previous.frame, previous.row, frame, i)) sink.add('duplicate_row', i, { previous_row: String(this.offset + i - 1) });
        };
      default:
        return undefined;
    }
  }

  private check(width: FixedWidth, precision: number): PrecisionCheck {
    const key = `${width}:${precision}`;
    let check = this.precision.get(key);
    if (!check) {
      check = new PrecisionCheck(width, precision);
      this.precision.set(key, check);
    }
    return check;
  }

  /** The precision checks of a frame's declared price and size precisions. */
  private precisionOf(frame: Frame): PrecisionPair {
    return { price: this.check(frame.width, frame.meta.pricePrecision), size: this.check(frame.width, frame.meta.sizePrecision) };
  }

  /** Precision of every fixed column, one column at a time (types without a fused loop for it). */
  private scanPrecisions(frame: Frame): void {
    const columns = frame.columns as unknown as Record<string, unknown>;
    const { price, size } = this.precisionOf(frame);
    for (const [name, kind] of fieldsOf(frame.type)) {
      if (kind !== 'price' && kind !== 'quantity') continue;
      scanPrecision(rawView(columns[name] as FixedColumn), kind === 'price' ? price : size, name, frame.length, this.sink);
    }
  }
}

type TradeIds = { readonly trade_id: readonly string[] };

/** True when row `i` of `a` and row `j` of `b` (same type) hold the same value in every column. */
function sameRow(a: Frame, i: number, b: Frame, j: number): boolean {
  if (a.width !== b.width) return false;
  const ca = a.columns as unknown as Record<string, unknown>;
  const cb = b.columns as unknown as Record<string, unknown>;
  // Trades first compare ids: ties of ts_init are common for trades, equal ids are not.
  if (a.type === 'trade_tick' && tradeIdText(a.columns as TradeIds, i) !== tradeIdText(b.columns as TradeIds, j)) return false;
  for (const [name, kind] of fieldsOf(a.type)) {
    if (name === 'trade_id') continue;
    const x = ca[name];
    const y = cb[name];
    if (kind === 'price' || kind === 'quantity') {
      const w = (x as FixedColumn).width;
      const p = (x as FixedColumn).bytes;
      const q = (y as FixedColumn).bytes;
      for (let k = 0; k < w; k++) if (p[i * w + k] !== q[j * w + k]) return false;
    } else if ((x as ArrayLike<unknown>)[i] !== (y as ArrayLike<unknown>)[j]) {
      return false;
    }
  }
  return true;
}
