#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# seamless_node_config.py — adds the Seamless event bridge settings to a NautilusTrader config.
#
#   python python/seamless_node_config.py --in config.json --out config.json \
#       --redis-url redis://127.0.0.1:6379 [--encoding msgpack] [--password-env NAME] \
#       [--poll-interval-ms 1000] [--buffer-interval-ms N] [--no-mode-actor]
#
# Accepts the JSON shapes of spec §8.2 (NautilusTrader 1.221.0):
#   * a list of BacktestRunConfig objects (what `python -m nautilus_trader.backtest` reads),
#   * one BacktestRunConfig object (has "engine", or "venues" + "data"),
#   * one kernel config object: TradingNodeConfig or BacktestEngineConfig (anything else).
# For each kernel config (a run config's "engine", created if absent) it
#   1. sets message_bus.database to Redis and message_bus.encoding (other message_bus keys stay),
#   2. puts the mode actor (python/seamless_mode_actor.py) into "actors", replacing an earlier
#      entry with the same actor_path, so re-running the helper is idempotent.
# Every other key is left exactly as it was (key order included).
#
# Secrets: a password may come from the URL or, better (command lines are visible in `ps`),
# from the environment variable named by --password-env. NautilusTrader only reads the message
# bus password from the config itself, so it is written there (the file is then created 0600);
# the mode actor gets only the NAME of the variable. Nothing this script prints contains it.
#
# The message bus always writes to Redis DB 0 in 1.221.0 (its URL has no DB index); a DB index
# in --redis-url only applies to the mode actor, and a warning says so.
#
# Only the standard library is imported: the helper runs in a second, NautilusTrader is not needed.
# The actor path "seamless_mode_actor:ModeActor" needs python/ on the node's import path
# (PYTHONPATH=<repo>/python); see docs/bridge-node.md.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit


MODE_ACTOR_PATH = "seamless_mode_actor:ModeActor"
MODE_ACTOR_CONFIG_PATH = "seamless_mode_actor:ModeActorConfig"
DEFAULT_PASSWORD_ENV = "SEAMLESS_REDIS_PASSWORD"
ENCODINGS = ("msgpack", "json")


class ConfigError(Exception):
    """A user-facing error: printed without a traceback, exit status 1 (2 for usage)."""


@dataclass(frozen=True)
class RedisTarget:
    host: str
    port: int
    db: int
    ssl: bool
    username: str | None
    password: str | None

    def redacted_url(self) -> str:
        scheme = "rediss" if self.ssl else "redis"
        auth = ""
        if self.username or self.password:
            auth = f"{self.username or ''}{':***' if self.password else ''}@"
        return f"{scheme}://{auth}{self.host}:{self.port}/{self.db}"


def parse_redis_url(url: str) -> RedisTarget:
    """redis[s]://[user[:password]@]host[:port][/db] -> RedisTarget. Errors never echo a password."""
    try:
        parts = urlsplit(url)
        port = parts.port or 6379
    except ValueError as e:
        raise ConfigError(f"--redis-url is not a valid URL ({e}); expected redis://host:port") from None
    if parts.scheme not in ("redis", "rediss"):
        raise ConfigError(f"--redis-url must start with redis:// or rediss://, got scheme {parts.scheme!r}")
    if not parts.hostname:
        raise ConfigError("--redis-url has no host; expected redis://host:port")
    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise ConfigError(f"--redis-url path must be a DB index (e.g. /0), got /{path}")
    return RedisTarget(
        host=parts.hostname,
        port=port,
        db=int(path) if path else 0,
        ssl=parts.scheme == "rediss",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def message_bus_database(target: RedisTarget) -> dict[str, Any]:
    """The MessageBusConfig.database object (DatabaseConfig) for `target`."""
    db: dict[str, Any] = {"type": "redis", "host": target.host, "port": target.port, "ssl": target.ssl}
    if target.username is not None:
        db["username"] = target.username
    if target.password is not None:
        db["password"] = target.password
    return db


def mode_actor_entry(
    target: RedisTarget,
    poll_interval_ms: int = 1000,
    trader_id: str | None = None,
    password_env: str | None = None,
) -> dict[str, Any]:
    """An ImportableActorConfig object for python/seamless_mode_actor.py (no secret in it)."""
    config: dict[str, Any] = {
        "redis_host": target.host,
        "redis_port": target.port,
        "redis_db": target.db,
        "redis_ssl": target.ssl,
        "poll_interval_ms": poll_interval_ms,
    }
    if target.username is not None:
        config["redis_username"] = target.username
    if password_env is not None:
        config["redis_password_env"] = password_env
    if trader_id is not None:
        config["trader_id"] = trader_id
    return {"actor_path": MODE_ACTOR_PATH, "config_path": MODE_ACTOR_CONFIG_PATH, "config": config}


def apply_to_kernel_config(
    kernel: dict[str, Any],
    target: RedisTarget,
    encoding: str | None = None,
    buffer_interval_ms: int | None = None,
    mode_actor: bool = True,
    poll_interval_ms: int = 1000,
    password_env: str | None = None,
) -> dict[str, Any]:
    """A copy of one kernel config (TradingNodeConfig / BacktestEngineConfig) with bus + actor."""
    out = copy.deepcopy(kernel)
    bus = out.get("message_bus")
    if bus is None:
        bus = {}
    elif not isinstance(bus, dict):
        raise ConfigError(f"message_bus must be an object, got {type(bus).__name__}")
    bus["database"] = message_bus_database(target)
    if encoding is not None:
        bus["encoding"] = encoding
    elif "encoding" not in bus:
        bus["encoding"] = "msgpack"  # 1.221.0's default, written out so the bridge can read it here
    if buffer_interval_ms is not None:
        bus["buffer_interval_ms"] = buffer_interval_ms
    out["message_bus"] = bus
    if mode_actor:
        actors = out.get("actors") or []
        if not isinstance(actors, list):
            raise ConfigError(f"actors must be a list, got {type(actors).__name__}")
        trader_id = out.get("trader_id") if isinstance(out.get("trader_id"), str) else None
        entry = mode_actor_entry(target, poll_interval_ms, trader_id, password_env)
        out["actors"] = [a for a in actors if not (isinstance(a, dict) and a.get("actor_path") == MODE_ACTOR_PATH)] + [entry]
    return out


def is_run_config(obj: dict[str, Any]) -> bool:
    return "engine" in obj or ("venues" in obj and "data" in obj)


def apply_to_document(doc: Any, target: RedisTarget, **settings: Any) -> Any:
    """Applies the settings to a run-config list, one run config, or one kernel config."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            if not isinstance(item, dict) or not is_run_config(item):
                raise ConfigError(f"item [{i}] of the list is not a BacktestRunConfig object (needs \"engine\" or \"venues\"+\"data\")")
        return [apply_to_document(item, target, **settings) for item in doc]
    if not isinstance(doc, dict):
        raise ConfigError(f"expected a JSON object or a list of BacktestRunConfig objects, got {type(doc).__name__}")
    if is_run_config(doc):
        out = dict(doc)
        engine = doc.get("engine") or {}
        if not isinstance(engine, dict):
            raise ConfigError(f"\"engine\" must be an object, got {type(engine).__name__}")
        out["engine"] = apply_to_kernel_config(engine, target, **settings)
        return out
    return apply_to_kernel_config(doc, target, **settings)


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None


def write_json_atomically(path: Path, doc: Any, private: bool) -> None:
    """Stage next to the target and rename, so no half-written config is ever visible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.chmod(staged, 0o600 if private else 0o644)
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="seamless_node_config.py",
        description="Add the Redis message bus and the Seamless mode actor to a NautilusTrader config JSON",
    )
    p.add_argument("--in", dest="inp", required=True, help="input JSON (BacktestRunConfig list/object or TradingNodeConfig)")
    p.add_argument("--out", required=True, help="output JSON (may equal --in)")
    p.add_argument("--redis-url", required=True, help="redis[s]://[user[:password]@]host:port[/db]")
    p.add_argument("--encoding", choices=ENCODINGS, help="message bus encoding (default: keep the input's, else msgpack)")
    p.add_argument("--password-env", help=f"read the Redis password from this variable (the actor reads it too); default {DEFAULT_PASSWORD_ENV} when the URL has one")
    p.add_argument("--buffer-interval-ms", type=int, help="MessageBusConfig.buffer_interval_ms (default: unset, immediate writes)")
    p.add_argument("--poll-interval-ms", type=int, default=1000, help="mode actor poll interval on the node clock (default 1000)")
    p.add_argument("--no-mode-actor", action="store_true", help="only add the message bus settings")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        target = parse_redis_url(args.redis_url)
        password_env = args.password_env
        if password_env is not None:
            if target.password is not None:
                raise ConfigError("give the password either in --redis-url or through --password-env, not both")
            password = os.environ.get(password_env)
            if password is None:
                raise ConfigError(f"--password-env {password_env}: that environment variable is not set")
            target = RedisTarget(target.host, target.port, target.db, target.ssl, target.username, password)
        elif target.password is not None:
            password_env = DEFAULT_PASSWORD_ENV
        if args.poll_interval_ms <= 0:
            raise ConfigError("--poll-interval-ms must be > 0")
        if args.buffer_interval_ms is not None and args.buffer_interval_ms <= 0:
            raise ConfigError("--buffer-interval-ms must be > 0 (omit it for immediate writes)")
        doc = read_json(Path(args.inp))
        out = apply_to_document(
            doc,
            target,
            encoding=args.encoding,
            buffer_interval_ms=args.buffer_interval_ms,
            mode_actor=not args.no_mode_actor,
            poll_interval_ms=args.poll_interval_ms,
            password_env=password_env if not args.no_mode_actor else None,
        )
        write_json_atomically(Path(args.out), out, private=target.password is not None)
    except ConfigError as e:
        print(f"seamless_node_config: {e}", file=sys.stderr)
        return 1
    print(f"seamless_node_config: wrote {args.out} (message bus -> {target.redacted_url()}"
          f"{'' if args.no_mode_actor else ', mode actor ' + MODE_ACTOR_PATH})", file=sys.stderr)
    if target.db != 0:
        print(f"seamless_node_config: note: the message bus always writes to DB 0; DB {target.db} is used by the mode actor only", file=sys.stderr)
    if target.password is not None and not args.no_mode_actor:
        print(f"seamless_node_config: note: the mode actor reads the password from ${password_env}; set it for the node process", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
