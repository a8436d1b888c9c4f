#!/usr/bin/env python3
# -------------------------------------------------------------------------------------------------
# instrument_peer.py — the real NautilusTrader 1.221.0 side of seamless' instrument tests.
#
# Subcommands (each prints one JSON object per line, sorted by instrument id, then ts_init):
#
#   originals [--set all]       to_dict of the fixed instrument set (no catalog involved)
#   write --catalog DIR [--set all]
#                               ParquetDataCatalog(DIR).write_data(fixed set); prints originals
#   read --catalog DIR          to_dict of every ParquetDataCatalog(DIR).instruments()
#   check-schema --catalog DIR  per instrument file under DIR/data: whether pyarrow's schema
#                               equals SCHEMAS[cls].with_metadata({"class": cls}) exactly
#
# The fixed set ("core") covers CurrencyPair, CryptoPerpetual, CryptoFuture and Equity with
# nulls, info, '/' in ids and large timestamps; "all" adds one TestInstrumentProvider
# instrument of every other class in SCHEMAS.
#
# Line format of originals/write/read: {"record": to_dict, "bigints": [keys]}. Integers of the
# class's uint64/int64 columns are written as decimal STRINGS and listed in "bigints", so the
# TypeScript side can turn them into exact bigints (JSON numbers lose precision above 2^53).
# -------------------------------------------------------------------------------------------------
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def fixed_instruments(which: str = "core") -> list[Any]:
    from nautilus_trader.model.instruments import CurrencyPair
    from nautilus_trader.model.instruments import Equity
    from nautilus_trader.test_kit.providers import TestInstrumentProvider as TIP

    # A CurrencyPair with a non-empty info dict (msgspec JSON in the file).
    with_info = CurrencyPair.to_dict(TIP.adabtc_binance())
    with_info["info"] = {"a": 1, "b": [1.5, "x"], "ü": None, "nested": {"k": "v"}, "empty": {}}
    # An Equity with a null string column (isin) and a non-zero ts_init.
    no_isin = Equity.to_dict(TIP.equity("MSFT", "XNAS"))
    no_isin["isin"] = None
    no_isin["ts_event"] = 1_700_000_000_000_000_000
    no_isin["ts_init"] = 1_700_000_000_000_000_001

    others = [
        TIP.betting_instrument(),
        TIP.binary_option(),
        TIP.audusd_cfd(),
        TIP.commodity(),
        TIP.crypto_option(),
        TIP.future(),  # FuturesContract
        TIP.futures_spread(),
        TIP.index_instrument(),
        TIP.aapl_option(),  # OptionContract
        TIP.option_spread(),
    ]
    return ([] if which == "core" else others) + [
        TIP.btcusdt_binance(),  # CurrencyPair, ts_init 0
        TIP.default_fx_ccy("EUR/USD"),  # CurrencyPair EUR/USD.SIM: '/' dropped from the folder
        CurrencyPair.from_dict(with_info),  # CurrencyPair ADABTC.BINANCE with info
        TIP.ethusdt_perp_binance(),  # CryptoPerpetual, large ts_init
        TIP.xbtusd_bitmex(),  # CryptoPerpetual, is_inverse=True
        TIP.btcusdt_future_binance(),  # CryptoFuture
        TIP.equity(),  # Equity AAPL.XNAS
        Equity.from_dict(no_isin),  # Equity MSFT.XNAS, isin null
    ]


def _line(inst: Any) -> tuple[str, int, str]:
    import pyarrow as pa
    from nautilus_trader.serialization.arrow.implementations.instruments import SCHEMAS

    schema = SCHEMAS[type(inst)]
    record = type(inst).to_dict(inst)
    bigints = []
    for name in schema.names:
        t = schema.field(name).type
        if (pa.types.is_uint64(t) or pa.types.is_int64(t)) and record.get(name) is not None:
            record[name] = str(record[name])
            bigints.append(name)
    return record["id"], inst.ts_init, json.dumps({"record": record, "bigints": bigints}, ensure_ascii=False)


def _print(instruments: list[Any]) -> None:
    for _, _, line in sorted(_line(i) for i in instruments):
        print(line)


def cmd_originals(args: argparse.Namespace) -> None:
    _print(fixed_instruments(args.set))


def cmd_write(args: argparse.Namespace) -> None:
    from nautilus_trader.persistence.catalog import ParquetDataCatalog

    instruments = fixed_instruments(args.set)
    ParquetDataCatalog(args.catalog).write_data(instruments)
    _print(instruments)


def cmd_read(args: argparse.Namespace) -> None:
    from nautilus_trader.persistence.catalog import ParquetDataCatalog

    _print(ParquetDataCatalog(args.catalog).instruments())


def cmd_check_schema(args: argparse.Namespace) -> None:
    import pyarrow.parquet as pq
    from nautilus_trader.serialization.arrow.implementations.instruments import SCHEMAS

    by_name = {cls.__name__: schema for cls, schema in SCHEMAS.items()}
    for path in sorted(Path(args.catalog, "data").glob("*/*/*.parquet")):
        actual = pq.read_schema(path)
        name = (actual.metadata or {}).get(b"class", b"").decode()
        expected = by_name[name].with_metadata({"class": name}) if name in by_name else None
        ok = expected is not None and actual.equals(expected, check_metadata=True)
        table = pq.read_table(path)
        print(
            json.dumps(
                {
                    "file": str(path.relative_to(args.catalog)),
                    "class": name,
                    "equal": ok,
                    "metadata": {k.decode(): v.decode() for k, v in (actual.metadata or {}).items()},
                    "rows": table.num_rows,
                    "actual": None if ok else str(actual),
                },
            ),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("originals", cmd_originals), ("write", cmd_write), ("read", cmd_read), ("check-schema", cmd_check_schema)):
        p = sub.add_parser(name)
        if name != "originals":
            p.add_argument("--catalog", required=True)
        if name in ("originals", "write"):
            p.add_argument("--set", choices=("core", "all"), default="core")
        p.set_defaults(func=func)
    args = parser.parse_args()
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
