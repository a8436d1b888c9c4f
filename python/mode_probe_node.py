#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# mode_probe_node.py — a backtest run in chunks, so a test can flip the Redis `mode` flag between
# them and watch the node follow it through the mode actor (the "halt proof").
#
#   .venv/bin/python python/mode_probe_node.py --redis-port PORT [--redis-host 127.0.0.1] \
#       --trader-id TESTER-001 [--encoding msgpack|json] --report FILE \
#       [--chunks 4] [--chunk-minutes 10] [--poll-interval-ms 30000] [--log-level ERROR]
#
# The engine config (JSON) gets the Redis message bus AND the mode actor from
# seamless_node_config.apply_to_kernel_config — the actor is loaded by the kernel from its
# ImportableActorConfig, exactly as in a user's node. The strategy is seamless_probe_strategy's
# ModeProbeStrategy on EUR/USD.SIM 1-minute bars: at minute 5 of every chunk it does the same
# cancel / limit BUY / market BUY / market SELL(half), whatever the state. THIS SCRIPT NEVER
# TOUCHES THE TRADING STATE: only the actor does, from what it reads in Redis.
#
# Protocol on stdout (one JSON line each; NautilusTrader's logs go to stderr):
#   {"chunk": i, "start_ns": "...", "end_ns": "..."}   after chunk i (1-based) has run;
#        the script then waits for ONE line on stdin before running chunk i+1 (EOF = abort);
#   {"done": true, "report": FILE, "streams": {...}}   after the last chunk, the engine has
#        ended and been disposed (bus flushed) and FILE is written (same shape as bus_node.py).
# The actor polls every --poll-interval-ms of SIMULATED time (default 30 s), so a flag set
# between chunks is in force from the first poll of the next chunk, well before minute 5.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

import bridge_node_kit as kit
import seamless_node_config


NS_PER_MINUTE = 60_000_000_000


def probe_strategy() -> dict:
    return {
        "strategy_path": "seamless_probe_strategy:ModeProbeStrategy",
        "config_path": "seamless_probe_strategy:ModeProbeConfig",
        "config": {
            "instrument_id": "EUR/USD.SIM",
            "bar_type": "EUR/USD.SIM-1-MINUTE-BID-INTERNAL",
            "trade_size": "100000",
            "order_id_tag": "001",
            "act_every_bars": 0,  # set from --chunk-minutes below
            "act_at_bar": 5,
        },
    }


def run(args: argparse.Namespace, out: TextIO) -> int:
    started_ms = int(time.time() * 1000)
    strategy = probe_strategy()
    strategy["config"]["act_every_bars"] = args.chunk_minutes
    config = kit.engine_json(
        args.trader_id,
        args.redis_host,
        args.redis_port,
        args.encoding,
        [strategy],
        args.log_level,
        mode_actor_poll_ms=args.poll_interval_ms,
    )
    engine = kit.build_engine(config)
    try:
        instrument = kit.fx_instrument("EUR/USD")
        engine.add_instrument(instrument)
        engine.add_data(kit.synthetic_quotes(instrument, args.chunks * args.chunk_minutes, seed=7, base=1.1))
        chunk_ns = args.chunk_minutes * NS_PER_MINUTE
        for i in range(args.chunks):
            start = kit.START_NS + i * chunk_ns + (1 if i else 0)  # chunks do not overlap
            end = kit.START_NS + (i + 1) * chunk_ns
            engine.run(start=start, end=end, streaming=True)
            kit.emit(out, {"chunk": i + 1, "start_ns": str(start), "end_ns": str(end)})
            if i + 1 < args.chunks and sys.stdin.readline() == "":
                print("mode_probe_node: stdin closed before the next chunk; aborting", file=sys.stderr)
                return 1
        engine.end()
        report = kit.build_report(engine)
    finally:
        engine.dispose()  # closes the Redis bus: blocks until buffered entries are written
    seamless_node_config.write_json_atomically(Path(args.report), report, private=False)
    kit.emit(
        out,
        {
            "done": True,
            "report": args.report,
            "streams": kit.written_streams(args.redis_host, args.redis_port, args.trader_id, started_ms),
        },
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mode_probe_node.py", description="chunked backtest with the Seamless mode actor")
    kit.add_node_args(p)
    p.add_argument("--report", required=True)
    p.add_argument("--chunks", type=int, default=4)
    p.add_argument("--chunk-minutes", type=int, default=10)
    p.add_argument("--poll-interval-ms", type=int, default=30_000, help="mode actor poll interval, simulated time")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.chunks < 1 or args.chunk_minutes < 6:
        print("mode_probe_node: need --chunks >= 1 and --chunk-minutes >= 6 (the probe acts at minute 5)", file=sys.stderr)
        return 2
    if args.poll_interval_ms >= 4 * 60_000:
        print("mode_probe_node: --poll-interval-ms must be < 240000 so a flag is seen before minute 5", file=sys.stderr)
        return 2
    out = kit.real_stdout()
    try:
        return run(args, out)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
