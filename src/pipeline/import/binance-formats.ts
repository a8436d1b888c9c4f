/**
 * Column layouts of data.binance.vision CSVs, by position (header names differ between
 * markets and contradict the README for COIN-M, so they are never trusted). Raw formats as
 * documented in binance/binance-public-data's README; dated notes in docs/import.md.
 *
 * | market · type     | columns                                                                 |
 * |-------------------|-------------------------------------------------------------------------|
 * | spot trades       | id, price, qty, quoteQty, time, isBuyerMaker, isBestMatch               |
 * | um trades         | id, price, qty, quote_qty, time, is_buyer_maker                         |
 * | cm trades         | id, price, qty (contracts), base_qty, time, is_buyer_maker              |
 * | spot aggTrades    | agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time, is_buyer_maker, is_best_match |
 * | um/cm aggTrades   | the same without is_best_match                                          |
 * | klines (all)      | open_time, open, high, low, close, volume, close_time, + 5 unused        |
 *
 * Header rows (futures files from ~2022 on) are detected per file; timestamps are ms, or µs
 * in spot files from 2025-01-01 on, detected per value.
 */
import type { BinanceDataType, BinanceMarket } from './binance-layout.js';
import type { Role, RowLayout } from './row-mapper.js';

function layout(columns: ReadonlyArray<readonly [string, Role]>): RowLayout {
  return { names: columns.map(([name]) => name), roles: columns.map(([, role]) => role), header: 'detect' };
}

export function binanceLayout(market: BinanceMarket, type: BinanceDataType): RowLayout {
  if (type === 'trades') {
    const third = market === 'cm' ? 'base_qty' : 'quote_qty';
    return layout([
      ['id', 'id'], ['price', 'fixed:0'], ['qty', 'fixed:1'], [third, 'skip'], ['time', 'time'], ['is_buyer_maker', 'buyerMaker'],
      ...(market === 'spot' ? ([['is_best_match', 'skip']] as const) : []),
    ]);
  }
  if (type === 'aggTrades') {
    return layout([
      ['agg_trade_id', 'id'], ['price', 'fixed:0'], ['quantity', 'fixed:1'], ['first_trade_id', 'skip'], ['last_trade_id', 'skip'],
      ['transact_time', 'time'], ['is_buyer_maker', 'buyerMaker'],
      ...(market === 'spot' ? ([['is_best_match', 'skip']] as const) : []),
    ]);
  }
  return layout([
    ['open_time', 'time'], ['open', 'fixed:0'], ['high', 'fixed:1'], ['low', 'fixed:2'], ['close', 'fixed:3'], ['volume', 'fixed:4'],
    ['close_time', 'skip'], ['quote_volume', 'skip'], ['count', 'skip'], ['taker_buy_volume', 'skip'], ['taker_buy_quote_volume', 'skip'], ['ignore', 'skip'],
  ]);
}
