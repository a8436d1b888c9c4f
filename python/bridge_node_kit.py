# -------------------------------------------------------------------------------------------------
# bridge_node_kit.py — shared pieces of bus_node.py and mode_probe_node.py (NautilusTrader 1.221.0).
#
#   synthetic_quotes()      seeded FX quotes (QuoteTick) that make EMA strategies trade
#   build_engine()          BacktestEngine from a JSON-shaped BacktestEngineConfig that went through
#                           seamless_node_config.apply_to_kernel_config (so the bus/actor settings a
#                           user gets from the helper are exactly the ones exercised here)
#   build_report()          orders / fills / positions from the engine's cache, formatted by
#                           NautilusTrader itself (to_dict of orders, OrderFilled events, positions)
#   written_streams()       the bus stream keys that received entries since a given wall time
#   real_stdout(), emit()   keep our JSON off NautilusTrader's log output (the Rust logger uses fd 1)
#   add_node_args()         the command-line options both node scripts share
#
# Flushing: the Rust RedisMessageBusDatabase sends entries from a background task. With
# buffer_interval_ms set, nothing reaches Redis until the buffer timer fires or the bus is
# closed; a process that exits without BacktestEngine.dispose() LOSES those entries (seen with
# buffer_interval_ms=500: 0 entries without dispose, all with it). dispose() -> kernel.dispose()
# -> MessageBus.dispose() -> database.close() sends a close message and waits for the publish
# task to drain. Both node scripts therefore always dispose before reading the streams back.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from typing import Any, TextIO

import msgspec
import redis

from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.config import BacktestEngineConfig
from nautilus_trader.config import msgspec_decoding_hook
from nautilus_trader.model.currencies import USD
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Money
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity
from nautilus_trader.test_kit.providers import TestInstrumentProvider

import seamless_node_config


START_NS = 1_704_067_200_000_000_000  # 2024-01-01T00:00:00Z
QUOTE_STEP_NS = 10_000_000_000  # one quote every 10 s
VENUE = "SIM"


def fx_instrument(symbol: str) -> Instrument:
    """TestInstrumentProvider's FX pair on venue SIM (price precision 5, size precision 0)."""
    return TestInstrumentProvider.default_fx_ccy(symbol, Venue(VENUE))


def synthetic_quotes(instrument: Instrument, minutes: int, seed: int, base: float) -> list[QuoteTick]:
    """A slow sine plus noise: crosses often enough for EMA(10/20) on 1-minute bars."""
    rng = random.Random(seed)
    count = minutes * 60_000_000_000 // QUOTE_STEP_NS
    quotes: list[QuoteTick] = []
    for i in range(count):
        mid = base + 0.003 * math.sin(i / 37.0 + seed) + rng.uniform(-0.0002, 0.0002)
        ts = START_NS + (i + 1) * QUOTE_STEP_NS
        quotes.append(
            QuoteTick(
                instrument_id=instrument.id,
                bid_price=Price(round(mid - 0.00005, 5), 5),
                ask_price=Price(round(mid + 0.00005, 5), 5),
                bid_size=Quantity(1_000_000, 0),
                ask_size=Quantity(1_000_000, 0),
                ts_event=ts,
                ts_init=ts,
            ),
        )
    return quotes


def redis_url(host: str, port: int) -> str:
    return f"redis://{host}:{port}"


def build_engine(engine_json: dict[str, Any]) -> BacktestEngine:
    """Decodes a BacktestEngineConfig the way BacktestNode does, adds venue SIM (NETTING, MARGIN)."""
    config = msgspec.json.decode(json.dumps(engine_json).encode(), type=BacktestEngineConfig, dec_hook=msgspec_decoding_hook)
    engine = BacktestEngine(config=config)
    engine.add_venue(
        venue=Venue(VENUE),
        oms_type=OmsType.NETTING,
        account_type=AccountType.MARGIN,
        starting_balances=[Money(1_000_000, USD)],
        base_currency=USD,
    )
    return engine


def engine_json(
    trader_id: str,
    host: str,
    port: int,
    encoding: str,
    strategies: list[dict[str, Any]],
    log_level: str,
    buffer_interval_ms: int | None = None,
    mode_actor_poll_ms: int | None = None,
) -> dict[str, Any]:
    """The engine config as JSON, with the bus (and optionally the mode actor) added by the helper."""
    base = {"trader_id": trader_id, "logging": {"log_level": log_level}, "strategies": strategies}
    target = seamless_node_config.parse_redis_url(redis_url(host, port))
    return seamless_node_config.apply_to_kernel_config(
        base,
        target,
        encoding=encoding,
        buffer_interval_ms=buffer_interval_ms,
        mode_actor=mode_actor_poll_ms is not None,
        poll_interval_ms=mode_actor_poll_ms or 1000,
    )


def _text(value: Any) -> Any:
    """Report values are NautilusTrader's own strings; None stays null (e.g. no venue order id),
    a list (Position.commissions) stays a list of strings."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def build_report(engine: BacktestEngine) -> dict[str, list[dict[str, Any]]]:
    cache = engine.kernel.cache
    orders = sorted(cache.orders(), key=lambda o: (o.ts_init, o.client_order_id.value))
    report_orders = []
    fills = []
    for order in orders:
        d = order.to_dict()
        report_orders.append(
            {
                "client_order_id": _text(d["client_order_id"]),
                "venue_order_id": _text(d["venue_order_id"]),
                "instrument_id": _text(d["instrument_id"]),
                "side": _text(d["side"]),
                "quantity": _text(d["quantity"]),
                "status": _text(d["status"]),
            },
        )
        for event in order.events:
            if isinstance(event, OrderFilled):
                f = OrderFilled.to_dict(event)
                fills.append(
                    {
                        "trade_id": _text(f["trade_id"]),
                        "client_order_id": _text(f["client_order_id"]),
                        "venue_order_id": _text(f["venue_order_id"]),
                        "instrument_id": _text(f["instrument_id"]),
                        "side": _text(f["order_side"]),
                        "last_px": _text(f["last_px"]),
                        "last_qty": _text(f["last_qty"]),
                        "commission": _text(f["commission"]),
                        "ts_event": _text(f["ts_event"]),
                    },
                )
    fills.sort(key=lambda f: (int(f["ts_event"]), f["trade_id"]))
    positions = []
    for snapshot, group in ((False, cache.positions()), (True, cache.position_snapshots())):
        for position in group:
            p = {k: _text(v) for k, v in position.to_dict().items()}
            p["is_snapshot"] = "true" if snapshot else "false"
            positions.append(p)
    return {"orders": report_orders, "fills": fills, "positions": positions}


def written_streams(host: str, port: int, trader_id: str, since_ms: int) -> dict[str, int]:
    """Bus stream keys (default key layout, spec §7.2) and how many entries each got since `since_ms`."""
    client = redis.Redis(host=host, port=port, socket_timeout=5)
    try:
        counts: dict[str, int] = {}
        for raw_key in client.scan_iter(match=f"trader-{trader_id}:stream:*", count=1000, _type="stream"):
            key = raw_key.decode()
            n = len(client.xrange(key, min=f"{since_ms}-0", max="+"))
            if n:
                counts[key] = n
        return dict(sorted(counts.items()))
    finally:
        client.close()


def real_stdout() -> TextIO:
    """Point fd 1 (NautilusTrader's log output) at stderr; return a handle on the original stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    return os.fdopen(saved, "w", encoding="utf-8", buffering=1)


def emit(out: TextIO, obj: dict[str, Any]) -> None:
    """One compact JSON line on `out` (a real_stdout() handle), flushed for a reader waiting on it."""
    out.write(json.dumps(obj, separators=(",", ":")) + "\n")
    out.flush()


def add_node_args(parser: argparse.ArgumentParser) -> None:
    """--redis-port/--redis-host/--trader-id/--encoding/--log-level (a contract the TypeScript tests rely on)."""
    parser.add_argument("--redis-port", type=int, required=True)
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--trader-id", default="TESTER-001")
    parser.add_argument("--encoding", choices=("msgpack", "json"), default="msgpack")
    parser.add_argument("--log-level", default="ERROR")
