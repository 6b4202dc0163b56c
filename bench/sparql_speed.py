"""How fast the RDF export loads and the canned queries answer, on Oxigraph and on rdflib.

    python bench/sparql_speed.py --records 10000

Generates a synthetic corpus, builds it (with the RDF files and the Oxigraph store), then
prints: the export's size; load times (Oxigraph bulk load into a fresh on-disk store, rdflib
parsing graph.nt); and per canned query the seconds on the persisted Oxigraph store (first
run after opening, and the median of the next runs) and on rdflib's in-memory engine. Each
rdflib query runs in a child process stopped after --rdflib-limit seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import Any

import pyoxigraph as ox

import graphkit
from graphkit.rdf import canned_queries, open_store, run_query
from graphkit.synthetic import generate_corpus

PARAMS = {"story-timeline": "story"}


def seconds(work: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def bindings(name: str, story: str) -> dict[str, Any]:
    query = canned_queries()[name]
    return query.bind({"story": story} if name in PARAMS else {})


def timed_query(store: Any, name: str, story: str) -> tuple[float, Any]:
    """Seconds to answer one canned query, and its result."""
    text, params = canned_queries()[name].text, bindings(name, story)
    start = time.perf_counter()
    result = run_query(store, text, params)
    return time.perf_counter() - start, result


def oxigraph_rows(out: Path, story: str, runs: int) -> dict[str, tuple[float, float, int]]:
    """Per query: first-run seconds, median of `runs` more, rows."""
    figures = {}
    for name in canned_queries():
        store = open_store(out)  # a fresh read-only handle: the first run is not warmed
        first, result = timed_query(store, name, story)
        warm = [timed_query(store, name, story)[0] for _ in range(runs)]
        figures[name] = (first, statistics.median(warm), len(result.rows))
    return figures


def _rdflib_worker(out: str, story: str, queue: Any) -> None:
    load, store = seconds(lambda: open_store(Path(out), "rdflib"))
    queue.put(("load", load, 0))
    for name in canned_queries():
        spent, result = timed_query(store, name, story)
        queue.put((name, spent, len(result.rows)))


def rdflib_rows(out: Path, story: str, limit: float) -> dict[str, tuple[float, int] | None]:
    """Per query (and "load"): seconds and rows, None past the time limit."""
    queue: Any = multiprocessing.get_context("fork").Queue()
    worker = multiprocessing.get_context("fork").Process(
        target=_rdflib_worker, args=(str(out), story, queue)
    )
    worker.start()
    figures: dict[str, tuple[float, int] | None] = {}
    for name in ["load", *canned_queries()]:
        try:
            label, spent, count = queue.get(timeout=limit)
        except Empty:
            figures[name] = None
            break
        figures[label] = (spent, count)
    worker.terminate()
    worker.join()
    return figures


def load_figures(out: Path, folder: Path) -> tuple[float, int]:
    """Seconds to bulk-load graph.nt into a fresh on-disk Oxigraph store, and its triples."""
    data = (out / "graph.nt").read_bytes()
    store = ox.Store(str(folder / "bench-store"))
    spent, _ = seconds(lambda: store.bulk_load(data, ox.RdfFormat.N_TRIPLES))
    return spent, len(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="warm runs per Oxigraph query")
    parser.add_argument("--rdflib-limit", type=float, default=300.0, help="seconds per query")
    parser.add_argument("--skip-rdflib", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        corpus = generate_corpus(folder / "records", args.records, seed=args.seed)
        out = folder / "out"
        build_time, result = seconds(
            lambda: graphkit.build(corpus.path, out, formats=("ttl", "jsonld"))
        )
        story = max(result.coverage, key=lambda s: len(s.entries)).id
        load_time, triples = load_figures(out, folder)
        sizes = ", ".join(
            f"{name} {(out / name).stat().st_size / 1e6:.1f} MB"
            for name in ("graph.ttl", "graph.nt", "graph.jsonld")
        )
        articles, stories = len(result.corpus.articles), len(result.coverage)
        print(f"corpus     {corpus.records} records, {articles} articles, {stories} stories; "
              f"build with RDF export {build_time:.1f} s")  # fmt: skip
        print(f"export     {triples} triples: {sizes}")
        print(f"oxigraph   bulk load {load_time:.2f} s ({triples / load_time:,.0f} triples/s)")
        ours = oxigraph_rows(out, story, args.runs)
        theirs = {} if args.skip_rdflib else rdflib_rows(out, story, args.rdflib_limit)
        parsed = theirs.get("load")
        if parsed:
            print(f"rdflib     parse graph.nt {parsed[0]:.2f} s")
        print(f"\n{'query':<20} {'rows':>6} {'oxigraph 1st':>13} {'oxigraph':>9} {'rdflib':>9}")
        for name, (first, warm, count) in ours.items():
            shown = rdflib_cell(theirs, name, args)
            print(f"{name:<20} {count:>6} {first:>12.3f}s {warm:>8.3f}s {shown:>9}")


def rdflib_cell(theirs: dict[str, tuple[float, int] | None], name: str, args: Any) -> str:
    if args.skip_rdflib:
        return "skipped"
    if name not in theirs:
        return "not run"
    figures = theirs[name]
    return f"{figures[0]:.2f}s" if figures else f">{args.rdflib_limit:.0f}s"


if __name__ == "__main__":
    main()
