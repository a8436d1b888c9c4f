/**
 * Quote tick rules, in the order they run.
 */
import type { Frame } from '../../model/frames.js';
import { nonFiniteRule, orderRule } from './common-rules.js';
import type { ConformanceRule, RuleContext } from './engine.js';
import { approxRaw, compareRaw, rawView, signAt } from './raw-view.js';

/** A locked book (bid == ask) counts as crossed: no venue quotes a zero spread as a valid top of book. */
const quoteCrossed: ConformanceRule = {
  id: 'quote_crossed',
  defaultAction: 'warn',
  description: 'bid >= ask (a locked book, bid == ask, counts as crossed)',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const { keep, nonFinite } = ctx;
    const frame = ctx.frame as Frame<'quote_tick'>;
    const bid = rawView(frame.columns.bid_price);
    const ask = rawView(frame.columns.ask_price);
    let count = 0;
    for (let i = 0; i < frame.length; i++) {
      if (keep[i] === 1 && nonFinite[i] === 0 && compareRaw(bid, i, ask, i) >= 0) {
        flags[i] = 1;
        count++;
      }
    }
    return count;
  },
};

const quoteSize: ConformanceRule = {
  id: 'quote_size',
  defaultAction: 'warn',
  description: 'bid size or ask size is zero',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const { keep, nonFinite } = ctx;
    const frame = ctx.frame as Frame<'quote_tick'>;
    const bidSize = rawView(frame.columns.bid_size);
    const askSize = rawView(frame.columns.ask_size);
    let count = 0;
    for (let i = 0; i < frame.length; i++) {
      if (keep[i] === 1 && nonFinite[i] === 0 && (signAt(bidSize, i) === 0 || signAt(askSize, i) === 0)) {
        flags[i] = 1;
        count++;
      }
    }
    return count;
  },
};

/**
 * Flags `(ask - bid) / |mid| > maxSpreadRatio`, tested as `spread > ratio * |mid|` so a
 * zero mid with a positive spread counts as infinitely wide. Floats suffice for a ratio.
 * Crossed rows have no positive spread and are quote_crossed's concern.
 */
const quoteSpread: ConformanceRule = {
  id: 'quote_spread',
  defaultAction: 'warn',
  description: 'spread / mid above maxSpreadRatio (default 0.1)',
  droppable: true,
  check(ctx: RuleContext, flags: Uint8Array): number {
    const { keep, nonFinite, maxSpreadRatio } = ctx;
    const frame = ctx.frame as Frame<'quote_tick'>;
    const bid = rawView(frame.columns.bid_price);
    const ask = rawView(frame.columns.ask_price);
    let count = 0;
    for (let i = 0; i < frame.length; i++) {
      if (keep[i] === 0 || nonFinite[i] === 1) continue;
      // Unscaled raws are enough: the ratio does not depend on the fixed-point scale.
      const b = approxRaw(bid, i);
      const a = approxRaw(ask, i);
      const spread = a - b;
      if (spread > 0 && spread > maxSpreadRatio * Math.abs((a + b) / 2)) {
        flags[i] = 1;
        count++;
      }
    }
    return count;
  },
};

export const QUOTE_RULES: readonly ConformanceRule[] = [
  nonFiniteRule('quote_non_finite', 'quote'),
  quoteCrossed,
  quoteSize,
  quoteSpread,
  orderRule('quote_order', 'ts_init goes backwards (below an earlier quote)'),
];
