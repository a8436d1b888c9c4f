"""Anchors the TypeScript benchmarks measure against, run in .venv in the same session.

  pyarrow-read FILE --runs N       pq.read_table single-threaded + prices/sizes to float64
  pyarrow-read-all-cores FILE --runs N  pq.read_table with Arrow's thread pools on every core, no conversion
  nautilus-read CATALOG ID --runs N  ParquetDataCatalog.quote_ticks() (objects)
  nautilus-write CATALOG ID --runs N ParquetDataCatalog.write_data() of the same quotes

Each prints one JSON object: {"rows": R, "seconds": [t1, t2, ...]}; times exclude imports
and (for writes) building the objects.
"""
import argparse
import json
import shutil
import sys
import tempfile
import time


def fsb16_to_float(column):
    import numpy as np

    array = column.combine_chunks()
    words = np.frombuffer(array.buffers()[1], dtype="<u8", count=2 * len(array), offset=array.offset * 16).reshape(-1, 2)
    low = words[:, 0].astype(np.float64)
    high = words[:, 1].view(np.int64).astype(np.float64)
    return (low + high * 18446744073709551616.0) / 1e16


def pyarrow_read(path, runs):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    seconds = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        table = pq.read_table(path, use_threads=False)
        floats = [fsb16_to_float(table.column(name)) for name in ("bid_price", "ask_price", "bid_size", "ask_size")]
        stamps = [table.column(name).to_numpy() for name in ("ts_event", "ts_init")]
        seconds.append(time.perf_counter() - started)
        rows = table.num_rows
        del table, floats, stamps
    return {"rows": rows, "seconds": seconds}


def pyarrow_read_all_cores(path, runs):
    """The fastest read of the file this machine offers: Arrow C++ on every core, raw columns."""
    import pyarrow.parquet as pq

    seconds = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        table = pq.read_table(path, use_threads=True)
        seconds.append(time.perf_counter() - started)
        rows = table.num_rows
        del table
    return {"rows": rows, "seconds": seconds}


def nautilus_read(catalog_path, instrument_id, runs):
    from nautilus_trader.persistence.catalog import ParquetDataCatalog

    seconds = []
    rows = 0
    for _ in range(runs):
        catalog = ParquetDataCatalog(catalog_path)
        started = time.perf_counter()
        quotes = catalog.quote_ticks(instrument_ids=[instrument_id])
        seconds.append(time.perf_counter() - started)
        rows = len(quotes)
        del quotes
    return {"rows": rows, "seconds": seconds}


def nautilus_write(catalog_path, instrument_id, runs):
    from nautilus_trader.persistence.catalog import ParquetDataCatalog

    quotes = ParquetDataCatalog(catalog_path).quote_ticks(instrument_ids=[instrument_id])
    seconds = []
    for _ in range(runs):
        target = tempfile.mkdtemp(prefix="nautilus-write-")
        try:
            catalog = ParquetDataCatalog(target)
            started = time.perf_counter()
            catalog.write_data(quotes)
            seconds.append(time.perf_counter() - started)
        finally:
            shutil.rmtree(target, ignore_errors=True)
    return {"rows": len(quotes), "seconds": seconds}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["pyarrow-read", "pyarrow-read-all-cores", "nautilus-read", "nautilus-write"])
    parser.add_argument("path")
    parser.add_argument("identifier", nargs="?")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.command == "pyarrow-read":
        result = pyarrow_read(args.path, args.runs)
    elif args.command == "pyarrow-read-all-cores":
        result = pyarrow_read_all_cores(args.path, args.runs)
    elif args.command == "nautilus-read":
        result = nautilus_read(args.path, args.identifier, args.runs)
    else:
        result = nautilus_write(args.path, args.identifier, args.runs)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
