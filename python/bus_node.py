#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# bus_node.py — a real NautilusTrader 1.221.0 backtest whose kernel publishes to Redis streams.
#
#   .venv/bin/python python/bus_node.py --redis-port PORT [--redis-host 127.0.0.1] \
#       --trader-id TESTER-001 [--encoding msgpack|json] --report FILE \
#       [--buffer-interval-ms N] [--minutes N] [--log-level ERROR]
#
# (The first five options are a contract the TypeScript bridge's end-to-end test relies on.)
#
# What it runs: BacktestEngine (the kernel BacktestNode uses) with MessageBusConfig(database=
# DatabaseConfig(type="redis", host, port), encoding=...) added by seamless_node_config, venue SIM
# (NETTING, MARGIN, 1 000 000 USD), seeded synthetic quotes for EUR/USD.SIM and GBP/USD.SIM, and
# two of NautilusTrader's example strategies on 1-minute bars aggregated from those quotes:
#   * EMACross        (order_id_tag 001, EUR/USD): market orders -> fills, positions opened/closed
#   * EMACrossBracket (order_id_tag 002, GBP/USD): bracket orders -> accepted, triggered, filled,
#     canceled (OUO siblings), expired (GTD), rejected (reduce-only/touched-price checks)
# The kernel (system/kernel.py) builds nautilus_pyo3.RedisMessageBusDatabase because
# message_bus.database is set; every published order/position/account event, bar, quote and
# instrument goes to `trader-{trader_id}:stream:{topic}` (spec §7.2-7.5).
#
# After the run the engine is disposed, which closes the bus and waits until every buffered
# entry is in Redis (see bridge_node_kit.py). Then:
#   * FILE gets {"orders": [...], "fills": [...], "positions": [...]} — NautilusTrader's own
#     string formats (Order.to_dict, OrderFilled.to_dict, Position.to_dict); null where
#     NautilusTrader has None (e.g. venue_order_id of an order rejected before the venue saw it).
#     fills also carry ts_event; positions carry every Position.to_dict key as a string plus
#     is_snapshot ("true" for NETTING snapshots of earlier closed cycles).
#   * stdout gets ONE JSON line:
#       {"trader_id", "encoding", "report", "streams": {"<stream key>": <entries written>, ...}}
#     (stream keys that received entries during this run, read back from Redis).
# NautilusTrader's own logs go to stderr. Exit status 1 on error (message on stderr).
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

import bridge_node_kit as kit
import seamless_node_config


def strategies() -> list[dict]:
    """ImportableStrategyConfig objects for the two example strategies (see header)."""
    return [
        {
            "strategy_path": "nautilus_trader.examples.strategies.ema_cross:EMACross",
            "config_path": "nautilus_trader.examples.strategies.ema_cross:EMACrossConfig",
            "config": {
                "instrument_id": "EUR/USD.SIM",
                "bar_type": "EUR/USD.SIM-1-MINUTE-BID-INTERNAL",
                "trade_size": "100000",
                "order_id_tag": "001",
                "subscribe_trade_ticks": False,
                "request_bars": False,
            },
        },
        {
            "strategy_path": "nautilus_trader.examples.strategies.ema_cross_bracket:EMACrossBracket",
            "config_path": "nautilus_trader.examples.strategies.ema_cross_bracket:EMACrossBracketConfig",
            "config": {
                "instrument_id": "GBP/USD.SIM",
                "bar_type": "GBP/USD.SIM-1-MINUTE-BID-INTERNAL",
                "trade_size": "100000",
                "order_id_tag": "002",
            },
        },
    ]


def run(args: argparse.Namespace) -> dict:
    started_ms = int(time.time() * 1000)
    config = kit.engine_json(
        args.trader_id,
        args.redis_host,
        args.redis_port,
        args.encoding,
        strategies(),
        args.log_level,
        buffer_interval_ms=args.buffer_interval_ms,
    )
    engine = kit.build_engine(config)
    try:
        for seed, (symbol, base) in enumerate((("EUR/USD", 1.1), ("GBP/USD", 1.3))):
            instrument = kit.fx_instrument(symbol)
            engine.add_instrument(instrument)
            engine.add_data(kit.synthetic_quotes(instrument, args.minutes, seed=seed + 7, base=base))
        engine.run()
        report = kit.build_report(engine)
    finally:
        engine.dispose()  # closes the Redis bus: blocks until buffered entries are written
    seamless_node_config.write_json_atomically(Path(args.report), report, private=False)
    return {
        "trader_id": args.trader_id,
        "encoding": args.encoding,
        "report": args.report,
        "streams": kit.written_streams(args.redis_host, args.redis_port, args.trader_id, started_ms),
    }


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bus_node.py", description="NautilusTrader backtest publishing its message bus to Redis")
    kit.add_node_args(p)
    p.add_argument("--report", required=True, help="write orders/fills/positions JSON here")
    p.add_argument("--buffer-interval-ms", type=int, help="MessageBusConfig.buffer_interval_ms (default: unset = immediate)")
    p.add_argument("--minutes", type=int, default=180, help="simulated minutes of quotes per instrument (default 180)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.minutes < 30:
        print("bus_node: --minutes must be >= 30 (EMA warm-up needs 20 bars)", file=sys.stderr)
        return 2
    out = kit.real_stdout()
    try:
        summary = run(args)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1
    kit.emit(out, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
