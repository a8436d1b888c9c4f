#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# nautilus_peer.py — the "real NautilusTrader" side of seamless' byte-compatibility tests.
#
# Runs against the INSTALLED NautilusTrader 1.221.0 (128-bit / high-precision Linux wheel) in
# <repo>/.venv. Python 3.11; only stdlib + nautilus_trader (+ pyarrow/numpy/pandas/msgspec that
# come with it). Every subcommand prints JSON (or NDJSON) to stdout, or to the file given by
# `--out`; errors go to stderr with a non-zero exit status (1 = Python error, 2 = usage error;
# a Rust panic inside NautilusTrader aborts the process with its own status).
#
# Subcommands (all options are listed by `--help`):
#
#   write-random --catalog DIR --seed N [--rows N] [--files N] [--wide] [--rg-ties]
#       Random, seed-deterministic catalog written with the real ParquetDataCatalog.write_data
#       (use a new/empty DIR: re-running the same seed overwrites identical files, a different
#       seed collides with the existing intervals and write_data raises AssertionError).
#       --rows = max rows per (type, identifier) per file, --files = number of write_data calls
#       (one "day" each). Prints {"types": {cls: count}, "files": [paths relative to DIR, incl.
#       instrument files], "groups": {cls: {identifier|bar type: count}}, "instruments": [...],
#       "seed", "rows", "file_sets", "wide", "rg_ties"}.
#   read --catalog DIR --type T --identifier ID [--start NS|ISO] [--end NS|ISO] [--raw]
#       Real ParquetDataCatalog.query (Rust/DataFusion path). NDJSON, one object per line.
#   read-file --file F.parquet --type T [--start NS|ISO] [--end NS|ISO] [--raw]
#       One Parquet file through nautilus_pyo3.DataBackendSession (+ capsule_to_list), as
#       tests/unit_tests/persistence/test_backend.py does. Same NDJSON format. Without bounds the
#       session's default query runs; rows come back in FILE order (the file is declared sorted
#       by ts_init, so e.g. the unsorted deltas.parquet fixture keeps its one decrease).
#   instruments --catalog DIR
#       json.dumps(type(i).to_dict(i), sort_keys=True) per line for catalog.instruments().
#   write-instruments --catalog DIR
#       Writes a fixed set of TestInstrumentProvider instruments; prints their to_dict lines.
#   schema --file F.parquet
#       pyarrow's view of one Parquet file (schema, metadata, row groups, compression, stats).
#   write-backtest-sample --catalog DIR [--bars N] [--seed N]
#       BTCUSDT.BINANCE CurrencyPair + N 1-minute LAST bars (oscillating trend) for `backtest`.
#   backtest --catalog DIR --instrument-id ID --bar-type BT [--start ISO] [--end ISO]
#            [--trade-size D] [--fast N] [--slow N] [--log-level L] [--show-config]
#       BacktestRunConfig (spec §8.2) -> BacktestNode.run() with the example EMACross strategy.
#
# NDJSON line format of `read` / `read-file` (compared as strings with the TypeScript side):
#   json.dumps(obj, separators=(",", ":")), keys in this exact order:
#     "type" ("QuoteTick" | "TradeTick" | "Bar" | "OrderBookDelta"),
#     "bar_type" (bars) or "instrument_id" (others) — str(...), e.g. "EUR/USD.SIM" (slash kept),
#     then the catalog columns in column order:
#       Bar:            open, high, low, close, volume, ts_event, ts_init
#       QuoteTick:      bid_price, ask_price, bid_size, ask_size, ts_event, ts_init
#       TradeTick:      price, size, aggressor_side, trade_id, ts_event, ts_init
#       OrderBookDelta: action, side, price, size, order_id, flags, sequence, ts_event, ts_init
#   Prices/sizes are str(Price|Quantity); ts_* are decimal STRINGS of the integer ns;
#   aggressor_side/action/side are enum NAMES ("BUYER", "NO_AGGRESSOR", "ADD", "CLEAR",
#   "BUY", "NO_ORDER_SIDE", ...); order_id/flags/sequence are JSON integers (u64, exact);
#   trade_id is a string. With --raw, every price/size field F is immediately followed by
#   "F_raw": <int> (the fixed-point raw integer, i128/u128 scaled by 1e16 in this build).
#
# NautilusTrader 1.221.0 behaviours verified here (see also the report in the session log):
#   * str(Price|Quantity) (Cython, model/objects.pyx) is
#         f"{decimal.Decimal(raw) / Decimal(10) ** 16:.{precision}f}"
#     evaluated in Python's DEFAULT decimal context: prec=28, ROUND_HALF_EVEN. So a value
#     with more than 28 significant digits is ROUNDED for display (e.g. raw
#     170141183460459988838491619327 at p=16 prints "17014118346045.9988838491619300"), and a
#     raw that is not a multiple of 10^(16-p) is rounded half-even (raw 15e15 at p=0 -> "2").
#     `write-random` keeps all values <= 28 significant digits unless `--wide` is given.
#     (The pyo3/Rust Price Display goes through rust_decimal and PANICS — aborts the process —
#     when |raw| > 2^96-1, so never str() a pyo3 Price here; we convert to Cython objects.)
#   * Price/Quantity.from_str are exact up to ~28 digits, lossy beyond (rust_decimal parse);
#     this script builds every value with from_raw so the raws are exact.
#   * Price limits (128-bit): |raw| <= 170141183460459988838491619328 (f64 product), i.e.
#     17014118346045 at p=0 is accepted, 17014118346046 is rejected. Quantity raw max is
#     340282366920929970038656466944 (34028236692092 at p=0 is accepted).
#   * CLEAR deltas: OrderBookDelta.clear(...) holds price=Price(0,0), size=Quantity(0,0),
#     side NO_ORDER_SIDE, order_id 0, flags 0. On write, OrderBookDelta.to_pyo3_list takes the
#     precision from the first delta whose precision is non-zero (and keeps it for all later
#     rows), and the Rust encoder takes the file metadata from the SECOND delta when the first
#     has p=0/0. On read every row gets the file's metadata precision, so a CLEAR comes back as
#     raw 0 at the FILE precision: str -> "0.00" at p=2, "0.0000000000000000" at p=16, and "0"
#     only in a p=0 file (e.g. the deltas.parquet fixture).
#   * write_data: one file per (class, identifier) group and call; the file is named
#     <first ts_init>_<last ts_init> (unless start/end given); pyarrow pq.write_table with
#     row_group_size=5000, default SNAPPY compression, dictionary encoding on (pyarrow default),
#     statistics on; Parquet key/value metadata holds ARROW:schema plus a plain copy of each
#     schema-metadata key. Instruments: one row from to_dict(), schema metadata replaced by
#     {"class": "<ClassName>"} (`schema` shows it), data/<snake_class>/<id>/ts_ts.parquet.
#   * DataFusion bug (1.221.0): if any UInt64 column of a file has statistics min=0 and
#     max=u64::MAX (e.g. a deltas file with a CLEAR, order_id 0, and an order_id 2^64-1), any
#     ts_init filter that does not cover the whole file fails with RuntimeError "Selectivity is
#     out of limit: NaN" (catalog.query(start=/end=) and BacktestNode time ranges alike).
#     `write-random` avoids u64::MAX unless --wide.
#   * Tie order: without a ts filter rows come back in file order. WITH a ts_init filter, rows
#     that share a ts_init across a 5000-row row-group boundary can come back reordered (seen
#     for deltas batches). `write-random` never puts a tie across a row-group boundary unless
#     --rg-ties. Across files the k-way merge by ts_init has no defined tie order either.
#   * Instruments lose fields the Arrow schema lacks: e.g. CurrencyPair.tick_scheme_name
#     ("FOREX_5DECIMAL" for TestInstrumentProvider.default_fx_ccy) reads back as null.
#   * BettingInstrument cannot carry the id "1.166564490-60424-0.0.BETFAIR" in 1.221.0:
#     make_symbol() turns the market id "1.166564490" into "1-166564490". `write-random`
#     therefore writes no instrument for that id (data only).
#
# What makes a catalog usable by BacktestNode (1.221.0, backtest/node.py + backtest/config.py):
#   * The INSTRUMENT must be in the same catalog (data/<instrument_class>/<id>/*.parquet,
#     instrument schema with "class" metadata). load_data_config() first calls
#     catalog.instruments(instrument_ids=[...]); if that is empty it silently returns NO DATA.
#   * Bars live in data/bar/<bar type without '/'>/<ts>_<ts>.parquet with metadata
#     bar_type/instrument_id/price_precision/size_precision; BacktestDataConfig(bar_spec=...)
#     asks for "<instrument_id>-<bar_spec>-EXTERNAL" but in one-shot mode (chunk_size=None) the
#     catalog is queried with the INSTRUMENT id, so the prefix fallback loads EVERY bar type of
#     that instrument (keep one bar type per instrument, or use chunk_size + bar_types).
#   * Bar ts_event/ts_init must be the bar CLOSE time (Nautilus convention); rows sorted by
#     ts_init; files disjoint.
#   * The venue in the instrument id must match a BacktestVenueConfig name; a CASH account
#     needs balances in the currencies it trades (base AND quote for a spot CurrencyPair); a
#     MARGIN account for perpetuals/futures needs the settlement currency (USDT).
#   * Bars drive fills only with bar_execution=True (default); EMACross needs
#     slow_ema_period bars before its first signal; the strategy's instrument_id/bar_type must
#     equal the loaded bar type string exactly.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any


# Heavy NautilusTrader imports happen at module load: every subcommand needs them.
import pyarrow.parquet as pq

from nautilus_trader.core.datetime import dt_to_unix_nanos
from nautilus_trader.core.nautilus_pyo3 import DataBackendSession
from nautilus_trader.core.nautilus_pyo3 import NautilusDataType
from nautilus_trader.model.data import Bar
from nautilus_trader.model.data import BarType
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.data import capsule_to_list
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.enums import aggressor_side_to_str
from nautilus_trader.model.enums import book_action_to_str
from nautilus_trader.model.enums import order_side_to_str
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Symbol
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.objects import FIXED_PRECISION
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity
from nautilus_trader.persistence.catalog import ParquetDataCatalog


TYPE_TO_CLS: dict[str, type] = {
    "quote_tick": QuoteTick,
    "trade_tick": TradeTick,
    "bar": Bar,
    "order_book_delta": OrderBookDelta,
}
TYPE_TO_NAUTILUS_DATA_TYPE = {
    "quote_tick": NautilusDataType.QuoteTick,
    "trade_tick": NautilusDataType.TradeTick,
    "bar": NautilusDataType.Bar,
    "order_book_delta": NautilusDataType.OrderBookDelta,
}

NS_PER_SEC = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_SEC
NS_PER_DAY = 86_400 * NS_PER_SEC
U64_MAX = 2**64 - 1
ROW_GROUP_SIZE = 5_000  # ParquetDataCatalog(max_rows_per_group=5000) default


class PeerError(Exception):
    """A user-facing error: printed to stderr without a traceback, exit status 1."""


# -------------------------------------------------------------------------------------------------
# Output helpers
# -------------------------------------------------------------------------------------------------


class Output:
    """Collects output lines and writes them to stdout or to `--out` at the end."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.lines: list[str] = []
        self.flushed = False

    def line(self, text: str) -> None:
        self.lines.append(text)

    def json(self, obj: Any) -> None:
        self.lines.append(json.dumps(obj, separators=(",", ":")))

    def flush(self, stream: Any = None) -> None:
        if self.flushed:
            return
        self.flushed = True
        text = "".join(line + "\n" for line in self.lines)
        if self.path:
            Path(self.path).write_text(text, encoding="utf-8")
        else:
            (stream or sys.stdout).write(text)
            (stream or sys.stdout).flush()


def parse_ts(value: str | None) -> int | str | None:
    """Integer ns if the argument is all digits, otherwise passed through (ISO string)."""
    if value is None:
        return None
    value = value.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    return value


def jsonable(obj: Any) -> Any:
    """Recursively make pandas/numpy/Decimal values JSON-serialisable; NaN/inf -> None."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return None if (math.isnan(obj) or math.isinf(obj)) else obj
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "item"):  # numpy scalar
        return jsonable(obj.item())
    return str(obj)


# -------------------------------------------------------------------------------------------------
# Object -> JSON line (shared by `read` and `read-file`)
# -------------------------------------------------------------------------------------------------


def _put_value(d: dict[str, Any], name: str, value: Price | Quantity, raw: bool) -> None:
    d[name] = str(value)
    if raw:
        d[name + "_raw"] = int(value.raw)


def data_to_json(obj: Any, raw: bool = False) -> dict[str, Any]:
    """The canonical NDJSON object of one Cython data object (see header for the format)."""
    d: dict[str, Any] = {}
    if isinstance(obj, QuoteTick):
        d["type"] = "QuoteTick"
        d["instrument_id"] = str(obj.instrument_id)
        _put_value(d, "bid_price", obj.bid_price, raw)
        _put_value(d, "ask_price", obj.ask_price, raw)
        _put_value(d, "bid_size", obj.bid_size, raw)
        _put_value(d, "ask_size", obj.ask_size, raw)
    elif isinstance(obj, TradeTick):
        d["type"] = "TradeTick"
        d["instrument_id"] = str(obj.instrument_id)
        _put_value(d, "price", obj.price, raw)
        _put_value(d, "size", obj.size, raw)
        d["aggressor_side"] = aggressor_side_to_str(obj.aggressor_side)
        d["trade_id"] = str(obj.trade_id)
    elif isinstance(obj, Bar):
        d["type"] = "Bar"
        d["bar_type"] = str(obj.bar_type)
        _put_value(d, "open", obj.open, raw)
        _put_value(d, "high", obj.high, raw)
        _put_value(d, "low", obj.low, raw)
        _put_value(d, "close", obj.close, raw)
        _put_value(d, "volume", obj.volume, raw)
    elif isinstance(obj, OrderBookDelta):
        d["type"] = "OrderBookDelta"
        d["instrument_id"] = str(obj.instrument_id)
        d["action"] = book_action_to_str(obj.action)
        order = obj.order
        d["side"] = order_side_to_str(order.side)
        _put_value(d, "price", order.price, raw)
        _put_value(d, "size", order.size, raw)
        d["order_id"] = int(order.order_id)
        d["flags"] = int(obj.flags)
        d["sequence"] = int(obj.sequence)
    else:
        raise PeerError(f"unsupported data object {type(obj).__name__}")
    d["ts_event"] = str(int(obj.ts_event))
    d["ts_init"] = str(int(obj.ts_init))
    return d


# -------------------------------------------------------------------------------------------------
# write-random: a random, seed-deterministic catalog written with ParquetDataCatalog.write_data
# -------------------------------------------------------------------------------------------------

# Instrument ids, precisions and value ranges of the random catalog. Prices/sizes are built as
# raw integers (multiples of 10^(16-p)) so they are exact.
RANDOM_INSTRUMENTS: dict[str, dict[str, Any]] = {
    # p=16 prices and sizes: 21-28 significant digits, tiny sizes (raw 1 = 1e-16).
    "BTCUSDT-PERP.BINANCE": {"pp": 16, "sp": 16, "mid": Decimal("65000"), "tick": Decimal("0.5")},
    # FX like the fixtures: 5 / 0.
    "EUR/USD.SIM": {"pp": 5, "sp": 0, "mid": Decimal("1.1"), "tick": Decimal("0.0002")},
    # p=0 with extreme (+/-17014118346045) and negative prices.
    "^SPX.CBOE": {"pp": 0, "sp": 0, "mid": Decimal("4800"), "tick": Decimal("7")},
    # Betfair-style id (symbol contains '.' and '-'), prices 1.01..1000 at p=2.
    "1.166564490-60424-0.0.BETFAIR": {"pp": 2, "sp": 2, "mid": Decimal("3.5"), "tick": Decimal("0.05")},
}

# (bar type, interval ns, ts_init - ts_event ns)
RANDOM_BAR_TYPES: list[tuple[str, int, int]] = [
    ("BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL", NS_PER_MIN, 0),
    ("BTCUSDT-PERP.BINANCE-5-MINUTE-LAST-EXTERNAL", 5 * NS_PER_MIN, 0),
    ("EUR/USD.SIM-1-MINUTE-BID-EXTERNAL", NS_PER_MIN, 1_000_000),  # ts_init = close + 1 ms
    ("^SPX.CBOE-1-MINUTE-LAST-EXTERNAL", NS_PER_MIN, 0),
]

RANDOM_QUOTE_IDS = ["BTCUSDT-PERP.BINANCE", "EUR/USD.SIM", "^SPX.CBOE"]
RANDOM_TRADE_IDS = ["BTCUSDT-PERP.BINANCE", "EUR/USD.SIM", "^SPX.CBOE", "1.166564490-60424-0.0.BETFAIR"]
RANDOM_DELTA_IDS = ["1.166564490-60424-0.0.BETFAIR", "BTCUSDT-PERP.BINANCE"]

PRICE_RAW_MAX_P0 = 17014118346045 * 10**16  # largest whole price accepted at p=0
QTY_RAW_MAX_P0 = 34028236692092 * 10**16  # largest whole quantity accepted at p=0
EXACT_28_DIGITS_P16 = 10**28 - 1  # 999999999999.9999999999999999 (28 significant digits)
WIDE_PRICE_RAW_P16 = 170141183460459988838491619327  # 30 digits: str() is rounded
WIDE_QTY_RAW_P16 = 340282366920929970038656466943
TRADE_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE_TS = 1_704_067_200_000_000_000  # 2024-01-01T00:00:00Z


def _unit(precision: int) -> int:
    return 10 ** (FIXED_PRECISION - precision)


def _to_raw(value: Decimal, precision: int) -> int:
    return int((value * (10**precision)).to_integral_value()) * _unit(precision)


class RandomMarket:
    """Per-instrument random walk producing exact raw prices/sizes at the instrument precision."""

    def __init__(self, rng: random.Random, iid: str, spec: dict[str, Any], wide: bool) -> None:
        self.rng = rng
        self.iid = iid
        self.pp: int = spec["pp"]
        self.sp: int = spec["sp"]
        self.punit = _unit(self.pp)
        self.sunit = _unit(self.sp)
        self.mid = _to_raw(spec["mid"], self.pp)
        self.tick = max(_to_raw(spec["tick"], self.pp), self.punit)
        self.wide = wide

    def _step(self) -> None:
        r = self.rng
        # Random walk with p-fine noise (so p=16 values use all 16 decimals).
        self.mid += r.randint(-3, 3) * self.tick + r.randint(-1000, 1000) * self.punit
        if self.iid.endswith(".BETFAIR"):
            self.mid = min(max(self.mid, _to_raw(Decimal("1.01"), 2)), _to_raw(Decimal("1000"), 2))

    def price(self) -> int:
        """A raw price; mostly near the walk, sometimes extreme."""
        self._step()
        r = self.rng
        x = r.random()
        if self.pp == 0 and x < 0.04:
            return r.choice([PRICE_RAW_MAX_P0, -PRICE_RAW_MAX_P0, 0, -self.punit, -4800 * self.punit])
        if self.pp == 0 and x < 0.10:
            return -abs(self.mid)  # negative prices are valid for Price
        if self.pp == 16 and x < 0.03:
            choices = [EXACT_28_DIGITS_P16, -EXACT_28_DIGITS_P16, 1, -1, 0]
            if self.wide:
                choices += [WIDE_PRICE_RAW_P16, -WIDE_PRICE_RAW_P16]
            return r.choice(choices)
        return self.mid

    def size(self, allow_zero: bool = False) -> int:
        r = self.rng
        x = r.random()
        if self.sp == 16:
            if x < 0.3:
                return r.randint(1, 10**6)  # tiny: 1e-16 .. 1e-10
            if x < 0.33:
                return r.choice([EXACT_28_DIGITS_P16, 1] + ([WIDE_QTY_RAW_P16] if self.wide else []))
            return r.randint(1, 10**20)
        if self.sp == 0 and x < 0.03:
            return QTY_RAW_MAX_P0
        if allow_zero and x < 0.06:
            return 0
        return r.randint(1, 10**7 if self.sp == 0 else 10**6) * self.sunit

    def p(self, raw: int) -> Price:
        return Price.from_raw(raw, self.pp)

    def q(self, raw: int) -> Quantity:
        return Quantity.from_raw(raw, self.sp)


class TsClock:
    """Non-decreasing ts_init inside [start, start + budget], with ties and ns-level steps."""

    def __init__(self, rng: random.Random, start: int, rows: int, budget_ns: int, rg_ties: bool = False) -> None:
        self.rng = rng
        self.ts = start
        self.max_step = max(1, budget_ns // max(rows, 1))
        self.rg_ties = rg_ties

    def next(self, index: int = 0) -> int:
        """ts_init of the row at `index` in its file (row groups hold ROW_GROUP_SIZE rows)."""
        r = self.rng
        x = r.random()
        if x < 0.15:
            step = 0  # tie in ts_init
            if index > 0 and index % ROW_GROUP_SIZE == 0 and not self.rg_ties:
                # A tie across a row-group boundary comes back REORDERED from a ts-filtered
                # 1.221.0 query (see header); avoid it unless --rg-ties.
                step = 1
        elif x < 0.30:
            step = r.randint(1, 999)  # ns-level differences
        else:
            step = r.randint(1, self.max_step)
        self.ts += step
        return self.ts

    def event_for(self, ts_init: int) -> int:
        """ts_event <= ts_init; equal for ~half the rows."""
        if self.rng.random() < 0.5:
            return ts_init
        return max(0, ts_init - self.rng.randint(1, 5_000_000))


def _random_trade_id(rng: random.Random, n: int) -> str:
    x = rng.random()
    if x < 0.1:
        length = 36
    elif x < 0.15:
        length = 1
    else:
        length = rng.randint(2, 35)
    if rng.random() < 0.3:
        return str(10**12 + n)[: length] if length <= 13 else f"{n:0{length}d}"[-length:]
    return "".join(rng.choice(TRADE_ID_CHARS) for _ in range(length))


def _gen_quotes(rng, m: RandomMarket, clock: TsClock, rows: int) -> list[QuoteTick]:
    iid = InstrumentId.from_str(m.iid)
    out = []
    for _ in range(rows):
        ts_init = clock.next(len(out))
        bid = m.price()
        ask = bid + rng.randint(0, 5) * m.punit * (1 if m.pp > 0 else 1)
        if ask > PRICE_RAW_MAX_P0 and m.pp == 0:
            ask = bid
        if m.pp == 16 and abs(ask) > 10**28 - 1 and not m.wide:
            ask = bid
        if m.pp == 16 and m.wide and abs(ask) > WIDE_PRICE_RAW_P16:
            ask = bid
        out.append(
            QuoteTick(
                instrument_id=iid,
                bid_price=m.p(bid),
                ask_price=m.p(ask),
                bid_size=m.q(m.size(allow_zero=True)),
                ask_size=m.q(m.size(allow_zero=True)),
                ts_event=clock.event_for(ts_init),
                ts_init=ts_init,
            ),
        )
    return out


def _gen_trades(rng, m: RandomMarket, clock: TsClock, rows: int, counter: list[int]) -> list[TradeTick]:
    iid = InstrumentId.from_str(m.iid)
    out = []
    sides = [AggressorSide.BUYER, AggressorSide.SELLER, AggressorSide.NO_AGGRESSOR]
    for _ in range(rows):
        ts_init = clock.next(len(out))
        counter[0] += 1
        size = m.size()
        if size == 0:
            size = m.sunit
        out.append(
            TradeTick(
                instrument_id=iid,
                price=m.p(m.price()),
                size=m.q(size),
                aggressor_side=rng.choices(sides, weights=[45, 45, 10])[0],
                trade_id=TradeId(_random_trade_id(rng, counter[0])),
                ts_event=clock.event_for(ts_init),
                ts_init=ts_init,
            ),
        )
    return out


def _gen_bars(rng, m: RandomMarket, bar_type: str, interval: int, lag: int, start: int, rows: int) -> list[Bar]:
    bt = BarType.from_str(bar_type)
    out = []
    close = m.mid
    # Aligned to the interval; ts_event = bar CLOSE time; occasional gaps of 1-3 intervals.
    ts_event = (start // interval + 1) * interval
    gap_budget = rows * 4 // 10 + 10  # keeps the file inside its day span (see write-random)
    for i in range(rows):
        ts_event += interval
        if i > 0 and rng.random() < 0.05:
            gap = min(rng.randint(1, 3), gap_budget)
            gap_budget -= gap
            ts_event += interval * gap
        m._step()
        open_ = close
        close = m.mid
        if m.pp == 0 and rng.random() < 0.05:
            open_ = -PRICE_RAW_MAX_P0
            close = PRICE_RAW_MAX_P0 if rng.random() < 0.5 else -m.punit
        high = max(open_, close) + rng.randint(0, 3) * m.tick
        low = min(open_, close) - rng.randint(0, 3) * m.tick
        if m.pp == 0:
            high = min(high, PRICE_RAW_MAX_P0)
            low = max(low, -PRICE_RAW_MAX_P0)
        if m.iid.endswith(".BETFAIR"):
            low = max(low, m.punit)
        volume = m.size()
        out.append(
            Bar(
                bar_type=bt,
                open=m.p(open_),
                high=m.p(high),
                low=m.p(low),
                close=m.p(close),
                volume=m.q(volume),
                ts_event=ts_event,
                ts_init=ts_event + lag,
            ),
        )
    return out


def _gen_deltas(rng, m: RandomMarket, clock: TsClock, rows: int, seq: list[int], mid_clear: bool) -> list[OrderBookDelta]:
    """CLEAR (p=0 zero price/size) + F_SNAPSHOT adds (last with F_LAST), then ADD/UPDATE/DELETE batches."""
    iid = InstrumentId.from_str(m.iid)
    out: list[OrderBookDelta] = []
    book: dict[int, tuple[OrderSide, int, int]] = {}

    # u64::MAX itself only with --wide: a file whose order_id statistics span [0, u64::MAX]
    # (order_id 0 comes with every CLEAR) makes 1.221.0's DataFusion fail any narrowing
    # ts_init filter with "Selectivity is out of limit: NaN" (see header).
    top = U64_MAX if m.wide else U64_MAX - 1

    def next_order_id() -> int:
        x = rng.random()
        if x < 0.05:
            oid = top - rng.randint(0, 10)
        elif x < 0.5:
            oid = rng.randint(2**63, top)
        else:
            oid = rng.randint(1, 2**40)
        while oid in book:
            oid = rng.randint(1, 2**63)
        return oid

    def add(action: BookAction, flags: int, ts_event: int, ts_init: int) -> None:
        seq[0] += 1
        if action == BookAction.ADD or not book:
            side = rng.choice([OrderSide.BUY, OrderSide.SELL])
            price = m.price()
            if m.iid.endswith(".BETFAIR"):
                price = max(price, m.punit)
            size = m.size() or m.sunit
            oid = next_order_id()
            book[oid] = (side, price, size)
            action = BookAction.ADD
        elif action == BookAction.UPDATE:
            oid = rng.choice(list(book))
            side, price, _ = book[oid]
            size = m.size() or m.sunit
            book[oid] = (side, price, size)
        else:  # DELETE
            oid = rng.choice(list(book))
            side, price, size = book.pop(oid)
            if rng.random() < 0.3:
                size = 0  # DELETE may carry size 0
        out.append(
            OrderBookDelta(
                instrument_id=iid,
                action=action,
                order=BookOrder(side, m.p(price), m.q(size), oid),
                flags=flags,
                sequence=seq[0],
                ts_event=ts_event,
                ts_init=ts_init,
            ),
        )

    def clear(ts_event: int, ts_init: int) -> None:
        seq[0] += 1
        book.clear()
        # Nautilus' own constructor: NO_ORDER_SIDE, Price(0, 0), Quantity(0, 0), order_id 0, flags 0.
        out.append(OrderBookDelta.clear(iid, seq[0], ts_event, ts_init))

    # Snapshot: CLEAR + adds sharing one timestamp (ties), F_SNAPSHOT, last one F_LAST.
    ts_init = clock.next()
    ts_event = clock.event_for(ts_init)
    clear(ts_event, ts_init)
    n_snap = min(max(2, rows // 10), 20, max(rows - 1, 1))
    for i in range(n_snap):
        flags = RecordFlag.F_SNAPSHOT | (RecordFlag.F_LAST if i == n_snap - 1 else 0)
        add(BookAction.ADD, flags, ts_event, ts_init)
    mid_clear_at = rows // 2 if mid_clear else -1
    while len(out) < rows:
        ts_init = clock.next(len(out))
        ts_event = clock.event_for(ts_init)
        if mid_clear_at >= 0 and len(out) >= mid_clear_at:
            mid_clear_at = -1
            clear(ts_event, ts_init)
            continue
        batch = min(rng.randint(1, 4), rows - len(out))
        if not clock.rg_ties:
            batch = min(batch, ROW_GROUP_SIZE - len(out) % ROW_GROUP_SIZE)  # no batch across row groups
        for j in range(batch):
            action = rng.choices([BookAction.ADD, BookAction.UPDATE, BookAction.DELETE], weights=[4, 4, 2])[0]
            flags = RecordFlag.F_LAST if j == batch - 1 else 0
            if rng.random() < 0.1:
                flags |= RecordFlag.F_MBP if rng.random() < 0.5 else RecordFlag.F_TOB
            add(action, flags, ts_event, ts_init)
    return out


def _random_instruments(base_ts: int) -> list[Any]:
    from nautilus_trader.model.currencies import BTC
    from nautilus_trader.model.currencies import USD
    from nautilus_trader.model.currencies import USDT
    from nautilus_trader.model.identifiers import Venue
    from nautilus_trader.model.instruments import CryptoPerpetual
    from nautilus_trader.model.instruments import IndexInstrument
    from nautilus_trader.test_kit.providers import TestInstrumentProvider

    ts = base_ts - NS_PER_DAY
    perp = CryptoPerpetual(
        instrument_id=InstrumentId.from_str("BTCUSDT-PERP.BINANCE"),
        raw_symbol=Symbol("BTCUSDT"),
        base_currency=BTC,
        quote_currency=USDT,
        settlement_currency=USDT,
        is_inverse=False,
        price_precision=16,
        size_precision=16,
        price_increment=Price.from_raw(1, 16),
        size_increment=Quantity.from_raw(1, 16),
        max_quantity=Quantity.from_raw(EXACT_28_DIGITS_P16, 16),
        min_quantity=Quantity.from_raw(1, 16),
        max_notional=None,
        min_notional=None,
        max_price=Price.from_raw(EXACT_28_DIGITS_P16, 16),
        min_price=None,  # must be >= 0 for instruments (data still has negative prices)
        margin_init=Decimal("0.0500"),
        margin_maint=Decimal("0.0250"),
        maker_fee=Decimal("0.000200"),
        taker_fee=Decimal("0.000180"),
        ts_event=ts,
        ts_init=ts,
    )
    eurusd = TestInstrumentProvider.default_fx_ccy("EUR/USD", Venue("SIM"))  # p=5 / 0
    spx = IndexInstrument(
        instrument_id=InstrumentId.from_str("^SPX.CBOE"),
        raw_symbol=Symbol("^SPX"),
        currency=USD,
        price_precision=0,
        size_precision=0,
        price_increment=Price.from_raw(10**16, 0),
        size_increment=Quantity.from_raw(10**16, 0),
        ts_event=ts,
        ts_init=ts,
    )
    return [perp, eurusd, spx]


def cmd_write_random(args: argparse.Namespace, out: Output) -> None:
    """write-random: seed-deterministic random catalog through ParquetDataCatalog.write_data."""
    rng = random.Random(args.seed)
    rows: int = args.rows
    n_files: int = args.files
    if rows < 4 or n_files < 1:
        raise PeerError("--rows must be >= 4 and --files >= 1")
    root = Path(args.catalog).resolve()
    root.mkdir(parents=True, exist_ok=True)
    catalog = ParquetDataCatalog(str(root))

    markets = {iid: RandomMarket(rng, iid, spec, args.wide) for iid, spec in RANDOM_INSTRUMENTS.items()}
    # Day span per file: bars need rows * interval; ticks get a 20 h budget.
    max_bar_ns = max(iv for _, iv, _ in RANDOM_BAR_TYPES) * (rows + 4 * rows // 10 + 10)
    span_days = max(1, -(-(max_bar_ns + 4 * 3600 * NS_PER_SEC) // NS_PER_DAY))
    base = BASE_TS + rng.randint(0, 30) * NS_PER_DAY

    instruments = _random_instruments(base)
    for inst in instruments:
        catalog.write_data([inst])

    counts: dict[str, int] = {"QuoteTick": 0, "TradeTick": 0, "Bar": 0, "OrderBookDelta": 0}
    groups: dict[str, dict[str, int]] = {k: {} for k in counts}
    trade_counter = [0]
    sequences = {iid: [rng.randint(0, 2**40)] for iid in RANDOM_DELTA_IDS}
    sequences["BTCUSDT-PERP.BINANCE"] = [U64_MAX - 10 * rows * n_files - 1000]  # near u64 max

    for k in range(n_files):
        day_start = base + k * span_days * NS_PER_DAY + rng.randint(0, 3600) * NS_PER_SEC + rng.randint(0, 999_999_999)
        budget = 20 * 3600 * NS_PER_SEC
        data: list[Any] = []

        def n_rows() -> int:
            return rng.randint(max(4, rows // 2), rows)

        def keep() -> bool:
            # File 0 has every group; later files randomly skip some groups.
            return k == 0 or rng.random() < 0.8

        for iid in RANDOM_QUOTE_IDS:
            if keep():
                chunk = _gen_quotes(rng, markets[iid], TsClock(rng, day_start, rows, budget, args.rg_ties), n_rows())
                data += chunk
                groups["QuoteTick"][iid] = groups["QuoteTick"].get(iid, 0) + len(chunk)
        for iid in RANDOM_TRADE_IDS:
            if keep():
                chunk = _gen_trades(rng, markets[iid], TsClock(rng, day_start, rows, budget, args.rg_ties), n_rows(), trade_counter)
                data += chunk
                groups["TradeTick"][iid] = groups["TradeTick"].get(iid, 0) + len(chunk)
        for bar_type, interval, lag in RANDOM_BAR_TYPES:
            if keep():
                iid = str(BarType.from_str(bar_type).instrument_id)
                chunk = _gen_bars(rng, markets[iid], bar_type, interval, lag, day_start, n_rows())
                data += chunk
                groups["Bar"][bar_type] = groups["Bar"].get(bar_type, 0) + len(chunk)
        for iid in RANDOM_DELTA_IDS:
            if keep():
                chunk = _gen_deltas(rng, markets[iid], TsClock(rng, day_start, rows, budget, args.rg_ties), n_rows(), sequences[iid], mid_clear=k > 0)
                data += chunk
                groups["OrderBookDelta"][iid] = groups["OrderBookDelta"].get(iid, 0) + len(chunk)

        for obj in data:
            counts[type(obj).__name__] += 1
        # One write_data call per "day": one file per (class, identifier) group.
        catalog.write_data(data)

    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))
    summary = {
        "types": counts,
        "files": files,
        "groups": groups,
        "instruments": [str(i.id) for i in instruments],
        "seed": args.seed,
        "rows": rows,
        "file_sets": n_files,
        "wide": bool(args.wide),
        "rg_ties": bool(args.rg_ties),
    }
    out.json(summary)


# -------------------------------------------------------------------------------------------------
# read: query a catalog with the real ParquetDataCatalog
# -------------------------------------------------------------------------------------------------


def cmd_read(args: argparse.Namespace, out: Output) -> None:
    """read: ParquetDataCatalog.query(cls, identifiers=[ID], start, end) -> NDJSON."""
    cls = TYPE_TO_CLS[args.type]
    root = Path(args.catalog).resolve()
    if not root.is_dir():
        raise PeerError(f"catalog directory not found: {root}")
    catalog = ParquetDataCatalog(str(root))
    # Same as catalog.quote_ticks/trade_ticks/bars/order_book_deltas(instrument_ids|bar_types=[ID]).
    # Note 1.221.0 quirk: start=0 is ignored (`if start:`); bounds are inclusive.
    data = catalog.query(
        cls,
        identifiers=[args.identifier],
        start=parse_ts(args.start),
        end=parse_ts(args.end),
    )
    for obj in data:
        out.json(data_to_json(obj, raw=args.raw))


# -------------------------------------------------------------------------------------------------
# read-file: one Parquet file through the Rust DataBackendSession
# -------------------------------------------------------------------------------------------------


def cmd_read_file(args: argparse.Namespace, out: Output) -> None:
    """read-file: nautilus_pyo3.DataBackendSession.add_file(...) -> capsule_to_list -> NDJSON."""
    path = Path(args.file).resolve()
    if not path.is_file():
        raise PeerError(f"file not found: {path}")
    session = DataBackendSession()
    table = "peer_data"
    query = None
    conditions = []
    start = parse_ts(args.start)
    end = parse_ts(args.end)
    # Same bound handling as ParquetDataCatalog._build_query (inclusive; ISO strings are UTC),
    # except that start=0 is NOT dropped here.
    if start is not None:
        conditions.append(f"ts_init >= {dt_to_unix_nanos(start)}")
    if end is not None:
        conditions.append(f"ts_init <= {dt_to_unix_nanos(end)}")
    if conditions:
        query = f"SELECT * FROM {table} WHERE {' AND '.join(conditions)} ORDER BY ts_init"
    # Without a query the session runs its default (SELECT * FROM <table> ORDER BY ts_init),
    # as tests/unit_tests/persistence/test_backend.py does.
    session.add_file(TYPE_TO_NAUTILUS_DATA_TYPE[args.type], table, str(path), query)
    for chunk in session.to_query_result():
        for obj in capsule_to_list(chunk):
            out.json(data_to_json(obj, raw=args.raw))


# -------------------------------------------------------------------------------------------------
# instruments: every instrument of a catalog as sorted-key to_dict JSON
# -------------------------------------------------------------------------------------------------


def _instrument_line(inst: Any) -> str:
    return json.dumps(type(inst).to_dict(inst), sort_keys=True, default=str)


def cmd_instruments(args: argparse.Namespace, out: Output) -> None:
    """instruments: catalog.instruments() -> json.dumps(type(i).to_dict(i), sort_keys=True) lines."""
    root = Path(args.catalog).resolve()
    if not root.is_dir():
        raise PeerError(f"catalog directory not found: {root}")
    catalog = ParquetDataCatalog(str(root))
    for inst in catalog.instruments():
        out.line(_instrument_line(inst))


# -------------------------------------------------------------------------------------------------
# write-instruments: a fixed set of TestInstrumentProvider instruments
# -------------------------------------------------------------------------------------------------


def fixed_instruments() -> list[Any]:
    from nautilus_trader.test_kit.providers import TestInstrumentProvider as TIP

    return [
        TIP.btcusdt_binance(),  # CurrencyPair (crypto spot)
        TIP.default_fx_ccy("EUR/USD"),  # CurrencyPair EUR/USD.SIM
        TIP.btcusdt_perp_binance(),  # CryptoPerpetual
        TIP.btcusdt_future_binance(),  # CryptoFuture BTCUSDT_220325.BINANCE
        TIP.equity(),  # Equity AAPL.XNAS
    ]


def cmd_write_instruments(args: argparse.Namespace, out: Output) -> None:
    """write-instruments: write fixed_instruments() with write_data([instrument]); print to_dict lines."""
    root = Path(args.catalog).resolve()
    root.mkdir(parents=True, exist_ok=True)
    catalog = ParquetDataCatalog(str(root))
    for inst in fixed_instruments():
        catalog.write_data([inst])
        out.line(_instrument_line(inst))


# -------------------------------------------------------------------------------------------------
# schema: pyarrow's view of one Parquet file
# -------------------------------------------------------------------------------------------------


def _decode(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.hex()


def _stat_value(v: Any) -> Any:
    if isinstance(v, bytes):
        return v.hex()
    return jsonable(v)


_PAGE_TYPES = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"}


def _data_page_types(path: Path, md: Any) -> dict[str, str]:
    """Type of the first data page of each column chunk in row group 0.

    Reads the Thrift-compact PageHeader at data_page_offset: field 1 (`type`, i32) is encoded as
    the byte 0x15 followed by a zigzag varint.
    """
    result: dict[str, str] = {}
    if md.num_row_groups == 0:
        return result
    rg = md.row_group(0)
    with open(path, "rb") as f:
        for c in range(rg.num_columns):
            col = rg.column(c)
            f.seek(col.data_page_offset)
            head = f.read(6)
            if len(head) < 2 or head[0] != 0x15:
                result[col.path_in_schema] = "unknown"
                continue
            value, shift, i = 0, 0, 1
            while i < len(head):
                b = head[i]
                value |= (b & 0x7F) << shift
                shift += 7
                i += 1
                if not b & 0x80:
                    break
            page_type = (value >> 1) ^ -(value & 1)
            result[col.path_in_schema] = _PAGE_TYPES.get(page_type, str(page_type))
    return result


def cmd_schema(args: argparse.Namespace, out: Output) -> None:
    """schema: schema, key/value metadata, row groups, compression, ts_init stats of a file."""
    path = Path(args.file).resolve()
    if not path.is_file():
        raise PeerError(f"file not found: {path}")
    pf = pq.ParquetFile(str(path))
    md = pf.metadata
    schema = pf.schema_arrow
    kv = {_decode(k): _decode(v) for k, v in (md.metadata or {}).items()}
    schema_md = {_decode(k): _decode(v) for k, v in (schema.metadata or {}).items()}
    names = [md.schema.column(i).path for i in range(md.num_columns)]

    compressions: dict[str, str] = {}
    encodings: dict[str, list[str]] = {}
    dictionary: dict[str, bool] = {}
    stats_ts_init: list[list[Any]] = []
    row_group_sizes: list[int] = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        row_group_sizes.append(rg.num_rows)
        for c in range(rg.num_columns):
            col = rg.column(c)
            name = col.path_in_schema
            if g == 0:
                compressions[name] = col.compression
                encodings[name] = sorted(set(col.encodings))
                dictionary[name] = col.has_dictionary_page
            if name == "ts_init":
                st = col.statistics
                if st is not None and st.has_min_max:
                    stats_ts_init.append([_stat_value(st.min), _stat_value(st.max)])
                else:
                    stats_ts_init.append([None, None])
    page_types = _data_page_types(path, md)
    uniq = set(compressions.values())
    columns = []
    for i in range(md.num_columns):
        col = md.schema.column(i)
        columns.append(
            {
                "name": col.path,
                "physical_type": col.physical_type,
                "logical_type": str(col.logical_type),
                "converted_type": col.converted_type,
                "length": col.length,
                "max_definition_level": col.max_definition_level,
            },
        )
    result = {
        "arrow_schema": str(schema),
        "metadata": kv,
        "schema_metadata": schema_md,
        "num_rows": md.num_rows,
        "num_row_groups": md.num_row_groups,
        "row_group_sizes": row_group_sizes,
        "compression": uniq.pop() if len(uniq) == 1 else compressions,
        "column_compression": compressions,
        "encodings": encodings,
        "dictionary_page": dictionary,
        "data_page_type": page_types,
        "stats_ts_init": stats_ts_init,
        "created_by": md.created_by,
        "format_version": md.format_version,
        "columns": columns,
        "column_names": names,
    }
    out.json(result)


# -------------------------------------------------------------------------------------------------
# write-backtest-sample: BTCUSDT.BINANCE instrument + N one-minute bars for `backtest`
# -------------------------------------------------------------------------------------------------


def cmd_write_backtest_sample(args: argparse.Namespace, out: Output) -> None:
    """write-backtest-sample: CurrencyPair btcusdt_binance() + N oscillating 1-MINUTE-LAST bars."""
    from nautilus_trader.test_kit.providers import TestInstrumentProvider as TIP

    rng = random.Random(args.seed)
    root = Path(args.catalog).resolve()
    root.mkdir(parents=True, exist_ok=True)
    catalog = ParquetDataCatalog(str(root))
    inst = TIP.btcusdt_binance()  # price p=2, size p=6
    catalog.write_data([inst])

    bar_type = BarType.from_str(f"{inst.id}-1-MINUTE-LAST-EXTERNAL")
    start = BASE_TS  # 2024-01-01T00:00:00Z
    bars: list[Bar] = []
    close = 30_000.0
    for i in range(args.bars):
        # Trend that flips every ~150 bars plus a sine wave and noise: many EMA crosses.
        drift = 4.0 if (i // 150) % 2 == 0 else -4.0
        target = 30_000.0 + 300.0 * math.sin(i / 40.0) + drift * (i % 150)
        open_ = close
        close = max(1.0, target + rng.uniform(-15, 15))
        high = max(open_, close) + rng.uniform(0, 10)
        low = min(open_, close) - rng.uniform(0, 10)
        ts = start + (i + 1) * NS_PER_MIN  # bar CLOSE time
        bars.append(
            Bar(
                bar_type=bar_type,
                open=Price(round(open_, 2), 2),
                high=Price(round(high, 2), 2),
                low=Price(round(low, 2), 2),
                close=Price(round(close, 2), 2),
                volume=Quantity(round(rng.uniform(1, 50), 6), 6),
                ts_event=ts,
                ts_init=ts,
            ),
        )
    # Split across two write_data calls (two files) to exercise multi-file loading.
    half = len(bars) // 2
    if half:
        catalog.write_data(bars[:half])
    catalog.write_data(bars[half:])
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))
    out.json(
        {
            "instrument_id": str(inst.id),
            "bar_type": str(bar_type),
            "bars": len(bars),
            "first_ts": bars[0].ts_init,
            "last_ts": bars[-1].ts_init,
            "files": files,
        },
    )


# -------------------------------------------------------------------------------------------------
# backtest: BacktestRunConfig JSON -> BacktestNode with the example EMACross strategy
# -------------------------------------------------------------------------------------------------


def build_backtest_config(args: argparse.Namespace, catalog: ParquetDataCatalog) -> dict[str, Any]:
    from nautilus_trader.model.instruments import CryptoFuture
    from nautilus_trader.model.instruments import CryptoPerpetual
    from nautilus_trader.model.instruments import CurrencyPair

    iid = InstrumentId.from_str(args.instrument_id)
    bar_type = BarType.from_str(args.bar_type)
    if bar_type.instrument_id != iid:
        raise PeerError(f"bar type {bar_type} is not for instrument {iid}")
    found = catalog.instruments(instrument_ids=[str(iid)])
    if not found:
        raise PeerError(f"instrument {iid} is not in the catalog (BacktestNode would load no data)")
    inst = found[0]

    # Venue and account from the instrument.
    venue = iid.venue.value
    if isinstance(inst, CurrencyPair):
        account_type = "CASH"
        base_ccy = inst.base_currency.code
        quote_ccy = inst.quote_currency.code
        balances = [f"{args.base_balance} {base_ccy}", f"{args.quote_balance} {quote_ccy}"]
    elif isinstance(inst, (CryptoPerpetual, CryptoFuture)):
        account_type = "MARGIN"
        balances = [f"{args.quote_balance} {inst.settlement_currency.code}"]
    else:
        account_type = "MARGIN"
        balances = [f"{args.quote_balance} {inst.quote_currency.code}"]

    # Trade size: explicit, or ~1000 quote units at the first bar's close (>= min_quantity).
    trade_size = args.trade_size
    if trade_size is None:
        first = catalog.query(Bar, identifiers=[str(bar_type)])[:1]
        if not first:
            raise PeerError(f"no bars for {bar_type} in the catalog")
        close = Decimal(str(first[0].close))
        qty = Decimal(1000) / close if close > 0 else Decimal(1)
        qty = inst.make_qty(qty)
        if inst.min_quantity is not None and qty < inst.min_quantity:
            qty = inst.min_quantity
        if qty.raw == 0:
            qty = inst.size_increment
        trade_size = str(qty)

    data_cfg: dict[str, Any] = {
        "catalog_path": str(Path(catalog.path).resolve()),
        "data_cls": "nautilus_trader.model.data:Bar",
        "instrument_id": str(iid),
        "bar_spec": str(bar_type.spec),
    }
    if args.start:
        data_cfg["start_time"] = args.start
    if args.end:
        data_cfg["end_time"] = args.end

    return {
        "engine": {
            "trader_id": "BACKTESTER-001",
            "logging": {"log_level": args.log_level},
            "strategies": [
                {
                    "strategy_path": "nautilus_trader.examples.strategies.ema_cross:EMACross",
                    "config_path": "nautilus_trader.examples.strategies.ema_cross:EMACrossConfig",
                    "config": {
                        "instrument_id": str(iid),
                        "bar_type": str(bar_type),
                        "trade_size": trade_size,
                        "fast_ema_period": args.fast,
                        "slow_ema_period": args.slow,
                        "subscribe_trade_ticks": False,
                        "request_bars": False,
                    },
                },
            ],
        },
        "venues": [
            {
                "name": venue,
                "oms_type": "NETTING",
                "account_type": account_type,
                "base_currency": None,
                "starting_balances": balances,
                "book_type": "L1_MBP",
            },
        ],
        "data": [data_cfg],
        "chunk_size": None,
        "dispose_on_completion": False,
        "raise_exception": True,
    }


def cmd_backtest(args: argparse.Namespace, out: Output) -> None:
    """backtest: run BacktestNode on a catalog with EMACross; print iterations/orders/fills/PnL."""
    import msgspec

    from nautilus_trader.backtest.node import BacktestNode
    from nautilus_trader.config import BacktestRunConfig
    from nautilus_trader.config import msgspec_decoding_hook

    root = Path(args.catalog).resolve()
    if not root.is_dir():
        raise PeerError(f"catalog directory not found: {root}")
    catalog = ParquetDataCatalog(str(root))
    config_json = build_backtest_config(args, catalog)

    # NautilusTrader's Rust logger writes to fd 1: point fd 1 at stderr for the rest of the
    # process and keep a private duplicate of the real stdout for our JSON.
    sys.stdout.flush()
    real_stdout_fd = os.dup(1)
    os.dup2(2, 1)
    real_stdout = os.fdopen(real_stdout_fd, "w", encoding="utf-8")

    configs = msgspec.json.decode(
        json.dumps([config_json]).encode(),
        type=list[BacktestRunConfig],
        dec_hook=msgspec_decoding_hook,
    )
    node = BacktestNode(configs=configs)
    results = node.run()
    if not results:
        raise PeerError("BacktestNode returned no result")
    res = results[0]
    engine = node.get_engine(configs[0].id)
    fills_report = engine.trader.generate_order_fills_report()
    positions_report = engine.trader.generate_positions_report()
    summary: dict[str, Any] = {
        "iterations": res.iterations,
        "total_orders": res.total_orders,
        "total_positions": res.total_positions,
        "total_events": res.total_events,
        "fills": int(len(fills_report)),
        "stats_pnls": jsonable(res.stats_pnls),
        "stats_returns": jsonable(res.stats_returns),
        "positions_report_rows": int(len(positions_report)),
        "backtest_start": res.backtest_start,
        "backtest_end": res.backtest_end,
    }
    if args.show_config:
        summary["config"] = config_json
    out.json(summary)
    out.flush(real_stdout)  # main()'s flush() is then a no-op
    real_stdout.close()
    node.dispose()


# -------------------------------------------------------------------------------------------------
# CLI
# -------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nautilus_peer.py", description="NautilusTrader 1.221.0 peer for seamless tests")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--out", help="write output to this file instead of stdout")
        return sp

    sp = add("write-random", "write a random catalog with ParquetDataCatalog.write_data")
    sp.add_argument("--catalog", required=True)
    sp.add_argument("--seed", type=int, required=True)
    sp.add_argument("--rows", type=int, default=200, help="max rows per (type, identifier) per file")
    sp.add_argument("--files", type=int, default=3, help="number of write_data calls (days)")
    sp.add_argument("--wide", action="store_true", help="also use p=16 values with >28 significant digits and u64::MAX order ids")
    sp.add_argument("--rg-ties", action="store_true", help="allow ts_init ties across 5000-row row-group boundaries")
    sp.set_defaults(func=cmd_write_random)

    sp = add("read", "query a catalog (ParquetDataCatalog.query) -> NDJSON")
    sp.add_argument("--catalog", required=True)
    sp.add_argument("--type", required=True, choices=sorted(TYPE_TO_CLS))
    sp.add_argument("--identifier", required=True, help="instrument id, or bar type for bars")
    sp.add_argument("--start")
    sp.add_argument("--end")
    sp.add_argument("--raw", action="store_true")
    sp.set_defaults(func=cmd_read)

    sp = add("read-file", "read one Parquet file with DataBackendSession -> NDJSON")
    sp.add_argument("--file", required=True)
    sp.add_argument("--type", required=True, choices=sorted(TYPE_TO_CLS))
    sp.add_argument("--start")
    sp.add_argument("--end")
    sp.add_argument("--raw", action="store_true")
    sp.set_defaults(func=cmd_read_file)

    sp = add("instruments", "print catalog.instruments() as to_dict JSON lines")
    sp.add_argument("--catalog", required=True)
    sp.set_defaults(func=cmd_instruments)

    sp = add("write-instruments", "write a fixed set of instruments; print their to_dict JSON lines")
    sp.add_argument("--catalog", required=True)
    sp.set_defaults(func=cmd_write_instruments)

    sp = add("schema", "pyarrow's view of a Parquet file")
    sp.add_argument("--file", required=True)
    sp.set_defaults(func=cmd_schema)

    sp = add("write-backtest-sample", "BTCUSDT.BINANCE + N one-minute bars for `backtest`")
    sp.add_argument("--catalog", required=True)
    sp.add_argument("--bars", type=int, default=2000)
    sp.add_argument("--seed", type=int, default=1)
    sp.set_defaults(func=cmd_write_backtest_sample)

    sp = add("backtest", "run BacktestNode with EMACross on a catalog")
    sp.add_argument("--catalog", required=True)
    sp.add_argument("--instrument-id", required=True)
    sp.add_argument("--bar-type", required=True)
    sp.add_argument("--start", help="ISO time or ns (BacktestDataConfig.start_time)")
    sp.add_argument("--end", help="ISO time or ns (BacktestDataConfig.end_time)")
    sp.add_argument("--trade-size", help="EMACross trade_size (default: ~1000 quote units)")
    sp.add_argument("--fast", type=int, default=10)
    sp.add_argument("--slow", type=int, default=20)
    sp.add_argument("--base-balance", default="100")
    sp.add_argument("--quote-balance", default="1000000")
    sp.add_argument("--log-level", default="ERROR")
    sp.add_argument("--show-config", action="store_true", help="include the run config JSON in the output")
    sp.set_defaults(func=cmd_backtest)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(getattr(args, "out", None))
    try:
        args.func(args, out)
    except PeerError as e:
        print(f"nautilus_peer: {e}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
