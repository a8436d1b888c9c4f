/**
 * Quote checks fused in one pass over the four fixed columns: sentinels, crossed (bid > ask,
 * an error) and locked (bid = ask, a warning — some venues do print locked books), zero
 * and negative sizes, declared precision, and spikes of the mid price.
 *
 * The loop reads 32-bit words directly, as quote-fast-path.ts does: each raw's top word
 * decides sentinels and negative sizes. One float per raw, built once, serves the rest:
 * it settles bid < ask for all but crossed, locked or nearly locked quotes, feeds the
 * precision test and the mid.
 */
import type { Frame } from '../../model/frames.js';
import { type RawView, compareRaw, isSentinelAt, rawView } from '../../seamless/conformance/raw-view.js';
import { type FrameSink, rawText } from './finding-sink.js';
import { type SeriesSpikes, reportSpikes, scanTicks } from './spike-batch.js';
import type { PrecisionPair } from './precision-check.js';
import { type TickScanner, scanInBlocks, tickScanner } from './tick-scan-kernel.js';
import { type NegativeSizeTest, reportDrift } from './value-checks.js';

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;

const NAMES = ['bid_price', 'ask_price', 'bid_size', 'ask_size'] as const;

export function scanQuotes(frame: Frame<'quote_tick'>, ticks: SeriesSpikes, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): void {
  const scanner = tickScanner();
  if (scanner) scanQuotesWithKernel(scanner, frame, ticks, precision, sink);
  else scanTicks(ticks, frame.length, 'mid', frame.width, sink, (prices, rows) => checkQuoteRows(frame, prices, rows, negative, precision, sink));
}

/**
 * checkQuoteRows' findings, in its order, from the kernel's records (tick-scan-kernel.ts): a
 * sentinel row alone, else crossed or locked, a zero or negative size, and drift column by
 * column; then each block's mids through the spike test, straight from the kernel's memory.
 */
function scanQuotesWithKernel(scanner: TickScanner, frame: Frame<'quote_tick'>, ticks: SeriesSpikes, precision: PrecisionPair, sink: FrameSink): void {
  const c = frame.columns;
  const columns = [c.bid_price, c.ask_price, c.bid_size, c.ask_size] as const;
  const flags = scanner.flags;
  // Views for wording findings, made on the first record (most frames have none).
  let views: RawView[] | undefined;
  const shown = (i: number) => ({ bid: rawText(views![0]!, i), ask: rawText(views![1]!, i), bid_size: rawText(views![2]!, i), ask_size: rawText(views![3]!, i) });
  scanner.begin(frame.width, precision.price, precision.size);
  scanInBlocks(
    scanner,
    frame.length,
    (from, count) => scanner.scanQuotes(columns, frame.width, from, count),
    (i, bits) => {
      views ??= columns.map(rawView);
      if (bits & flags.sentinel) return sink.add('sentinel', i, shown(i));
      if (bits & flags.crossed) sink.add('quote_crossed', i, shown(i));
      else if (bits & flags.locked) sink.add('quote_locked', i, shown(i));
      if (bits & flags.zero) sink.add('size_zero', i, shown(i));
      else if (bits & flags.negative) sink.add('size_negative', i, shown(i));
      for (let k = 0; k < 4; k++) if (bits & (flags.drift << k)) reportDrift(k < 2 ? precision.price : precision.size, views[k]!, i, NAMES[k]!, sink);
    },
    (from) => reportSpikes(scanner.prices, scanner.priceRows, from, scanner.pricesWritten, ticks.spikes, 'mid', frame.width, sink),
  );
}

/** The row checks; stores each row's mid in `prices` (its row in `rows`) and returns how many (see scanTicks). */
function checkQuoteRows(frame: Frame<'quote_tick'>, prices: Float64Array, rows: Int32Array, negative: NegativeSizeTest, precision: PrecisionPair, sink: FrameSink): number {
  const { price, size } = precision;
  const c = frame.columns;
  const bid = rawView(c.bid_price);
  const ask = rawView(c.ask_price);
  const bidSize = rawView(c.bid_size);
  const askSize = rawView(c.ask_size);
  const b = bid.words;
  const a = ask.words;
  const bs = bidSize.words;
  const as = askSize.words;
  const wide = frame.width === 16;
  const stride = wide ? 4 : 2;
  const top = stride - 1;
  const maxTop = negative.maxTop;
  // The precision checks' constants as locals, for the one-branch fast test below.
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
  const shown = (i: number) => ({ bid: rawText(bid, i), ask: rawText(ask, i), bid_size: rawText(bidSize, i), ask_size: rawText(askSize, i) });
  let pushed = 0;
  for (let i = 0, base = 0; i < frame.length; i++, base += stride) {
    const bt = b[base + top]!;
    const at = a[base + top]!;
    const bst = bs[base + top]!;
    const ast = as[base + top]!;
    // Sentinels: prices' top word 0x7FFFFFFF / 0x80000000, sizes' 0xFFFFFFFF.
    if ((bt === 0x7fffffff || bt === 0x80000000 || at === 0x7fffffff || at === 0x80000000 || bst === 0xffffffff || ast === 0xffffffff) && (isSentinelAt(bid, i) || isSentinelAt(ask, i) || isSentinelAt(bidSize, i) || isSentinelAt(askSize, i))) {
      sink.add('sentinel', i, shown(i));
      continue;
    }
    // Floats of the raws, rounded monotonically (each Horner step keeps order), so bf < af
    // proves bid < ask; only the rare rest needs the exact word comparison.
    const bf = wide ? (((bt | 0) * TWO_32 + b[base + 2]!) * TWO_32 + b[base + 1]!) * TWO_32 + b[base]! : (bt | 0) * TWO_32 + b[base]!;
    const af = wide ? (((at | 0) * TWO_32 + a[base + 2]!) * TWO_32 + a[base + 1]!) * TWO_32 + a[base]! : (at | 0) * TWO_32 + a[base]!;
    if (!(bf < af)) {
      const order = compareRaw(bid, i, ask, i);
      if (order >= 0) sink.add(order > 0 ? 'quote_crossed' : 'quote_locked', i, shown(i));
    }
    const bsf = wide ? ((bst * TWO_32 + bs[base + 2]!) * TWO_32 + bs[base + 1]!) * TWO_32 + bs[base]! : bst * TWO_32 + bs[base]!;
    const asf = wide ? ((ast * TWO_32 + as[base + 2]!) * TWO_32 + as[base + 1]!) * TWO_32 + as[base]! : ast * TWO_32 + as[base]!;
    if (bsf === 0 || asf === 0) sink.add('size_zero', i, shown(i));
    else if ((bst >= maxTop || ast >= maxTop) && (negative.negativeAt(bidSize, i) || negative.negativeAt(askSize, i))) sink.add('size_negative', i, shown(i));
    // Precision: PrecisionCheck.surely's two deciding tests for all four raws, one branch
    // (~10 ns/row less than four calls with their own branches); a row failing it takes the
    // per-column tests, which find the drift or clear the raw exactly.
    const qb = Math.floor(bf * pInv + 0.5);
    const qa = Math.floor(af * pInv + 0.5);
    const qbs = Math.floor(bsf * sInv + 0.5);
    const qas = Math.floor(asf * sInv + 0.5);
    const lows = (Math.imul(qb, pLow) ^ b[base]!) | (Math.imul(qa, pLow) ^ a[base]!) | (Math.imul(qbs, sLow) ^ bs[base]!) | (Math.imul(qas, sLow) ^ as[base]!);
    const db = bf - qb * pDiv;
    const da = af - qa * pDiv;
    const dbs = bsf - qbs * sDiv;
    const das = asf - qas * sDiv;
    if (lows !== 0 || !(db < TWO_31 && db > -TWO_31 && da < TWO_31 && da > -TWO_31 && dbs < TWO_31 && dbs > -TWO_31 && das < TWO_31 && das > -TWO_31 && bf < pLim && bf > -pLim && af < pLim && af > -pLim && bsf < sLim && asf < sLim)) {
      if (!price.surely(bf, b[base]!)) reportDrift(price, bid, i, 'bid_price', sink);
      if (!price.surely(af, a[base]!)) reportDrift(price, ask, i, 'ask_price', sink);
      if (!size.surely(bsf, bs[base]!)) reportDrift(size, bidSize, i, 'bid_size', sink);
      if (!size.surely(asf, as[base]!)) reportDrift(size, askSize, i, 'ask_size', sink);
    }
    const mid = (bf + af) / 2;
    prices[pushed] = mid;
    rows[pushed++] = i;
  }
  return pushed;
}
