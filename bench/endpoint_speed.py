"""The SPARQL endpoint and a real triple store, side by side, on a generated corpus.

    python bench/endpoint_speed.py --records 10000 [--out FOLDER] [--skip-virtuoso]

Builds the corpus (or reuses `--out` when it holds a build), then prints:
- per canned query, seconds through `graphkit serve` over HTTP (JSON; median of --runs);
- throughput of the endpoint with 8 clients sending one story's timeline at once;
- `graphkit push` into a throwaway Virtuoso (tests/virtuoso.py; Debian's
  virtuoso-opensource-7-bin): seconds and triples/s, then each canned query there
  (seconds, and whether the rows equal the local ones).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

import graphkit
from graphkit.rdf import QueryError, canned_queries, query_data
from graphkit.rdf.push import push_graph
from graphkit.rdf.remote import query_endpoint
from graphkit.rdf.results import as_json
from graphkit.synthetic import generate_corpus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.virtuoso import running_virtuoso  # noqa: E402


def built(records: int, seed: int, out: Path, folder: Path) -> Path:
    if (out / "store" / "CURRENT").is_file():
        return out
    corpus = generate_corpus(folder / "records", records, seed=seed)
    started = time.perf_counter()
    graphkit.build(corpus.path, out)
    print(f"build      {records:,} records in {time.perf_counter() - started:.1f} s")
    return out


def params(out: Path) -> dict[str, dict[str, str]]:
    first, _ = query_data(out, "first-coverage", limits=graphkit.rdf.Limits(None, None))
    story = max(first.rows, key=lambda row: int(row[5].value) if row[5] else 0)[0]
    outlet = first.rows[0][2]
    assert story is not None and outlet is not None
    values: dict[str, dict[str, str]] = {name: {} for name in canned_queries()}
    values["story-timeline"] = {"story": story.value}
    values["articles-per-day"] = {"outlet": outlet.value}
    return values


def serve(out: Path) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "graphkit", "serve", "--data", str(out), "-p", "0",
         "--timeout", "600", "--max-rows", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    line = server.stdout.readline()
    return server, line.split(" at ")[1].split(" ")[0]


def endpoint_figures(out: Path, values: dict[str, dict[str, str]], runs: int) -> None:
    server, url = serve(out)
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            print(f"\n{'query via graphkit serve':<26} {'rows':>7} {'seconds':>8}")
            for name, given in values.items():
                spent = []
                for _ in range(runs):
                    started = time.perf_counter()
                    answer = client.get(f"/queries/{name}.json", params=given)
                    spent.append(time.perf_counter() - started)
                    answer.raise_for_status()
                rows = len(answer.json().get("rows", []))
                print(f"{name:<26} {rows:>7} {statistics.median(spent):>8.3f}")
        timeline = values["story-timeline"]

        def one(_: int) -> None:
            with httpx.Client(base_url=url, timeout=600) as client:
                for _ in range(20):
                    client.get("/queries/story-timeline.json", params=timeline).raise_for_status()

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, range(8)))
        spent = time.perf_counter() - started
        print(f"8 clients x 20 story timelines: {160 / spent:.0f} queries/s")
    finally:
        server.terminate()
        server.wait()


def virtuoso_figures(out: Path, values: dict[str, dict[str, str]], folder: Path) -> None:
    with running_virtuoso(folder / "virtuoso") as store:
        report = push_graph(
            out, store.graph_store_url, user=store.user, password=store.password, progress=False
        )
        print(
            f"\npush       {report.describe()} ({report.triples / report.seconds:,.0f} triples/s)"
        )
        print(f"{'query on Virtuoso':<26} {'rows':>7} {'seconds':>8}  same rows as here")
        unlimited = graphkit.rdf.Limits(None, None)
        for name, given in values.items():
            started = time.perf_counter()
            try:
                theirs, _ = query_endpoint(
                    store.sparql_url, name, given, graph=report.graph, limits=unlimited
                )
            except QueryError as error:  # Virtuoso may run out of memory, or die
                print(f"{name:<26} failed after {time.perf_counter() - started:.1f} s: {error}")
                if not store.answers():
                    print("Virtuoso is gone: see its log\n" + store.log_tail(5))
                    return
                continue
            spent = time.perf_counter() - started
            ours, _ = query_data(out, name, given, limits=unlimited)
            same = as_json(theirs) == as_json(ours)
            print(f"{name:<26} {len(theirs.rows):>7} {spent:>8.3f}  {'yes' if same else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="a build to reuse, or where to build")
    parser.add_argument("--skip-virtuoso", action="store_true")
    args: Any = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        out = built(args.records, args.seed, args.out or folder / "out", folder)
        triples = sum(1 for _ in (out / "graph.nt").open("rb"))
        print(f"data       {out}: {triples:,} triples")
        values = params(out)
        endpoint_figures(out, values, args.runs)
        if not args.skip_virtuoso:
            virtuoso_figures(out, values, folder)


if __name__ == "__main__":
    main()
