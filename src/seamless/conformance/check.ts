/**
 * `checkConformance`: what the history provider runs on every fetch result. It never
 * throws for bad data; the caller throws SEAMLESS_CONFORMANCE_BLOCKED when
 * `report.blocked`.
 */
import { SeamlessError } from '../errors.js';
import type { ConformanceConfig } from '../provider-config.js';
import type { Series, SeriesFrame } from '../series.js';
import { type ConformanceReport, EMPTY_REPORT, nonFiniteMask, runRules } from './engine.js';
import { resolveConformanceConfig, rulesOf } from './rules.js';
import { type Frame, concatFrames } from '../../model/frames.js';
import { quotesCertainlyClean } from './quote-fast-path.js';
import { type StreamProof, provable } from './stream-proof.js';
import { tradesCertainlyClean } from './trade-fast-path.js';
import { barsCertainlyClean } from './bar-fast-path.js';

export interface ConformanceOptions {
  /** quote_spread flags spread / mid above this; default 0.1. */
  readonly maxSpreadRatio?: number;
  /** Rows kept per fired rule in the report; default 5. */
  readonly sampleLimit?: number;
}

export const DEFAULT_MAX_SPREAD_RATIO = 0.1;
export const DEFAULT_SAMPLE_LIMIT = 5;

function checkOptions(options: ConformanceOptions): { maxSpreadRatio: number; sampleLimit: number } {
  const maxSpreadRatio = options.maxSpreadRatio ?? DEFAULT_MAX_SPREAD_RATIO;
  const sampleLimit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  if (!(Number.isFinite(maxSpreadRatio) && maxSpreadRatio >= 0)) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `conformance maxSpreadRatio must be a finite number >= 0, was ${maxSpreadRatio}`, { field: 'maxSpreadRatio' });
  }
  if (!(Number.isSafeInteger(sampleLimit) && sampleLimit >= 0)) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `conformance sampleLimit must be an integer >= 0, was ${sampleLimit}`, { field: 'sampleLimit' });
  }
  return { maxSpreadRatio, sampleLimit };
}

/**
 * Runs the rules of `series.dataType` over `frame` with `config` over the defaults.
 *
 * Returns `frame` itself when no row is dropped, a new frame of the kept rows otherwise,
 * and undefined when every row is dropped (as sources return undefined for no rows).
 *
 * Throws SeamlessError SEAMLESS_BAD_CONFIG for an unknown rule id or action, bad options,
 * a frame whose type is not the series', or a bar series without `stepNs`.
 */
export function checkConformance<F extends SeriesFrame>(
  series: Series,
  frame: F | undefined,
  config: ConformanceConfig = {},
  options: ConformanceOptions = {},
): { frame: F | undefined; report: ConformanceReport } {
  const actions = resolveConformanceConfig(series.dataType, config);
  const { maxSpreadRatio, sampleLimit } = checkOptions(options);
  if (frame === undefined || frame.length === 0) return { frame, report: EMPTY_REPORT };
  if (frame.type !== series.dataType) {
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `series ${series.nodeId} holds ${series.dataType} rows, but the frame holds ${frame.type}`, {
      nodeId: series.nodeId,
    });
  }
  const keep = new Uint8Array(frame.length).fill(1);
  const ctx = { series, frame, keep, nonFinite: nonFiniteMask(frame), maxSpreadRatio };
  const result = runRules(ctx, rulesOf(series.dataType), actions, sampleLimit);
  // The output holds the input's type, width and meta, so it is an F too.
  return result as { frame: F | undefined; report: ConformanceReport };
}

/**
 * Conformance over a run of frames in `ts_init` order (what storage streams), without
 * joining them when the data is clean: quote frames proven clean by the fused pass come
 * back as they are. Otherwise the frames are joined and checked as one.
 *
 * `proof`, built while the frames were read, stands in for the fused pass when it covers
 * exactly these frames (unchanged since), so they are not swept a second time.
 */
export function checkConformanceFrames(
  series: Series,
  frames: readonly SeriesFrame[],
  config: ConformanceConfig = {},
  options: ConformanceOptions = {},
  proof?: StreamProof,
): { frames: SeriesFrame[]; report: ConformanceReport } {
  const present = frames.filter((f) => f.length > 0);
  if (present.length === 0) return { frames: [], report: checkConformance(series, undefined, config, options).report };
  if (provable(series.dataType, series.stepNs) && present.every((f) => f.type === series.dataType)) {
    resolveConformanceConfig(series.dataType, config);
    const { maxSpreadRatio } = checkOptions(options);
    const fused = () => {
      if (series.dataType === 'quote_tick') return quotesCertainlyClean(present as Frame<'quote_tick'>[], maxSpreadRatio);
      if (series.dataType === 'trade_tick') return tradesCertainlyClean(present as Frame<'trade_tick'>[]);
      return barsCertainlyClean(present as Frame<'bar'>[], series.stepNs!);
    };
    const verdict = proof?.verdict(present, maxSpreadRatio) ?? (fused() ? 'clean' : 'doubtful');
    if (verdict === 'clean') {
      const rows = present.reduce((sum, f) => sum + f.length, 0);
      return { frames: present, report: { rowsIn: rows, rowsOut: rows, rules: {}, blocked: false } };
    }
  }
  const joined = present.length === 1 ? present[0]! : concatFrames(present as Frame[]) as SeriesFrame;
  const checked = checkConformance(series, joined, config, options);
  return { frames: checked.frame ? [checked.frame] : [], report: checked.report };
}
