"""How graphkit scales: per-stage seconds, records/s and peak memory at growing corpus sizes.

    python bench/scale.py --records 10000 100000 1000000 [--naive-up-to 10000]
        [--layout files jsonl] [--corpora DIR] [--no-rebuild]

For each size: generates a corpus in the record format (graphkit.synthetic: Zipf-like
outlets, power-law story sizes, 0 to 5 related entries, AMP and cdn URL forms, records of
about 3.3 KB), then in a fresh process (so that peak memory is the build's own) runs the
default `graphkit build` and prints each stage's seconds, records per second and the peak
memory so far, the output's size, and the seconds of `graphkit query first-coverage` on it,
beside the disk's floor: the same files read by `cat` from a cold page cache (as root on
Linux the cache is dropped before the floor and before the build, so both read cold);
then changes one record and rebuilds (an incremental build: only that file is read again),
unless --no-rebuild. With several sizes it ends with each stage's records per second at each
size (a linear stage keeps its rate).
Up to --naive-up-to records it also runs the pipeline a user would write instead
(`yaml.safe_load` per file, triples added one by one to an rdflib Graph, Turtle by rdflib)
on the same corpus, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import rdflib
import yaml
from rdflib.namespace import RDF, XSD

import graphkit
from graphkit.outputs.folder import published_build
from graphkit.synthetic import generate_corpus
from graphkit.util import peak_mib

SCHEMA = rdflib.Namespace("https://schema.org/")
ID = rdflib.Namespace("https://naive.example/")


def drop_page_cache() -> bool:
    """Drop Linux's page cache (root only), so that the next read comes from the disk."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def disk_floor(corpus: Path) -> tuple[float, bool]:
    """Seconds for `cat` to read every file of `corpus` (cold when the cache could be dropped)."""
    cold = drop_page_cache()
    started = time.perf_counter()
    subprocess.run(
        f"find {corpus} -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True
    )
    return time.perf_counter() - started, cold


def measure_build(corpus: Path, out: Path) -> dict[str, Any]:
    """The default build of `corpus` into `out`, stage by stage (run in a fresh process)."""
    started = time.perf_counter()
    result = graphkit.build(corpus, out, reuse=False)
    total = time.perf_counter() - started
    build = published_build(out)  # OUT's own names are links into it
    size = sum(path.stat().st_size for path in build.rglob("*") if path.is_file())
    return {
        "records": result.read.record_count,
        "stages": result.timings.steps,
        "total": total,
        "peak": peak_mib(),
        "bytes": size,
    }


def measure_rebuild(corpus: Path, out: Path) -> dict[str, Any]:
    """A rebuild of `out` after one record changed (a new headline), in a fresh process."""
    changed = min(p for p in corpus.iterdir() if p.suffix in (".txt", ".jsonl"))
    text = changed.read_text(encoding="utf-8")
    title = '"title": "' if changed.suffix == ".jsonl" else 'title: "'
    changed.write_text(text.replace(title, title + "Updated: ", 1), encoding="utf-8")
    started = time.perf_counter()
    try:
        result = graphkit.build(corpus, out)
    finally:  # a kept corpus (--corpora) stays as it was made
        changed.write_text(text, encoding="utf-8")
    return {
        "stages": result.timings.steps,
        "total": time.perf_counter() - started,
        "peak": peak_mib(),
        "reused": result.read.files_reused,
    }


def naive_build(corpus: Path, out: Path) -> dict[str, Any]:
    """What a user would write instead: YAML per file, an rdflib Graph, Turtle."""
    started = time.perf_counter()
    graph = rdflib.Graph()
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt")):
        text = path.read_text(encoding="utf-8")
        record = yaml.safe_load(text.split("---")[1])
        _naive_triples(graph, record)
    graph.serialize(out / "naive.ttl", format="turtle")
    return {"total": time.perf_counter() - started, "peak": peak_mib(), "triples": len(graph)}


def _naive_triples(graph: rdflib.Graph, record: dict[str, Any]) -> None:
    article = rdflib.URIRef(record["webUrl"])
    graph.add((article, RDF.type, SCHEMA.NewsArticle))
    graph.add((article, SCHEMA.headline, rdflib.Literal(record.get("title", ""))))
    published = record.get("publishedDateTime")
    if published:
        graph.add((article, SCHEMA.datePublished, rdflib.Literal(published, datatype=XSD.dateTime)))
    provider = record.get("provider") or {}
    if provider.get("domain"):
        outlet = ID["outlet/" + provider["domain"]]
        graph.add((article, SCHEMA.publisher, outlet))
        graph.add((outlet, SCHEMA.name, rdflib.Literal(provider.get("name", ""))))
    for topic in record.get("topics") or []:
        graph.add((article, SCHEMA.about, rdflib.Literal(str(topic))))
    for related in record.get("related") or []:
        if related.get("webUrl"):
            other = rdflib.URIRef(related["webUrl"])
            graph.add((article, SCHEMA.isRelatedTo, other))
            graph.add((other, SCHEMA.headline, rdflib.Literal(related.get("title", ""))))


def time_query(out: Path) -> float:
    """The canned first-coverage query as a user runs it: `graphkit query`, a fresh process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "graphkit", "query", "first-coverage", "--data", str(out),
         "--format", "csv", "--timeout", "0", "--max-rows", "0"],
        capture_output=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def in_fresh_process(kind: str, corpus: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(corpus), str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout.splitlines()[-1]))


def report(
    records: int, ours: dict[str, Any], again: dict[str, Any], naive: dict[str, Any] | None
) -> None:
    print(f"\n{records:,} records: default build {ours['total']:.1f} s, peak {ours['peak']:,.0f} "
          f"MiB, output {ours['bytes'] / 1e6:,.0f} MB, first-coverage query "
          f"{ours['first_coverage_query']:.2f} s")  # fmt: skip
    floor, cold = ours["floor"]
    print(f"  disk floor: cat of every file {floor:.1f} s ({'cold' if cold else 'warm: no root'})")
    print(f"  {'stage':<18} {'seconds':>8} {'records/s':>10} {'peak MiB':>9} {'rebuild s':>10}")
    for stage, (seconds, peak) in ours["stages"].items():
        rate = records / seconds if seconds else float("inf")
        rebuild = again.get("stages", {}).get(stage, (float("nan"), 0))[0]
        print(f"  {stage:<18} {seconds:>8.1f} {rate:>10,.0f} {peak:>9,.0f} {rebuild:>10.1f}")
    if again:
        print(f"  rebuild after one changed record: {again['total']:.1f} s, peak "
              f"{again['peak']:,.0f} MiB ({again['reused']:,} files not read again)")  # fmt: skip
    if naive:
        print(f"  naive pipeline {naive['total']:.1f} s, peak {naive['peak']:,.0f} MiB "
              f"({naive['triples']:,} triples): graphkit is {naive['total'] / ours['total']:.1f}"
              " times faster")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--naive-up-to", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--layout", nargs="+", choices=["files", "jsonl"], default=["files"],
        help="a front-matter file per record, or JSON Lines files of 10,000 records each",
    )  # fmt: skip
    parser.add_argument(
        "--corpora", type=Path, help="keep the generated corpora here and reuse them next time"
    )
    parser.add_argument(
        "--no-rebuild", action="store_true", help="skip the rebuild after one changed record"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, out = args.child
        work = {"graphkit": measure_build, "rebuild": measure_rebuild, "naive": naive_build}[kind]
        print(json.dumps(work(Path(corpus), Path(out))))
        return
    print(f"machine: a pure-Python loop of 20 million additions takes {machine_speed():.2f} s")
    for layout in args.layout:
        rates: dict[int, dict[str, float]] = {}
        for records in args.records:
            with tempfile.TemporaryDirectory() as temporary:
                folder = Path(temporary)
                corpus = corpus_of(records, layout, args.seed, args.corpora or folder)
                (folder / "out").mkdir()
                floor = disk_floor(corpus)
                drop_page_cache()
                ours = in_fresh_process("graphkit", corpus, folder / "out")
                ours["floor"] = floor
                ours["first_coverage_query"] = time_query(folder / "out")
                again = (
                    {} if args.no_rebuild else in_fresh_process("rebuild", corpus, folder / "out")
                )
                naive = None
                if records <= args.naive_up_to and layout == "files":
                    naive = in_fresh_process("naive", corpus, folder / "out")
                print(f"\nlayout: {layout}", end="")
                report(records, ours, again, naive)
                rates[records] = {
                    stage: records / seconds for stage, (seconds, _) in ours["stages"].items()
                }
        linearity(layout, rates)


def machine_speed() -> float:
    """Seconds of a fixed pure-Python loop: the VMs these figures come from differ by up to
    1.6 times in CPU speed (2.29 s on the slow one), so figures of two runs compare only
    beside this one."""
    started = time.perf_counter()
    total = 0
    for number in range(20_000_000):
        total += number
    return time.perf_counter() - started


def linearity(layout: str, rates: dict[int, dict[str, float]]) -> None:
    """Each stage's records per second at every size, and the largest over the smallest
    (a linear stage keeps its rate: the target is at most 1.5)."""
    if len(rates) < 2:
        return
    sizes = sorted(rates)
    print(f"\nlayout: {layout}, records/s per stage by size (linear: the same rate)")
    print(f"  {'stage':<18}" + "".join(f"{size:>12,}" for size in sizes) + f"{'max/min':>9}")
    for stage in rates[sizes[0]]:
        found = [rates[size].get(stage, float("nan")) for size in sizes]
        spread = max(found) / min(found) if min(found) > 0 else float("inf")
        print(f"  {stage:<18}" + "".join(f"{rate:>12,.0f}" for rate in found) + f"{spread:>9.2f}")


def corpus_of(records: int, layout: str, seed: int, folder: Path) -> Path:
    """The generated corpus of `records` in `layout` below `folder`, made unless it is there
    (a kept corpus of a million records takes minutes to make)."""
    corpus = folder / f"{layout}-{records}-seed{seed}"
    if not (corpus / "labels.tsv").exists():
        started = time.perf_counter()
        generate_corpus(corpus, records, seed=seed, jsonl=layout == "jsonl")
        print(f"generated {records:,} records in {time.perf_counter() - started:.0f} s")
    return corpus


if __name__ == "__main__":
    main()
