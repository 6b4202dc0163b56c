"""How fast graphkit reads, resolves and writes: seconds per stage on a synthetic corpus.

    python bench/build_speed.py --records 10000

Prints one line per stage with seconds and records per second, and the peak memory.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphkit.analysis import coverage_graph
from graphkit.outputs import write_graph_files
from graphkit.records import read_records
from graphkit.resolve import resolve
from graphkit.synthetic import generate_corpus


def timed(label: str, records: int, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - start
    print(f"{label:<22} {seconds:8.2f} s {records / seconds:10.0f} records/s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = generate_corpus(Path(folder) / "records", args.records, seed=args.seed)
        n = corpus.records
        read = timed("read + validate", n, lambda: read_records([corpus.path]))
        resolved = timed("resolve entities", n, lambda: resolve(read.records))
        graph = timed("coverage graph", n, lambda: coverage_graph(resolved))
        timed("graphml+gexf+json", n, lambda: write_graph_files(graph, Path(folder) / "out"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n} records, {len(resolved.articles)} articles, {graph.number_of_edges()} edges; "
        f"peak memory {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
