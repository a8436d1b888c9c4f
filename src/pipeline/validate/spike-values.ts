/** Report values of a price spike, in price units (floats: a spike is far beyond their rounding). */
import { type FixedWidth, fixedPrecisionOf } from '../../model/fixed-point.js';

/** What a spike's report line needs from the test that found it. */
export interface SpikeReport {
  readonly window: number;
  /** The median and σ of the last spike found. */
  readonly lastMedian: number;
  readonly lastScale: number;
}

export function spikeValues(what: string, raw: number, spikes: SpikeReport, width: FixedWidth): Record<string, string> {
  const scale = 10 ** fixedPrecisionOf(width);
  const show = (x: number) => String(Number((x / scale).toPrecision(12)));
  return {
    [what]: show(raw),
    median: show(spikes.lastMedian),
    sigma: show(spikes.lastScale),
    deviation_sigmas: (Math.abs(raw - spikes.lastMedian) / spikes.lastScale).toFixed(1),
    window: String(spikes.window),
  };
}
