#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# capture_bus_fixture.py — dumps REAL message-bus stream entries from Redis as JSON lines, so the
# TypeScript bridge can test its decoding against bytes NautilusTrader actually wrote.
#
#   .venv/bin/python python/capture_bus_fixture.py --redis-port PORT --trader-id TESTER-001 \
#       --encoding msgpack|json --out test/fixtures/bus/<name>.jsonl [--per-key 2] [--extra-key KEY]
#
# Run it right after bus_node.py / mode_probe_node.py against the same Redis. For every bus stream
# of the trader (`trader-{id}:stream:*`) it keeps the first --per-key entries plus the first entry
# of every further payload "type" seen in that stream (so each event type appears at least once).
# --extra-key adds every entry of another stream as-is (e.g. nautilus:mode:acks).
# One line per entry, keys sorted, streams in key order, entries in stream order:
#   {"key": "...", "id": "<ms>-<seq>", "fields": {"topic": "...", "payload_base64": "..."},
#    "encoding": "msgpack"|"json", "decoded": {...payload decoded by msgspec...}}
# Entries of --extra-key streams carry "fields" verbatim (UTF-8 strings) and no payload/decoded.
# Entry ids are wall-clock times of the capture run: compare them by order, not value.
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

import msgspec
import redis


def decode_payload(payload: bytes, encoding: str) -> object:
    return msgspec.msgpack.decode(payload) if encoding == "msgpack" else msgspec.json.decode(payload)


def bus_lines(client: redis.Redis, trader_id: str, encoding: str, per_key: int) -> list[str]:
    lines: list[str] = []
    keys = sorted(k.decode() for k in client.scan_iter(match=f"trader-{trader_id}:stream:*", count=1000, _type="stream"))
    for key in keys:
        seen_types: set[str] = set()
        for index, (entry_id, fields) in enumerate(client.xrange(key)):
            if set(fields) != {b"topic", b"payload"}:
                raise SystemExit(f"capture_bus_fixture: {key} {entry_id.decode()}: unexpected fields {sorted(fields)}")
            decoded = decode_payload(fields[b"payload"], encoding)
            kind = decoded.get("type") if isinstance(decoded, dict) else type(decoded).__name__
            if index >= per_key and kind in seen_types:
                continue
            seen_types.add(kind)
            entry = {
                "key": key,
                "id": entry_id.decode(),
                "fields": {
                    "topic": fields[b"topic"].decode(),
                    "payload_base64": base64.b64encode(fields[b"payload"]).decode(),
                },
                "encoding": encoding,
                "decoded": decoded,
            }
            lines.append(json.dumps(entry, sort_keys=True, separators=(",", ":")))
    return lines


def extra_lines(client: redis.Redis, key: str) -> list[str]:
    return [
        json.dumps(
            {"key": key, "id": entry_id.decode(), "fields": {k.decode(): v.decode() for k, v in fields.items()}},
            sort_keys=True,
            separators=(",", ":"),
        )
        for entry_id, fields in client.xrange(key)
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="capture_bus_fixture.py", description=__doc__)
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--redis-host", default="127.0.0.1")
    p.add_argument("--trader-id", default="TESTER-001")
    p.add_argument("--encoding", choices=("msgpack", "json"), required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--per-key", type=int, default=2)
    p.add_argument("--extra-key", action="append", default=[])
    args = p.parse_args(argv)
    client = redis.Redis(host=args.redis_host, port=args.redis_port, socket_timeout=5)
    try:
        lines = bus_lines(client, args.trader_id, args.encoding, args.per_key)
        for key in args.extra_key:
            lines += extra_lines(client, key)
    finally:
        client.close()
    if not lines:
        print(f"capture_bus_fixture: no bus streams for trader {args.trader_id} on port {args.redis_port}", file=sys.stderr)
        return 1
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"capture_bus_fixture: wrote {len(lines)} entries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
