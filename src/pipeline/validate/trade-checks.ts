/**
 * Trade checks fused in one pass over price and size: sentinels, zero and negative sizes,
 * declared precision and price spikes, from one float per raw (see quote-checks.ts).
 * Trade id continuity is trade-ids.ts (strings, a pass of its own).
 */
import type { Frame } from '../../model/frames.js';
import { type RawView, isSentinelAt, rawView } from '../../seamless/conformance/raw-view.js';
import { type FrameSink, rawText } from './finding-sink.js';
import { type SeriesSpikes, reportSpikes, scanTicks } from './spike-batch.js';
import type { PrecisionPair } from './precision-check.js';
import { type TickScanner, scanInBlocks, tickScanner } from './tick-scan-kernel.js';
import { type NegativeSizeTest, reportDrift } from './value-checks.js';

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;

export function scanTrades(frame: Frame<'trade_tick'>, ticks: SeriesSpikes, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): void {
  const scanner = tickScanner();
  if (scanner) scanTradesWithKernel(scanner, frame, ticks, precision, sink);
  else scanTicks(ticks, frame.length, 'price', frame.width, sink, (prices, rows) => checkTradeRows(frame, prices, rows, negative, precision, sink));
}

/** checkTradeRows' findings, in its order, from the kernel's records (as scanQuotesWithKernel in quote-checks.ts). */
function scanTradesWithKernel(scanner: TickScanner, frame: Frame<'trade_tick'>, ticks: SeriesSpikes, precision: PrecisionPair, sink: FrameSink): void {
  const c = frame.columns;
  const flags = scanner.flags;
  let views: [RawView, RawView] | undefined;
  const shown = (i: number) => ({ price: rawText(views![0], i), size: rawText(views![1], i), trade_id: c.trade_id[i]! });
  scanner.begin(frame.width, precision.price, precision.size);
  scanInBlocks(
    scanner,
    frame.length,
    (from, count) => scanner.scanTrades(c.price, c.size, frame.width, from, count),
    (i, bits) => {
      views ??= [rawView(c.price), rawView(c.size)];
      if (bits & flags.sentinel) return sink.add('sentinel', i, shown(i));
      if (bits & flags.zero) sink.add('size_zero', i, shown(i));
      else if (bits & flags.negative) sink.add('size_negative', i, shown(i));
      if (bits & flags.drift) reportDrift(precision.price, views[0], i, 'price', sink);
      if (bits & (flags.drift << 1)) reportDrift(precision.size, views[1], i, 'size', sink);
    },
    (from) => reportSpikes(scanner.prices, scanner.priceRows, from, scanner.pricesWritten, ticks.spikes, 'price', frame.width, sink),
  );
}

/** The row checks; stores each row's price in `prices` (its row in `rows`) and returns how many (see scanTicks). */
function checkTradeRows(frame: Frame<'trade_tick'>, prices: Float64Array, rows: Int32Array, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): number {
  const c = frame.columns;
  const priceView = rawView(c.price);
  const sizeView = rawView(c.size);
  const pw = priceView.words;
  const sw = sizeView.words;
  const wide = frame.width === 16;
  const stride = wide ? 4 : 2;
  const top = stride - 1;
  const maxTop = negative.maxTop;
  const { price, size } = precision;
  // The precision checks' constants as locals, for the one-branch fast test (see quote-checks.ts).
  // Doubles from `constants` and int32s by `| 0`, untagged (see PrecisionCheck.constants):
  // ~4 ns/row less on quotes than locals taken from the fields.
  const pk = price.constants;
  const sk = size.constants;
  const pInv = pk[0]!;
  const pDiv = pk[1]!;
  const pLim = pk[2]!;
  const sInv = sk[0]!;
  const sDiv = sk[1]!;
  const sLim = sk[2]!;
  const pLow = price.divisorLow | 0;
  const sLow = size.divisorLow | 0;
  const shown = (i: number) => ({ price: rawText(priceView, i), size: rawText(sizeView, i), trade_id: c.trade_id[i]! });
  let pushed = 0;
  for (let i = 0, base = 0; i < frame.length; i++, base += stride) {
    const pt = pw[base + top]!;
    const st = sw[base + top]!;
    if ((pt === 0x7fffffff || pt === 0x80000000 || st === 0xffffffff) && (isSentinelAt(priceView, i) || isSentinelAt(sizeView, i))) {
      sink.add('sentinel', i, shown(i));
      continue;
    }
    const pf = wide ? (((pt | 0) * TWO_32 + pw[base + 2]!) * TWO_32 + pw[base + 1]!) * TWO_32 + pw[base]! : (pt | 0) * TWO_32 + pw[base]!;
    const sf = wide ? ((st * TWO_32 + sw[base + 2]!) * TWO_32 + sw[base + 1]!) * TWO_32 + sw[base]! : st * TWO_32 + sw[base]!;
    if (sf === 0) sink.add('size_zero', i, shown(i));
    else if (st >= maxTop && negative.negativeAt(sizeView, i)) sink.add('size_negative', i, shown(i));
    const qp = Math.floor(pf * pInv + 0.5);
    const qs = Math.floor(sf * sInv + 0.5);
    const dp = pf - qp * pDiv;
    const ds = sf - qs * sDiv;
    if (((Math.imul(qp, pLow) ^ pw[base]!) | (Math.imul(qs, sLow) ^ sw[base]!)) !== 0 || !(dp < TWO_31 && dp > -TWO_31 && ds < TWO_31 && ds > -TWO_31 && pf < pLim && pf > -pLim && sf < sLim)) {
      if (!price.surely(pf, pw[base]!)) reportDrift(price, priceView, i, 'price', sink);
      if (!size.surely(sf, sw[base]!)) reportDrift(size, sizeView, i, 'size', sink);
    }
    prices[pushed] = pf;
    rows[pushed++] = i;
  }
  return pushed;
}
