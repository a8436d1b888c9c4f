#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# seamless_runner.py — one Seamless node: runs a NautilusTrader 1.221.0 BacktestRunConfig with
# BacktestNode and reports on stdout as JSON lines (the protocol below). The supervisor
# (src/nodes/supervisor.ts) points stdout at a file, so a node outlives a crashed gateway.
#
#   python seamless_runner.py --config run.json --results results.json
#                             [--window-start NS --window-end NS] [--samples N]
#
# run.json holds ONE BacktestRunConfig as JSON (NautilusTrader's own shape, spec §8.2); the run
# is exactly `BacktestNode([config]).run()` with two additions that do not touch trading:
#   * a ProgressActor (an Actor, so it sees the simulated clock) whose timer fires `--samples`
#     times across [window-start, window-end] and reports progress and an equity sample, and
#     which records the arrival price (market mid, else last, else latest bar close) at the
#     moment each order is initialized, for implementation-shortfall analysis;
#   * dispose_on_completion is forced off, so the reports can be read after the run.
#
# Protocol (stdout, one JSON object per line, "type" first):
#   {"type":"hello","pid":int,"nautilus_trader":str,"python":str}
#   {"type":"state","state":"loading"|"running"|"stopping"|"finished"|"stopped"|"failed"}
#   {"type":"progress","fraction":float|null,"sim_ts":str(ns)}
#   {"type":"log","level":str,"component":str|null,"sim_ts":str|null,"message":str}
#   {"type":"result","path":str,"summary":{...}}
#   {"type":"error","message":str,"traceback":str}
# NautilusTrader's logger (and any Python print) writes to fd 1/2; both are redirected into a
# pipe whose lines become "log" records, so stdout carries only protocol lines.
#
# Exit status: 0 finished or stopped on request, 1 failed, 2 usage. SIGTERM/SIGINT ask for a
# graceful stop: the run is interrupted at the next Python callback and "stopped" is reported.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sys
import threading
import traceback
from datetime import timedelta
from typing import Any


PROTOCOL_FD: int | None = None
# Re-entrant: the stop-signal handler may emit while the main thread is inside emit().
_emit_lock = threading.RLock()


def emit(obj: dict[str, Any]) -> None:
    """Writes one protocol line in one write() (the supervisor may read mid-run)."""
    line = (json.dumps(obj, separators=(",", ":"), default=str, allow_nan=False) + "\n").encode()
    with _emit_lock:
        if PROTOCOL_FD is None:
            sys.__stdout__.write(line.decode())
        else:
            os.write(PROTOCOL_FD, line)


# NautilusTrader log line: "<ts> [<LEVEL>] <trader>.<component>: <message>" (ANSI colours on).
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOG_LINE = re.compile(r"^(\S+) \[(\w+)\] ([^:]+): (.*)$")


def log_record(line: str) -> dict[str, Any]:
    text = ANSI.sub("", line.rstrip("\r\n"))
    match = LOG_LINE.match(text)
    if match:
        ts, level, component, message = match.groups()
        return {"type": "log", "level": level, "component": component, "sim_ts": ts, "message": message}
    return {"type": "log", "level": "RAW", "component": None, "sim_ts": None, "message": text}


def capture_output() -> threading.Thread:
    """Moves fd 1 (protocol) to a private fd and sends fd 1/2 through a pipe into log records."""
    global PROTOCOL_FD
    sys.stdout.flush()
    sys.stderr.flush()
    PROTOCOL_FD = os.dup(1)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 1)
    os.dup2(write_fd, 2)
    os.close(write_fd)

    def pump() -> None:
        with os.fdopen(read_fd, "r", encoding="utf-8", errors="replace") as pipe:
            for line in pipe:
                if line.strip():
                    emit(log_record(line))

    thread = threading.Thread(target=pump, name="log-pump", daemon=True)
    thread.start()
    return thread


def release_output(pump: threading.Thread) -> None:
    """Closes the pipe's write ends so the pump drains every remaining line and ends."""
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    pump.join(timeout=5)


class StopRequested(Exception):
    """Raised from the SIGTERM/SIGINT handler to unwind BacktestNode.run()."""


_stop_requested = False


def on_stop_signal(signum: int, _frame: Any) -> None:
    global _stop_requested
    if _stop_requested:
        return
    _stop_requested = True
    emit({"type": "state", "state": "stopping"})
    raise StopRequested(f"signal {signal.Signals(signum).name}")


def jsonable(value: Any) -> Any:
    """JSON-safe copy: NaN/inf -> null, ints beyond 2^53 -> strings, Timestamps -> ISO ns."""
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        value = int(value)
        return value if abs(value) <= 2**53 else str(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        utc = value.tz_convert("UTC") if value.tzinfo is not None else value
        return f"{utc.strftime('%Y-%m-%dT%H:%M:%S')}.{utc.value % 1_000_000_000:09d}Z"
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [jsonable(v) for v in value]
    if value is pd.NaT:
        return None
    return str(value)


def report_rows(frame: Any, index_name: str) -> list[dict[str, Any]]:
    """A NautilusTrader report DataFrame as JSON rows, its index kept under `index_name`."""
    if frame is None or len(frame) == 0:
        return []
    frame = frame.reset_index(names=index_name) if frame.index.name is None else frame.reset_index()
    return [jsonable(row) for row in frame.to_dict(orient="records")]


def make_progress_actor(window_start: int | None, window_end: int | None, samples: int) -> Any:
    from nautilus_trader.common.actor import Actor
    from nautilus_trader.config import ActorConfig
    from nautilus_trader.model.enums import PriceType
    from nautilus_trader.model.events import OrderInitialized

    class ProgressActor(Actor):
        """Reports simulated-clock progress and equity; records arrival prices of orders."""

        def __init__(self) -> None:
            super().__init__(ActorConfig(component_id="SeamlessProgress"))
            self.equity: list[dict[str, Any]] = []
            self.arrivals: dict[str, dict[str, Any]] = {}

        def on_start(self) -> None:
            emit({"type": "state", "state": "running"})
            self.msgbus.subscribe(topic="events.order.*", handler=self._on_order_event)
            if window_start is not None and window_end is not None and window_end > window_start:
                step = max((window_end - window_start) // max(samples, 1), 1_000_000)
                self.clock.set_timer("seamless-progress", timedelta(microseconds=step / 1000), callback=self._on_tick)
            self._report()

        def _on_tick(self, _event: Any) -> None:
            self._report()

        def _report(self) -> None:
            now = self.clock.timestamp_ns()
            fraction = None
            if window_start is not None and window_end is not None and window_end > window_start:
                fraction = min(max((now - window_start) / (window_end - window_start), 0.0), 1.0)
            emit({"type": "progress", "fraction": fraction, "sim_ts": str(now)})
            self.equity.extend(equity_samples(self.cache, self.portfolio, now))

        def _on_order_event(self, event: Any) -> None:
            if not isinstance(event, OrderInitialized):
                return
            iid = event.instrument_id
            price, source = None, None
            for kind, name in ((PriceType.MID, "mid"), (PriceType.LAST, "last")):
                price = self.cache.price(iid, kind)
                if price is not None:
                    source = name
                    break
            if price is None:
                for bar_type in self.cache.bar_types(iid):
                    bar = self.cache.bar(bar_type)
                    if bar is not None:
                        price, source = bar.close, "bar_close"
                        break
            self.arrivals[str(event.client_order_id)] = {
                "client_order_id": str(event.client_order_id),
                "instrument_id": str(iid),
                "side": str(event.side.name) if hasattr(event.side, "name") else str(event.side),
                "ts_init": str(event.ts_init),
                "arrival_px": None if price is None else str(price),
                "arrival_source": source,
            }

    return ProgressActor()


def equity_samples(cache: Any, portfolio: Any, now: int) -> list[dict[str, Any]]:
    """Per account and currency: balance total, unrealized PnL and their sum (equity)."""
    from nautilus_trader.model.identifiers import Venue

    rows = []
    for account in cache.accounts():
        venue = Venue(account.id.get_issuer())
        unrealized = portfolio.unrealized_pnls(venue) or {}
        upnl_by_code = {ccy.code: money.as_double() for ccy, money in unrealized.items()}
        for ccy, money in account.balances_total().items():
            balance = money.as_double()
            upnl = upnl_by_code.get(ccy.code, 0.0)
            rows.append(
                {
                    "ts": str(now),
                    "account_id": str(account.id),
                    "currency": ccy.code,
                    "balance": balance,
                    "unrealized_pnl": upnl,
                    "equity": balance + upnl,
                },
            )
    return rows


def write_atomic(path: str, text: str) -> None:
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def run(args: argparse.Namespace) -> int:
    import msgspec

    import nautilus_trader
    from nautilus_trader.backtest.node import BacktestNode
    from nautilus_trader.config import BacktestRunConfig
    from nautilus_trader.config import msgspec_decoding_hook
    from nautilus_trader.model.identifiers import Venue

    emit({"type": "hello", "pid": os.getpid(), "nautilus_trader": nautilus_trader.__version__, "python": sys.version.split()[0]})
    emit({"type": "state", "state": "loading"})
    with open(args.config, "rb") as f:
        config = msgspec.json.decode(f.read(), type=BacktestRunConfig, dec_hook=msgspec_decoding_hook)
    # Reports are read from the engine after the run; disposing would drop them.
    config = msgspec.structs.replace(config, dispose_on_completion=False, raise_exception=True)

    node = BacktestNode(configs=[config])
    node.build()
    engine = node.get_engine(config.id)
    actor = make_progress_actor(args.window_start, args.window_end, args.samples)
    engine.add_actor(actor)

    results = node.run()
    if not results:
        raise RuntimeError("BacktestNode returned no result (see the log records above)")
    result = results[0]
    now = engine.kernel.clock.timestamp_ns()
    if args.window_start is not None:
        emit({"type": "progress", "fraction": 1.0, "sim_ts": str(now)})  # the whole window ran
    equity = actor.equity + equity_samples(engine.cache, engine.portfolio, now)
    trader = engine.trader
    venues = [v.name for v in config.venues]
    summary = {
        "run_config_id": config.id,
        "run_id": str(result.run_id),
        "instance_id": str(result.instance_id),
        "iterations": result.iterations,
        "total_events": result.total_events,
        "total_orders": result.total_orders,
        "total_positions": result.total_positions,
        "elapsed_time": result.elapsed_time,
        "backtest_start": result.backtest_start,
        "backtest_end": result.backtest_end,
        "stats_pnls": result.stats_pnls,
        "stats_returns": result.stats_returns,
        "starting_balances": {v.name: list(v.starting_balances) for v in config.venues},
    }
    payload = {
        "summary": summary,
        "orders": report_rows(trader.generate_orders_report(), "client_order_id"),
        "fills": report_rows(trader.generate_fills_report(), "client_order_id"),
        "positions": report_rows(trader.generate_positions_report(), "position_id"),
        "accounts": {v: report_rows(trader.generate_account_report(Venue(v)), "ts_event") for v in venues},
        "equity": equity,
        "arrivals": list(actor.arrivals.values()),
    }
    write_atomic(args.results, json.dumps(jsonable(payload), separators=(",", ":"), allow_nan=False))
    emit({"type": "result", "path": args.results, "summary": jsonable(summary)})
    node.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seamless_runner.py", description="Run one NautilusTrader backtest and report as JSON lines")
    parser.add_argument("--config", required=True, help="file holding one BacktestRunConfig as JSON")
    parser.add_argument("--results", required=True, help="where to write the results JSON")
    parser.add_argument("--window-start", type=int, default=None, help="data window start (ns) for progress")
    parser.add_argument("--window-end", type=int, default=None, help="data window end (ns) for progress")
    parser.add_argument("--samples", type=int, default=100, help="progress reports (and equity samples) across the window")
    args = parser.parse_args(argv)

    pump = capture_output()
    signal.signal(signal.SIGTERM, on_stop_signal)
    signal.signal(signal.SIGINT, on_stop_signal)
    code = 1
    state = "failed"
    try:
        code = run(args)
        state = "finished"
    except StopRequested:
        code, state = 0, "stopped"
    except BaseException as e:  # noqa: BLE001 - every failure must reach the supervisor
        emit({"type": "error", "message": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            from nautilus_trader.common.component import flush_logger

            flush_logger()
        except Exception:  # noqa: BLE001 - the logger may never have started
            pass
        release_output(pump)
        emit({"type": "state", "state": state})
    return code


if __name__ == "__main__":
    sys.exit(main())
