"""Reading through a distributed engine: `read_records` with a Dask cluster's executor.

    pip install distributed
    python bench/distributed_read.py --records 100000 [--corpus DIR] [--scheduler ADDRESS]

Reads one corpus (generated, or --corpus) three ways and checks that they give the same
records and problems in the same order: in one process, with graphkit's own process pool
(`jobs=0`, one process per core), and through `Client.get_executor()` of a Dask cluster: a
LocalCluster with one single-threaded worker process per core, or the running scheduler at
--scheduler (whose workers must see the files at the same paths, on a shared filesystem).
Prints the seconds of each. Reading is the stage that splits per file; resolving is a
group-by on canonical URLs, the next candidate (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from distributed import Client, LocalCluster

from graphkit.records import ReadResult, read_records
from graphkit.synthetic import generate_corpus


def timed(name: str, read: Callable[[], ReadResult]) -> ReadResult:
    started = time.perf_counter()
    result = read()
    seconds = time.perf_counter() - started
    print(f"  {name:<36} {seconds:>7.1f} s  {len(result.records) / seconds:>9,.0f} records/s")
    return result


def compare(corpus: Path, scheduler: str | None) -> None:
    serial = timed("one process", lambda: read_records([corpus]))
    pooled = timed("graphkit's process pool (jobs=0)", lambda: read_records([corpus], jobs=0))
    if scheduler:
        client = Client(scheduler)
    else:
        cores = os.cpu_count() or 1
        client = Client(LocalCluster(n_workers=cores, threads_per_worker=1, processes=True))
    with client:
        executor = client.get_executor()
        where = scheduler or f"LocalCluster, {len(client.scheduler_info()['workers'])} workers"
        dask = timed(f"Dask ({where})", lambda: read_records([corpus], executor=executor))
    for name, other in (("process pool", pooled), ("Dask", dask)):
        same = other.records == serial.records and other.problems == serial.problems
        print(f"  {name}: {'same' if same else 'DIFFERENT'} records and problems as one process")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, help="read this folder instead of generating one")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    args = parser.parse_args()
    if args.corpus:
        print(f"{args.corpus}:")
        compare(args.corpus, args.scheduler)
        return
    with tempfile.TemporaryDirectory() as folder:
        generate_corpus(Path(folder), args.records, seed=1)
        print(f"{args.records:,} generated records:")
        compare(Path(folder), args.scheduler)


if __name__ == "__main__":
    main()
