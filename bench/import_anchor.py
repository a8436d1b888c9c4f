"""Anchor for bench/import-bench.ts: NautilusTrader's own path from a Binance trades archive to
a catalog, single-threaded, in .venv:

    pandas.read_csv(zip) -> TradeTickDataWrangler(instrument).process(df) -> ParquetDataCatalog.write_data

Usage: import_anchor.py ZIP --runs N [--unit us|ms]
Prints {"rows": R, "seconds": [...], "stages": {"read_csv": [...], "wrangle": [...], "write": [...]}}.
"""
import argparse
import json
import shutil
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("zip")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--unit", default="us")
    args = parser.parse_args()

    import pandas as pd
    from nautilus_trader.persistence.catalog import ParquetDataCatalog
    from nautilus_trader.persistence.wranglers import TradeTickDataWrangler
    from nautilus_trader.test_kit.providers import TestInstrumentProvider

    instrument = TestInstrumentProvider.btcusdt_binance()
    names = ["trade_id", "price", "quantity", "quote_qty", "time", "buyer_maker", "best_match"]
    seconds, stages, rows = [], {"read_csv": [], "wrangle": [], "write": []}, 0
    for _ in range(args.runs):
        root = tempfile.mkdtemp(prefix="anchor-import-")
        try:
            t0 = time.perf_counter()
            df = pd.read_csv(args.zip, header=None, names=names, compression="zip")
            df.index = pd.to_datetime(df["time"], unit=args.unit, utc=True)
            df = df[["price", "quantity", "buyer_maker", "trade_id"]]
            t1 = time.perf_counter()
            ticks = TradeTickDataWrangler(instrument).process(df)
            t2 = time.perf_counter()
            ParquetDataCatalog(root).write_data(ticks)
            t3 = time.perf_counter()
            rows = len(ticks)
            seconds.append(t3 - t0)
            stages["read_csv"].append(t1 - t0)
            stages["wrangle"].append(t2 - t1)
            stages["write"].append(t3 - t2)
            del df, ticks
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({"rows": rows, "seconds": seconds, "stages": stages}))


if __name__ == "__main__":
    main()
