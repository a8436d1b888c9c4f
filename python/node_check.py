#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# node_check.py — strict validation of NautilusTrader 1.221.0 run configs against the config
# Structs installed in .venv (the authority on which keys exist and what they hold).
#
# NautilusTrader 1.221.0 decodes configs with plain msgspec Structs: an unknown or misspelt key
# is silently ignored and the field keeps its default. This checker walks the JSON value beside
# the Struct type tree (msgspec.structs.fields: nested configs, lists, dicts, optionals) and
# reports, each with a path such as `engine.strategies[0].config.fast_ema_perod`:
#
#   UNKNOWN_KEY      a key the Struct does not have (with a difflib "did you mean")
#   MISSING_KEY      a required field that is absent
#   BAD_VALUE        a value msgspec (with NautilusTrader's decoding hook) refuses for the field
#   NOT_IMPORTABLE   a class path ("module.path:Class") that does not import in this Python
#   NOT_A_CONFIG     a config_path whose class is not a NautilusConfig
#   INVALID          what BacktestNode's own validation (_validate_configs) or the full decode
#                    refuses that the walk did not already report
#
# The `config` dict of every Importable*Config (strategies, actors, exec algorithms, fill/fee/
# latency models, ...) is checked against the config class its `config_path` names.
#
# Protocol: stdin  {"kind": "backtest", "configs": [<BacktestRunConfig as JSON>, ...]}
#           stdout {"nautilus_trader": "1.221.0", "results": [{"findings": [<finding>, ...]}, ...]}
#           finding {"path": str, "code": str, "message": str, "suggestion"?: str}
# Exit 0 whenever the check ran (findings or not); 2 for a malformed request; 1 if it crashed.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import difflib
import importlib
import json
import re
import sys
import types
import typing
from typing import Any

import msgspec

import nautilus_trader
from nautilus_trader.common.config import InvalidConfiguration
from nautilus_trader.common.config import NautilusConfig
from nautilus_trader.common.config import msgspec_decoding_hook
from nautilus_trader.config import BacktestRunConfig


CLASS_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Path = list  # list[str | int]


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Findings:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.paths: set[str] = set()

    def add(self, path: Path, code: str, message: str, suggestion: str | None = None) -> None:
        where = format_path(path)
        self.paths.add(where)
        item: dict[str, Any] = {"path": where, "code": code, "message": message}
        if suggestion is not None:
            item["suggestion"] = suggestion
        self.items.append(item)

    def covers(self, where: str) -> bool:
        """True when a finding already sits at `where` or inside it (no duplicate report)."""
        return any(p == where or p.startswith(where + ".") or p.startswith(where + "[") for p in self.paths)


def unwrap(tp: Any) -> Any:
    """Strips Annotated[...] (msgspec.Meta constraints are checked by the leaf decode)."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def resolve(path_text: str) -> tuple[Any | None, str | None]:
    """Imports "module.path:Class"; returns (object, None) or (None, reason)."""
    if not CLASS_PATH.match(path_text):
        return None, f"must look like 'package.module:ClassName', was {path_text!r}"
    module_name, attr = path_text.rsplit(":", 1)
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or any error raised while importing the module
        return None, f"module {module_name!r} does not import: {type(e).__name__}: {e}"
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            names = [n for n in dir(module) if not n.startswith("_")]
            close = difflib.get_close_matches(part, names, n=1)
            hint = f"; did you mean {module_name}:{close[0]}?" if close else ""
            return None, f"module {module_name!r} has no {attr!r}{hint}"
        obj = getattr(obj, part)
    return obj, None


def split_msgspec_location(message: str) -> tuple[str, Path]:
    """Splits the " - at `$.a[0].b`" msgspec appends for an error inside a value into the bare
    message and the path parts below the decoded value (["a", 0, "b"]; [] when there is none)."""
    match = re.search(r" - at `\$(.*)`$", message)
    if not match:
        return message, []
    parts: Path = [key if key else int(index) for key, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", match.group(1))]
    return message[: match.start()], parts


def leaf_decode(value: Any, tp: Any, path: Path, out: Findings) -> None:
    """Decodes one value as NautilusTrader does (JSON + msgspec_decoding_hook); reports refusals."""
    try:
        msgspec.json.decode(msgspec.json.encode(value), type=tp, dec_hook=msgspec_decoding_hook)
    except (msgspec.ValidationError, ValueError, TypeError) as e:
        message, inner = split_msgspec_location(str(e))
        out.add([*path, *inner], "BAD_VALUE", f"{message}, was {json.dumps(value, default=str)[:120]}")


def check_value(value: Any, tp: Any, path: Path, out: Findings) -> None:
    tp = unwrap(tp)
    if tp is Any or tp is typing.Any:
        return
    if is_struct(tp):
        check_struct(value, tp, path, out)
        return
    if is_union(tp):
        members = [unwrap(m) for m in typing.get_args(tp)]
        if value is None and type(None) in members:
            return
        structs = [m for m in members if is_struct(m)]
        if isinstance(value, dict) and len(structs) == 1:
            check_struct(value, structs[0], path, out)
            return
        leaf_decode(value, tp, path, out)
        return
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, typing.List) and isinstance(value, list):  # noqa: UP006
        item_tp = args[0] if args else Any
        for i, item in enumerate(value):
            check_value(item, item_tp, [*path, i], out)
        return
    if origin in (dict, typing.Dict) and isinstance(value, dict) and len(args) == 2:  # noqa: UP006
        for key, item in value.items():
            check_value(item, args[1], [*path, key], out)
        return
    leaf_decode(value, tp, path, out)


def check_struct(value: Any, cls: type, path: Path, out: Findings) -> None:
    if not isinstance(value, dict):
        out.add(path, "BAD_VALUE", f"{cls.__name__} must be a mapping, was {type_name(value)}")
        return
    fields = {f.encode_name: f for f in msgspec.structs.fields(cls)}
    for key in value:
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.add(
                [*path, key],
                "UNKNOWN_KEY",
                f"{cls.__name__} has no key {key!r} (NautilusTrader 1.221.0 would silently ignore it){hint}",
                close[0] if close else None,
            )
    for name, field in fields.items():
        if name not in value:
            if field.required:
                out.add([*path, name], "MISSING_KEY", f"{cls.__name__} needs {name!r}, which is missing")
            continue
        check_value(value[name], field.type, [*path, name], out)
    if cls.__name__.startswith("Importable"):
        check_importable(value, cls, path, out)
    if cls.__name__ == "BacktestDataConfig":
        check_class_field(value, "data_cls", path, out)


def check_class_field(value: dict, key: str, path: Path, out: Findings) -> Any | None:
    text = value.get(key)
    if not isinstance(text, str):
        return None  # the leaf decode reports a wrong type
    obj, reason = resolve(text)
    if obj is None:
        out.add([*path, key], "NOT_IMPORTABLE", f"class path {text!r} is not importable in this Python: {reason}")
    return obj


def check_importable(value: dict, cls: type, path: Path, out: Findings) -> None:
    """Class paths of an Importable*Config import; its `config` fits the class `config_path` names."""
    config_cls = None
    for key in value:
        if key == "path" or key.endswith("_path"):
            obj = check_class_field(value, key, path, out)
            if key in ("config_path", "path") and obj is not None:
                if isinstance(obj, type) and issubclass(obj, NautilusConfig):
                    config_cls = obj
                else:
                    out.add([*path, key], "NOT_A_CONFIG", f"{value[key]!r} is not a NautilusConfig class (it configures nothing)")
    config = value.get("config")
    if config_cls is not None and isinstance(config, dict):
        check_struct(config, config_cls, [*path, "config"], out)


def full_decode(config: Any, out: Findings) -> None:
    """The decode NautilusTrader itself does, plus BacktestNode's own validation."""
    try:
        decoded = msgspec.json.decode(msgspec.json.encode([config]), type=list[BacktestRunConfig], dec_hook=msgspec_decoding_hook)
    except Exception as e:
        message = str(e)
        _, parts = split_msgspec_location(message)
        where = parts[1:]  # below the [0] of the one-config list decoded here
        if not out.covers(format_path(where)):
            out.add(where, "INVALID", message)
        return
    from nautilus_trader.backtest.node import BacktestNode

    try:
        BacktestNode._validate_configs(None, decoded)  # uses no instance state in 1.221.0
    except (InvalidConfiguration, ValueError, TypeError) as e:
        out.add([], "INVALID", f"BacktestNode refuses the config: {e}")


def check_backtest(config: Any) -> list[dict[str, Any]]:
    out = Findings()
    check_struct(config, BacktestRunConfig, [], out)
    if not out.items:
        full_decode(config, out)
    return out.items


def main() -> int:
    try:
        request = json.loads(sys.stdin.read())
    except json.JSONDecodeError as e:
        print(f"node_check.py: the request on stdin is not JSON: {e}", file=sys.stderr)
        return 2
    if not isinstance(request, dict) or request.get("kind") != "backtest" or not isinstance(request.get("configs"), list):
        print('node_check.py: expected {"kind": "backtest", "configs": [...]} on stdin', file=sys.stderr)
        return 2
    results = [{"findings": check_backtest(config)} for config in request["configs"]]
    sys.stdout.write(json.dumps({"nautilus_trader": nautilus_trader.__version__, "results": results}))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
