# -------------------------------------------------------------------------------------------------
# seamless_mode_actor.py — a NautilusTrader 1.221.0 Actor that follows the Seamless `mode` flag.
#
# The Seamless TypeScript side keeps a node-wide trading mode in Redis (key `mode`, values
# `active` | `reducing` | `halt`; audit trail on stream `audit:flags`, owned by the TS side).
# This actor polls that key on the NODE CLOCK's timer — simulated time in a backtest, wall time
# in a live TradingNode — and mirrors it onto the RiskEngine's TradingState:
#
#     active   -> TradingState.ACTIVE
#     reducing -> TradingState.REDUCING   (submits that would grow a position are denied)
#     halt     -> TradingState.HALTED     (every new submit is denied; cancels still pass)
#
# Each time it observes a new value (the first observation included) or has to correct a state
# someone else changed, it appends an acknowledgement to stream `nautilus:mode:acks`:
#     XADD nautilus:mode:acks MAXLEN ~ N * mode <value> state <ACTIVE|REDUCING|HALTED>
#          trader_id <trader id> ts_ns <node clock ns, decimal string>
# An ack that cannot be written is retried on the next poll, never dropped.
#
# Why the RiskEngine is found through the message bus: 1.221.0 has no command or endpoint that
# changes the trading state (only `RiskEngine.set_trading_state`, reached from the kernel), and
# an actor built from an ImportableActorConfig gets no kernel reference. The RiskEngine does
# subscribe its own bound methods to `events.order.*` / `events.position.*`, and
# `MessageBus.subscriptions()` with `Subscription.handler` are public, so the actor takes the
# engine from there (the same instance the kernel holds; LiveRiskEngine is a subclass).
#
# Failure handling: an unknown value or a Redis error leaves the current state untouched and is
# logged once per distinct problem (not on every poll); while Redis is unreachable the actor
# retries with a growing pause (poll interval doubling up to 30 s of node time). If no RiskEngine can be found the actor
# fails on start, so a misconfigured node never believes it is protected.
#
# Load it through the node config (python/ must be importable, e.g. PYTHONPATH=<repo>/python):
#     ImportableActorConfig(actor_path="seamless_mode_actor:ModeActor",
#                           config_path="seamless_mode_actor:ModeActorConfig",
#                           config={"redis_port": 6379, "poll_interval_ms": 1000})
# python/seamless_node_config.py adds exactly that entry to a config JSON.
#
# Needs redis-py (pinned `redis==5.2.1` in the .venv); its calls are synchronous, with short
# socket timeouts (`redis_timeout_ms`), because timer callbacks must finish before the clock
# moves on in a backtest. A GET on a local Redis takes well under a millisecond.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import redis

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.model.enums import TradingState
from nautilus_trader.model.enums import trading_state_to_str
from nautilus_trader.risk.engine import RiskEngine


MODE_KEY = "mode"
ACK_STREAM = "nautilus:mode:acks"
MODE_TO_STATE: dict[str, TradingState] = {
    "active": TradingState.ACTIVE,
    "reducing": TradingState.REDUCING,
    "halt": TradingState.HALTED,
}
POLL_TIMER_NAME = "seamless-mode-poll"
MAX_BACKOFF_NS = 30_000_000_000  # at most 30 s between attempts while Redis is unreachable


class ModeActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``ModeActor``.

    No secret is part of this config (configs get logged and saved): the Redis password, if
    any, is read from the environment variable named by `redis_password_env`.
    """

    redis_host: str = "127.0.0.1"
    redis_port: PositiveInt = 6379
    redis_db: int = 0
    redis_username: str | None = None
    redis_password_env: str | None = None
    redis_ssl: bool = False
    redis_timeout_ms: PositiveInt = 500
    poll_interval_ms: PositiveInt = 1000
    # Stamped on acks; when set it must equal the node's trader id (guards against a config
    # copied to the wrong node).
    trader_id: str | None = None
    mode_key: str = MODE_KEY
    ack_stream: str = ACK_STREAM
    ack_maxlen: PositiveInt = 10_000


class ModeActor(Actor):
    """Polls the Redis `mode` flag and sets the RiskEngine trading state to match."""

    def __init__(self, config: ModeActorConfig | None = None) -> None:
        super().__init__(config or ModeActorConfig())
        self._cfg: ModeActorConfig = config or ModeActorConfig()
        self._redis: redis.Redis | None = None
        self._risk_engine: RiskEngine | None = None
        self._last_mode: str | None = None
        self._pending_acks: list[dict[str, str]] = []
        self._reported_problem: str | None = None  # last logged problem, to log each only once
        # After a Redis error, skip polls for a growing while: in a live node every failed call
        # blocks the event loop for up to redis_timeout_ms, which must not happen every second.
        self._backoff_ns = 0
        self._retry_at_ns = 0

    # -- lifecycle --------------------------------------------------------------------------------

    def on_start(self) -> None:
        self._check_trader_id()
        self._risk_engine = self._find_risk_engine()
        self._redis = self._connect()
        self.log.info(
            f"Following Redis key '{self._cfg.mode_key}' at {self._cfg.redis_host}:{self._cfg.redis_port}"
            f"/{self._cfg.redis_db} every {self._cfg.poll_interval_ms} ms; acks on '{self._cfg.ack_stream}'",
        )
        self.poll()  # do not trade a whole interval on a stale state
        self.clock.set_timer(
            name=POLL_TIMER_NAME,
            interval=timedelta(milliseconds=self._cfg.poll_interval_ms),
            callback=lambda _event: self.poll(),
        )

    def on_stop(self) -> None:
        if POLL_TIMER_NAME in self.clock.timer_names:
            self.clock.cancel_timer(POLL_TIMER_NAME)
        if self._pending_acks and self._redis is not None:
            self._flush_acks()
        if self._pending_acks:
            self.log.error(f"{len(self._pending_acks)} mode ack(s) could not be written to '{self._cfg.ack_stream}'")
        if self._redis is not None:
            self._redis.close()
            self._redis = None

    # -- polling ----------------------------------------------------------------------------------

    def poll(self) -> None:
        """One poll: read the flag, apply it if it changed or the state drifted, write acks."""
        assert self._redis is not None and self._risk_engine is not None
        now = self.clock.timestamp_ns()
        if now < self._retry_at_ns:
            return
        try:
            value = self._redis.get(self._cfg.mode_key)
        except redis.RedisError as e:
            interval_ns = self._cfg.poll_interval_ms * 1_000_000
            self._backoff_ns = min(max(2 * self._backoff_ns, interval_ns), MAX_BACKOFF_NS)
            self._retry_at_ns = now + self._backoff_ns
            self._problem(f"cannot read Redis key '{self._cfg.mode_key}' ({type(e).__name__}: {e}); keeping {self._state_name()}")
            return
        self._backoff_ns = 0
        if self._pending_acks:
            self._flush_acks()
        if value is None:
            self._problem(f"Redis key '{self._cfg.mode_key}' is not set; keeping {self._state_name()}", warn=True)
            return
        target = MODE_TO_STATE.get(value)
        if target is None:
            allowed = ", ".join(MODE_TO_STATE)
            self._problem(f"Redis key '{self._cfg.mode_key}' holds {value!r}, expected one of: {allowed}; keeping {self._state_name()}")
            return
        self._reported_problem = None
        drifted = self._risk_engine.trading_state != target
        if value == self._last_mode and not drifted:
            return
        if drifted:
            self.log.warning(f"Mode '{value}': setting TradingState {trading_state_to_str(target)} (was {self._state_name()})")
            self._risk_engine.set_trading_state(target)
        self._last_mode = value
        self._pending_acks.append(
            {
                "mode": value,
                "state": self._state_name(),
                "trader_id": self.trader_id.value,
                "ts_ns": str(self.clock.timestamp_ns()),
            },
        )
        self._flush_acks()

    def _flush_acks(self) -> None:
        assert self._redis is not None
        while self._pending_acks:
            try:
                self._redis.xadd(self._cfg.ack_stream, self._pending_acks[0], maxlen=self._cfg.ack_maxlen, approximate=True)
            except redis.RedisError as e:
                self._problem(f"cannot write ack to '{self._cfg.ack_stream}' ({type(e).__name__}: {e}); will retry")
                return
            self._pending_acks.pop(0)

    # -- helpers ----------------------------------------------------------------------------------

    def _state_name(self) -> str:
        assert self._risk_engine is not None
        return trading_state_to_str(self._risk_engine.trading_state)

    def _problem(self, message: str, warn: bool = False) -> None:
        if message == self._reported_problem:
            return
        self._reported_problem = message
        (self.log.warning if warn else self.log.error)(message)

    def _check_trader_id(self) -> None:
        expected = self._cfg.trader_id
        if expected is not None and expected != self.trader_id.value:
            raise RuntimeError(f"ModeActorConfig.trader_id is {expected!r} but this node is {self.trader_id.value!r}")

    def _find_risk_engine(self) -> RiskEngine:
        for sub in self.msgbus.subscriptions():
            owner: Any = getattr(sub.handler, "__self__", None)
            if isinstance(owner, RiskEngine) and owner.trader_id == self.trader_id:
                return owner
        raise RuntimeError("no RiskEngine subscribed on this node's message bus; cannot follow the mode flag")

    def _connect(self) -> redis.Redis:
        password = None
        if self._cfg.redis_password_env:
            password = os.environ.get(self._cfg.redis_password_env)
            if password is None:
                raise RuntimeError(f"environment variable {self._cfg.redis_password_env} (redis_password_env) is not set")
        timeout = self._cfg.redis_timeout_ms / 1000
        return redis.Redis(
            host=self._cfg.redis_host,
            port=self._cfg.redis_port,
            db=self._cfg.redis_db,
            username=self._cfg.redis_username,
            password=password,
            ssl=self._cfg.redis_ssl,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            decode_responses=True,
        )
